"""Member search as you type: ID prefix, name piece, pinyin initials or full pinyin.

Each kind of query reads one index and stops at a page, so a search costs about the same on
1,000,000 members as on 100 (bench/search.py measures it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clerk.domain import idcard, names
from clerk.services.store import Store

COUNT_CAP = 1000  # beyond this the list says "1000+": counting every 张 costs more than it tells

_COLUMNS = (
    "m.id, m.name, m.id_number, m.gender, m.birth_date, m.phone, m.status, m.joined_on,"
    " m.new_form, m.migrant, o.name AS org_name"
)
_FROM = "members m LEFT JOIN organisations o ON o.id = m.org_id"


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


def search(store: Store, query: str = "", *, limit: int = 50, offset: int = 0, org_id: int | None = None) -> Page:
    kind, text = query_kind(query)
    scope = "m.deleted_at IS NULL" + (" AND m.org_id = ?" if org_id is not None else "")
    scope_args: list = [org_id] if org_id is not None else []
    conn = store.conn

    if kind == "name":
        # Look up one 1-2 character piece in the gram index; longer queries are checked with instr
        # on the (few) members that piece finds. The last piece is usually the rarest (given name).
        gram = text[-2:]
        body = (
            f"FROM member_name_grams g JOIN members m ON m.id = g.member_id"
            f" LEFT JOIN organisations o ON o.id = m.org_id WHERE g.gram = ? AND {scope}"
        )
        args: list = [gram, *scope_args]
        if len(text) > 2:
            body += " AND instr(m.name, ?) > 0"
            args.append(text)
        order = "g.member_id DESC"
    elif kind == "id":
        body = f"FROM {_FROM} WHERE m.id_number GLOB ? AND {scope}"
        args = [_glob(text), *scope_args]
        order = "m.id_number"
    elif kind == "pinyin":
        # Initials (zs) or full pinyin (zhangsan); each is a prefix range on its own index.
        body = (
            f"FROM {_FROM} WHERE m.id IN (SELECT id FROM members WHERE name_initials GLOB ?"
            f" UNION SELECT id FROM members WHERE name_pinyin GLOB ?) AND {scope}"
        )
        args = [_glob(text), _glob(text), *scope_args]
        order = "m.id DESC"
        if len(text) <= 2:
            # Short letter runs match many members: read them in initials order straight off
            # the index instead of collecting and sorting them all.
            body = f"FROM {_FROM} WHERE m.name_initials GLOB ? AND {scope}"
            args = [_glob(text), *scope_args]
            order = "m.name_initials"
    else:
        body = f"FROM {_FROM} WHERE {scope}"
        args = scope_args
        order = "m.id DESC"

    rows = conn.execute(f"SELECT {_COLUMNS} {body} ORDER BY {order} LIMIT ? OFFSET ?", [*args, limit, offset])
    result = [_row(r) for r in rows]
    if kind == "all" and org_id is None:
        total = conn.execute("SELECT count(*) FROM members WHERE deleted_at IS NULL").fetchone()[0]
        return Page(result, total, False, kind)
    total = conn.execute(f"SELECT count(*) FROM (SELECT 1 {body} LIMIT {COUNT_CAP + 1})", args).fetchone()[0]
    return Page(result, min(total, COUNT_CAP), total > COUNT_CAP, kind)
