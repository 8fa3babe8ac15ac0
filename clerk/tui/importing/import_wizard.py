"""导入花名册: pick a roster (imports/ first) -> check the detected sheets and columns, correct a
column, save the mapping -> validate -> preview counts and problem rows -> commit with a progress
bar -> result, with the error report one key away.

Reading, validating and committing run in thread workers with their own database connection
and post messages back; the screen never touches the database from a worker.
"""

from __future__ import annotations

from pathlib import Path

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from clerk.importing import error_report as import_report
from clerk.importing import mappings as import_mappings
from clerk.importing import pipeline as importer
from clerk.spreadsheets import columns
from clerk.store import folders
from clerk.store.store import ServiceError, Store
from clerk.tui.app import ClerkApp
from clerk.tui.orgs.org_picker import OrgField
from clerk.tui.workers import Progress, run_job

ROSTER_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".txt")
SHOWN_PROBLEMS = 1000
COUNT_LABELS = (
    ("new", "新入会"),
    ("updated", "更新"),
    ("unchanged", "已是会员"),
    ("duplicate", "重复"),
    ("rejected", "未导入"),
    ("warning", "需核对"),
)


def inbox_rosters(store: Store) -> list[Path]:
    """Roster files in the inbox (imports/ beside the database), newest first."""
    try:
        folder = folders.imports_dir(store)
    except ServiceError:  # a folder that cannot be created: the hint names it, the list stays empty
        return []
    files = [
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in ROSTER_SUFFIXES and not p.name.startswith((".", "~$"))
    ]
    return sorted(files, key=lambda p: (-p.stat().st_mtime, p.name))


def _stage_first(progress: Progress):
    """The importer reports (stage, done, total); the worker helper takes (done, total, stage)."""
    return lambda stage, done, total: progress(done, total, stage)


def counts_text(counts: dict[str, int]) -> str:
    return " · ".join(f"{label} {counts.get(key, 0):,}" for key, label in COUNT_LABELS)


class ImportWizardScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("ctrl+b", "app.batches", "导入记录"),
    ]
    DEFAULT_CSS = """
    ImportWizardScreen ContentSwitcher { height: 1fr; }
    ImportWizardScreen #pick, ImportWizardScreen #map, ImportWizardScreen #preview, ImportWizardScreen #result { padding: 0 1; }
    ImportWizardScreen #files { height: 1fr; min-height: 4; }
    ImportWizardScreen .row { height: 1; margin-top: 1; }
    ImportWizardScreen .row Label { width: 12; }
    ImportWizardScreen #path { border: none; height: 1; width: 1fr; background: $boost; padding: 0 1; }
    ImportWizardScreen #path:focus { background: $primary 30%; }
    ImportWizardScreen Checkbox { border: none; height: 1; padding: 0; background: transparent; }
    ImportWizardScreen Checkbox:focus { background: $primary 30%; }
    ImportWizardScreen .buttons { height: 3; margin-top: 1; }
    ImportWizardScreen .buttons Button { margin-right: 2; }
    ImportWizardScreen #columns { height: 1fr; }
    ImportWizardScreen .col { height: 1; }
    ImportWizardScreen .col Label { width: 30; }
    ImportWizardScreen .col Select { width: 1fr; max-width: 36; }
    ImportWizardScreen .col SelectCurrent { border: none; height: 1; padding: 0 1; background: $boost; }
    ImportWizardScreen .col Select:focus > SelectCurrent { background: $primary 30%; }
    ImportWizardScreen .sheet { text-style: bold; margin-top: 1; height: 1; }
    ImportWizardScreen #problems { height: 1fr; }
    ImportWizardScreen #scan-info, ImportWizardScreen #counts, ImportWizardScreen #result-text { height: auto; }
    ImportWizardScreen #status { height: auto; min-height: 1; }
    """

    def __init__(self, path: str | Path | None = None):
        super().__init__()
        self.initial = Path(path) if path else None
        self.scan: importer.FileScan | None = None
        self.plan: importer.Plan | None = None
        self.result: importer.Result | None = None
        self.early: importer.EarlyBackup | None = None  # taken while the clerk reads the preview
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("导入花名册", id="step", classes="title")
        with ContentSwitcher(initial="pick"):
            with Vertical(id="pick"):
                yield Static("", id="inbox-hint", classes="hint")
                yield OptionList(id="files")
                with Horizontal(classes="row"):
                    yield Label("其他文件")
                    yield Input(id="path", placeholder="不在 imports/ 里的文件：输入完整路径后回车")
                with Horizontal(classes="row"):
                    yield Label("导入到")
                    yield OrgField(id="org", title="导入到哪个工会组织", none_label="（不指定：按“工作单位”列匹配）")
                with Horizontal(classes="row"):
                    yield Label("")
                    yield Checkbox("库中已有的会员按花名册更新信息", id="update")
                with Horizontal(classes="buttons"):
                    yield Button("下一步", id="open", variant="primary")
                    yield Button("导入记录", id="history")
            with Vertical(id="map"):
                yield Static("", id="scan-info")
                yield VerticalScroll(id="columns")
                with Horizontal(classes="buttons"):
                    yield Button("校验", id="validate", variant="primary")
                    yield Button("保存列对应", id="save-mapping")
                    yield Button("换文件", id="again")
            with Vertical(id="preview"):
                yield Static("", id="counts")
                table: DataTable[str] = DataTable(id="problems", cursor_type="row", zebra_stripes=True)
                table.add_columns("工作表", "行", "姓名", "情况", "原因")
                yield table
                with Horizontal(classes="buttons"):
                    yield Button("导入", id="commit", variant="primary")
                    yield Button("写出错误报告", id="report-plan")
                    yield Button("改列对应", id="to-map")
            with Vertical(id="result"):
                yield Static("", id="result-text")
                with Horizontal(classes="buttons"):
                    yield Button("写出错误报告", id="report", variant="primary")
                    yield Button("导入记录", id="history2")
                    yield Button("再导入一个", id="again2")
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("", id="status", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.reload_files()
        if self.initial is not None:
            self.open_file(self.initial)

    # -- step 1: the file ------------------------------------------------------------------------
    def reload_files(self) -> None:
        files = inbox_rosters(self.app.store)
        box = self.query_one("#files", OptionList)
        box.clear_options()
        box.add_options([Option(p.name, id=str(p)) for p in files])
        folder = folders.locate(self.app.store, folders.IMPORTS).path
        if files:
            hint = f"{folder}/ 里的花名册（最新的在前），回车选择；也可以在下面输入其他文件的路径。"
            box.highlighted = 0
            box.focus()
        else:
            hint = f"{folder}/ 里没有花名册。把单位发来的表格复制到这个文件夹，或在下面输入文件路径。"
            self.query_one("#path", Input).focus()
        self.query_one("#inbox-hint", Static).update(hint)

    def _status(self, text: str, kind: str = "hint") -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_classes(kind)

    def _show(self, step: str, title: str) -> None:
        self.query_one(ContentSwitcher).current = step
        self.query_one("#step", Static).update(f"导入花名册 · {title}")

    @on(OptionList.OptionSelected, "#files")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.open_file(Path(str(event.option.id)))

    @on(Input.Submitted, "#path")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.open_file(Path(event.value.strip().strip('"')).expanduser())

    @on(Button.Pressed, "#open")
    def _open_pressed(self) -> None:
        typed = self.query_one("#path", Input).value.strip().strip('"')
        if typed:
            self.open_file(Path(typed).expanduser())
            return
        box = self.query_one("#files", OptionList)
        if box.highlighted is None:
            self._status("请先选择一个文件，或输入文件路径。", "error")
            return
        self.open_file(Path(str(box.get_option_at_index(box.highlighted).id)))

    def open_file(self, path: Path) -> None:
        if self.busy:
            return
        self._close_scan()
        self.busy = True
        self._status(f"正在打开“{path.name}”……")
        self.run_scan(path)

    def run_scan(self, path: Path) -> None:
        run_job(
            self,
            lambda store, _progress: importer.scan(store, path),
            done=self._scanned,
            failed=self._failed,
            failure=f"无法读取“{path.name}”：{{error}}",
            group="import",
        )

    def _failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        self._status(message, "error")

    def _scanned(self, scan: importer.FileScan) -> None:
        self.busy = False
        self.scan = scan
        self._status("")
        self._fill_mapping()
        self._show("map", "核对列")

    # -- step 2: sheets and columns ----------------------------------------------------------------
    def _fill_mapping(self) -> None:
        scan = self.scan
        assert scan is not None
        lines = [f"{scan.display} · {scan.kind_label} · SHA-256 {scan.sha256[:12]}"]
        for sheet in scan.sheets:
            if sheet.usable and sheet.layout:
                rows = f"，约 {sheet.data_rows:,} 行" if sheet.data_rows is not None else ""
                head = "、".join(map(str, sheet.layout.header_rows)) or "无"
                extra = "；".join(sheet.layout.notes)
                saved = "；套用了保存的列对应" if sheet.saved_mapping else ""
                lines.append(f"工作表“{sheet.name}”：表头第 {head} 行{rows}{saved}{'；' + extra if extra else ''}")
            else:
                lines.append(f"[dim]工作表“{sheet.name}”：{sheet.skipped}[/dim]")
        if scan.previous:
            prev = scan.previous
            lines.append(
                f"[yellow]这个文件已于 {prev['created_at'].replace('T', ' ')} 导入过（批次 #{prev['id']}），再次导入不会有任何改动。[/]"
            )
        if scan.parent_uid:
            lines.append("[cyan]这是 clerk 错误报告修改后发回的文件，导入的行会记到原批次上。[/]")
        self.query_one("#scan-info", Static).update("\n".join(lines))
        box = self.query_one("#columns", VerticalScroll)
        box.remove_children()
        options = [(label, key) for key, label in columns.CHOICES]
        widgets: list[Widget] = []
        for s_index, sheet in enumerate(scan.sheets):
            if sheet.layout is None:
                continue
            widgets.append(Static(f"“{sheet.name}”的列（改一列导入为什么，按回车选择）", classes="sheet"))
            for col in sheet.layout.columns:
                if not col.label and col.field not in columns.FIELDS:
                    continue
                value = col.field if col.field in columns.FIELDS else columns.IGNORE
                select = Select(options, value=value, allow_blank=False, id=f"col-{s_index}-{col.index}")
                label = Label(f"{col.letter} {col.label}"[:28])
                widgets.append(Horizontal(label, select, classes="col"))
        box.mount_all(widgets)
        self.query_one("#validate", Button).focus()

    @on(Select.Changed)
    def _column_changed(self, event: Select.Changed) -> None:
        if self.scan is None or not (event.select.id or "").startswith("col-"):
            return
        _, s_index, c_index = (event.select.id or "").split("-")
        sheet = self.scan.sheets[int(s_index)]
        if sheet.layout is None or event.value is Select.BLANK:
            return
        col = importer.find_column(sheet.layout, int(c_index))
        if (
            col is None
            or col.field == event.value
            or (event.value == columns.IGNORE and col.field not in columns.FIELDS)
        ):
            return
        importer.remap(self.scan, sheet.name, {int(c_index): str(event.value)})
        # Another column that held this field let go of it: show that.
        for other in sheet.layout.columns:
            select = self.query(f"#col-{s_index}-{other.index}")
            if select:
                shown = other.field if other.field in columns.FIELDS else columns.IGNORE
                widget = select.first(Select)
                if widget.value != shown:
                    with widget.prevent(Select.Changed):
                        widget.value = shown
        self._status(f"“{sheet.name}” {col.letter} 列改为：{columns.label_of(col.field)}")

    @on(Button.Pressed, "#save-mapping")
    def _save_mapping(self) -> None:
        if self.scan is None:
            return
        saved = 0
        for sheet in self.scan.sheets:
            if sheet.layout is not None:
                import_mappings.save(self.app.store, sheet.layout, self.scan.display)
                saved += 1
        self._status(f"已保存 {saved} 个工作表的列对应，下次同样表头的花名册会自动套用。", "ok")

    @on(Button.Pressed, "#again")
    @on(Button.Pressed, "#again2")
    def _again(self) -> None:
        self._drop_early()
        self._close_scan()
        self.plan = self.result = None
        self.reload_files()
        self._show("pick", "选择文件")

    # -- step 3: validate and preview ---------------------------------------------------------------
    @on(Button.Pressed, "#validate")
    def _validate(self) -> None:
        if self.scan is None or self.busy:
            return
        try:
            self.scan.check_usable()
        except ServiceError as exc:
            self._status(str(exc), "error")
            return
        options = importer.Options(
            org_id=self.query_one("#org", OrgField).value,
            update_existing=self.query_one("#update", Checkbox).value,
        )
        self.busy = True
        self._progress_start("校验")
        self.run_prepare(self.scan, options)

    def run_prepare(self, scan: importer.FileScan, options: importer.Options) -> None:
        run_job(
            self,
            lambda store, progress: importer.prepare(store, scan, options, _stage_first(progress)),
            done=self._planned,
            failed=self._failed,
            progress=self._progressed,
            failure="校验没有完成：{error}",
            group="import",
        )

    def _progress_start(self, stage: str) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._status(f"{stage}中……")

    def _progressed(self, done: int, total: int | None, stage: str) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=total, progress=done)
        of_total = f" / {total:,}" if total else ""
        self._status(f"{stage}：{done:,}{of_total}")

    def _planned(self, plan: importer.Plan) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        self.plan = plan
        lines = [counts_text(plan.counts)]
        if plan.counts["skipped"]:
            lines.append(f"[dim]跳过空行、说明和签名行 {plan.counts['skipped']} 行[/dim]")
        if plan.org_name:
            lines.append(f"导入到：{plan.org_name}")
        lines.extend(f"· {note}" for note in plan.notes[:3])
        if plan.already_imported:
            prev = plan.already_imported
            lines.append(
                f"[yellow]这个文件已于 {prev['created_at'].replace('T', ' ')} 导入过（批次 #{prev['id']}）：导入不会有任何改动。[/]"
            )
        self.query_one("#counts", Static).update("\n".join(lines))
        table = self.query_one("#problems", DataTable)
        table.clear()
        for p in plan.problems[:SHOWN_PROBLEMS]:
            table.add_row(p.sheet[:8], str(p.row), p.name[:6], p.kind_label, p.reason)
        more = f"（只列出前 {SHOWN_PROBLEMS} 行，完整的见错误报告）" if len(plan.problems) > SHOWN_PROBLEMS else ""
        if plan.problems:
            self._status(f"需要注意的行 {len(plan.problems):,} 行{more}。确认无误后按“导入”。")
        else:
            self._status("没有问题行。确认无误后按“导入”。", "ok")
        writes = bool(plan.writes or plan.rejects) and not plan.already_imported
        self.query_one("#commit", Button).disabled = not writes
        self._drop_early()
        if writes:
            self.early = importer.EarlyBackup(self.app.store.path)
        self.query_one("#report-plan", Button).disabled = not plan.rejects
        self._show("preview", "预览")
        self.query_one("#commit", Button).focus()

    @on(DataTable.RowHighlighted, "#problems")
    def _problem_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.plan is not None and 0 <= event.cursor_row < len(self.plan.problems):
            p = self.plan.problems[event.cursor_row]
            self._status(f"{p.sheet} 第 {p.row} 行 {p.name} {p.id_masked}：{p.reason}")

    @on(Button.Pressed, "#to-map")
    def _to_map(self) -> None:
        self._drop_early()
        self._show("map", "核对列")

    @on(Button.Pressed, "#report-plan")
    def _report_plan(self) -> None:
        if self.plan is None:
            return
        try:
            path = import_report.for_plan(self.app.store, self.plan)
        except ServiceError as exc:
            self._status(str(exc), "error")
            return
        self._status(f"错误报告已写到：{path}", "ok")

    # -- step 4: commit --------------------------------------------------------------------------------
    @on(Button.Pressed, "#commit")
    def _commit(self) -> None:
        if self.plan is None or self.busy:
            return
        self.busy = True
        self.query_one("#commit", Button).disabled = True
        self._progress_start("写入")
        early, self.early = self.early, None
        self.run_commit(self.plan, early)

    def run_commit(self, plan: importer.Plan, early: importer.EarlyBackup | None) -> None:
        def job(store: Store, progress: Progress) -> None:
            result = importer.commit(store, plan, _stage_first(progress), early)
            self.call_later(self._committed, result)  # on screen now; the WAL is tidied after
            if result.written:
                importer.checkpoint(store)

        run_job(
            self,
            job,
            done=lambda _: None,
            failed=self._commit_failed,
            progress=self._progressed,
            failure="导入没有完成，数据库没有改动：{error}",
            group="import",
        )

    def _commit_failed(self, message: str) -> None:
        self._failed(message)
        self.query_one("#commit", Button).disabled = False

    def _committed(self, result: importer.Result) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        self.result = result
        lines = [result.message]
        if result.backup:
            lines.append(f"[dim]导入前的数据库已备份：{result.backup}[/dim]")
        if result.written:
            lines.append("如需撤销，在“导入记录”中选中这个批次按 u。")
        self.query_one("#result-text", Static).update("\n".join(lines))
        self.query_one("#report", Button).disabled = not (result.written and self.plan and self.plan.rejects)
        self._status("")
        self._close_scan()
        self._show("result", "完成")
        self.query_one("#report", Button).focus() if not self.query_one("#report", Button).disabled else self.query_one(
            "#again2", Button
        ).focus()

    @on(Button.Pressed, "#report")
    def _report(self) -> None:
        if self.result is None or self.result.batch_id is None:
            return
        try:
            path = import_report.for_batch(self.app.store, self.result.batch_id)
        except ServiceError as exc:
            self._status(str(exc), "error")
            return
        self._status(f"错误报告已写到：{path}（发给单位修改后再导入）", "ok")

    @on(Button.Pressed, "#history")
    @on(Button.Pressed, "#history2")
    def _history(self) -> None:
        self.app.action_batches()

    # -- leaving ------------------------------------------------------------------------------------------
    def _drop_early(self) -> None:
        if self.early is not None:
            self.early.discard()
            self.early = None

    def on_unmount(self) -> None:
        self._drop_early()

    def _close_scan(self) -> None:
        if self.scan is not None:
            self.scan.close()
            self.scan = None

    def action_back(self) -> None:
        if self.busy:
            self._status("正在处理，请稍候……")
            return
        current = self.query_one(ContentSwitcher).current
        if current == "preview":
            self._to_map()
        elif current == "map":
            self._again()
        else:
            self._close_scan()
            self.app.pop_screen()
