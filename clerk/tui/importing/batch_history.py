"""导入记录: every roster import with its file, sha256, counts and column mapping; undo a batch
(after a confirmation) and write its error report again."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from clerk.importing import batches as import_batches
from clerk.importing import error_report as import_report
from clerk.spreadsheets import columns
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.cells import fit
from clerk.tui.widgets import ConfirmDialog
from clerk.tui.workers import run_job

FILE_CELLS = 16  # the file name's share of an 80-column table


class BatchHistoryScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("u", "undo", "撤销批次"),
        Binding("e", "report", "错误报告"),
        Binding("i", "app.import_roster", "导入花名册"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("导入记录（回车/↑↓ 查看；u 撤销，e 错误报告）", classes="title")
        table: DataTable[str] = DataTable(id="batches", cursor_type="row", zebra_stripes=True)
        # 状态 early: at 80 columns the file name gives way, never whether a batch was undone.
        table.add_columns("批次", "时间", "状态", "文件", "新", "更新", "已有", "重复", "未导入")
        yield table
        yield VerticalScroll(Static("", id="detail-text"), id="detail")
        yield Static("", id="status", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#batches", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        table = self.query_one("#batches", DataTable)
        keep = table.cursor_row
        table.clear()
        rows = import_batches.list_batches(self.app.store)
        for b in rows:
            table.add_row(
                f"#{b['id']}",
                b["created_at"].replace("T", " ")[5:16],
                "已撤销" if b["status"] == "undone" else "已导入",
                fit(b["file_name"], FILE_CELLS),
                f"{b['new_count']:,}",
                f"{b['updated_count']:,}",
                f"{b['unchanged_count']:,}",
                f"{b['duplicate_count']:,}",
                f"{b['rejected_count']:,}",
                key=str(b["id"]),
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
            self._show_detail(rows[min(keep, len(rows) - 1)]["id"])
        else:
            self.query_one("#detail-text", Static).update("还没有导入过花名册。按 i 导入。")

    def _selected_id(self) -> int | None:
        table = self.query_one("#batches", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(str(key.value))

    @on(DataTable.RowHighlighted, "#batches")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None:
            self._show_detail(int(str(event.row_key.value)))

    def _show_detail(self, batch_id: int) -> None:
        b = import_batches.get(self.app.store, batch_id)
        lines = [
            f"[b]批次 #{b['id']}[/b]  {b['file_name']}  {b['created_at'].replace('T', ' ')}  经办人 {b['clerk']}",
            f"文件校验码 {b['file_sha256'][:16]}（同一文件再次导入时据此认出）",
            f"新入会 {b['new_count']:,}，更新 {b['updated_count']:,}，已是会员 {b['unchanged_count']:,}，"
            f"重复 {b['duplicate_count']:,}，未导入 {b['rejected_count']:,}，需核对 {b['warning_count']:,}",
        ]
        if b["org_name"]:
            lines.append(f"导入到：{b['org_name']}")
        fixed = b["reject_rows"].get("rejected", (0, 0))
        if fixed[0]:
            lines.append(f"未导入的 {fixed[0]} 行中，{fixed[1]} 行已由修改后发回的文件补上")
        if b["parent_id"]:
            lines.append(f"这是批次 #{b['parent_id']} 的错误报告修改后发回的文件")
        if b["status"] == "undone":
            lines.append(f"[dim]已于 {b['undone_at'].replace('T', ' ')} 由 {b['undone_by']} 撤销[/dim]")
        for sheet, mapping in b["mapping"].items():
            pairs = "，".join(f"{label}→{columns.label_of(field)}" for label, field in mapping.items())
            lines.append(f"“{sheet}”：{pairs}")
        self.query_one("#detail-text", Static).update("\n".join(lines))

    def _status(self, text: str, kind: str = "hint") -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_classes(kind)

    def action_undo(self) -> None:
        batch_id = self._selected_id()
        if batch_id is None or self.busy:
            return
        b = import_batches.get(self.app.store, batch_id)
        if b["status"] == "undone":
            self._status(f"批次 #{batch_id} 已经撤销过了。", "error")
            return
        blocked = import_batches.blockers(self.app.store, batch_id)
        if blocked:
            self._status(str(import_batches.UndoBlocked(batch_id, blocked)), "error")
            return
        question = (
            f"撤销批次 #{batch_id}（{b['file_name']}）？\n\n将删除这个批次新增的 {b['new_count']:,} 名会员"
            + (f"，恢复 {b['updated_count']:,} 名会员更新前的信息" if b["updated_count"] else "")
            + "。撤销前会自动备份数据库。"
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.busy = True
                self._status(f"正在撤销批次 #{batch_id}……")
                self.run_undo(batch_id)

        self.app.push_screen(ConfirmDialog(question, "撤销"), callback=answered)

    def run_undo(self, batch_id: int) -> None:
        run_job(
            self,
            lambda store, _progress: import_batches.undo(store, batch_id).message,
            done=self._undone,
            failed=lambda message: self._undone(message, error=True),
            failure="撤销没有完成，数据库没有改动：{error}",
            group="undo",
        )

    def _undone(self, message: str, error: bool = False) -> None:
        self.busy = False
        self._status(message, "error" if error else "ok")
        self.reload()

    def action_report(self) -> None:
        batch_id = self._selected_id()
        if batch_id is None:
            return
        try:
            path = import_report.for_batch(self.app.store, batch_id)
        except ServiceError as exc:
            self._status(str(exc), "error")
            return
        self._status(f"错误报告已写到：{path}", "ok")

    def action_back(self) -> None:
        self.app.pop_screen()
