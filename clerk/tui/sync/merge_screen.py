"""合并同步文件 (district): pick township files from imports/, merge them in a thread worker,
and see what became of each file."""

from __future__ import annotations

from pathlib import Path

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    SelectionList,
    Static,
)

from clerk.store import folders
from clerk.store.store import ServiceError, Store
from clerk.sync import merge as sync_merge
from clerk.tui.app import ClerkApp
from clerk.tui.workers import run_job


def inbox_files(store: Store) -> list[Path]:
    """Sync file candidates in the inbox (imports/ beside the database), newest name last."""
    try:
        folder = folders.imports_dir(store)
    except ServiceError:  # a folder that cannot be created: the hint names it, the list stays empty
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith((".", "~$")))


class MergeScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("ctrl+e", "merge", "合并"),
        Binding("ctrl+k", "app.conflicts", "冲突处理"),
    ]
    DEFAULT_CSS = """
    MergeScreen VerticalScroll { padding: 0 1; }
    MergeScreen SelectionList { height: auto; max-height: 8; }
    MergeScreen .row { height: auto; }
    MergeScreen .row Label { width: 14; padding-top: 1; }
    MergeScreen .row Input { width: 1fr; }
    MergeScreen #buttons { height: auto; }
    MergeScreen Button { margin-right: 2; }
    MergeScreen #results { height: auto; max-height: 10; }
    MergeScreen #summary { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("合并乡镇同步文件", classes="title")
            yield Static("", id="hint", classes="hint")
            yield SelectionList[str](id="files")
            with Horizontal(classes="row"):
                yield Label("其他文件")
                yield Input(id="other", placeholder="不在 imports/ 里的文件：输入完整路径")
            with Horizontal(classes="row"):
                yield Label("密码")
                yield Input(id="password", password=True, placeholder="乡镇导出时设置的密码（没有就不填）")
            yield Checkbox("缺少中间的文件时仍然合并（记录在案）", id="force")
            with Horizontal(id="buttons"):
                yield Button("合并", id="merge", variant="primary")
                yield Button("冲突处理", id="conflicts")
                yield Button("返回", id="back")
            yield ProgressBar(id="progress", show_eta=False)
            yield Static("", id="summary")
            table = DataTable(id="results", cursor_type="row", zebra_stripes=True)
            table.add_columns("文件", "结果", "说明")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.reload_files()
        self._show_conflicts()
        if self.app.store.require_unit().level != "district":
            self.query_one("#merge", Button).disabled = True
            self._summary(
                "本数据库属于乡镇（街道），合并同步文件要在区县总工会的数据库中进行。乡镇请用“导出同步文件”。", "error"
            )

    def reload_files(self) -> None:
        files = inbox_files(self.app.store)
        picker = self.query_one("#files", SelectionList)
        picker.clear_options()
        picker.add_options([(p.name, str(p), True) for p in files])
        folder = folders.locate(self.app.store, folders.IMPORTS).path
        if files:
            hint = f"{folder}/ 里的 {len(files)} 个文件已全部选中（空格键取消选择）；同一乡镇的文件会按序号顺序合并。"
        else:
            hint = f"{folder}/ 里没有 .xlsx 文件。把乡镇交来的同步文件复制到这个文件夹，或在下面输入文件路径。"
        self.query_one("#hint", Static).update(hint)
        if files:
            picker.focus()

    def _show_conflicts(self) -> None:
        if self.app.store.require_unit().level != "district":
            return
        count = len(sync_merge.conflicts(self.app.store))
        self.query_one("#conflicts", Button).label = f"冲突处理（{count}）"

    def _summary(self, text: str, kind: str = "hint") -> None:
        summary = self.query_one("#summary", Static)
        summary.update(text)
        summary.set_classes(kind)

    @on(Button.Pressed, "#merge")
    def action_merge(self) -> None:
        button = self.query_one("#merge", Button)
        if button.disabled:
            return
        chosen = [Path(p) for p in self.query_one("#files", SelectionList).selected]
        other = self.query_one("#other", Input).value.strip().strip('"')
        if other:
            chosen.append(Path(other).expanduser())
        if not chosen:
            self._summary("请先选择要合并的文件（空格键选择），或输入文件路径。", "error")
            return
        password = self.query_one("#password", Input).value or None
        force = self.query_one("#force", Checkbox).value
        button.disabled = True
        self.query_one("#results", DataTable).clear()
        self._summary(f"正在合并 {len(chosen)} 个文件……（合并前会自动备份数据库）")
        self.run_merge(chosen, password, force)

    def run_merge(self, files: list[Path], password: str | None, force: bool) -> None:
        run_job(
            self,
            lambda store, progress: sync_merge.merge(
                store, files, password=password, force_gap=force, progress=progress
            ),
            done=self._merged,
            failed=self._failed,
            progress=self._progressed,
            failure="合并失败：{error}。未完成的文件没有写入。",
            group="merge",
        )

    def _progressed(self, done: int, total: int | None, label: str) -> None:
        self.query_one(ProgressBar).update(total=max(total or 0, 1), progress=done)

    def _failed(self, message: str) -> None:
        self.query_one("#merge", Button).disabled = False
        self._summary(message, "error")

    def _merged(self, report: sync_merge.MergeReport) -> None:
        self.query_one("#merge", Button).disabled = False
        table = self.query_one("#results", DataTable)
        for outcome in report.outcomes:
            table.add_row(outcome.path.name, outcome.label, outcome.message)
        parts = [f"已合并 {len(report.merged)} 个文件（{report.rows} 条记录）"]
        if report.refused:
            parts.append(f"{len(report.refused)} 个未合并（原因见下表）")
        if report.conflicts:
            parts.append(f"新增冲突 {report.conflicts} 条，请按“冲突处理”解决")
        if report.backup:
            parts.append(f"合并前的备份：{report.backup}")
        self._summary("；".join(parts) + "。", "error" if report.refused else "ok")
        self._show_conflicts()
        self.query_one(ProgressBar).update(total=1, progress=1)

    @on(Button.Pressed, "#conflicts")
    def _conflicts(self) -> None:
        self.app.action_conflicts()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()

    def on_screen_resume(self) -> None:
        self._show_conflicts()
