"""Yearly targets: typing them, who may set which, progress against a recount, the report's sheet,
the CLI and the screens."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from figures_world import TOWNSHIP_CODES, populate
from sample import FIXED_TODAY, rendered, sample  # noqa: F401  (fixture)
from sync_world import make_district, make_unit
from textual.widgets import DataTable, Input, Select, Static

from clerk.cli.main import main
from clerk.domain import targets as rules
from clerk.reports import statistics as report
from clerk.reports import targets
from clerk.store import db, sqlite
from clerk.store.store import ServiceError, Store
from clerk.tui.app import make_app
from clerk.tui.home import HomeScreen
from clerk.tui.reports.targets_screen import TargetsScreen
from clerk.tui.widgets.charts import ProgressChart, bar, month_bars, progress_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("农民工", rules.MIGRANT),
        ("新就业形态", rules.NEW_FORM),
        ("女", rules.WOMEN),
        (" 新会员 ", rules.MEMBERS),
        ("建会", rules.UNIONS),
        ("新业态", rules.NEW_FORM),
    ],
)
def test_categories_are_read_as_clerks_write_them(raw, expected):
    assert rules.category(raw) == expected


def test_counts_and_years_as_typed():
    assert rules.count("830") == 830
    assert rules.count("８３０人") == 830
    assert rules.count("8.3万") == 83000
    assert rules.count("8.99万") == 89900
    assert rules.year("2026年") == 2026
    for bad in ("八百", "-3", "1.5", ""):
        with pytest.raises(rules.InvalidTarget, match="目标数"):
            rules.count(bad)
    with pytest.raises(rules.InvalidTarget, match="四位年份"):
        rules.year("26")
    with pytest.raises(rules.InvalidTarget, match="类别"):
        rules.category("男职工")


def test_progress_label():
    assert rules.Progress(rules.MIGRANT, 830, 412).label == "农民工 412/830 49.6%"
    assert rules.Progress(rules.WOMEN, None, 12).label == "女职工 12（未定目标）"


def test_a_township_sets_its_own_targets_only(store):
    t = targets.set_target(store, year=2026, category="农民工", count="830")
    assert (t.unit_code, t.set_by, t.count) == ("500101001", "500101001", 830)
    targets.set_target(store, year=2026, category="农民工", count="900")
    assert [x.count for x in targets.list_targets(store)] == [900]
    with pytest.raises(ServiceError, match="只能给本单位"):
        targets.set_target(store, year=2026, category="农民工", count=1, unit="500101002")


def test_a_district_sets_targets_for_its_townships_and_not_for_others(tmp_path):
    district = make_district(tmp_path)
    targets.set_target(district, year=2026, category="农民工", count=830, unit="500101001")
    targets.set_target(district, year=2026, category="农民工", count=500, unit="500101002")
    with pytest.raises(ServiceError, match="不是本单位下属"):
        targets.set_target(district, year=2026, category="农民工", count=1, unit="500102001")
    with pytest.raises(ServiceError, match="不是本单位下属"):
        targets.set_target(district, year=2026, category="农民工", count=1, unit="5001010011")
    p = targets.progress(district, 2026)
    # No district target of its own: the townships' targets add up to it.
    assert p.targets_summed and p.unit.targets == {rules.MIGRANT: 1330}
    assert {u.code: u.targets for u in p.below} == {
        "500101001": {rules.MIGRANT: 830},
        "500101002": {rules.MIGRANT: 500},
    }
    targets.set_target(district, year=2026, category="农民工", count=1500)
    p = targets.progress(district, 2026)
    assert not p.targets_summed and p.unit.targets == {rules.MIGRANT: 1500}


def test_targets_from_the_district_replace_the_townships_own_and_cannot_be_changed_there(tmp_path, store):
    targets.set_target(store, year=2026, category="农民工", count=100)
    district = make_district(tmp_path)
    given = targets.set_target(district, year=2026, category="农民工", count=830, unit=store.require_unit().code)
    other = targets.set_target(district, year=2026, category="农民工", count=5, unit="500101002")
    assert targets.receive(store, [given, other], from_code="500101") == 1
    (held,) = targets.list_targets(store)
    assert (held.count, held.set_by, held.from_above) == (830, "500101", True)
    with pytest.raises(ServiceError, match="测试区总工会下达的"):
        targets.set_target(store, year=2026, category="农民工", count=10)
    with pytest.raises(ServiceError, match="不能删除"):
        targets.remove_target(store, year=2026, category="农民工")
    # A category the district left open is still the township's to type.
    targets.set_target(store, year=2026, category="女职工", count=40)
    assert targets.remove_target(store, year=2026, category="女职工")
    assert not targets.remove_target(store, year=2026, category="女职工")


def _recount(people, orgs_founded, year, through, code_prefix=""):
    start, end = f"{year}-01-01", through.isoformat()
    new = [
        p
        for p in people
        if p.joined_on
        and start <= p.joined_on <= end
        and p.status != "转出"
        and p.deleted_at is None
        and p.unit_code.startswith(code_prefix)
    ]
    return {
        rules.MEMBERS: len(new),
        rules.MIGRANT: sum(1 for p in new if p.migrant),
        rules.NEW_FORM: sum(1 for p in new if p.new_form),
        rules.WOMEN: sum(1 for p in new if p.gender == "女"),
        rules.UNIONS: sum(1 for code, f in orgs_founded if f and start <= f <= end and code.startswith(code_prefix)),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_progress_equals_a_recount_of_a_generated_district(tmp_path, seed):
    district = make_district(tmp_path)
    people = populate(district, people=500, seed=seed)
    founded = district.conn.execute("SELECT unit_code, founded_on FROM organisations").fetchall()
    through = date(2026, 8, 31)
    p = targets.progress(district, 2026, through=through)
    assert p.unit.done == _recount(people, founded, 2026, through)
    for code in TOWNSHIP_CODES:
        (unit,) = [u for u in p.below if u.code == code]
        assert unit.done == _recount(people, founded, 2026, through, code)
    months = dict(p.months)
    assert list(months) == [f"2026-{m:02d}" for m in range(1, 9)]
    for key, n in months.items():
        assert n == sum(
            1
            for x in people
            if x.joined_on and x.joined_on.startswith(key) and x.status != "转出" and x.deleted_at is None
        )


def test_the_report_has_a_task_sheet_per_township(tmp_path):
    district = make_district(tmp_path)
    people = populate(district, people=300, seed=5)
    targets.set_target(district, year=2026, category="新会员", count=40, unit="500101001")
    targets.set_target(district, year=2026, category="农民工", count=20, unit="500101002")
    path = report.write_report(district, period="2026-Q2", out=tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(path)["任务完成情况"]
    header = [c.value for c in ws[3]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] and str(r[0]).isdigit()}
    founded = district.conn.execute("SELECT unit_code, founded_on FROM organisations").fetchall()
    through = date(2026, 6, 30)
    first = rows["500101001"]
    done = _recount(people, founded, 2026, through, "500101001")
    assert first[header.index("新会员目标")] == 40
    assert first[header.index("新会员完成")] == done[rules.MEMBERS]
    assert first[header.index("新会员完成率")] == pytest.approx(done[rules.MEMBERS] / 40)
    assert first[header.index("农民工完成率")] == "—"
    total = rows["500101"]
    assert total[1] == "测试区总工会合计"
    assert total[header.index("农民工目标")] == 20
    assert total[header.index("农民工完成")] == _recount(people, founded, 2026, through)[rules.MIGRANT]
    assert ws.page_setup.orientation == "landscape"


def test_cli_sets_and_lists_targets(tmp_path):
    district = make_district(tmp_path)
    populate(district, people=50, seed=3)
    district.close()
    runner = CliRunner()
    db = ["--db", str(tmp_path / "500101.db")]
    result = runner.invoke(
        main, [*db, "target", "set", "--year", "2026", "--category", "农民工", "--count", "830", "--unit", "500101001"]
    )
    assert result.exit_code == 0, result.output
    assert "830" in result.output
    result = runner.invoke(main, [*db, "target", "set", "--year", "2026", "--category", "男工", "--count", "1"])
    assert result.exit_code == 1 and "类别“男工”不认识" in result.output
    result = runner.invoke(main, [*db, "target", "list", "--year", "2026"])
    assert result.exit_code == 0
    assert "/830" in result.output and "500101001" in result.output


def test_charts_draw_bars_in_eighths():
    assert bar(0.5, 4) == "██░░"
    assert bar(1 / 16, 2) == "▏░"
    assert bar(1 / 8, 2) == "▎░"
    assert bar(3.0, 3) == "███"
    text = progress_text([rules.Progress(rules.MIGRANT, 830, 412), rules.Progress(rules.WOMEN, None, 3)], width=40)
    first, second = text.plain.splitlines()
    assert first.startswith("农民工") and "412/830" in first and "49.6%" in first and "█" in first
    assert "未定目标" in second
    chart = month_bars([("2026-01", 0), ("2026-02", 4), ("2026-03", 8)], height=2).plain.splitlines()
    assert chart[0] == "      ██"  # only March reaches the top row
    assert chart[1] == "   ██ ██"
    assert chart[2].split() == ["1", "2", "3"]


async def test_home_shows_this_years_progress(store, sample):
    year = FIXED_TODAY.year
    targets.set_target(store, year=year, category="新会员", count=10)
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        chart = rendered(app.screen.query_one("#targets", ProgressChart).content)
        done = targets.progress(store, year).unit.done[rules.MEMBERS]
        assert f"{done}/10" in chart and "新会员" in chart
        assert "目标任务完成情况" in rendered(app.screen.query_one("#targets-title", Static).content)


async def test_targets_screen_sets_a_target_and_refuses_bad_counts(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TargetsScreen)
        screen.query_one("#year", Input).value = "2025"
        screen.query_one("#category", Select).value = rules.MIGRANT
        count = screen.query_one("#count", Input)
        count.value = "八百"
        count.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "不是数字" in rendered(screen.query_one("#result", Static).content)
        assert targets.list_targets(store) == []
        count.value = "830"
        await pilot.press("ctrl+s")
        await pilot.pause()
        (saved,) = targets.list_targets(store)
        assert (saved.year, saved.category, saved.count) == (2025, rules.MIGRANT, 830)
        table = screen.query_one("#table", DataTable)
        row = table.get_row("500101001")
        migrant = targets.progress(store, 2025).unit.done[rules.MIGRANT]
        assert row[2].startswith(f"{migrant}/830")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_targets_screen_snapshot(snap_compare, tmp_path, monkeypatch):
    district = make_unit(tmp_path, "500101", "测试区总工会", "区县经办人")
    populate(district, people=200, seed=11)
    for code, n in zip(TOWNSHIP_CODES, (40, 30, 20), strict=True):
        targets.set_target(district, year=2026, category="新会员", count=n, unit=code)
        targets.set_target(district, year=2026, category="农民工", count=n // 2, unit=code)

    async def run_before(pilot):
        await pilot.press("t")
        await pilot.pause()
        pilot.app.screen.query_one("#year", Input).value = "2026"
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    monkeypatch.setattr(targets, "date", _Fixed)
    assert snap_compare(make_app(district.path, store=district), run_before=run_before, terminal_size=(80, 24))


class _Fixed(date):
    @classmethod
    def today(cls) -> _Fixed:
        return cls(2026, 9, 30)


def test_a_database_of_the_previous_version_gains_the_targets_table(tmp_path):
    # tests/old_databases/v1.sql: a township database the version-1 program wrote (make_old.py).
    path = tmp_path / "old.db"
    conn = sqlite.connect(path)
    conn.executescript((Path(__file__).parent / "old_databases" / "v1.sql").read_text(encoding="utf-8"))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    store = Store(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == db.schema_version()
        targets.set_target(store, year=2026, category="农民工", count=830)
        assert [t.count for t in targets.list_targets(store)] == [830]
        assert store.require_unit().name == "测试镇总工会"
    finally:
        store.close()
    assert any("migrate" in p.name for p in db.backup_dir(path).iterdir())


def test_the_task_sheet_has_native_charts_that_libreoffice_draws(tmp_path):
    import shutil
    import subprocess

    district = make_district(tmp_path)
    populate(district, people=200, seed=5)
    targets.set_target(district, year=2026, category="新会员", count=40, unit="500101001")
    path = report.write_report(district, period="2026", out=tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(path)["任务完成情况"]
    import zipfile

    assert len([n for n in zipfile.ZipFile(path).namelist() if n.startswith("xl/charts/chart")]) == 2
    header_rows = [r for r in ws.iter_rows(values_only=True) if r[0] == "月份"]
    assert header_rows and header_rows[0][3] == "类别"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext is not installed")
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True).stdout
    assert "2026 年目标完成率" in text and "2026 年每月新入会会员" in text  # chart titles, drawn
