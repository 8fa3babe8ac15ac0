"""A password or passphrase typed twice: the two must match before it counts.

Tabbing back into a box keeps what was typed (Textual's Input selects all on focus, so the next key
would silently replace a secret nobody can see); the check under the boxes says in Chinese whether
the two agree. The owner reads `.value` (the secret, or "" when none was typed) and `.problem`
(a Chinese sentence, "" when the pair is fine) and listens for `SecretPair.Changed`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static


class SecretPair(Vertical):
    DEFAULT_CSS = """
    SecretPair { height: auto; }
    SecretPair > Horizontal { height: 1; }
    SecretPair > Horizontal > Label { width: 14; }
    SecretPair Input { border: none; height: 1; width: 1fr; max-width: 40; padding: 0 1; background: $boost; }
    SecretPair Input:focus { border: none; background: $primary 30%; }
    SecretPair #check { height: auto; margin-left: 14; padding: 0 1; color: $text-muted; }
    SecretPair #check.mismatch { color: $error; }
    SecretPair #check.match { color: $success; }
    """

    @dataclass
    class Changed(Message):
        """Either box changed; `ready` is True when the pair may be used as it stands."""

        pair: SecretPair
        ready: bool

        @property
        def control(self) -> SecretPair:
            return self.pair

    def __init__(
        self,
        label: str = "密码",
        *,
        what: str = "密码",
        required: bool = False,
        min_length: int = 0,
        placeholder: str = "",
        id: str | None = None,
    ):
        """label: the first box's label; what: the word used in messages (密码, 口令);
        required: an empty pair is a problem; min_length: the shortest secret accepted."""
        super().__init__(id=id)
        self.label = label
        self.what = what
        self.required = required
        self.min_length = min_length
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self.label)
            yield Input(id="first", password=True, select_on_focus=False, placeholder=self.placeholder)
        with Horizontal():
            yield Label("再输一次")
            yield Input(id="second", password=True, select_on_focus=False, placeholder=f"再输入一遍{self.what}")
        yield Static("", id="check")

    @property
    def value(self) -> str:
        """The secret as typed in the first box (check `problem` before using it)."""
        return self.query_one("#first", Input).value

    @property
    def problem(self) -> str:
        """What is wrong with the pair, in Chinese; "" when it can be used."""
        first = self.query_one("#first", Input).value
        second = self.query_one("#second", Input).value
        if not first and not second:
            return f"请输入{self.what}。" if self.required else ""
        if len(first) < self.min_length:
            return f"{self.what}至少要 {self.min_length} 个字符，现在是 {len(first)} 个。"
        if not second:
            return f"请在“再输一次”里再输入一遍{self.what}。"
        if first != second:
            return f"两次输入的{self.what}不一致，请重新输入。"
        return ""

    def clear(self) -> None:
        for box in self.query(Input):
            box.value = ""

    def focus(self, scroll_visible: bool = True) -> SecretPair:
        self.query_one("#first", Input).focus(scroll_visible)
        return self

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self._show_check()
        self.post_message(self.Changed(self, not self.problem))

    @on(Input.Submitted, "#first")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#second", Input).focus()

    def _show_check(self) -> None:
        """Say whether the two agree once the second box has something in it; nothing before."""
        check = self.query_one("#check", Static)
        typed_again = bool(self.query_one("#second", Input).value)
        problem = self.problem if typed_again else ""
        check.update(problem or ("两次输入一致。" if typed_again else ""))
        check.set_class(bool(problem), "mismatch")
        check.set_class(typed_again and not problem, "match")
