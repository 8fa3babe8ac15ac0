"""What a file really is, from its bytes (never its extension), and the files we refuse up front:
missing, a folder, empty, not a spreadsheet, encrypted, corrupt, or a zip bomb.
"""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from clerk.spreadsheets import zipguard
from clerk.spreadsheets.errors import SpreadsheetError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAMPLE = 1 << 20
_OLE_SCAN_LIMIT = 256 * 1024 * 1024

KIND_LABELS = {
    "xlsx": "Excel 工作簿 (.xlsx/.xlsm)",
    "xlsb": "Excel 二进制工作簿 (.xlsb)",
    "xls": "Excel 97-2003 工作簿 (.xls)",
    "ods": "OpenDocument 表格 (.ods)",
    "csv": "CSV 文本表格",
    "html": "网页格式的表格（常见于系统导出的 .xls）",
}

_OTHER_FORMATS = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "图片（PNG）"),
    (b"\xff\xd8\xff", "图片（JPG）"),
    (b"GIF8", "图片（GIF）"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gz 压缩包"),
    (b"{\\rtf", "RTF 文档"),
    (b"SQLite format 3", "数据库文件"),
)


@dataclass(frozen=True)
class Detected:
    kind: str  # xlsx, xlsb, xls, ods, csv, html
    encoding: str | None = None  # for text files

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def not_a_sheet(display: str, what: str = "") -> SpreadsheetError:
    found = f"它是{what}，" if what else ""
    return SpreadsheetError(
        f"“{display}”不是表格文件，{found}无法导入。请让单位发送 Excel（.xlsx/.xls）、WPS 表格或 CSV 格式的花名册。"
    )


def corrupt(display: str) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{display}”已损坏，无法打开（可能没有传完整）。请让单位重新发送；"
        "如果用 Excel/WPS 能打开，可以另存为一个新的 .xlsx 文件再导入。"
    )


def encrypted(display: str) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{display}”设置了打开密码，程序无法读取。请让单位取消密码后重新发送"
        "（Excel：文件→信息→保护工作簿→用密码进行加密，清空密码；WPS：文件→文档加密→密码加密，清空密码）。"
    )


def check_path(path: Path) -> int:
    """Refuse what is not a readable, non-empty file; return its size."""
    display = path.name or str(path)
    if not path.exists():
        raise SpreadsheetError(f"找不到文件“{path}”。请检查文件名和所在文件夹是否正确。")
    if path.is_dir():
        raise SpreadsheetError(f"“{path}”是一个文件夹，不是文件。请选择文件夹里的花名册文件。")
    if not path.is_file():
        raise not_a_sheet(display)
    if not os.access(path, os.R_OK):
        raise SpreadsheetError(f"没有权限读取“{path}”。请把文件复制到自己的文件夹后再导入。")
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetError(f"“{display}”是空文件（0 字节），可能没有传完整。请让单位重新发送。")
    return size


def detect(path: Path) -> Detected:
    """Identify the file by content and run the checks that must come before any reader."""
    size = check_path(path)
    display = path.name
    try:
        with open(path, "rb") as f:
            head = f.read(_SAMPLE)
    except OSError:
        raise SpreadsheetError(f"无法读取“{path}”。请确认文件没有被其他程序占用。") from None

    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Detected(_zip_kind(path, display))
    if head.startswith(OLE_MAGIC):
        return Detected(_ole_kind(path, display, size))
    if head.startswith(b"PK"):
        raise corrupt(display)
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise not_a_sheet(display, what)
    encoding = text_encoding(head, display)
    text = head[:8192].decode(encoding.replace("-sig", ""), errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        raise SpreadsheetError(
            f"“{display}”是 Excel 2003 XML 表格，本程序不直接读取这种格式。请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入。"
        )
    if text.startswith(("<!doctype html", "<html", "<table", "<meta", "<head")) or (
        text.startswith("<") and "<table" in text
    ):
        return Detected("html", encoding)
    return Detected("csv", encoding)


def _zip_kind(path: Path, display: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            zipguard.check_archive(zf, display)
            if "xl/workbook.xml" in names or any(re.fullmatch(r"xl/workbook\d*\.xml", n) for n in names):
                zipguard.check_xlsx_sheets(zf, display)
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "mimetype" in names:
                info = zf.getinfo("mimetype")
                mime = zf.read("mimetype")[:100].decode("ascii", "ignore") if info.file_size < 200 else ""
                if mime.strip() == "application/vnd.oasis.opendocument.spreadsheet":
                    zipguard.check_ods_content(zf, display)
                    return "ods"
                if "opendocument.text" in mime:
                    raise not_a_sheet(display, "文字文档（.odt）")
            if any(n.startswith("word/") for n in names):
                raise not_a_sheet(display, "Word 文档")
            if any(n.startswith("ppt/") for n in names):
                raise not_a_sheet(display, "演示文稿（PPT）")
            raise SpreadsheetError(f"“{display}”是一个压缩包，不是表格。请先解压，再导入里面的花名册文件。")
    except SpreadsheetError:
        raise
    except Exception as exc:
        if zipguard.safe_zip_error(exc) or isinstance(exc, (OSError, ValueError, KeyError)):
            raise corrupt(display) from None
        raise


def _ole_kind(path: Path, display: str, size: int) -> str:
    """An OLE2 compound file: a legacy .xls, an encrypted .xlsx, or a Word/PowerPoint document.

    The stream names sit in the directory sectors as UTF-16; finding them needs no full parser.
    """
    if size > _OLE_SCAN_LIMIT:
        raise zipguard._too_big(display)
    data = path.read_bytes()

    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptionInfo") or has("EncryptedPackage"):
        raise encrypted(display)
    if has("Workbook") or has("Book"):
        return "xls"
    if has("WordDocument"):
        raise not_a_sheet(display, "Word 文档（.doc）")
    if has("PowerPoint Document"):
        raise not_a_sheet(display, "演示文稿（.ppt）")
    raise not_a_sheet(display)


def text_encoding(sample: bytes, display: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample[:65536]:
        raise not_a_sheet(display)
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            text = decoder.decode(sample, final=len(sample) < _SAMPLE)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return encoding
        raise not_a_sheet(display)
    # Neither reads the whole sample: maybe the encoding changes part way (textfile.check_csv then
    # names the line), so go by the first line that has Chinese in it.
    first = _first_line_encoding(sample)
    if first and _mostly_text(sample.decode(first, errors="replace")):
        return first
    raise SpreadsheetError(
        f"“{display}”的文字编码无法识别（不是 UTF-8，也不是 GBK）。请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。"
    )


def _first_line_encoding(sample: bytes) -> str | None:
    for line in sample.split(b"\n"):
        if line.isascii():
            continue
        for encoding in ("utf-8", "gb18030"):
            try:
                line.decode(encoding)
            except UnicodeDecodeError:
                continue
            return encoding
        return None
    return None


def _mostly_text(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n\x0b\x0c")
    return controls * 50 < min(len(text), 20000)
