"""The statistics report of a PostgreSQL hub: the same figures as SQLite; a city's per district."""

from __future__ import annotations

import openpyxl
import pytest
from hub_pg import hub_url, pg_admin, pg_server_url  # noqa: F401
from sync_world import make_district, make_township, make_unit, register

from clerk.hub import report as hub_report
from clerk.hub import service as hub
from clerk.reports import statistics as report
from clerk.sync import export as sync_export
from clerk.sync import merge as sync_merge

PERIOD = report.parse_period("2026")


def _town(tmp_path, index, people, **extra):
    store, orgs = make_township(tmp_path, index)
    for i, seq in enumerate(people):
        register(store, seq, orgs[1 + i % 2], migrant=i % 2, new_form=["快递员", "外卖送餐员", ""][i % 3], **extra)
    return store


def _export(store, tmp_path):
    return sync_export.export(store, out_dir=tmp_path / "exports").path


def test_hub_figures_equal_the_sqlite_district_figures(tmp_path, hub_url):
    files = [_export(_town(tmp_path, 0, range(1, 12)), tmp_path), _export(_town(tmp_path, 1, range(50, 58)), tmp_path)]
    district = make_district(tmp_path)
    sync_merge.merge(district, files)
    h = hub.init(hub_url, "500101", "测试区总工会", "区县经办人")
    hub.merge(h, files)
    assert hub_report.figures(hub_report.ReportSource(h), PERIOD) == report.figures(district, PERIOD)
    h.close()


def test_city_report_per_district_and_township(tmp_path, hub_url):
    # District 500101 sends one file for its two townships; 500102003 sends its own.
    district = make_district(tmp_path)
    sync_merge.merge(
        district,
        [_export(_town(tmp_path, 0, range(1, 7)), tmp_path), _export(_town(tmp_path, 1, range(20, 24)), tmp_path)],
    )
    up = sync_export.export(district, out_dir=tmp_path / "up").path
    far = make_unit(tmp_path, "500102003", "远山镇总工会", "远山经办人")
    for seq in range(40, 43):
        register(far, seq, new_form="快递员")
    city = hub.init(hub_url, "5001", "测试市总工会", "市经办人")
    hub.merge(city, [up, _export(far, tmp_path)])

    path = hub_report.write_report(city, period="2026", out=tmp_path / "city.xlsx")
    book = openpyxl.load_workbook(path)
    summary = book["汇总"]
    rows = [[c.value for c in r] for r in summary.iter_rows(min_row=4, max_col=5) if isinstance(r[2].value, int)]
    assert [r[:3] for r in rows] == [
        ["500101", "测试区总工会（小计）", 10],
        ["500101001", "青山镇总工会", 6],
        ["500101002", "石桥镇总工会", 4],
        ["500102", "500102 区县（小计）", 3],
        ["500102003", "远山镇总工会", 3],
        ["5001", "测试市总工会合计", 13],
    ]
    assert "市级" in summary["A2"].value or "测试市总工会" in summary["A2"].value
    categories = book["农民工和新就业形态"]
    header = [c.value for c in categories[3]]
    couriers = header.index("快递员")
    total_row = [c.value for c in categories[3 + len(rows)]]
    assert total_row[0] == "测试市总工会合计"
    # 青山 2 of 6, 石桥 2 of 4 (every third is a courier, starting with the first), 远山 3: counted once.
    assert total_row[couriers] == 2 + 2 + 3
    city.close()


def _sheet_cells(path, sheet):
    ws = openpyxl.load_workbook(path)[sheet]
    # Row 2 carries the time the report was made: everything else must be the same.
    return [[c.value for c in row] for i, row in enumerate(ws.iter_rows(), start=1) if i != 2]


def test_targets_on_the_hub_give_the_same_report_as_sqlite(tmp_path, hub_url):
    from clerk.reports import targets

    files = [_export(_town(tmp_path, 0, range(1, 12)), tmp_path), _export(_town(tmp_path, 1, range(50, 58)), tmp_path)]
    district = make_district(tmp_path)
    sync_merge.merge(district, files)
    h = hub.init(hub_url, "500101", "测试区总工会", "区县经办人")
    hub.merge(h, files)
    source = hub_report.ReportSource(h)
    for where in (district, source):
        targets.set_target(where, year=2026, category="新会员", count=8, unit="500101001")
        targets.set_target(where, year=2026, category="农民工", count="4", unit="500101002")
        targets.set_target(where, year=2026, category="新建工会", count=3)
    sqlite_path = report.write_report(district, period="2026", out=tmp_path / "sqlite.xlsx")
    hub_path = hub_report.write_report(h, period="2026", out=tmp_path / "hub.xlsx")
    for sheet in openpyxl.load_workbook(sqlite_path).sheetnames:
        assert _sheet_cells(sqlite_path, sheet) == _sheet_cells(hub_path, sheet), sheet
    tasks = _sheet_cells(hub_path, "任务完成情况")
    header = tasks[1]
    first = next(r for r in tasks if r[0] == "500101001")
    assert first[header.index("新会员目标")] == 8 and first[header.index("新会员完成")] == 11
    h.close()


def test_a_city_sets_targets_for_its_districts_only(tmp_path, hub_url):
    from clerk.reports import targets
    from clerk.store.store import ServiceError

    far = make_unit(tmp_path, "500102003", "远山镇总工会", "远山经办人")
    for seq in range(40, 45):
        register(far, seq, migrant=1)
    city = hub.init(hub_url, "5001", "测试市总工会", "市经办人")
    hub.merge(city, [_export(far, tmp_path)])
    source = hub_report.ReportSource(city)
    targets.set_target(source, year=2026, category="农民工", count=10, unit="500102")
    with pytest.raises(ServiceError, match="区县"):
        targets.set_target(source, year=2026, category="农民工", count=10, unit="500102003")
    p = targets.progress(source, 2026)
    (district,) = [u for u in p.below if u.code == "500102"]
    assert district.targets == {"农民工": 10} and district.done["农民工"] == 5
    path = hub_report.write_report(city, period="2026", out=tmp_path / "city.xlsx")
    tasks = _sheet_cells(path, "任务完成情况")
    row = next(r for r in tasks if r[0] == "500102")
    header = tasks[1]
    assert row[header.index("农民工目标")] == 10 and row[header.index("农民工完成")] == 5
    assert row[header.index("农民工完成率")] == 0.5
    city.close()
