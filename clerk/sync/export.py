"""Export a sync file (同步文件) for the district: incremental by default, or complete.

An incremental file holds the latest state of every member and transfer the change journal
touched since the last export (journal sequence numbers first_seq..last_seq) plus all
organisations (a few thousand rows at most, so every file is self-contained). A complete file
holds everything. Deleted members go to the 删除 sheet with their full record.

Rows stream from one read transaction (a consistent snapshot) straight into the workbook, so
memory does not grow with the number of members. The file appears under its final name only
when it is complete; a password encrypts it the way Excel and WPS open (ECMA-376 agile).
"""

from __future__ import annotations

import os
import queue
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from clerk.spreadsheets.xlsx_stream import Column, XlsxStreamWriter, clean
from clerk.store import db, folders, sqlite
from clerk.store.store import ServiceError, Store, now
from clerk.sync import format as fmt

Progress = Callable[[int, int, str], None]

LAST_EXPORT_SEQ = "sync_last_export_seq"
LAST_EXPORT_AT = "sync_last_export_at"
LAST_EXPORT_FILE = "sync_last_export_file"

_BATCH = 512
# One scan finds the rare rows that need care: characters XML can't carry (U+001F, which joins
# the cells of a line, is counted instead) and markup characters the writer must escape.
_RARE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1e&<>\r\ud800-\udfff\ufffe\uffff]")
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1e\ud800-\udfff\ufffe\uffff]")
_EDGES = ("\x1f ", " \x1f", "\x1f\t", "\t\x1f", "\x1f\n", "\n\x1f")


@dataclass(frozen=True)
class ExportResult:
    path: Path | None  # None when there was nothing new to export
    manifest: fmt.Manifest | None
    message: str


# SQL expression per field (default: the column of the main table alias); every value is
# ifnull()'d to '' so a row joins to its checksum line with one str() per cell.
_MEMBER_SQL = {
    "org_name": "o.name",
    "org_uid": "o.uid",
}
_ORG_SQL = {"parent_name": "p.name", "parent_uid": "p.uid"}
_TRANSFER_SQL = {
    "member_name": "m.name",
    "member_id_number": "m.id_number",
    "member_uid": "m.uid",
    "from_org_name": "fo.name",
    "from_org_uid": "fo.uid",
    "to_org_name": "tor.name",
    "to_org_uid": "tor.uid",
}


def _select(fields: tuple[fmt.Field, ...], alias: str, special: dict[str, str]) -> str:
    return ", ".join(f"ifnull({special.get(f.key, f'{alias}.{f.key}')}, '')" for f in fields)


def _columns(fields: tuple[fmt.Field, ...]) -> list[Column]:
    return [Column(f.label, f.width, text=f.kind == fmt.TEXT) for f in fields]


def pending(store: Store) -> tuple[int, int]:
    """(last exported seq, newest journal seq): what an incremental export would cover."""
    last = int(store.setting(LAST_EXPORT_SEQ, "0") or 0)
    newest = store.conn.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0]
    return last, newest


def export(
    store: Store,
    *,
    full: bool = False,
    password: str | None = None,
    out_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the sync file; returns where it went (or why nothing was written)."""
    unit = store.require_unit()
    if password is not None and not password.strip():
        raise ServiceError("密码不能为空（不加密请不要填写密码）。")
    out = Path(out_dir).absolute() if out_dir else folders.exports_dir(store)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise ServiceError(f"无法创建导出文件夹“{out}”。请换一个可写的位置（--out）。") from None
    if not os.access(out, os.W_OK):
        raise ServiceError(f"导出文件夹“{out}”不可写。请换一个位置（--out）。")

    # A connection of our own: a long read transaction must not wrap the app's writes.
    conn = db.open_file(store.path, readonly=True, check_same_thread=False)
    try:
        conn.execute("BEGIN")
        last, newest = (
            int(store.setting(LAST_EXPORT_SEQ, "0") or 0),
            conn.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0],
        )
        if not full and newest <= last:
            return ExportResult(
                None,
                None,
                f"自上次导出（序号 {last}）以来没有新的修改，没有生成文件。需要完整数据时请选择“完整导出”（--full）。",
            )
        first = 1 if full else last + 1
        name = fmt.file_name(unit.code, first, newest, full)
        target = out / name
        manifest = _write(conn, unit, full, first, newest, out, target, password, progress)
        conn.execute("COMMIT")
    except sqlite.DatabaseError as exc:
        raise ServiceError(f"读取数据库出错：{exc}。没有生成文件。") from None
    finally:
        conn.close()
    store.set_settings(**{LAST_EXPORT_SEQ: str(newest), LAST_EXPORT_AT: now(), LAST_EXPORT_FILE: str(target)})
    counts = "，".join(f"{sheet} {manifest.counts[sheet]} 行" for sheet in fmt.DATA_SHEETS)
    kind = "完整" if full else "增量"
    secured = "，已加密" if password else ""
    return ExportResult(target, manifest, f"已导出{kind}同步文件（序号 {first}-{newest}，{counts}{secured}）：{target}")


def _write(
    conn: sqlite.Connection,
    unit,
    full: bool,
    first: int,
    last: int,
    out: Path,
    target: Path,
    password: str | None,
    progress: Progress | None,
) -> fmt.Manifest:
    total = _count(conn, full, first, last)
    done = 0

    def tick(n: int, label: str) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done, total, label)

    fd, tmp_name = tempfile.mkstemp(prefix=".clerk-export-", suffix=".xlsx", dir=out)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        checksum = fmt.Checksum()
        counts: dict[str, int] = {}
        with XlsxStreamWriter(tmp, zip64=total > 2_000_000, title=f"{unit.name} 同步文件") as book:
            for sheet, rows in (
                (fmt.ORG_SHEET, _organisations(conn)),
                (fmt.MEMBER_SHEET, _members(conn, full, first, last, deleted=False)),
                (fmt.TRANSFER_SHEET, _transfers(conn, full, first, last)),
                (fmt.DELETION_SHEET, _members(conn, full, first, last, deleted=True)),
            ):
                counts[sheet] = _stream_sheet(book, sheet, rows, checksum, lambda n: tick(n, sheet))
            manifest = fmt.Manifest(
                version=fmt.FORMAT_VERSION,
                unit_code=unit.code,
                unit_name=unit.name,
                level=unit.level_label,
                clerk=unit.clerk,
                mode=fmt.MODE_FULL if full else fmt.MODE_INCREMENTAL,
                first_seq=first,
                last_seq=last,
                created_at=now(),
                counts=counts,
                checksum=checksum.hexdigest(),
            )
            with book.sheet(fmt.MANIFEST_SHEET, [Column("项目", 16), Column("内容", 70)], position=0) as sheet:
                for label, value in manifest.rows():
                    sheet.append([label, clean(value) if isinstance(value, str) else value])
        if password:
            encrypted = tmp.with_name(tmp.name + ".enc")
            try:
                encrypt(tmp, encrypted, password)
            finally:
                tmp.unlink(missing_ok=True)
            tmp = encrypted
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest


def _stream_sheet(book: XlsxStreamWriter, sheet: str, rows: Iterator[tuple], checksum: fmt.Checksum, tick) -> int:
    fields = fmt.SHEET_FIELDS[sheet]
    checksum.sheet(sheet)
    count = 0
    lines: list[str] = []
    sep = fmt.SEP
    seps = len(fields) - 1
    part, in_part, limit = 1, 0, fmt.SHEET_ROWS
    writer = book.sheet(sheet, _columns(fields))
    append = writer.append
    for row in rows:
        if in_part == limit:  # the sheet is full: go on in the next part
            writer.close()
            part += 1
            writer = book.sheet(fmt.part_name(sheet, part), _columns(fields))
            append, in_part = writer.append, 0
        in_part += 1
        line = sep.join(map(str, row))
        plain = True
        if _RARE.search(line) or line.count(sep) != seps:
            if _UNSAFE.search(line) or line.count(sep) != seps:
                row = tuple(clean(v) if isinstance(v, str) else v for v in row)
                line = sep.join(map(str, row))
            plain = False
        if plain and (line[:1] in " \t\n" or line[-1:] in " \t\n" or any(e in line for e in _EDGES)):
            plain = False
        append(row, plain=plain)
        lines.append(line)
        if len(lines) >= _BATCH:
            checksum.lines(lines)
            count += len(lines)
            tick(len(lines))
            lines.clear()
    checksum.lines(lines)
    count += len(lines)
    tick(len(lines))
    writer.close()
    return count


def _prefetched(cursor: sqlite.Cursor, size: int = 1000) -> Iterator[tuple]:
    """Rows read by a thread of its own (SQLite lets go of the GIL while it steps), in bounded batches."""
    batches: queue.Queue = queue.Queue(maxsize=4)
    failure: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                batch = cursor.fetchmany(size)
                batches.put(batch)
                if not batch:
                    return
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the caller's thread
            failure.append(exc)
            batches.put([])

    reader = threading.Thread(target=read, name="export-read", daemon=True)
    reader.start()
    try:
        while True:
            batch = batches.get()
            if not batch:
                break
            yield from batch
    finally:
        stop.set()
        while reader.is_alive():
            try:
                batches.get(timeout=0.05)
            except queue.Empty:
                pass
        if failure:
            raise failure[0]


def _changed(tbl: str, alias: str, full: bool) -> str:
    if full:
        return "1"
    return f"{alias}.id IN (SELECT row_id FROM journal WHERE tbl = '{tbl}' AND seq BETWEEN ? AND ?)"


def _count(conn: sqlite.Connection, full: bool, first: int, last: int) -> int:
    args = () if full else (first, last)
    members = conn.execute(f"SELECT count(*) FROM members m WHERE {_changed('members', 'm', full)}", args).fetchone()[0]
    transfers = conn.execute(
        f"SELECT count(*) FROM transfers t WHERE {_changed('transfers', 't', full)}", args
    ).fetchone()[0]
    orgs = conn.execute("SELECT count(*) FROM organisations").fetchone()[0]
    return members + transfers + orgs


def _organisations(conn: sqlite.Connection) -> Iterator[tuple]:
    sql = (
        f"SELECT {_select(fmt.ORG_FIELDS, 'o', _ORG_SQL)} FROM organisations o"
        " LEFT JOIN organisations p ON p.id = o.parent_id ORDER BY o.id"
    )
    yield from _prefetched(conn.execute(sql))


def _members(conn: sqlite.Connection, full: bool, first: int, last: int, *, deleted: bool) -> Iterator[tuple]:
    fields = fmt.DELETION_FIELDS if deleted else fmt.MEMBER_FIELDS
    sql = (
        f"SELECT {_select(fields, 'm', _MEMBER_SQL)} FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
        f" WHERE m.deleted_at IS {'NOT NULL' if deleted else 'NULL'} AND {_changed('members', 'm', full)}"
        " ORDER BY m.id"
    )
    yield from _prefetched(conn.execute(sql, () if full else (first, last)))


def _transfers(conn: sqlite.Connection, full: bool, first: int, last: int) -> Iterator[tuple]:
    sql = (
        f"SELECT {_select(fmt.TRANSFER_FIELDS, 't', _TRANSFER_SQL)} FROM transfers t"
        " JOIN members m ON m.id = t.member_id"
        " LEFT JOIN organisations fo ON fo.id = t.from_org_id"
        " LEFT JOIN organisations tor ON tor.id = t.to_org_id"
        f" WHERE {_changed('transfers', 't', full)} ORDER BY t.id"
    )
    yield from _prefetched(conn.execute(sql, () if full else (first, last)))


def encrypt(plain: Path, target: Path, password: str) -> None:
    """Password-protect a finished workbook (Excel/WPS ask for the password when opening)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(plain, "rb") as src, open(target, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as dst:
        OOXMLFile(src).encrypt(password, dst)
