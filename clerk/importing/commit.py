"""Import, step 3: write the planned batch in one transaction (all of it or none of it).

The database is backed up first. New members go in with one executemany and carry exactly
what members.register writes: derived gender, birth date and birthplace, pinyin search keys,
name grams, unit code, a uid, and one journal row each (with the batch id). The grams and the
journal rows are made by SQL from the rows just inserted, so the snapshots in the journal are
the stored rows themselves, as members.snapshot() reads them.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from clerk.domain import choices
from clerk.importing.lock import one_import_at_a_time
from clerk.importing.pinyin import PinyinKeys
from clerk.importing.plan import NEW_COLUMNS, Plan, no_cyclic_gc
from clerk.importing.scan import ImportRefused, Progress, _previous
from clerk.registry import members
from clerk.store import bulk as member_bulk
from clerk.store import db, sqlite
from clerk.store.store import ServiceError, Store, new_uid, now

CHUNK = 10_000
REGISTERED_MEANWHILE = (
    "检查这份名单以后，其中有人已经在别处登记了（另一个导入或另一个窗口刚刚写入），"
    "所以这次没有导入任何人。请重新导入：已登记的人会显示为“已是会员”。"
)


@dataclass
class Result:
    batch_id: int | None
    counts: dict[str, int]
    message: str
    already: dict | None = None  # the earlier batch of the same file
    backup: Path | None = None
    parent_id: int | None = None
    resolved: int = 0  # rejected rows of the parent batch that this batch imported
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.batch_id is not None


def _journal_seq(store: Store) -> int:
    row = store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'journal'").fetchone()
    return row[0] if row else 0


class EarlyBackup:
    """The pre-import backup, started while the roster is still being read (it runs in SQLite's C
    code, on the other core). commit() uses it when nothing was written to the database since it
    was taken, and otherwise takes a fresh one, holding the write lock, so a backup is always the
    database exactly as it was before the batch."""

    def __init__(self, db_path: str | Path, writer: bool = False):
        self.db_path = Path(db_path)
        self.path: Path | None = None
        self._version: int | None = None
        self._conn = db.open_file(self.db_path, check_same_thread=False)
        self._thread = threading.Thread(target=self._run, name="clerk-import-backup", daemon=True)
        self._thread.start()
        # `clerk import` starts the writer process for a big roster now too (import_writer): it is
        # ready when the first rows are. Unused, it is stopped with the backup's connection.
        self.writer = None
        if writer:
            from clerk.importing.writer import start_writer

            self.writer = start_writer()

    def _run(self) -> None:
        try:
            self.path = db.backup(self._conn, self.db_path, reason="import")
            self._version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except (sqlite.Error, OSError, db.DatabaseError):
            self.path = None

    def take(self) -> Path | None:
        """The backup, if it still shows the database as it is now (call with the write lock held)."""
        self._thread.join()
        try:
            unchanged = (
                self.path is not None and self._conn.execute("PRAGMA data_version").fetchone()[0] == self._version
            )
        except sqlite.Error:
            unchanged = False
        if not unchanged:
            self.discard()
            return None
        path, self.path = self.path, None
        self.close()
        return path

    def discard(self) -> None:
        """Not needed after all (the clerk went back, or the database changed): remove it."""
        self._thread.join()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None
        self.close()

    def close(self) -> None:
        self._conn.close()
        if self.writer is not None:
            self.writer.stop()
            self.writer.close()
            self.writer = None


def _backup_now(store: Store) -> Path:
    """A backup of what is committed, from a connection of its own (ours holds the write lock)."""
    conn = db.open_file(store.path)
    try:
        return db.backup(conn, store.path, reason="import")
    finally:
        conn.close()


def take_backup(store: Store, early: EarlyBackup | None) -> Path:
    """The backup of the database as it is before the batch (call with the write lock held)."""
    return (early.take() if early is not None else None) or _backup_now(store)


def checkpoint(store: Store) -> None:
    """Fold the batch from the write-ahead log into the database file (commit() leaves this for after
    the clerk has seen the result; SQLite would otherwise do it on the next write)."""
    try:
        store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    except sqlite.Error:
        pass  # busy readers: SQLite finishes it later by itself


def _already(store: Store, plan: Plan, early: EarlyBackup | None) -> Result | None:
    """The same file committed before, or nothing to write: a Result that writes nothing."""
    previous = _previous(store, plan.scan.sha256)
    if previous:
        if early is not None:
            early.discard()
        return Result(
            None,
            dict(plan.counts),
            f"这个文件已于 {previous['created_at'].replace('T', ' ')} 由 {previous['clerk']} 导入过"
            f"（批次 #{previous['id']}），本次没有任何改动。",
            already=previous,
        )
    return None


def _nothing(plan: Plan, early: EarlyBackup | None) -> Result:
    if early is not None:
        early.discard()
    return Result(None, dict(plan.counts), "没有需要写入的内容：花名册里的人都已是会员，信息也没有变化。")


def commit(store: Store, plan: Plan, progress: Progress | None = None, early: EarlyBackup | None = None) -> Result:
    """Write a prepared batch in one transaction; a file committed before changes nothing."""
    with one_import_at_a_time(store.path, _waiting(progress)):
        return _commit(store, plan, progress, early)


def _waiting(progress: Progress | None):
    return (lambda message: progress(message, 0, None)) if progress else None


def _commit(store: Store, plan: Plan, progress: Progress | None, early: EarlyBackup | None) -> Result:
    done = _already(store, plan, early)
    if done is not None:
        return done
    if not plan.writes and not plan.rejects:
        return _nothing(plan, early)
    writer = _BatchWriter(store, plan, progress, len(plan.new_rows) + len(plan.updates))
    try:
        with _no_autocheckpoint(store), no_cyclic_gc(), store.write():
            if progress:
                progress("备份", 0, None)
            writer.begin(take_backup(store, early), bulk=len(plan.new_rows) >= BULK)
            for start in range(0, len(plan.new_rows), CHUNK):
                writer.add(plan.new_rows[start : start + CHUNK])
            writer.finish()
    except sqlite.IntegrityError:
        # Checked against the database as it was; someone registered some of these people since.
        raise ImportRefused(REGISTERED_MEANWHILE) from None
    finally:
        store.batch_id = None
    return writer.result()


def run(
    store: Store,
    scan,
    options=None,
    progress: Progress | None = None,
    early: EarlyBackup | None = None,
    seen=None,
    parallel: bool | None = None,
) -> tuple[Plan, Result]:
    """Check and commit in one go, as `clerk import` does: a big roster is written by a helper
    process while its later rows are still checked (import_writer; parallel=None decides by size)."""
    with one_import_at_a_time(store.path, _waiting(progress)):
        return _run(store, scan, options, progress, early, seen, parallel)


def _run(store: Store, scan, options, progress, early, seen, parallel) -> tuple[Plan, Result]:
    from clerk.importing import writer as import_writer
    from clerk.importing.plan import prepare

    if parallel or (parallel is None and import_writer.worth_it(scan)):
        try:
            return import_writer.run(store, scan, options, progress, early, seen)
        except import_writer.CannotStart:
            pass

    try:
        plan = prepare(store, scan, options, progress, seen)
    except BaseException:
        if early is not None:
            early.discard()
        raise
    return plan, _commit(store, plan, progress, early)


@contextmanager
def _no_autocheckpoint(store: Store) -> Iterator[None]:
    autocheckpoint = store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    store.conn.execute("PRAGMA wal_autocheckpoint = 0")  # see checkpoint()
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint)}")


class _BatchWriter:
    """The writes of one batch, inside the caller's transaction: begin, add rows (any number of
    times, as they come), finish."""

    def __init__(
        self, store: Store, plan: Plan | None, progress: Progress | None, total: int, *, scan=None, options=None
    ):
        self.store = store
        self.conn = store.conn
        self.plan = plan
        self.scan = plan.scan if plan is not None else scan
        self.options = plan.options if plan is not None else options
        self.progress = progress
        self.total = total
        self.unit = store.require_unit()
        self.stamp = now()
        self.written = 0
        self.first_id: int | None = None
        self.next_id = 0
        self.trigger: str | None = None
        self.pinyin: PinyinKeys | None = None  # made when first needed (the writer process gets keyed rows)
        self.parent = None
        self.resolved = 0
        self.backup: Path | None = None
        self.uids = UidPool(len(plan.new_rows) if plan is not None else 0)
        self.insert_sql = ""

    def begin(self, backup: Path, bulk: bool) -> None:
        """Inside the transaction, with the backup taken: the batch record, the ids to come."""
        conn, scan, unit = self.conn, self.scan, self.unit
        self.backup = backup
        if scan.parent_uid:
            self.parent = conn.execute("SELECT id FROM import_batches WHERE uid = ?", (scan.parent_uid,)).fetchone()
        sheets = [
            {
                "name": s.name,
                "header_rows": s.layout.header_rows if s.layout else [],
                "data_start": s.layout.data_start if s.layout else None,
                "labels": [c.label for c in s.layout.columns] if s.layout else [],
                "skipped": s.skipped,
            }
            for s in scan.sheets
        ]
        mapping = {s.name: s.layout.mapping() for s in scan.usable if s.layout}
        cur = conn.execute(
            "INSERT INTO import_batches (uid, unit_code, file_name, file_sha256, file_kind, sheets, mapping, org_id,"
            " update_existing, parent_id, backup_path, status, clerk, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'committed', ?, ?)",
            (
                new_uid(),
                unit.code,
                scan.display,
                scan.sha256,
                scan.kind,
                json.dumps(sheets, ensure_ascii=False),
                json.dumps(mapping, ensure_ascii=False),
                self.options.org_id,
                int(self.options.updates(scan)),
                self.parent["id"] if self.parent else None,
                str(self.backup),
                unit.clerk,
                self.stamp,
            ),
        )
        self.batch_id = cur.lastrowid
        self.store.batch_id = self.batch_id
        self.first_seq = _journal_seq(self.store) + 1
        self.first_id = self.next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM members").fetchone()[0]
        # The batch's constant columns as literals: fewer parameters to bind on every row.
        cols = ", ".join(NEW_COLUMNS)
        consts = ", ".join(_literal(v) for v in (unit.code, choices.LIVE, self.stamp, self.stamp))
        self.insert_sql = (
            f"INSERT INTO members (id, uid, unit_code, status, created_at, updated_at, {cols})"
            f" VALUES (?, ?, {consts}, {', '.join('?' * len(NEW_COLUMNS))})"
        )
        if bulk:
            found = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (member_bulk.COUNT_TRIGGER,)
            ).fetchone()
            if found:
                self.trigger = found[0]
                conn.execute(f"DROP TRIGGER {member_bulk.COUNT_TRIGGER}")

    def add(self, rows: list[tuple], keyed: bool = False) -> None:
        """New members (NEW_COLUMNS values, without the pinyin keys unless keyed); finish() adds
        grams and journal rows."""
        if not rows:
            return
        if not keyed:
            self.pinyin = self.pinyin or PinyinKeys()
            keys = self.pinyin.keys
            rows = [(*row, *keys(row[0])) for row in rows]
        base, uids = self.next_id, self.uids.take(len(rows))
        self.add_numbered([(base + k, uids[k], *row) for k, row in enumerate(rows)])

    def add_numbered(self, rows: list[tuple]) -> None:
        """New members numbered already: (id, uid, *NEW_COLUMNS), the ids following on from the last."""
        if not rows:
            return
        if rows[0][0] != self.next_id or rows[-1][0] != self.next_id + len(rows) - 1:
            raise ServiceError("导入的新会员编号不连续，导入没有写入任何内容。")
        self.conn.executemany(self.insert_sql, rows)
        self.next_id += len(rows)
        self.written += len(rows)
        if self.progress:
            self.progress("写入", self.written, self.total or None)

    def finish(self) -> None:
        conn, plan, store = self.conn, self.plan, self.store
        assert plan is not None
        try:
            if self.written:
                self._grams_and_journal(self.first_id, self.next_id - 1)
            if self.trigger is not None:
                conn.execute(member_bulk.COUNT_SQL, (self.first_id, self.next_id - 1))
                conn.execute(self.trigger)
            done = self.written
            for member_id, changes in plan.updates:
                members._update(store, member_id, changes)
                done += 1
                if self.progress and done % 2000 == 0:
                    self.progress("写入", done, self.total)
            last_seq = _journal_seq(store)
            conn.executemany(
                "INSERT INTO import_rejects (batch_id, sheet, row_number, kind, reason, cells) VALUES (?, ?, ?, ?, ?, ?)",
                ((self.batch_id, *r) for r in plan.rejects),
            )
            if self.parent is not None and plan.resolves:
                before = conn.total_changes
                conn.executemany(
                    "UPDATE import_rejects SET resolved_by = ? WHERE batch_id = ? AND sheet = ? AND row_number = ?"
                    " AND kind = 'rejected' AND resolved_by IS NULL",
                    ((self.batch_id, self.parent["id"], sheet, row) for sheet, row in plan.resolves),
                )
                self.resolved = conn.total_changes - before
            for sheet in self.scan.usable:
                if sheet.saved_mapping and sheet.layout:
                    conn.execute(
                        "UPDATE import_mappings SET uses = uses + 1 WHERE signature = ?", (sheet.layout.signature,)
                    )
            c = plan.counts
            wrote = last_seq >= self.first_seq
            conn.execute(
                "UPDATE import_batches SET new_count = ?, updated_count = ?, unchanged_count = ?, duplicate_count = ?,"
                " rejected_count = ?, warning_count = ?, first_seq = ?, last_seq = ? WHERE id = ?",
                (
                    c["new"],
                    c["updated"],
                    c["unchanged"],
                    c["duplicate"],
                    c["rejected"],
                    c["warning"],
                    self.first_seq if wrote else None,
                    last_seq if wrote else None,
                    self.batch_id,
                ),
            )
        finally:
            store.batch_id = None
        if self.progress:
            self.progress("写入", self.total, self.total)

    def _grams_and_journal(self, first: int, last: int) -> None:
        """For all the new members at once, each a single statement."""
        member_bulk.add_grams(self.conn, first, last)
        if self.progress:
            self.progress("写入修改记录", self.written, self.total or None)
        member_bulk.journal_inserts(
            self.conn, first, last, at=now(), clerk=self.unit.clerk, unit_code=self.unit.code, batch_id=self.batch_id
        )

    def result(self) -> Result:
        counts = dict(self.plan.counts)  # type: ignore[union-attr]
        parts = [f"新入会 {counts['new']} 人"]
        if counts["updated"]:
            parts.append(f"更新 {counts['updated']} 人")
        if counts["unchanged"]:
            parts.append(f"已是会员 {counts['unchanged']} 人")
        if counts["duplicate"]:
            parts.append(f"重复 {counts['duplicate']} 行")
        if counts["rejected"]:
            parts.append(f"未导入 {counts['rejected']} 行")
        message = f"已导入“{self.scan.display}”（批次 #{self.batch_id}）：" + "，".join(parts) + "。"
        parent_id = self.parent["id"] if self.parent else None
        if parent_id is not None:
            message += f"这是批次 #{parent_id} 的错误报告修改后发回的文件，补上了其中 {self.resolved} 行。"
        return Result(self.batch_id, counts, message, backup=self.backup, parent_id=parent_id, resolved=self.resolved)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class UidPool:
    """uids for a batch, made and sorted at once: taken in order, each chunk of rows goes into
    its own stretch of the uid index, page by page, instead of all over it."""

    def __init__(self, count: int):
        self._uids = "".join(new_uids(count))  # one string: 32 bytes a uid, not 90 as a list of them
        self._next = 0

    def take(self, count: int) -> list[str]:
        blob = self._uids[self._next * 32 : (self._next + count) * 32]
        uids = [blob[k : k + 32] for k in range(0, len(blob), 32)]
        self._next += len(uids)
        if len(uids) < count:  # more rows than the pool was made for
            uids += new_uids(count - len(uids))
        return uids


def new_uids(count: int) -> list[str]:
    """count uuid4 hex strings (as new_uid() makes them), in sorted order: inserting a batch's uids
    in index order touches the uid index page by page instead of at random."""
    raw = os.urandom(16 * count).hex()
    variant = "89ab"
    uids = [
        raw[k : k + 12] + "4" + raw[k + 13 : k + 16] + variant[int(raw[k + 16], 16) & 3] + raw[k + 17 : k + 32]
        for k in range(0, 32 * count, 32)
    ]
    uids.sort()
    return uids


# The per-row count trigger is set aside for a batch of this many rows or more, and the counts
# added up once (member_bulk.COUNT_SQL), then the trigger is put back exactly as the schema wrote it.
BULK = 5000
