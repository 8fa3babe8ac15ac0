"""No passphrase at first run: say plainly what that means, and let the clerk go back."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from clerk.store.encryption import PLAIN_WARNING


class SkipDialog(ModalScreen[bool]):
    """Dismissed with True when the clerk really wants no encryption."""

    BINDINGS = [Binding("escape", "back", "返回设置口令")]
    DEFAULT_CSS = """
    SkipDialog { align: center middle; }
    SkipDialog > Vertical { width: 70; height: auto; border: thick $warning; background: $panel; padding: 0 1; }
    SkipDialog #buttons { height: auto; margin-top: 1; }
    SkipDialog Button { margin-right: 2; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("没有设置口令", classes="title")
            yield Static(PLAIN_WARNING, id="warning")
            with Horizontal(id="buttons"):
                yield Button("返回设置口令", id="back", variant="primary")
                yield Button("不加密，继续", id="skip", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#back", Button).focus()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#skip")
    def _skip(self) -> None:
        self.dismiss(True)
