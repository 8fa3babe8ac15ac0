"""Text rosters: CSV (any common delimiter) and HTML tables that systems export under an .xls name.

Both stream: rows are parsed as the file is read, so memory does not grow with the file.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from clerk.spreadsheets.errors import SpreadsheetError

DELIMITERS = (",", "\t", ";", "|", "，")
_SNIFF_LINES = 60
csv.field_size_limit(1 << 20)


def _decode_error(display: str, line: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{display}”第 {line} 行附近有无法识别的文字（文件里混用了不同的编码）。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
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
