"""Transfers of a member's union relationship (组织关系转接): "流动不流失".

Three moves, each one transaction that writes a transfers row (journaled as tbl 'transfers')
and the member update (journaled by members._update):

- transfer():     to another organisation in this township;
- transfer_out(): out of the township: the member becomes 转出 with the destination named;
- transfer_in():  in from another township: an existing record of the same ID number is
                  brought back to the roll in the new organisation, otherwise one is registered.

org_history() lists every organisation a member belonged to, from registration and transfers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from clerk.domain import checker, choices, dates, idcard, names
from clerk.domain import organisation as org_rules
from clerk.registry import members
from clerk.store.store import ServiceError, Store, new_uid, now


@dataclass(frozen=True)
class Outcome:
    member_id: int
    transfer_id: int
    created: bool = False  # transfer_in registered a new record (rather than reactivating one)


def snapshot(store: Store, transfer_id: int) -> dict[str, Any] | None:
    """The transfer as the journal and sync files record it (member and organisations by uid)."""
    row = store.conn.execute(
        "SELECT t.*, m.uid AS member_uid, f.uid AS from_org_uid, o.uid AS to_org_uid FROM transfers t"
        " JOIN members m ON m.id = t.member_id LEFT JOIN organisations f ON f.id = t.from_org_id"
        " LEFT JOIN organisations o ON o.id = t.to_org_id WHERE t.id = ?",
        (transfer_id,),
    ).fetchone()
    if row is None:
        return None
    return {k: row[k] for k in row.keys() if k != "created_at"}


def _on(value: str | date | None, member: Mapping[str, Any] | None = None) -> str:
    if isinstance(value, date):
        value = value.isoformat()
    try:
        when = dates.parse(value, "转接日期") or date.today().isoformat()
    except dates.InvalidDate as exc:
        raise ServiceError(str(exc)) from None
    if member is not None and member["joined_on"] and when < member["joined_on"]:
        raise ServiceError(f"转接日期 {when} 不能早于入会日期 {member['joined_on']}。")
    return when


def _record(store: Store, member: Mapping[str, Any], **values: Any) -> int:
    row = {
        "uid": new_uid(),
        "unit_code": store.require_unit().code,
        "member_id": member["id"],
        "created_at": now(),
        **values,
    }
    row["reason"] = (row.get("reason") or "").strip() or None
    cur = store.conn.execute(
        f"INSERT INTO transfers ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )
    store.journal("transfers", cur.lastrowid, row["uid"], "insert", None, snapshot(store, cur.lastrowid))
    return cur.lastrowid


def _live_member(store: Store, member_id: int) -> dict[str, Any]:
    row = store.conn.execute(
        "SELECT m.*, o.name AS org_name FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
        " WHERE m.id = ? AND m.deleted_at IS NULL",
        (member_id,),
    ).fetchone()
    if row is None:
        raise ServiceError(f"找不到编号为 {member_id} 的会员。")
    if row["status"] != choices.LIVE:
        raise ServiceError(f"会员 {row['name']} 现在的状态是“{row['status']}”，只有在册会员才能转接。")
    return dict(row)


def _target(store: Store, org_id: int | None) -> sqlite3.Row:
    if org_id in (None, ""):
        raise ServiceError("请选择转入的工会组织。")
    row = store.conn.execute("SELECT id, name, status FROM organisations WHERE id = ?", (org_id,)).fetchone()
    if row is None:
        raise ServiceError(f"找不到编号为 {org_id} 的工会组织。")
    if row["status"] != org_rules.ACTIVE:
        raise ServiceError(f"“{row['name']}”已撤销，不能转入会员。")
    return row


def transfer(store: Store, member_id: int, to_org_id: int, on: str | date | None = None, reason: str = "") -> Outcome:
    """Move a member on the roll to another organisation of this township."""
    with store.write():
        member = _live_member(store, member_id)
        target = _target(store, to_org_id)
        if member["org_id"] == target["id"]:
            raise ServiceError(f"会员 {member['name']} 已在“{target['name']}”，无需转接。")
        when = _on(on, member)
        members._update(store, member_id, {"org_id": target["id"]})
        tid = _record(
            store, member, from_org_id=member["org_id"], to_org_id=target["id"], transferred_on=when, reason=reason
        )
    return Outcome(member_id, tid)


def transfer_all(store: Store, from_org_id: int, to_org_id: int, on: str | date | None = None, reason: str = "") -> int:
    """Move every member on the roll of one organisation to another (before dissolving it)."""
    with store.write():
        target = _target(store, to_org_id)
        if from_org_id == target["id"]:
            raise ServiceError("转出和转入的是同一个工会组织。")
        ids = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM members WHERE org_id = ? AND status = ? AND deleted_at IS NULL ORDER BY id",
                (from_org_id, choices.LIVE),
            )
        ]
        when = _on(on)
        for member_id in ids:
            member = _live_member(store, member_id)
            members._update(store, member_id, {"org_id": target["id"]})
            _record(store, member, from_org_id=from_org_id, to_org_id=target["id"], transferred_on=when, reason=reason)
    return len(ids)


def transfer_out(
    store: Store, member_id: int, destination: str, on: str | date | None = None, reason: str = ""
) -> Outcome:
    """The member leaves for another township: status 转出, destination named, record kept."""
    destination = org_rules.normalize_name(destination)
    if not destination:
        raise ServiceError("转出本乡镇时请写明转往哪个乡镇（街道）或单位的工会。")
    with store.write():
        member = _live_member(store, member_id)
        when = _on(on, member)
        members._update(store, member_id, {"status": "转出", "status_note": f"{when} 转往 {destination}"})
        tid = _record(
            store, member, from_org_id=member["org_id"], to_outside=destination, transferred_on=when, reason=reason
        )
    return Outcome(member_id, tid)


def find_returning(store: Store, id_number: str) -> dict[str, Any] | None:
    """The record a transfer in would bring back (same ID number), if any."""
    try:
        number = idcard.parse(id_number).number
    except idcard.InvalidId:
        return None
    row = store.conn.execute(
        "SELECT m.*, o.name AS org_name FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
        " WHERE m.id_number = ? AND m.unit_code = ? AND m.deleted_at IS NULL",
        (number, store.require_unit().code),
    ).fetchone()
    return dict(row) if row else None


def transfer_in(
    store: Store,
    fields: Mapping[str, Any],
    to_org_id: int,
    origin: str,
    on: str | date | None = None,
    reason: str = "",
) -> Outcome:
    """A member arrives from another township.

    fields are member form values (at least id_number; name, phone, joined_on... for a new
    record). A record with the same ID number is reactivated in the new organisation — one
    person, one record — unless it is on the roll already or marked 已故.
    """
    origin = org_rules.normalize_name(origin)
    if not origin:
        raise ServiceError("请写明从哪个乡镇（街道）或单位的工会转来。")
    try:
        number = idcard.parse(fields.get("id_number")).number
    except idcard.InvalidId as exc:
        raise members.InvalidMember({"id_number": str(exc)}) from None
    with store.write():
        target = _target(store, to_org_id)
        existing = find_returning(store, number)
        if existing is None:
            when = _on(on)
            # The join date is the one on the transfer letter; unknown, the day they arrived.
            member_id = members.register(
                store, {**fields, "joined_on": fields.get("joined_on") or when, "org_id": target["id"]}
            )
            member = store.conn.execute("SELECT * FROM members WHERE id = ?", (member_id,)).fetchone()
            created = True
            when = _on(when, member)
        else:
            _check_returning(existing, fields)
            member_id = existing["id"]
            when = _on(on, existing)
            changes: dict[str, Any] = {"status": choices.LIVE, "status_note": None, "org_id": target["id"]}
            clean = checker.check_member({**members.form_values(existing), **_given(fields)}).values
            for key in ("phone", "job", "employment_form", "new_form", "card_no"):
                if _given(fields).get(key) not in (None, ""):
                    changes[key] = clean[key]
            members._update(store, member_id, changes)
            member = existing
            created = False
        tid = _record(store, member, from_outside=origin, to_org_id=target["id"], transferred_on=when, reason=reason)
    return Outcome(member_id, tid, created)


def _given(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in (None, "")}


def _check_returning(existing: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
    masked = idcard.mask(existing["id_number"])
    if existing["status"] == choices.LIVE:
        raise ServiceError(
            f"身份证号 {masked} 已是本乡镇在册会员 {existing['name']}（{existing['org_name'] or '未分配工会'}，"
            f"编号 {existing['id']}），不能再转入。如需换工会，请在会员详情里转接。"
        )
    if existing["status"] == "已故":
        raise ServiceError(f"身份证号 {masked} 的已有记录 {existing['name']} 状态为已故，请核对身份证号。")
    given = names.normalize(fields.get("name"))
    if given and given != existing["name"]:
        raise ServiceError(
            f"身份证号 {masked} 已有记录的姓名是 {existing['name']}，与填写的 {given} 不一致。"
            "请核对身份证号；如确系改名，请先在会员信息里修改姓名。"
        )


# -- history ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stint:
    """A span of the member's union life in one organisation (or outside the township)."""

    place: str  # organisation name, or the other township's union for an outside span
    outside: bool
    start: str | None
    end: str | None  # the transfer that closed it; None for the last span
    came_by: str  # 入会登记 / 在外乡镇入会 / 本乡镇转接 / 外乡镇转入 / 转出本乡镇
    reason: str | None = None
    org_id: int | None = None
    current: bool = False  # the member is on the roll here now

    @property
    def span(self) -> str:
        start = self.start or "?"
        if self.end:
            return f"{start} 至 {self.end}"
        return f"{start} 至今" if self.current else f"{start} 起"


def transfers_of(store: Store, member_id: int) -> list[sqlite3.Row]:
    return store.conn.execute(
        "SELECT t.*, f.name AS from_name, o.name AS to_name FROM transfers t"
        " LEFT JOIN organisations f ON f.id = t.from_org_id LEFT JOIN organisations o ON o.id = t.to_org_id"
        " WHERE t.member_id = ? ORDER BY t.transferred_on, t.id",
        (member_id,),
    ).fetchall()


def org_history(store: Store, member_id: int) -> list[Stint]:
    """Every organisation the member belonged to, oldest first."""
    member = store.conn.execute(
        "SELECT m.*, o.name AS org_name FROM members m LEFT JOIN organisations o ON o.id = m.org_id WHERE m.id = ?",
        (member_id,),
    ).fetchone()
    if member is None:
        raise ServiceError(f"找不到编号为 {member_id} 的会员。")
    moves = transfers_of(store, member_id)
    if not moves:
        start = Stint(
            member["org_name"] or "（未分配工会）", False, member["joined_on"], None, "入会登记", None, member["org_id"]
        )
        stints = [start]
    else:
        first = moves[0]
        if first["from_outside"]:
            stints = [Stint(first["from_outside"], True, member["joined_on"], None, "在外乡镇入会")]
        else:
            name = first["from_name"] or "（未分配工会）"
            stints = [Stint(name, False, member["joined_on"], None, "入会登记", None, first["from_org_id"])]
    for move in moves:
        stints[-1] = replace(stints[-1], end=move["transferred_on"])
        if move["to_outside"]:
            stints.append(Stint(move["to_outside"], True, move["transferred_on"], None, "转出本乡镇", move["reason"]))
        else:
            came_by = "外乡镇转入" if move["from_outside"] else "本乡镇转接"
            stints.append(
                Stint(
                    move["to_name"] or "?",
                    False,
                    move["transferred_on"],
                    None,
                    came_by,
                    move["reason"],
                    move["to_org_id"],
                )
            )
    if member["status"] == choices.LIVE and not stints[-1].outside:
        stints[-1] = replace(stints[-1], current=True)
    return stints
