"""Member use cases: check, register, edit, change status, read, history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from clerk.domain import checker, choices, idcard, names
from clerk.store.store import ServiceError, Store, new_uid, now

# The fields a clerk fills in, their labels: the row checker's (clerk.domain.checker).
FORM_FIELDS = checker.FIELDS
FLAG_FIELDS = checker.FLAG_FIELDS
LABELS = checker.LABELS

# Columns a journal snapshot leaves out: search keys are derived and timestamps are in the entry.
_NOT_JOURNALED = ("name_pinyin", "name_initials", "created_at", "updated_at")


class DuplicateMember(ServiceError):
    """Another record already holds this ID number."""

    def __init__(self, existing: Mapping[str, Any]):
        self.existing_id = existing["id"]
        super().__init__(
            f"身份证号 {idcard.mask(existing['id_number'])} 已登记为会员 {existing['name']}"
            f"（{existing['status']}，编号 {existing['id']}），不能重复登记。可打开已有记录查看或修改。"
        )


class InvalidMember(ServiceError):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("；".join(f"{LABELS.get(k, k)}：{v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Derived:
    gender: str
    birth_date: date
    region_code: str
    region_name: str


def derive(id_number: str) -> Derived | None:
    """What the ID number tells (for the form to show as it is typed); None when invalid."""
    try:
        info = idcard.parse(id_number)
    except idcard.InvalidId:
        return None
    return Derived(info.gender, info.birth_date, info.region_code, info.region_name)


def _search_keys(name: str) -> dict[str, str]:
    full, initials = names.pinyin_keys(name)
    return {"name_pinyin": full, "name_initials": initials}


def _drop_grams(store: Store, member_id: int, name: str) -> None:
    """Remove the member's name pieces by key (the table is keyed by gram: no scan of it)."""
    store.conn.executemany(
        "DELETE FROM member_name_grams WHERE gram = ? AND member_id = ?",
        [(g, member_id) for g in names.grams(name)],
    )


def _write_grams(store: Store, member_id: int, name: str, old_name: str | None = None) -> None:
    if old_name is not None:
        _drop_grams(store, member_id, old_name)
    store.conn.executemany(
        "INSERT OR IGNORE INTO member_name_grams (gram, member_id) VALUES (?, ?)",
        [(g, member_id) for g in names.grams(name)],
    )


def snapshot(store: Store, member_id: int) -> dict[str, Any] | None:
    """The member as the journal and sync files record it (organisation by uid too)."""
    row = store.conn.execute(
        "SELECT m.*, o.uid AS org_uid FROM members m LEFT JOIN organisations o ON o.id = m.org_id WHERE m.id = ?",
        (member_id,),
    ).fetchone()
    if row is None:
        return None
    return {k: row[k] for k in row.keys() if k not in _NOT_JOURNALED}


def find_by_id_number(store: Store, id_number: str) -> sqlite3.Row | None:
    return store.conn.execute(
        "SELECT * FROM members WHERE id_number = ? AND deleted_at IS NULL", (id_number,)
    ).fetchone()


def _check_org(store: Store, org_id: int | None) -> None:
    if org_id is None:
        return
    row = store.conn.execute("SELECT status FROM organisations WHERE id = ?", (org_id,)).fetchone()
    if row is None:
        raise InvalidMember({"org_id": "所选工会组织不存在，请重新选择。"})
    if row["status"] != "正常":
        raise InvalidMember({"org_id": "所选工会组织已撤销，不能再加入会员。"})


def register(store: Store, fields: Mapping[str, Any]) -> int:
    """Register a new member; returns its id. Raises InvalidMember or DuplicateMember."""
    checked = checker.check_member(fields)
    if not checked.ok:
        raise InvalidMember(dict(checked.errors))
    clean = checked.values
    with store.write():
        existing = find_by_id_number(store, clean["id_number"])
        if existing:
            raise DuplicateMember(existing)
        _check_org(store, clean["org_id"])
        stamp = now()
        unit = store.require_unit()
        record = {
            **clean,
            **_search_keys(clean["name"]),
            "uid": new_uid(),
            "unit_code": unit.code,
            "status": choices.LIVE,
        }
        record.update(created_at=stamp, updated_at=stamp)
        cols = ", ".join(record)
        cur = store.conn.execute(
            f"INSERT INTO members ({cols}) VALUES ({', '.join('?' * len(record))})",
            list(record.values()),
        )
        member_id = cur.lastrowid
        _write_grams(store, member_id, clean["name"])
        store.journal("members", member_id, record["uid"], "insert", None, snapshot(store, member_id))
    return member_id


def get(store: Store, member_id: int) -> dict[str, Any]:
    row = store.conn.execute(
        "SELECT m.*, o.name AS org_name FROM members m LEFT JOIN organisations o ON o.id = m.org_id WHERE m.id = ?",
        (member_id,),
    ).fetchone()
    if row is None:
        raise ServiceError(f"找不到编号为 {member_id} 的会员。")
    record = dict(row)
    record["birthplace"] = idcard.place(record["id_number"])
    return record


def form_values(record: Mapping[str, Any]) -> dict[str, Any]:
    """A stored member as the form shows it."""
    return {k: record.get(k) for k in FORM_FIELDS}


def _update(store: Store, member_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply changes inside the caller's write(); journal them; return the fields that changed."""
    before = snapshot(store, member_id)
    if before is None:
        raise ServiceError(f"找不到编号为 {member_id} 的会员。")
    if before["deleted_at"]:
        raise ServiceError(f"编号为 {member_id} 的记录已删除，不能再修改。")
    changed = {k: v for k, v in changes.items() if before.get(k) != v}
    if not changed:
        return {}
    if "name" in changed:
        changed.update(_search_keys(changed["name"]))
        _write_grams(store, member_id, changed["name"], old_name=before["name"])
    changed["updated_at"] = now()
    store.conn.execute(
        f"UPDATE members SET {', '.join(f'{k} = ?' for k in changed)} WHERE id = ?",
        [*changed.values(), member_id],
    )
    store.journal("members", member_id, before["uid"], "update", before, snapshot(store, member_id))
    return changed


def update(store: Store, member_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Edit a member from form values; returns what changed ({} when nothing did)."""
    checked = checker.check_member(fields)
    if not checked.ok:
        raise InvalidMember(dict(checked.errors))
    clean = checked.values
    with store.write():
        other = find_by_id_number(store, clean["id_number"])
        if other and other["id"] != member_id:
            raise DuplicateMember(other)
        current = store.conn.execute("SELECT org_id FROM members WHERE id = ?", (member_id,)).fetchone()
        if current is not None and current["org_id"] != clean["org_id"]:
            _check_org(store, clean["org_id"])
        return _update(store, member_id, clean)


def change_status(store: Store, member_id: int, status: str, note: str = "", on: str | None = None) -> None:
    """A status change with a note and no reason from the list, taking effect on `on` (年-月-日) or
    today. The app and the CLI call registry.lifecycle.change_status, which asks for a reason too."""
    if status not in choices.MEMBER_STATUSES:
        raise ServiceError(f"会员状态只能是：{'、'.join(choices.MEMBER_STATUSES)}。")
    if status == "转出" and not note.strip():
        raise ServiceError("转出时请写明转往哪个单位或乡镇。")
    try:
        effective = checker.day(on, "日期", date.today()) if on is not None else date.today().isoformat()
    except ValueError as exc:
        raise ServiceError(str(exc)) from None
    with store.write():
        _update(
            store,
            member_id,
            {"status": status, "status_note": note.strip() or None, "status_on": effective, "status_reason": None},
        )


def delete(store: Store, member_id: int, reason: str) -> None:
    """Remove a record entered by mistake (soft: kept in the journal and synced upward)."""
    if not reason.strip():
        raise ServiceError("删除记录必须写明原因（如：重复录入）。")
    with store.write():
        before = snapshot(store, member_id)
        if before is None or before["deleted_at"]:
            raise ServiceError(f"找不到编号为 {member_id} 的会员。")
        stamp = now()
        store.conn.execute(
            "UPDATE members SET deleted_at = ?, updated_at = ?, notes = coalesce(notes || '；', '') || ? WHERE id = ?",
            (stamp, stamp, f"删除原因：{reason.strip()}", member_id),
        )
        _drop_grams(store, member_id, before["name"])
        store.journal("members", member_id, before["uid"], "delete", before, snapshot(store, member_id))


@dataclass(frozen=True)
class Change:
    seq: int
    at: str
    clerk: str
    op: str
    fields: list[tuple[str, Any, Any]]  # (label, before, after)

    @property
    def summary(self) -> str:
        if self.op == "insert":
            return "登记入会"
        if self.op == "delete":
            return "删除记录"
        return "；".join(f"{label}：{_show(b)} → {_show(a)}" for label, b, a in self.fields) or "（无变化）"


def _show(value: Any) -> str:
    if value in (None, ""):
        return "空"
    return str(value)


def history(store: Store, member_id: int) -> list[Change]:
    """Every journaled change of the member, oldest first."""
    changes = []
    org_names = dict(store.conn.execute("SELECT uid, name FROM organisations").fetchall())
    for row in store.conn.execute(
        "SELECT seq, at, clerk, op, before, after FROM journal WHERE tbl = 'members' AND row_id = ? ORDER BY seq",
        (member_id,),
    ):
        before = json.loads(row["before"]) if row["before"] else {}
        after = json.loads(row["after"]) if row["after"] else {}
        fields = []
        for key in LABELS:
            if key == "org_id":
                continue
            b, a = before.get(key), after.get(key)
            if b != a and row["op"] == "update":
                if key == "org_uid":
                    b, a = org_names.get(b, b), org_names.get(a, a)
                fields.append((LABELS[key], b, a))
        changes.append(Change(row["seq"], row["at"], row["clerk"], row["op"], fields))
    return changes


def change(store: Store, member_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Set fields the program keeps (a card number it issued) in one journaled write; returns what changed."""
    with store.write():
        return _update(store, member_id, changes)
