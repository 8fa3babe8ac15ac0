"""Step 3 of the import wizard: the counts per outcome and every row that needs attention, with
its reason; the error report of the rejected rows can be written before importing."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from clerk.importing import error_report as import_report
from clerk.importing import pipeline as importer
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.cells import fit
from clerk.tui.importing.steps import Say

SHOWN_PROBLEMS = 1000
COUNT_LABELS = (
    ("new", "新入会"),
    ("updated", "更新"),
    ("unchanged", "已是会员"),
    ("duplicate", "重复"),
    ("rejected", "未导入"),
    ("warning", "需核对"),
)


def counts_text(counts: dict[str, int]) -> str:
    return " · ".join(f"{label} {counts.get(key, 0):,}" for key, label in COUNT_LABELS)


class PreviewStep(Vertical):
    app = getters.app(ClerkApp)

    DEFAULT_CSS = """
    PreviewStep #counts { height: auto; }
    PreviewStep #problems { height: 1fr; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.plan: importer.Plan | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="counts")
        table: DataTable[str] = DataTable(id="problems", cursor_type="row", zebra_stripes=True)
        table.add_columns("工作表", "行", "姓名", "情况", "原因")
        yield table
        with Horizontal(classes="buttons"):
            yield Button("导入", id="commit", variant="primary")
            yield Button("写出错误报告", id="report-plan")
            yield Button("改列对应", id="to-map")

    def show(self, plan: importer.Plan, writes: bool) -> None:
        """The plan's figures and problem rows; `writes`: whether importing it would change anything."""
        self.plan = plan
        self.query_one("#counts", Static).update("\n".join(plan_lines(plan)))
        table = self.query_one("#problems", DataTable)
        table.clear()
        for p in plan.problems[:SHOWN_PROBLEMS]:
            table.add_row(fit(p.sheet, 16), str(p.row), fit(p.name, 12), p.kind_label, p.reason)
        more = f"（只列出前 {SHOWN_PROBLEMS} 行，完整的见错误报告）" if len(plan.problems) > SHOWN_PROBLEMS else ""
        if plan.problems:
            self.post_message(Say(f"需要注意的行 {len(plan.problems):,} 行{more}。确认无误后按“导入”。"))
        else:
            self.post_message(Say("没有问题行。确认无误后按“导入”。", "ok"))
        self.query_one("#commit", Button).disabled = not writes
        self.query_one("#report-plan", Button).disabled = not plan.rejects
        self.query_one("#commit", Button).focus()

    @on(DataTable.RowHighlighted, "#problems")
    def _problem_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.plan is not None and 0 <= event.cursor_row < len(self.plan.problems):
            p = self.plan.problems[event.cursor_row]
            self.post_message(Say(f"{p.sheet} 第 {p.row} 行 {p.name} {p.id_masked}：{p.reason}"))

    @on(Button.Pressed, "#report-plan")
    def _report_plan(self, event: Button.Pressed) -> None:
        event.stop()
        if self.plan is None:
            return
        try:
            path = import_report.for_plan(self.app.store, self.plan)
        except ServiceError as exc:
            self.post_message(Say(str(exc), "error"))
            return
        self.post_message(Say(f"错误报告已写到：{path}", "ok"))


def plan_lines(plan: importer.Plan) -> list[str]:
    lines = [counts_text(plan.counts)]
    if plan.counts["skipped"]:
        lines.append(f"[dim]跳过空行、说明和签名行 {plan.counts['skipped']} 行[/dim]")
    if plan.org_name:
        lines.append(f"导入到：{plan.org_name}")
    lines.extend(f"· {note}" for note in plan.notes[:3])
    if plan.already_imported:
        prev = plan.already_imported
        when = prev["created_at"].replace("T", " ")
        lines.append(f"[yellow]这个文件已于 {when} 导入过（批次 #{prev['id']}）：导入不会有任何改动。[/]")
    return lines
