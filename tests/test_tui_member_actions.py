"""From the member detail: delete a record entered by mistake, change a status with its date and
reason; and the guard that keeps a half-filled form from being thrown away by Esc or ctrl+q."""

from __future__ import annotations

from sample import notifications, rendered
from textual.widgets import Input, Select, Static

from clerk.registry import search
from clerk.tui.app import make_app
from clerk.tui.members.delete_dialog import DeleteDialog
from clerk.tui.members.member_detail import MemberDetailScreen
from clerk.tui.members.member_form import MemberFormScreen
from clerk.tui.members.status_dialog import StatusDialog
from clerk.tui.widgets import ConfirmDialog

SIZE = (80, 24)


def rendered_at(content, width: int) -> str:
    import io

    from rich.console import Console

    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def open_detail(app, pilot, member_id: int) -> None:
    app.open_member(member_id)
    await pilot.pause()
    assert isinstance(app.screen, MemberDetailScreen)


async def test_delete_from_the_detail_needs_a_reason_and_is_soft_and_journaled(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, sample["张三"])
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DeleteDialog)
        await pilot.press("enter")  # Enter in the reason box only moves to the button
        assert isinstance(app.screen, DeleteDialog)
        await pilot.press("enter")  # the button, with no reason
        await pilot.pause()
        assert "必须写明原因" in text(app.screen, "#error")
        await type_text(pilot, "重复录入")
        await pilot.click("#ok")
        await pilot.pause()
        assert not isinstance(app.screen, (DeleteDialog, MemberDetailScreen))
        assert "已删除 张三 的记录。" in notifications(app)
        row = store.conn.execute("SELECT deleted_at, notes FROM members WHERE id = ?", (sample["张三"],)).fetchone()
        assert row["deleted_at"] and "删除原因：重复录入" in row["notes"]
        ops = [
            r[0] for r in store.conn.execute("SELECT op FROM journal WHERE row_id = ? ORDER BY seq", (sample["张三"],))
        ]
        assert ops == ["insert", "delete"]
        assert "张三" not in [r.name for r in search.search(store, "张三").rows]


async def test_cancelling_a_delete_keeps_the_record(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, sample["李四"])
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        assert (
            store.conn.execute("SELECT deleted_at FROM members WHERE id = ?", (sample["李四"],)).fetchone()[0] is None
        )


async def test_mark_a_member_deceased_with_the_date_and_reason(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, sample["王小明"])
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StatusDialog)
        await pilot.press("enter")  # open the drop-down: 请选择, 保留会籍, 转出, 退会, 除名, 已故
        await pilot.press("down", "down", "down", "down", "down", "enter")
        await pilot.pause()
        assert dialog.query_one("#status", Select).value == "已故"
        await pilot.press("tab")
        dialog.query_one("#on", Input).value = ""
        await type_text(pilot, "2025-06-12")
        await pilot.click("#ok")  # no reason yet
        await pilot.pause()
        assert text(dialog, "#error") == "“已故”的原因请从列表中选择：病故、因工死亡、意外身故、其他。"
        dialog.query_one("#reason", Select).focus()
        await pilot.press("enter", "down", "enter")  # 病故
        await pilot.pause()
        assert "状态由“在册”改为“已故”（2025-06-12）" in text(dialog, "#effect")
        await pilot.click("#ok")
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        assert "状态已改为“已故”。" in notifications(app)
        assert "2025-06-12  已故  病故" in rendered(app.screen.query_one("#timeline", Static).content)
        row = store.conn.execute(
            "SELECT status, status_on, status_reason FROM members WHERE id = ?", (sample["王小明"],)
        ).fetchone()
        assert tuple(row) == ("已故", "2025-06-12", "病故")


async def test_the_change_log_wraps_instead_of_being_cut(store, sample):
    from clerk.registry import members

    values = members.form_values(members.get(store, sample["张三"]))
    members.update(store, sample["张三"], {**values, "job": "快递分拣", "card_no": "A-0001", "org_id": None})
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, sample["张三"])
        # At 80 columns the long line wraps: every part of it is on screen.
        table = app.screen.query_one("#history", Static).content
        console_text = rendered_at(table, width=76)
        joined = "".join(line.strip() for line in console_text.splitlines())
        assert "所在工会：顺达快递公司工会 → 空" in joined and joined.endswith("登记入会")
        assert "会员证号：空 → A-0001" in joined


# -- the unsaved-form guard --------------------------------------------------------------------


async def test_esc_on_a_half_filled_form_asks_before_throwing_it_away(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "赵六")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "还没有保存" in text(app.screen, "#question")
        await pilot.press("enter")  # the focused answer is 继续填写
        await pilot.pause()
        assert isinstance(app.screen, MemberFormScreen)
        assert app.screen.query_one("#name", Input).value == "赵六"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert not isinstance(app.screen, (MemberFormScreen, ConfirmDialog))
        assert store.conn.execute("SELECT count(*) FROM members WHERE name = '赵六'").fetchone()[0] == 0


async def test_esc_on_an_untouched_form_just_closes_it(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "赵")
        await pilot.press("backspace")  # typed and taken back: nothing to lose
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (MemberFormScreen, ConfirmDialog))


async def test_esc_that_closes_a_drop_down_never_closes_the_form(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        form.query_one("#ethnicity", Select).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert form.query_one("#ethnicity", Select).expanded
        footer = "".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "收起列表" in footer and "Dismiss" not in footer
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and not form.query_one("#ethnicity", Select).expanded


async def test_ctrl_q_on_a_half_filled_form_asks_first(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "赵六")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and app.is_running
        await pilot.press("ctrl+q")  # asked once, not twice
        await pilot.pause()
        assert sum(isinstance(s, ConfirmDialog) for s in app.screen_stack) == 1
        await pilot.press("enter")  # 继续填写
        await pilot.pause()
        assert isinstance(app.screen, MemberFormScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert app._exit


async def test_ctrl_c_says_in_chinese_how_to_quit(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert [n.title for n in app._notifications] == ["要退出吗？"]
        assert "按 ctrl+q 退出" in notifications(app)[0]
