"""统计报表: choose a period, write the printable .xlsx in a thread worker, show where it went."""

from __future__ import annotations

from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, ProgressBar, Static

from clerk.reports import statistics as report
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.workers import run_job


class ReportScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [Binding("escape", "back", "返回")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("统计报表（会员和组织统计，可直接打印上报）", classes="title")
            yield Static(
                "统计期间写法：2026（全年）、2026-11（月）、2026-Q3（季度）、2026-01-01:2026-06-30（起止日期）。",
                classes="hint",
            )
            with Horizontal(classes="row"):
                yield Label("统计期间")
                yield Input(str(date.today().year), id="period")
            with Horizontal(id="buttons"):
                yield Button("生成报表", id="make", variant="primary")
                yield Button("返回", id="back")
            yield ProgressBar(id="progress", show_eta=False)
            yield Static("", id="result")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#period", Input).focus()

    @on(Input.Submitted, "#period")
    @on(Button.Pressed, "#make")
    def make(self) -> None:
        text = self.query_one("#period", Input).value
        try:
            period = report.parse_period(text)
        except ServiceError as exc:
            self._show(str(exc), failed=True)
            return
        self.query_one("#make", Button).disabled = True
        self._show(f"正在统计 {period.start} 至 {period.end}……")
        self.run_report(period)

    def run_report(self, period: report.Period) -> None:
        run_job(
            self,
            lambda store, progress: report.write_report(store, period=period, progress=progress),
            done=lambda path: self._finished(f"统计报表已生成：{path}"),
            failed=lambda message: self._finished(message, failed=True),
            progress=lambda done, total, _label: self.query_one(ProgressBar).update(total=total, progress=done),
            failure="生成报表失败：{error}",
            group="report",
        )

    def _finished(self, message: str, failed: bool = False) -> None:
        self.query_one("#make", Button).disabled = False
        self._show(message, failed=failed, done=not failed)

    def _show(self, text: str, *, failed: bool = False, done: bool = False) -> None:
        result = self.query_one("#result", Static)
        result.update(text)
        result.set_classes("error" if failed else "ok" if done else "hint")

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()
