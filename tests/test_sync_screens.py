"""The export, merge, conflicts and report screens driven as a clerk would, with Pilot."""

from __future__ import annotations

import shutil

import openpyxl
from sync_world import make_district, make_township, register
from textual.widgets import Button, DataTable, Input, SelectionList, Static

from clerk.store.store import Store
from clerk.sync import export as sync_export
from clerk.sync import merge as sync_merge
from clerk.sync import reader as sync_file
from clerk.tui.app import make_app
from clerk.tui.reports.report_screen import ReportScreen
from clerk.tui.sync.conflict_dialog import ConflictDialog
from clerk.tui.sync.conflicts_screen import ConflictsScreen
from clerk.tui.sync.export_screen import ExportScreen
from clerk.tui.sync.merge_screen import MergeScreen


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def _settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_export_screen_writes_the_file_and_shows_where(tmp_path):
    store, orgs = make_township(tmp_path)
    register(store, 1, orgs[1])
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, ExportScreen)
        assert "4 条修改待导出" in _text(app.screen, "#pending")
        app.screen.query_one("#password", Input).value = "口令123"
        await pilot.press("ctrl+e")
        await _settle(app, pilot)
        written = list((tmp_path / "exports").glob("500101001_*.xlsx"))
        assert len(written) == 1
        assert str(written[0]) in _text(app.screen, "#result")
        assert "之后没有新的修改" in _text(app.screen, "#pending")
        assert len(sync_file.read(written[0], "口令123").members) == 1
        # Again with nothing new: says so, writes nothing.
        app.screen.query_one("#password", Input).value = ""
        await pilot.press("ctrl+e")
        await _settle(app, pilot)
        assert "没有新的修改" in _text(app.screen, "#result")
        assert len(list((tmp_path / "exports").glob("*.xlsx"))) == 1


async def test_merge_screen_merges_the_inbox_and_lists_each_file(tmp_path, monkeypatch):
    inbox = tmp_path / "imports"
    inbox.mkdir()
    monkeypatch.setenv("CLERK_IMPORTS", str(inbox))
    a, a_orgs = make_township(tmp_path, 0)
    b, b_orgs = make_township(tmp_path, 1)
    register(a, 3, a_orgs[1])
    register(b, 3, b_orgs[1])
    for s in (a, b):
        shutil.copy(sync_export.export(s, out_dir=tmp_path / "out").path, inbox)
    (inbox / "名单.xlsx").write_bytes(b"not a workbook")
    district = make_district(tmp_path)
    app = make_app(district.path, store=district)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, MergeScreen)
        assert len(app.screen.query_one(SelectionList).selected) == 3
        await pilot.press("ctrl+e")
        await _settle(app, pilot)
        table = app.screen.query_one("#results", DataTable)
        results = [tuple(table.get_row_at(i)[:2]) for i in range(table.row_count)]
        assert ("名单.xlsx", "未合并") in results
        assert sum(1 for _, status in results if status == "已合并") == 2
        summary = _text(app.screen, "#summary")
        assert "已合并 2 个文件" in summary and "新增冲突 1 条" in summary
        assert str(app.screen.query_one("#conflicts", Button).label) == "冲突处理（1）"


async def test_conflicts_screen_resolves_as_a_transfer(tmp_path):
    district = make_district(tmp_path)
    a, a_orgs = make_township(tmp_path, 0)
    b, b_orgs = make_township(tmp_path, 1)
    register(a, 3, a_orgs[1], joined_on="2024-01-01")
    register(b, 3, b_orgs[1], joined_on="2026-01-01")
    sync_merge.merge(district, [sync_export.export(s, out_dir=tmp_path / "out").path for s in (a, b)])
    app = make_app(district.path, store=district)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_conflicts()
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictDialog)
        await pilot.click("#transfer")
        await pilot.pause()
        assert isinstance(app.screen, ConflictsScreen)
        assert app.screen.query_one(DataTable).row_count == 0
        assert "没有待处理的冲突" in _text(app.screen, "#status")
        await pilot.press("a")
        assert app.screen.query_one(DataTable).row_count == 1
    statuses = dict(Store(district.path).conn.execute("SELECT unit_code, status FROM members").fetchall())
    assert statuses == {"500101001": "转出", "500101002": "在册"}


async def test_report_screen_writes_the_workbook(tmp_path):
    store, orgs = make_township(tmp_path)
    register(store, 1, orgs[1], joined_on="2026-02-01")
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, ReportScreen)
        period = app.screen.query_one("#period", Input)
        period.value = "2026-13"
        await pilot.press("enter")
        await pilot.pause()
        assert "看不懂" in _text(app.screen, "#result")
        period.value = "2026-Q1"
        await pilot.press("enter")
        await _settle(app, pilot)
        path = tmp_path / "exports" / "500101001_统计报表_2026-Q1.xlsx"
        assert path.exists() and str(path) in _text(app.screen, "#result")
    assert openpyxl.load_workbook(path)["汇总"]["E4"].value == 1


async def test_township_cannot_merge(tmp_path):
    store, _ = make_township(tmp_path)
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_merge_sync()
        await pilot.pause()
        assert app.screen.query_one("#merge", Button).disabled
        assert "区县总工会的数据库" in _text(app.screen, "#summary")
