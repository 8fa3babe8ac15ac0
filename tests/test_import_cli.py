"""`clerk import` and `clerk batches` as a clerk types them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import make_id
from roster_sample import HEADER, people, table_counts, write_xlsx

from clerk.cli import main
from clerk.importing import batches as import_batches
from clerk.store.store import Store


@pytest.fixture
def cli(store, db_path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, env={"COLUMNS": "200"})

    return invoke


def test_dry_run_shows_sheets_mapping_counts_and_problem_rows_and_writes_nothing(cli, store, tmp_path):
    rows = [["某公司会员花名册"], HEADER, *people(3), [4, "坏人", "12345", "", "", ""], people(1)[0]]
    path = write_xlsx(tmp_path / "花名册.xlsx", {"快递员": rows})
    before = table_counts(store)
    result = cli("import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.output
    for text in (
        "快递员",
        "导入",
        "身份证号码",
        "新入会",
        "3",
        "未导入（有错误）",
        "表内重复",
        "身份证号码应为 18 位，现在是 5 位。",
        "与第 3 行是同一个人",
        "没有写入数据库",
    ):
        assert text in out, text
    assert table_counts(store) == before


def test_import_commits_writes_the_error_report_and_can_be_undone(cli, store, tmp_path):
    path = write_xlsx(tmp_path / "花名册.xlsx", {"s": [HEADER, *people(3), [4, "坏人", "12345", "", "", ""]]})
    result = cli("import", str(path), "--errors-to", str(tmp_path / "err.xlsx"))
    assert result.exit_code == 0, result.output
    assert "已导入“花名册.xlsx”（批次 #1）：新入会 3 人，未导入 1 行。" in result.output
    assert (tmp_path / "err.xlsx").exists() and "clerk batches undo 1" in result.output

    again = cli("import", str(path))
    assert again.exit_code == 0 and "导入过（批次 #1），本次没有任何改动" in again.output

    listed = cli("batches", "list")
    assert "#1" in listed.output and "花名册.xlsx" in listed.output
    shown = cli("batches", "show", "1")
    assert "身份证号码应为 18 位，现在是 5 位。" in shown.output and "B 姓名" in shown.output

    refused = cli("batches", "undo", "1", input="n\n")
    assert refused.exit_code == 1 and "已取消" in refused.output
    undone = cli("batches", "undo", "1", "--yes")
    assert undone.exit_code == 0 and "已撤销批次 #1" in undone.output
    assert import_batches.get(store, 1)["status"] == "undone"
    report = cli("batches", "report", "1", "--to", str(tmp_path / "again.xlsx"))
    assert report.exit_code == 0 and (tmp_path / "again.xlsx").exists()


def test_refusals_exit_non_zero_with_the_reason(cli, store, tmp_path):
    junk = tmp_path / "名单.xlsx"
    junk.write_bytes(b"%PDF-1.4 not a roster")
    good = write_xlsx(tmp_path / "好.xlsx", {"s": [HEADER, *people(1)]})
    result = cli("import", str(junk), str(tmp_path / "没有.xlsx"), str(good))
    assert result.exit_code == 1
    assert "没有导入“名单.xlsx”" in result.output and "PDF" in result.output
    assert "找不到文件" in result.output
    assert "新入会 1 人" in result.output  # the good file of the run still went in
    assert "Traceback" not in result.output


def test_map_corrects_a_column_and_save_mapping_remembers_it(cli, store, tmp_path):
    rows = [["姓名", "身份证号码", "号码1"], ["张三", make_id(seq=1), "13800000001"]]
    path = write_xlsx(tmp_path / "r.xlsx", {"s": rows})
    result = cli("import", str(path), "--dry-run", "--map", "C=手机号码", "--save-mapping")
    assert result.exit_code == 0, result.output
    assert "已保存列对应关系" in result.output
    other = write_xlsx(tmp_path / "next.xlsx", {"s": [rows[0], ["李四", make_id(seq=2), "13800000002"]]})
    assert cli("import", str(other)).exit_code == 0
    assert Store(store.path).conn.execute("SELECT phone FROM members").fetchone()[0] == "13800000002"
    mappings = cli("batches", "mappings")
    assert "号码1→手机号码" in mappings.output
    bad = cli("import", str(path), "--map", "C=血型")
    assert bad.exit_code == 1 and "不认识字段“血型”" in bad.output
    missing = cli("import", str(path), "--map", "Z=姓名")
    assert missing.exit_code == 1 and "找不到“Z”这一列" in missing.output


def test_org_option(cli, store, tmp_path):
    from clerk.registry import organisations

    org = organisations.create(store, {"name": "顺达快递公司工会", "kind": "联合工会"})
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(2)]})
    result = cli("import", str(path), "--org", "顺达快递公司工会")
    assert result.exit_code == 0, result.output
    assert "导入到工会组织：顺达快递公司工会" in result.output
    assert {r[0] for r in store.conn.execute("SELECT org_id FROM members")} == {org}
    assert cli("import", str(path), "--org", "没有这个工会").exit_code == 1


def test_help_texts(cli):
    for args in (["import", "--help"], ["batches", "--help"], ["batches", "undo", "--help"]):
        result = cli(*args)
        assert result.exit_code == 0 and len(result.output) > 100
