"""A small streaming .xlsx writer: rows go straight into the zip, memory stays flat.

openpyxl (write_only) and xlsxwriter (constant_memory) both build a Python object per cell; this
writer formats each row as one string of sheet XML and is several times faster (bench/sync.py
measures all three).

What it writes is deliberately plain SpreadsheetML that Excel, WPS, LibreOffice, openpyxl and
calamine all read: inline strings (never shared strings, never formulas: a text that starts
with '=' is a text cell), integers as numbers, a bold frozen header row, column widths and a
text number format on text columns so that an ID number typed in later stays text too.
"""

from __future__ import annotations

import queue
import re
import threading
import zipfile
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Characters that must be escaped in XML text; a carriage return would be folded into a
# newline by every reader unless written as a character reference.
_NEEDS_ESCAPE = re.compile(r"[&<>\r]")
# Characters XML 1.0 cannot hold at all (callers clean them away before hashing a row).
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

STYLE_DEFAULT, STYLE_HEADER, STYLE_TEXT = 0, 1, 2
_ENTITIES = {"\r": "&#13;"}


def clean(text: str) -> str:
    """Drop the characters an XML file cannot carry (control characters, lone surrogates)."""
    return ILLEGAL.sub("", text)


def _esc(text: str) -> str:
    return _xml_escape(text, _ENTITIES)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    text: bool = True  # a text column gets the '@' number format


def _plain_cells(refs: list[str], r: int, values: Sequence[Any]) -> str:
    """A row's cells when no string needs escaping or keeps white space at either end."""
    out = []
    for ref, v in zip(refs, values, strict=False):
        if v is None or v == "":
            continue
        if type(v) is str:
            out.append(f'<c r="{ref}{r}" t="inlineStr"><is><t>{v}</t></is></c>')
        else:
            out.append(f'<c r="{ref}{r}"><v>{int(v) if isinstance(v, bool) else v!r}</v></c>')
    return "".join(out)


def _cells(refs: list[str], r: int, values: Sequence[Any]) -> str:
    out = []
    for ref, v in zip(refs, values, strict=False):
        if v is None or v == "":
            continue
        if type(v) is str:
            out.append(_text_cell(f"{ref}{r}", v))
        elif isinstance(v, bool):
            out.append(f'<c r="{ref}{r}"><v>{int(v)}</v></c>')
        elif isinstance(v, (int, float)):
            out.append(f'<c r="{ref}{r}"><v>{v!r}</v></c>')
        else:
            out.append(f'<c r="{ref}{r}" t="inlineStr"><is><t>{_esc(str(v))}</t></is></c>')
    return "".join(out)


def _text_cell(where: str, v: str) -> str:
    if _NEEDS_ESCAPE.search(v):
        v = _esc(v)
    if v[0] in " \t\n" or v[-1] in " \t\n":
        return f'<c r="{where}" t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>'
    return f'<c r="{where}" t="inlineStr"><is><t>{v}</t></is></c>'


class SheetWriter:
    """One worksheet being streamed; rows are appended in order, then close() ends the part."""

    def __init__(self, book: XlsxStreamWriter, name: str, columns: Sequence[Column], part: str):
        self.book = book
        self.name = name
        self.columns = list(columns)
        self.rows = 0
        self._refs = [column_letter(i) for i in range(len(self.columns))]
        book._send(("open", part))
        self._buf: list[str] = []
        self._pending = 0
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"'
            + (f' style="{STYLE_TEXT}"' if c.text else "")
            + "/>"
            for i, c in enumerate(self.columns, start=1)
        )
        self._raw(
            f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
        )
        self._header()

    def _raw(self, text: str) -> None:
        self.book._send(("data", text.encode("utf-8")))

    def _header(self) -> None:
        cells = "".join(
            f'<c r="{ref}1" s="{STYLE_HEADER}" t="inlineStr"><is><t>{_esc(c.header)}</t></is></c>'
            for ref, c in zip(self._refs, self.columns, strict=True)
        )
        self._buf.append(f'<row r="1">{cells}</row>')
        self.rows = 1

    def append(self, values: Sequence[Any], *, plain: bool = False) -> None:
        """One row: str -> text cell, int/float -> number, None or '' -> empty cell.

        Strings must already be free of characters XML can't hold (see clean()). plain=True
        promises that no string needs escaping or has white space at either end (the caller
        checked the whole row at once), which takes the fast path."""
        r = self.rows + 1
        self.rows = r
        cells = _plain_cells(self._refs, r, values) if plain else _cells(self._refs, r, values)
        self._buf.append(f'<row r="{r}">{cells}</row>')
        self._pending += 1
        if self._pending >= 512:
            self._flush()

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.append(row)

    def _flush(self) -> None:
        if self._buf:
            self._raw("".join(self._buf))
            self._buf.clear()
        self._pending = 0

    def close(self) -> None:
        self._flush()
        self._raw("</sheetData></worksheet>")
        self.book._send(("close", None))

    def __enter__(self) -> SheetWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.book._send(("close", None))


class XlsxStreamWriter:
    """Writes a workbook sheet by sheet. Sheets may be written in any order: `position` says
    where each appears among the tabs (so a summary sheet can be written last but shown first)."""

    def __init__(self, path: str | Path, *, compresslevel: int = 1, zip64: bool = False, title: str = ""):
        self.path = Path(path)
        self.zip64 = zip64
        self.title = title
        self._zip = zipfile.ZipFile(self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self._sheets: list[tuple[str, str]] = []  # (name, part) in the order written
        # Deflating runs in a thread of its own (zlib lets go of the GIL), overlapping with the
        # Python that formats the rows; the queue is bounded, so memory stays flat.
        self._queue: queue.Queue = queue.Queue(maxsize=16)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="xlsx-deflate", daemon=True)
        self._thread.start()
        self._tabs: list[int] = []  # indexes into _sheets in the order the tabs appear
        self._open: SheetWriter | None = None

    def _drain(self) -> None:
        stream = None
        while True:
            kind, payload = self._queue.get()
            if kind == "stop":
                return
            if self._error is not None:
                continue  # keep taking items so the producer never blocks
            try:
                if kind == "open":
                    stream = self._zip.open(payload, "w", force_zip64=self.zip64)
                elif kind == "data":
                    assert stream is not None, "data before open"
                    stream.write(payload)
                elif kind == "close" and stream is not None:
                    stream.close()
                    stream = None
            except BaseException as exc:  # noqa: BLE001 - re-raised in the producer's thread
                self._error = exc

    def _send(self, item: tuple[str, Any]) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(item)

    def _finish_thread(self) -> None:
        if self._thread.is_alive():
            self._queue.put(("stop", None))
            self._thread.join()
        if self._error is not None:
            raise self._error

    def sheet(self, name: str, columns: Sequence[Column], *, position: int | None = None) -> SheetWriter:
        if self._open is not None:
            raise RuntimeError("close the previous sheet first")
        if len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
            raise ValueError(f"invalid sheet name {name!r}")
        number = len(self._sheets) + 1
        part = f"xl/worksheets/sheet{number}.xml"
        self._sheets.append((name, part))
        self._tabs.insert(len(self._tabs) if position is None else position, number - 1)
        self._open = SheetWriter(self, name, columns, part)
        original_close = self._open.close

        def close() -> None:
            original_close()
            self._open = None

        self._open.close = close  # type: ignore[method-assign]
        return self._open

    def close(self) -> None:
        if self._open is not None:
            self._open.close()
        self._finish_thread()
        ordered = [(i, self._sheets[i]) for i in self._tabs]
        z = self._zip
        doc, pkg = "application/vnd.openxmlformats-officedocument", "application/vnd.openxmlformats-package"
        overrides = "".join(
            f'<Override PartName="/{part}" ContentType="{doc}.spreadsheetml.worksheet+xml"/>'
            for _, (_, part) in ordered
        )
        z.writestr(
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="{pkg}.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{doc}.spreadsheetml.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{doc}.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/docProps/core.xml" ContentType="{pkg}.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{doc}.extended-properties+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
        )
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        z.writestr(
            "docProps/core.xml",
            f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{_esc(self.title)}</dc:title><dc:creator>clerk</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>",
        )
        z.writestr(
            "docProps/app.xml",
            f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>clerk</Application></Properties>",
        )
        sheets = "".join(
            f'<sheet name="{_esc(name)}" sheetId="{number + 1}" r:id="rId{number + 1}"/>'
            for number, (name, _) in ordered
        )
        z.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{number + 1}" Type="{_REL}/worksheet" Target="{part[3:]}"/>'
            for number, (_, part) in enumerate(self._sheets)
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{len(self._sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/styles.xml", _STYLES)
        z.close()

    def abort(self) -> None:
        """Close the zip after a failure (the caller removes the half-written file)."""
        try:
            if self._open is not None:
                self._queue.put(("close", None))
            self._finish_thread()
        except BaseException:  # noqa: BLE001 - the file is being thrown away anyway
            pass
        with suppress(Exception):
            self._zip.close()

    def __enter__(self) -> XlsxStreamWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.abort()


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
