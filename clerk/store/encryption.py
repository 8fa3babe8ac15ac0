"""Encrypting a plain database, and changing how its key is unlocked (never the data key itself).

`encrypt` copies a plain database into an encrypted file (SQLCipher's export), checks the copy,
writes the key file, takes an encrypted backup, swaps the files, overwrites the plain file's bytes
and removes it; the plain backups beside it are encrypted the same way. A passphrase change or a
reset only rewrites the key file: the data key, the database and its backups stay as they are.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from clerk.store import db, keys, sqlite

PLAIN_WARNING = (
    "不设口令，数据库就不加密：任何拿到这台电脑（或它的硬盘、备份 U 盘）的人，"
    "都能读到全部会员的姓名、身份证号和电话。以后可以用 clerk encrypt 加密。"
)


@dataclass
class Encrypted:
    recovery: keys.RecoveryKey
    backup: Path | None = None  # the encrypted backup taken before the plain file was removed
    backups_encrypted: list[Path] = field(default_factory=list)
    backups_left_plain: list[Path] = field(default_factory=list)  # damaged ones that would not open


def encrypt(
    db_path: str | Path,
    passphrase: str,
    *,
    take_backup: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Encrypted:
    """Encrypt a plain database in place (no other connection may be open to it)."""
    db_path = Path(db_path)
    say = progress or (lambda _: None)
    problem = keys.check_passphrase(passphrase)
    if problem:
        raise db.DatabaseError(problem)
    if keys.is_encrypted(db_path):
        raise db.DatabaseError(f"数据库“{db_path}”已经加密了。要换口令请用 clerk passphrase change。")
    recovery = keys.RecoveryKey.new()
    key = recovery.data_key
    staged = db_path.with_name(db_path.name + ".encrypting")
    _remove(staged)
    conn = db.connect(db_path)  # plain (and migrated, if it was older)
    try:
        _sole_use(conn, db_path)
        say("正在加密数据库……")
        conn.execute("ATTACH DATABASE ? AS dest KEY ?", (str(staged), f"x'{key.hex()}'"))
        try:
            with db.transaction(conn):  # the write lock: nobody changes the plain file meanwhile
                conn.execute("SELECT sqlcipher_export('dest')")
                version = conn.execute("PRAGMA main.user_version").fetchone()[0]
                conn.execute(f"PRAGMA dest.user_version = {int(version)}")
        finally:
            conn.execute("DETACH DATABASE dest")
        conn.execute("BEGIN EXCLUSIVE")  # held until the files are swapped: no one reads or writes the plain one
        say("正在核对加密后的数据库……")
        _verify(conn, staged, key)
        # The key file before the swap: after a power cut at any point the database opens.
        keys.write_key_file(db_path, recovery, passphrase)
        keys.remember(db_path, key)
        result = Encrypted(recovery)
        if take_backup:
            say("正在备份加密后的数据库……")
            result.backup = _backup_verified(conn, staged, db_path, key)
        plain = db_path.with_name(db_path.name + ".plain")
        os.replace(db_path, plain)
        os.replace(staged, db_path)
        conn.execute("ROLLBACK")
    except BaseException:
        keys.forget(db_path)
        if not keys.is_encrypted(db_path):
            keys.key_file(db_path).unlink(missing_ok=True)
        _remove(staged)
        raise
    finally:
        conn.close()
    shred(plain)
    for suffix in ("-wal", "-shm", "-journal"):  # the plain file's, if SQLite left any
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    say("正在加密旧的备份……")
    _encrypt_backups(db_path, key, result)
    return result


def encrypt_new(db_path: str | Path, passphrase: str) -> keys.RecoveryKey:
    """A new database encrypted from its first page (or an empty plain one, encrypted now). No
    connection may be open to it."""
    db_path = Path(db_path)
    if db_path.exists() and db_path.stat().st_size > 0:
        return encrypt(db_path, passphrase, take_backup=False).recovery
    problem = keys.check_passphrase(passphrase)
    if problem:
        raise db.DatabaseError(problem)
    recovery = keys.RecoveryKey.new()
    keys.write_key_file(db_path, recovery, passphrase)
    keys.remember(db_path, recovery.data_key)
    return recovery


def _sole_use(conn: sqlite.Connection, db_path: Path) -> None:
    """Rollback-journal mode, which SQLite grants only when no other connection has the file open."""
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite.OperationalError:
        mode = "busy"
    if mode != "delete":
        raise db.DatabaseError(
            f"数据库“{db_path}”正被另一个 clerk 程序使用。请先关闭其他 clerk 窗口，再加密。数据库没有改动。"
        )


def _counts(conn: sqlite.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names if not n.startswith("sqlite_")}


def _verify(plain: sqlite.Connection, copy_path: Path, key: bytes) -> None:
    """The encrypted copy is sound and holds every row of the plain one."""
    copy = db.open_file(copy_path, key=key)
    try:
        ok = copy.execute("PRAGMA quick_check").fetchone()[0]
        same = ok == "ok" and _counts(copy) == _counts(plain)
    except sqlite.DatabaseError:
        same = False
    finally:
        copy.close()
    if not same:
        raise db.DatabaseError("加密后的副本与原数据库核对不一致，已放弃加密。原数据库没有改动。")


def _backup_verified(plain: sqlite.Connection, staged: Path, db_path: Path, key: bytes) -> Path:
    source = db.open_file(staged, key=key)
    try:
        saved = db.backup(source, db_path, reason="encrypt")
    finally:
        source.close()
    _verify(plain, saved, key)
    return saved


def _encrypt_backups(db_path: Path, key: bytes, result: Encrypted) -> None:
    """Every plain backup beside the database, encrypted with the same key; the plain ones shredded."""
    folder = db.backup_dir(db_path)
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.db")):
        if keys.is_encrypted(path) or not path.is_file():
            continue
        staged = path.with_name(path.name + ".encrypting")
        _remove(staged)
        try:
            conn = db.open_file(path, readonly=True)
            try:
                db.export(conn, staged, key)
                _verify(conn, staged, key)
            finally:
                conn.close()
        except (sqlite.DatabaseError, db.DatabaseError):
            _remove(staged)
            result.backups_left_plain.append(path)
            continue
        plain = path.with_name(path.name + ".plain")
        os.replace(path, plain)
        os.replace(staged, path)
        shred(plain)
        result.backups_encrypted.append(path)


def shred(path: Path) -> None:
    """Overwrite a file's bytes with zeros, flush them to the disk, then remove it. On a plain disk
    this leaves nothing readable; docs/security.md says where a file system or an SSD keeps copies."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    zeros = bytes(1 << 20)
    with open(path, "r+b", buffering=0) as f:
        done = 0
        while done < size:
            done += f.write(zeros[: min(len(zeros), size - done)])
        os.fsync(f.fileno())
    path.unlink()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# -- the passphrase: changed, or set anew with the recovery key --------------------------------


def change_passphrase(db_path: str | Path, old: str, new: str) -> None:
    problem = keys.check_passphrase(new)
    if problem:
        raise db.DatabaseError(problem)
    recovery = keys.open_key_file(keys.key_file(db_path), old)
    keys.write_key_file(db_path, recovery, new)
    keys.remember(db_path, recovery.data_key)


def opens(db_path: str | Path, key: bytes) -> bool:
    """Does this key open this encrypted file? (Reads only.)"""
    try:
        conn = db.open_file(db_path, key=key, readonly=True)
    except sqlite.DatabaseError:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite.DatabaseError:
        return False
    finally:
        conn.close()


def reset_passphrase(db_path: str | Path, recovery: keys.RecoveryKey, new: str) -> None:
    """A new passphrase from the recovery key (the key file may be lost or the passphrase forgotten)."""
    problem = keys.check_passphrase(new)
    if problem:
        raise db.DatabaseError(problem)
    if not keys.is_encrypted(db_path):
        raise db.DatabaseError(f"数据库“{db_path}”没有加密，不需要恢复密钥。要加密请用 clerk encrypt。")
    if not opens(db_path, recovery.data_key):
        raise keys.BadRecoveryKey(f"这个恢复密钥打不开数据库“{db_path}”：它属于另一个数据库。数据库没有改动。")
    keys.write_key_file(db_path, recovery, new)
    keys.remember(db_path, recovery.data_key)
