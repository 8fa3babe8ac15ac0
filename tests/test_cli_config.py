"""The inbox and outbox live beside the database, wherever `clerk` runs; `clerk config` moves them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import UNIT, make_id
from roster_sample import HEADER, people, write_xlsx

from clerk.cli import main
from clerk.registry import members, setup
from clerk.store import folders
from clerk.store.store import ServiceError, Store


@pytest.fixture(autouse=True)
def _wide(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # full paths on one line


def run(db, *args):
    result = CliRunner().invoke(main, ["--db", str(db), *args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def township(tmp_path):
    """A set-up database in its own folder, with one member to export."""
    path = tmp_path / "data" / "clerk.db"
    path.parent.mkdir()
    store = Store(path)
    setup.set_up(store, *UNIT)
    members.register(store, {"name": "张三", "id_number": make_id(), "joined_on": "2026-01-15"})
    store.close()
    return path


def test_the_folders_sit_beside_the_database_and_are_made_on_first_use(township):
    store = Store(township)
    beside = township.parent
    assert [f.path for f in folders.all_folders(store)] == [beside / "imports", beside / "exports"]
    assert not (beside / "imports").exists()  # nothing made before it is used
    assert folders.imports_dir(store) == beside / "imports" and (beside / "imports").is_dir()
    assert (beside / "imports").stat().st_mode & 0o077 == 0
    store.close()


def test_export_from_another_working_folder_lands_beside_the_database(township, tmp_path):
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    env = {**os.environ, "COLUMNS": "250"}
    done = subprocess.run(
        [sys.executable, "-c", "from clerk.cli import main; main()", "--db", str(township), "export"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (written,) = (township.parent / "exports").glob("*.xlsx")
    assert str(written) in done.stdout  # the full path, not "exports/…"
    assert not list(elsewhere.iterdir())


def test_config_show_names_the_database_and_both_folders_in_full(township):
    out = run(township, "config", "show").output
    assert str(township) in out
    assert str(township.parent / "imports") in out and str(township.parent / "exports") in out
    assert "默认：数据库旁边" in out


def test_config_set_moves_the_outbox_and_an_empty_value_moves_it_back(township, tmp_path):
    chosen = tmp_path / "U盘" / "上报"
    result = run(township, "config", "set", "exports", str(chosen))
    assert result.exit_code == 0, result.output
    assert str(chosen) in result.output and "已自选" in result.output
    assert chosen.is_dir()  # created when chosen, so a mistake shows at once

    exported = run(township, "export")
    (written,) = chosen.glob("*.xlsx")
    assert str(written) in exported.output
    report = run(township, "report", "--period", "2026")
    assert str(chosen / "500101001_统计报表_2026.xlsx") in report.output

    back = run(township, "config", "set", "导出", "")
    assert back.exit_code == 0 and str(township.parent / "exports") in back.output
    assert "默认：数据库旁边" in run(township, "config", "show").output


def test_config_set_a_relative_folder_is_kept_in_full(township, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run(township, "config", "set", "imports", "收件箱")
    store = Store(township)
    assert folders.locate(store, folders.IMPORTS).path == tmp_path / "收件箱"
    store.close()


def test_config_set_refuses_a_file_and_an_unknown_setting_in_chinese(township, tmp_path):
    a_file = tmp_path / "a.txt"
    a_file.write_text("x")
    refused = run(township, "config", "set", "exports", str(a_file))
    assert refused.exit_code == 1 and "是一个文件，不是文件夹" in refused.output
    assert "默认：数据库旁边" in run(township, "config", "show").output
    with pytest.raises(ServiceError, match="没有“backups”这个文件夹设置"):
        folders.choose(Store(township), "backups", str(tmp_path))


def test_the_environment_wins_and_config_says_so(township, tmp_path, monkeypatch):
    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "env-out"))
    out = run(township, "config", "show").output
    assert str(tmp_path / "env-out") in out and "CLERK_EXPORTS" in out
    warned = run(township, "config", "set", "exports", str(tmp_path / "mine")).output
    assert "环境变量 CLERK_EXPORTS 已指定文件夹" in warned


def test_import_error_report_goes_to_the_outbox_with_its_full_path(township, tmp_path):
    roster = write_xlsx(tmp_path / "顺达.xlsx", {"s": [HEADER, *people(2), [3, "王", "1", "", "", ""]]})
    result = run(township, "import", str(roster))
    assert result.exit_code == 0, result.output
    (report,) = (township.parent / "exports").glob("*错误报告*.xlsx")
    assert str(report) in result.output
