"""设置: this database's unit (code, name, clerk; the code correctable until the first sync file)
and the two working folders (the inbox for rosters and sync files, the folder exports go to)."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from clerk.registry import setup
from clerk.store import folders
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.widgets import GuardedForm

UNIT_FIELDS = (("code", "单位代码"), ("name", "单位名称"), ("clerk", "经办人"))


class SettingsScreen(GuardedForm, Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [Binding("escape", "cancel", "返回"), Binding("ctrl+s", "save", "保存")]

    def compose(self) -> ComposeResult:
        store = self.app.store
        unit = store.require_unit()
        values = {"code": unit.code, "name": unit.name, "clerk": unit.clerk}
        yield Header()
        with VerticalScroll():
            yield Static("设置（ctrl+s 保存，esc 返回）", classes="title")
            yield Static("本单位", classes="section")
            for key, label in UNIT_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Input(values[key], id=key, restrict=r"[0-9０-９ ]*" if key == "code" else None)
            yield Static("", id="code-hint", classes="hint")
            yield Static("文件夹（留空：放在数据库旁边）", classes="section")
            for folder in folders.all_folders(store):
                with Horizontal(classes="field"):
                    yield Label("收件文件夹" if folder.key == folders.IMPORTS else "导出文件夹")
                    shown = str(folder.path) if folder.source == "chosen" else ""
                    yield Input(shown, id=folder.key, placeholder=str(folders.beside(store.path, folder.key)))
                yield Static("", id=f"{folder.key}-hint", classes="hint")
            yield Static("", id="error", classes="error")
            with Horizontal(id="buttons"):
                yield Button("保存", id="save", variant="primary", compact=True)
                yield Button("返回", id="back", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self._explain()
        self.query_one("#name", Input).focus()
        self.call_after_refresh(self.remember_form)

    def _explain(self) -> None:
        store = self.app.store
        code = self.query_one("#code", Input)
        exported = setup.exported(store)
        code.disabled = exported
        region = setup.region_of(code.value)
        if exported:
            text = f"{region}。本库已导出过同步文件，单位代码不能再改（区县已按它收下本库的数据）。"
        else:
            text = f"{region or '前 6 位不是已知的区县代码'}。还没有导出过同步文件，代码填错了可以在这里改正。"
        self.query_one("#code-hint", Static).update(text)
        for folder in folders.all_folders(store):
            self.query_one(f"#{folder.key}-hint", Static).update(
                f"{folder.label}：{folder.path}（{folder.source_label}）"
            )

    @on(Input.Changed, "#code")
    def _code_changed(self) -> None:
        self._explain()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        store = self.app.store
        error = self.query_one("#error", Static)
        code, name, clerk = (self.query_one(f"#{key}", Input).value for key, _ in UNIT_FIELDS)
        try:
            setup.correct_unit(store, code, name, clerk)
            for key in folders.KEYS:
                current = folders.locate(store, key)
                typed = self.query_one(f"#{key}", Input).value.strip()
                if current.source != "env" and typed != (str(current.path) if current.source == "chosen" else ""):
                    folders.choose(store, key, typed)
        except ServiceError as exc:
            error.update(str(exc))
            return
        error.update("")
        unit = store.require_unit()
        self.app.sub_title = f"{unit.name} · 经办人 {unit.clerk}"
        self._explain()
        self.remember_form()
        self.notify("设置已保存。")

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_cancel()
