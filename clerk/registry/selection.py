"""Which members a clerk means: one by one, the new members of an import batch, or a filter.

The same Filter serves printing (登记表, 会员证) and the filtered member lists, so "在册 members of
this organisation who joined in 2025" means the same thing everywhere. Members come back as full
records (organisation name included), in a stable order: organisation, then join date, then id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from clerk.domain import choices, dates, idcard, lifecycle
from clerk.registry import organisations
from clerk.store import status_history
from clerk.store.store import ServiceError, Store

CATEGORIES = ("农民工", "新就业形态", *choices.NEW_FORM_CATEGORIES)
_CHUNK = 500


@dataclass(frozen=True)
class Filter:
    org_id: int | None = None  # the organisation and every organisation under it
    status: str | None = None  # 在册, 转出, ...
    category: str | None = None  # 农民工, 新就业形态 or one new-employment category
    joined_from: str | None = None  # ISO dates, inclusive
    joined_to: str | None = None

    def sql(self, store: Store, as_of: date | None = None) -> tuple[str, list[Any]]:
        """The WHERE clause (over members m, and h: their statuses on as_of) and its parameters.
        As of a date, the status is the one of that day, and with no status asked for, those
        holding membership then (在册, 保留会籍)."""
        where = ["m.deleted_at IS NULL"]
        params: list[Any] = []
        status_col = "m.status" if as_of is None else "h.status"
        if as_of is not None and not self.status:
            where.append(f"h.status IN ({', '.join('?' * len(lifecycle.MEMBERS))})")
            params += lifecycle.MEMBERS
        if self.org_id is not None:
            ids = [self.org_id, *organisations.descendants(store, self.org_id)]
            where.append(f"m.org_id IN ({', '.join('?' * len(ids))})")
            params += ids
        if self.status:
            where.append(f"{status_col} = ?")
            params.append(self.status)
        if self.category == "农民工":
            where.append("m.migrant != 0")
        elif self.category == "新就业形态":
            where.append("m.new_form IS NOT NULL")
        elif self.category:
            where.append("m.new_form = ?")
            params.append(self.category)
        if self.joined_from:
            where.append("m.joined_on >= ?")
            params.append(self.joined_from)
        if self.joined_to:
            where.append("m.joined_on <= ?")
            params.append(self.joined_to)
        return " AND ".join(where), params


def parse_filter(
    store: Store,
    *,
    org: str | None = None,
    status: str | None = None,
    category: str | None = None,
    joined: str | None = None,
) -> Filter:
    """A filter from what a clerk types (CLI options); raise ServiceError saying what is wrong."""
    org_id = organisations.find(store, org) if org else None
    if status and status not in choices.MEMBER_STATUSES:
        raise ServiceError(f"会员状态只能是：{'、'.join(choices.MEMBER_STATUSES)}。")
    if category and category not in CATEGORIES:
        raise ServiceError(f"类别只能是：{'、'.join(CATEGORIES)}。")
    start = end = None
    if joined:
        start, end = _range(joined)
    return Filter(org_id, status or None, category or None, start, end)


def _range(text: str) -> tuple[str | None, str | None]:
    """'2025-01-01:2025-12-31', '2025-01-01:' or ':2025-06-30' -> ISO dates."""
    if ":" not in text:
        raise ServiceError("入会日期范围写成 起:止，如 2025-01-01:2025-12-31（可省略一端）。")
    first, last = (part.strip() for part in text.split(":", 1))
    try:
        start = dates.parse(first, "起始日期", allow_future=True) or None
        end = dates.parse(last, "截止日期", allow_future=True) or None
    except dates.InvalidDate as exc:
        raise ServiceError(str(exc)) from None
    if start and end and start > end:
        raise ServiceError(f"起始日期 {start} 晚于截止日期 {end}，请对调。")
    return start, end


_SELECT = "SELECT m.*, o.name AS org_name FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
_ORDER = " ORDER BY coalesce(o.name, ''), m.joined_on, m.id"


def _source(as_of: date | None) -> str:
    """members m, and with a date their statuses then as h (status_as_of in the records)."""
    if as_of is None:
        return "members m LEFT JOIN organisations o ON o.id = m.org_id"
    history = status_history.members_as_of(as_of)
    return f"members m JOIN {history} AS h ON h.id = m.id LEFT JOIN organisations o ON o.id = m.org_id"


def count(store: Store, flt: Filter, *, as_of: date | None = None) -> int:
    where, params = flt.sql(store, as_of)
    return store.conn.execute(f"SELECT count(*) FROM {_source(as_of)} WHERE {where}", params).fetchone()[0]


def records(store: Store, flt: Filter, *, as_of: date | None = None) -> Iterator[dict[str, Any]]:
    """The members the filter selects, as full records (with status_as_of when as of a date)."""
    where, params = flt.sql(store, as_of)
    extra = ", h.status AS status_as_of" if as_of is not None else ""
    sql = f"SELECT m.*, o.name AS org_name{extra} FROM {_source(as_of)} WHERE {where}{_ORDER}"
    for row in store.conn.execute(sql, params):
        yield _record(row)


def by_ids(store: Store, member_ids: Iterable[int]) -> list[dict[str, Any]]:
    """These members in the order given; refuses an id that is not a member."""
    ids = list(dict.fromkeys(member_ids))
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = store.conn.execute(
            f"{_SELECT} WHERE m.id IN ({', '.join('?' * len(chunk))}) AND m.deleted_at IS NULL", chunk
        )
        found.update((row["id"], _record(row)) for row in rows)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ServiceError(f"找不到编号为 {'、'.join(map(str, missing[:10]))} 的会员（或记录已删除）。")
    return [found[i] for i in ids]


def batch_ids(store: Store, batch_id: int) -> list[int]:
    """The members an import batch enrolled (its new members, not the ones it updated), in file order."""
    batch = store.conn.execute(
        "SELECT status, first_seq, last_seq FROM import_batches WHERE id = ?", (batch_id,)
    ).fetchone()
    if batch is None:
        raise ServiceError(f"找不到导入批次 #{batch_id}。可用 clerk batches list 查看全部批次。")
    if batch["status"] == "undone":
        raise ServiceError(f"导入批次 #{batch_id} 已撤销，没有可打印的会员。")
    if batch["first_seq"] is None:
        return []
    rows = store.conn.execute(  # the batch's journal range: a primary-key range, not a scan
        "SELECT j.row_id FROM journal j JOIN members m ON m.id = j.row_id WHERE j.seq BETWEEN ? AND ?"
        " AND j.batch_id = ? AND j.tbl = 'members' AND j.op = 'insert' AND m.deleted_at IS NULL ORDER BY j.seq",
        (batch["first_seq"], batch["last_seq"], batch_id),
    )
    return [r[0] for r in rows]


def _record(row: Any) -> dict[str, Any]:
    record = dict(row)
    record["birthplace"] = idcard.place(record.get("id_number"))
    return record
