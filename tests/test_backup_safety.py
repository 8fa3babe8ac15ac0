"""`clerk backup --to` never replaces a file that is not this unit's clerk backup, and `clerk restore`
refuses another program's file, a newer clerk's backup and (unless --force) another unit's database.
Every refusal is a sentence a clerk can act on; nothing is changed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import make_id

from clerk.cli import main
from clerk.registry import members, setup
from clerk.store import db, sqlite
from clerk.store.store import Store

OTHER_UNIT = ("500101002", "青山镇总工会", "王五")


@pytest.fixture
def cli(store, db_path):
    members.register(store, {"name": "张三", "id_number": make_id(seq=1)})
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, env={"COLUMNS": "200"})

    return invoke


def refused(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for word in words:
        assert word in result.output, result.output
    return result.output


def another_programs_database(path, *, with_members: bool = True):
    conn = sqlite.connect(path)
    conn.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount REAL)")
    if with_members:
        conn.execute("CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO members (name) VALUES ('someone')")
    conn.commit()
    conn.close()
    return path


def other_units_database(path):
    other = Store(path)
    setup.set_up(other, *OTHER_UNIT)
    members.register(other, {"name": "李四", "id_number": make_id(seq=2)})
    other.close()
    return path


def names_in(path) -> list[str]:
    conn = sqlite.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM members ORDER BY id")]
    finally:
        conn.close()


# -- backup --to -------------------------------------------------------------------------------


def test_backup_to_another_programs_database_is_refused_and_left_alone(cli, tmp_path):
    finance = another_programs_database(tmp_path / "finance2.db")
    before = finance.read_bytes()
    for extra in ([], ["--force"]):
        refused(cli("backup", "--to", str(finance), *extra), "不是 clerk 的备份", "不会覆盖")
    assert finance.read_bytes() == before


def test_backup_to_a_text_file_is_refused_with_a_message(cli, tmp_path):
    notes = tmp_path / "工作总结.txt"
    notes.write_text("本月工作……", encoding="utf-8")
    refused(cli("backup", "--to", str(notes), "--force"), "不会覆盖")
    assert notes.read_text(encoding="utf-8") == "本月工作……"


def test_backup_to_a_folder_writes_a_backup_in_it(cli, tmp_path):
    usb = tmp_path / "U盘"
    usb.mkdir()
    for _ in range(2):
        assert cli("backup", "--to", str(usb)).exit_code == 0
    written = sorted(usb.iterdir())
    assert len(written) == 2 and all(names_in(p) == ["张三"] for p in written)


def test_backup_to_another_units_backup_is_refused_even_with_force(cli, tmp_path):
    theirs = other_units_database(tmp_path / "青山镇.db")
    before = theirs.read_bytes()
    refused(cli("backup", "--to", str(theirs), "--force"), "另一个单位", "500101002")
    assert theirs.read_bytes() == before


def test_backup_over_this_units_earlier_backup_needs_force(cli, tmp_path):
    target = tmp_path / "备份.db"
    assert cli("backup", "--to", str(target)).exit_code == 0
    refused(cli("backup", "--to", str(target)), "本单位的一个备份", "--force")
    assert cli("backup", "--to", str(target), "--force").exit_code == 0
    assert names_in(target) == ["张三"]


def test_backups_existing_as_a_file_is_a_message_not_a_traceback(cli, db_path):
    (db_path.parent / "backups").write_text("not a folder", encoding="utf-8")
    refused(cli("backup"), "是一个文件，不是文件夹")


# -- restore -----------------------------------------------------------------------------------


def test_restore_refuses_another_programs_file_with_a_members_table(cli, tmp_path, db_path):
    fake = another_programs_database(tmp_path / "fake.db")
    before = names_in(db_path)
    refused(cli("restore", str(fake), "--yes"), "其他程序的数据库", "没有恢复")
    assert names_in(db_path) == before


def test_restore_refuses_a_backup_of_a_newer_clerk(cli, tmp_path, db_path):
    newer = tmp_path / "newer.db"
    assert cli("backup", "--to", str(newer)).exit_code == 0
    conn = sqlite.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    refused(cli("restore", str(newer), "--yes"), "更新版本", "99", "没有恢复")
    assert names_in(db_path) == ["张三"]


def test_restore_of_another_units_database_needs_force_and_says_what_it_means(cli, tmp_path, db_path):
    theirs = other_units_database(tmp_path / "青山镇.db")
    output = refused(cli("restore", str(theirs), "--yes"), "另一个单位", "青山镇总工会", "--force")
    assert "测试镇总工会" in output
    assert names_in(db_path) == ["张三"]
    done = cli("restore", str(theirs), "--yes", "--force")
    assert done.exit_code == 0, done.output
    assert names_in(db_path) == ["李四"]


def test_restore_on_a_new_laptop_takes_any_units_backup(tmp_path):
    theirs = other_units_database(tmp_path / "青山镇.db")
    fresh = tmp_path / "新电脑" / "clerk.db"
    db.restore(theirs, fresh)
    assert names_in(fresh) == ["李四"]
