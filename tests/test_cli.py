"""The `clerk` command through its real entry point: setup, --db/CLERK_DB, demo, members, backup."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import make_id
from rich.cells import cell_len

from clerk.cli import main
from clerk.domain import idcard
from clerk.store import sqlite


def clerk_exe() -> str:
    beside = Path(sys.executable).with_name("clerk")
    return str(beside) if beside.exists() else shutil.which("clerk") or "clerk"


def clerk(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the installed `clerk` command as a clerk would (wide terminal: no wrapped messages)."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([clerk_exe(), *args], capture_output=True, text=True, env=full_env, input=input, timeout=60)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert "错误：" in result.stderr
    return result.stderr


def settings(path: Path) -> dict[str, str]:
    conn = sqlite.connect(path)
    try:
        return dict(conn.execute("SELECT key, value FROM settings"))
    finally:
        conn.close()


def data_dir() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "clerk"


# -- setup, --db and CLERK_DB --------------------------------------------------------------------


def test_setup_of_a_township(db_path):
    out = ok(clerk("--db", str(db_path), "setup", "--code", "500101001", "--name", "示范镇总工会", "--clerk", "李华"))
    assert "已设置：示范镇总工会（乡镇(街道) 500101001），经办人 李华" in out
    assert settings(db_path) == {"unit_code": "500101001", "unit_name": "示范镇总工会", "clerk_name": "李华"}


def test_setup_of_a_district(db_path):
    out = ok(clerk("--db", str(db_path), "setup", "--code", "500101", "--name", "万州区总工会", "--clerk", "王芳"))
    assert "区县总工会 500101" in out
    assert settings(db_path)["unit_code"] == "500101"


@pytest.mark.parametrize("code", ["12345", "1234567", "1234567890", "50010100a", "٥٠٠١٠١٠٠١", ""])
def test_setup_refuses_bad_codes_in_chinese_and_creates_nothing(db_path, code):
    err = refused(clerk("--db", str(db_path), "setup", "--code", code, "--name", "某镇总工会", "--clerk", "李华"))
    assert "单位代码应为 9 位数字（乡镇/街道）或 6 位数字（区县）" in err
    assert not db_path.exists()


def test_setup_accepts_a_code_typed_in_full_width_digits(db_path):
    ok(
        clerk(
            "--db", str(db_path), "setup", "--code", "５００１０１００１", "--name", "示范镇总工会", "--clerk", "李华"
        )
    )
    assert settings(db_path)["unit_code"] == "500101001"


def test_setup_refuses_an_empty_clerk_name(db_path):
    err = refused(clerk("--db", str(db_path), "setup", "--code", "500101001", "--name", "某镇", "--clerk", " "))
    assert "经办人" in err


def test_setup_can_not_move_a_database_to_another_unit(db_path):
    ok(clerk("--db", str(db_path), "setup", "--code", "500101001", "--name", "甲镇总工会", "--clerk", "李华"))
    ok(clerk("--db", str(db_path), "setup", "--code", "500101001", "--name", "甲镇总工会", "--clerk", "张丽"))
    assert settings(db_path)["clerk_name"] == "张丽"  # a new clerk takes over the same unit
    err = refused(clerk("--db", str(db_path), "setup", "--code", "500102001", "--name", "乙镇", "--clerk", "李华"))
    assert "已属于 甲镇总工会" in err
    assert settings(db_path)["unit_code"] == "500101001"


def test_without_db_the_clerks_own_database_is_used(tmp_path):
    ok(clerk("setup", "--code", "500101001", "--name", "示范镇总工会", "--clerk", "李华"))
    assert settings(data_dir() / "clerk.store.db")["unit_code"] == "500101001"


def test_clerk_db_environment_variable_and_db_option(tmp_path):
    env_db, opt_db = tmp_path / "from-env.db", tmp_path / "from-option.db"
    ok(clerk("setup", "--code", "500101001", "--name", "甲镇", "--clerk", "李华", env={"CLERK_DB": str(env_db)}))
    assert settings(env_db)["unit_name"] == "甲镇"
    ok(
        clerk(
            "--db",
            str(opt_db),
            "setup",
            "--code",
            "500102001",
            "--name",
            "乙镇",
            "--clerk",
            "李华",
            env={"CLERK_DB": str(env_db)},
        )
    )
    assert settings(opt_db)["unit_name"] == "乙镇"  # --db wins over CLERK_DB
    assert settings(env_db)["unit_name"] == "甲镇"
    assert not (data_dir() / "clerk.store.db").exists()


# -- demo ----------------------------------------------------------------------------------------


def test_demo_builds_its_own_database_with_valid_members(tmp_path):
    real = tmp_path / "real.db"
    out = ok(clerk("demo", "--no-open", env={"CLERK_DB": str(real)}))
    demo = data_dir() / "demo.db"
    assert "演示数据库已生成" in out and str(demo) in out
    assert not real.exists() and not (data_dir() / "clerk.store.db").exists()  # never the clerk's database
    conn = sqlite.connect(demo)
    try:
        numbers = [r[0] for r in conn.execute("SELECT id_number FROM members WHERE deleted_at IS NULL")]
        assert 200 <= len(numbers) <= 1000
        assert all(idcard.is_valid(n) for n in numbers)
        assert len(set(numbers)) == len(numbers)
        assert conn.execute("SELECT count(*) FROM organisations").fetchone()[0] >= 3
        assert conn.execute("SELECT count(DISTINCT status) FROM members").fetchone()[0] >= 2
        assert conn.execute("SELECT count(*) FROM journal").fetchone()[0] >= len(numbers)
    finally:
        conn.close()
    # A second run opens the same demo database instead of adding to it.
    assert "演示数据库已生成" not in ok(clerk("demo", "--no-open"))


def test_demo_reset_builds_it_again(tmp_path):
    ok(clerk("demo", "--no-open", "--members", "20"))
    out = ok(clerk("demo", "--no-open", "--reset", "--members", "30"))
    assert "演示数据库已生成" in out
    conn = sqlite.connect(data_dir() / "demo.db")
    assert conn.execute("SELECT count(*) FROM members").fetchone()[0] == 30
    conn.close()


# -- members -------------------------------------------------------------------------------------


@pytest.fixture
def set_up_db(db_path) -> Path:
    ok(clerk("--db", str(db_path), "setup", "--code", "500101001", "--name", "测试镇总工会", "--clerk", "李华"))
    return db_path


def test_member_add_list_show(set_up_db):
    number = make_id("19900101", 19)  # ends with X
    out = ok(
        clerk(
            "--db",
            str(set_up_db),
            "member",
            "add",
            "--name",
            "张三",
            "--id-number",
            number.lower(),
            "--phone",
            "138 1234 5678",
            "--migrant",
            "--new-form",
            "快递员",
            "--joined-on",
            "2025-03-01",
        )
    )
    assert "已登记，会员编号 1" in out

    listed = ok(clerk("--db", str(set_up_db), "member", "list", "zs"))
    assert "张三" in listed and idcard.mask(number) in listed
    assert number not in listed  # lists never show the full number
    assert "共 1 人" in listed

    shown = ok(clerk("--db", str(set_up_db), "member", "show", "1"))
    assert number in shown  # the detail view does
    assert "13812345678" in shown and "快递员" in shown and "1990-01-01" in shown
    assert "登记入会" in shown and "李华" in shown


def test_member_list_finds_by_id_prefix_and_name(set_up_db):
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "张三", "--id-number", make_id(seq=1)))
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "李四", "--id-number", make_id("19851231", 2)))
    assert "李四" in ok(clerk("--db", str(set_up_db), "member", "list", "5001011985"))
    out = ok(clerk("--db", str(set_up_db), "member", "list", "张"))
    assert "张三" in out and "李四" not in out
    assert "共 0 人" in ok(clerk("--db", str(set_up_db), "member", "list", "王"))


def test_member_add_refuses_bad_input_in_chinese_and_writes_nothing(set_up_db):
    err = refused(clerk("--db", str(set_up_db), "member", "add", "--name", "张三", "--id-number", "110105491231002"))
    assert "15 位的旧身份证号码" in err
    err = refused(
        clerk("--db", str(set_up_db), "member", "add", "--name", "张三", "--id-number", make_id(), "--phone", "12345")
    )
    assert "手机/电话" in err
    conn = sqlite.connect(set_up_db)
    assert conn.execute("SELECT count(*) FROM members").fetchone()[0] == 0
    conn.close()


def test_member_add_refuses_a_duplicate_naming_the_existing_record(set_up_db):
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "张三", "--id-number", make_id()))
    err = refused(clerk("--db", str(set_up_db), "member", "add", "--name", "张叁", "--id-number", make_id()))
    assert "已登记为会员 张三" in err and "编号 1" in err


def test_member_commands_on_a_database_not_set_up(db_path):
    err = refused(clerk("--db", str(db_path), "member", "add", "--name", "张三", "--id-number", make_id()))
    assert "clerk setup" in err


def test_member_show_of_an_unknown_member(set_up_db):
    assert "找不到编号为 99 的会员" in refused(clerk("--db", str(set_up_db), "member", "show", "99"))


def test_member_show_by_the_id_number_clerks_know_people_by(set_up_db):
    number = make_id("19851231", 7)
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "李四", "--id-number", number))
    spaced = f"{number[:6]} {number[6:14]} {number[14:]}"  # as read off a card
    for ref in (number, spaced):
        shown = ok(clerk("--db", str(set_up_db), "member", "show", ref))
        assert "李四" in shown and number in shown


@pytest.mark.parametrize("ref", ["9" * 30, "99999999999999999999", make_id("19700101", 5)])
def test_member_show_of_a_huge_number_or_an_unknown_id_is_no_such_member(set_up_db, ref):
    assert "没有这个会员" in refused(clerk("--db", str(set_up_db), "member", "show", ref))


def test_member_delete_asks_first_keeps_the_record_in_the_journal_and_hides_it(set_up_db):
    number = make_id(seq=3)
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "王五", "--id-number", number))
    assert "原因" in refused(clerk("--db", str(set_up_db), "member", "delete", number, "--reason", " ", "--yes"))
    assert "已取消" in refused(
        clerk("--db", str(set_up_db), "member", "delete", number, "--reason", "重复录入", input="n\n")
    )
    out = ok(clerk("--db", str(set_up_db), "member", "delete", number, "--reason", "重复录入", input="y\n"))
    assert "王五" in out and idcard.mask(number) in out and "重复录入" in out
    assert "共 0 人" in ok(clerk("--db", str(set_up_db), "member", "list"))
    assert "没有这个会员" in refused(clerk("--db", str(set_up_db), "member", "show", number))
    conn = sqlite.connect(set_up_db)
    try:
        deleted_at, notes = conn.execute("SELECT deleted_at, notes FROM members").fetchone()
        assert deleted_at and "删除原因：重复录入" in notes
        assert conn.execute("SELECT op FROM journal ORDER BY seq DESC LIMIT 1").fetchone() == ("delete",)
    finally:
        conn.close()


def test_member_status_left_and_deceased_with_date_and_reason(set_up_db):
    a, b = make_id(seq=4), make_id(seq=5)
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "赵六", "--id-number", a, "--joined-on", "2026-01-05"))
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "钱七", "--id-number", b, "--joined-on", "2026-01-05"))
    out = ok(
        clerk("--db", str(set_up_db), "member", "status", a, "退会", "--date", "2026/4/30", "--reason", "本人申请退会")
    )
    assert "由 在册 改为 退会（2026-04-30，本人申请退会）" in out
    asked = refused(clerk("--db", str(set_up_db), "member", "status", "2", "已故", "--date", "2026-03-02"))
    assert "“已故”的原因请从列表中选择：病故、因工死亡、意外身故、其他" in asked
    ok(clerk("--db", str(set_up_db), "member", "status", "2", "已故", "--date", "2026-03-02", "--reason", "病故"))
    conn = sqlite.connect(set_up_db)
    try:
        rows = conn.execute("SELECT name, status, status_on, status_reason FROM members ORDER BY id").fetchall()
        assert rows == [("赵六", "退会", "2026-04-30", "本人申请退会"), ("钱七", "已故", "2026-03-02", "病故")]
        assert conn.execute("SELECT count(*) FROM journal WHERE op = 'update'").fetchone() == (2,)
    finally:
        conn.close()
    assert "退会" in ok(clerk("--db", str(set_up_db), "member", "show", a))
    assert "日期不能晚于今天" in refused(
        clerk("--db", str(set_up_db), "member", "status", a, "在册", "--date", "2999-01-01", "--reason", "重新入会")
    )
    wrong = clerk("--db", str(set_up_db), "member", "status", b, "转出")
    assert wrong.returncode == 2
    assert "错误：“状态”的值不对：“转出”不是可选的值。可选：在册、保留会籍、退会、除名、已故。" in wrong.stderr
    back = ok(clerk("--db", str(set_up_db), "member", "status", a, "在册", "--reason", "重新入会"))
    assert "由 退会 改为 在册" in back


# -- backup and restore ---------------------------------------------------------------------------


def test_backup_and_restore(set_up_db, tmp_path):
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "张三", "--id-number", make_id(seq=1)))
    copy = tmp_path / "usb" / "copy.db"
    assert str(copy) in ok(clerk("--db", str(set_up_db), "backup", "--to", str(copy)))
    ok(clerk("--db", str(set_up_db), "member", "add", "--name", "李四", "--id-number", make_id(seq=2)))

    cancelled = clerk("--db", str(set_up_db), "restore", str(copy), input="n\n")
    assert "已取消" in refused(cancelled)
    assert "李四" in ok(clerk("--db", str(set_up_db), "member", "list"))

    out = ok(clerk("--db", str(set_up_db), "restore", str(copy), "--yes"))
    assert "已恢复" in out and "before-restore" in out
    listed = ok(clerk("--db", str(set_up_db), "member", "list"))
    assert "张三" in listed and "李四" not in listed


def test_backup_without_a_target_goes_beside_the_database(set_up_db):
    out = ok(clerk("--db", str(set_up_db), "backup"))
    (saved,) = (set_up_db.parent / "backups").glob("*.db")
    assert str(saved) in out


def test_restore_of_a_file_that_is_not_a_backup(set_up_db, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("hello")
    assert "不是 clerk 的备份文件" in refused(clerk("--db", str(set_up_db), "restore", str(junk), "--yes"))


# -- bad database files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["member", "list"], ["setup", "--code", "500101001", "--name", "x", "--clerk", "y"], ["backup"], []]
)
def test_a_file_that_is_not_a_database_gets_a_chinese_error_and_exit_code_1(tmp_path, args):
    bad = tmp_path / "bad.db"
    bad.write_bytes(bytes(range(256)) * 8)
    err = refused(clerk("--db", str(bad), *args))
    assert "不是 clerk 的数据库文件" in err


def test_another_programs_database_gets_a_chinese_error(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert "其他程序的 SQLite 数据库" in refused(clerk("--db", str(other), "member", "list"))


def test_a_folder_as_database_gets_a_chinese_error(tmp_path):
    assert "是一个文件夹" in refused(clerk("--db", str(tmp_path), "member", "list"))


# -- every command documents itself ----------------------------------------------------------------


def all_commands(group: click.Group, path: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))


def test_every_command_and_option_has_help_text():
    missing = []
    commands = [((), main), *all_commands(main)]
    assert len(commands) >= 8
    for path, command in commands:
        label = " ".join(("clerk", *path))
        if not (command.help or command.short_help or "").strip():
            missing.append(f"{label}: no help")
        for param in command.params:
            if isinstance(param, click.Option) and not (param.help or "").strip():
                missing.append(f"{label} {param.opts[0]}: no help")
    assert not missing, "\n".join(missing)


def test_every_help_screen_renders():
    runner = CliRunner()
    for path, _ in [((), main), *all_commands(main)]:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "用法：" in result.output and "-h, --help" in result.output


def test_member_list_fits_an_80_column_terminal(set_up_db):
    number = make_id("19900101", 19)
    ok(
        clerk(
            "--db",
            str(set_up_db),
            "member",
            "add",
            "--name",
            "欧阳娜娜",
            "--id-number",
            number,
            "--joined-on",
            "2025-03-01",
        )
    )
    listed = ok(clerk("--db", str(set_up_db), "member", "list", env={"COLUMNS": "80"}))
    assert all(cell_len(line) <= 80 for line in listed.splitlines())  # CJK characters take two cells
    row = next(line for line in listed.splitlines() if "欧阳娜娜" in line)
    for cell in ("1", "欧阳娜娜", idcard.mask(number), "男", "在册", "2025-03-01"):
        assert cell in row.split()
