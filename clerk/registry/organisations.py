"""Organisation use cases (基层工会组织): records, the 小三级 tree, moves and dissolving.

Every write runs in one Store.write() transaction and is journaled; a refusal raises
ServiceError (or InvalidOrganisation with per-field messages) before anything is written.
Coverage figures live in clerk/reports/coverage.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clerk.domain import choices as categories
from clerk.domain import dates, names
from clerk.domain import organisation as rules
from clerk.store.store import ServiceError, Store, new_uid, now

ORG_FIELDS = (
    "name",
    "uscc",
    "kind",
    "parent_id",
    "region_code",
    "industry",
    "founded_on",
    "chair",
    "chair_phone",
    "employee_count",
    "address",
)

# Derived search keys and timestamps stay out of journal snapshots (the entry has its own time).
_NOT_JOURNALED = ("name_pinyin", "name_initials", "created_at", "updated_at")

# Siblings in the tree: villages and communities first, then by kind as listed, then by name.
KIND_ORDER = {kind: i for i, kind in enumerate(categories.ORG_KINDS)}
KIND_ORDER[rules.VILLAGE_KIND] = -1


class InvalidOrganisation(ServiceError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(f"{rules.LABELS.get(k, k)}：{v}" for k, v in errors.items()))


class DuplicateUscc(ServiceError):
    def __init__(self, holder: Mapping[str, Any]):
        self.holder_id = holder["id"]
        extra = "（已撤销，可恢复该记录而不是重新登记）" if holder["status"] == rules.DISSOLVED else ""
        super().__init__(
            f"统一社会信用代码 {holder['uscc']} 已登记在“{holder['name']}”（编号 {holder['id']}）{extra}，"
            "同一单位不能登记两个工会组织。请核对代码，或打开已有记录。"
        )


class HasMembers(ServiceError):
    """Dissolving refused: the organisation still has members on the roll."""

    def __init__(self, org: Mapping[str, Any], count: int):
        self.org_id = org["id"]
        self.count = count
        super().__init__(
            f"“{org['name']}”还有 {count} 名在册会员，不能撤销。"
            "请先把这些会员转接到其他工会（可一次全部转接），再撤销。"
        )


# -- reading ----------------------------------------------------------------------------------


def snapshot(store: Store, org_id: int) -> dict[str, Any] | None:
    """The organisation as the journal and sync files record it (parent by uid too)."""
    row = store.conn.execute(
        "SELECT o.*, p.uid AS parent_uid FROM organisations o"
        " LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.id = ?",
        (org_id,),
    ).fetchone()
    if row is None:
        return None
    return {k: row[k] for k in row.keys() if k not in _NOT_JOURNALED}


def _row(store: Store, org_id: int) -> sqlite3.Row:
    row = store.conn.execute("SELECT * FROM organisations WHERE id = ?", (org_id,)).fetchone()
    if row is None:
        raise ServiceError(f"找不到编号为 {org_id} 的工会组织。")
    return row


def live_member_count(store: Store, org_id: int) -> int:
    return store.conn.execute(
        "SELECT count(*) FROM members WHERE org_id = ? AND status = ? AND deleted_at IS NULL",
        (org_id, categories.LIVE),
    ).fetchone()[0]


def get(store: Store, org_id: int) -> dict[str, Any]:
    """One organisation with its parent's name, its children and its member figures."""
    record = dict(_row(store, org_id))
    parent = store.conn.execute("SELECT name FROM organisations WHERE id = ?", (record["parent_id"],)).fetchone()
    record["parent_name"] = parent["name"] if parent else None
    record["children"] = [
        dict(r)
        for r in store.conn.execute(
            "SELECT id, name, kind, status FROM organisations WHERE parent_id = ? ORDER BY status DESC, name",
            (org_id,),
        )
    ]
    counts = store.conn.execute(
        "SELECT count(*) AS members, coalesce(sum(migrant), 0) AS migrant, count(new_form) AS new_form"
        " FROM members WHERE org_id = ? AND status = ? AND deleted_at IS NULL",
        (org_id, categories.LIVE),
    ).fetchone()
    record.update(dict(counts))
    record["rate"] = rules.membership_rate(record["members"], record["employee_count"])
    return record


def find(store: Store, ref: str | int) -> int:
    """An organisation by id, exact name or credit code (what a clerk types on the command line)."""
    text = str(ref).strip()
    if not text:
        raise ServiceError("请指定工会组织（编号、完整名称或统一社会信用代码）。")
    if text.isdigit() and len(text) < 18:
        row = store.conn.execute("SELECT id FROM organisations WHERE id = ?", (int(text),)).fetchone()
        if row:
            return row["id"]
    rows = store.conn.execute(
        "SELECT id, status FROM organisations WHERE name = ? OR uscc = ? ORDER BY status = ? DESC, id",
        (rules.normalize_name(text), text.upper(), rules.ACTIVE),
    ).fetchall()
    if not rows:
        hints = choices_for(store, text, limit=5)
        extra = "。名称相近的有：" + "、".join(f"{name}（{oid}）" for oid, name in hints) if hints else ""
        raise ServiceError(f"找不到工会组织“{text}”{extra}。可用 clerk org list 查看编号。")
    return rows[0]["id"]


def choices(store: Store, query: str = "", limit: int = 50) -> list[tuple[int, str]]:
    """Active organisations matching query, for pickers: (id, name)."""
    return choices_for(store, query, limit)


def choices_for(store: Store, query: str = "", limit: int = 50) -> list[tuple[int, str]]:
    """Name piece, pinyin initials (sd -> 顺达), full pinyin, or the whole credit code (pasted);
    the few thousand rows are scanned."""
    text = names.normalize(query).replace(" ", "")
    letters = text.lower() if text.isascii() else ""
    rows = store.conn.execute(
        "SELECT id, name FROM organisations WHERE status = ? AND (instr(name, ?) > 0 OR uscc = ?"
        " OR (? != '' AND (instr(name_initials, ?) > 0 OR instr(name_pinyin, ?) > 0)))"
        " ORDER BY instr(name, ?) = 0, length(name), name LIMIT ?",
        (rules.ACTIVE, text, text.upper(), letters, letters, letters, text, limit),
    )
    return [(r["id"], r["name"]) for r in rows]


# -- the tree ---------------------------------------------------------------------------------


@dataclass
class Node:
    id: int
    parent_id: int | None
    name: str
    kind: str
    status: str
    employees: int | None
    members: int = 0  # on the roll (在册), directly in this organisation
    migrant: int = 0
    new_form: int = 0
    total_members: int = 0  # this organisation and everything under it
    children: list[Node] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.status == rules.ACTIVE


def member_counts(store: Store) -> dict[int | None, tuple[int, int, int]]:
    """org_id -> (members on the roll, migrant workers, new-employment-form workers).

    Read from org_member_counts, which triggers on members keep (schema.sql); None is the
    members in no organisation.
    """
    rows = store.conn.execute("SELECT org_id, members, migrant, new_form FROM org_member_counts WHERE members > 0")
    return {(r[0] or None): (r[1], r[2], r[3]) for r in rows}


def recount(store: Store) -> None:
    """Rebuild org_member_counts from the members (after a bulk repair; normally never needed)."""
    with store.write():
        store.conn.execute("DELETE FROM org_member_counts")
        store.conn.execute(
            "INSERT INTO org_member_counts (org_id, members, migrant, new_form)"
            " SELECT coalesce(org_id, 0), count(*), sum(migrant != 0), count(new_form) FROM members"
            " WHERE status = ? AND deleted_at IS NULL GROUP BY 1",
            (categories.LIVE,),
        )


def tree(store: Store, *, include_dissolved: bool = True) -> list[Node]:
    """The organisations as a forest (normally one township root), with member figures.

    Two small queries whatever the number of members: the organisations and their counts.
    """
    counts = member_counts(store)
    nodes: dict[int, Node] = {}
    for r in store.conn.execute(
        "SELECT id, parent_id, name, kind, status, employee_count FROM organisations"
        + ("" if include_dissolved else " WHERE status = '正常'")
    ):
        m, mig, nf = counts.get(r[0], (0, 0, 0))
        nodes[r[0]] = Node(r[0], r[1], r[2], r[3], r[4], r[5], m, mig, nf)
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.parent_id) if node.parent_id is not None else None
        (parent.children if parent else roots).append(node)

    def key(n: Node) -> tuple:
        return (not n.active, KIND_ORDER.get(n.kind, 99), n.name)

    # Iterative post-order: subtree totals, children sorted, no recursion limit on deep trees.
    stack: list[tuple[Node, bool]] = [(n, False) for n in roots]
    while stack:
        node, done = stack.pop()
        if done:
            node.children.sort(key=key)
            node.total_members = node.members + sum(c.total_members for c in node.children)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in node.children)
    roots.sort(key=key)
    return roots


def root_id(store: Store) -> int | None:
    """The township union (乡镇(街道)总工会) at the top of the tree, if there is one."""
    row = store.conn.execute(
        "SELECT id FROM organisations WHERE parent_id IS NULL AND status = ? AND unit_code = ?"
        " ORDER BY kind = ? DESC, id LIMIT 1",
        (rules.ACTIVE, store.require_unit().code, rules.ROOT_KIND),
    ).fetchone()
    return row["id"] if row else None


def descendants(store: Store, org_id: int) -> set[int]:
    rows = store.conn.execute(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM organisations WHERE parent_id = ?"
        " UNION SELECT o.id FROM organisations o JOIN sub ON o.parent_id = sub.id) SELECT id FROM sub",
        (org_id,),
    )
    return {r[0] for r in rows}


# -- writing ----------------------------------------------------------------------------------


def _search_keys(name: str) -> dict[str, str]:
    full, initials = names.pinyin_keys(name)
    return {"name_pinyin": full, "name_initials": initials}


def _parent_problem(store: Store, org_id: int | None, parent_id: int | None) -> str | None:
    if parent_id is None:
        return None
    parent = store.conn.execute("SELECT id, name, status FROM organisations WHERE id = ?", (parent_id,)).fetchone()
    if parent is None:
        return "所选上级工会不存在，请重新选择。"
    if parent["status"] != rules.ACTIVE:
        return f"“{parent['name']}”已撤销，不能作为上级工会。"
    if org_id is not None and (parent_id == org_id or parent_id in descendants(store, org_id)):
        return f"不能把本组织移到“{parent['name']}”下面：那是它自己或它的下级，会形成循环。"
    return None


def _unit_of(store: Store, org_id: int | None) -> str:
    """The township an organisation belongs to (a district database holds several)."""
    if org_id is not None:
        row = store.conn.execute("SELECT unit_code FROM organisations WHERE id = ?", (org_id,)).fetchone()
        if row:
            return row[0]
    return store.require_unit().code


def _conflicts(store: Store, clean: Mapping[str, Any], org_id: int | None) -> dict[str, ServiceError]:
    """What the database forbids: a taken credit code or name (per township), an unusable parent."""
    found: dict[str, ServiceError] = {}
    unit = _unit_of(store, org_id)
    if "parent_id" in clean:
        problem = _parent_problem(store, org_id, clean["parent_id"])
        if problem:
            found["parent_id"] = ServiceError(problem)
    if clean.get("uscc"):
        holder = store.conn.execute(
            "SELECT id, name, uscc, status FROM organisations WHERE uscc = ? AND unit_code = ? AND id IS NOT ?",
            (clean["uscc"], unit, org_id),
        ).fetchone()
        if holder:
            found["uscc"] = DuplicateUscc(holder)
    if clean.get("name"):
        same = store.conn.execute(
            "SELECT id FROM organisations WHERE name = ? AND status = ? AND unit_code = ? AND id IS NOT ?",
            (clean["name"], rules.ACTIVE, unit, org_id),
        ).fetchone()
        if same:
            found["name"] = ServiceError(
                f"已有同名的工会组织“{clean['name']}”（编号 {same['id']}），请换一个能区分的名称。"
            )
    return found


def _clean(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    clean, errors = rules.check(fields)
    if "parent_id" in fields:
        parent = fields.get("parent_id")
        try:
            clean["parent_id"] = int(parent) if parent not in (None, "") else None
        except (TypeError, ValueError):
            errors["parent_id"] = "上级工会应为组织编号。"
    return clean, errors


def check(store: Store, fields: Mapping[str, Any], org_id: int | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Everything a form shows as you type: field rules and database conflicts, per field."""
    clean, errors = _clean(fields)
    for key, exc in _conflicts(store, clean, org_id).items():
        errors.setdefault(key, str(exc))
    return clean, errors


def _validated(store: Store, fields: Mapping[str, Any], org_id: int | None) -> dict[str, Any]:
    clean, errors = _clean(fields)
    if errors:
        raise InvalidOrganisation(errors)
    for exc in _conflicts(store, clean, org_id).values():
        raise exc
    return clean


def create(store: Store, fields: Mapping[str, Any]) -> int:
    """Add an organisation; returns its id. Raises InvalidOrganisation / ServiceError."""
    unit = store.require_unit()
    with store.write():
        clean = _validated(store, {**fields, "parent_id": fields.get("parent_id")}, None)
        stamp = now()
        record = {k: v for k, v in clean.items() if v is not None}
        record.update(
            _search_keys(clean["name"]), uid=new_uid(), unit_code=unit.code, created_at=stamp, updated_at=stamp
        )
        cur = store.conn.execute(
            f"INSERT INTO organisations ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})",
            list(record.values()),
        )
        store.journal("organisations", cur.lastrowid, record["uid"], "insert", None, snapshot(store, cur.lastrowid))
    return cur.lastrowid


def _update(store: Store, org_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Apply changes inside the caller's write(); journal them; return what changed."""
    before = snapshot(store, org_id)
    if before is None:
        raise ServiceError(f"找不到编号为 {org_id} 的工会组织。")
    changed = {k: v for k, v in changes.items() if before.get(k) != v}
    if not changed:
        return {}
    if "name" in changed:
        changed.update(_search_keys(changed["name"]))
    changed["updated_at"] = now()
    store.conn.execute(
        f"UPDATE organisations SET {', '.join(f'{k} = ?' for k in changed)} WHERE id = ?",
        [*changed.values(), org_id],
    )
    store.journal("organisations", org_id, before["uid"], "update", before, snapshot(store, org_id))
    return changed


def form_values(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: record.get(k) for k in (*rules.FIELDS, "parent_id")}


def update(store: Store, org_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Edit from form values (all fields; parent_id only if given). Returns what changed."""
    with store.write():
        _row(store, org_id)
        clean = _validated(store, fields, org_id)
        return _update(store, org_id, clean)


def move(store: Store, org_id: int, parent_id: int | None) -> bool:
    """Put an organisation under another parent (None: top level). Refuses cycles."""
    with store.write():
        row = _row(store, org_id)
        problem = _parent_problem(store, org_id, parent_id)
        if problem:
            raise ServiceError(problem)
        if row["status"] != rules.ACTIVE:
            raise ServiceError(f"“{row['name']}”已撤销，不能移动。如需使用，请先恢复。")
        return bool(_update(store, org_id, {"parent_id": parent_id}))


def dissolve(store: Store, org_id: int, on: str | date | None = None) -> None:
    """Mark dissolved (已撤销) with a date. Refused while members or active children remain."""
    with store.write():
        row = _row(store, org_id)
        if row["status"] != rules.ACTIVE:
            raise ServiceError(f"“{row['name']}”已于 {row['dissolved_on'] or '此前'} 撤销。")
        try:
            when = on.isoformat() if isinstance(on, date) else dates.parse(on, "撤销日期") or date.today().isoformat()
        except dates.InvalidDate as exc:
            raise ServiceError(str(exc)) from None
        count = live_member_count(store, org_id)
        if count:
            raise HasMembers(row, count)
        kids = store.conn.execute(
            "SELECT name FROM organisations WHERE parent_id = ? AND status = ? ORDER BY name", (org_id, rules.ACTIVE)
        ).fetchall()
        if kids:
            shown = "、".join(k["name"] for k in kids[:3]) + (f" 等 {len(kids)} 个" if len(kids) > 3 else "")
            raise ServiceError(f"“{row['name']}”下面还有下级工会（{shown}），不能撤销。请先把它们移到其他上级或撤销。")
        _update(store, org_id, {"status": rules.DISSOLVED, "dissolved_on": when})


def reinstate(store: Store, org_id: int) -> None:
    """Undo a dissolving (撤销 entered by mistake, or the union re-founded)."""
    with store.write():
        row = _row(store, org_id)
        if row["status"] == rules.ACTIVE:
            raise ServiceError(f"“{row['name']}”没有撤销，无需恢复。")
        same = store.conn.execute(
            "SELECT id FROM organisations WHERE name = ? AND status = ? AND unit_code = ? AND id != ?",
            (row["name"], rules.ACTIVE, row["unit_code"], org_id),
        ).fetchone()
        if same:
            raise ServiceError(f"已有同名的在用工会组织（编号 {same['id']}），不能恢复。")
        parent_problem = _parent_problem(store, None, row["parent_id"])
        changes: dict[str, Any] = {"status": rules.ACTIVE, "dissolved_on": None}
        if parent_problem:
            changes["parent_id"] = root_id(store)
        _update(store, org_id, changes)
