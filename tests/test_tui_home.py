"""Home dashboard: the figures, the keys to every screen, the command palette."""

from __future__ import annotations

from conftest import make_id
from sample import rendered, sample, wait_until  # noqa: F401  (fixture)
from textual.command import CommandList
from textual.widgets import Footer, Static

from clerk.registry import members
from clerk.tui.app import make_app
from clerk.tui.home import FIGURES, Figure, HomeScreen
from clerk.tui.members.member_form import MemberFormScreen
from clerk.tui.members.member_list import MemberListScreen


def figures_shown(app) -> dict[str, str]:
    shown = {}
    for key, label in FIGURES:
        number, caption = rendered(app.screen.query_one(f"#{key}", Figure).content).strip().splitlines()
        assert caption.strip() == label
        shown[label] = number.strip()
    return shown


async def test_home_shows_the_figures_of_the_sample_township(store, sample):
    # On 2025-06-15: 张三 (06-02) and 王小明 (06-10) joined this month, 张三丰 (03-10) this year too.
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert figures_shown(app) == {
            "在册会员": "6",
            "本月新入会": "2",
            "本年新入会": "3",
            "农民工会员": "3",
            "新就业形态会员": "3",
            "基层工会组织": "2",
        }
        assert "测试镇总工会（乡镇(街道) 500101001）" in rendered(app.screen.query_one("#unit", Static).content)


async def test_figures_follow_changes_made_on_other_screens(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        assert isinstance(app.screen, MemberListScreen)
        members.change_status(store, sample["李四"], "退会", "本人申请")
        members.register(store, {"name": "赵六", "id_number": make_id(seq=31), "joined_on": "2025-06-14"})
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        shown = figures_shown(app)
        assert shown["在册会员"] == "6" and shown["本月新入会"] == "3" and shown["农民工会员"] == "2"


async def test_home_keys_open_the_screens_and_quit(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        assert isinstance(app.screen, MemberFormScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("m")
        assert isinstance(app.screen, MemberListScreen)
        await pilot.press("escape")
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_the_footer_shows_the_keys_of_the_home_screen(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = {
            binding.description
            for _, binding, enabled, *_ in app.screen.active_bindings.values()
            if binding.show and enabled
        }
        assert {"名册", "登记", "导入", "导入记录", "退出"} <= shown  # b is in the footer too
        assert app.screen.query_one(Footer).show_command_palette and app.COMMAND_PALETTE_BINDING == "ctrl+p"


async def test_the_command_palette_reaches_the_member_registry(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        for char in "会员名册":
            await pilot.press(char)
        await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MemberListScreen)


async def test_the_command_palette_reaches_member_registration(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        for char in "登记":
            await pilot.press(char)
        await wait_until(pilot, lambda: app.screen.query_one(CommandList).option_count > 0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MemberFormScreen)
