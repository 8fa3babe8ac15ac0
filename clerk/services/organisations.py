"""Organisation use cases (基层工会组织)."""

from __future__ import annotations

from typing import Any, Mapping

from clerk.services.store import ServiceError, Store, new_uid, now

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


def snapshot(store: Store, org_id: int) -> dict[str, Any] | None:
    row = store.conn.execute(
        "SELECT o.*, p.uid AS parent_uid FROM organisations o"
        " LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.id = ?",
        (org_id,),
    ).fetchone()
    if row is None:
        return None
    return {k: row[k] for k in row.keys() if k not in ("created_at", "updated_at")}


def create(store: Store, fields: Mapping[str, Any]) -> int:
    record = {k: fields.get(k) for k in ORG_FIELDS if fields.get(k) not in (None, "")}
    if not record.get("name"):
        raise ServiceError("工会组织名称不能为空。")
    stamp = now()
    record.update(uid=new_uid(), unit_code=store.require_unit().code, created_at=stamp, updated_at=stamp)
    with store.write():
        cur = store.conn.execute(
            f"INSERT INTO organisations ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})",
            list(record.values()),
        )
        store.journal("organisations", cur.lastrowid, record["uid"], "insert", None, snapshot(store, cur.lastrowid))
    return cur.lastrowid


def choices(store: Store, query: str = "", limit: int = 50) -> list[tuple[int, str]]:
    """Active organisations whose name contains query, for pickers: (id, name)."""
    rows = store.conn.execute(
        "SELECT id, name FROM organisations WHERE status = '正常' AND instr(name, ?) > 0 ORDER BY name LIMIT ?",
        (query.strip(), limit),
    )
    return [(r["id"], r["name"]) for r in rows]
