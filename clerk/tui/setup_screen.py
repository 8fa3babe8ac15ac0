"""First run: which township or district this database belongs to, and the clerk's name."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from clerk.registry import setup
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.widgets import GuardedForm


class SetupScreen(GuardedForm, Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [Binding("ctrl+s", "save", "保存")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("首次使用：请填写本单位信息。以后每条修改记录和同步文件都会带上这些信息。", classes="title")
            yield Label("单位代码（乡镇/街道 9 位，区县 6 位）")
            yield Input(id="code", placeholder="如 500101001", max_length=9, restrict=r"\d*")
            yield Static("", id="code-error", classes="error")
            yield Label("单位名称")
            yield Input(id="name", placeholder="如 某某镇总工会")
            yield Static("", id="name-error", classes="error")
            yield Label("经办人姓名")
            yield Input(id="clerk", placeholder="您的姓名")
            yield Static("", id="clerk-error", classes="error")
            yield Button("保存并开始使用", id="save", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        # The scroll container is focusable too and would take the focus: typing must go to the code.
        self.query_one("#code", Input).focus()
        self.call_after_refresh(self.remember_form)

    def _values(self) -> tuple[str, str, str]:
        return tuple(self.query_one(f"#{k}", Input).value for k in ("code", "name", "clerk"))  # type: ignore[return-value]

    def _show(self, errors: dict[str, str], only_filled: bool) -> None:
        for key in ("code", "name", "clerk"):
            filled = bool(self.query_one(f"#{key}", Input).value)
            text = errors.get(key, "") if (filled or not only_filled) else ""
            self.query_one(f"#{key}-error", Static).update(text)

    @on(Input.Changed)
    def _changed(self) -> None:
        self._show(setup.validate_unit(*self._values()), only_filled=True)

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["code", "name", "clerk"]
        key = event.input.id or ""
        if key in order[:-1]:
            self.query_one(f"#{order[order.index(key) + 1]}", Input).focus()
        else:
            self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = self._values()
        errors = setup.validate_unit(*values)
        if errors:
            self._show(errors, only_filled=False)
            return
        try:
            setup.set_up(self.app.store, *values)
        except ServiceError as exc:  # e.g. the database is held by another clerk window
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.dismiss(None)
