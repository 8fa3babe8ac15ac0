"""Step 4 of the import wizard: what the import did, where the backup went, and the error report
for the employer one key away."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from clerk.importing import error_report as import_report
from clerk.importing import pipeline as importer
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.importing.steps import Say


class ResultStep(Vertical):
    app = getters.app(ClerkApp)

    DEFAULT_CSS = """
    ResultStep #result-text { height: auto; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.result: importer.Result | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="result-text")
        with Horizontal(classes="buttons"):
            yield Button("写出错误报告", id="report", variant="primary")
            yield Button("导入记录", id="history2")
            yield Button("再导入一个", id="again2")

    def show(self, result: importer.Result, rejects: bool) -> None:
        """rejects: the plan had rows that were not imported (an error report is worth writing)."""
        self.result = result
        lines = [result.message]
        if result.backup:
            lines.append(f"[dim]导入前的数据库已备份：{result.backup}[/dim]")
        if result.written:
            lines.append("如需撤销，在“导入记录”中选中这个批次按 u。")
        self.query_one("#result-text", Static).update("\n".join(lines))
        report = self.query_one("#report", Button)
        report.disabled = not (result.written and rejects)
        (self.query_one("#again2", Button) if report.disabled else report).focus()

    @on(Button.Pressed, "#report")
    def _report(self, event: Button.Pressed) -> None:
        event.stop()
        if self.result is None or self.result.batch_id is None:
            return
        try:
            path = import_report.for_batch(self.app.store, self.result.batch_id)
        except ServiceError as exc:
            self.post_message(Say(str(exc), "error"))
            return
        self.post_message(Say(f"错误报告已写到：{path}（发给单位修改后再导入）", "ok"))
