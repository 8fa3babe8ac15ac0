"""Nothing is overwritten that clerk did not create: --out, --to and --errors-to naming an existing
file are refused unless --force, a folder gets a message, and files clerk names itself never
replace an earlier one."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from roster_sample import HEADER, people, table_counts, write_xlsx

from clerk.cli import main

THE_CLERKS_OWN = "年度工作总结：这是经办人自己的文件。".encode()


@pytest.fixture
def cli(store, db_path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, env={"COLUMNS": "200"})

    return invoke


def roster(tmp_path):
    return write_xlsx(tmp_path / "花名册.xlsx", {"s": [HEADER, *people(3), [4, "坏人", "12345", "", "", ""]]})


def refused_existing(result) -> None:
    assert result.exit_code == 1, result.output
    assert "已经存在" in result.output and "--force" in result.output
    assert "Traceback" not in result.output


def test_report_out_refuses_an_existing_file_unless_force(cli, tmp_path):
    mine = tmp_path / "roster.xlsx"
    mine.write_bytes(THE_CLERKS_OWN)
    refused_existing(cli("report", "--out", str(mine)))
    assert mine.read_bytes() == THE_CLERKS_OWN
    forced = cli("report", "--out", str(mine), "--force")
    assert forced.exit_code == 0, forced.output
    assert mine.read_bytes().startswith(b"PK")


def test_report_out_naming_another_kind_of_file_leaves_it_alone(cli, tmp_path):
    summary = tmp_path / "工作总结.docx"
    summary.write_bytes(THE_CLERKS_OWN)
    result = cli("report", "--out", str(summary))
    assert result.exit_code == 0, result.output
    assert summary.read_bytes() == THE_CLERKS_OWN
    assert (tmp_path / "工作总结.xlsx").exists()


def test_report_out_a_folder_writes_a_new_file_in_it(cli, tmp_path):
    folder = tmp_path / "上报"
    folder.mkdir()
    for _ in range(2):
        assert cli("report", "--out", str(folder), "--period", "2026").exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "500101001_统计报表_2026 (2).xlsx",
        "500101001_统计报表_2026.xlsx",
    ]


def test_errors_to_a_folder_gets_a_message(cli, store, tmp_path):
    before = table_counts(store)
    result = cli("import", str(roster(tmp_path)), "--errors-to", str(tmp_path))
    assert result.exit_code == 1 and "是一个文件夹" in result.output and "Traceback" not in result.output
    assert table_counts(store) == before


def test_a_report_written_again_gets_a_name_of_its_own(cli, tmp_path):
    first = cli("report", "--period", "2026")
    second = cli("report", "--period", "2026")
    assert first.exit_code == 0 and second.exit_code == 0
    written = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert written == ["500101001_统计报表_2026 (2).xlsx", "500101001_统计报表_2026.xlsx"]


def test_import_errors_to_an_existing_file_is_refused_before_anything_is_imported(cli, store, tmp_path):
    summary = tmp_path / "工作总结.docx"
    summary.write_bytes(THE_CLERKS_OWN)
    before = table_counts(store)
    refused_existing(cli("import", str(roster(tmp_path)), "--errors-to", str(summary)))
    assert summary.read_bytes() == THE_CLERKS_OWN
    assert table_counts(store) == before
    forced = cli("import", str(roster(tmp_path)), "--errors-to", str(summary), "--force")
    assert forced.exit_code == 0, forced.output
    assert summary.read_bytes().startswith(b"PK")


def test_batches_report_to_an_existing_file_is_refused_unless_force(cli, tmp_path):
    assert cli("import", str(roster(tmp_path))).exit_code == 0
    keep = tmp_path / "keep.xlsx"
    keep.write_bytes(THE_CLERKS_OWN)
    refused_existing(cli("batches", "report", "1", "--to", str(keep)))
    assert keep.read_bytes() == THE_CLERKS_OWN
    assert cli("batches", "report", "1", "--to", str(keep), "--force").exit_code == 0
    assert keep.read_bytes().startswith(b"PK")


def test_an_error_report_written_again_gets_a_name_of_its_own(cli, tmp_path):
    assert cli("import", str(roster(tmp_path))).exit_code == 0
    assert cli("batches", "report", "1").exit_code == 0
    written = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert written == ["花名册-错误报告-批次1 (2).xlsx", "花名册-错误报告-批次1.xlsx"]
