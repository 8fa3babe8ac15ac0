"""A passphrase being set: typed twice, checked as it is typed (the same rules as the command line)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from clerk.store import keys


class PassphraseFields(Vertical):
    DEFAULT_CSS = """
    PassphraseFields { height: auto; }
    PassphraseFields Input { width: 50; }
    """

    def compose(self) -> ComposeResult:
        yield Label(f"数据库口令（至少 {keys.MIN_PASSPHRASE} 个字符；每次打开 clerk 时输入）")
        yield Input(id="passphrase", password=True, placeholder="口令")
        yield Label("再输入一次口令")
        yield Input(id="passphrase2", password=True, placeholder="再输入一次")
        yield Static("", id="passphrase-error", classes="error")
        yield Static("留空则不加密（不推荐：拿到这台电脑的人都能读到会员信息）。", classes="hint")

    @property
    def values(self) -> tuple[str, str]:
        return self.query_one("#passphrase", Input).value, self.query_one("#passphrase2", Input).value

    @property
    def skipped(self) -> bool:
        return self.values == ("", "")

    def problem(self, final: bool) -> str | None:
        """Why the passphrase can't be used yet (None: usable, or skipped)."""
        first, second = self.values
        if not first and not second:
            return None
        if not first:
            return "请先在上一栏输入口令。"
        reason = keys.check_passphrase(first)
        if reason:
            return reason
        if (second and second != first[: len(second)]) or (final and second != first):
            return "两次输入的口令不一样。"
        return None

    @on(Input.Changed)
    def _changed(self) -> None:
        first, second = self.values
        text = self.problem(final=False) if (second or len(first) >= keys.MIN_PASSPHRASE) else None
        self.query_one("#passphrase-error", Static).update(text or "")

    def show(self) -> bool:
        """Show the final check; True when it may be saved."""
        text = self.problem(final=True)
        self.query_one("#passphrase-error", Static).update(text or "")
        return text is None
