"""The settings screen: the unit corrected while nothing has been exported, and the working folders."""

from __future__ import annotations

from sample import notifications
from textual.widgets import Input, Static

from clerk.store import folders
from clerk.sync import export as sync_export
from clerk.tui.app import make_app
from clerk.tui.settings_screen import SettingsScreen
from clerk.tui.setup_screen import SetupScreen

SIZE = (80, 24)


async def open_settings(app, pilot) -> SettingsScreen:
    app.action_settings()
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_a_wrong_code_is_corrected_from_the_settings(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        assert "重庆市万州区" in text(screen, "#code-hint") and "可以在这里改正" in text(screen, "#code-hint")
        screen.query_one("#code", Input).value = "999999001"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "不是已知的区县行政区划代码" in text(screen, "#error")
        screen.query_one("#code", Input).value = "500102003"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "设置已保存。" in notifications(app)
        assert store.require_unit().code == "500102003"
        assert store.conn.execute("SELECT count(*) FROM members WHERE unit_code = '500102003'").fetchone()[0] == 6
        await pilot.press("escape")  # saved: nothing to ask about
        await pilot.pause()
        assert not isinstance(app.screen, SettingsScreen)


async def test_after_an_export_the_code_is_locked_and_says_why(store, sample, tmp_path):
    sync_export.export(store, out_dir=tmp_path)
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        assert screen.query_one("#code", Input).disabled
        assert "不能再改" in text(screen, "#code-hint")


async def test_choose_the_exports_folder(store, sample, tmp_path, monkeypatch):
    monkeypatch.delenv("CLERK_EXPORTS", raising=False)
    chosen = tmp_path / "报表和同步文件"
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        screen.query_one("#exports", Input).value = str(chosen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert folders.locate(store, folders.EXPORTS).path == chosen and chosen.is_dir()
        assert str(chosen) in text(screen, "#exports-hint")


async def test_first_run_names_the_region_of_the_code_and_refuses_an_unknown_one(db_path):
    from clerk.store.store import Store

    store = Store(db_path)
    app = make_app(db_path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        for char in "500101001":
            await pilot.press(char)
        assert "重庆市万州区" in text(app.screen, "#code-error")
        app.screen.query_one("#code", Input).value = "999999001"
        await pilot.pause()
        assert "不是已知的区县行政区划代码" in text(app.screen, "#code-error")
