"""Member list: search as you type over the whole database, pages loaded as the cursor nears the end."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from clerk.registry import search
from clerk.reports import dashboard
from clerk.tui.app import ClerkApp
from clerk.tui.cells import fit

PAGE = 100
# 姓名, 身份证号, 性别, 状态, 入会日期 with their padding, and the scroll bar.
OTHER_COLUMNS_CELLS = 60


class MemberListScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("n", "add", "登记会员"),
        Binding("slash", "focus_search", "搜索"),
        Binding("x", "export", "导出/打印"),
        Binding("down", "focus_table", show=False),
    ]

    def __init__(self, org_id: int | None = None, title: str = ""):
        super().__init__()
        self.org_id = org_id
        self.heading = title
        self.query_text = ""
        self.loaded = 0
        self.total = 0

    def compose(self) -> ComposeResult:
        yield Header()
        if self.heading:
            yield Static(self.heading, classes="title")
        yield Input(id="search", placeholder="搜索：身份证号开头 / 姓名 / 拼音首字母(zs) / 全拼(zhangsan)")
        table: DataTable[str] = DataTable(id="members", cursor_type="row", zebra_stripes=True)
        table.add_columns("姓名", "身份证号", "性别", "所在工会", "状态", "入会日期")
        yield table
        yield Static("", id="status", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#search", Input).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    @on(Input.Changed, "#search")
    def _search(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.reload()

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        self.action_focus_table()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.loaded = 0
        self._load_page()

    def _load_page(self) -> None:
        table = self.query_one(DataTable)
        page = search.search(self.app.store, self.query_text, limit=PAGE, offset=self.loaded, org_id=self.org_id)
        # The union's name gets what the other columns leave of the screen's width.
        org_cells = max(10, self.size.width - OTHER_COLUMNS_CELLS)
        for row in page.rows:
            table.add_row(
                row.name,
                row.id_masked,
                row.gender,
                fit(row.org_name, org_cells),
                row.status,
                row.joined_on,
                key=str(row.id),
            )
        self.loaded += len(page.rows)
        self.total = page.total
        self.more = len(page.rows) == PAGE
        self.query_one("#status", Static).update(self._status_text(page))

    def _status_text(self, page: search.Page) -> str:
        """How many, and why the whole roll may hold more people than home's 在册会员."""
        count = f"共 {page.total_label} 人"
        if page.kind == "all" and not page.capped:
            on_roll = dashboard.on_roll(self.app.store, self.org_id)
            if page.total > on_roll:
                count += f"（在册 {on_roll} 人，另 {page.total - on_roll} 人已转出、退会或已故）"
        hint = "没有找到会员。按 n 登记新会员。" if not self.loaded else "回车查看，n 登记，/ 搜索"
        return f"{count}，已显示 {self.loaded} 人。{hint}"

    def on_resize(self) -> None:
        if self.is_mounted and self.loaded:
            self.reload()

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if self.more and event.cursor_row >= self.loaded - 10:
            self._load_page()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_member(int(str(event.row_key.value)))

    def action_focus_table(self) -> None:
        if self.query_one(DataTable).row_count:
            self.query_one(DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_add(self) -> None:
        from clerk.tui.members.member_form import MemberFormScreen

        self.app.push_screen(MemberFormScreen(org_id=self.org_id))

    def action_export(self) -> None:
        from clerk.tui.members.list_export import ListExportDialog

        self.app.push_screen(ListExportDialog(self.org_id, self.heading))

    def action_back(self) -> None:
        self.app.pop_screen()
