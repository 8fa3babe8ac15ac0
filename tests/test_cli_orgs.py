"""`clerk org ...` and `clerk member transfer|transfer-in` through the real entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_id
from org_sample import code, counts, township

from clerk.cli import main
from clerk.registry import members, organisations
from clerk.store.store import Store


@pytest.fixture
def town(store):
    ids = township(store)
    store.close()  # the command opens the file itself
    return ids


def run(db_path: Path, *args: str):
    result = CliRunner().invoke(main, ["--db", str(db_path), *args], terminal_width=200, env={"COLUMNS": "200"})
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def ok(db_path: Path, *args: str) -> str:
    result = run(db_path, *args)
    assert result.exit_code == 0, result.output
    return result.output


def refused(db_path: Path, *args: str) -> str:
    result = run(db_path, *args)
    assert result.exit_code == 1, result.output
    assert "错误：" in result.output
    return result.output


def reopen(db_path: Path) -> Store:
    return Store(db_path)


@pytest.mark.parametrize(
    "command",
    [
        ["org"],
        ["org", "list"],
        ["org", "show"],
        ["org", "add"],
        ["org", "edit"],
        ["org", "move"],
        ["org", "dissolve"],
        ["org", "reinstate"],
        ["org", "summary"],
        ["member", "transfer"],
        ["member", "transfer-in"],
    ],
)
def test_every_command_has_help(db_path, command):
    output = ok(db_path, *command, "--help")
    assert "用法：" in output
    assert len(output.splitlines()) > 3


def test_list_shows_the_tree_with_counts(db_path, town):
    output = ok(db_path, "org", "list")
    lines = output.splitlines()
    row = next(line for line in lines if "顺达快递有限公司工会" in line)
    assert "└ 顺达快递有限公司工会" in row
    assert row.split()[-4:] == ["企业", "3", "86", "3.5%"]
    village = next(line for line in lines if "青山村工会" in line)
    assert village.split()[-5:] == ["村/社区", "1", "4", "—", "—"]
    # the tree order: the village comes right before its enterprise
    assert lines.index(village) + 1 == lines.index(row)
    assert "测试镇总工会" in ok(db_path, "org", "list", "总工会")


def test_show_prints_fields_children_and_counts(db_path, town):
    output = ok(db_path, "org", "show", "青山村工会")
    assert "村(社区)工会" in output and "测试镇总工会" in output
    assert "顺达快递有限公司工会" in output  # its child
    output = ok(db_path, "org", "show", code(1))
    assert "在册会员" in output and "其中农民工" in output and "3.5%" in output


def test_add_with_every_field(db_path, town):
    output = ok(
        db_path,
        "org",
        "add",
        "--name",
        "青山物流有限公司工会",
        "--kind",
        "企业工会",
        "--uscc",
        code(7).lower(),
        "--parent",
        "青山村工会",
        "--industry",
        "货运",
        "--founded-on",
        "2020-05-04",
        "--chair",
        "刘强",
        "--chair-phone",
        "13800001111",
        "--employees",
        "45",
        "--address",
        "青山村一组",
        "--region-code",
        "500101001",
    )
    assert "已添加“青山物流有限公司工会”" in output and "上级：青山村工会" in output
    store = reopen(db_path)
    record = organisations.get(store, organisations.find(store, "青山物流有限公司工会"))
    assert (record["uscc"], record["employee_count"], record["chair_phone"], record["parent_name"]) == (
        code(7),
        45,
        "13800001111",
        "青山村工会",
    )
    store.close()


def test_add_defaults_to_the_township_union_as_parent(db_path, town):
    assert "上级：测试镇总工会" in ok(db_path, "org", "add", "--name", "新村工会", "--kind", "村(社区)工会")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--name", "甲公司工会", "--kind", "企业工会", "--uscc", code(1)], "已登记在“顺达快递有限公司工会”"),
        (["--name", "甲公司工会", "--kind", "企业工会", "--uscc", code(1)[:-1] + "Z"], "不能含有“Z”"),
        (["--name", "甲公司工会", "--kind", "企业工会"], "须填写所在单位的代码"),
        (["--kind", "企业工会"], "请用 --name 写明工会组织名称"),
        (["--name", "  ", "--kind", "村(社区)工会"], "工会组织名称不能为空"),
        (["--name", "乙村工会", "--kind", "村(社区)工会", "--parent", "不存在的工会"], "找不到工会组织“不存在的工会”"),
        (["--name", "丙公司工会", "--kind", "企业工会", "--uscc", code(8), "--employees", "很多"], "职工人数应为整数"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(db_path, town, args, words):
    store = reopen(db_path)
    before = counts(store)
    store.close()
    assert words in refused(db_path, "org", "add", *args)
    store = reopen(db_path)
    assert counts(store) == before
    store.close()


def test_edit_changes_only_the_given_fields(db_path, town):
    assert "工会主席" in ok(db_path, "org", "edit", "顺达快递有限公司工会", "--chair", "刘主席", "--employees", "90")
    store = reopen(db_path)
    record = organisations.get(store, town["shunda"])
    assert (record["chair"], record["employee_count"], record["uscc"], record["industry"]) == (
        "刘主席",
        90,
        code(1),
        "快递物流",
    )
    store.close()
    assert "主席电话" in refused(db_path, "org", "edit", str(town["shunda"]), "--chair-phone", "12345")


def test_move_and_the_cycle_refusal(db_path, town):
    assert "已把“顺达快递有限公司工会”移到“石桥村工会”下面" in ok(
        db_path, "org", "move", "顺达快递有限公司工会", "--parent", "石桥村工会"
    )
    assert "会形成循环" in refused(db_path, "org", "move", "石桥村工会", "--parent", "顺达快递有限公司工会")


def test_dissolve_refused_with_members_then_done_moving_them(db_path, town):
    output = refused(db_path, "org", "dissolve", "顺达快递有限公司工会")
    assert "还有 3 名在册会员" in output and "--move-members-to" in output
    output = ok(
        db_path, "org", "dissolve", "顺达快递有限公司工会", "--move-members-to", "青山村工会", "--date", "2025-01-02"
    )
    assert "已转接 3 名会员，已撤销“顺达快递有限公司工会”" in output
    assert "顺达快递有限公司工会" not in ok(db_path, "org", "list")
    assert "已撤销" in ok(db_path, "org", "list", "--all")
    assert "已恢复" in ok(db_path, "org", "reinstate", "顺达快递有限公司工会")


def test_summary(db_path, town):
    output = ok(db_path, "org", "summary", "--per-org")
    assert "在用工会组织 7 个；在册会员 7 人，其中农民工 3 人、新就业形态 2 人" in output
    assert "25 人以上企业（已建工会）2 家，职工 316 人，会员 5 人，入会率 1.6%" in output
    assert "各工会会员" in output


def test_member_transfer_by_id_and_by_id_number(db_path, town):
    output = ok(
        db_path,
        "member",
        "transfer",
        str(town["张三"]),
        "--to",
        "石桥机械制造有限公司工会",
        "--date",
        "2025-02-01",
        "--reason",
        "换工作",
    )
    assert "已转接到“石桥机械制造有限公司工会”" in output
    assert "本乡镇转接" in output and "换工作" in output  # the history is printed
    output = ok(
        db_path, "member", "transfer", make_id("19900101", 12), "--out", "沙坪坝区某街道总工会", "--date", "2025-03-01"
    )
    assert "已转出本乡镇" in output
    store = reopen(db_path)
    assert members.get(store, town["李四"])["status"] == "转出"
    store.close()
    assert "所在工会经历" in ok(db_path, "member", "show", str(town["李四"]))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--to", "1", "--out", "外地"], "二选一"),
        ([], "二选一"),
        (["--to", "顺达快递有限公司工会"], "无需转接"),
        (["--to", "石桥机械制造有限公司工会", "--date", "2999-01-01"], "不能晚于今天"),
    ],
)
def test_bad_transfers_are_refused(db_path, town, args, words):
    assert words in refused(db_path, "member", "transfer", str(town["张三"]), *args)


def test_an_unknown_member_is_refused(db_path, town):
    assert "找不到身份证号为" in refused(db_path, "member", "transfer", make_id(seq=555), "--to", "1")


def test_transfer_in(db_path, town):
    ok(db_path, "member", "transfer", str(town["李四"]), "--out", "沙坪坝区某街道总工会", "--date", "2025-03-01")
    output = ok(
        db_path,
        "member",
        "transfer-in",
        make_id("19900101", 12),
        "--to",
        "柳林家政服务中心工会",
        "--from",
        "沙坪坝区某街道总工会",
    )
    assert f"已恢复原有记录为在册（会员编号 {town['李四']}）" in output
    output = ok(
        db_path,
        "member",
        "transfer-in",
        make_id("19960606", 41),
        "--to",
        "青山村工会",
        "--from",
        "江北区某镇总工会",
        "--name",
        "新来的",
        "--joined-on",
        "2023-01-01",
    )
    assert "已登记为新会员" in output and "在外乡镇入会" in output
    assert "姓名不能为空" in refused(
        db_path, "member", "transfer-in", make_id("19960606", 43), "--to", "青山村工会", "--from", "外地"
    )


def clerk_exe() -> str:
    beside = Path(sys.executable).with_name("clerk")
    return str(beside) if beside.exists() else shutil.which("clerk") or "clerk"


def test_the_installed_command(db_path, town):
    env = {**os.environ, "COLUMNS": "200", "CLERK_DB": str(db_path)}
    result = subprocess.run([clerk_exe(), "org", "list"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "顺达快递有限公司工会" in result.stdout
    result = subprocess.run(
        [clerk_exe(), "org", "move", "青山村工会", "--parent", "顺达快递有限公司工会"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert "会形成循环" in result.stderr and "Traceback" not in result.stderr
