"""导出同步文件: incremental or complete, optionally with a password, in a thread worker."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, ProgressBar, Static

from clerk.reports import completeness
from clerk.store import folders
from clerk.sync import export as sync_export
from clerk.tui.app import ClerkApp
from clerk.tui.workers import run_job


class ExportScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("ctrl+e", "export", "导出"),
        Binding("ctrl+r", "app.report", "统计报表"),
    ]
    DEFAULT_CSS = """
    ExportScreen VerticalScroll { padding: 0 1; }
    ExportScreen .row { height: auto; margin-top: 1; }
    ExportScreen .row Label { width: 14; padding-top: 1; }
    ExportScreen #password { width: 40; }
    ExportScreen #buttons { height: auto; margin-top: 1; }
    ExportScreen Button { margin-right: 2; }
    ExportScreen ProgressBar { margin-top: 1; }
    ExportScreen #result { margin-top: 1; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("导出同步文件（交给区县总工会合并）", classes="title")
            yield Static("", id="pending", classes="hint")
            yield Static("", id="problems", classes="hint")
            yield Checkbox("完整导出（全部数据；平时只导出上次以来的修改）", id="full")
            with Horizontal(classes="row"):
                yield Label("密码（可不填）")
                yield Input(id="password", password=True, placeholder="Excel/WPS 打开时要输入")
            with Horizontal(id="buttons"):
                yield Button("导出", id="export", variant="primary")
                yield Button("统计报表", id="report")
                yield Button("返回", id="back")
            yield ProgressBar(id="progress", show_eta=False)
            yield Static("", id="result")
        yield Footer()

    def on_mount(self) -> None:
        self._show_pending()
        run_job(
            self,
            lambda store, _progress: completeness.open_problems(store),
            done=self._show_problems,
            failed=lambda _message: None,
            group="problems",
        )
        self.query_one("#export", Button).focus()

    def _show_pending(self) -> None:
        last, newest = sync_export.pending(self.app.store)
        if newest > last:
            folder = folders.locate(self.app.store, folders.EXPORTS).path
            text = f"上次导出到修改序号 {last}，之后有 {newest - last} 条修改待导出。文件保存到 {folder}"
        else:
            text = f"上次导出到修改序号 {last}，之后没有新的修改（可选完整导出）。"
        self.query_one("#pending", Static).update(text)

    def _show_problems(self, count: int) -> None:
        if count:
            problems = self.query_one("#problems", Static)
            problems.update(
                f"注意：还有 {count:,} 个数据问题没有处理（缺手机号、缺入会日期等）。"
                "可以照常导出；按 ctrl+p 打开“数据检查”查看。"
            )
            problems.set_classes("error")

    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self.query_one("#export", Button).disabled:
            return
        full = self.query_one("#full", Checkbox).value
        password = self.query_one("#password", Input).value or None
        self.query_one("#export", Button).disabled = True
        self.query_one("#result", Static).update("正在导出……")
        self.query_one("#result", Static).set_classes("hint")
        self.run_export(full, password)

    def run_export(self, full: bool, password: str | None) -> None:
        run_job(
            self,
            lambda store, progress: sync_export.export(store, full=full, password=password, progress=progress),
            done=lambda result: self._finished(result.message, str(result.path) if result.path else None),
            failed=lambda message: self._finished(message, None, failed=True),
            progress=self._progressed,
            failure="导出失败：{error}。没有生成文件。",
            group="export",
        )

    def _progressed(self, done: int, total: int | None, label: str) -> None:
        self.query_one(ProgressBar).update(total=max(total or 0, 1), progress=done)

    def _finished(self, message: str, path: str | None, failed: bool = False) -> None:
        self.query_one("#export", Button).disabled = False
        result = self.query_one("#result", Static)
        result.update(message)
        result.set_classes("error" if failed else "ok")
        if path:
            self.query_one(ProgressBar).update(total=1, progress=1)
            self.notify(f"已导出：{path}", timeout=6)
        self._show_pending()

    @on(Button.Pressed, "#report")
    def _report(self) -> None:
        self.app.action_report()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()
