"""Member search as you type: ID prefix, name piece, pinyin initials or full pinyin.

Each kind of query reads its rows in the order of one index and stops at the page, so a search
costs about the same on 1,000,000 members as on 100 (bench/search.py measures it):

- ID number prefix: a GLOB prefix range on the live-person index (members_person), in ID order.
- Name piece: member_name_grams holds every 1- and 2-character piece of every name, so a one- or
  two-character query reads one key of it, newest member first; a longer one reads its rarest
  two-character piece and checks the whole text with instr() on the few members it finds.
- Letters: pinyin initials (zs) and full pinyin (zhangsan) are prefix ranges on their own indexes.
  SQLite merges the two ranges in key order (UNION ALL ... ORDER BY reads both in step); a member
  whose initials match is not repeated from the full-pinyin range. Exact matches sort first.
- Nothing typed: every member, newest first.
- Within one organisation the organisation's own members are read and filtered instead.

Paging: the list asks for pages by offset as the cursor nears the end. The last key of each page
is remembered (until the database changes), so the next page starts from that key instead of
skipping `offset` rows, and page 5,000 costs what page 1 does. A jump to any offset of the
whole list is computed from the ids (they have no gaps unless rows were removed outright).
Counts of searches stop at COUNT_CAP; whole lists (everyone, or an organisation's members) are
counted exactly on a small index, less the few deleted records.
"""

from __future__ import annotations

import re
import weakref
from collections import Counter
from dataclasses import dataclass, field

from clerk.domain import idcard, names
from clerk.store.store import Store

COUNT_CAP = 1000  # beyond this the list says "1000+": counting every 张 costs more than it tells
_GRAM_SAMPLE = 2000  # enough rows to tell a rare name piece from a common one

_COLUMNS = (
    "m.id, m.name, m.id_number, m.gender, m.birth_date, m.phone, m.status, m.joined_on,"
    " m.new_form, m.migrant, o.name AS org_name"
)


@dataclass(frozen=True)
class MemberRow:
    id: int
    name: str
    id_masked: str
    gender: str
    birth_date: str
    phone: str
    org_name: str
    status: str
    joined_on: str
    new_form: str
    migrant: bool


@dataclass(frozen=True)
class Page:
    rows: list[MemberRow]
    total: int  # capped at COUNT_CAP for searches
    capped: bool
    kind: str  # 'all', 'id', 'name', 'pinyin'

    @property
    def total_label(self) -> str:
        return f"{self.total}+" if self.capped else str(self.total)


def query_kind(query: str) -> tuple[str, str]:
    """Classify what the clerk typed: ('id', digits), ('pinyin', letters), ('name', text)."""
    text = names.normalize(query).replace(" ", "")
    if not text:
        return "all", ""
    digits = idcard.normalize(text)
    if re.fullmatch(r"\d[\dX]*", digits):
        return "id", digits
    if re.fullmatch(r"[A-Za-z]+", text):
        return "pinyin", text.lower()
    return "name", text


def _row(r) -> MemberRow:
    return MemberRow(
        id=r["id"],
        name=r["name"],
        id_masked=idcard.mask(r["id_number"]),
        gender=r["gender"],
        birth_date=r["birth_date"],
        phone=r["phone"] or "",
        org_name=r["org_name"] or "",
        status=r["status"],
        joined_on=r["joined_on"] or "",
        new_form=r["new_form"] or "",
        migrant=bool(r["migrant"]),
    )


def _glob(text: str) -> str:
    return re.sub(r"([*?\[\]])", r"[\1]", text) + "*"


# -- what the database looked like when the remembered keys were taken ---------------------------


@dataclass(frozen=True)
class _Roll:
    rows: int  # rows of the members table, deleted ones included
    dense: bool  # ids run without gaps from the lowest to the highest
    high: int
    deleted: list[int]  # ids of deleted records, highest first


@dataclass
class _Memo:
    stamp: tuple[int, int] = (-1, -1)
    keys: dict[tuple, tuple] = field(default_factory=dict)  # (kind, text, org, offset) -> last key
    totals: dict[tuple, int] = field(default_factory=dict)
    grams: dict[str, tuple[str, int]] = field(default_factory=dict)  # name query -> rarest piece, its rows
    roll: _Roll | None = None
    deleted_per_org: Counter | None = None


_memos: weakref.WeakKeyDictionary[Store, _Memo] = weakref.WeakKeyDictionary()


def _memo(store: Store) -> _Memo:
    """Keys and totals remembered for this store, forgotten whenever the database changes."""
    conn = store.conn
    # data_version moves when another connection commits; total_changes when this one writes.
    stamp = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    memo = _memos.get(store)
    if memo is None or memo.stamp != stamp or len(memo.keys) > 5000:
        memo = _memos[store] = _Memo(stamp)
    return memo


# -- the rows of each kind of query, as (key..., id) in list order ---------------------------------


def _plan(store: Store, memo: _Memo, where: tuple, after: tuple | None) -> tuple[str, list]:
    """SQL giving the matching members as (sort key..., id) rows in list order, after a key."""
    kind, text, org_id = where
    if org_id is not None and not (kind == "name" and _names_first(store, memo, text, org_id)):
        return _plan_in_org(kind, text, org_id, after)
    if kind == "all":
        cond, args = ("AND id < ?", [after[0]]) if after else ("", [])
        return f"SELECT id FROM members WHERE deleted_at IS NULL {cond} ORDER BY id DESC", args
    if kind == "id":
        cond, args = ("AND (id_number, unit_code, id) > (?, ?, ?)", list(after)) if after else ("", [])
        return (
            "SELECT id_number, unit_code, id FROM members"
            f" WHERE id_number GLOB ? AND deleted_at IS NULL {cond} ORDER BY 1, 2, 3",
            [_glob(text), *args],
        )
    if kind == "name":
        sql = (
            "SELECT g.member_id FROM member_name_grams g JOIN members m ON m.id = g.member_id"
            " WHERE g.gram = ? AND m.deleted_at IS NULL"
        )
        args: list = [text if len(text) <= 2 and org_id is None else _rarest_gram(store, memo, text)[0]]
        if org_id is not None:
            sql += " AND m.org_id = ?"
            args.append(org_id)
        if len(text) > 2:
            sql += " AND instr(replace(m.name, ' ', ''), ?) > 0"
            args.append(text)
        if after:
            sql += " AND g.member_id < ?"
            args.append(after[0])
        return sql + " ORDER BY g.member_id DESC", args
    # Letters: initials, then (merged in key order) full pinyin of members whose initials differ.
    # One letter is the same set both ways (the first letter of each), so one range does.
    pattern = _glob(text)
    cond, args = ("AND (name_initials, id) > (?, ?)", list(after)) if after else ("", [])
    sql = f"SELECT name_initials, id FROM members WHERE name_initials GLOB ? AND deleted_at IS NULL {cond}"
    args = [pattern, *args]
    if len(text) > 1:
        cond, more = ("AND (name_pinyin, id) > (?, ?)", list(after)) if after else ("", [])
        sql += (
            " UNION ALL SELECT name_pinyin, id FROM members WHERE name_pinyin GLOB ?"
            f" AND NOT name_initials GLOB ? AND deleted_at IS NULL {cond}"
        )
        args += [pattern, pattern, *more]
    return sql + " ORDER BY 1, 2", args


def _plan_in_org(kind: str, text: str, org_id: int, after: tuple | None) -> tuple[str, list]:
    """The same rows within one organisation: its members (members_org), filtered and sorted.

    The unary + keeps SQLite on the organisation's index rather than a prefix range over everyone.
    """
    scope = "org_id = ? AND deleted_at IS NULL"
    args: list = [org_id]
    if kind in ("all", "name"):
        if kind == "name":
            scope += " AND instr(replace(name, ' ', ''), ?) > 0"
            args.append(text)
        if after:
            scope += " AND id < ?"
            args.append(after[0])
        return f"SELECT id FROM members WHERE {scope} ORDER BY id DESC", args
    pattern = _glob(text)
    if kind == "id":
        keys = "k1, k2, id"
        inner = f"SELECT id_number AS k1, unit_code AS k2, id FROM members WHERE {scope} AND +id_number GLOB ?"
        args.append(pattern)
    else:
        keys = "k1, id"
        inner = (
            "SELECT CASE WHEN name_initials GLOB ? THEN name_initials ELSE name_pinyin END AS k1, id"
            f" FROM members WHERE {scope} AND (+name_initials GLOB ? OR +name_pinyin GLOB ?)"
        )
        args = [pattern, org_id, pattern, pattern]
    sql = f"SELECT {keys} FROM ({inner})"
    if after:
        sql += f" WHERE ({keys}) > ({', '.join('?' * len(after))})"
        args += list(after)
    return f"{sql} ORDER BY {keys}", args


def _rarest_gram(store: Store, memo: _Memo, text: str) -> tuple[str, int]:
    """The piece of a name query that the fewest names contain, and how many (up to _GRAM_SAMPLE)."""
    if text not in memo.grams:
        pieces = [text] if len(text) <= 2 else sorted({text[i : i + 2] for i in range(len(text) - 1)})
        found = [(_count(store, "member_name_grams WHERE gram = ?", [p]), p) for p in pieces]
        rows, piece = min(found)
        memo.grams[text] = (piece, rows)
    return memo.grams[text]


def _count(store: Store, where: str, args: list, cap: int = _GRAM_SAMPLE) -> int:
    return store.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {where} LIMIT ?)", [*args, cap]).fetchone()[0]


def _names_first(store: Store, memo: _Memo, text: str, org_id: int) -> bool:
    """Within an organisation: read the name index when fewer names have the piece than the
    organisation has members (a rare name in a big union), else read the organisation."""
    rows = _rarest_gram(store, memo, text)[1]
    return rows < _GRAM_SAMPLE and rows <= _count(store, "members WHERE org_id = ?", [org_id])


# -- exact totals of whole lists, and any offset of the whole list without skipping rows -----------


def _roll(store: Store, memo: _Memo) -> _Roll:
    if memo.roll is None:
        conn = store.conn
        rows = conn.execute("SELECT count(*) FROM members").fetchone()[0]  # counts a small index
        # Two queries: SQLite answers min() or max() alone from the end of the table, not both.
        low = conn.execute("SELECT min(id) FROM members").fetchone()[0] or 0
        high = conn.execute("SELECT max(id) FROM members").fetchone()[0] or 0
        deleted = [r[0] for r in conn.execute("SELECT id FROM members WHERE deleted_at IS NOT NULL")]
        memo.roll = _Roll(rows, rows == 0 or high - low + 1 == rows, high, sorted(deleted, reverse=True))
    return memo.roll


def _whole_list_total(store: Store, memo: _Memo, org_id: int | None) -> int:
    """Members not deleted: the rows counted on a small index, less the few deleted ones."""
    roll = _roll(store, memo)
    if org_id is None:
        return roll.rows - len(roll.deleted)
    if memo.deleted_per_org is None:
        # Counted here, not with GROUP BY org_id, which SQLite would read off members_org (every row).
        memo.deleted_per_org = Counter(
            r[0] for r in store.conn.execute("SELECT org_id FROM members WHERE deleted_at IS NOT NULL")
        )
    rows = store.conn.execute("SELECT count(*) FROM members WHERE org_id = ?", (org_id,)).fetchone()[0]
    return rows - memo.deleted_per_org.get(org_id, 0)


def _whole_list_key_at(store: Store, memo: _Memo, offset: int) -> tuple | None:
    """The key just before the row at `offset` of the whole list, computed when ids have no gaps.

    Rows are ids high to low without the deleted ones, so the row at offset is high - offset,
    moved down by one for each deleted id at or above it.
    """
    roll = _roll(store, memo)
    if not roll.dense:
        return None
    at = roll.high - offset
    for gone in roll.deleted:  # highest first: each one at or above the candidate pushes it down
        if gone < at:
            break
        at -= 1
    return (at + 1,)


# -- search -----------------------------------------------------------------------------------------


def search(store: Store, query: str = "", *, limit: int = 50, offset: int = 0, org_id: int | None = None) -> Page:
    """One page of the members matching what the clerk typed (all members when nothing is)."""
    kind, text = query_kind(query)
    memo = _memo(store)
    where = (kind, text, org_id)
    after = memo.keys.get((*where, offset)) if offset else None
    skip = offset if after is None else 0
    if skip and where == ("all", "", None):
        after = _whole_list_key_at(store, memo, offset)
        skip = offset if after is None else 0

    sql, args = _plan(store, memo, where, after)
    keys = [tuple(r) for r in store.conn.execute(f"{sql} LIMIT ? OFFSET ?", [*args, limit, skip])]
    if keys:
        memo.keys[(*where, offset + len(keys))] = keys[-1]
    total, capped = _total(store, memo, where)
    return Page(_fetch(store, [k[-1] for k in keys]), total, capped, kind)


def forget(store: Store) -> None:
    """Drop the remembered page keys and totals (the database changing does this by itself)."""
    _memos.pop(store, None)


def _total(store: Store, memo: _Memo, where: tuple) -> tuple[int, bool]:
    kind, _, org_id = where
    if where not in memo.totals:
        if kind == "all":
            memo.totals[where] = _whole_list_total(store, memo, org_id)
        else:
            sql, args = _plan(store, memo, where, None)
            memo.totals[where] = store.conn.execute(
                f"SELECT count(*) FROM ({sql} LIMIT {COUNT_CAP + 1})", args
            ).fetchone()[0]
    total = memo.totals[where]
    if kind == "all":
        return total, False
    return min(total, COUNT_CAP), total > COUNT_CAP


def _fetch(store: Store, ids: list[int]) -> list[MemberRow]:
    """The list columns of the members, in the order given."""
    if not ids:
        return []
    found = {
        r["id"]: _row(r)
        for r in store.conn.execute(
            f"SELECT {_COLUMNS} FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
            f" WHERE m.id IN ({', '.join('?' * len(ids))})",
            ids,
        )
    }
    return [found[i] for i in ids if i in found]
