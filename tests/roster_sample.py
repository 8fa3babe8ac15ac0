"""Rosters built in code for the importer tests: .xlsx (openpyxl), .xls (xlwt), .ods (zip + XML), .csv.

Nothing binary is checked in: every mess a test needs is made here, from rows of Python values.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from conftest import make_id

from clerk.importing import pipeline as importer
from clerk.store.store import Store

HEADER = ["序号", "姓名", "身份证号码", "手机号码", "岗位", "入会时间"]


def ids(n: int, birth: str = "19900101", region: str = "500101") -> list[str]:
    """n different valid ID numbers."""
    return [make_id(birth, i + 1, region) for i in range(n)]


def person_id(i: int) -> str:
    """The i-th of many different valid ID numbers (999 per birth date)."""
    born = date(1980, 1, 1) + timedelta(days=i // 999)
    return make_id(born.strftime("%Y%m%d"), i % 999 + 1)


def people(n: int, start: int = 0) -> list[list[Any]]:
    """n valid roster rows under HEADER."""
    names = [
        "张伟",
        "王芳",
        "李娜",
        "刘洋",
        "陈静",
        "杨帆",
        "赵敏",
        "黄磊",
        "周杰",
        "吴芳",
        "徐强",
        "孙丽",
        "马超",
        "朱婷",
        "胡军",
        "郭靖",
        "何丽",
        "林峰",
        "罗刚",
        "高洁",
    ]
    rows = []
    for i in range(start, start + n):
        name = names[i % len(names)] + ("" if i < len(names) else "甲乙丙丁戊己庚辛壬癸"[i // len(names) % 10])
        rows.append([i + 1, name, person_id(i), f"138{i:08d}", "快递员", "2026-03-01"])
    return rows


def write_xlsx(
    path: Path,
    sheets: dict[str, Sequence[Sequence[Any]]],
    *,
    merges: dict[str, list[str]] | None = None,
    hidden: Iterable[str] = (),
    text_ids: bool = True,
) -> Path:
    """One sheet per entry; strings are written as text cells (never formulas), like Excel does."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                    if text_ids:
                        cell.number_format = "@"
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
    wb.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, Sequence[Sequence[Any]]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice/WPS write, without the styles)."""

    def cell(value: Any) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            kind = f'office:value-type="float" office:value="{value}"'
            return f"<table:table-cell {kind}><text:p>{value}</text:p></table:table-cell>"
        text = escape(str(value))
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'

    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    text = "\r\n".join(delimiter.join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def run(
    store: Store, path: Path, *, commit: bool = False, **options: Any
) -> importer.Plan | tuple[importer.Plan, importer.Result]:
    """scan + prepare (+ commit) one file."""
    scan = importer.scan(store, path)
    try:
        plan = importer.prepare(store, scan, importer.Options(**options))
        if not commit:
            return plan
        return plan, importer.commit(store, plan)
    finally:
        scan.close()


def problems(plan: importer.Plan, kind: str | None = None) -> list[tuple[str, int, str]]:
    return [(p.sheet, p.row, p.reason) for p in plan.problems if kind is None or p.kind == kind]


def table_counts(store: Store) -> dict[str, int]:
    """Rows in every table a failed import must not have touched."""
    return {
        t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("members", "member_name_grams", "journal", "import_batches", "import_rejects")
    }
