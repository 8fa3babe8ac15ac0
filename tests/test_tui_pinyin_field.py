"""The pinyin candidate row in the member form's name field: a name registered with no Chinese input method."""

from __future__ import annotations

import pytest
from conftest import make_id
from sample import notifications, rendered, sample, wait_until  # noqa: F401  (fixture)
from textual import events

from clerk.domain import checker, pinyin_input
from clerk.registry import members
from clerk.tui.app import make_app
from clerk.tui.home import HomeScreen
from clerk.tui.members.member_form import MemberFormScreen
from clerk.tui.widgets import PinyinField
from clerk.tui.widgets.pinyin_field import PICK_HINT

NEW_ID = make_id("19900101", 22)
pytestmark = pytest.mark.usefixtures("sample")  # the sample township: 张三, 李四, ...


@pytest.fixture(scope="module", autouse=True)
def _library_loaded():
    pinyin_input.library()  # once for the module: the field's worker then only counts the names


async def open_form(pilot) -> PinyinField:
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MemberFormScreen)
    field = pilot.app.screen.query_one("#name", PinyinField)
    await wait_until(pilot, lambda: field.engine is not None)
    return field


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)
    await pilot.pause()


def row_text(app) -> str:
    row = app.screen.query_one("CandidateRow")
    return rendered(row.render()).strip() if row.display else ""


async def test_zhangsan_picked_with_a_number_key_is_saved_as_chinese(store):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_form(pilot)
        await type_text(pilot, "zhangsan")
        assert field.value == "zhangsan"
        assert row_text(app).startswith("1 张三  2 ")
        await pilot.press("1")
        await pilot.pause()
        assert field.value == "张三"
        assert row_text(app) == ""  # nothing left to pick
        await pilot.press("tab")
        await type_text(pilot, NEW_ID)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen), notifications(app)
        saved = members.find_by_id_number(store, NEW_ID)
        assert saved is not None and members.get(store, saved["id"])["name"] == "张三"


async def pick(pilot, field: PinyinField, text: str) -> None:
    """Turn pages until text is shown, then press its number key."""
    index = next(i for i, c in enumerate(field.candidates) if c.text == text)
    while not field.page_starts[field.page] <= index < field.page_starts[field.page + 1]:
        await pilot.press("=")
    await pilot.press(str(index - field.page_starts[field.page] + 1))
    await pilot.pause()


async def test_surname_then_given_name_picked_one_by_one(store):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_form(pilot)
        await type_text(pilot, "ouyang nana")
        surname = next(i for i, c in enumerate(field.candidates) if c.text == "欧阳")
        assert surname < field.page_starts[1]  # the compound surname is on the first page
        await pick(pilot, field, "欧阳")
        assert field.value == "欧阳nana"  # the pick swallowed "ouyang " and left the rest
        await pick(pilot, field, "娜")
        assert field.value == "欧阳娜na"
        await pick(pilot, field, "娜")
        assert field.value == "欧阳娜娜"
        assert row_text(app) == ""


async def test_pages_turn_with_minus_equals_and_arrows(store):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_form(pilot)
        await type_text(pilot, "yi")
        first = row_text(app)
        assert first.startswith("1 ") and "=下页" in first
        await pilot.press("=")
        second = row_text(app)
        assert second.startswith("1 ") and second != first
        await pilot.press("-")
        assert row_text(app) == first
        await pilot.press("down")
        assert row_text(app) == second
        await pilot.press("up")
        assert row_text(app) == first
        await pilot.press("=", "2")
        await pilot.pause()
        assert field.value == second.split()[3]  # "1 X  2 Y ...": the second candidate of page two
        assert "-" not in field.value and "=" not in field.value


async def test_chinese_typed_or_pasted_is_left_alone(store):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_form(pilot)
        await type_text(pilot, "王建国")
        assert field.value == "王建国" and row_text(app) == ""
        field.value = ""
        field.post_message(events.Paste("李小红"))
        await pilot.pause()
        assert field.value == "李小红" and row_text(app) == ""
        field.value = ""
        await type_text(pilot, "Smith 3")  # capitals and digits: typed as they are, no candidates
        assert field.value == "Smith 3" and row_text(app) == ""


async def test_the_townships_own_names_come_first(store):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_form(pilot)
        await type_text(pilot, "ls")
        assert field.candidates[0].text == "李四"  # a member of the sample township


async def test_the_row_sits_under_the_field_at_80x24_and_goes_with_the_focus(store):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        field = await open_form(pilot)
        await type_text(pilot, "zhang")
        row = app.screen.query_one("CandidateRow")
        assert row.region.y == field.region.y + 1 and row.region.x == field.region.x
        assert row.region.right <= 80
        await pilot.press("tab")
        await pilot.pause()
        assert row_text(app) == ""
        assert field.value == "zhang"  # left as typed; the name rules say what to do with it
        await pilot.press("shift+tab")
        await pilot.pause()
        assert row_text(app).startswith("1 张")


async def test_a_refused_latin_name_points_to_the_candidates(store, monkeypatch):
    """The name rules (clerk.domain.names) refuse Latin letters for a mainland ID; the form adds how to pick."""
    real_check = checker.check_member

    def check(values):
        checked = real_check(values)
        if values["name"] == "zhangsan":
            checked.errors = {**checked.errors, "name": "姓名是拼音或外文字母。"}
        return checked

    monkeypatch.setattr(checker, "check_member", check)
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "zhangsan")
        await pilot.press("tab")
        await pilot.pause()
        error = app.screen.query_one("#name-error")
        assert rendered(error.render()).strip().replace("\n", "") == "姓名是拼音或外文字母。" + PICK_HINT
