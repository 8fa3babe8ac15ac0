"""冲突处理 (district): the open merge conflicts; Enter opens one to settle it."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from clerk.domain import idcard
from clerk.store.store import ServiceError
from clerk.sync import merge as sync_merge
from clerk.tui.app import ClerkApp


class ConflictsScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("a", "toggle_all", "显示/隐藏已处理"),
    ]
    DEFAULT_CSS = """
    ConflictsScreen DataTable { height: 1fr; }
    ConflictsScreen #status { height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.rows: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("合并冲突", classes="title")
        table = DataTable(id="conflicts", cursor_type="row", zebra_stripes=True)
        table.add_columns("编号", "类型", "姓名/名称", "身份证号", "来自", "另一方/字段", "状态")
        yield table
        yield Static("", id="status", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        conflicts = sync_merge.conflicts(self.app.store, None if self.show_all else "open")
        self.rows = {str(c.id): c for c in conflicts}
        for c in conflicts:
            if c.kind == "live_twice":
                other = c.extra.get("other_unit_name") or ""
            else:
                other = "、".join(c.fields)
            ident = (
                idcard.mask(c.id_number)
                if c.tbl == "members" and c.id_number and len(c.id_number) == 18
                else (c.id_number or "")
            )
            status = (
                "待处理" if c.status == "open" else sync_merge.CHOICE_LABELS.get(c.resolution or "", "自动解决")[:6]
            )
            table.add_row(
                str(c.id),
                c.kind_label[:8],
                c.name[:8],
                ident,
                (c.extra.get("source_name") or "")[:8],
                other[:10],
                status,
                key=str(c.id),
            )
        open_count = sum(1 for c in conflicts if c.status == "open")
        if not conflicts:
            text = "没有待处理的冲突。" if not self.show_all else "还没有冲突记录。"
        else:
            text = f"待处理 {open_count} 条。回车打开处理；a 显示/隐藏已处理的。"
        self.query_one("#status", Static).update(text)

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        conflict = self.rows.get(str(event.row_key.value))
        if conflict is None:
            return
        if conflict.status != "open":
            self.notify(f"冲突 #{conflict.id} 已处理：{conflict.note or ''}", timeout=6)
            return
        from clerk.tui.sync.conflict_dialog import ConflictDialog

        def settle(choice: str | None) -> None:
            if not choice:
                return
            try:
                message = sync_merge.resolve(self.app.store, conflict.id, choice)
            except ServiceError as exc:
                self.notify(str(exc), severity="error", timeout=8)
            else:
                self.notify(f"已处理：{message}", timeout=6)
            self.reload()

        self.app.push_screen(ConflictDialog(conflict), settle)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
