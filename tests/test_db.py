"""The database file: schema, bad files refused in Chinese, locks, migrations, backup and restore."""

from __future__ import annotations

import os

import pytest
from conftest import make_id

from clerk.registry import members
from clerk.store import db, sqlite
from clerk.store.store import ServiceError, Store, open_store


def tables(path) -> set[str]:
    conn = sqlite.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def user_version(path) -> int:
    conn = sqlite.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_a_new_database_gets_the_schema(db_path):
    conn = db.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db.schema_version() >= 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert {"settings", "organisations", "members", "member_name_grams", "transfers", "journal"} <= tables(db_path)


def test_every_table_in_schema_sql_is_created(db_path):
    import re

    declared = set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", db.schema_sql()))
    db.connect(db_path).close()
    assert declared and declared <= tables(db_path)


def test_opening_twice_changes_nothing_and_creates_no_backup(db_path, store, person):
    members.register(store, person)
    db.connect(db_path).close()
    assert not db.backup_dir(db_path).exists()


def test_a_database_stays_sound_after_writes(store, person):
    member_id = members.register(store, person)
    members.update(store, member_id, {**person, "name": "张叁"})
    members.change_status(store, member_id, "退会", "本人申请")
    members.delete(store, member_id, "重复录入")
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


# -- files that are not (our) databases ------------------------------------------------------


def test_random_bytes_are_refused_in_chinese_and_left_untouched(tmp_path):
    path = tmp_path / "photo.db"
    data = bytes(range(256)) * 16  # deterministic "random" bytes
    path.write_bytes(data)
    with pytest.raises(db.DatabaseError, match="不是 clerk 的数据库文件"):
        db.connect(path)
    assert path.read_bytes() == data
    with pytest.raises(ServiceError, match="clerk restore"):
        open_store(path)


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    other = sqlite.connect(path)
    other.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    other.execute("INSERT INTO customers (name) VALUES ('x')")
    other.commit()
    other.close()
    data = path.read_bytes()
    with pytest.raises(db.DatabaseError, match="其他程序的 SQLite 数据库"):
        db.connect(path)
    assert path.read_bytes() == data  # not even switched to WAL
    assert tables(path) == {"customers"}


def test_another_program_with_a_user_version_is_refused_too(tmp_path):
    path = tmp_path / "other.db"
    other = sqlite.connect(path)
    other.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    other.execute(f"PRAGMA user_version = {db.schema_version()}")
    other.commit()
    other.close()
    with pytest.raises(db.DatabaseError, match="其他程序的 SQLite 数据库"):
        db.connect(path)


def test_an_empty_file_becomes_a_new_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    db.connect(path).close()
    assert "members" in tables(path)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(db.DatabaseError, match="是一个文件夹"):
        db.connect(tmp_path)


def test_a_newer_database_is_refused(db_path):
    db.connect(db_path).close()
    conn = sqlite.connect(db_path)
    conn.execute(f"PRAGMA user_version = {db.schema_version() + 1}")
    conn.close()
    with pytest.raises(db.DatabaseError, match="更新版本的 clerk.*请升级 clerk"):
        db.connect(db_path)
    assert user_version(db_path) == db.schema_version() + 1


# -- read-only files and folders -------------------------------------------------------------


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits; see the os.access tests below")
def test_a_read_only_file_is_refused_by_its_permissions(db_path):
    db.connect(db_path).close()
    db_path.chmod(0o444)
    try:
        with pytest.raises(db.DatabaseError, match="只读"):
            db.connect(db_path)
    finally:
        db_path.chmod(0o644)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits; see the os.access tests below")
def test_a_read_only_folder_is_refused_by_its_permissions(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db.connect(folder / "clerk.store.db").close()
    folder.chmod(0o555)
    try:
        with pytest.raises(db.DatabaseError, match="只读"):
            db.connect(folder / "clerk.store.db")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_read_only_places_are_refused_before_anything_is_written(tmp_path, monkeypatch, read_only):
    """As root (CI) permission bits don't stop writes, so the check itself is exercised."""
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "clerk.store.db"
    db.connect(path).close()
    before = path.read_bytes()
    blocked = path if read_only == "file" else folder
    real_access = os.access

    def access(target, mode, *args, **kwargs):
        if os.fspath(target) == os.fspath(blocked) and mode & os.W_OK:
            return False
        return real_access(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    with pytest.raises(db.DatabaseError) as exc:
        db.connect(path)
    assert "只读" in str(exc.value) and str(path) in str(exc.value)
    assert path.read_bytes() == before
    with pytest.raises(ServiceError, match="请换一个可写的位置"):
        open_store(path)


def test_sqlite_saying_readonly_gets_the_same_message(db_path):
    message = db.describe_error(sqlite.OperationalError("attempt to write a readonly database"), db_path)
    assert "只读" in message


# -- another clerk program holding the database ----------------------------------------------


def test_a_write_while_another_program_holds_the_database_is_refused_in_chinese(store, db_path, person):
    other = sqlite.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another clerk window in the middle of saving
    try:
        store.conn.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(ServiceError, match="正被另一个 clerk 程序使用"):
            members.register(store, person)
        # Reading still works while the other program writes (WAL).
        assert store.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    # Once the other program is done, the same write goes through.
    assert members.register(store, person)


def test_opening_a_database_that_is_being_created_elsewhere_is_refused(db_path):
    other = sqlite.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    try:
        with pytest.raises(db.DatabaseError, match="正被另一个 clerk 程序使用"):
            db.connect(db_path, timeout=0.05)
    finally:
        other.execute("ROLLBACK")
        other.close()


# -- transactions ------------------------------------------------------------------------------


def test_a_failed_write_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError), store.write():
        store.conn.execute("INSERT INTO settings (key, value) VALUES ('x', '1')")
        raise RuntimeError("power cut")
    assert store.setting("x") is None


def test_nested_writes_are_savepoints(store):
    with store.write():
        store.conn.execute("INSERT INTO settings (key, value) VALUES ('outer', '1')")
        with pytest.raises(RuntimeError), store.write():
            store.conn.execute("INSERT INTO settings (key, value) VALUES ('inner', '1')")
            raise RuntimeError
    assert store.setting("outer") == "1" and store.setting("inner") is None


# -- migrations --------------------------------------------------------------------------------


def test_an_older_database_is_backed_up_then_migrated(db_path, store, person, monkeypatch):
    members.register(store, person)
    store.close()
    current = db.schema_version()
    monkeypatch.setattr(db, "schema_version", lambda: current + 1)
    monkeypatch.setitem(db.MIGRATIONS, current + 1, ["ALTER TABLE members ADD COLUMN wechat TEXT"])

    migrated = Store(db_path)
    try:
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == current + 1
        columns = {r["name"] for r in migrated.conn.execute("PRAGMA table_info(members)")}
        assert "wechat" in columns
        assert migrated.conn.execute("SELECT name FROM members").fetchone()[0] == "张三"
        assert migrated.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        migrated.close()

    (saved,) = db.backup_dir(db_path).iterdir()
    assert f"migrate-v{current}" in saved.name
    assert user_version(saved) == current  # the copy is the database as it was before
    copy = sqlite.connect(saved)
    assert "wechat" not in {r[1] for r in copy.execute("PRAGMA table_info(members)")}
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal beside it
    copy.close()

    Store(db_path).close()  # opening the migrated database again needs no second backup
    assert len(list(db.backup_dir(db_path).iterdir())) == 1


def test_a_failed_migration_changes_nothing(db_path, store, person, monkeypatch):
    members.register(store, person)
    store.close()
    current = db.schema_version()
    monkeypatch.setattr(db, "schema_version", lambda: current + 1)
    monkeypatch.setitem(
        db.MIGRATIONS, current + 1, ["ALTER TABLE members ADD COLUMN wechat TEXT", "ALTER TABLE nowhere ADD x"]
    )
    with pytest.raises(db.DatabaseError, match="数据没有改动"):
        db.connect(db_path)
    assert user_version(db_path) == current
    conn = sqlite.connect(db_path)
    assert "wechat" not in {r[1] for r in conn.execute("PRAGMA table_info(members)")}
    conn.close()


# -- backup and restore ------------------------------------------------------------------------


def test_backup_and_restore_round_trip(db_path, store, person):
    kept = members.register(store, person)
    saved = store.backup()
    assert saved.parent == db.backup_dir(db_path) and saved.name.endswith("-manual.db")
    members.register(store, {"name": "李四", "id_number": make_id(seq=3)})
    members.change_status(store, kept, "退会", "本人申请")
    store.close()

    before_restore = db.restore(saved, db_path)
    assert before_restore.exists() and "before-restore" in before_restore.name

    restored = Store(db_path)
    try:
        assert [(r["name"], r["status"]) for r in restored.conn.execute("SELECT name, status FROM members")] == [
            ("张三", "在册")
        ]
        assert restored.conn.execute("SELECT count(*) FROM journal").fetchone()[0] == 1
        assert restored.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert restored.require_unit().code == "500101001"
    finally:
        restored.close()
    # The state thrown away by the restore is itself kept.
    thrown = sqlite.connect(before_restore)
    assert thrown.execute("SELECT count(*) FROM members").fetchone()[0] == 2
    thrown.close()


def test_backup_to_a_chosen_file(tmp_path, store, person):
    members.register(store, person)
    target = tmp_path / "usb" / "copy.db"
    assert store.backup(to=target) == target
    conn = sqlite.connect(target)
    assert conn.execute("SELECT name FROM members").fetchone()[0] == "张三"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_restore_over_a_damaged_database(db_path, store, person):
    members.register(store, person)
    saved = store.backup()
    store.close()
    db_path.write_bytes(b"\x00garbage" * 1000)
    kept = db.restore(saved, db_path)
    assert "damaged" in kept.name and kept.read_bytes().startswith(b"\x00garbage")
    restored = Store(db_path)
    try:
        assert restored.conn.execute("SELECT name FROM members").fetchone()[0] == "张三"
    finally:
        restored.close()


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db_path, store, content):
    store.close()
    fake = tmp_path / "fake.db"
    fake.write_bytes(content)
    before = db_path.read_bytes()
    with pytest.raises(db.DatabaseError, match="不是 clerk 的备份文件"):
        db.restore(fake, db_path)
    assert db_path.read_bytes() == before


def test_restore_of_a_missing_file_says_so(tmp_path, db_path):
    with pytest.raises(db.DatabaseError, match="找不到备份文件"):
        db.restore(tmp_path / "nope.db", db_path)
