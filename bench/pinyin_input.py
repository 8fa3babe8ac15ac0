"""Pinyin name candidates: loading, building from a database's names, and one key press.

    python bench/pinyin_input.py [--names 50000] [--repeat 5]

What a clerk waits for:
- load: the library data (pypinyin's readings, jieba's dictionary) read once per process, in a
  fresh interpreter each time (it happens in a worker thread when the member form first opens);
- build: counting a database's names (none, a township's 300, a district's newest 50,000);
- key press: NameInput.suggest for every prefix of names typed letter by letter (zhangsan is
  z, zh, zha, ... zhangsan: 8 key presses), the first time each prefix is seen (cold lists) and
  again (warm), for each of those databases.

Reference figure, measured in the same run: what a key press in the member form already costs
before this feature (the row checker on the form's values: the validation as you type), since a
candidate engine did not exist before this session.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TYPED = ["zhangsan", "wangjianguo", "ouyangnana", "liuxiaohong", "zs", "chenjie", "zhang san", "xi'an", "lvxiaobu"]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_in_fresh_process() -> tuple[float, float]:
    """(seconds, peak RSS MB) for loading the library data in a new interpreter."""
    code = (
        "import time, resource, sys; t = time.perf_counter();"
        "from clerk.domain import pinyin_input; pinyin_input.library();"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, rss = out.stdout.split()
    return float(seconds), float(rss)


def sample_names(n: int, seed: int = 7) -> list[str]:
    from clerk.registry import demo

    rng = random.Random(seed)
    return [
        rng.choice(demo.SURNAMES) + "".join(rng.choice(demo.GIVEN) for _ in range(rng.choice((1, 2, 2))))
        for _ in range(n)
    ]


def key_presses(engine, cold: bool) -> list[float]:
    """Milliseconds per key press over TYPED, letter by letter."""
    out = []
    for typed in TYPED:
        if cold:
            engine._lists.clear()
        for end in range(1, len(typed) + 1):
            t = time.perf_counter()
            engine.suggest(typed[:end])
            out.append((time.perf_counter() - t) * 1000)
    return out


def form_check_ms(repeat: int) -> list[float]:
    from clerk.domain.checker import check_member

    values = {"name": "张三", "id_number": "500101199001010013", "phone": "13812345678", "joined_on": ""}
    check_member(values)
    out = []
    for _ in range(repeat * 50):
        t = time.perf_counter()
        check_member(values)
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   max {ms[-1]:6.2f} ms   (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=50_000, help="the large database's names")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"pypinyin {version('pypinyin')}, jieba {version('jieba')}, textual {version('textual')}")
    print()
    loads = [load_in_fresh_process() for _ in range(args.repeat)]
    print(
        f"load library data (fresh process):  {min(s for s, _ in loads):.2f}-{max(s for s, _ in loads):.2f} s,"
        f" peak RSS {max(r for _, r in loads):.0f} MB (interpreter included)"
    )

    from clerk.domain import pinyin_input

    before = _peak_rss_mb()
    pinyin_input.library()
    print(f"peak RSS after loading here: {_peak_rss_mb():.0f} MB (was {before:.0f} MB)")
    print()
    reference = []
    for label, n in (("empty database", 0), ("township, 300 names", 300), (f"{args.names:,} names", args.names)):
        names = sample_names(n)
        builds = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            engine = pinyin_input.NameInput(names)
            builds.append(time.perf_counter() - t)
        cold, warm = [], []
        for _ in range(args.repeat):
            cold += key_presses(engine, cold=True)
            warm += key_presses(engine, cold=False)
            reference += form_check_ms(1)  # interleaved with the runs it is compared to
        print(f"{label}: build {min(builds) * 1000:.0f}-{max(builds) * 1000:.0f} ms")
        print(f"  key press, first time:  {summary(cold)}")
        print(f"  key press, again:       {summary(warm)}")
    print()
    print(f"reference, the form's check per key press today: {summary(reference)}")
    print(f"peak RSS at the end: {_peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
