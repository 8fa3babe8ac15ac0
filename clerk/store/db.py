"""SQLite connection, schema and migrations, backup and restore.

The schema lives in schema.sql (re-applied idempotently); MIGRATIONS holds only the changes
to existing tables that CREATE ... IF NOT EXISTS cannot express. An older database is backed
up before it is migrated; a newer one is refused.

Every connection comes from open_file(), which starts an encrypted database's connection with
its key (keys.py says where keys come from); backups of an encrypted database are encrypted with
the same key.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from clerk.store import files, keys, sqlite
from clerk.store.errors import ServiceError

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema.sql"

# version -> statements that bring a database from version-1 to version.
MIGRATIONS: dict[int, list[str]] = {
    # The member record complete (issue 15): the real-name coded fields, the status's effective date
    # and reason. A permit's number is no mainland region: its kind is set and its region code emptied,
    # as idcard.parse now derives them.
    3: [
        "ALTER TABLE members ADD COLUMN status_on TEXT",
        "ALTER TABLE members ADD COLUMN status_reason TEXT",
        "ALTER TABLE members ADD COLUMN id_kind TEXT NOT NULL DEFAULT '居民身份证'",
        "ALTER TABLE members ADD COLUMN education TEXT",
        "ALTER TABLE members ADD COLUMN political TEXT",
        "ALTER TABLE members ADD COLUMN household TEXT",
        "ALTER TABLE members ADD COLUMN employment_status TEXT",
        "ALTER TABLE members ADD COLUMN skill_level TEXT",
        "ALTER TABLE members ADD COLUMN join_method TEXT",
        "ALTER TABLE members ADD COLUMN join_place TEXT",
        """UPDATE members SET birthplace_code = '', id_kind = CASE
            WHEN substr(id_number, 1, 1) = '9' THEN '外国人永久居留身份证'
            WHEN substr(id_number, 1, 2) = '83' THEN '台湾居民居住证'
            ELSE '港澳居民居住证' END
        WHERE substr(id_number, 1, 1) = '9' OR substr(id_number, 1, 2) IN ('81', '82', '83')""",
    ],
}


class DatabaseError(ServiceError):
    """A database problem with a message in Chinese that a clerk can act on."""


class Locked(DatabaseError):
    """An encrypted database whose key this process has not unlocked: ask for the passphrase."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        super().__init__(
            f"数据库“{path}”已加密，需要口令才能打开。请在界面里输入口令；"
            "在脚本里可用环境变量 CLERK_PASSPHRASE 或 --passphrase-file 文件 给出口令。"
        )


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
        if sqlite.complete_statement(buf):
            stmt = buf.strip()
            buf = ""
            if stmt and not stmt.upper().startswith("PRAGMA"):
                yield stmt


def open_file(
    path: str | Path, *, key: bytes | None = None, readonly: bool = False, immutable: bool = False, **kwargs
) -> sqlite.Connection:
    """A connection to a database file; an encrypted one's starts with `PRAGMA key` (with the key
    given, else the one unlocked for this file). Every connection clerk makes comes from here."""
    path = Path(path)
    key = key or keys.key_for(path)
    if key is None and keys.needs_key(path):
        keys.ask_to_unlock(path)
        key = keys.key_for(path)
        if key is None:
            raise Locked(path)
    target = f"file:{quote(str(path))}?{'immutable=1' if immutable else 'mode=ro'}" if readonly else str(path)
    conn = sqlite.connect(target, uri=readonly, **kwargs)
    if key is not None:
        conn.execute(keys.pragma(key))
    else:
        # As before SQLCipher: big sorts spill to temporary files. An encrypted database keeps them
        # in memory (SQLCipher's default), so none of its data is ever on disk in the clear.
        conn.execute("PRAGMA temp_store = FILE")
    return conn


def connect(path: str | Path, *, timeout: float = 5.0) -> sqlite.Connection:
    """Open (creating or migrating as needed) the database at path."""
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"“{path}”是一个文件夹，不是数据库文件。请指定一个 .db 文件。")
    try:
        files.make_private_dir(path.parent)
        # WAL needs to write beside the file, so a read-only file or folder can't be used at all.
        if (path.exists() and not os.access(path, os.W_OK)) or not os.access(path.parent, os.W_OK):
            raise DatabaseError(describe_error(sqlite.OperationalError("readonly"), path))
        files.create_private(path)  # a new database is private from its first byte (SQLite's WAL and
        # shared-memory files take the database's mode)
    except files.FileRefused as exc:
        raise DatabaseError(str(exc)) from None
    conn = None
    try:
        conn = open_file(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite.Row
        conn.execute("PRAGMA foreign_keys = ON")
        _refuse_foreign(conn, path)  # before WAL: never change another program's file
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous = NORMAL" if mode == "wal" else "PRAGMA synchronous = FULL")
        conn.execute("PRAGMA cache_size = -32000")
        _prepare(conn, path)
    except (sqlite.DatabaseError, DatabaseError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, DatabaseError):
            raise
        if is_disk_full(exc, path):
            return _open_to_read(path)
        if keys.key_for(path) is not None and "not a database" in str(exc):
            raise DatabaseError(
                f"数据库“{path}”打不开：口令文件“{keys.key_file(path)}”与它不配套（或数据库已损坏）。"
                "请用 clerk restore 从备份恢复，或用恢复密钥：clerk passphrase reset --recovery-key-file 文件。"
            ) from None
        raise DatabaseError(describe_error(exc, path)) from None
    for suffix in ("", "-wal", "-shm"):  # made by an older clerk, or copied in
        files.make_private(f"{path}{suffix}")
    return conn


def _open_to_read(path: Path) -> sqlite.Connection:
    """The database opened only to read, on a disk too full for the files SQLite makes beside it:
    the clerk can still look people up and copy the database to another disk; a write is refused
    as the disk being full (describe_error)."""
    wal = Path(f"{path}-wal")
    # Nothing waiting in the write-ahead log: the file alone is the database, read as it is.
    immutable = not wal.exists() or wal.stat().st_size == 0
    try:
        conn = open_file(path, readonly=True, immutable=immutable, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite.Row
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        _refuse_foreign(conn, path)
        if conn.execute("PRAGMA user_version").fetchone()[0] != schema_version():
            conn.close()
            raise DatabaseError(DISK_FULL)
        return conn
    except sqlite.DatabaseError:
        raise DatabaseError(DISK_FULL) from None


def _refuse_foreign(conn: sqlite.Connection, path: Path) -> None:
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


DISK_FULL = (
    "磁盘已满，这次的修改没有写入（已有的数据完好）。查看、查找会员和备份到另一个磁盘"
    "（如 U 盘：clerk backup --to U盘上的文件）仍然可以。请删除不需要的文件、清空回收站，腾出空间后再重试。"
)
# Less free space than this, and SQLite's "disk I/O error" or "readonly" means the disk is full.
_LOW_SPACE = 16 << 20


def is_disk_full(exc: BaseException, path: Path | str) -> bool:
    """Whether an error writing at path comes from a full disk (SQLite says so, or says "disk I/O
    error" on a disk with next to no space left)."""
    text = str(exc).lower()
    if "full" in text or files.is_disk_full(exc):
        return True
    if not any(word in text for word in ("disk i/o", "readonly", "read-only", "unable to open")):
        return False
    try:
        return shutil.disk_usage(Path(path).parent).free < _LOW_SPACE
    except OSError:
        return False


def describe_error(exc: sqlite.Error, path: Path | str) -> str:
    text = str(exc).lower()
    if is_disk_full(exc, path):
        return DISK_FULL
    if "not a database" in text or "file is encrypted" in text or "malformed" in text:
        message = f"“{path}”不是 clerk 的数据库文件（或已损坏）。请检查路径，或用 clerk restore 从备份恢复。"
        if keys.is_encrypted(path) and not keys.key_file(path).exists():
            message += (
                f"如果它是加密的 clerk 数据库而旁边的口令文件“{keys.key_file(path).name}”丢了，"
                "可以用恢复密钥打开：clerk passphrase reset --recovery-key-file 文件。"
            )
        return message
    if "locked" in text or "busy" in text:
        return f"数据库“{path}”正被另一个 clerk 程序使用。请先关闭另一个窗口，再重试。"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"无法写入数据库“{path}”：文件或所在文件夹是只读的。请换一个可写的位置，或检查文件权限。"
    return f"数据库“{path}”出错：{exc}。数据没有改动。"


def _prepare(conn: sqlite.Connection, path: Path) -> None:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    target = schema_version()
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
    if current == target:
        return
    if has_tables:  # _refuse_foreign has made sure it is an older clerk database
        backup(conn, path, reason=f"migrate-v{current}")
    with transaction(conn):
        # A new database gets schema.sql whole; an older one its missing column changes first.
        for version in range(current + 1, target + 1) if has_tables else ():
            for stmt in MIGRATIONS.get(version, []):
                conn.execute(stmt)
        for stmt in _statements(schema_sql()):
            conn.execute(stmt)
        conn.execute(f"PRAGMA user_version = {target}")


@contextmanager
def transaction(conn: sqlite.Connection) -> Iterator[sqlite.Connection]:
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
    conn: sqlite.Connection,
    db_path: Path | str,
    *,
    reason: str = "manual",
    to: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Copy the live database with SQLite's backup API (consistent even while in use); the copy of
    an encrypted database is encrypted with the same key.

    The copy is private and whole: written under a temporary name and renamed when complete. `to`
    must have been checked by backup_target() (it replaces what is there)."""
    db_path = Path(db_path)
    if to is None:
        to = backup_dir(db_path) / backup_name(db_path, reason)
    try:
        with files.replacing(to, force=True) as tmp:
            target = open_file(tmp, key=keys.key_for(db_path))
            try:
                conn.backup(target, pages=4096, progress=(lambda s, r, t: progress(t - r, t)) if progress else None)
                # One self-contained file (no -wal/-shm beside it) that can be carried on a USB stick.
                target.execute("PRAGMA journal_mode = DELETE")
            finally:
                target.close()
    except files.FileRefused as exc:
        raise DatabaseError(str(exc)) from None
    except sqlite.Error as exc:
        raise DatabaseError(f"备份没有完成：{describe_error(exc, to)}") from None
    return to


def backup_name(db_path: Path, reason: str) -> str:
    return f"{db_path.stem}-{datetime.now():%Y%m%d-%H%M%S-%f}-{reason}.db"


def unit_of(path: Path, key: bytes | None = None) -> tuple[str, str] | None:
    """(unit code, unit name) of a clerk database or backup file; None if it is not one (another
    program's file, a text file, an encrypted file this key does not open, a newer clerk's)."""
    try:
        conn = open_file(path, key=key if keys.is_encrypted(path) else None, readonly=True)
    except (sqlite.Error, DatabaseError):
        return None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"settings", "members", "journal"} <= tables:
            return None
        found = dict(conn.execute("SELECT key, value FROM settings WHERE key IN ('unit_code', 'unit_name')"))
        return found.get("unit_code", ""), found.get("unit_name", "")
    except sqlite.Error:
        return None
    finally:
        conn.close()


def backup_target(to: Path, db_path: Path, unit_code: str, *, force: bool = False) -> Path:
    """Where `backup --to` writes: in a folder, a file of its own; over an existing file only when it
    is a clerk backup of this same unit and the clerk said --force (anything else is never replaced)."""
    if to.is_dir():
        return files.unused_name(to / backup_name(db_path, "manual"))
    if not (to.exists() or to.is_symlink()):
        return to
    found = unit_of(to, keys.key_for(db_path)) if to.is_file() else None
    if found is None:
        raise DatabaseError(
            f"“{to}”已经存在，它不是 clerk 的备份（是其他程序的文件，或打不开），不会覆盖它。请换一个文件名。"
        )
    if found[0] != unit_code:
        raise DatabaseError(
            f"“{to}”已经存在，它是另一个单位（{found[1]} {found[0]}）的 clerk 备份，不会覆盖它。请换一个文件名。"
        )
    if not force:
        raise files.FileExists(
            to, f"“{to}”已经是本单位的一个备份。要用现在的数据替换它，请加上 --force；或换一个文件名。"
        )
    return to


def export(source: sqlite.Connection, dest: Path, key: bytes | None) -> None:
    """Copy a database into a new file encrypted with key (None: plain). SQLCipher's export, for
    what the backup API can't do: it copies only between two plain or two encrypted databases."""
    version = source.execute("PRAGMA user_version").fetchone()[0]
    source.execute("ATTACH DATABASE ? AS dest KEY ?", (str(dest), f"x'{key.hex()}'" if key else ""))
    try:
        source.execute("SELECT sqlcipher_export('dest')")
        source.execute(f"PRAGMA dest.user_version = {int(version)}")
    finally:
        source.execute("DETACH DATABASE dest")


def _backup_key(backup_path: Path, db_path: Path) -> bytes | None:
    """The key a backup opens with: one unlocked for the backup itself (its recovery key or key
    file), else the current database's (backups share the key of the database they came from)."""
    if not keys.is_encrypted(backup_path):
        return None
    return keys.key_for(backup_path) or keys.key_for(db_path)


def _open_backup(backup_path: Path, key: bytes | None) -> sqlite.Connection:
    try:
        source = open_file(backup_path, key=key, readonly=True)
        tables = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            raise sqlite.DatabaseError("empty")  # said below as not a backup
        if not {"settings", "members", "journal"} <= tables:
            source.close()
            raise DatabaseError(
                f"“{backup_path}”是其他程序的数据库，不是 clerk 的备份文件，没有恢复。请选择 clerk 做的备份"
                "（一般在数据库旁的 backups 文件夹里）。"
            )
        version = source.execute("PRAGMA user_version").fetchone()[0]
        if version > schema_version():
            source.close()
            raise DatabaseError(
                f"备份“{backup_path}”由更新版本的 clerk 做的（结构版本 {version}，本程序支持 {schema_version()}），"
                "本程序不能用它，没有恢复。请先升级 clerk 再恢复。"
            )
        ok = source.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite.DatabaseError:
        if key is not None:
            raise DatabaseError(
                f"备份“{backup_path}”已加密，当前数据库的密钥打不开它（它来自另一个数据库，或已损坏），没有恢复。"
                "请给出那个数据库的恢复密钥：clerk restore 备份文件 --recovery-key-file 文件。"
            ) from None
        hint = (
            "如果它是加密的备份，请用 --recovery-key-file 给出它的恢复密钥。" if keys.is_encrypted(backup_path) else ""
        )
        raise DatabaseError(f"“{backup_path}”不是 clerk 的备份文件（或已损坏），没有恢复。{hint}") from None
    if ok != "ok":
        source.close()
        raise DatabaseError(f"备份“{backup_path}”已损坏（完整性检查未通过），没有恢复。")
    return source


def _refuse_other_unit(source: sqlite.Connection, backup_path: Path, db_path: Path, force: bool) -> None:
    """A backup of another township or district replaces this unit's records with that unit's:
    only with force, said in words a clerk understands."""
    if force or not db_path.exists() or keys.needs_key(db_path):
        return
    here = unit_of(db_path, keys.key_for(db_path))
    found = dict(source.execute("SELECT key, value FROM settings WHERE key IN ('unit_code', 'unit_name')"))
    theirs = found.get("unit_code") or ""
    if here is None or not here[0] or not theirs or theirs == here[0]:
        return
    raise DatabaseError(
        f"这个备份是另一个单位（{found.get('unit_name', '')} {theirs}）的数据库，"
        f"而这台电脑上是 {here[1]}（{here[0]}）的数据库，没有恢复。"
        f"恢复后，这里就变成 {found.get('unit_name', '')} 的会员和记录，以后的修改和同步文件也都算作那个单位的"
        "（现在的数据库会先另存一份备份）。只有确实要接手那个单位的工作时，才加上 --force 再恢复。"
    )


def restore(backup_path: Path | str, db_path: Path | str, *, force: bool = False) -> Path:
    """Replace db_path with a backup; the current file is itself backed up first.

    The restored database keeps the current database's key (a backup with another key, or a plain
    one, is re-encrypted under it: same passphrase and recovery key as before the restore). With no
    encrypted database here, it keeps the backup's own key, and the key file beside the backup, if
    there is one, comes with it."""
    backup_path, db_path = Path(backup_path), Path(db_path)
    if not backup_path.is_file():
        raise DatabaseError(f"找不到备份文件“{backup_path}”。")
    if keys.needs_key(db_path):
        raise Locked(db_path)
    source_key = _backup_key(backup_path, db_path)
    source = _open_backup(backup_path, source_key)
    try:
        _refuse_other_unit(source, backup_path, db_path, force)
        files.make_private_dir(db_path.parent)  # a new laptop: no folder yet
    except (DatabaseError, files.FileRefused) as exc:
        source.close()
        raise DatabaseError(str(exc)) from None
    target_key = keys.key_for(db_path) if keys.is_encrypted(db_path) else source_key
    saved = None
    staged = db_path.with_name(db_path.name + ".restoring")
    try:
        if db_path.exists():
            saved = _save_current(db_path)
            if bool(target_key) != keys.is_encrypted(db_path):  # a plain database here, an encrypted backup
                _remove_database_files(db_path)
        if bool(source_key) != bool(target_key):  # a plain backup into an encrypted database
            _remove_database_files(staged)
            export(source, staged, target_key)
            source.close()
            source = open_file(staged, key=target_key)
        files.create_private(db_path)
        target = open_file(db_path, key=target_key)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
        _remove_database_files(staged)
    if target_key is not None and target_key == source_key and keys.key_for(db_path) is None:
        keys.remember(db_path, target_key)
        if keys.key_file(backup_path).exists() and not keys.key_file(db_path).exists():
            shutil.copyfile(keys.key_file(backup_path), keys.key_file(db_path))
            os.chmod(keys.key_file(db_path), 0o600)
    return saved or db_path


def _save_current(db_path: Path) -> Path:
    try:
        current = connect(db_path)
        saved = backup(current, db_path, reason="before-restore")
        current.close()
        return saved
    except DatabaseError:
        # The current file is damaged (often why one restores): keep its bytes as they are.
        saved = backup_dir(db_path) / backup_name(db_path, "damaged")
        with files.replacing(saved) as tmp:
            shutil.copyfile(db_path, tmp)
        # SQLite can't write into a file that isn't a database, nor should a stale WAL replay.
        _remove_database_files(db_path)
        return saved


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
