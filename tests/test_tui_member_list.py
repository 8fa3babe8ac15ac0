"""Member list: search as you type (ID prefix, name, pinyin), masked IDs, paging, opening a member."""

from __future__ import annotations

from conftest import make_id
from sample import PEOPLE, id_of, rendered, sample  # noqa: F401  (fixture)
from textual.widgets import DataTable, Input, Static

from clerk.domain import idcard
from clerk.registry import members
from clerk.tui.app import make_app
from clerk.tui.members.member_detail import MemberDetailScreen
from clerk.tui.members.member_list import PAGE, MemberListScreen


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def names_shown(app) -> list[str]:
    return [row[0] for row in table_rows(app)]


def status_line(app) -> str:
    return rendered(app.screen.query_one("#status", Static).content).strip()


async def search_for(pilot, text: str) -> None:
    """Clear the search box, then type text one key at a time as a clerk would."""
    pilot.app.screen.query_one("#search", Input).value = ""
    for char in text:
        await pilot.press(char)
    await pilot.pause()


async def open_list(pilot) -> None:
    await pilot.pause()
    await pilot.press("m")
    await pilot.pause()
    assert isinstance(pilot.app.screen, MemberListScreen)


async def test_the_list_shows_every_member_with_masked_ids(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        rows = table_rows(app)
        assert sorted(r[0] for r in rows) == sorted(p[0] for p in PEOPLE)
        for name, masked, *_ in rows:
            assert masked == idcard.mask(id_of(name))
            assert masked[6:14] == "********"
        flat = " ".join(" ".join(r) for r in rows)
        assert not any(id_of(p[0]) in flat for p in PEOPLE)  # never the full number in a list
        zhang = next(r for r in rows if r[0] == "张三")
        assert zhang[2:] == ["男", "顺达快递公司工会", "在册", "2025-06-02"]
        assert status_line(app).startswith("共 6 人，已显示 6 人。")


async def test_search_as_you_type_by_pinyin_initials(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await pilot.press("z")
        await pilot.pause()
        assert set(names_shown(app)) == {"张三", "张三丰", "曾志伟"}  # 曾 as a surname is zeng
        await pilot.press("s")
        await pilot.pause()
        assert set(names_shown(app)) == {"张三", "张三丰"}
        assert status_line(app).startswith("共 2 人")


async def test_search_by_full_pinyin(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await search_for(pilot, "zhangsan")
        assert set(names_shown(app)) == {"张三", "张三丰"}
        await search_for(pilot, "zhangsanf")
        assert names_shown(app) == ["张三丰"]


async def test_search_by_one_and_two_characters_of_a_name(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await search_for(pilot, "张")
        assert set(names_shown(app)) == {"张三", "张三丰"}
        await search_for(pilot, "小明")
        assert names_shown(app) == ["王小明"]
        await search_for(pilot, "娜")
        assert names_shown(app) == ["欧阳娜娜"]


async def test_search_by_id_prefix(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await search_for(pilot, "500101")
        assert len(names_shown(app)) == len(PEOPLE)
        await search_for(pilot, "5001011992")
        assert names_shown(app) == ["李四"]
        assert table_rows(app)[0][1] == idcard.mask(id_of("李四"))
        await search_for(pilot, id_of("曾志伟").lower())  # lowercase x as typed
        assert names_shown(app) == ["曾志伟"]


async def test_nothing_found_says_so_and_offers_registration(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await search_for(pilot, "赵")
        assert names_shown(app) == []
        assert "没有找到会员。按 n 登记新会员。" in status_line(app)


async def test_enter_opens_the_highlighted_member(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await search_for(pilot, "ls")
        await pilot.press("enter")  # from the search box to the table
        await pilot.press("enter")  # open the row
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        assert app.screen.member_id == sample["李四"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MemberListScreen)
        assert names_shown(app) == ["李四"]  # the search is still there


async def test_down_arrow_moves_from_the_search_box_to_the_table(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await pilot.press("down")
        assert app.focused is app.screen.query_one(DataTable)
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#search", Input)


async def test_long_lists_load_page_by_page_as_the_cursor_moves(store):
    for seq in range(PAGE + 30):
        members.register(
            store,
            {"name": f"王{'一二三四五六七八九十'[seq % 10]}", "id_number": make_id(seq=seq), "joined_on": "2025-01-01"},
        )
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == PAGE
        assert status_line(app).startswith(f"共 {PAGE + 30} 人，已显示 {PAGE} 人。")
        await pilot.press("down")
        await pilot.press("ctrl+end")  # to the last loaded row: the next page comes
        await pilot.pause()
        assert table.row_count == PAGE + 30
        assert status_line(app).startswith(f"共 {PAGE + 30} 人，已显示 {PAGE + 30} 人。")


async def test_n_on_the_list_opens_the_form(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(pilot)
        await pilot.press("down")  # keys are for the search box while it has the focus
        await pilot.press("n")
        await pilot.pause()
        from clerk.tui.members.member_form import MemberFormScreen

        assert isinstance(app.screen, MemberFormScreen)


async def test_at_120_columns_union_names_are_not_cut(store, sample):
    long_name = "重庆市万州区顺达快递物流有限公司第一分公司工会"
    store.conn.execute("UPDATE organisations SET name = ? WHERE name = '顺达快递公司工会'", (long_name,))
    store.conn.commit()
    app = make_app(store.path, store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_members()
        await pilot.pause()
        assert isinstance(app.screen, MemberListScreen)
        table = app.screen.query_one(DataTable)
        shown = {str(table.get_row_at(i)[3]) for i in range(table.row_count)}
        assert long_name in shown
        assert members.get(store, sample["张三"])["org_name"] == long_name


async def test_the_whole_roll_says_how_it_differs_from_homes_on_the_roll_count(store, sample):
    members.change_status(store, sample["李四"], "退会", "本人申请")
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert "共 6 人（在册 5 人，另 1 人已转出、退会或已故）" in status_line(app)
