"""Organisation screens at scale: 5,000 organisations and 1,000,000 members.

    python bench/orgs.py [--orgs 5000] [--members 1000000] [--repeat 3]

Measures (target: under 1 s each) the organisation tree service, the tree screen opening
headless at 80x24 until its Tree holds every organisation and has drawn, the coverage summary,
the home screen's coverage line, the summary screen opening, and a picker search. Prints the
figures with library versions, peak RSS and the machine load (the machine may be shared).
The database is built once by bench/orgs_data.py and cached in the temp folder (clerk-bench).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import sqlite3
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import orgs_data  # noqa: E402

from clerk.registry import organisations  # noqa: E402
from clerk.reports import coverage
from clerk.store.store import Store  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


async def screen_times(db_path: Path, orgs: int, repeat: int) -> dict[str, float]:
    from textual.screen import Screen

    from clerk.tui.app import make_app
    from clerk.tui.orgs.org_summary import OrgSummaryScreen
    from clerk.tui.orgs.org_tree import OrgTreeScreen

    tree_times, summary_times, expand_times = [], [], []
    children = 0
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # A blank screen under the measured ones: the home screen's own figures (a scan of the
        # members, not part of this benchmark) would otherwise refresh between runs.
        await app.push_screen(Screen())
        await pilot.pause()
        for _ in range(repeat):
            start = time.perf_counter()
            screen = OrgTreeScreen()
            await app.push_screen(screen)
            while len(screen.info) < orgs or screen.current_id() is None:
                await pilot.pause(0)
            await pilot.pause()  # one refresh: the tree has been laid out and drawn
            tree_times.append(time.perf_counter() - start)
            assert screen.query_one("#detail").render()

            # Open the first village: its enterprises become tree nodes then.
            village = screen.info[screen.current_id()].children[0]
            screen.query_one("Tree").move_cursor(screen.nodes[village.id])
            await pilot.pause()
            start = time.perf_counter()
            await pilot.press("space")
            while village.id not in screen.loaded:
                await pilot.pause(0)
            await pilot.pause()
            expand_times.append(time.perf_counter() - start)
            children = len(village.children)
            app.pop_screen()
            await pilot.pause()

            start = time.perf_counter()
            summary = OrgSummaryScreen()
            await app.push_screen(summary)
            await pilot.pause()
            summary_times.append(time.perf_counter() - start)
            assert summary.query_one("#org-table").total == orgs
            app.pop_screen()
            await pilot.pause()
    return {
        "tree_screen": statistics.median(tree_times),
        "summary_screen": statistics.median(summary_times),
        "expand": statistics.median(expand_times),
        "children": children,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=orgs_data.ORGS)
    parser.add_argument("--members", type=int, default=orgs_data.MEMBERS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    path = orgs_data.build(orgs_data.cache_path(args.orgs, args.members), args.orgs, args.members)
    store = Store(path)
    live = store.conn.execute("SELECT sum(members) FROM org_member_counts").fetchone()[0]
    print(
        f"database: {path} ({path.stat().st_size / 2**20:.0f} MiB), {args.orgs:,} organisations, "
        f"{args.members:,} members ({live:,} on the roll)"
    )

    from clerk.tui.orgs.org_summary import coverage_lines

    t_tree, roots = timed(lambda: organisations.tree(store), args.repeat)
    t_summary, summary = timed(lambda: coverage.summary(store), args.repeat)
    t_home, _ = timed(lambda: coverage_lines(store), args.repeat)
    t_pick, found = timed(lambda: organisations.choices_for(store, "企业0012"), args.repeat)
    t_recount, _ = timed(lambda: organisations.recount(store), 1)
    store.close()
    screens = asyncio.run(screen_times(path, args.orgs, args.repeat))

    print(
        f"coverage: {summary.organisations:,} active unions, {summary.members:,} members "
        f"({summary.migrant:,} migrant, {summary.new_form:,} new-form); "
        f"{len(summary.big):,} enterprises with 25+ employees, rate {summary.big_rate_label}"
    )
    rows = [
        ("organisations.tree()", t_tree),
        ("tree screen opens (headless, 80x24, drawn)", screens["tree_screen"]),
        (f"expand a village ({screens['children']} enterprises)", screens["expand"]),
        ("coverage.summary()", t_summary),
        ("summary screen opens", screens["summary_screen"]),
        ("home coverage line", t_home),
        (f"picker search '企业0012' ({len(found)} found)", t_pick),
        ("recount() from scratch (repair only)", t_recount),
    ]
    for label, seconds in rows:
        mark = "" if seconds < 1 or label.startswith("recount") else "  <-- over 1 s"
        print(f"  {label:<48} {seconds * 1000:8.1f} ms{mark}")
    print(
        f"median of {args.repeat} runs (recount: 1); peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    print(
        f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, textual {version('textual')}, "
        f"rich {version('rich')}, python-stdnum {version('python-stdnum')}, pypinyin {version('pypinyin')}"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
