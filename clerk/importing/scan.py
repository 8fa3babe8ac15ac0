"""Import, step 1: open a roster, check it, find each sheet's header and column mapping."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from clerk.importing import mappings as import_mappings
from clerk.spreadsheets import columns
from clerk.spreadsheets import layout as layouts
from clerk.spreadsheets.errors import SpreadsheetError
from clerk.spreadsheets.workbook import SheetInfo, Workbook, open_workbook
from clerk.store.store import ServiceError, Store

# progress(stage, done, total): stage is a Chinese label (读取/校验, 写入); total None when unknown.
Progress = Callable[[str, int, "int | None"], None]

INSTRUCTION_SHEET = re.compile(
    r"说明|填表|须知|指南|示例|样表|样例|字典|下拉|选项|参数|代码表|数据源|instruction|readme|help|^list$", re.I
)
MARKER_SHEET = "_clerk"  # hidden sheet of an error report: names the batch it came from
MARKER_TAG = "clerk-import-errors"


class ImportRefused(ServiceError):
    """The file cannot be imported at all; nothing was written."""


@dataclass
class SheetScan:
    info: SheetInfo
    layout: layouts.Layout | None = None
    skipped: str | None = None  # why this sheet is not imported
    height: int | None = None  # rows in the sheet (None for streamed text files)
    saved_mapping: bool = False

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def usable(self) -> bool:
        return self.layout is not None and self.skipped is None

    @property
    def data_rows(self) -> int | None:
        if self.height is None or self.layout is None:
            return None
        return max(0, self.height - self.layout.data_start + 1)


@dataclass
class FileScan:
    path: Path
    kind: str
    kind_label: str
    sha256: str
    size: int
    sheets: list[SheetScan]
    book: Workbook
    parent_uid: str | None = None  # this file is an error report of that batch, sent back fixed
    previous: dict | None = None  # the committed batch of the very same file, if any
    notes: list[str] = field(default_factory=list)

    @property
    def display(self) -> str:
        return self.path.name

    @property
    def usable(self) -> list[SheetScan]:
        return [s for s in self.sheets if s.usable]

    @property
    def estimated_rows(self) -> int | None:
        counts = [s.data_rows for s in self.usable]
        return None if any(c is None for c in counts) else sum(c for c in counts if c is not None)

    def close(self) -> None:
        self.book.close()

    def check_usable(self) -> None:
        """Refuse when no sheet can be imported (after the clerk's corrections too)."""
        if self.usable:
            return
        if all(s.skipped == "空白工作表" for s in self.sheets) or not self.sheets:
            raise ImportRefused(f"“{self.display}”里没有任何数据（工作表都是空的）。请确认单位发来的是填好的花名册。")
        reasons = "；".join(f"工作表“{s.name}”：{s.skipped}" for s in self.sheets if s.skipped)
        raise ImportRefused(f"“{self.display}”中没有可以导入的花名册。{reasons}。")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def scan(store: Store, path: str | Path) -> FileScan:
    """Open the file, find each sheet's header and mapping; refuse what cannot be imported."""
    path = Path(path)
    try:
        book = open_workbook(path)
    except SpreadsheetError as exc:
        raise ImportRefused(str(exc)) from None
    try:
        result = _scan(store, path, book)
        result.check_usable()
    except SpreadsheetError as exc:
        book.close()
        raise ImportRefused(str(exc)) from None
    except BaseException:
        book.close()
        raise
    return result


def _scan(store: Store, path: Path, book: Workbook) -> FileScan:
    result = FileScan(path, book.kind, book.detected.label, file_sha256(path), path.stat().st_size, [], book)
    for info in book.sheets:
        if info.name == MARKER_SHEET:
            result.parent_uid = _marker(book, info)
            continue
        result.sheets.append(_scan_sheet(store, book, info, several=len(book.sheets) > 1))
    result.previous = _previous(store, result.sha256)
    return result


def _scan_sheet(store: Store, book: Workbook, info: SheetInfo, several: bool = True) -> SheetScan:
    sheet = SheetScan(info)
    if info.hidden:
        sheet.skipped = "隐藏的工作表，已跳过"
        return sheet
    if several and INSTRUCTION_SHEET.search(info.name):
        sheet.skipped = "填表说明，已跳过"
        return sheet
    head: list[list] = []
    for row in book.rows(info):
        head.append(row)
        if len(head) >= layouts.HEAD_ROWS + 20:
            break
    if not any(any(not _blank(v) for v in row) for row in head):
        sheet.skipped = "空白工作表"
        return sheet
    found = layouts.detect(head, first_col=book.first_col(info), merged=book.merged(info))
    if found is None:
        sheet.skipped = "没有找到表头（需要有“姓名”“身份证号码”等列名）"
        return sheet
    sheet.layout = found
    sheet.saved_mapping = import_mappings.apply_saved(store, found)
    sheet.height = book.height(info)
    if found.index_of("id_number") is None:
        where = f"第 {found.header_rows[-1]} 行" if found.header_rows else ""
        sheet.skipped = (
            f"找到了表头（{where}），但没有身份证号码列。请确认有“身份证号码”一列"
            "（也可以叫“公民身份号码”“证件号码”）；在导入向导里可以手动指定哪一列是身份证号码"
        )
    return sheet


def _blank(value: object) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def _marker(book: Workbook, info: SheetInfo) -> str | None:
    rows = book.rows(info)
    first = next(rows, None)
    second = next(rows, None)
    if first and second and str(first[0]) == MARKER_TAG and second:
        return str(second[0])
    return None


def _previous(store: Store, sha256: str) -> dict | None:
    row = store.conn.execute(
        "SELECT id, created_at, clerk, new_count, updated_count FROM import_batches"
        " WHERE file_sha256 = ? AND status = 'committed' ORDER BY id DESC LIMIT 1",
        (sha256,),
    ).fetchone()
    return dict(row) if row else None


def remap(scan: FileScan, sheet_name: str, mapping: dict[int | str, str]) -> None:
    """Correct columns of a sheet: {column index, letter or header label: field}."""
    for sheet in scan.sheets:
        if sheet.name != sheet_name or sheet.layout is None:
            continue
        for ref, field_key in mapping.items():
            col = find_column(sheet.layout, ref)
            if col is None:
                raise ImportRefused(f"工作表“{sheet_name}”中没有“{ref}”这一列。")
            sheet.layout.set_field(col.index, field_key)
        refresh(sheet)
        return
    raise ImportRefused(f"“{scan.display}”中没有名为“{sheet_name}”的工作表。")


def find_column(layout: layouts.Layout, ref: int | str) -> layouts.Column | None:
    if isinstance(ref, int):
        return next((c for c in layout.columns if c.index == ref), None)
    text = str(ref).strip()
    for col in layout.columns:
        if col.letter == text.upper() or col.label == text:
            return col
    wanted = columns.normalize_label(text)
    return next((c for c in layout.columns if columns.normalize_label(c.label) == wanted), None)


def refresh(sheet: SheetScan) -> None:
    """After a correction: a sheet with an ID column becomes importable, one without stops being."""
    if sheet.layout is None:
        return
    has_id = sheet.layout.index_of("id_number") is not None
    if has_id and sheet.skipped and "身份证号码列" in sheet.skipped:
        sheet.skipped = None
    elif not has_id and sheet.skipped is None:
        sheet.skipped = "没有指定身份证号码列"
