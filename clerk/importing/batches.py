"""Import batch history: what each roster import wrote, and undoing it.

Undo reverses exactly what the batch did — members it added are deleted (softly, with a reason,
as a clerk's own delete is), fields it changed get their earlier values back — and only when
nothing later touched those members; otherwise it says which members block it. The undo is
journaled like any other change, with the batch's id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from clerk.domain import idcard
from clerk.importing.scan import Progress
from clerk.registry import members
from clerk.store import bulk as member_bulk
from clerk.store.store import ServiceError, Store, now

_BATCH_COLUMNS = (
    "id, uid, file_name, file_sha256, file_kind, sheets, mapping, org_id, update_existing, new_count, updated_count,"
    " unchanged_count, duplicate_count, rejected_count, warning_count, first_seq, last_seq, parent_id, backup_path,"
    " status, clerk, created_at, undone_at, undone_by"
)


@dataclass
class Blocker:
    member_id: int
    name: str
    id_masked: str
    what: str  # "修改" / "删除" / "批次 #7 更新"
    at: str
    clerk: str

    def describe(self) -> str:
        return f"{self.name}（{self.id_masked}）于 {self.at.replace('T', ' ')} 被{self.clerk}{self.what}"


class UndoBlocked(ServiceError):
    def __init__(self, batch_id: int, blockers: list[Blocker]):
        self.blockers = blockers
        shown = "；".join(b.describe() for b in blockers[:10])
        more = f"等 {len(blockers)} 人" if len(blockers) > 10 else ""
        super().__init__(
            f"批次 #{batch_id} 不能撤销：导入后这些会员又有了改动——{shown}{more}。"
            "撤销会抹掉这些后来的改动，所以没有撤销。请先撤销后来的批次，或在会员详情中逐个处理。"
        )


def _batch(row) -> dict[str, Any]:
    record = dict(row)
    record["sheets"] = json.loads(record["sheets"])
    record["mapping"] = json.loads(record["mapping"])
    return record


def list_batches(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first."""
    rows = store.conn.execute(
        f"SELECT {_BATCH_COLUMNS} FROM import_batches ORDER BY id DESC LIMIT ?", (limit,)
    ).fetchall()
    return [_batch(r) for r in rows]


def get(store: Store, batch_id: int) -> dict[str, Any]:
    row = store.conn.execute(f"SELECT {_BATCH_COLUMNS} FROM import_batches WHERE id = ?", (batch_id,)).fetchone()
    if row is None:
        raise ServiceError(f"找不到导入批次 #{batch_id}。可用 clerk batches list 查看全部批次。")
    record = _batch(row)
    counts = store.conn.execute(
        "SELECT kind, count(*) AS n, count(resolved_by) AS fixed FROM import_rejects WHERE batch_id = ? GROUP BY kind",
        (batch_id,),
    ).fetchall()
    record["reject_rows"] = {r["kind"]: (r["n"], r["fixed"]) for r in counts}
    record["fixes"] = [
        r["id"]
        for r in store.conn.execute("SELECT id FROM import_batches WHERE parent_id = ? ORDER BY id", (batch_id,))
    ]
    org = store.conn.execute("SELECT name FROM organisations WHERE id = ?", (record["org_id"],)).fetchone()
    record["org_name"] = org["name"] if org else None
    return record


def rejects(
    store: Store, batch_id: int, kind: str | None = "rejected", include_resolved: bool = True
) -> list[dict[str, Any]]:
    sql = "SELECT sheet, row_number, kind, reason, cells, resolved_by FROM import_rejects WHERE batch_id = ?"
    args: list[Any] = [batch_id]
    if kind:
        sql += " AND kind = ?"
        args.append(kind)
    if not include_resolved:
        sql += " AND resolved_by IS NULL"
    rows = store.conn.execute(sql + " ORDER BY id", args).fetchall()
    return [{**dict(r), "cells": json.loads(r["cells"])} for r in rows]


def _batch_rows(store: Store, batch: dict[str, Any]) -> list[Any]:
    if batch["first_seq"] is None:
        return []
    return store.conn.execute(
        "SELECT seq, row_id, op, before, after FROM journal"
        " WHERE seq BETWEEN ? AND ? AND batch_id = ? AND tbl = 'members' AND op IN ('insert', 'update') ORDER BY seq",
        (batch["first_seq"], batch["last_seq"], batch["id"]),
    ).fetchall()


def blockers(store: Store, batch_id: int) -> list[Blocker]:
    """Members of the batch that something later changed (a later batch that was undone doesn't count)."""
    batch = get(store, batch_id)
    if batch["last_seq"] is None:
        return []
    touched = {r["row_id"] for r in _batch_rows(store, batch)}
    undone = {r[0] for r in store.conn.execute("SELECT id FROM import_batches WHERE status = 'undone'")}
    found: dict[int, Blocker] = {}
    for r in store.conn.execute(
        "SELECT j.row_id, j.op, j.at, j.clerk, j.batch_id, m.name, m.id_number FROM journal j"
        " JOIN members m ON m.id = j.row_id WHERE j.seq > ? AND j.tbl = 'members' ORDER BY j.seq",
        (batch["last_seq"],),
    ):
        if r["row_id"] not in touched or r["row_id"] in found:
            continue
        if r["batch_id"] is not None and (r["batch_id"] in undone or r["batch_id"] == batch_id):
            continue
        what = {"update": "修改", "delete": "删除", "insert": "登记"}.get(r["op"], r["op"])
        if r["batch_id"] is not None:
            what = f"导入批次 #{r['batch_id']} {what}"
        found[r["row_id"]] = Blocker(r["row_id"], r["name"], idcard.mask(r["id_number"]), what, r["at"], r["clerk"])
    return list(found.values())


@dataclass
class UndoResult:
    batch_id: int
    removed: int
    restored: int
    message: str


def undo(store: Store, batch_id: int, progress: Progress | None = None) -> UndoResult:
    """Reverse a committed batch, in one transaction; refuse when later changes would be lost."""
    batch = get(store, batch_id)
    if batch["status"] == "undone":
        raise ServiceError(f"批次 #{batch_id} 已于 {batch['undone_at'].replace('T', ' ')} 撤销过，不能再次撤销。")
    blocked = blockers(store, batch_id)
    if blocked:
        raise UndoBlocked(batch_id, blocked)
    unit = store.require_unit()
    rows = _batch_rows(store, batch)
    inserted = [r for r in rows if r["op"] == "insert"]
    updated = [r for r in rows if r["op"] == "update"]
    total = len(rows)
    store.backup(reason=f"undo-batch-{batch_id}")
    stamp = now()
    with store.write() as conn:
        store.batch_id = batch_id
        try:
            if inserted:
                _remove_inserted(store, batch, unit, stamp)
                if progress:
                    progress("撤销", len(inserted), total)
            for i, r in enumerate(updated, start=1):
                before, after = json.loads(r["before"]), json.loads(r["after"])
                restore = {
                    k: before.get(k)
                    for k in after
                    if k in members.LABELS and k not in ("org_uid",) and before.get(k) != after.get(k)
                }
                if restore:
                    members._update(store, r["row_id"], restore)
                if progress and i % 1000 == 0:
                    progress("撤销", len(inserted) + i, total)
            conn.execute("UPDATE import_rejects SET resolved_by = NULL WHERE resolved_by = ?", (batch_id,))
            conn.execute(
                "UPDATE import_batches SET status = 'undone', undone_at = ?, undone_by = ? WHERE id = ?",
                (stamp, unit.clerk, batch_id),
            )
        finally:
            store.batch_id = None
    message = f"已撤销批次 #{batch_id}（{batch['file_name']}）：删除了 {len(inserted)} 名由该批次新增的会员"
    if updated:
        message += f"，恢复了 {len(updated)} 名会员被更新前的信息"
    return UndoResult(batch_id, len(inserted), len(updated), message + "。")


def _remove_inserted(store: Store, batch: dict[str, Any], unit, stamp: str) -> None:
    """Soft-delete the members the batch added (kept in the journal and synced, like members.delete)."""
    conn = store.conn
    ids = "SELECT row_id FROM journal WHERE seq BETWEEN ? AND ? AND batch_id = ? AND tbl = 'members' AND op = 'insert'"
    args = (batch["first_seq"], batch["last_seq"], batch["id"])
    first = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM journal").fetchone()[0]
    snap = member_bulk.snapshot_sql(conn)
    conn.execute(
        "INSERT INTO journal (at, clerk, unit_code, tbl, row_id, row_uid, op, before, after, batch_id)"
        f" SELECT ?, ?, ?, 'members', m.id, m.uid, 'delete', {snap}, NULL, ?"
        f" FROM members m LEFT JOIN organisations o ON o.id = m.org_id WHERE m.id IN ({ids}) ORDER BY m.id",
        (stamp, unit.clerk, unit.code, batch["id"], *args),
    )
    reason = f"删除原因：撤销导入批次 #{batch['id']}"
    conn.execute(
        f"UPDATE members SET deleted_at = ?, updated_at = ?, notes = coalesce(notes || '；', '') || ? WHERE id IN ({ids})",
        (stamp, stamp, reason, *args),
    )
    conn.execute(f"DELETE FROM member_name_grams WHERE member_id IN ({ids})", args)
    conn.execute(
        f"UPDATE journal SET after = (SELECT {snap} FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
        " WHERE m.id = journal.row_id) WHERE seq >= ? AND op = 'delete' AND batch_id = ?",
        (first, batch["id"]),
    )
