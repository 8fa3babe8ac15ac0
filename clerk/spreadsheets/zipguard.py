"""Zip bomb defence for .xlsx/.xlsm/.xlsb/.ods, checked before anything is inflated by a reader.

Two kinds of bomb are refused:
- an archive whose entries declare more data than a roster could ever hold, or compress far
  better than real spreadsheet XML does (checked from the central directory alone);
- a "cell bomb": a tiny sheet with one cell at XFD1048576. The reader (calamine) lays a sheet out
  as a dense grid, so that one cell would ask for half a terabyte and abort the whole program.
  The sheet XML is streamed through a bounded inflater (never more than it declared) to find the
  grid's extent before the reader sees it.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass

from clerk.spreadsheets.errors import SpreadsheetError

# Real rosters: even a very big sheet's XML compresses only some ten times.
MAX_TOTAL = 400 * 1024 * 1024  # declared uncompressed bytes over the whole archive
MAX_ENTRIES = 5000
MAX_RATIO = 200  # per entry, once it is big enough for the ratio to mean something
RATIO_FLOOR = 8 * 1024 * 1024
MAX_CELLS = 10_000_000  # cells of the dense grid the reader would allocate (about 32 bytes each)

_CHUNK = 1 << 20
_ROW_TAG = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
# A cell reference the streaming check has to look at more closely: a two-or-more letter column,
# or a row with more digits than the rows seen so far (a reference can lie about its row).
_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
_ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated="(\d+)"')


@dataclass(frozen=True)
class Extent:
    rows: int
    cols: int


def _too_big(name: str) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{name}”解压后的内容异常庞大（可能是恶意构造的“压缩炸弹”文件），为保护电脑没有打开。"
        "如果这确实是单位发来的花名册，请让对方另存为新的 .xlsx 文件，或拆成几个较小的文件后再发。"
    )


def check_archive(zf: zipfile.ZipFile, display: str) -> None:
    """Refuse an archive by its declared sizes (central directory only, nothing inflated)."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise _too_big(display)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise SpreadsheetError(f"“{display}”是加了密码的压缩文件，程序无法读取。请让单位去掉密码后重新发送。")
        total += info.file_size
        if total > MAX_TOTAL:
            raise _too_big(display)
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _too_big(display)


def _chunks(zf: zipfile.ZipFile, name: str):
    """Inflate one entry a megabyte at a time, never past the size its header declared."""
    info = zf.getinfo(name)
    limit = info.file_size
    seen = 0
    with zf.open(info) as stream:  # zipfile stops at the declared size and checks the CRC
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                return
            seen += len(chunk)
            if seen > limit:
                raise zipfile.BadZipFile("entry longer than declared")
            yield chunk


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _suspect(max_row: int, general: bool) -> re.Pattern[bytes]:
    """Cell references with a column past Z or a row number above max_row's leading digit."""
    text = str(max_row) if max_row else "0"
    digits, lead = len(text), int(text[0])
    beyond = rf"\d{{{digits + 1},}}"
    if lead < 9:
        beyond += rf"|[{lead + 1}-9]\d{{{digits - 1}}}"
    head = rb'<c\b[^>]*?\br="' if general else rb'<c r="'
    return re.compile(head + rb"(?:[A-Z]{2,3}|[A-Z](?:" + beyond.encode() + rb"))")


def xlsx_extent(zf: zipfile.ZipFile, part: str) -> Extent:
    """The grid a worksheet part spans (largest row and column any cell names)."""
    max_row = 0
    max_col = 26  # columns A-Z never need a closer look
    carry = b""
    for chunk in _chunks(zf, part):
        data = carry + chunk
        # Keep the tail in case a tag is cut in two; it is scanned again with the next chunk.
        cut = data.rfind(b"<")
        data, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        last = data.rfind(b"<row ")
        if last >= 0:
            m = _ROW_TAG.match(data, last)
            if m:
                max_row = max(max_row, int(m.group(1)))
        # Excel, WPS and openpyxl write r first (<c r="B2" ...>): a plain substring search then.
        general = data.count(b"<c ") != data.count(b'<c r="')
        # A wide column, or a row reference clearly past the rows seen so far: read them exactly.
        if _suspect(max_row, general).search(data):
            for m in _REF.finditer(data):
                max_col = max(max_col, _col_number(m.group(1)))
                max_row = max(max_row, int(m.group(2)))
    return Extent(max_row, max_col)


def check_xlsx_sheets(zf: zipfile.ZipFile, display: str) -> None:
    for name in zf.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            extent = xlsx_extent(zf, name)
            if extent.rows * extent.cols > MAX_CELLS:
                raise _too_big(display)


def check_ods_content(zf: zipfile.ZipFile, display: str) -> None:
    """ODS repeats a row or cell with number-*-repeated; a repeated value can blow up the same way."""
    if "content.xml" not in zf.namelist():
        return
    rows_repeat = cols_repeat = 1
    carry = b""
    for chunk in _chunks(zf, "content.xml"):
        data = carry + chunk
        carry = data[-64:]
        for m in _ODS_REPEAT.finditer(data):
            # Trailing filler rows/columns LibreOffice writes are empty; calamine skips empty ones,
            # so only a repeat of a cell that holds a value costs memory.
            start = data.rfind(b"<", 0, m.start())
            end = data.find(b">", m.end())
            tag = data[start:end]
            if b"office:value-type" not in tag and b"table:table-row" not in tag:
                continue
            value = int(m.group(2))
            if m.group(1) == b"rows":
                rows_repeat = max(rows_repeat, value)
            else:
                cols_repeat = max(cols_repeat, value)
    if rows_repeat * cols_repeat > MAX_CELLS or cols_repeat > 16384:
        raise _too_big(display)


def safe_zip_error(exc: Exception) -> bool:
    return isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError))
