"""Member form: validation as you type, what the ID tells, saving, duplicates, editing."""

from __future__ import annotations

from conftest import make_id
from sample import FIXED_TODAY, id_of, notifications, rendered, sample  # noqa: F401  (fixture)
from textual.widgets import Checkbox, Input, Select, Static

from clerk.registry import members
from clerk.tui.app import make_app
from clerk.tui.home import HomeScreen
from clerk.tui.members.member_detail import MemberDetailScreen
from clerk.tui.members.member_form import MemberFormScreen

NEW_ID = make_id("19900101", 22)  # 张小红's number: not in the sample


def shown(app, selector: str) -> str:
    """Text of a message line, '' when it is hidden."""
    widget = app.screen.query_one(selector, Static)
    return rendered(widget.content).strip() if widget.display else ""


async def open_form(pilot) -> MemberFormScreen:
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MemberFormScreen)
    assert pilot.app.focused.id == "name"
    return pilot.app.screen


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)
    await pilot.pause()


def member_count(store) -> int:
    return store.conn.execute("SELECT count(*) FROM members").fetchone()[0]


async def test_an_untouched_form_shows_no_errors(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        for key in ("name", "id_number", "phone", "joined_on"):
            assert shown(app, f"#{key}-error") == ""
        assert shown(app, "#derived") == ""


async def test_the_id_is_checked_as_it_is_typed_and_what_it_tells_is_shown(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "张小红")
        await pilot.press("tab")
        await type_text(pilot, NEW_ID[:16])
        assert shown(app, "#id_number-error") == "身份证号码应为 18 位，现在是 16 位。"
        assert shown(app, "#derived") == ""
        await type_text(pilot, NEW_ID[16:])
        assert shown(app, "#id_number-error") == ""
        assert shown(app, "#derived") == "性别 女 · 出生 1990-01-01 · 籍贯 重庆市万州区"
        await pilot.press("backspace")
        await type_text(pilot, "0" if NEW_ID[-1] != "0" else "1")
        assert "校验位不对" in shown(app, "#id_number-error")
        assert shown(app, "#derived") == ""


async def test_full_width_and_lowercase_ids_are_understood(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("tab")
        full_width = "".join(chr(ord(c) + 0xFEE0) for c in "50010119850315")
        await type_text(pilot, full_width + " 0" + make_id("19850315", 27)[15:].lower())
        assert shown(app, "#id_number-error") == ""
        assert shown(app, "#derived").startswith("性别 男 · 出生 1985-03-15")


async def test_a_bad_phone_shows_its_error_next_to_the_phone(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("tab", "tab")
        assert app.focused.id == "phone"
        await type_text(pilot, "1381234")
        assert shown(app, "#phone-error") == "手机号应为 11 位，以 13-19 开头，现在是 7 位。"
        await type_text(pilot, "5678")
        assert shown(app, "#phone-error") == ""
        app.screen.query_one("#phone", Input).value = ""
        await type_text(pilot, "68888888")
        assert "带区号的座机" in shown(app, "#phone-error")


async def test_saving_is_refused_until_the_errors_are_fixed(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        before = member_count(store)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MemberFormScreen)
        assert "请先改正标红的项目。" in notifications(app)
        assert shown(app, "#name-error") == "姓名不能为空。"
        assert shown(app, "#id_number-error") == "身份证号码不能为空。"
        await type_text(pilot, "张小红")
        await pilot.press("tab")
        await type_text(pilot, NEW_ID[:17] + ("1" if NEW_ID[-1] != "1" else "2"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MemberFormScreen)
        assert member_count(store) == before


async def test_a_valid_form_is_saved_with_what_the_id_tells(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_form(pilot)
        await type_text(pilot, "张小红")
        await pilot.press("tab")
        await type_text(pilot, NEW_ID.lower())
        await pilot.press("tab")
        await type_text(pilot, "139 0000 1111")
        form.query_one("#ethnicity", Select).value = "土家族"
        form.query_one("#new_form", Select).value = "家政服务员"
        form.query_one("#migrant", Checkbox).focus()
        await pilot.press("space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "已登记。" in notifications(app)
        saved = members.find_by_id_number(store, NEW_ID)
        assert saved is not None
        record = members.get(store, saved["id"])
        assert (record["name"], record["gender"], record["birth_date"]) == ("张小红", "女", "1990-01-01")
        assert record["phone"] == "13900001111" and record["ethnicity"] == "土家族"
        assert record["new_form"] == "家政服务员" and record["migrant"] == 1
        assert record["joined_on"] == FIXED_TODAY.isoformat()  # left empty: today
        assert members.history(store, saved["id"])[0].clerk == "测试经办人"


async def test_a_known_id_names_the_existing_record_and_opens_it(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "张叁")
        await pilot.press("tab")
        await type_text(pilot, id_of("张三").lower())
        box = app.screen.query_one("#duplicate")
        assert box.has_class("shown")
        text = shown(app, "#duplicate-text")
        assert "已登记为会员 张三" in text and f"编号 {sample['张三']}" in text
        before = member_count(store)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MemberFormScreen)
        assert member_count(store) == before
        assert any("已登记为会员 张三" in n for n in notifications(app))
        await pilot.click("#open-existing")
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        assert app.screen.member_id == sample["张三"]


async def test_escape_cancels_and_writes_nothing(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        before = member_count(store)
        await type_text(pilot, "张小红")
        await pilot.press("tab")
        await type_text(pilot, NEW_ID)
        await pilot.press("escape")  # a filled form asks first (tests/test_tui_member_actions.py)
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert member_count(store) == before


async def test_editing_a_member_from_the_detail_view(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_member(sample["李四"])
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MemberFormScreen)
        assert form.query_one("#name", Input).value == "李四"
        assert form.query_one("#id_number", Input).value == id_of("李四")
        assert shown(app, "#derived").startswith("性别 男 · 出生 1992-07-20")
        assert not form.query_one("#duplicate").has_class("shown")  # its own number is no duplicate
        assert form.query_one("#migrant", Checkbox).value is True
        phone = form.query_one("#phone", Input)
        phone.value = ""
        phone.focus()
        await type_text(pilot, "023-68888888")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        assert "已保存修改。" in notifications(app)
        assert members.get(store, sample["李四"])["phone"] == "023-68888888"
        assert "手机/电话：13812340015 → 023-68888888" in members.history(store, sample["李四"])[-1].summary


async def test_saving_while_another_clerk_program_writes_says_so_and_keeps_the_form(store, sample):
    from clerk.store import sqlite

    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "张小红")
        await pilot.press("tab")
        await type_text(pilot, NEW_ID)
        store.conn.execute("PRAGMA busy_timeout = 50")
        other = sqlite.connect(store.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another window in the middle of saving
        try:
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, MemberFormScreen)  # nothing typed is lost
            assert any("正被另一个 clerk 程序使用" in n for n in notifications(app))
        finally:
            other.execute("ROLLBACK")
            other.close()
        await pilot.press("ctrl+s")  # once the other program is done, the same save goes through
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert members.find_by_id_number(store, NEW_ID) is not None
