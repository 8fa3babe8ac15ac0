"""The import wizard and the batch history, driven by Pilot as a clerk would at 80x24."""

from __future__ import annotations

import pytest
from conftest import make_id
from roster_sample import HEADER, people, write_xlsx
from textual.widgets import DataTable, OptionList, Select, Static

from clerk.importing import batches as import_batches
from clerk.tui.app import make_app

SIZE = (80, 24)


@pytest.fixture
def inbox(tmp_path, monkeypatch):
    folder = tmp_path / "imports"
    folder.mkdir()
    monkeypatch.setenv("CLERK_IMPORTS", str(folder))
    return folder


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_pick_preview_commit_and_report(store, inbox, tmp_path):
    rows = [["顺达快递花名册"], HEADER, *people(4), [5, "坏人", "12345", "", "", ""], people(1)[0]]
    write_xlsx(inbox / "顺达.xlsx", {"快递员": rows})
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        files = app.screen.query_one("#files", OptionList)
        assert files.option_count == 1 and files.get_option_at_index(0).prompt == "顺达.xlsx"
        await pilot.press("enter")  # the highlighted file
        await settle(app, pilot)
        assert "核对列" in text(app, "#step")
        info = text(app, "#scan-info")
        assert "顺达.xlsx" in info and "表头第 2 行" in info
        assert app.screen.query_one("#col-0-2", Select).value == "id_number"

        await pilot.click("#validate")
        await settle(app, pilot)
        assert "预览" in text(app, "#step")
        assert text(app, "#counts").startswith("新入会 4 · 更新 0 · 已是会员 0 · 重复 1 · 未导入 1")
        table = app.screen.query_one("#problems", DataTable)
        assert table.row_count == 2
        assert [table.get_row_at(i)[3] for i in range(2)] == ["未导入", "重复"]

        await pilot.click("#commit")
        await settle(app, pilot)
        assert "完成" in text(app, "#step")
        assert "已导入“顺达.xlsx”（批次 #1）：新入会 4 人，重复 1 行，未导入 1 行。" in text(app, "#result-text")
        assert store.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 4

        await pilot.click("#report")
        await pilot.pause()
        assert "错误报告已写到" in text(app, "#status")
        assert list((tmp_path / "exports").glob("顺达-错误报告-批次1.xlsx"))


async def test_a_column_corrected_in_the_wizard(store, inbox):
    rows = [["姓名", "身份证号码", "号码1"], ["张三", make_id(seq=1), "13800000001"]]
    write_xlsx(inbox / "r.xlsx", {"s": rows})
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.press("enter")
        await settle(app, pilot)
        select = app.screen.query_one("#col-0-2", Select)
        assert select.value == "ignore"
        select.value = "phone"
        await pilot.pause()
        await pilot.click("#save-mapping")
        await pilot.pause()
        assert "已保存 1 个工作表的列对应" in text(app, "#status")
        await pilot.click("#validate")
        await settle(app, pilot)
        await pilot.click("#commit")
        await settle(app, pilot)
        assert store.conn.execute("SELECT phone FROM members").fetchone()[0] == "13800000001"


async def test_a_refused_file_is_explained_in_the_wizard(store, inbox):
    (inbox / "坏.xlsx").write_bytes(b"%PDF-1.4")
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "PDF" in text(app, "#status")
        assert app.screen.query_one("#pick").display


async def test_batch_history_shows_batches_and_undoes_one_after_confirming(store, inbox, tmp_path):
    from roster_sample import run

    _, result = run(store, write_xlsx(tmp_path / "a.xlsx", {"s": [HEADER, *people(3)]}), commit=True)
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        table = app.screen.query_one("#batches", DataTable)
        assert (
            table.row_count == 1
            and table.get_row_at(0)[0] == f"#{result.batch_id}"
            and table.get_row_at(0)[2] == "已导入"
            and table.get_row_at(0)[3] == "a.xlsx"
        )
        detail = text(app, "#detail-text")
        assert "文件校验码" in detail and "新入会 3" in detail and "B 姓名→姓名" in detail
        await pilot.press("u")
        await pilot.pause()
        assert "撤销批次 #1" in str(app.screen.query_one(Static).render())
        await pilot.click("#yes")
        await settle(app, pilot)
        assert "已撤销批次 #1" in text(app, "#status")
        assert table.get_row_at(0)[2] == "已撤销"
        assert import_batches.get(store, 1)["status"] == "undone"
        assert store.conn.execute("SELECT count(*) FROM members WHERE deleted_at IS NULL").fetchone()[0] == 0


async def test_both_screens_are_in_the_command_palette(store):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "导入花名册" in titles and "导入记录" in titles
        app.action_batches()
        await pilot.pause()
        assert "还没有导入过花名册" in text(app, "#detail-text")
