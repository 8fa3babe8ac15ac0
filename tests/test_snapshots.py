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


def _two_batches(store, tmp_path) -> None:
    """Two imports, the first undone, with fixed times and checksums so the screen is the same every run."""
    from roster_sample import HEADER, people, run, write_xlsx

    from clerk.importing import batches

    run(store, write_xlsx(tmp_path / "顺达快递公司花名册（2025年6月）.xlsx", {"s": [HEADER, *people(3)]}), commit=True)
    rows = [HEADER, *people(5)[3:], [9, "坏人", "12345", "", "", ""]]
    run(store, write_xlsx(tmp_path / "石桥机械厂.xlsx", {"s": rows}), commit=True)
    batches.undo(store, 1)
    with store.write():
        store.conn.execute(
            "UPDATE import_batches SET created_at = '2025-06-1' || id || 'T09:30:00', file_sha256 = 'c7f938f18dd0' || id"
            " || '0000000000000000000000000000000000000000000000000000',"
            " undone_at = CASE WHEN undone_at IS NULL THEN NULL ELSE '2025-06-14T10:00:00' END"
        )


def test_import_history_at_80x24_shows_which_batch_was_undone(snap_compare, store, sample, tmp_path):
    _two_batches(store, tmp_path)

    async def run_before(pilot):
        await pilot.press("b")
        await steady(pilot)

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=SIZE)


def test_import_column_drop_down_at_80x24_draws_every_choice(snap_compare, store, sample, tmp_path, monkeypatch):
    from roster_sample import HEADER, people, write_xlsx
    from textual.widgets import Select

    inbox = tmp_path / "imports"
    inbox.mkdir()
    monkeypatch.setenv("CLERK_IMPORTS", str(inbox))
    write_xlsx(inbox / "顺达.xlsx", {"快递员": [HEADER, *people(3)]})

    async def run_before(pilot):
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.screen.query(Select).last().focus()
        await pilot.press("enter")
        await steady(pilot)

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=SIZE)
