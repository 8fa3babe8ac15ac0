"""Merge many sync files into the hub with several processes at once (`clerk merge --into URL --jobs N`).

The hub merges files of different units side by side (each file is one transaction under its
unit's lock, sync_postgres), and a merge is CPU-bound in the merging process (reading and
verifying the .xlsx) as much as on the server; so one clerk with a city's files uses the cores
of the machine. The files are grouped by sending unit — a unit's files stay in one process, in
sequence order, as the gap rule needs — and the groups dealt to N processes by size. Each
process opens its own connection and runs the ordinary merge (sync_merge rules, PostgresTarget);
the outcomes come back in the order the serial merge would list them.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from clerk.store.store import ServiceError
from clerk.sync import merge as sync_merge
from clerk.sync.reader import BadSyncFile, read_manifest

Progress = Callable[[int, int, str], None]


def plan(files: Iterable[str | Path], jobs: int, password: str | None = None) -> list[list[Path]]:
    """Files grouped by unit and dealt to at most `jobs` lists, largest unit first."""
    groups: dict[str, list[Path]] = {}
    sizes: dict[str, int] = {}
    for path in dict.fromkeys(Path(f) for f in files):
        try:
            m = read_manifest(path, password)
            key, size = m.unit_code, sum(m.counts.values())
        except BadSyncFile:
            key, size = "", 0  # refused by the merge itself, with its reason
        groups.setdefault(key, []).append(path)
        sizes[key] = sizes.get(key, 0) + size
    buckets: list[list[Path]] = [[] for _ in range(max(1, min(jobs, len(groups))))]
    loads = [0] * len(buckets)
    for key in sorted(groups, key=lambda k: -sizes[k]):
        i = loads.index(min(loads))
        buckets[i].extend(groups[key])
        loads[i] += sizes[key]
    return [b for b in buckets if b]


def _worker(
    url: str, files: list[Path], password: str | None, force_gap: bool, index: int, queue, read_ahead: bool = True
):
    from clerk.hub import service as hub

    def progress(done: int, total: int, label: str) -> None:
        if queue is not None:
            queue.put((index, done, total, label))

    opened = hub.open_hub(url)
    try:
        # The merge reads the next file in a helper process, handing it over pickled (about 17
        # microseconds of CPU a member, both ways): worth it only when the cores are not all busy.
        return hub.merge(
            opened,
            files,
            password=password,
            force_gap=force_gap,
            progress=progress,
            read_ahead=None if read_ahead else False,
        ).outcomes
    finally:
        opened.close()


def merge(
    url: str,
    files: Iterable[str | Path],
    *,
    jobs: int,
    password: str | None = None,
    force_gap: bool = False,
    progress: Progress | None = None,
) -> sync_merge.MergeReport:
    buckets = plan(files, jobs, password)
    if not buckets:
        raise ServiceError("请指定要合并的同步文件。")
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited connection
    with context.Manager() as manager:
        queue = manager.Queue() if progress else None
        state: dict[int, tuple[int, int]] = {}
        stop = threading.Event()

        def relay() -> None:
            while not stop.is_set():
                try:
                    index, done, total, label = queue.get(timeout=0.2)
                except Exception:  # noqa: BLE001 - queue.Empty through the manager proxy
                    continue
                state[index] = (done, total)
                progress(sum(d for d, _ in state.values()), sum(t for _, t in state.values()), label)

        relayer = threading.Thread(target=relay, daemon=True) if progress else None
        if relayer:
            relayer.start()
        try:
            with ProcessPoolExecutor(max_workers=len(buckets), mp_context=context) as pool:
                read_ahead = 2 * len(buckets) <= (os.cpu_count() or 1)  # a reader beside each merge
                futures = [
                    pool.submit(_worker, url, b, password, force_gap, i, queue, read_ahead)
                    for i, b in enumerate(buckets)
                ]
                results = [f.result() for f in futures]
        finally:
            stop.set()
            if relayer:
                relayer.join()
    outcomes = [o for result in results for o in result]
    outcomes.sort(
        key=lambda o: (o.status != sync_merge.REFUSED or bool(o.unit_code), o.unit_code, o.first_seq, o.last_seq)
    )
    return sync_merge.MergeReport(outcomes)
