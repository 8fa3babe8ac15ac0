"""The command palette in Chinese: placeholder, no-match text, pinyin initials and full pinyin,
and only the commands that fit the unit."""

from __future__ import annotations

import pytest
from sample import wait_until
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from clerk.registry import setup
from clerk.store.store import Store
from clerk.tui.app import make_app
from clerk.tui.importing.batch_history import BatchHistoryScreen

SIZE = (80, 24)


def shown(app) -> list[str]:
    options = app.screen.query_one(CommandList)
    prompts = [options.get_option_at_index(i).prompt for i in range(options.option_count)]
    return [str(getattr(p, "renderable", p)) for p in prompts]  # the no-match line is centred text


async def search(app, pilot, typed: str) -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    for char in typed:
        await pilot.press(char)
    await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
    await pilot.pause(0.1)  # the rest of the hits
    return shown(app)


@pytest.mark.parametrize("typed", ["dr", "daoru", "DR", "drjl"])
async def test_pinyin_finds_the_import_commands(store, sample, typed):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        found = await search(app, pilot, typed)
        assert any("导入记录" in line for line in found)
        if typed != "drjl":
            assert any("导入花名册" in line for line in found)
        assert not any("会员名册" in line for line in found)


async def test_enter_on_a_pinyin_hit_opens_the_screen(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await search(app, pilot, "drjl")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BatchHistoryScreen)


async def test_placeholder_and_no_match_text_are_chinese(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert "拼音首字母" in app.screen.query_one(Input).placeholder
        for char in "xyzq":
            await pilot.press(char)
        await wait_until(pilot, lambda: shown(app) == ["没有相符的命令。可以输入中文名称、拼音首字母或全拼。"])
        assert not any("No matches" in line for line in shown(app))


async def test_a_township_is_not_offered_the_district_commands(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert "导出同步文件" in titles
        assert not titles & {"合并同步文件", "冲突处理"}


async def test_a_district_is_offered_merge_and_conflicts(tmp_path):
    store = Store(tmp_path / "district.db")
    setup.set_up(store, "500101", "测试区总工会", "区经办人")
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"合并同步文件", "冲突处理"} <= titles
