"""After the passphrase is set: the recovery key, the sheet written to print, and what it is for."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from clerk.store import keys


class RecoveryKeyScreen(Screen[None]):
    DEFAULT_CSS = """
    RecoveryKeyScreen VerticalScroll { padding: 0 2; }
    RecoveryKeyScreen #key { text-style: bold; padding: 1 4; }
    RecoveryKeyScreen Button { margin-top: 1; }
    """

    def __init__(self, recovery: keys.RecoveryKey, sheet: Path):
        super().__init__()
        self.recovery, self.sheet = recovery, sheet

    def compose(self) -> ComposeResult:
        groups = self.recovery.text.split("-")
        yield Header()
        with VerticalScroll():
            yield Static("数据库已加密。下面是恢复密钥：", classes="title")
            yield Static(f"{'-'.join(groups[:4])}\n{'-'.join(groups[4:])}", id="key")
            yield Static(
                f"恢复密钥单已写入：{self.sheet}\n"
                "请现在把它打印出来（一页），锁进柜子，然后删除这个文件；不要拍照、不要发微信。\n"
                "忘记口令时，只有它能打开数据库和备份（clerk passphrase reset）。",
                id="advice",
            )
            yield Button("我已打印（或抄下）恢复密钥", id="done", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#done", Button).focus()

    @on(Button.Pressed, "#done")
    def _done(self) -> None:
        self.dismiss(None)
