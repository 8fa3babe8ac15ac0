"""Text rosters: CSV (any common delimiter) and HTML tables that systems export under an .xls name.

Both stream: rows are parsed as the file is read, so memory does not grow with the file.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from clerk.spreadsheets.errors import SpreadsheetError

DELIMITERS = (",", "\t", ";", "|", "，")
_SNIFF_LINES = 60
# No cell of a roster is anywhere near this long; a longer line is a damaged or foreign file.
LINE_LIMIT = 1 << 20
csv.field_size_limit(LINE_LIMIT)
# What Chinese text decoded right looks like: a line of GBK bytes that also happens to be valid UTF-8
# decodes to Latin, Greek, Cyrillic or Arabic letters, or to rare ideographs alone, not to these.
_CHINESE_TEXT = re.compile(
    "[\u00b7\u2014\u2018-\u201d\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\U00020000-\U0003ffff]"
)
_COMMON_HAN = re.compile("[\u4e00-\u9fff]")


def _decode_error(display: str, line: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{display}”第 {line} 行附近有无法识别的文字（文件里混用了不同的编码）。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
    )


def check_csv(path: Path, encoding: str, display: str) -> None:
    """Refuse, with the line number, a text roster that would be stored damaged: one whose encoding
    changes part way (rows appended by another program), or with a NUL byte or an over-long line.

    Reads the file once, a line at a time (memory stays flat)."""
    if encoding == "utf-16":
        _check_decoded_lines(path, display)
        return
    utf8 = encoding.startswith("utf-8")
    seen: str | None = "UTF-8" if utf8 else None  # the encoding of the lines so far
    with open(path, "rb") as f:
        for number, line in enumerate(iter(lambda: f.readline(LINE_LIMIT + 1), b""), start=1):
            if len(line) > LINE_LIMIT:
                raise _too_long(display, number)
            if b"\x00" in line:
                raise _nul(display, number)
            if line.isascii():
                continue
            kind = _line_encoding(line, utf8)
            if kind is None:
                raise _decode_error(display, number)
            if seen is not None and kind != seen:
                raise _encoding_changed(display, number, seen, kind)
            seen = kind


def _line_encoding(line: bytes, utf8: bool) -> str | None:
    """UTF-8 or GBK for a line with Chinese text in it (None: neither).

    In a file that starts as UTF-8 any line that is not UTF-8 is something else; in a GBK file a
    line is UTF-8 only when read so it gives Chinese text (GBK bytes are often valid UTF-8 too)."""
    if utf8:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return "GBK" if _decodes(line, "gb18030") else None
        return "UTF-8"
    if _is_utf8_chinese(line):
        return "UTF-8"
    return "GBK" if _decodes(line, "gb18030") else None


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_chinese(line: bytes) -> bool:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) > 0x7F]
    return bool(_COMMON_HAN.search(text)) and all(_CHINESE_TEXT.match(ch) for ch in wide)


def _check_decoded_lines(path: Path, display: str) -> None:
    try:
        with open(path, encoding="utf-16", newline="") as f:
            for number, line in enumerate(iter(lambda: f.readline(LINE_LIMIT + 1), ""), start=1):
                if len(line) > LINE_LIMIT:
                    raise _too_long(display, number)
                if "\x00" in line:
                    raise _nul(display, number)
    except UnicodeDecodeError:
        raise _decode_error(display, 1) from None


def _encoding_changed(display: str, line: int, before: str, after: str) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{display}”的文字编码从第 {line} 行起变了（前面是 {before}，第 {line} 行起是 {after}），"
        "多半是有人用别的软件在后面追加了内容。照这样导入，姓名会变成乱码，所以没有导入。"
        "请让单位用同一个软件把整份名单重新导出（或另存为 .xlsx）后再发来。"
    )


def _nul(display: str, line: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{display}”第 {line} 行有空字符（NUL），文件可能已损坏或不是花名册，没有导入。"
        "请让单位重新导出后再发来，或用 Excel/WPS 打开检查后另存为 .xlsx 再导入。"
    )


def _too_long(display: str, line: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{display}”第 {line} 行的内容超过 1 MB，花名册不会有这么长的内容，文件可能已损坏，没有导入。"
        "请用 Excel 或 WPS 打开检查这一行，另存为 .xlsx 后再导入。"
    )


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same number (>= 2) of fields."""
    best, best_score = ",", 0
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in row)]
        if not counts:
            continue
        width, lines_with_width = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = lines_with_width * 1000 + width
        if score > best_score:
            best, best_score = delimiter, score
    return best


def csv_rows(path: Path, encoding: str, display: str) -> Iterator[list[str]]:
    """Every record of a CSV file as a list of strings (a record is a row as Excel shows it)."""
    try:
        with open(path, encoding=encoding, newline="") as f:
            head = []
            for _ in range(_SNIFF_LINES):
                line = f.readline()
                if not line:
                    break
                head.append(line)
            delimiter = sniff_delimiter(head)
            f.seek(0)
            reader = csv.reader(f, delimiter=delimiter)
            line = 0
            try:
                for line, row in enumerate(reader, start=1):
                    yield row
            except UnicodeDecodeError:
                raise _decode_error(display, line + 1) from None
            except csv.Error:
                raise SpreadsheetError(
                    f"“{display}”第 {line + 1} 行的格式不对（引号没有配对或内容过长），无法继续读取。"
                    "请用 Excel 或 WPS 打开检查后另存为 .xlsx 再导入。"
                ) from None
    except UnicodeDecodeError:
        raise _decode_error(display, 1) from None


class _TableParser(HTMLParser):
    """Collects <tr> rows of every <table>; colspan keeps the columns in place."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[str]]] = []  # (table number, cells) ready to hand out
        self.table = 0
        self.depth = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = 1

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                self.table += 1
        elif tag == "tr" and self.depth:
            self._end_row()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self._end_cell()
            self.cell = []
            try:
                self.span = max(1, min(int(dict(attrs).get("colspan") or 1), 256))
            except ValueError:
                self.span = 1
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table" and self.depth:
            self._end_row()
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def _end_cell(self) -> None:
        if self.cell is not None and self.row is not None:
            text = " ".join("".join(self.cell).replace("\xa0", " ").split())
            self.row.append(text)
            self.row.extend([""] * (self.span - 1))
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is not None:
            self.rows.append((self.table, self.row))
        self.row = None


def html_tables(path: Path, encoding: str, display: str) -> Iterator[tuple[int, list[str]]]:
    """(table number, row) for every table row, streamed."""
    parser = _TableParser()
    try:
        with open(path, encoding=encoding, errors="strict") as f:
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    break
                parser.feed(chunk)
                yield from parser.rows
                parser.rows.clear()
    except UnicodeDecodeError:
        raise _decode_error(display, 1) from None
    parser.close()
    parser._end_row()
    yield from parser.rows


def html_table_count(path: Path, encoding: str, display: str) -> int:
    count = 0
    for table, _ in html_tables(path, encoding, display):
        count = max(count, table)
    return count
