"""Organisation summary (建会入会统计): unions by kind and industry, members per organisation,
and the membership rate of enterprises with 25 or more employees."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from clerk.reports import coverage
from clerk.tui.app import ClerkApp


class PagedTable(DataTable[Any]):
    """A DataTable given all its rows at once but drawing them a page at a time, the next page
    as the cursor nears the end: measuring 5,000 rows up front would take seconds."""

    PAGE = 200

    def __init__(self, **kwargs: Any):
        super().__init__(cursor_type="row", **kwargs)
        self.pending: list[Any] = []
        self.row_of: Callable[[Any], Iterable[Any]] = tuple

    def set_rows(self, items: Iterable[Any], row_of: Callable[[Any], Iterable[Any]]) -> None:
        """items: the records; row_of(item) -> the cells, called only for the rows drawn."""
        self.clear()
        self.pending = list(items)
        self.row_of = row_of
        self._more()

    def _more(self) -> None:
        page, self.pending = self.pending[: self.PAGE], self.pending[self.PAGE :]
        self.add_rows(self.row_of(item) for item in page)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.pending and event.cursor_row >= self.row_count - 20:
            self._more()

    @property
    def total(self) -> int:
        return self.row_count + len(self.pending)


def _n(value: int | None) -> Text:
    return Text("—" if value is None else f"{value:,}", justify="right")


class OrgSummaryScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [Binding("escape", "back", "返回"), Binding("o", "app.orgs", "组织机构")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="totals")
        with TabbedContent(initial="big"):
            with TabPane("25人以上企业", id="big"):
                yield PagedTable(id="big-table", zebra_stripes=True)
            with TabPane("类型与行业", id="kinds"), Horizontal(id="kinds-row"):
                yield DataTable(id="kind-table", cursor_type="row")
                yield DataTable(id="industry-table", cursor_type="row")
            with TabPane("各工会会员", id="per-org"):
                yield PagedTable(id="org-table", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        s = coverage.summary(self.app.store)
        lines = [
            f"在用工会组织 [b]{s.organisations:,}[/b] 个；在册会员 [b]{s.members:,}[/b] 人，"
            f"其中农民工 {s.migrant:,} 人、新就业形态 {s.new_form:,} 人"
            + (f"，未分配工会 {s.unassigned:,} 人" if s.unassigned else "")
            + "。",
            f"25人以上企业（已建工会）[b]{len(s.big):,}[/b] 家，职工 {s.big_employees:,} 人，"
            f"会员 {s.big_members:,} 人，入会率 [b]{s.big_rate_label}[/b]。",
        ]
        self.query_one("#totals", Static).update("\n".join(lines))

        big = self.query_one("#big-table", PagedTable)
        big.add_columns("企业工会", "职工", "会员", "入会率")
        big.set_rows(
            s.big,
            lambda o: (
                o.name[:24],
                _n(o.employees),
                _n(o.members),
                Text(o.rate_label + ("！" if (o.rate or 0) > 1 else ""), justify="right"),
            ),
        )
        kinds = self.query_one("#kind-table", DataTable)
        kinds.add_columns("组织类型", "个数")
        kinds.add_rows((kind, _n(count)) for kind, count in s.by_kind)
        industries = self.query_one("#industry-table", DataTable)
        industries.add_columns("行业", "个数")
        industries.add_rows((industry, _n(count)) for industry, count in s.by_industry)
        per_org = self.query_one("#org-table", PagedTable)
        per_org.add_columns("工会", "会员", "农民工", "新就业形态", "职工")
        per_org.set_rows(
            s.per_org, lambda o: (o.name[:22], _n(o.members), _n(o.migrant), _n(o.new_form), _n(o.employees))
        )
        if any((o.rate or 0) > 1 for o in s.big):
            self.notify("有企业的会员数多于职工人数（标 ！），请核对职工人数。", severity="warning", timeout=6)

    def action_back(self) -> None:
        self.app.pop_screen()


SHORT_KINDS = {"村(社区)工会": "村/社区", "乡镇(街道)总工会": "总工会"}


def coverage_lines(store) -> str:
    """Two lines for the home screen: the 25+ enterprises' membership rate and unions by kind."""
    s = coverage.summary(store)
    first = (
        f"25人以上企业 [b]{len(s.big):,}[/b] 家 · 职工 {s.big_employees:,} · 会员 {s.big_members:,}"
        f" · 入会率 [b]{s.big_rate_label}[/b]"
    )
    kinds = " · ".join(f"{SHORT_KINDS.get(k, k)} {n:,}" for k, n in s.by_kind if n)
    return first + "\n" + (kinds or "还没有工会组织：按 o 打开组织机构添加。")
