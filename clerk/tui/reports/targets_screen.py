"""目标任务: the year's targets and how far each unit has come, and a form to set one.

A township sees its own row (and can type its targets while none came from the district); a
district sees itself and each township, and sets the townships' targets here.
"""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Select, Static

from clerk.domain import targets as rules
from clerk.reports import targets
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.widgets.charts import ProgressChart


def cell(item: rules.Progress) -> str:
    if item.target is None:
        return f"{item.done:,}"
    rate = "—" if item.rate is None else f"{item.rate:.0%}"
    return f"{item.done:,}/{item.target:,} {rate}"


class TargetsScreen(Screen[None]):
    app = getters.app(ClerkApp)
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("ctrl+s", "save", "保存目标"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            with Horizontal(classes="row"):
                yield Label("年度")
                yield Input(str(targets.today().year), id="year", max_length=4)
                yield Static("", id="summary", classes="hint")
            yield ProgressChart(id="chart")
            yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
            yield Static("设定目标：选单位和类别，填目标数，按 ctrl+s 或“保存”。", classes="hint")
            with Horizontal(classes="row"):
                own = self.app.store.require_unit()
                yield Select[str]([(own.name, own.code)], id="unit", allow_blank=False)
                yield Select[str]([(c, c) for c in rules.CATEGORIES], id="category", allow_blank=False)
                yield Input("", id="count", placeholder="目标数", max_length=12)
                yield Button("保存", id="save", variant="primary")
            yield Static("", id="result")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#table", DataTable)
        table.add_column("单位", key="unit", width=18)
        for category in rules.CATEGORIES:
            table.add_column(rules.SHORT[category], key=category)
        self.refresh_figures()
        self.query_one("#count", Input).focus()

    def _year(self) -> int | None:
        try:
            return rules.year(self.query_one("#year", Input).value)
        except rules.InvalidTarget as exc:
            self._show(str(exc), failed=True)
            return None

    def refresh_figures(self) -> None:
        year = self._year()
        if year is None:
            return
        p = targets.progress(self.app.store, year)
        self.query_one("#summary", Static).update(
            f"  截至 {p.through}" + ("（目标为各下属单位之和）" if p.targets_summed else "")
        )
        self.query_one("#chart", ProgressChart).show(p.unit.progress())
        table = self.query_one("#table", DataTable)
        table.clear()
        rows = [p.unit, *p.below]
        for row in rows:
            name = row.name + ("（合计）" if row is p.unit and p.below else "")
            table.add_row(name, *[cell(item) for item in row.progress()], key=row.code)
        units = self.query_one("#unit", Select)
        chosen = units.value if units.value is not Select.BLANK else None
        units.set_options([(f"{r.name}（{r.code}）" if r.name != r.code else r.code, r.code) for r in rows])
        if chosen in {r.code for r in rows}:
            units.value = chosen

    @on(Input.Submitted, "#year")
    @on(Input.Changed, "#year")
    def year_changed(self) -> None:
        if len(self.query_one("#year", Input).value.strip()) == 4:
            self.refresh_figures()

    @on(DataTable.RowSelected, "#table")
    def pick_unit(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.query_one("#unit", Select).value = event.row_key.value
            self.query_one("#count", Input).focus()

    @on(Input.Submitted, "#count")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        unit = self.query_one("#unit", Select).value
        category = self.query_one("#category", Select).value
        try:
            t = targets.set_target(
                self.app.store,
                year=self.query_one("#year", Input).value,
                category=category,
                count=self.query_one("#count", Input).value,
                unit=str(unit) if unit is not Select.BLANK else None,
            )
        except ServiceError as exc:
            self._show(str(exc), failed=True)
            return
        self.query_one("#count", Input).value = ""
        self.refresh_figures()
        self._show(f"已保存：{t.year} 年 {t.unit_code}“{t.category}”目标 {t.count:,}。", done=True)

    def _show(self, text: str, *, failed: bool = False, done: bool = False) -> None:
        result = self.query_one("#result", Static)
        result.update(text)
        result.set_classes("error" if failed else "ok" if done else "hint")

    def action_back(self) -> None:
        self.app.pop_screen()
