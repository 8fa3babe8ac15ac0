"""The organisation screens and the transfer flow, driven by Pilot at 80x24, with a snapshot of
the organisation tree (update with `pytest --snapshot-update`)."""

from __future__ import annotations

import pytest
from conftest import make_id
from org_sample import code, township
from sample import notifications, rendered, wait_until
from textual.widgets import Button, Input, Select, Static, Tree

from clerk.registry import members, organisations, transfers
from clerk.tui.app import make_app
from clerk.tui.home import HomeScreen
from clerk.tui.members.member_detail import MemberDetailScreen
from clerk.tui.members.member_form import MemberFormScreen
from clerk.tui.members.member_list import MemberListScreen
from clerk.tui.members.transfer_dialog import TransferDialog
from clerk.tui.members.transfer_in import TransferInScreen
from clerk.tui.orgs.dissolve_dialog import DissolveDialog
from clerk.tui.orgs.org_form import OrgFormScreen
from clerk.tui.orgs.org_picker import OrgField, OrgPickerScreen
from clerk.tui.orgs.org_summary import OrgSummaryScreen
from clerk.tui.orgs.org_tree import OrgTreeScreen

SIZE = (80, 24)


@pytest.fixture
def town(store):
    return township(store)


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


async def open_tree(pilot) -> OrgTreeScreen:
    await pilot.pause()
    await pilot.press("o")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, OrgTreeScreen)
    return screen


async def cursor_to(pilot, screen: OrgTreeScreen, org_id: int) -> None:
    screen.query_one(Tree).move_cursor(screen.nodes[org_id])
    await pilot.pause()
    assert screen.current_id() == org_id


async def click(pilot, selector: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    assert await pilot.click(selector), f"{selector} is not on the screen"
    # A button ignores clicks while it shows being pressed: let that pass, as a person would.
    await wait_until(pilot, lambda: not widget.is_attached or not widget.has_class("-active"))


def label(screen: OrgTreeScreen, org_id: int) -> str:
    label = screen.nodes[org_id].label
    return label if isinstance(label, str) else label.plain


async def test_the_tree_shows_member_and_employee_counts(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        assert label(screen, town["shunda"]) == "顺达快递有限公司工会  会员 3 · 职工 86"
        assert label(screen, town["qingshan"]) == "青山村工会  会员 1（含下级 4）"
        assert label(screen, town["root"]) == "测试镇总工会  会员 0（含下级 7）"
        shunda = screen.nodes[town["shunda"]]
        assert shunda.parent is screen.nodes[town["qingshan"]]
        await cursor_to(pilot, screen, town["shunda"])
        detail = rendered(screen.query_one("#detail", Static).content)
        assert f"代码 {code(1)}" in detail
        assert "在册会员 3（农民工 2，新就业形态 1） · 职工 86 · 入会率 3.5%" in detail


async def test_add_a_child_organisation_through_the_form(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        await cursor_to(pilot, screen, town["qingshan"])
        await pilot.press("a")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, OrgFormScreen)
        assert form.query_one("#kind", Select).value == "企业工会"  # the usual child of a village
        assert form.query_one("#parent_id", OrgField).value == town["qingshan"]
        await type_text(pilot, "青山物流有限公司工会")
        form.query_one("#uscc", Input).focus()
        await type_text(pilot, code(5)[:-1] + "0" if code(5)[-1] != "0" else code(5)[:-1] + "1")
        await pilot.pause()
        assert "校验位" in rendered(form.query_one("#uscc-error", Static).content)  # as you type
        form.query_one("#uscc", Input).value = code(5).lower()
        form.query_one("#employee_count", Input).value = "45"
        await pilot.pause()
        assert not form.query_one("#uscc-error", Static).display
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is screen
        new_id = organisations.find(store, "青山物流有限公司工会")
        assert screen.nodes[new_id].parent is screen.nodes[town["qingshan"]]
        assert label(screen, new_id) == "青山物流有限公司工会  会员 0 · 职工 45"
        assert screen.current_id() == new_id


async def test_the_form_refuses_a_duplicate_code_and_no_name(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        await cursor_to(pilot, screen, town["shiqiao"])
        await pilot.press("a")
        await pilot.pause()
        form = pilot.app.screen
        form.query_one("#uscc", Input).value = code(1)
        await pilot.pause()
        assert "已登记在“顺达快递有限公司工会”" in rendered(form.query_one("#uscc-error", Static).content)
        before = store.conn.execute("SELECT count(*) FROM organisations").fetchone()[0]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form
        assert "工会组织名称不能为空" in rendered(form.query_one("#name-error", Static).content)
        assert "请先改正标红的项目。" in notifications(pilot.app)
        assert store.conn.execute("SELECT count(*) FROM organisations").fetchone()[0] == before


async def test_move_under_another_parent_by_typing_its_name(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        await cursor_to(pilot, screen, town["shunda"])
        await pilot.press("m")
        await pilot.pause()
        picker = pilot.app.screen
        assert isinstance(picker, OrgPickerScreen)
        await type_text(pilot, "sqc")  # 石桥村 by pinyin initials: no Chinese input needed
        await pilot.pause()
        assert [str(o.prompt) for o in picker.query_one("#orgs").options] == ["石桥村工会"]
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert organisations.get(store, town["shunda"])["parent_id"] == town["shiqiao"]
        assert screen.nodes[town["shunda"]].parent is screen.nodes[town["shiqiao"]]


async def test_the_move_picker_leaves_out_the_organisation_and_what_is_under_it(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        await cursor_to(pilot, screen, town["qingshan"])
        await pilot.press("m")
        await pilot.pause()
        offered = {str(o.prompt) for o in pilot.app.screen.query_one("#orgs").options}
        assert "顺达快递有限公司工会" not in offered and "青山村工会" not in offered
        assert "测试镇总工会" not in offered  # already its parent
        assert "石桥村工会" in offered


async def test_dissolving_with_members_is_refused_until_they_are_transferred(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        await cursor_to(pilot, screen, town["shunda"])
        await pilot.press("d")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, DissolveDialog)
        assert "还有 3 名在册会员，不能直接撤销" in rendered(dialog.query_one("#move Static").content)
        await click(pilot, "#ok")
        assert "请先选择会员转接到哪个工会" in rendered(dialog.query_one("#error", Static).content)
        assert organisations.get(store, town["shunda"])["status"] == "正常"
        dialog.query_one("#target", OrgField).focus()
        await type_text(pilot, "qsc")
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.query_one("#target", OrgField).value == town["qingshan"]
        await click(pilot, "#ok")
        assert pilot.app.screen is screen
        assert organisations.get(store, town["shunda"])["status"] == "已撤销"
        assert organisations.get(store, town["qingshan"])["members"] == 4
        assert town["shunda"] not in screen.nodes  # dissolved ones are hidden until h
        await pilot.press("h")
        await pilot.pause()
        assert label(screen, town["shunda"]).endswith("已撤销")


async def test_dissolving_a_village_with_enterprises_under_it_is_refused(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        await cursor_to(pilot, screen, town["binjiang"])
        await pilot.press("d")
        await pilot.pause()
        await click(pilot, "#ok")
        assert "下面还有下级工会（柳林家政服务中心工会）" in rendered(
            pilot.app.screen.query_one("#error", Static).content
        )
        await pilot.press("escape")
        await pilot.pause()
        assert organisations.get(store, town["binjiang"])["status"] == "正常"


async def test_open_an_organisations_members_and_add_one_into_it(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        await cursor_to(pilot, screen, town["shunda"])
        await pilot.press("enter")
        await pilot.pause()
        listing = pilot.app.screen
        assert isinstance(listing, MemberListScreen) and listing.org_id == town["shunda"]
        assert listing.total == 3
        await pilot.press("down", "n")  # from the search box into the list, then 登记
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, MemberFormScreen)
        assert form.values()["org_id"] == town["shunda"]
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        await pilot.press("n")  # straight from the tree
        await pilot.pause()
        assert pilot.app.screen.values()["org_id"] == town["shunda"]


async def test_the_member_form_picks_its_organisation_by_typing(store, town):
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = pilot.app.screen
        form.query_one("#org_id", OrgField).focus()
        await type_text(pilot, "ljz")
        await pilot.pause()
        assert isinstance(pilot.app.screen, OrgPickerScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is form
        assert form.values()["org_id"] == town["jiazheng"]
        form.query_one("#name", Input).value = "新会员"
        form.query_one("#id_number", Input).value = make_id("19880808", 51)
        await pilot.press("ctrl+s")
        await pilot.pause()
        new = members.find_by_id_number(store, make_id("19880808", 51))
        assert new["org_id"] == town["jiazheng"]


async def test_transfer_from_member_detail_and_the_history_shown(store, town):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_member(town["张三"])
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, MemberDetailScreen)
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TransferDialog)
        await type_text(pilot, "sqjx")  # typing on the target field opens the picker
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.query_one("#target", OrgField).value == town["jixie"]
        dialog.query_one("#reason", Input).value = "换工作"
        await click(pilot, "#ok")
        assert app.screen is detail
        assert members.get(store, town["张三"])["org_id"] == town["jixie"]
        history = rendered(detail.query_one("#orgs", Static).content)
        assert "顺达快递有限公司工会" in history and "入会登记" in history
        assert "石桥机械制造有限公司工会" in history and "本乡镇转接：换工作" in history


async def test_transfer_out_of_the_township_from_member_detail(store, town):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_member(town["李四"])
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        await click(pilot, "#out")
        await click(pilot, "#ok")
        assert "写明转往" in rendered(dialog.query_one("#error", Static).content)
        assert members.get(store, town["李四"])["status"] == "在册"
        dialog.query_one("#destination", Input).value = "沙坪坝区某街道总工会"
        await click(pilot, "#ok")
        record = members.get(store, town["李四"])
        assert record["status"] == "转出" and "沙坪坝区某街道总工会" in record["status_note"]
        assert "转出本乡镇" in rendered(app.screen.query_one("#orgs", Static).content)
        await pilot.press("t")  # no second transfer of someone who has left
        await pilot.pause()
        assert app.screen.query_one("#ok", Button).disabled
        assert "外乡镇转入" in rendered(app.screen.query_one("#error", Static).content)


async def test_transfer_in_brings_back_the_existing_record(store, town):
    transfers.transfer_out(store, town["李四"], "沙坪坝区某街道总工会", "2025-03-01")
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_transfer_in()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TransferInScreen)
        await type_text(pilot, make_id("19900101", 12))
        await pilot.pause()
        assert "已有记录：李四（转出" in rendered(screen.query_one("#found", Static).content)
        screen.query_one("#origin", Input).value = "沙坪坝区某街道总工会"
        await click(pilot, "#save")
        assert "请选择转入本乡镇的哪个工会" in rendered(screen.query_one("#error", Static).content)
        screen.query_one("#to", OrgField).value = town["jiazheng"]
        await click(pilot, "#save")
        assert isinstance(app.screen, MemberDetailScreen) and app.screen.member_id == town["李四"]
        assert members.get(store, town["李四"])["status"] == "在册"
        assert store.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 8


async def test_summary_screen_and_home_coverage(store, town):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        home = rendered(app.screen.query_one("#coverage", Static).content)
        assert "25人以上企业 2 家 · 职工 316 · 会员 5 · 入会率 1.6%" in home
        assert "村/社区 3" in home and "企业工会 3" in home
        screen = await open_tree(pilot)
        await pilot.press("s")
        await pilot.pause()
        summary = app.screen
        assert isinstance(summary, OrgSummaryScreen)
        totals = rendered(summary.query_one("#totals", Static).content)
        assert "在用工会组织 7 个；在册会员 7 人，其中农民工 3 人、新就业形态 2 人" in totals
        assert summary.query_one("#big-table").total == 2
        assert summary.query_one("#org-table").total == 7
        await pilot.press("escape")
        assert app.screen is screen


async def test_the_command_palette_reaches_the_organisation_screens(store, town):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"组织机构", "组织统计", "添加工会组织", "会员转接", "外乡镇转入"} <= titles


def test_org_tree_snapshot(snap_compare, store, town):
    async def run_before(pilot):
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=SIZE)


async def test_a_big_township_builds_its_tree_as_it_is_opened(store):
    root = organisations.create(store, {"name": "大镇总工会", "kind": "乡镇(街道)总工会"})
    villages = [
        organisations.create(store, {"name": f"{v}村工会", "kind": "村(社区)工会", "parent_id": root}) for v in "东西"
    ]
    for i in range(320):
        organisations.create(store, {"name": f"第{i:03d}联合工会", "kind": "联合工会", "parent_id": villages[i % 2]})
    async with make_app(store.path, store=store).run_test(size=SIZE) as pilot:
        screen = await open_tree(pilot)
        assert len(screen.info) == 323
        assert set(screen.nodes) == {root, *villages}  # enterprises wait until a village opens
        await cursor_to(pilot, screen, villages[1])
        await pilot.press("space")
        await pilot.pause()
        assert len(screen.nodes) == 3 + 160
        assert screen.nodes[villages[1]].is_expanded
        # a move under an organisation whose village was never opened shows it there
        moved = screen.info[villages[1]].children[0].id
        await cursor_to(pilot, screen, moved)
        await pilot.press("m")
        await pilot.pause()
        pilot.app.screen.query_one("#query", Input).value = "第000联"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.nodes[moved].parent is screen.nodes[organisations.find(store, "第000联合工会")]
        assert screen.current_id() == moved
