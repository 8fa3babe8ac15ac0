"""Start of an encrypted database: the passphrase, once. A wrong one says so; nothing is changed."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from clerk.store import keys
from clerk.store.store import ServiceError, Store, open_store


class UnlockScreen(Screen[Store]):
    """Dismissed with the opened store."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "退出")]
    DEFAULT_CSS = """
    UnlockScreen VerticalScroll { padding: 1 2; }
    UnlockScreen Input { width: 50; }
    """

    def __init__(self, db_path: Path):
        super().__init__()
        self.db_path = db_path

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("数据库已加密。请输入口令后按回车。", classes="title")
            yield Static(f"数据库：{self.db_path}", classes="hint")
            yield Input(id="passphrase", password=True, placeholder="口令")
            yield Static("", id="error", classes="error")
            yield Static(
                "忘记口令？用设置时打印的恢复密钥单，在终端运行：clerk passphrase reset",
                classes="hint",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passphrase", Input).focus()

    @on(Input.Submitted, "#passphrase")
    def _unlock(self, event: Input.Submitted) -> None:
        error = self.query_one("#error", Static)
        if not event.value:
            error.update("请输入口令。")
            return
        try:
            keys.unlock(self.db_path, event.value)
            store = open_store(self.db_path)
        except (keys.KeyProblem, ServiceError) as exc:
            keys.forget(self.db_path)
            error.update(str(exc))
            event.input.clear()
            return
        self.dismiss(store)
