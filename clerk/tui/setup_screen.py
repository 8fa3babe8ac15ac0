"""First run: which township or district this database belongs to, the clerk's name, and the
passphrase that encrypts the database (typed twice; skipping it takes a warned second step)."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from clerk.registry import recovery_sheet, setup
from clerk.store import db, encryption, folders, keys
from clerk.store.store import ServiceError, open_store
from clerk.tui.app import ClerkApp
from clerk.tui.passphrase import PassphraseFields, RecoveryKeyScreen, SkipDialog
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
            if not keys.is_encrypted(self.app.store.path):
                yield PassphraseFields()
            yield Button("保存并开始使用", id="save", variant="primary")
        yield Footer()

    def __init__(self) -> None:
        super().__init__()
        self.recovery: keys.RecoveryKey | None = None  # set once the database is encrypted

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

    @on(Input.Changed, "#code, #name, #clerk")
    def _changed(self) -> None:
        errors = setup.validate_unit(*self._values())
        self._show(errors, only_filled=True)
        region = setup.region_of(self._values()[0])
        if region and "code" not in errors:
            self.query_one("#code-error", Static).update(f"[green]{region}[/]")

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["code", "name", "clerk"]
        key = event.input.id or ""
        fields = self._passphrase()
        if key in order[:-1]:
            self.query_one(f"#{order[order.index(key) + 1]}", Input).focus()
        elif key == "clerk" and fields is not None:
            fields.focus()  # the pair moves on to its second box itself; Enter there saves
        else:
            self.action_save()

    def _passphrase(self) -> PassphraseFields | None:
        found = self.query(PassphraseFields)
        return found.first() if found else None

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = self._values()
        errors = setup.validate_unit(*values)
        fields = self._passphrase()
        usable = fields.show() if fields else True
        if errors or not usable:
            self._show(errors, only_filled=False)
            return
        if fields and fields.skipped:
            self.app.push_screen(SkipDialog(), callback=lambda skip: self._save(values, None) if skip else None)
            return
        self._save(values, fields.value if fields else None)

    def _save(self, values: tuple[str, str, str], passphrase: str | None) -> None:
        app = self.app
        try:
            if passphrase and not keys.is_encrypted(app.store.path):
                app.store.close()
                try:
                    self.recovery = encryption.encrypt_new(app.store.path, passphrase)
                finally:
                    app.store = open_store(app.store.path)
            setup.set_up(app.store, *values)
        except (ServiceError, db.DatabaseError) as exc:  # e.g. the database is held by another clerk window
            self.notify(str(exc), severity="error", timeout=8)
            return
        if self.recovery is None:
            self.dismiss(None)
            return
        sheet = recovery_sheet.write(self.recovery, app.store.unit, app.store.path, folders.exports_dir(app.store))

        def printed(_: None) -> None:
            self.dismiss(None)

        app.push_screen(RecoveryKeyScreen(self.recovery, sheet), callback=printed)
