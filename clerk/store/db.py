"""SQLite connection, schema and migrations.

The schema lives in schema.sql (re-applied idempotently); MIGRATIONS holds only the changes
to existing tables that CREATE ... IF NOT EXISTS cannot express. An older database is backed
up before it is migrated; a newer one is refused.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema.sql"

# version -> statements that bring a database from version-1 to version.
MIGRATIONS: dict[int, list[str]] = {}


class DatabaseError(Exception):
    """A database problem with a message in Chinese that a clerk can act on."""


def schema_sql() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")


def schema_version() -> int:
    match = re.search(r"PRAGMA\s+user_version\s*=\s*(\d+)", schema_sql())
    assert match, "schema.sql must set PRAGMA user_version"
    return int(match.group(1))


def _statements(sql: str) -> Iterator[str]:
    """Split a script into statements (so a migration can run in one transaction)."""
    buf = ""
    for line in sql.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            stmt = buf.strip()
            buf = ""
            if stmt and not stmt.upper().startswith("PRAGMA"):
                yield stmt


def connect(path: str | Path, *, timeout: float = 5.0) -> sqlite3.Connection:
    """Open (creating or migrating as needed) the database at path."""
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"“{path}”是一个文件夹，不是数据库文件。请指定一个 .db 文件。")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise DatabaseError(f"无法创建文件夹“{path.parent}”。请换一个可写的位置。") from None
    # WAL needs to write beside the file, so a read-only file or folder can't be used at all.
    if (path.exists() and not os.access(path, os.W_OK)) or not os.access(path.parent, os.W_OK):
        raise DatabaseError(describe_error(sqlite3.OperationalError("readonly"), path))
    conn = None
    try:
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        _refuse_foreign(conn, path)  # before WAL: never change another program's file
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL" if mode == "wal" else "PRAGMA synchronous = FULL")
        conn.execute("PRAGMA cache_size = -32000")
        _prepare(conn, path)
    except (sqlite3.DatabaseError, DatabaseError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, DatabaseError):
            raise
        raise DatabaseError(describe_error(exc, path)) from None
    return conn


def _refuse_foreign(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse, without writing, a file that is another program's database or a newer clerk's."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and not {"settings", "members", "journal"} <= tables:
        raise DatabaseError(f"“{path}”是其他程序的 SQLite 数据库，不是 clerk 的数据库。请换一个文件。")
    target = schema_version()
    if current > target:
        raise DatabaseError(
            f"数据库“{path}”由更新版本的 clerk 创建（结构版本 {current}，本程序支持 {target}）。请升级 clerk。"
        )


def describe_error(exc: sqlite3.Error, path: Path | str) -> str:
    text = str(exc).lower()
    if "not a database" in text or "file is encrypted" in text or "malformed" in text:
        return f"“{path}”不是 clerk 的数据库文件（或已损坏）。请检查路径，或用 clerk restore 从备份恢复。"
    if "locked" in text or "busy" in text:
        return f"数据库“{path}”正被另一个 clerk 程序使用。请先关闭另一个窗口，再重试。"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"无法写入数据库“{path}”：文件或所在文件夹是只读的。请换一个可写的位置，或检查文件权限。"
    if "disk" in text and "full" in text:
        return "磁盘已满，数据没有写入。请清理磁盘空间后重试。"
    return f"数据库“{path}”出错：{exc}。数据没有改动。"


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    target = schema_version()
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
    if current == target:
        return
    if has_tables:  # _refuse_foreign has made sure it is an older clerk database
        backup(conn, path, reason=f"migrate-v{current}")
    with transaction(conn):
        for version in range(current + 1, target + 1):
            for stmt in MIGRATIONS.get(version, []):
                conn.execute(stmt)
        for stmt in _statements(schema_sql()):
            conn.execute(stmt)
        conn.execute(f"PRAGMA user_version = {target}")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE); nested calls become savepoints."""
    if conn.in_transaction:
        name = f"sp{id(object())}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup(
    conn: sqlite3.Connection,
    db_path: Path | str,
    *,
    reason: str = "manual",
    to: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Copy the live database with SQLite's backup API (consistent even while in use)."""
    db_path = Path(db_path)
    if to is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        to = backup_dir(db_path) / f"{db_path.stem}-{stamp}-{reason}.db"
    to.parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(to)
    try:
        conn.backup(target, pages=4096, progress=(lambda s, r, t: progress(t - r, t)) if progress else None)
        # One self-contained file (no -wal/-shm beside it) that can be carried on a USB stick.
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    return to


def restore(backup_path: Path | str, db_path: Path | str) -> Path:
    """Replace db_path with a backup; the current file is itself backed up first."""
    backup_path, db_path = Path(backup_path), Path(db_path)
    if not backup_path.is_file():
        raise DatabaseError(f"找不到备份文件“{backup_path}”。")
    try:
        source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
        source.execute("SELECT count(*) FROM members").fetchone()
        ok = source.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError:
        raise DatabaseError(f"“{backup_path}”不是 clerk 的备份文件（或已损坏），没有恢复。") from None
    if ok != "ok":
        source.close()
        raise DatabaseError(f"备份“{backup_path}”已损坏（完整性检查未通过），没有恢复。")
    saved = None
    if db_path.exists():
        try:
            current = connect(db_path)
            saved = backup(current, db_path, reason="before-restore")
            current.close()
        except DatabaseError:
            # The current file is damaged (often why one restores): keep its bytes as they are.
            saved = backup_dir(db_path) / f"{db_path.stem}-{datetime.now():%Y%m%d-%H%M%S}-damaged.db"
            saved.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(db_path, saved)
            # SQLite can't write into a file that isn't a database, nor should a stale WAL replay.
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    target = sqlite3.connect(db_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return saved or db_path
