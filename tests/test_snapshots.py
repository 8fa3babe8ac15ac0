"""Snapshots of the main screens at 80x24 (update with `pytest --snapshot-update`, see tests/README.md).

The sample township and a frozen 'today' (sample.FIXED_TODAY) make every run draw the same screen.
"""

from __future__ import annotations

from conftest import make_id
from sample import id_of, sample  # noqa: F401  (fixture)
from textual.widgets import Input

from clerk.tui.app import make_app

SIZE = (80, 24)


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


async def steady(pilot) -> None:
    """No blinking cursor: a snapshot taken half a second later must look the same."""
    await pilot.pause()
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_home(snap_compare, store, sample):
    assert snap_compare(make_app(store.path, store=store), run_before=steady, terminal_size=SIZE)


def test_member_list(snap_compare, store, sample):
    async def run_before(pilot):
        await pilot.press("m")
        await steady(pilot)

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=SIZE)


def test_member_list_searching_by_pinyin_initials(snap_compare, store, sample):
    async def run_before(pilot):
        await pilot.press("m")
        await type_text(pilot, "zs")
        await steady(pilot)

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=SIZE)


def test_member_form_empty(snap_compare, store, sample):
    async def run_before(pilot):
        await pilot.press("n")
        await steady(pilot)

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=SIZE)


def test_member_form_with_derived_facts_and_an_error(snap_compare, store, sample):
    async def run_before(pilot):
        await pilot.press("n")
        await type_text(pilot, "张小红")
        await pilot.press("tab")
        await type_text(pilot, make_id("19900101", 22).lower())
        await pilot.press("tab")
        await type_text(pilot, "1381234")
        await steady(pilot)

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=SIZE)


def test_member_form_with_a_duplicate_id(snap_compare, store, sample):
    async def run_before(pilot):
        await pilot.press("n")
        await type_text(pilot, "张叁")
        await pilot.press("tab")
        await type_text(pilot, id_of("张三"))
        await steady(pilot)

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=SIZE)
