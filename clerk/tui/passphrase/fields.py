"""A passphrase being set: the shared "typed twice" pair, with the passphrase rules of the command
line (keys.check_passphrase) on top; both left empty means no encryption (the screen then warns)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from clerk.store import keys
from clerk.tui.widgets import SecretPair


class PassphraseFields(Vertical):
    DEFAULT_CSS = """
    PassphraseFields { height: auto; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Label(f"数据库口令：至少 {keys.MIN_PASSPHRASE} 个字符，每次打开 clerk 时输入")
        yield SecretPair("口令", what="口令", min_length=keys.MIN_PASSPHRASE, id="passphrase")
        yield Static("", id="passphrase-error", classes="error")
        yield Static("留空则不加密（不推荐：拿到这台电脑的人都能读到会员信息）。", classes="hint")

    @property
    def pair(self) -> SecretPair:
        return self.query_one(SecretPair)

    @property
    def value(self) -> str:
        return self.pair.value

    @property
    def skipped(self) -> bool:
        return not self.pair.value and not self.pair.problem

    def show(self) -> bool:
        """Show what stops it from being saved; True when it may be saved (or was left empty)."""
        problem = self.pair.problem or (keys.check_passphrase(self.value) if self.value else None) or ""
        self.query_one("#passphrase-error", Static).update(problem)
        return not problem

    def focus(self, scroll_visible: bool = True) -> PassphraseFields:
        self.pair.focus(scroll_visible)
        return self
