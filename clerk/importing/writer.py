"""`clerk import` of a big roster: rows are checked here while a writer process writes the ones
already checked, so the row checks (Python) and SQLite's writing each have a core.

Why a process: SQLite releases the GIL for every row of an executemany, so a writer *thread* and
the checking thread slowed each other down (the whole took longer). Why the *writer*
in the helper process, not the reader: the sheet is already loaded in this process (calamine
reads a sheet whole), and a forked child must not use SQLite while its parent has the same
database open (sqlite.org/howtocorrupt.html, 2.6), so the helper is a fresh interpreter that
opens the database itself.

It is still one transaction with a backup first: the writer takes the write lock, this process
takes the backup (the early one when nothing changed since), and the writer commits only when
it is told everything arrived. If this process dies, the writer sees its input end and rolls
back; if the writer dies or fails, this process raises and nothing was written.

Messages are pickled tuples: in on the writer's stdin, out on a copy of its stdout (anything
printed there by accident goes to stderr instead). The key of an encrypted database comes in the
first message, so it is never on a command line or in the environment.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import clerk
from clerk.importing.commit import (
    BULK,
    EarlyBackup,
    Result,
    UidPool,
    _already,
    _BatchWriter,
    _no_autocheckpoint,
    take_backup,
)
from clerk.importing.pinyin import PinyinKeys
from clerk.importing.plan import Options, Plan, SeenIds, _Planner, no_cyclic_gc
from clerk.importing.scan import FileScan, Progress
from clerk.store import db, keys, sqlite
from clerk.store.store import ServiceError, Store

PARALLEL_ROWS = 20_000  # below this the helper's start-up is not worth it (bench/import.py)
CHUNK = 10_000  # rows per message to the writer
FIRST_CHUNK = 2_000
last_writer_steps: dict[str, float] = {}  # the last writer's CPU and wall seconds per step, and its peak MB
_GONE = "写入数据库的后台进程意外退出，没有写入任何内容。请重试；如果反复出现，请用 clerk import --dry-run 先检查文件。"


class CannotStart(Exception):
    """The writer process could not be started; nothing has been done yet."""


def worth_starting(roster: Path) -> bool:
    """Start the writer while the roster is read? (By file size: about PARALLEL_ROWS rows of .xlsx.)"""
    try:
        return roster.stat().st_size >= 1_000_000
    except OSError:
        return False


def worth_it(scan: FileScan) -> bool:
    rows = scan.estimated_rows
    return rows >= PARALLEL_ROWS if rows is not None else scan.size >= 2_000_000


def run(
    store: Store,
    scan: FileScan,
    options: Options | None = None,
    progress: Progress | None = None,
    early: EarlyBackup | None = None,
    seen: SeenIds | None = None,
) -> tuple[Plan, Result]:
    """Check every row and write the new members as they come, in one transaction."""
    options = options or Options()
    plan = Plan(scan, options)
    done = _already(store, plan, early)
    if done is not None:
        return plan, done
    try:
        planner = _Planner(store, plan, progress, SeenIds() if seen is None else seen)  # refuses a bad --org
    except BaseException:
        if early is not None:
            early.discard()
        raise
    try:
        writer = early.writer if early is not None and early.writer is not None else start_writer()
    except OSError:  # no Python to start (a frozen build, no process slots): check first, then write here
        raise CannotStart from None
    writer.progress = progress
    if early is not None:
        early.writer = None  # ours now: taking the backup must not stop it
    try:
        # The database key goes through the pipe, never the command line or the environment.
        key = keys.key_for(store.path)
        writer.send("begin", str(store.path), key, _portable(scan), options, scan.estimated_rows or 0)
        feed = _Feed(store, scan, early, writer, planner)
        with no_cyclic_gc(), _small_cache(store):
            planner.run()
        feed.rows(plan.new_rows)
        feed.start()
        writer.send("finish", dataclasses.replace(plan, scan=_portable(scan), new_rows=[]))
        reply = writer.wait("done", "nothing")
    except BaseException:
        writer.stop()
        if early is not None:
            early.discard()
        raise
    finally:
        writer.close()
    if reply[0] == "nothing":
        feed.backup.unlink(missing_ok=True)  # type: ignore[union-attr]
        return plan, Result(None, dict(plan.counts), "没有需要写入的内容：花名册里的人都已是会员，信息也没有变化。")
    last_writer_steps.clear()
    last_writer_steps.update(reply[2])
    return plan, reply[1]


class _Feed:
    """Checked rows to the writer, with their pinyin keys worked out here (this process has time to
    spare, the writer has none). The first rows wait for the writer to hold the lock and for the
    backup."""

    def __init__(self, store: Store, scan: FileScan, early: EarlyBackup | None, writer: _Writer, planner: _Planner):
        self.store, self.scan, self.early, self.writer, self.planner = store, scan, early, writer, planner
        self.backup: Path | None = None
        # pypinyin's dictionaries are big: loaded only after the sheet is read, and only here. No names
        # remembered: this process has time to spare but holds the sheet (memory, not time, is short).
        self.keys = PinyinKeys(memo=0).keys
        planner.sink, planner.sink_rows = self.rows, FIRST_CHUNK  # a small first one: the writer starts sooner

    def start(self) -> None:
        if self.backup is not None:
            return
        self.writer.wait("locked")
        self.backup = take_backup(self.store, self.early)
        self.writer.send("backup", self.backup, (self.scan.estimated_rows or 0) >= BULK)

    def rows(self, rows: list[tuple]) -> None:
        if not rows:
            return
        self.start()
        keys = self.keys
        self.writer.send("rows", [(*row, *keys(row[0])) for row in rows])
        self.planner.sink_rows = CHUNK


@contextmanager
def _small_cache(store: Store) -> Iterator[None]:
    """The lookups of existing members here gain little from a big page cache (new ID numbers are
    looked up at random), and the writer process has one of its own: keep this one small."""
    size = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    store.conn.execute("PRAGMA cache_size = -4000")
    store.conn.execute("PRAGMA shrink_memory")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(size)}")


def _portable(scan: FileScan) -> FileScan:
    """The scan without its open workbook (what the writer needs: name, sha256, sheets, mapping)."""
    return dataclasses.replace(scan, book=None)  # type: ignore[arg-type]


def start_writer() -> _Writer:
    return _Writer()


class _Writer:
    """This side of the writer process: send messages, wait for replies, pass its progress on."""

    def __init__(self) -> None:
        self.progress: Progress | None = None
        env = dict(os.environ)
        root = str(Path(clerk.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "clerk.importing.writer"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self.replies: queue.Queue[tuple] = queue.Queue()
        self.reader = threading.Thread(target=self._read, name="clerk-import-replies", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            try:
                reply = pickle.load(out)
            except Exception:  # EOF, or the process died half way through a message
                self.replies.put(("gone",))
                return
            self.replies.put(reply)

    def send(self, *message: Any) -> None:
        self._drain()
        try:
            pickle.dump(message, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)  # type: ignore[arg-type]
            self.proc.stdin.flush()  # type: ignore[union-attr]
        except (BrokenPipeError, OSError):
            self.wait()  # raises the writer's own error, or says it is gone
            raise ServiceError(_GONE) from None

    def _drain(self) -> None:
        while True:
            try:
                reply = self.replies.get_nowait()
            except queue.Empty:
                return
            self._handle(reply)

    def _handle(self, reply: tuple) -> tuple:
        if reply[0] == "progress":
            if self.progress:
                self.progress(*reply[1:])
        elif reply[0] == "error":
            raise ServiceError(reply[1])
        elif reply[0] == "gone":
            raise ServiceError(_GONE)
        return reply

    def wait(self, *wanted: str) -> tuple:
        while True:
            reply = self._handle(self.replies.get())
            if reply[0] in wanted:
                return reply

    def stop(self) -> None:
        """Something went wrong on this side: the writer must not commit."""
        self.proc.kill()

    def close(self) -> None:
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)


# -- the writer process -------------------------------------------------------------------------


class _Gone(BaseException):
    """The importing process went away: roll back."""


class _Nothing(Exception):
    """Nothing to write after all: roll back the batch record."""


class _Clock:
    """Where the writer's time went (bench/import.py prints it): CPU seconds per step, idle time."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}
        self.step, self.wall, self.cpu = "start", time.perf_counter(), time.process_time()

    def to(self, step: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.steps[f"{self.step} cpu"] = self.steps.get(f"{self.step} cpu", 0.0) + cpu - self.cpu
        self.steps[f"{self.step} wall"] = self.steps.get(f"{self.step} wall", 0.0) + wall - self.wall
        self.step, self.wall, self.cpu = step, wall, cpu

    def report(self) -> dict[str, float]:
        self.to("end")
        try:  # the peak of this process alone (ru_maxrss would count the parent's pages from the fork)
            with open("/proc/self/status") as f:
                self.steps["peak_mb"] = next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
        except (OSError, StopIteration):
            pass
        return {k: round(v, 3) for k, v in self.steps.items()}


def _serve(read, reply) -> None:
    clock = _Clock()
    _, db_path, key, scan, options, estimate = read()
    if key is not None:
        keys.remember(db_path, key)
    store = Store(db_path)

    def progress(stage: str, done: int, total: int | None) -> None:
        if stage == "写入修改记录":
            clock.to("journal")
        reply("progress", stage, done, total)

    writer = _BatchWriter(store, None, progress, estimate, scan=scan, options=options)
    try:
        with _no_autocheckpoint(store), no_cyclic_gc(), store.write():
            reply("locked")
            _, backup, bulk = read()
            writer.begin(backup, bulk)
            writer.uids = UidPool(estimate)  # while the first rows are still being checked
            while True:
                clock.to("waiting for rows")
                message = read()
                clock.to("rows")
                if message[0] == "finish":
                    break
                writer.add(message[1], keyed=True)
            plan: Plan = message[1]
            writer.plan = plan
            if writer.written != plan.counts["new"]:  # never expected; then rather write nothing
                raise ServiceError(
                    f"写入的新会员数（{writer.written}）与检查结果（{plan.counts['new']}）不符，导入没有写入任何内容。"
                )
            if not writer.written and not plan.updates and not plan.rejects:
                raise _Nothing
            writer.total = writer.written + len(plan.updates)
            clock.to("grams")
            writer.finish()
            clock.to("commit")
        reply("done", writer.result(), clock.report())
    except _Nothing:
        reply("nothing")
    except sqlite.Error as exc:
        raise ServiceError(f"{db.describe_error(exc, db_path)}（导入没有写入任何内容）") from None
    finally:
        store.batch_id = None
        store.close()


def main() -> None:
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not end up in the replies
    inp = sys.stdin.buffer

    def read() -> tuple:
        try:
            return pickle.load(inp)
        except EOFError:
            raise _Gone from None

    def reply(*message: Any) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        _serve(read, reply)
    except _Gone:
        pass  # store.write() rolled back
    except ServiceError as exc:
        reply("error", str(exc))
    except Exception as exc:
        reply("error", f"写入时出错：{exc!r}（导入没有写入任何内容）")


if __name__ == "__main__":
    main()
