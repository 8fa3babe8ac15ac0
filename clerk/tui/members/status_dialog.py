"""A member's status change (在册, 保留会籍, 转出, 退会, 除名, 已故) with the day it takes effect, the
reason from the fixed list of the new status, and a note; the dialog says what will happen and
writes it when the clerk confirms. The rules are the domain's (domain/lifecycle.py)."""

from __future__ import annotations

from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from clerk.domain import lifecycle as rules
from clerk.registry import lifecycle, members
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.widgets import Choice, GuardedForm

NOTE_HINTS = {
    "转出": "转往哪个单位或乡镇（街道）",
    "已故": "可不填",
}


class StatusDialog(GuardedForm, ModalScreen[bool]):
    """Dismisses True when the status was changed."""

    app = getters.app(ClerkApp)

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, member_id: int):
        super().__init__()
        self.member_id = member_id

    def compose(self) -> ComposeResult:
        record = members.get(self.app.store, self.member_id)
        self.name_ = record["name"]
        self.current = record["status"]
        self.joined_on = record.get("joined_on")
        with Vertical():
            yield Static(f"{self.name_} 的会员状态：现在是“{self.current}”", classes="title")
            with Horizontal(classes="row"):
                yield Label("改为")
                options = [(s, s) for s in rules.STATUSES if s != self.current]
                yield Choice(options, id="status", prompt="请选择")
            with Horizontal(classes="row"):
                yield Label("生效日期")
                yield Input(date.today().isoformat(), id="on", placeholder="年-月-日")
            with Horizontal(classes="row"):
                yield Label("原因")
                yield Choice([], id="reason", prompt="先选择新的状态")
            with Horizontal(classes="row"):
                yield Label("说明")
                yield Input(id="note", placeholder="原因为“其他”时写明情况")
            yield Static("", id="effect", classes="hint")
            yield Static("", id="error", classes="error")
            with Horizontal(id="buttons"):
                yield Button("确定", id="ok", variant="primary")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#status", Select).focus()
        self.call_after_refresh(self.remember_form)

    def cancelled_result(self) -> bool:
        return False

    @on(Select.Changed, "#status")
    def _status_chosen(self, event: Select.Changed) -> None:
        status = "" if event.value is Select.NULL else str(event.value)
        reason = self.query_one("#reason", Select)
        reasons = rules.REASONS.get(status, ())
        reason.set_options([(r, r) for r in reasons])
        reason.prompt = "请选择" if reasons else "先选择新的状态"
        self.query_one("#note", Input).placeholder = NOTE_HINTS.get(status, "原因为“其他”时写明情况")
        self._explain()

    @on(Select.Changed, "#reason")
    @on(Input.Changed)
    def _explain(self) -> None:
        status = self.query_one("#status", Select).value
        if status is Select.NULL:
            self.query_one("#effect", Static).update("")
            return
        on_date = self.query_one("#on", Input).value.strip()
        effect = (
            f"确定后，{self.name_} 的状态由“{self.current}”改为“{status}”（{on_date}），记入修改记录并随同步文件上报。"
        )
        self.query_one("#effect", Static).update(effect)

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        status = self.query_one("#status", Select).value
        reason = self.query_one("#reason", Select).value
        error = self.query_one("#error", Static)
        error.update("")
        if status is Select.NULL:
            error.update("请选择新的状态。")
            return
        try:
            lifecycle.change_status(
                self.app.store,
                self.member_id,
                str(status),
                on=self.query_one("#on", Input).value,
                reason="" if reason is Select.NULL else str(reason),
                note=self.query_one("#note", Input).value,
            )
        except ServiceError as exc:
            error.update(str(exc))
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
