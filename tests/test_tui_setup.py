"""First-run setup screen: the township (or district) and the clerk, typed once."""

from __future__ import annotations

from sample import notifications, rendered
from textual.widgets import Input, Static

from clerk.store.store import Store
from clerk.tui.app import make_app
from clerk.tui.home import HomeScreen
from clerk.tui.setup_screen import SetupScreen


def error_text(app, key: str) -> str:
    return rendered(app.screen.query_one(f"#{key}-error", Static).content).strip()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


async def without_passphrase(pilot) -> None:
    """Saving with the passphrase left empty asks once more (test_tui_passphrase): no encryption."""
    await pilot.pause()
    await pilot.click("#skip")
    await pilot.pause()


async def test_a_new_database_opens_on_the_setup_screen_with_the_code_focused(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert app.focused is app.screen.query_one("#code", Input)
        await type_text(pilot, "500101001")
        assert app.screen.query_one("#code", Input).value == "500101001"


async def test_a_bad_code_shows_its_error_as_it_is_typed(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "12345")
        await pilot.pause()
        assert "单位代码应为 9 位数字（乡镇/街道）或 6 位数字（区县）" in error_text(app, "code")
        assert error_text(app, "name") == ""  # untouched fields stay quiet
        await type_text(pilot, "6")  # six digits: a district code, in a known province
        await pilot.pause()
        assert error_text(app, "code") == "天津市"  # no complaint: the region the code names


async def test_letters_can_not_be_typed_into_the_code(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "50a01b")
        assert app.screen.query_one("#code", Input).value == "5001"


async def test_saving_with_missing_fields_shows_every_error_and_writes_nothing(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "5001")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert "9 位数字" in error_text(app, "code")
        assert "请填写单位名称" in error_text(app, "name")
        assert "请填写经办人姓名" in error_text(app, "clerk")
        assert app.store.unit is None


async def test_typing_the_three_fields_with_enter_saves_and_opens_home(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "500101001")
        await pilot.press("enter")  # to the name
        assert app.focused.id == "name"
        await type_text(pilot, "示范镇总工会")
        await pilot.press("enter")
        await type_text(pilot, "李华")
        await pilot.press("enter")  # on to the passphrase, typed twice; enter on the second saves
        assert app.focused.id == "first"  # the passphrase
        await pilot.press("enter")
        await pilot.press("enter")
        await without_passphrase(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.sub_title == "示范镇总工会 · 经办人 李华"
        unit_line = rendered(app.screen.query_one("#unit", Static).content)
        assert "示范镇总工会（乡镇(街道) 500101001）" in unit_line
    reopened = Store(db_path)
    try:
        unit = reopened.require_unit()
        assert (unit.code, unit.name, unit.clerk) == ("500101001", "示范镇总工会", "李华")
    finally:
        reopened.close()


async def test_a_district_is_set_up_with_a_six_digit_code(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "500101")
        await pilot.click("#name")
        await type_text(pilot, "万州区总工会")
        await pilot.click("#clerk")
        await type_text(pilot, "王芳")
        await pilot.press("ctrl+s")
        await without_passphrase(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "区县总工会 500101" in rendered(app.screen.query_one("#unit", Static).content)


async def test_screens_are_out_of_reach_until_set_up(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_members()
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert "请先完成首次设置。" in notifications(app)


async def test_saving_while_another_clerk_program_writes_says_so(db_path):
    from clerk.store import sqlite

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "500101001")
        await pilot.press("tab")
        await type_text(pilot, "示范镇总工会")
        await pilot.press("tab")
        await type_text(pilot, "李华")
        app.store.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite.connect(db_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await pilot.press("ctrl+s")
            await without_passphrase(pilot)
            assert isinstance(app.screen, SetupScreen)
            assert any("正被另一个 clerk 程序使用" in n for n in notifications(app))
        finally:
            other.execute("ROLLBACK")
            other.close()
        await pilot.press("ctrl+s")
        await without_passphrase(pilot)
        assert isinstance(app.screen, HomeScreen)
