"""Filtered member lists for the clerk's own use (花名册 .xlsx): who is in an organisation, who joined
in a period, the 农民工 or 快递员 among them, as of a date.

ID numbers are masked (first 6, last 4) unless the clerk asks for full ones; every cell is text
or a number, never a formula (the streaming writer writes inline strings). The file is written
whole, private, and an existing file is replaced only when asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clerk.domain import coded, idcard
from clerk.registry import selection
from clerk.store import files
from clerk.store.store import ServiceError, Store

Progress = Callable[[int, int], None]

# (label, width, value of a record); the ID column is filled in by write().
COLUMNS: tuple[tuple[str, float, Callable[[dict[str, Any]], Any]], ...] = (
    ("序号", 6, lambda r: r["_n"]),
    ("姓名", 10, lambda r: r["name"]),
    ("性别", 5, lambda r: r["gender"]),
    ("证件类型", 14, lambda r: r.get("id_kind") or idcard.RESIDENT_ID),
    ("证件号码", 21, lambda r: r["_id"]),
    ("出生日期", 11, lambda r: r["birth_date"]),
    ("民族", 8, lambda r: r.get("ethnicity")),
    *((c.label, 10, (lambda key: lambda r: r.get(key))(c.key)) for c in coded.MEMBER_CODED[:3]),
    ("手机号码", 14, lambda r: r.get("phone")),
    ("所在工会", 28, lambda r: r.get("org_name")),
    ("岗位/工种", 12, lambda r: r.get("job")),
    ("用工形式", 10, lambda r: r.get("employment_form")),
    ("就业状况", 9, lambda r: r.get("employment_status")),
    ("农民工", 7, lambda r: "是" if r.get("migrant") else "否"),
    ("新就业形态", 12, lambda r: r.get("new_form")),
    ("入会日期", 11, lambda r: r.get("joined_on")),
    ("入会方式", 10, lambda r: r.get("join_method")),
    ("会员证号", 17, lambda r: r.get("card_no")),
    ("会员状态", 9, lambda r: r["_status"]),
)


@dataclass(frozen=True)
class Written:
    path: Path
    members: int
    full_ids: bool


def write(
    store: Store,
    flt: selection.Filter,
    target: Path,
    *,
    full_ids: bool = False,
    as_of: date | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Written:
    """The members the filter selects (as of a date: those holding membership then) as an .xlsx."""
    from clerk.spreadsheets.xlsx_stream import Column, XlsxStreamWriter, clean

    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise ServiceError(f"“{target.name}”不是 .xlsx 文件名。请用 .xlsx 结尾的文件名。")
    files.check_target(target, force=force)
    total = selection.count(store, flt, as_of=as_of)
    if not total:
        raise ServiceError("没有符合条件的会员，没有生成文件。")
    columns = [Column(label, width, text=label not in ("序号",)) for label, width, _ in COLUMNS]
    n = 0
    with (
        files.replacing(target, force=force) as tmp,
        XlsxStreamWriter(tmp, title="会员名册") as book,
        book.sheet("会员名册", columns) as sheet,
    ):
        for record in _rows(store, flt, as_of, full_ids):
            n += 1
            record["_n"] = n
            sheet.append([_cell(value(record), clean) for _, _, value in COLUMNS])
            if progress and (n % 1000 == 0 or n == total):
                progress(n, total)
    return Written(target.absolute(), n, full_ids)


def _rows(store: Store, flt: selection.Filter, as_of: date | None, full_ids: bool) -> Iterator[dict[str, Any]]:
    for record in selection.records(store, flt, as_of=as_of):
        record["_id"] = record["id_number"] if full_ids else idcard.mask(record["id_number"])
        record["_status"] = record.get("status_as_of") or record["status"]
        yield record


def _cell(value: Any, clean: Callable[[str], str]) -> Any:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return clean(str(value)).strip() or None
