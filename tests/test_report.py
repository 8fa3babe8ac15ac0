"""Statistics report: periods, figures per township at the district, a printable workbook."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner
from sync_world import make_district, make_township, register

from clerk.cli import main
from clerk.registry import members
from clerk.reports import statistics as report
from clerk.store.store import ServiceError
from clerk.sync import export as sync_export
from clerk.sync import merge as sync_merge


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-11", "2026-11-01", "2026-11-30"),
        ("2026-q3", "2026-07-01", "2026-09-30"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2026-01-15:2026-03", "2026-01-15", "2026-03-31"),
        ("", "2026-01-01", "2026-12-31"),
    ],
)
def test_periods(text, start, end):
    p = report.parse_period(text, today=date(2026, 5, 5))
    assert (p.start.isoformat(), p.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "Q3", "去年", "2026-05-01:2026-01-01"])
def test_bad_periods_are_explained(text):
    with pytest.raises(ServiceError, match="统计期间"):
        report.parse_period(text)


def _township(tmp_path, index):
    store, orgs = make_township(tmp_path, index)
    register(store, 1 + index * 10, orgs[1], joined_on="2026-02-01", migrant=True, new_form="快递员")
    register(store, 2 + index * 10, orgs[1], joined_on="2025-06-01")
    gone = register(store, 3 + index * 10, orgs[2], joined_on="2026-03-01")
    members.change_status(store, gone, "退会", "本人申请")
    return store, orgs


def _sheet(book, name):
    return [[c.value for c in row] for row in book[name].iter_rows()]


def test_township_report(tmp_path):
    store, _ = _township(tmp_path, 0)
    path = report.write_report(store, period="2026", out=tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "汇总",
        "按组织",
        "农民工和新就业形态",
        "组织类型和行业",
        "任务完成情况",
        "会籍状态",
        "会员构成",
    ]
    summary = _sheet(book, "汇总")
    assert summary[0][0] == "会员和组织统计汇总表" and "青山镇总工会" in summary[1][0]
    header = summary[2]
    row = dict(zip(header, summary[3], strict=True))
    # 2 on the roll, 2 joined in 2026 (one has since left: still new in the period), 1 migrant.
    assert (row["在册会员"], row["本期新入会"], row["农民工会员"], row["新就业形态会员"]) == (2, 2, 1, 1)
    # One enterprise of 30 employees with 2 members, one of 40 with none (the root is no enterprise).
    assert (row["25人以上企业"], row["其职工人数"], row["其会员人数"]) == (2, 70, 2)
    assert row["入会率"] == pytest.approx(2 / 70)
    ws = book["汇总"]
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3"
    assert ws["C4"].data_type == "n" and ws["L4"].number_format == "0.0%"
    assert ws["C3"].border.left.style == "thin"
    orgs = _sheet(book, "按组织")
    first = dict(zip(orgs[2], orgs[3], strict=True))
    assert first["在册会员"] == 2 and first["组织类型"] == "企业工会"
    cats = _sheet(book, "农民工和新就业形态")
    assert dict(zip(cats[2], cats[3], strict=True))["快递员"] == 1


def test_district_report_counts_each_township(tmp_path):
    district = make_district(tmp_path)
    files = []
    for i in range(2):
        store, _ = _township(tmp_path, i)
        files.append(sync_export.export(store, out_dir=tmp_path / "exp").path)
    sync_merge.merge(district, files)
    path = report.write_report(district, period="2026-Q1", out=tmp_path / "d.xlsx")
    summary = _sheet(openpyxl.load_workbook(path), "汇总")
    rows = {r[0]: dict(zip(summary[2], r, strict=True)) for r in summary[3:6]}
    assert set(rows) == {"500101001", "500101002", "500101"}
    assert rows["500101001"]["单位名称"] == "青山镇总工会"
    assert rows["500101002"]["在册会员"] == 2
    assert rows["500101"]["在册会员"] == 4 and rows["500101"]["本期新入会"] == 4
    assert rows["500101"]["单位名称"] == "测试区总工会合计"


def test_report_command(tmp_path, monkeypatch):
    store, _ = _township(tmp_path, 0)
    store.close()
    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "exports"))
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "500101001.db"), "report", "--period", "2026-Q1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "exports" / "500101001_统计报表_2026-Q1.xlsx").exists()
    bad = CliRunner().invoke(main, ["--db", str(tmp_path / "500101001.db"), "report", "--period", "明年"])
    assert bad.exit_code == 1 and "统计期间" in bad.output
