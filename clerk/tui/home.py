"""Home dashboard: the figures a clerk is asked for most, and the keys to every screen."""

from __future__ import annotations

from datetime import date

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from clerk.reports import dashboard, targets
from clerk.tui.app import ClerkApp
from clerk.tui.orgs.org_summary import coverage_lines
from clerk.tui.passphrase import security_line
from clerk.tui.widgets.charts import MonthChart, ProgressChart


class Figure(Static):
    DEFAULT_CSS = """
    Figure { border: round $primary; height: 4; content-align: center middle; text-align: center; }
    """

    def __init__(self, label: str, key: str):
        super().__init__(id=key)
        self.label = label

    def show(self, value: int) -> None:
        self.update(f"[b]{value:,}[/b]\n{self.label}")


FIGURES = (
    ("members", "在册会员"),
    ("new_this_month", "本月新入会"),
    ("new_this_year", "本年新入会"),
    ("migrant", "农民工会员"),
    ("new_form", "新就业形态会员"),
    ("organisations", "基层工会组织"),
)


class HomeScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        # Short labels: all eight keys and ^p fit one 80-column footer.
        Binding("m", "app.members", "名册"),
        Binding("n", "app.add_member", "登记"),
        Binding("o", "app.orgs", "组织"),
        Binding("s", "app.sync", "同步"),
        Binding("r", "app.report", "报表"),
        Binding("i", "app.import_roster", "导入"),
        Binding("b", "app.batches", "导入记录"),
        Binding("a", "as_of", "按日期统计", show=False),
        Binding("q", "app.quit", "退出"),
        Binding("t", "app.targets", "目标", show=False),
        Binding("c", "app.check", "数据检查", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="unit", classes="title")
        with Grid():
            for key, label in FIGURES:
                yield Figure(label, key)
        yield Static("", id="coverage")
        yield Static("", id="security")
        with Horizontal(id="year"):
            with Vertical(id="targets-box"):
                yield Static("", id="targets-title", classes="caption")
                yield ProgressChart(id="targets")
            with Vertical(id="months-box"):
                yield Static("", id="months-title", classes="caption")
                yield MonthChart(id="months")
        yield Static(
            "按 m 查找会员，n 登记新会员，o 组织机构，s 同步，r 报表，i 导入花名册，b 导入记录，"
            "t 目标任务，c 数据检查，a 按日期统计；ctrl+p 全部命令（含设置）。",
            classes="hint",
        )
        yield Footer()

    def on_screen_resume(self) -> None:
        # Also sent when the screen is first shown: the figures are read once, not twice.
        self.refresh_figures()

    as_of: date | None = None  # the figures' date when the clerk chose one (a): else today

    def refresh_figures(self) -> None:
        store = self.app.store
        unit = store.require_unit()
        when = f"    截至 {self.as_of}（按修改记录重建）" if self.as_of else ""
        self.query_one("#unit", Static).update(f"{unit.name}（{unit.level_label} {unit.code}）{when}")
        figures = dashboard.figures(store, as_of=self.as_of)
        for key, _ in FIGURES:
            self.query_one(f"#{key}", Figure).show(getattr(figures, key))
        self.query_one("#coverage", Static).update(coverage_lines(store))
        self.query_one("#security", Static).update(security_line(store))
        self.show_year(targets.progress(store))

    def show_year(self, year: targets.YearProgress) -> None:
        """This year's targets (only the categories that have one) and new members month by month."""
        items = [p for p in year.unit.progress() if p.target is not None]
        title = self.query_one("#targets-title", Static)
        if items:
            title.update(f"{year.year} 年目标任务完成情况（t 查看、设定）")
            self.query_one("#targets", ProgressChart).show(items)
        else:
            title.update(f"{year.year} 年还没有目标任务：按 t 设定。")
            self.query_one("#targets", ProgressChart).update("")
        self.query_one("#months-title", Static).update(f"{year.year} 年每月新入会")
        self.query_one("#months", MonthChart).show(year.months, height=3)

    def action_as_of(self) -> None:
        from clerk.tui.as_of_dialog import AsOfDialog

        def chosen(day: date | None) -> None:
            if day is None:
                return
            self.as_of = None if day == date.today() else day
            self.refresh_figures()

        self.app.push_screen(AsOfDialog(self.as_of), callback=chosen)
