"""Member search on a large database: build time, size, start-up time and search latency.

    python bench/search.py [--members N] [--db PATH] [--keep] [--queries 200]

The database is built in bulk (one transaction, executemany, indexes created after the rows)
but holds exactly what members.register() would write: the same columns, the derived gender,
birth date and birthplace, the pinyin keys and the name-gram rows (computed by the same
functions), valid ID numbers, about 5,000 organisations, a few members who left and a few
deleted records. The change journal is not filled (search and the home screen never read it).

A database is reused when one built with the same member count, schema and name keys is found
at the path, so reruns skip the build. Without --keep, a database this run built is removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

UNIT = ("500101001", "示范镇总工会", "基准测试")
BUILD_STAMP = "2026-01-01T09:00:00"
CHUNK = 10_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def default_db(n: int) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "clerk-bench" / f"members-{n}.db"


def schema_fingerprint() -> str:
    """Of what decides the database's contents: the schema and the search keys of names."""
    from clerk.domain import names
    from clerk.store import db

    source = db.schema_sql() + Path(names.__file__).read_text(encoding="utf-8")
    return hashlib.sha256(source.encode()).hexdigest()[:16]


# -- building ---------------------------------------------------------------------------------

ORG_PLACES = "青山石桥柳林滨江龙凤金竹白沙黄桷双河新华长岭红岩玉泉松林马鞍桃源清溪大坪"
ORG_TRADES = [
    ("快递有限公司", "快递物流"),
    ("外卖配送站", "外卖配送"),
    ("网约车服务有限公司", "网约车"),
    ("机械制造有限公司", "制造业"),
    ("家政服务中心", "家政服务"),
    ("货运物流有限公司", "货运"),
    ("建筑工程有限公司", "建筑业"),
    ("食品有限公司", "制造业"),
    ("商贸有限公司", "批发零售"),
    ("物业管理有限公司", "物业"),
]


def _organisations(rng: random.Random, count: int, unit_code: str) -> list[dict]:
    """A township root, 40 villages/communities, the rest enterprises under them (ids 1..count)."""
    from clerk.store.store import new_uid

    def org(i: int, name: str, kind: str, parent: int | None, **extra) -> dict:
        return {
            "id": i,
            "name": name,
            "kind": kind,
            "parent_id": parent,
            **extra,
            "uid": new_uid(),
            "unit_code": unit_code,
            "created_at": BUILD_STAMP,
            "updated_at": BUILD_STAMP,
        }

    rows = [org(1, UNIT[1], "乡镇(街道)总工会", None, region_code=unit_code)]
    for i in range(2, 42):
        place = ORG_PLACES[(i * 2) % len(ORG_PLACES) : (i * 2) % len(ORG_PLACES) + 2]
        kind = "村(社区)工会"
        rows.append(org(i, f"{place}{'村' if i % 3 else '社区'}工会联合会{i}", kind, 1))
    for i in range(42, count + 1):
        a, b = rng.sample(range(len(ORG_PLACES)), 2)
        trade, industry = rng.choice(ORG_TRADES)
        kind = "联合工会" if "配送站" in trade else "企业工会"
        name = f"重庆{ORG_PLACES[a]}{ORG_PLACES[b]}{trade}{i}工会"
        rows.append(org(i, name, kind, rng.randint(2, 41), industry=industry, employee_count=rng.randint(5, 3000)))
    return rows


def _surname_weights(surnames: str) -> list[float]:
    # demo.SURNAMES is in order of frequency; real surnames follow roughly a Zipf law
    # (王, 李, 张 about 7% each), which makes 张 a hard one-character query.
    return [1 / (rank + 1) ** 0.9 for rank in range(len(surnames))]


_KEYS: dict[str, dict[str, str]] = {}  # name -> pinyin keys, per worker process (names repeat)


def _chunk(args: tuple[int, int, int, str]) -> list[tuple[dict, tuple[str, ...]]]:
    """Generate `count` members (as members.register would store them) and their name grams."""
    from clerk.domain import checker, names
    from clerk.registry import demo, members
    from clerk.store.store import new_uid

    seed, count, n_orgs, today = args
    rng = random.Random(seed)
    surname_cum = list(accumulate(_surname_weights(demo.SURNAMES)))
    org_ids = list(range(42, n_orgs + 1))
    org_weights = [1 / (r + 1) ** 0.6 for r in range(len(org_ids))]
    random.Random(0).shuffle(org_weights)  # the same big enterprises in every chunk
    org_cum = list(accumulate(org_weights))
    out = []
    for person in demo.generate_people(rng, count, date.fromisoformat(today)):
        person["name"] = rng.choices(demo.SURNAMES, cum_weights=surname_cum)[0] + person["name"][1:]
        person["org_id"] = rng.choices(org_ids, cum_weights=org_cum)[0]
        checked = checker.check_member(person)
        assert checked.ok, (person, checked.errors)
        clean = checked.values
        name = clean["name"]
        keys = _KEYS.get(name)
        if keys is None:
            keys = _KEYS[name] = members._search_keys(name)
        record = {**clean, **keys, "uid": new_uid(), "unit_code": UNIT[0], "status": "在册"}
        record.update(created_at=BUILD_STAMP, updated_at=BUILD_STAMP, status_note=None, deleted_at=None)
        grams = tuple(names.grams(name))
        roll = rng.random()
        if roll < 0.002:  # entered by mistake: members.delete() keeps the row and drops its grams
            record["deleted_at"] = BUILD_STAMP
            record["notes"] = "删除原因：重复录入"
            grams = ()
        elif roll < 0.04:
            status, note = rng.choice([("退会", "本人申请"), ("转出", "转往沙坪坝区某街道工会"), ("已故", None)])
            record.update(status=status, status_note=note)
        out.append((record, grams))
    return out


def build(path: Path, n: int, seed: int = 20261123, workers: int = 2) -> dict:
    """Build the database at path (replacing it); returns figures of the build."""
    import multiprocessing as mp
    import sqlite3

    from clerk.registry import setup
    from clerk.store.store import Store

    started = time.perf_counter()
    partial = path.with_name(path.name + ".building")
    for p in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        p.unlink(missing_ok=True)
    store = Store(partial)  # the schema exactly as the app creates it
    setup.set_up(store, *UNIT)
    store.set_settings(bench_members=str(n), bench_schema=schema_fingerprint())
    store.close()

    conn = sqlite3.connect(partial, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members' AND sql IS NOT NULL"
    ).fetchall()
    conn.execute("BEGIN")
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")

    rng = random.Random(seed)
    n_orgs = 5000
    orgs = _organisations(rng, n_orgs, UNIT[0])
    for o in orgs:
        conn.execute(f"INSERT INTO organisations ({', '.join(o)}) VALUES ({', '.join('?' * len(o))})", list(o.values()))
    conn.execute("CREATE TEMP TABLE grams (gram TEXT, member_id INTEGER)")

    today = date.today().isoformat()
    seen: set[str] = set()
    insert = None
    member_id = 0
    jobs = ((seed * 1000 + i, CHUNK, n_orgs, today) for i in range(10**6))
    with mp.get_context("fork").Pool(workers) as pool:
        for chunk in pool.imap(_chunk, jobs):
            rows, gram_rows = [], []
            for record, grams in chunk:
                if record["id_number"] in seen:
                    continue  # two generated people drew the same ID number
                seen.add(record["id_number"])
                member_id += 1
                record["id"] = member_id
                if insert is None:
                    cols = list(record)
                    insert = f"INSERT INTO members ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                rows.append([record[c] for c in cols])
                gram_rows.extend((g, member_id) for g in grams)
                if member_id == n:
                    break
            conn.executemany(insert, rows)
            conn.executemany("INSERT INTO grams VALUES (?, ?)", gram_rows)
            print(f"\r  members {member_id:,}/{n:,}", end="", file=sys.stderr, flush=True)
            if member_id == n:
                pool.terminate()
                break
    print(file=sys.stderr)
    rows_done = time.perf_counter()
    conn.execute("INSERT INTO member_name_grams (gram, member_id) SELECT gram, member_id FROM grams ORDER BY 1, 2")
    conn.execute("DROP TABLE grams")
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    partial.rename(path)
    return {
        "build_s": time.perf_counter() - started,
        "rows_s": rows_done - started,
        "build_peak_rss_mb": _peak_rss_mb(),
    }


def ensure_db(path: Path, n: int) -> tuple[bool, dict]:
    """Reuse a matching database at path, else build one in a child process."""
    import sqlite3

    if path.exists():
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            got = dict(conn.execute("SELECT key, value FROM settings WHERE key LIKE 'bench_%'").fetchall())
            conn.close()
        except sqlite3.Error:
            got = {}
        if got == {"bench_members": str(n), "bench_schema": schema_fingerprint()}:
            return False, {}
        print(f"{path} does not match this run (members or schema differ): rebuilding", file=sys.stderr)
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(
        [sys.executable, __file__, "--build-only", "--members", str(n), "--db", str(path)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return True, json.loads(out.strip().splitlines()[-1])


# -- start-up -----------------------------------------------------------------------------------


def startup_child(path: Path) -> None:
    """Run in a fresh interpreter: open the app headless and wait for the home figures."""
    t0 = time.perf_counter()
    import asyncio

    from clerk.tui.app import make_app
    from clerk.tui.home import Figure, HomeScreen

    imported = time.perf_counter()

    async def run() -> dict:
        app = make_app(path)
        async with app.run_test(headless=True, size=(80, 24)) as pilot:
            while True:
                screen = app.screen
                if isinstance(screen, HomeScreen) and screen.is_mounted:
                    figure = screen.query(Figure).first()
                    if str(figure.content):
                        break
                await pilot.pause(0.001)
            shown = time.perf_counter()
            print(json.dumps({"import_s": imported - t0, "to_home_s": shown - t0}), flush=True)
            print(json.dumps({"home": str(screen.query_one("#members", Figure).content)}), flush=True)
        return {}

    asyncio.run(run())
    print(json.dumps({"peak_rss_mb": _peak_rss_mb()}), flush=True)


def measure_startup(path: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--startup-child", "--db", str(path)], stdout=subprocess.PIPE, text=True
    )
    first = json.loads(proc.stdout.readline())
    wall = time.perf_counter() - start
    rest = [json.loads(line) for line in proc.stdout if line.strip()]
    proc.wait()
    figures = {k: v for d in rest for k, v in d.items()}
    return {"startup_wall_s": wall, **first, **figures}


# -- search latency -----------------------------------------------------------------------------

RARE = "龘靐齉爩麤鱻驫鬱厵灪"  # characters no generated name has


def _samples(store, rng: random.Random, k: int) -> list:
    top = store.conn.execute("SELECT max(id) FROM members").fetchone()[0]
    ids = [rng.randint(1, top) for _ in range(k)]
    return [
        store.conn.execute(
            "SELECT name, id_number, name_pinyin, name_initials FROM members WHERE id = ?", (i,)
        ).fetchone()
        for i in ids
    ]


def query_sets(store, rng: random.Random, k: int) -> dict[str, list]:
    from clerk.registry import demo

    people = _samples(store, rng, k * 3)
    three = [p for p in people if len(p["name"]) >= 3]
    multi = [p for p in people if len(p["name_initials"]) >= 3]

    def pick(seq, f):
        return [f(rng.choice(seq)) for _ in range(k)]

    def two_chars(p):
        i = rng.randrange(len(p["name"]) - 1)
        return p["name"][i : i + 2]

    return {
        "ID prefix, 6 digits": pick(people, lambda p: p["id_number"][:6]),
        "ID prefix, 10 digits": pick(people, lambda p: p["id_number"][:10]),
        "ID prefix, 14 digits": pick(people, lambda p: p["id_number"][:14]),
        "name, 1 char, common surname": [rng.choice(demo.SURNAMES[:10]) for _ in range(k)],
        "name, 1 char, matches nothing": [rng.choice(RARE) for _ in range(k)],
        "name, 1 char, given-name char": [rng.choice(p["name"][1:]) for p in people[:k]],
        "name, 2 chars": pick(people, two_chars),
        "name, 3 chars": pick(three, lambda p: p["name"][:3]),
        "pinyin initials, 2 letters": pick(people, lambda p: p["name_initials"][:2]),
        "pinyin initials, 3 letters": pick(multi, lambda p: p["name_initials"][:3]),
        "full pinyin (zhangsan)": pick(people, lambda p: p["name_pinyin"]),
        "full pinyin prefix, 3 letters": pick(people, lambda p: p["name_pinyin"][:3]),
        "pinyin, 1 letter": pick(people, lambda p: p["name_pinyin"][:1]),
    }


def _stats(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "n": len(times),
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": times[max(0, int(len(times) * 0.95) - 1)] * 1000,
        "max_ms": times[-1] * 1000,
    }


def measure_searches(store, k: int, seed: int = 7) -> dict[str, dict]:
    from clerk.registry import search

    rng = random.Random(seed)
    results: dict[str, dict] = {}
    for label, queries in query_sets(store, rng, k).items():
        times, found = [], []
        for q in queries:
            search.forget(store)  # no totals or keys remembered from an earlier query
            t = time.perf_counter()
            page = search.search(store, q, limit=100)
            times.append(time.perf_counter() - t)
            found.append(page.total)
        results[label] = {**_stats(times), "example": queries[0], "median_total": statistics.median(found)}

    total = store.conn.execute("SELECT count(*) FROM members WHERE deleted_at IS NULL").fetchone()[0]
    # What the member list does on open (first page and the total), then while scrolling.
    times = []
    for _ in range(k):
        search.forget(store)
        t = time.perf_counter()
        search.search(store, "", limit=100)
        times.append(time.perf_counter() - t)
    results["list, first page"] = {**_stats(times), "example": "", "median_total": total}
    for start in (0, total // 2):
        search.forget(store)
        offset = start + len(search.search(store, "", limit=100, offset=start).rows)
        times = []
        for _ in range(k):
            t = time.perf_counter()
            page = search.search(store, "", limit=100, offset=offset)
            times.append(time.perf_counter() - t)
            offset += len(page.rows)
        label = f"list, scrolling on from offset {start:,}"
        results[label] = {**_stats(times), "example": f"pages of 100 up to {offset:,}", "median_total": total}
    times = []
    for _ in range(k):
        offset = rng.randrange(total // 10, total - 100)
        search.forget(store)  # a jump: no page before it to continue from
        t = time.perf_counter()
        page = search.search(store, "", limit=100, offset=offset)
        times.append(time.perf_counter() - t)
        assert len(page.rows) == 100
    results["list, jump to a deep offset"] = {
        **_stats(times),
        "example": f"{total // 10:,}..{total:,}",
        "median_total": total,
    }
    org = store.conn.execute("SELECT org_id FROM org_member_counts ORDER BY members DESC LIMIT 1").fetchone()[0]
    for label, q in (("largest organisation, list", ""), ("largest organisation, name 1 char", "张")):
        times = []
        for _ in range(k // 4):
            search.forget(store)
            t = time.perf_counter()
            page = search.search(store, q, limit=100, org_id=org)
            times.append(time.perf_counter() - t)
        results[label] = {**_stats(times), "example": q, "median_total": page.total}
    return results


# -- report -------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    import sqlite3
    from importlib.metadata import version

    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": version("textual"),
        "pypinyin": version("pypinyin"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpu",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000, help="members in the database (default 1,000,000)")
    parser.add_argument(
        "--db", type=Path, help="database to build or reuse (default: members-N.db in ~/.cache/clerk-bench)"
    )
    parser.add_argument("--keep", action="store_true", help="keep a database this run builds, for the next run")
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--startup-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = (args.db or default_db(args.members)).resolve()

    if args.build_only:
        print(json.dumps(build(path, args.members)))
        return
    if args.startup_child:
        startup_child(path)
        return

    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")
    built, build_figures = ensure_db(path, args.members)
    size_mb = path.stat().st_size / 2**20
    try:
        report(path, args, built, build_figures, size_mb)
    finally:
        if built and not args.keep:
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
            print(f"\n(removed the database this run built; --keep keeps it at {path})")


def report(path: Path, args, built: bool, build_figures: dict, size_mb: float) -> None:
    from clerk.reports import dashboard
    from clerk.store.store import Store

    print(f"database: {path}")
    if built:
        print(
            f"built {args.members:,} members in {build_figures['build_s']:.1f} s"
            f" (rows {build_figures['rows_s']:.1f} s, then indexes),"
            f" build peak RSS {build_figures['build_peak_rss_mb']:.0f} MB"
        )
    else:
        print("reused the database built by an earlier run (same member count and schema)")
    print(f"size: {size_mb:,.0f} MB")

    startup = min((measure_startup(path) for _ in range(3)), key=lambda s: s["startup_wall_s"])
    print(
        f"start-up to home screen with figures (new process, best of 3): {startup['startup_wall_s']:.2f} s"
        f" (imports {startup['import_s']:.2f} s; peak RSS {startup['peak_rss_mb']:.0f} MB)"
    )

    store = Store(path)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        figures = dashboard.figures(store)
        times.append(time.perf_counter() - t)
    print(
        f"dashboard.figures: median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms  {figures}"
    )

    results = measure_searches(store, args.queries)
    store.close()
    print(f"\nsearch latency, search.search(limit=100), {args.queries} queries of each kind:")
    print(
        f"{'kind':36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  {'found':>8}  example (found: median total shown, capped at 1000)"
    )
    for label, r in results.items():
        print(
            f"{label:36} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} {r['max_ms']:8.2f}"
            f"  {int(r['median_total']):>8,}  {r['example']}"
        )
    targeted = {k: r for k, r in results.items() if not k.startswith("largest organisation")}
    label, worst = max(((k, r["p95_ms"]) for k, r in targeted.items()), key=lambda kv: kv[1])
    print(
        f"\nworst p95 over the whole database: {worst:.2f} ms ({label}; target < 20 ms);"
        f" start-up {startup['startup_wall_s']:.2f} s (target < 1.5 s)"
    )
    print("(searches within the largest organisation are shown for reference; they have no target)")
    print(f"peak RSS of this process: {_peak_rss_mb():.0f} MB")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)")


if __name__ == "__main__":
    main()
