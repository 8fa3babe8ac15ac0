"""Member detail: the full record, its history, and status changes through the dialog."""

from __future__ import annotations

from sample import FIXED_TODAY, id_of, notifications, rendered, sample  # noqa: F401  (fixture)
from textual.widgets import Button, Input, Select, Static

from clerk.registry import members
from clerk.tui.app import make_app
from clerk.tui.home import HomeScreen
from clerk.tui.members.member_detail import MemberDetailScreen
from clerk.tui.members.status_dialog import StatusDialog


def record_text(app) -> str:
    return rendered(app.screen.query_one("#record", Static).content)


def history_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#history", Static).content
    return [list(map(str, row)) for row in zip(*(column.cells for column in table.columns), strict=True)]


async def open_detail(pilot, member_id: int) -> MemberDetailScreen:
    await pilot.pause()
    pilot.app.open_member(member_id)
    await pilot.pause()
    assert isinstance(pilot.app.screen, MemberDetailScreen)
    return pilot.app.screen


async def click_ok(pilot) -> None:
    """Click 确定 as a person would: a button ignores clicks while it still shows the last press."""
    button = pilot.app.screen.query_one("#ok", Button)
    while button.has_class("-active"):
        await pilot.pause(0.05)
    await pilot.click("#ok")


async def open_status_dialog(pilot) -> StatusDialog:
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, StatusDialog)
    return pilot.app.screen


async def test_the_detail_shows_the_full_id_and_everything_derived(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, sample["张三"])
        text = record_text(app)
        assert id_of("张三") in text  # the full number, only here
        for expected in (
            "张三",
            "男",
            "1990-01-01",
            "重庆市万州区",
            "13812340011",
            "顺达快递公司工会",
            "快递员",
            "2025-06-02",
            "在册",
        ):
            assert expected in text
        lines = {line.split()[0]: line.split()[1:] for line in text.splitlines() if line.strip()}
        assert lines["农民工"] == ["是"] and lines["困难职工"] == ["否"] and lines["备注"] == ["—"]


async def test_history_lists_every_change_newest_first(store, sample):
    member_id = sample["王小明"]
    members.update(store, member_id, {**members.form_values(members.get(store, member_id)), "job": "电工"})
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, member_id)
        rows = history_rows(app)
        assert [r[2] for r in rows] == ["岗位/工种：空 → 电工", "登记入会"]
        assert all(r[1] == "测试经办人" for r in rows)
        assert all(len(r[0]) == 16 and r[0][10] == " " for r in rows)  # 2025-06-15 09:30


async def test_transfer_out_needs_a_reason_and_a_note_in_the_dialog(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, sample["李四"])
        dialog = await open_status_dialog(pilot)
        assert "李四 的会员状态：现在是“在册”" in rendered(dialog.query_one(".title", Static).content)
        dialog.query_one("#status", Select).value = "转出"
        await pilot.pause()
        await click_ok(pilot)
        await pilot.pause()
        assert app.screen is dialog
        assert "“转出”的原因请从列表中选择：工作调动" in rendered(dialog.query_one("#error", Static).content)
        dialog.query_one("#reason", Select).value = "工作调动"
        dialog.query_one("#on", Input).value = "2026-03-01"
        await pilot.pause()  # the change messages first: they clear the error line
        await click_ok(pilot)
        await pilot.pause()
        assert rendered(dialog.query_one("#error", Static).content).strip() == "转出时请写明转往哪个单位或乡镇。"
        dialog.query_one("#note", Input).focus()
        for char in "沙坪坝区某街道工会":
            await pilot.press(char)
        await click_ok(pilot)
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        assert "状态已改为“转出”。" in notifications(app)
        record = members.get(store, sample["李四"])
        assert (record["status"], record["status_on"], record["status_reason"], record["status_note"]) == (
            "转出",
            "2026-03-01",
            "工作调动",
            "沙坪坝区某街道工会",
        )
        assert "转出" in record_text(app) and "沙坪坝区某街道工会" in record_text(app)
        timeline = rendered(app.screen.query_one("#timeline", Static).content)
        assert "2026-03-01  转出  工作调动，沙坪坝区某街道工会" in timeline
        newest = history_rows(app)[0][2]
        assert "会员状态：在册 → 转出" in newest


async def test_a_status_is_chosen_with_the_keyboard(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, sample["王小明"])
        dialog = await open_status_dialog(pilot)
        assert app.focused is dialog.query_one("#status", Select)
        await pilot.press("enter")  # open the list: 请选择, 保留会籍, 转出, 退会, 除名, 已故
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert dialog.query_one("#status", Select).value == "退会"
        await pilot.press("tab", "tab", "enter")  # the date stays today's; the reasons of 退会
        await pilot.press("down", "enter")
        await pilot.pause()
        assert dialog.query_one("#reason", Select).value == "本人申请退会"
        await pilot.press("tab")
        for char in "本人申请":
            await pilot.press(char)
        await pilot.press("tab", "enter")  # 确定
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        record = members.get(store, sample["王小明"])
        assert (record["status"], record["status_reason"], record["status_on"]) == (
            "退会",
            "本人申请退会",
            FIXED_TODAY.isoformat(),  # the dialog's default: today
        )


async def test_the_dialog_refuses_no_choice_a_bad_date_and_escape_changes_nothing(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, sample["张三丰"])
        dialog = await open_status_dialog(pilot)
        await click_ok(pilot)
        await pilot.pause()
        assert rendered(dialog.query_one("#error", Static).content).strip() == "请选择新的状态。"
        dialog.query_one("#status", Select).value = "已故"
        await pilot.pause()
        dialog.query_one("#reason", Select).value = "病故"
        dialog.query_one("#on", Input).value = "2099-01-01"
        await pilot.pause()
        await click_ok(pilot)
        await pilot.pause()
        assert "生效日期不能晚于今天" in rendered(dialog.query_one("#error", Static).content)
        await pilot.press("escape")  # the form guard asks before throwing the choices away
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        assert members.get(store, sample["张三丰"])["status"] == "在册"
        assert len(members.history(store, sample["张三丰"])) == 1


async def test_a_member_who_left_can_be_brought_back(store, sample):
    members.change_status(store, sample["欧阳娜娜"], "退会", "本人申请")
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, sample["欧阳娜娜"])
        dialog = await open_status_dialog(pilot)
        options = [str(prompt) for prompt, _ in dialog.query_one("#status", Select)._options if _ is not Select.NULL]
        assert options == ["在册", "保留会籍", "转出", "除名", "已故"]  # never the status it already has
        dialog.query_one("#status", Select).value = "在册"
        await pilot.pause()
        dialog.query_one("#reason", Select).value = "重新入会"
        await click_ok(pilot)
        await pilot.pause()
        assert members.get(store, sample["欧阳娜娜"])["status"] == "在册"


async def test_an_unknown_member_says_so_and_goes_back(store, sample):
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_member(999)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "找不到编号为 999 的会员。" in notifications(app)
