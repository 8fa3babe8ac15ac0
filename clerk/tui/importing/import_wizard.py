"""导入花名册: the wizard's flow through its four steps (one module each) —

1. pick_step: the roster (the inbox first), where to import it, whether to update members;
2. columns_step: the sheets and columns found, a column corrected, the mapping saved;
3. preview_step: counts and problem rows after validation;
4. result_step: what the import did, the error report one key away.

This screen holds the state between them and runs the slow work (reading, validating, committing)
through the worker helper, on a connection of the worker's own; a progress bar shows how far it is.
"""

from __future__ import annotations

from pathlib import Path

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Header, ProgressBar, Static

from clerk.importing import pipeline as importer
from clerk.store import folders
from clerk.store.store import ServiceError, Store
from clerk.tui.app import ClerkApp
from clerk.tui.importing.columns_step import ColumnsStep
from clerk.tui.importing.pick_step import PickStep
from clerk.tui.importing.preview_step import PreviewStep
from clerk.tui.importing.result_step import ResultStep
from clerk.tui.importing.steps import Say
from clerk.tui.workers import Progress, run_job

ROSTER_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".txt")


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


class ImportWizardScreen(Screen[None]):
    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("ctrl+b", "app.batches", "导入记录"),
    ]

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
            yield PickStep(id="pick")
            yield ColumnsStep(id="map")
            yield PreviewStep(id="preview")
            yield ResultStep(id="result")
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("", id="status", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.reload_files()
        if self.initial is not None:
            self.open_file(self.initial)

    def reload_files(self) -> None:
        folder = folders.locate(self.app.store, folders.IMPORTS).path
        self.query_one(PickStep).show_files(inbox_rosters(self.app.store), folder)

    @on(Say)
    def _status_said(self, message: Say) -> None:
        self._status(message.text, message.kind)

    def _status(self, text: str, kind: str = "hint") -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_classes(kind)

    def _show(self, step: str, title: str) -> None:
        self.query_one(ContentSwitcher).current = step
        self.query_one("#step", Static).update(f"导入花名册 · {title}")

    def _failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        self._status(message, "error")

    def _progress_start(self, stage: str) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._status(f"{stage}中……")

    def _progressed(self, done: int, total: int | None, stage: str) -> None:
        self.query_one("#progress", ProgressBar).update(total=total, progress=done)
        of_total = f" / {total:,}" if total else ""
        self._status(f"{stage}：{done:,}{of_total}")

    # -- step 1 -> 2: read the file ---------------------------------------------------------------
    @on(PickStep.Chosen)
    def _chosen(self, message: PickStep.Chosen) -> None:
        self.open_file(message.path)

    def open_file(self, path: Path) -> None:
        if self.busy:
            return
        self._close_scan()
        self.busy = True
        self._status(f"正在打开“{path}”……")
        run_job(
            self,
            lambda store, _progress: importer.scan(store, path),
            done=self._scanned,
            failed=self._failed,
            failure=f"无法读取“{path}”：{{error}}",
            group="import",
        )

    def _scanned(self, scan: importer.FileScan) -> None:
        self.busy = False
        self.scan = scan
        self._status("")
        self.query_one(ColumnsStep).show(scan)
        self._show("map", "核对列")

    @on(Button.Pressed, "#again")
    @on(Button.Pressed, "#again2")
    def _again(self) -> None:
        self._drop_early()
        self._close_scan()
        self.plan = self.result = None
        self.reload_files()
        self._show("pick", "选择文件")

    # -- step 2 -> 3: validate ----------------------------------------------------------------------
    @on(Button.Pressed, "#validate")
    def _validate(self) -> None:
        if self.scan is None or self.busy:
            return
        try:
            self.scan.check_usable()
        except ServiceError as exc:
            self._status(str(exc), "error")
            return
        scan, options = self.scan, self.query_one(PickStep).options()
        self.busy = True
        self._progress_start("校验")
        run_job(
            self,
            lambda store, progress: importer.prepare(store, scan, options, _stage_first(progress)),
            done=self._planned,
            failed=self._failed,
            progress=self._progressed,
            failure="校验没有完成：{error}",
            group="import",
        )

    def _planned(self, plan: importer.Plan) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        self.plan = plan
        writes = bool(plan.writes or plan.rejects) and not plan.already_imported
        self._drop_early()
        if writes:
            self.early = importer.EarlyBackup(self.app.store.path)
        self._show("preview", "预览")
        self.query_one(PreviewStep).show(plan, writes)

    @on(Button.Pressed, "#to-map")
    def _to_map(self) -> None:
        self._drop_early()
        self._show("map", "核对列")

    # -- step 3 -> 4: commit ------------------------------------------------------------------------
    @on(Button.Pressed, "#commit")
    def _commit(self) -> None:
        if self.plan is None or self.busy:
            return
        self.busy = True
        self.query_one("#commit", Button).disabled = True
        self._progress_start("写入")
        plan, early, self.early = self.plan, self.early, None

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
        self._status("")
        self._close_scan()
        self._show("result", "完成")
        self.query_one(ResultStep).show(result, rejects=bool(self.plan and self.plan.rejects))

    @on(Button.Pressed, "#history")
    @on(Button.Pressed, "#history2")
    def _history(self) -> None:
        self.app.action_batches()

    # -- leaving ------------------------------------------------------------------------------------
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
