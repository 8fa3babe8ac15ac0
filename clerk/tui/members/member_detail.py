"""Member detail: the full record (full ID number only here), status changes, deletion of a record
entered by mistake, and the change history (each change wrapped onto as many lines as it needs)."""

from __future__ import annotations

from rich.table import Table
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from clerk.registry import lifecycle, members
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.members import printouts
from clerk.tui.members.transfer_dialog import org_history_table
from clerk.tui.workers import run_job

SHOWN = (
    ("name", "姓名"),
    ("id_kind", "证件类型"),
    ("id_number", "证件号码"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("birthplace", "籍贯"),
    ("phone", "手机/电话"),
    ("ethnicity", "民族"),
    ("political", "政治面貌"),
    ("education", "学历"),
    ("household", "户籍类型"),
    ("org_name", "所在工会"),
    ("job", "岗位/工种"),
    ("employment_form", "用工形式"),
    ("employment_status", "就业状况"),
    ("skill_level", "技能等级"),
    ("migrant", "农民工"),
    ("new_form", "新就业形态"),
    ("joined_on", "入会日期"),
    ("join_method", "入会方式"),
    ("join_place", "入会地"),
    ("card_no", "会员证号"),
    ("mutual_aid", "互助保障"),
    ("hardship", "困难职工"),
    ("status", "会员状态"),
    ("status_on", "状态生效日期"),
    ("status_reason", "状态原因"),
    ("status_note", "状态说明"),
    ("notes", "备注"),
)


def timeline_table(store, member_id: int) -> Table:
    """Joining and every change of status, with the date each took effect."""
    grid = Table.grid(padding=(0, 2))
    for event in lifecycle.timeline(store, member_id):
        why = "，".join(part for part in (event.reason, event.note) if part)
        grid.add_row(event.on, event.status, why)
    return grid


class MemberDetailScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("e", "edit", "修改"),
        # Short labels: all of them and ^p fit one 80-column footer.
        Binding("s", "status", "状态"),
        Binding("t", "transfer", "转接"),
        Binding("d", "delete", "删除"),
        Binding("p", "print_form", "登记表"),
        Binding("c", "print_card", "会员证"),
    ]

    def __init__(self, member_id: int):
        super().__init__()
        self.member_id = member_id
        self.leaving = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("", id="record")
            yield Static("会籍变化", classes="title")
            yield Static("", id="timeline")
            yield Static("所在工会经历", classes="title")
            yield Static("", id="orgs")
            yield Static("修改记录", classes="title")
            yield Static("", id="history")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_record()

    def on_screen_resume(self) -> None:
        self.refresh_record()

    def refresh_record(self) -> None:
        store = self.app.store
        try:
            record = members.get(store, self.member_id)
        except ServiceError as exc:
            # Mount and resume both land here when the screen opens: leave once, and only once this
            # screen is really on the stack (popping during mount pops the screen below).
            if not self.leaving:
                self.leaving = True
                self.notify(str(exc), severity="error")
                self.call_after_refresh(self._leave)
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for key, label in SHOWN:
            value = record.get(key)
            if key in members.FLAG_FIELDS:
                value = "是" if value else "否"
            grid.add_row(label, str(value) if value not in (None, "") else "—")
        self.query_one("#record", Static).update(grid)
        self.query_one("#timeline", Static).update(timeline_table(store, self.member_id))
        self.query_one("#orgs", Static).update(org_history_table(store, self.member_id))
        self.query_one("#history", Static).update(history_table(members.history(store, self.member_id)))

    def _leave(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        from clerk.tui.members.member_form import MemberFormScreen

        self.app.push_screen(MemberFormScreen(member_id=self.member_id))

    def action_transfer(self) -> None:
        from clerk.tui.members.transfer_dialog import TransferDialog

        def transferred(done: bool | None) -> None:
            if done:
                self.refresh_record()

        self.app.push_screen(TransferDialog(self.member_id), callback=transferred)

    def action_status(self) -> None:
        from clerk.tui.members.status_dialog import StatusDialog

        def changed(done: bool | None) -> None:
            if done:
                self.notify(f"状态已改为“{members.get(self.app.store, self.member_id)['status']}”。")
                self.refresh_record()

        self.app.push_screen(StatusDialog(self.member_id), callback=changed)

    def action_delete(self) -> None:
        from clerk.tui.members.delete_dialog import DeleteDialog

        name = members.get(self.app.store, self.member_id)["name"]

        def deleted(done: bool | None) -> None:
            if done:
                self.notify(f"已删除 {name} 的记录。")
                self.leaving = True
                self.dismiss()

        self.app.push_screen(DeleteDialog(self.member_id), callback=deleted)

    def action_print_form(self) -> None:
        self._print("入会登记表", printouts.form_job(self.member_id))

    def action_print_card(self) -> None:
        self._print("会员证", printouts.card_job(self.member_id))

    def _print(self, what: str, job) -> None:
        self.notify(f"正在生成{what}……")

        def done(summary: str) -> None:
            self.notify(summary, timeout=12)
            self.refresh_record()  # a card number may have been issued

        run_job(
            self,
            job,
            done=done,
            failed=lambda m: self.notify(m, severity="error"),
            failure=f"{what}没有生成：{{error}}",
            group="print",
        )

    def action_back(self) -> None:
        self.app.pop_screen()


def history_table(changes: list[members.Change]) -> Table:
    """Newest first; a long change wraps instead of being cut at the screen's edge."""
    table = Table(box=None, padding=(0, 1, 0, 0), show_header=True, header_style="bold", expand=True)
    table.add_column("时间", no_wrap=True)
    table.add_column("经办人", no_wrap=True, max_width=10)
    table.add_column("内容", ratio=1, overflow="fold")
    for change in reversed(changes):
        table.add_row(change.at.replace("T", " ")[:16], change.clerk, change.summary)
    return table
