"""A member's status change (退会, 已故, back to 在册, or 转出 with where to), with the day it took
effect and the reason; the dialog says what will happen and writes it when the clerk confirms."""

from __future__ import annotations

from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from clerk.domain import choices
from clerk.registry import members
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.widgets import Choice, GuardedForm

REASON_HINTS = {
    "退会": "如 本人申请、退休不保留会籍",
    "已故": "如 病故",
    "转出": "转往哪个单位或乡镇（街道）",
    "在册": "如 恢复会籍",
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
        with Vertical():
            yield Static(f"{self.name_} 的会员状态：现在是“{self.current}”", classes="title")
            with Horizontal(classes="row"):
                yield Label("改为")
                options = [(s, s) for s in choices.MEMBER_STATUSES if s != self.current]
                yield Choice(options, id="status", prompt="请选择")
            with Horizontal(classes="row"):
                yield Label("生效日期")
                yield Input(date.today().isoformat(), id="on", placeholder="年-月-日")
            with Horizontal(classes="row"):
                yield Label("原因")
                yield Input(id="reason", placeholder="先选择新的状态")
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
    @on(Input.Changed)
    def _explain(self) -> None:
        status = self.query_one("#status", Select).value
        if status is Select.NULL:
            self.query_one("#effect", Static).update("")
            return
        self.query_one("#reason", Input).placeholder = REASON_HINTS.get(str(status), "")
        on_date = self.query_one("#on", Input).value.strip()
        effect = (
            f"确定后，{self.name_} 的状态由“{self.current}”改为“{status}”（{on_date}），记入修改记录并随同步文件上报。"
        )
        self.query_one("#effect", Static).update(effect)
        self.query_one("#error", Static).update("")

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        status = self.query_one("#status", Select).value
        reason = self.query_one("#reason", Input).value.strip()
        error = self.query_one("#error", Static)
        if status is Select.NULL:
            error.update("请选择新的状态。")
            return
        if status in ("退会", "已故") and not reason:
            error.update(f"请写明{status}的原因。")
            self.query_one("#reason", Input).focus()
            return
        try:
            members.change_status(
                self.app.store, self.member_id, str(status), reason, on=self.query_one("#on", Input).value
            )
        except ServiceError as exc:
            error.update(str(exc))
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
