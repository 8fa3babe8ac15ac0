"""Open any roster (.xlsx/.xlsm/.xlsb/.xls/.ods via python-calamine, .csv, HTML-as-.xls) and hand out
its sheets' rows one at a time.

Row lists start at the sheet's first row (index 0 is row 1, as Excel numbers rows), so row
numbers in messages are the ones the clerk sees. Cells keep the types the reader gives
(calamine: str, float, int, bool, date, datetime); nothing is evaluated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clerk.spreadsheets import sniff, textfile
from clerk.spreadsheets.errors import SpreadsheetError

_KEEP = (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)


@dataclass(frozen=True)
class SheetInfo:
    name: str
    index: int
    hidden: bool = False


class Workbook:
    """A roster file opened for reading. Use as a context manager."""

    def __init__(self, path: Path, detected: sniff.Detected):
        self.path = path
        self.display = path.name
        self.detected = detected
        self.kind = detected.kind
        self._book = None
        self._loaded: dict[str, object] = {}
        if self.kind in ("xlsx", "xlsb", "xls", "ods"):
            self._book = self._calamine(lambda cal: self._open_calamine(cal))
            metas = self._book.sheets_metadata  # type: ignore[attr-defined]
            self.sheets = [
                SheetInfo(m.name, i, hidden=str(m.visible).endswith(("Hidden", "VeryHidden")))
                for i, m in enumerate(metas)
                if str(m.typ).endswith("WorkSheet")
            ]
        elif self.kind == "csv":
            textfile.check_csv(path, detected.encoding or "utf-8", self.display)
            self.sheets = [SheetInfo(path.stem or "CSV", 0)]
        else:  # html
            count = textfile.html_table_count(path, detected.encoding or "utf-8", self.display)
            if count == 0:
                raise SpreadsheetError(f"“{self.display}”是网页文件，但里面没有表格，无法导入。")
            self.sheets = [SheetInfo(f"表{i}" if count > 1 else path.stem, i - 1) for i in range(1, count + 1)]

    # -- calamine -----------------------------------------------------------------------------
    def _open_calamine(self, cal):
        extensions = {"xlsx": (".xlsx", ".xlsm"), "xlsb": (".xlsb",), "xls": (".xls",), "ods": (".ods",)}
        if self.path.suffix.lower() in extensions[self.kind]:
            return cal.CalamineWorkbook.from_path(str(self.path))
        # Wrong or no extension: calamine would guess the format from the name, so hand it the bytes.
        with open(self.path, "rb") as f:
            return cal.CalamineWorkbook.from_filelike(f)

    def _calamine(self, action):
        import python_calamine as cal

        try:
            return action(cal)
        except cal.PasswordError:
            raise sniff.encrypted(self.display) from None
        except SpreadsheetError:
            raise
        except _KEEP:
            raise
        except BaseException:  # calamine errors, and pyo3 panics (a BaseException) on broken files
            raise sniff.corrupt(self.display) from None

    def _sheet(self, info: SheetInfo):
        sheet = self._loaded.get(info.name)
        if sheet is None:
            sheet = self._calamine(lambda cal: self._book.get_sheet_by_index(info.index))  # type: ignore[union-attr]
            self._loaded[info.name] = sheet
        return sheet

    def release(self, info: SheetInfo) -> None:
        """Let a sheet's cells go once it has been read."""
        self._loaded.pop(info.name, None)

    # -- reading --------------------------------------------------------------------------------
    def first_col(self, info: SheetInfo) -> int:
        """0-based sheet column of the first cell in each row list (calamine trims empty columns)."""
        if self._book is None:
            return 0
        start = self._sheet(info).start  # type: ignore[attr-defined]
        return start[1] if start else 0

    def merged(self, info: SheetInfo) -> list:
        if self._book is None:
            return []
        try:
            return list(self._sheet(info).merged_cell_ranges or [])  # type: ignore[attr-defined]
        except _KEEP:
            raise
        except BaseException:
            return []

    def height(self, info: SheetInfo) -> int | None:
        if self._book is None:
            return None
        sheet = self._sheet(info)
        end = sheet.end  # type: ignore[attr-defined]
        return end[0] + 1 if end else 0

    def rows(self, info: SheetInfo) -> Iterator[list]:
        """The sheet's rows from row 1, each a list of cell values."""
        if self.kind == "csv":
            yield from textfile.csv_rows(self.path, self.detected.encoding or "utf-8", self.display)
            return
        if self.kind == "html":
            for table, row in textfile.html_tables(self.path, self.detected.encoding or "utf-8", self.display):
                if table == info.index + 1:
                    yield row
            return
        sheet = self._sheet(info)
        rows = self._calamine(lambda cal: sheet.iter_rows())  # type: ignore[attr-defined]
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except _KEEP:
                raise
            except BaseException:
                raise sniff.corrupt(self.display) from None
            yield row

    def close(self) -> None:
        self._loaded.clear()
        if self._book is not None:
            try:
                self._book.close()  # type: ignore[attr-defined]
            except BaseException as exc:  # already closed
                if isinstance(exc, _KEEP):
                    raise
            self._book = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_workbook(path: str | Path) -> Workbook:
    """Detect the file's kind by content and open it; raise SpreadsheetError with a Chinese reason."""
    path = Path(path)
    detected = sniff.detect(path)
    return Workbook(path, detected)
