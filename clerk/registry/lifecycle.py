"""A member's status over time: changes with an effective date and a reason, and the timeline.

A change is an ordinary journaled member update (status, status_on, status_reason, status_note),
so it is synced upward like any other; the journal holds every status a record had (the counts as
of any date, reports/membership.py, are rebuilt from it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from clerk.domain import lifecycle
from clerk.registry import members
from clerk.store.store import ServiceError, Store


def change_status(
    store: Store,
    member_id: int,
    status: str,
    *,
    on: str | date | None = None,
    reason: str,
    note: str = "",
    today: date | None = None,
) -> lifecycle.Change:
    """Change a member's status from a date, for a reason; raise ServiceError saying why not."""
    record = members.get(store, member_id)
    if record.get("deleted_at"):
        raise ServiceError(f"编号为 {member_id} 的记录已删除，不能再修改。")
    try:
        change = lifecycle.check(
            record["status"], status, on, reason, note, joined_on=record.get("joined_on"), today=today
        )
    except lifecycle.Refused as exc:
        raise ServiceError(str(exc)) from None
    # Changes follow each other: one cannot take effect before the status it ends (the as-of counts
    # rebuild each date from them in that order). A status set by older code has no date of its own:
    # the day it was recorded stands for it.
    events = timeline(store, member_id)
    since = record.get("status_on") or (events[-1].on if events else None)
    if since and change.on < since:
        raise ServiceError(f"生效日期 {change.on} 早于当前状态“{record['status']}”的生效日期 {since}，请核对。")
    members.change(
        store,
        member_id,
        {"status": change.status, "status_on": change.on, "status_reason": change.reason, "status_note": change.note},
    )
    return change


@dataclass(frozen=True)
class Event:
    on: str  # effective date
    status: str
    reason: str
    note: str
    at: str  # when it was recorded
    clerk: str


def timeline(store: Store, member_id: int) -> list[Event]:
    """The member's statuses, oldest first: joining, then every change of status."""
    events: list[Event] = []
    for row in store.conn.execute(
        "SELECT at, clerk, op, before, after FROM journal WHERE tbl = 'members' AND row_id = ? ORDER BY seq",
        (member_id,),
    ):
        after = json.loads(row["after"]) if row["after"] else {}
        before = json.loads(row["before"]) if row["before"] else {}
        if row["op"] == "insert":
            events.append(
                Event(after.get("joined_on") or row["at"][:10], lifecycle.LIVE, "入会", "", row["at"], row["clerk"])
            )
            before = {"status": lifecycle.LIVE}
        if row["op"] == "delete" or after.get("status") == before.get("status"):
            continue
        events.append(
            Event(
                after.get("status_on") or row["at"][:10],
                after.get("status") or "",
                after.get("status_reason") or "",
                after.get("status_note") or "",
                row["at"],
                row["clerk"],
            )
        )
    return events
