"""数据检查: what is missing or doubtful in the records, the completeness of each organisation, and
its problem members; x writes them as an .xlsx to send back to the employer."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from clerk.reports import completeness
from clerk.tui.app import ClerkApp
from clerk.tui.widgets import ConfirmDialog
from clerk.tui.workers import run_job

NO_ORG_KEY = "none"


def summary_text(result: completeness.CheckResult) -> str:
    rate = "—" if result.rate is None else f"{result.rate:.1%}"
    first = f"在册会员 {result.members:,} 人，信息完整 {result.complete:,} 人（{rate}）。"
    if not result.total:
        return first + "没有发现问题。"
    parts = [f"{p} {n:,}" for p, n in result.counts.items() if n]
    return first + "\n" + " · ".join(parts)


class CheckScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("x", "write", "写出问题清单"),
        Binding("f5", "refresh", "重新检查"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: completeness.CheckResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("数据检查：正在检查……", id="summary", classes="hint")
        yield DataTable(id="orgs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="caption", classes="hint")
        yield DataTable(id="issues", cursor_type="row", zebra_stripes=True)
        yield Static("", id="result")
        yield Footer()

    def on_mount(self) -> None:
        orgs = self.query_one("#orgs", DataTable)
        orgs.add_column("工会", key="name", width=26)
        orgs.add_column("会员", key="members")
        orgs.add_column("完整率", key="rate")
        orgs.add_column("问题", key="problems")
        issues = self.query_one("#issues", DataTable)
        for label, width in (("姓名", 8), ("身份证号", 18), ("手机号码", 11), ("入会日期", 10), ("问题", 20)):
            issues.add_column(label, width=width)
        self.action_refresh()

    def action_refresh(self) -> None:
        run_job(
            self,
            lambda store, _progress: completeness.check(store),
            done=self._checked,
            failed=lambda message: self._show(message, failed=True),
            failure="检查没有完成：{error}",
            group="check",
        )

    def _checked(self, result: completeness.CheckResult) -> None:
        self.result = result
        self.query_one("#summary", Static).update(summary_text(result))
        orgs = self.query_one("#orgs", DataTable)
        orgs.clear()
        for o in result.per_org:
            parts = [f"{k}{n}" for k, n in o.counts.items()] + o.problems
            key = NO_ORG_KEY if o.org_id is None else str(o.org_id)
            orgs.add_row(o.name, f"{o.members:,}", o.rate_label, "、".join(parts) or "无", key=key)
        if result.per_org:
            orgs.move_cursor(row=0)
            self._load_issues(result.per_org[0])
        else:
            self.query_one("#caption", Static).update("没有会员，也没有工会组织。")
        orgs.focus()

    def _selected(self) -> completeness.OrgCompleteness | None:
        orgs = self.query_one("#orgs", DataTable)
        if self.result is None or not orgs.row_count:
            return None
        key = orgs.coordinate_to_cell_key(orgs.cursor_coordinate).row_key.value
        return self.result.org(None if key == NO_ORG_KEY else int(str(key)))

    @on(DataTable.RowHighlighted, "#orgs")
    def highlighted(self) -> None:
        org = self._selected()
        if org is not None:
            self._load_issues(org)

    def _load_issues(self, org: completeness.OrgCompleteness) -> None:
        problems = "；单位问题：" + "、".join(org.problems) if org.problems else ""
        self.query_one("#caption", Static).update(f"{org.name} 的问题会员（x 写出清单发给单位）{problems}")
        run_job(
            self,
            lambda store, _progress: completeness.member_issues(store, org.org_id, limit=500),
            done=self._issues,
            failed=lambda message: self._show(message, failed=True),
            group="issues",
        )

    def _issues(self, issues: list[completeness.MemberIssue]) -> None:
        table = self.query_one("#issues", DataTable)
        table.clear()
        for i in issues:
            table.add_row(i.name, i.id_masked, i.phone, i.joined_on, "、".join(i.problems))

    def action_write(self) -> None:
        org = self._selected()
        if org is None:
            return
        target = completeness.default_path(self.app.store, org.name)
        if not target.exists():
            self._write(org.org_id, target, force=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(org.org_id, target, force=True)

        question = f"“{target.name}”已经存在（今天写过）。替换它吗？"
        self.app.push_screen(ConfirmDialog(question, yes="替换", no="不替换"), callback=answered)

    def _write(self, org_id: int | None, target, *, force: bool) -> None:
        run_job(
            self,
            lambda store, _progress: completeness.write_org_report(store, org_id, target, force=force),
            done=lambda path: self._show(f"问题清单已写出：{path}", done=True),
            failed=lambda message: self._show(message, failed=True),
            failure="问题清单没有写出：{error}",
            group="write",
        )

    def _show(self, text: str, *, failed: bool = False, done: bool = False) -> None:
        result = self.query_one("#result", Static)
        result.update(text)
        result.set_classes("error" if failed else "ok" if done else "hint")

    def action_back(self) -> None:
        self.app.pop_screen()
