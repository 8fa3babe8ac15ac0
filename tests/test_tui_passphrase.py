"""The passphrase screens: set it twice at first run, the warning when it is skipped, the recovery
key to print, the unlock screen at start (a wrong passphrase says so and changes nothing), the demo."""

from __future__ import annotations

import pytest
from conftest import UNIT
from sample import rendered
from textual.widgets import Input, Static

from clerk.registry import demo, setup
from clerk.store import encryption, keys
from clerk.store.store import Store
from clerk.tui.app import make_app
from clerk.tui.home import HomeScreen
from clerk.tui.passphrase import RecoveryKeyScreen, SkipDialog, UnlockScreen
from clerk.tui.setup_screen import SetupScreen

PASSPHRASE = "村口的老槐树开花了"


@pytest.fixture(autouse=True)
def _forget_keys():
    keys._unlocked.clear()
    keys.set_unlocker(None)
    yield
    keys._unlocked.clear()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


async def fill_unit(pilot) -> None:
    await type_text(pilot, UNIT[0])
    await pilot.press("enter")
    await type_text(pilot, UNIT[1])
    await pilot.press("enter")
    await type_text(pilot, UNIT[2])
    await pilot.press("enter")  # on to the passphrase


def text_of(app, selector: str) -> str:
    return rendered(app.screen.query_one(selector, Static).content)


async def test_first_run_asks_for_the_passphrase_twice_then_shows_the_recovery_key(db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "exports"))
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await fill_unit(pilot)
        assert app.focused.id == "first" and app.focused.password
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        assert app.focused.id == "second" and app.focused.password
        await type_text(pilot, PASSPHRASE[:-1] + "谢")  # a slip on the second typing
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert "两次输入的口令不一致" in text_of(app, "#passphrase-error")
        assert not keys.is_encrypted(db_path)
        second = app.screen.query_one("#second", Input)
        second.value = ""
        second.focus()
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecoveryKeyScreen)
        recovery = app.screen.recovery
        assert recovery.text.split("-")[0] in text_of(app, "#key")
        sheet = app.screen.sheet
        assert sheet.exists() and recovery.text.split("-")[4] in sheet.read_text(encoding="utf-8")
        await pilot.click("#done")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "已加密" in text_of(app, "#security")
    assert keys.is_encrypted(db_path)
    keys._unlocked.clear()
    keys.unlock(db_path, PASSPHRASE)
    store = Store(db_path)
    assert store.require_unit().name == UNIT[1]
    store.close()


async def test_a_short_passphrase_is_refused_as_it_is_typed(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await fill_unit(pilot)
        await type_text(pilot, "1234")
        await pilot.press("enter")
        await type_text(pilot, "1234")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert "口令至少要 8 个字符" in text_of(app, "#passphrase-error")
        assert not keys.is_encrypted(db_path)


async def test_skipping_the_passphrase_warns_and_can_go_back(db_path):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await fill_unit(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SkipDialog)
        assert "任何拿到这台电脑" in text_of(app, "#warning")
        assert app.focused.id == "back"  # the safe choice is the default
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert app.store.unit is None
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#skip")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "没有加密" in text_of(app, "#security")
    assert not keys.is_encrypted(db_path)


def encrypted_database(db_path) -> None:
    encryption.encrypt_new(db_path, PASSPHRASE)
    store = Store(db_path)
    setup.set_up(store, *UNIT)
    store.close()
    keys._unlocked.clear()


async def test_the_app_asks_for_the_passphrase_at_start(db_path):
    encrypted_database(db_path)
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.focused.id == "passphrase" and app.focused.password
        app.action_members()  # nothing is reachable before the unlock
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.sub_title.startswith(UNIT[1])


async def test_a_wrong_passphrase_says_so_and_leaves_the_files_untouched(db_path):
    encrypted_database(db_path)
    files = sorted(p for p in db_path.parent.iterdir() if p.is_file())
    before = {p: p.read_bytes() for p in files}
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_text(pilot, "我记错了口令吧")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert "口令不对" in text_of(app, "#error") and "没有任何改动" in text_of(app, "#error")
        assert app.screen.query_one("#passphrase", Input).value == ""
        assert {p: p.read_bytes() for p in files} == before
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_demo_says_it_is_the_demo_and_not_encrypted(tmp_path):
    store = Store(tmp_path / "demo.db")
    demo.build(store, count=20)
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        line = text_of(app, "#security")
        assert "演示数据库" in line and "不加密" in line
