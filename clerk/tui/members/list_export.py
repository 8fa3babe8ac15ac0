"""From the member list: choose members by a filter, then write them as an .xlsx 名册, or print their
入会登记表 or 会员证. The same filter as `clerk member export` and `clerk print` (registry.selection)."""

from __future__ import annotations

from datetime import date, datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from clerk.domain import choices, dates
from clerk.registry import member_list, selection
from clerk.store import folders
from clerk.store.store import ServiceError, Store
from clerk.tui.members import printouts
from clerk.tui.workers import Progress, run_job


class ListExportDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "cancel", "取消")]
    DEFAULT_CSS = """
    ListExportDialog { align: center middle; }
    ListExportDialog > Vertical { width: 70; height: auto; border: thick $primary; background: $panel; padding: 0 2; }
    ListExportDialog Horizontal { height: auto; }
    ListExportDialog Input { width: 1fr; }
    ListExportDialog Button { margin-right: 1; }
    """

    def __init__(self, org_id: int | None = None, heading: str = ""):
        super().__init__()
        self.org_id = org_id
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"导出名册 / 打印{('：' + self.heading) if self.heading else ''}", classes="title")
            yield Label("会员状态")
            yield Select([(s, s) for s in choices.MEMBER_STATUSES], id="status", prompt="全部")
            yield Label("类别")
            yield Select([(c, c) for c in selection.CATEGORIES], id="category", prompt="全部")
            yield Label("入会日期（起、止，可只填一个）")
            with Horizontal():
                yield Input(id="joined_from", placeholder="2025-01-01")
                yield Input(id="joined_to", placeholder="2025-12-31")
            yield Label("截至日期（只用于名册：这一天的会员；空：今天）")
            yield Input(id="as_of", placeholder=date.today().isoformat())
            yield Checkbox("名册显示完整证件号码（默认只显示前 6 位和后 4 位）", id="full_ids")
            yield Static("", id="error", classes="error")
            with Horizontal():
                yield Button("导出名册", id="export", variant="primary")
                yield Button("打印登记表", id="forms")
                yield Button("打印会员证", id="cards")
                yield Button("取消", id="cancel")

    def _filter(self) -> tuple[selection.Filter, date | None] | None:
        def value(widget_id: str) -> str | None:
            chosen = self.query_one(f"#{widget_id}", Select).value
            return None if chosen is Select.NULL else str(chosen)

        try:
            start = dates.parse(self.query_one("#joined_from", Input).value, "起始日期", allow_future=True) or None
            end = dates.parse(self.query_one("#joined_to", Input).value, "截止日期", allow_future=True) or None
            as_of = dates.parse(self.query_one("#as_of", Input).value, "截至日期") or None
        except dates.InvalidDate as exc:
            self.query_one("#error", Static).update(str(exc))
            return None
        flt = selection.Filter(self.org_id, value("status"), value("category"), start, end)
        return flt, (date.fromisoformat(as_of) if as_of else None)

    @on(Button.Pressed, "#export")
    def _export(self) -> None:
        chosen = self._filter()
        if chosen is None:
            return
        flt, as_of = chosen
        full = self.query_one("#full_ids", Checkbox).value

        def job(store: Store, progress: Progress) -> str:
            target = folders.exports_dir(store) / f"会员名册-{datetime.now():%Y%m%d-%H%M%S}.xlsx"
            written = member_list.write(
                store, flt, target, full_ids=full, as_of=as_of, progress=lambda d, t: progress(d, t, "导出名册")
            )
            shown = "完整证件号码" if written.full_ids else "证件号码已脱敏"
            return f"已导出 {written.members} 人（{shown}）：{written.path}"

        self._run(job, "名册")

    @on(Button.Pressed, "#forms")
    def _forms(self) -> None:
        self._print(printouts.forms, "登记表")

    @on(Button.Pressed, "#cards")
    def _cards(self) -> None:
        self._print(printouts.cards_job, "会员证")

    def _print(self, make_job, what: str) -> None:
        chosen = self._filter()
        if chosen is None:
            return
        flt, _ = chosen

        def job(store: Store, progress: Progress) -> str:
            ids = [r["id"] for r in selection.records(store, flt)]
            if not ids:
                raise ServiceError("没有符合条件的会员，没有生成文件。")
            return make_job(ids, "筛选")(store, progress)

        self._run(job, what)

    def _run(self, job, what: str) -> None:
        self.query_one("#error", Static).update(f"正在生成{what}……")
        screen = self.app.screen_stack[-2]

        def done(summary: str) -> None:
            screen.notify(summary, timeout=12)

        def failed(message: str) -> None:
            screen.notify(message, severity="error")

        run_job(screen, job, done=done, failed=failed, failure=f"{what}没有生成：{{error}}", group="list-export")
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
