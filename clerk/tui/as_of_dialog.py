"""Ask for the date the home figures are counted on (empty or 今天: today's figures)."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from clerk.domain import dates


class AsOfDialog(ModalScreen[date | None]):
    """Dismissed with the date, today's date for 今天, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "取消")]
    DEFAULT_CSS = """
    AsOfDialog { align: center middle; }
    AsOfDialog > Vertical { width: 56; height: auto; border: thick $primary; background: $panel; padding: 1 2; }
    AsOfDialog Horizontal { height: auto; margin-top: 1; }
    AsOfDialog Button { margin-right: 2; }
    """

    def __init__(self, shown: date | None = None):
        super().__init__()
        self.shown = shown

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("按日期统计会员", classes="title")
            yield Label("统计到哪一天（如 2026-06-30；会籍状态按修改记录重建）")
            yield Input(self.shown.isoformat() if self.shown else "", id="day", placeholder=date.today().isoformat())
            yield Static("", id="error", classes="error")
            with Horizontal():
                yield Button("确定", id="ok", variant="primary")
                yield Button("今天", id="today")
                yield Button("取消", id="cancel")

    @on(Input.Submitted, "#day")
    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        try:
            text = dates.parse(self.query_one("#day", Input).value, "统计日期")
        except dates.InvalidDate as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self.dismiss(date.fromisoformat(text) if text else date.today())

    @on(Button.Pressed, "#today")
    def _today(self) -> None:
        self.dismiss(date.today())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
