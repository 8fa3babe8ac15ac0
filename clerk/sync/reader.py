"""Read and verify a sync file into typed row states, or refuse it whole with a Chinese reason.

Nothing here touches a database: the merge rules (sync_merge) take the SyncFile this returns.
Checks, in order: the file is there and readable; an encrypted file has the right password; it
is a zip that inflates to a sane size (no zip bomb); it has the manifest and data sheets; the
manifest names a format version this program knows; every header is as the version defines;
the row counts and the SHA-256 checksum match the data.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clerk.store.store import ServiceError
from clerk.sync import format as fmt

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_RATIO = 200  # our files deflate about 10x; a zip bomb is thousands of times
MAX_INFLATED = 16 * 1024**3


class BadSyncFile(ServiceError):
    """The file is refused whole; nothing was written."""


@dataclass(slots=True)
class RowState:
    """The latest state of one record as the sending unit holds it (a typed merge operation)."""

    tbl: str
    uid: str
    values: dict[str, Any]

    @property
    def deleted(self) -> bool:
        return bool(self.values.get("deleted_at"))


@dataclass
class SyncFile:
    path: Path
    sha256: str
    manifest: fmt.Manifest
    organisations: list[RowState]
    members: list[RowState]  # live records and deleted ones (deleted_at set)
    transfers: list[RowState]

    @property
    def rows(self) -> int:
        return len(self.organisations) + len(self.members) + len(self.transfers)


def read_manifest(path: str | Path, password: str | None = None) -> fmt.Manifest:
    """Only the manifest (to put files in order before reading them whole); refuses like read()."""
    path = Path(path)
    raw, _ = _load(path, password)
    data = io.BytesIO(raw)
    _check_zip(data, path.name)
    return _manifest(_read_sheets(data, path.name, only_manifest=True).get(fmt.MANIFEST_SHEET), path.name)


def read(path: str | Path, password: str | None = None, progress: Callable[[str], None] | None = None) -> SyncFile:
    path = Path(path)
    label = path.name
    raw, sha = _load(path, password)
    if progress:
        progress(f"正在读取 {label}")
    data = io.BytesIO(raw)
    _check_zip(data, label)
    sheets = _read_sheets(data, label)
    manifest = _manifest(sheets.get(fmt.MANIFEST_SHEET), label)
    states = _verify(sheets, manifest, label)
    return SyncFile(path, sha, manifest, *states)


def _load(path: Path, password: str | None) -> tuple[bytes, str]:
    label = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadSyncFile(f"找不到文件“{path}”。") from None
    except IsADirectoryError:
        raise BadSyncFile(f"“{path}”是一个文件夹，不是同步文件。") from None
    except OSError as exc:
        raise BadSyncFile(f"无法读取“{path}”：{exc.strerror or exc}。") from None
    sha = hashlib.sha256(raw).hexdigest()
    if raw.startswith(OLE_MAGIC):
        raw = _decrypt(raw, password, label)
    # A password given for a file that has none is harmless: the file is read as it is.
    return raw, sha


def _decrypt(raw: bytes, password: str | None, label: str) -> bytes:
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(raw))
        encrypted = office.is_encrypted()
    except Exception:  # noqa: BLE001 - any parse failure means it is not our file
        raise BadSyncFile(f"“{label}”不是 clerk 同步文件（无法识别的文件格式），没有合并。") from None
    if not encrypted:
        raise BadSyncFile(f"“{label}”是旧版 Excel（.xls）或其他 Office 文件，不是 clerk 同步文件，没有合并。")
    if not password:
        raise BadSyncFile(f"“{label}”设置了密码。请输入导出时设置的密码（命令行用 --password）。")
    out = io.BytesIO()
    try:
        office.load_key(password=password)
        office.decrypt(out)
    except (InvalidKeyError, DecryptionError):
        raise BadSyncFile(f"“{label}”的密码不对，无法打开。请向导出的乡镇核对密码。") from None
    except (FileFormatError, Exception):  # noqa: BLE001
        raise BadSyncFile(f"“{label}”已加密但无法解开（文件可能已损坏），没有合并。") from None
    return out.getvalue()


def _check_zip(data: io.BytesIO, label: str) -> None:
    try:
        with zipfile.ZipFile(data) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise BadSyncFile(
            f"“{label}”不是 clerk 同步文件，或文件不完整（可能复制时被截断）。请让对方重新导出或重新拷贝。"
        ) from None
    packed = max(1, len(data.getbuffer()))
    inflated = sum(i.file_size for i in infos)
    if inflated > MAX_INFLATED or inflated > MAX_RATIO * packed + 10_000_000:
        raise BadSyncFile(f"“{label}”解压后异常巨大（可能是恶意文件），没有打开。")
    data.seek(0)


def _read_sheets(data: io.BytesIO, label: str, only_manifest: bool = False) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(data)
        names = book.sheet_names
        wanted = [fmt.MANIFEST_SHEET] if only_manifest else [fmt.MANIFEST_SHEET, *fmt.DATA_SHEETS]
        if fmt.MANIFEST_SHEET not in names:
            raise BadSyncFile(f"“{label}”没有“{fmt.MANIFEST_SHEET}”工作表，不是 clerk 同步文件，没有合并。")
        missing = [s for s in fmt.DATA_SHEETS if s not in names]
        if missing:
            raise BadSyncFile(f"“{label}”缺少工作表：{'、'.join(missing)}。文件不完整或被改动过，没有合并。")
        sheets = {}
        for name in wanted:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            part = 2
            while fmt.part_name(name, part) in names:  # a continuation sheet: the same header, more rows
                more = book.get_sheet_by_name(fmt.part_name(name, part)).to_python(skip_empty_area=False)
                if not more or not rows or more[0][: len(rows[0])] != rows[0]:
                    raise BadSyncFile(
                        f"“{label}”的“{fmt.part_name(name, part)}”工作表表头与格式不符（被改动过），没有合并。"
                    )
                _trim(rows)
                rows.extend(more[1:])
                part += 1
            sheets[name] = rows
        return sheets
    except BadSyncFile:
        raise
    except Exception:  # noqa: BLE001 - calamine raises its own errors for damaged parts
        raise BadSyncFile(f"“{label}”已损坏或不完整，无法读取。请让对方重新导出或重新拷贝。") from None


def _trim(rows: list[list[Any]]) -> None:
    """Drop empty rows at the end (an editor may leave formatted empty rows behind)."""
    while len(rows) > 1 and not any(v not in ("", None) for v in rows[-1]):
        rows.pop()


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _manifest(rows: list[list[Any]] | None, label: str) -> fmt.Manifest:
    values: dict[str, Any] = {}
    for row in rows or []:
        if len(row) >= 2 and isinstance(row[0], str) and row[0] in fmt.MANIFEST_LABELS:
            values[fmt.MANIFEST_LABELS[row[0]]] = row[1]
    if values.get("format") != fmt.FORMAT_NAME:
        raise BadSyncFile(f"“{label}”不是 clerk 同步文件（清单中没有格式说明），没有合并。")
    version = _int(values.get("version"))
    if version is None:
        raise BadSyncFile(f"“{label}”的清单缺少格式版本，文件被改动过，没有合并。")
    if version > fmt.FORMAT_VERSION:
        raise BadSyncFile(
            f"“{label}”由更新版本的 clerk 导出（格式版本 {version}，本程序支持到 {fmt.FORMAT_VERSION}）。"
            "请先升级 clerk 再合并。"
        )
    if version < 1:
        raise BadSyncFile(f"“{label}”的格式版本（{version}）无法识别，没有合并。")
    first, last = _int(values.get("first_seq")), _int(values.get("last_seq"))
    code = fmt.cell_text(values.get("unit_code")).strip()
    checksum = fmt.cell_text(values.get("checksum")).strip().lower()
    if first is None or last is None or first < 1 or last < first - 1 or not code.isdigit() or len(checksum) != 64:
        raise BadSyncFile(f"“{label}”的清单不完整（单位代码、序号范围或校验值缺失），文件被改动过，没有合并。")
    counts = {}
    for sheet in fmt.DATA_SHEETS:
        n = _int(values.get(f"rows_{sheet}"))
        if n is None:
            raise BadSyncFile(f"“{label}”的清单缺少“{sheet}”的行数，文件被改动过，没有合并。")
        counts[sheet] = n
    mode = fmt.cell_text(values.get("mode"))
    if mode not in (fmt.MODE_FULL, fmt.MODE_INCREMENTAL):
        raise BadSyncFile(f"“{label}”的导出方式无法识别，没有合并。")
    return fmt.Manifest(
        version=version,
        unit_code=code,
        unit_name=fmt.cell_text(values.get("unit_name")),
        level=fmt.cell_text(values.get("level")),
        clerk=fmt.cell_text(values.get("clerk")),
        mode=mode,
        first_seq=first,
        last_seq=last,
        created_at=fmt.cell_text(values.get("created_at")),
        counts=counts,
        checksum=checksum,
    )


def _verify(sheets: dict[str, list[list[Any]]], manifest: fmt.Manifest, label: str):
    checksum = fmt.Checksum()
    states: dict[str, list[RowState]] = {}
    edited = f"“{label}”的数据与清单中的校验值不符（文件被改动过或不完整），整个文件没有合并。请让对方重新导出。"
    for sheet in fmt.DATA_SHEETS:
        fields = fmt.SHEET_FIELDS[sheet]
        width = len(fields)
        rows = sheets[sheet]
        header = [fmt.cell_text(v) for v in (rows[0] if rows else [])][:width]
        if header != [f.label for f in fields]:
            raise BadSyncFile(f"“{label}”的“{sheet}”工作表表头与格式不符（被改动过），没有合并。")
        _trim(rows)
        body = rows[1:]
        if len(body) != manifest.counts[sheet]:
            raise BadSyncFile(
                f"“{label}”的“{sheet}”有 {len(body)} 行，清单记为 {manifest.counts[sheet]} 行：文件不完整或被改动过，没有合并。"
            )
        checksum.sheet(sheet)
        tbl = fmt.SHEET_TABLE[sheet]
        keep = [(i, f.key, f.kind == fmt.INT) for i, f in enumerate(fields) if not f.display]
        uid_at = next(i for i, f in enumerate(fields) if f.key == "uid")
        lines = []
        out = states.setdefault(tbl, [])
        text = fmt.cell_text
        for row in body:
            if len(row) < width:
                row = [*row, *([""] * (width - len(row)))]
            cells = [v if type(v) is str else text(v) for v in row[:width]]
            lines.append(fmt.SEP.join(cells))
            values = {}
            for i, key, is_int in keep:
                cell = cells[i]
                if cell == "":
                    values[key] = None
                elif is_int:
                    try:
                        values[key] = int(cell)
                    except ValueError:
                        raise BadSyncFile(edited) from None
                else:
                    values[key] = cell
            if not cells[uid_at]:
                raise BadSyncFile(edited)
            if sheet == fmt.MEMBER_SHEET:
                values["deleted_at"] = None
            out.append(RowState(tbl, cells[uid_at], values))
            if len(lines) >= 2048:
                checksum.lines(lines)
                lines.clear()
        checksum.lines(lines)
    if checksum.hexdigest() != manifest.checksum:
        raise BadSyncFile(edited)
    return states.get("organisations", []), states.get("members", []), states.get("transfers", [])
