"""导出同步文件: incremental or complete, optionally with a password, in a thread worker."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, ProgressBar, Static

from clerk.store.store import ServiceError, Store
from clerk.sync import export as sync_export


class ExportScreen(Screen[None]):
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

    @dataclass
    class Progressed(Message):
        done: int
        total: int
        label: str

    @dataclass
    class Finished(Message):
        message: str
        path: str | None
        failed: bool = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("导出同步文件（交给区县总工会合并）", classes="title")
            yield Static("", id="pending", classes="hint")
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
        self.query_one("#export", Button).focus()

    def _show_pending(self) -> None:
        last, newest = sync_export.pending(self.app.store)
        if newest > last:
            text = f"上次导出到修改序号 {last}，之后有 {newest - last} 条修改待导出。文件保存到 exports/ 文件夹。"
        else:
            text = f"上次导出到修改序号 {last}，之后没有新的修改（可选完整导出）。"
        self.query_one("#pending", Static).update(text)

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

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, full: bool, password: str | None) -> None:
        # A connection of its own: the worker thread must not share the app's transactions.
        store = None
        try:
            store = Store(self.app.store.path)
            result = sync_export.export(
                store,
                full=full,
                password=password,
                progress=lambda done, total, label: self.post_message(self.Progressed(done, total, label)),
            )
            self.post_message(self.Finished(result.message, str(result.path) if result.path else None))
        except ServiceError as exc:
            self.post_message(self.Finished(str(exc), None, failed=True))
        except Exception as exc:  # noqa: BLE001 - shown to the clerk, never a traceback
            self.post_message(self.Finished(f"导出失败：{exc}。没有生成文件。", None, failed=True))
        finally:
            if store is not None:
                store.close()

    @on(Progressed)
    def _progressed(self, event: Progressed) -> None:
        self.query_one(ProgressBar).update(total=max(event.total, 1), progress=event.done)

    @on(Finished)
    def _finished(self, event: Finished) -> None:
        self.query_one("#export", Button).disabled = False
        result = self.query_one("#result", Static)
        result.update(event.message)
        result.set_classes("error" if event.failed else "ok")
        if event.path:
            self.query_one(ProgressBar).update(total=1, progress=1)
            self.notify(f"已导出：{event.path}", timeout=6)
        self._show_pending()

    @on(Button.Pressed, "#report")
    def _report(self) -> None:
        self.app.action_report()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()
