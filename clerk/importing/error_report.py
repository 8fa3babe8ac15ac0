"""The error report: the rows an import could not take, as an .xlsx the employer can fix and send back.

Each sheet of the roster that had problems becomes a sheet with its original header, the rows
as they were (every cell written as text, ID numbers in text-formatted cells so a corrected
number stays text) and a 错误原因 column. A hidden sheet names the batch: importing the fixed
file later links it to this batch and marks the rows it brings in as resolved.

Cells are never formulas: a name written as =HYPERLINK(...) goes back as that text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from clerk.importing import batches as import_batches
from clerk.importing.plan import Plan
from clerk.importing.scan import MARKER_SHEET, MARKER_TAG
from clerk.spreadsheets import columns
from clerk.store import files, folders
from clerk.store.store import ServiceError, Store

INSTRUCTIONS = (
    "这是导入花名册时没能导入的行，请修改后把整个文件发回。",
    "1. 每个工作表的最后几列是“错误原因”“原工作表”“原行号”，请按错误原因修改这一行，这三列不用改，也不要删。",
    "2. 身份证号码一列已设为“文本”格式，直接输入 18 位号码即可；请不要把它改成数字格式，否则最后几位会丢失。",
    "3. 改好的行留在表里，改不了的行可以删掉；不要增加或调换列。",
    "4. 名为“…需核对”的工作表中的人已经入会，只是个别信息（如手机号）没有导入，改好后发回即可更新。",
)


@dataclass
class ReportSheet:
    name: str
    labels: list[str]
    rows: list[tuple[int, str, list[str]]]  # (row number, reason, original cells)


def _safe_title(name: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    title = title[:31]
    base, n = title, 2
    while title.lower() in used or title == MARKER_SHEET:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def _group(rejects: Iterable[tuple[str, int, str, str, str]], labels: dict[str, list[str]]) -> list[ReportSheet]:
    sheets: dict[tuple[str, str], ReportSheet] = {}
    for sheet, row, kind, reason, cells in rejects:
        key = (sheet, kind)
        if key not in sheets:
            name = sheet if kind == "rejected" else f"{sheet}需核对"
            sheets[key] = ReportSheet(name, labels.get(sheet, []), [])
        sheets[key].rows.append((row, reason, json.loads(cells) if isinstance(cells, str) else list(cells)))
    return sorted(sheets.values(), key=lambda s: s.name.endswith("需核对"))


def write(
    path: Path,
    sheets: list[ReportSheet],
    *,
    source_sheets: dict[str, str],
    batch_uid: str | None = None,
    title: str = "",
    force: bool = False,
) -> Path:
    """Write the report (an existing file at path is replaced only with force); returns its path."""
    files.check_target(path, force=force)
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    if not sheets:
        raise ServiceError("没有需要修改的行，不用生成错误报告。")
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    red = Font(color="C00000")
    head_fill = PatternFill("solid", fgColor="DDEBF7")

    def cell(ws, value: object, *, font=None, fill=None, text_format: bool = False, wrap: bool = False):
        c = WriteOnlyCell(ws, value="" if value is None else str(value))
        c.data_type = "s"  # a text cell whatever it starts with: never a formula
        if font:
            c.font = font
        if fill:
            c.fill = fill
        if text_format:
            c.number_format = "@"
        if wrap:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        return c

    info = book.create_sheet("填表说明")
    info.column_dimensions["A"].width = 110
    if title:
        info.append([cell(info, title, font=bold)])
    for line in INSTRUCTIONS:
        info.append([cell(info, line)])

    used: set[str] = {"填表说明"}
    for sheet in sheets:
        ws = book.create_sheet(_safe_title(sheet.name, used))
        width = max([len(sheet.labels)] + [len(cells) for _, _, cells in sheet.rows])
        labels = list(sheet.labels) + [""] * (width - len(sheet.labels))
        id_cols = {
            i
            for i, label in enumerate(labels)
            if (columns.match(label) or columns.Match("", False)).field == "id_number"
        }
        for i, label in enumerate(labels):
            ws.column_dimensions[_letter(i)].width = 22 if i in id_cols else max(8, min(24, len(label) * 2 + 2))
        ws.column_dimensions[_letter(width)].width = 60
        ws.freeze_panes = "A2"
        extra = [
            columns.REPORT_COLUMNS[columns.REASON],
            columns.REPORT_COLUMNS[columns.SRC_SHEET],
            columns.REPORT_COLUMNS[columns.SRC_ROW],
        ]
        ws.append([cell(ws, t, font=bold, fill=head_fill) for t in labels + extra])
        origin = source_sheets.get(sheet.name, sheet.name.removesuffix("需核对"))
        for row_no, reason, cells in sheet.rows:
            cells = list(cells) + [""] * (width - len(cells))
            ws.append(
                [cell(ws, v, text_format=i in id_cols) for i, v in enumerate(cells[:width])]
                + [cell(ws, reason, font=red, wrap=True), cell(ws, origin), cell(ws, row_no)]
            )
    if batch_uid:
        marker = book.create_sheet(MARKER_SHEET)
        marker.sheet_state = "hidden"
        marker.append([cell(marker, MARKER_TAG)])
        marker.append([cell(marker, batch_uid)])
    files.save_workbook(book, path, force=force)
    return path


def _letter(index: int) -> str:
    from clerk.spreadsheets.xlsx_stream import column_letter

    return column_letter(index)


def default_path(store: Store, file_name: str, batch_id: int | None = None) -> Path:
    """The report's place in the exports folder, named after the roster; a name of its own, so a
    report written again never replaces the one sent out before."""
    stem = Path(file_name).stem
    suffix = f"-批次{batch_id}" if batch_id else ""
    return files.unused_name(folders.exports_dir(store) / f"{stem}-错误报告{suffix}.xlsx")


def for_plan(
    store: Store, plan: Plan, path: Path | None = None, include_warnings: bool = True, force: bool = False
) -> Path:
    """The report of a validated (maybe not committed) import."""
    labels = {s.name: [c.label for c in s.layout.columns] for s in plan.scan.usable if s.layout}
    rows = [r for r in plan.rejects if include_warnings or r[2] == "rejected"]
    sheets = _group(rows, labels)
    source = {s.name: s.name for s in plan.scan.sheets}
    title = f"“{plan.display}”中没有导入或需要核对的行"
    return write(path or default_path(store, plan.display), sheets, source_sheets=source, title=title, force=force)


def for_batch(
    store: Store, batch_id: int, path: Path | None = None, include_warnings: bool = True, force: bool = False
) -> Path:
    """The report of a committed batch (rows a later fixed file already brought in are left out)."""
    batch = import_batches.get(store, batch_id)
    labels = {s["name"]: s["labels"] for s in batch["sheets"]}
    rows = [
        (r["sheet"], r["row_number"], r["kind"], r["reason"], r["cells"])
        for r in import_batches.rejects(store, batch_id, kind=None, include_resolved=False)
        if include_warnings or r["kind"] == "rejected"
    ]
    sheets = _group(rows, labels)
    title = f"“{batch['file_name']}”（导入批次 #{batch_id}，{batch['created_at'].replace('T', ' ')}）中没有导入或需要核对的行"
    return write(
        path or default_path(store, batch["file_name"], batch_id),
        sheets,
        source_sheets={s["name"]: s["name"] for s in batch["sheets"]},
        batch_uid=batch["uid"],
        title=title,
        force=force,
    )
