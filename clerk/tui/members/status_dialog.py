"""Dialog for a member's status change (在册 / 转出 / 退会 / 已故), with a note."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from clerk.domain import choices


class StatusDialog(ModalScreen[tuple[str, str] | None]):
    BINDINGS = [Binding("escape", "cancel", "取消")]
    DEFAULT_CSS = """
    StatusDialog { align: center middle; }
    StatusDialog > Vertical { width: 60; height: auto; border: thick $primary; background: $panel; padding: 1 2; }
    StatusDialog Horizontal { height: auto; margin-top: 1; }
    StatusDialog Button { margin-right: 2; }
    """

    def __init__(self, current: str):
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"当前状态：{self.current}", classes="title")
            yield Label("改为")
            yield Select([(s, s) for s in choices.MEMBER_STATUSES if s != self.current], id="status", prompt="请选择")
            yield Label("说明（转出时写明转往何处）")
            yield Input(id="note")
            yield Static("", id="error", classes="error")
            with Horizontal():
                yield Button("确定", id="ok", variant="primary")
                yield Button("取消", id="cancel")

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        status = self.query_one("#status", Select).value
        note = self.query_one("#note", Input).value.strip()
        if status is Select.NULL:
            self.query_one("#error", Static).update("请选择新的状态。")
            return
        if status == "转出" and not note:
            self.query_one("#error", Static).update("转出时请写明转往哪个单位或乡镇。")
            return
        self.dismiss((str(status), note))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
