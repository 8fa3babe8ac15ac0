"""One organisation picker per field, whatever arrives: an input method's burst of keys, a paste
arriving as keys or as one paste, committed text. Every field that picks a union is tried."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, OptionList

from clerk.domain import uscc
from clerk.registry import organisations
from clerk.tui.app import make_app
from clerk.tui.orgs.org_picker import OrgField, OrgPickerScreen

SIZE = (80, 24)
CODE = uscc.with_check_digit("91500000MA5U7ABC1")


async def open_member_form(app, pilot):
    app.action_add_member()
    await pilot.pause()
    return app.screen.query_one("#org_id", OrgField)


async def open_wizard(app, pilot):
    app.action_import_roster()
    await pilot.pause()
    return app.screen.query_one("#org", OrgField)


async def open_transfer_dialog(app, pilot):
    member_id = app.store.conn.execute("SELECT id FROM members WHERE name = '曾志伟'").fetchone()[0]
    app.open_member(member_id)
    await pilot.pause()
    await pilot.press("t")
    await pilot.pause()
    return app.screen.query_one("#target", OrgField)


async def open_org_form(app, pilot):
    app.action_add_org()
    await pilot.pause()
    return app.screen.query_one("#parent_id", OrgField)


async def open_transfer_in(app, pilot):
    app.action_transfer_in()
    await pilot.pause()
    return app.screen.query_one("#to", OrgField)


FIELDS = [open_member_form, open_wizard, open_transfer_dialog, open_org_form, open_transfer_in]


def pickers(app) -> list[OrgPickerScreen]:
    return [s for s in app.screen_stack if isinstance(s, OrgPickerScreen)]


async def arrive(app, pilot, field, *incoming: events.Event) -> OrgPickerScreen:
    """Focus the field, then let everything arrive at once, as a terminal delivers one read."""
    field.focus()
    await pilot.pause()
    for event in incoming:
        app.post_message(event)
    await pilot.pause()
    await pilot.pause()
    assert len(pickers(app)) == 1, f"{len(pickers(app))} pickers are open"
    return pickers(app)[0]


def keys(text: str) -> list[events.Key]:
    return [events.Key(char, char) for char in text]


def query(picker: OrgPickerScreen) -> str:
    return picker.query_one("#query", Input).value


@pytest.fixture
def coded(store, sample):
    """The sample's 顺达 union with a credit code, to be found by pasting it."""
    org_id = store.conn.execute("SELECT id FROM organisations WHERE name = '顺达快递公司工会'").fetchone()[0]
    values = organisations.form_values(organisations.get(store, org_id))
    organisations.update(store, org_id, {**values, "uscc": CODE, "kind": "企业工会"})
    return org_id


@pytest.mark.parametrize("open_field", FIELDS, ids=lambda f: f.__name__.removeprefix("open_"))
async def test_an_input_method_burst_filters_one_picker(store, sample, open_field):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        field = await open_field(app, pilot)
        picker = await arrive(app, pilot, field, *keys("石桥"))
        assert query(picker) == "石桥"
        options = picker.query_one(OptionList)
        assert [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)] == ["石桥机械厂工会"]
        await pilot.press("escape")  # one Esc leaves the picker
        await pilot.pause()
        assert not pickers(app)


@pytest.mark.parametrize("open_field", FIELDS, ids=lambda f: f.__name__.removeprefix("open_"))
async def test_a_pasted_credit_code_as_keys_is_one_picker_that_finds_the_union(store, coded, open_field):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        field = await open_field(app, pilot)
        picker = await arrive(app, pilot, field, *keys(CODE))
        assert query(picker) == CODE
        await pilot.press("enter")
        await pilot.pause()
        assert not pickers(app) and field.value == coded


@pytest.mark.parametrize("open_field", FIELDS, ids=lambda f: f.__name__.removeprefix("open_"))
async def test_a_bracketed_paste_opens_one_picker_with_the_text(store, coded, open_field):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        field = await open_field(app, pilot)
        picker = await arrive(app, pilot, field, events.Paste(f" {CODE}\n"), *keys("x"))
        assert query(picker) == CODE + "x"


async def test_keys_after_the_picker_opened_still_go_to_its_search(store, sample):
    """A slow typist: the picker opened on the first key; the rest are typed into it."""
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        field = await open_member_form(app, pilot)
        field.focus()
        await pilot.press("顺")
        await pilot.pause()
        await pilot.press("达")
        picker = pickers(app)[0]
        assert len(pickers(app)) == 1 and query(picker) == "顺达"
        await pilot.press("enter")
        await pilot.pause()
        assert field.value == sample_org(store, "顺达快递公司工会")


def sample_org(store, name: str) -> int:
    return store.conn.execute("SELECT id FROM organisations WHERE name = ?", (name,)).fetchone()[0]
