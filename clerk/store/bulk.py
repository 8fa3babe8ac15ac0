"""Set-based writes for many new members at once (roster import, district merge).

New members inserted with consecutive ids get their name grams, their journal rows and their
per-organisation counts from one SQL statement each over the id range, instead of a statement
(or a trigger) per member: the same rows the one-member path writes, several times faster.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from clerk.registry import members


def snapshot_sql(conn: sqlite3.Connection, alias: str = "m") -> str:
    """json_object(...) of a member row with exactly the keys members.snapshot() gives
    (the query joins organisations as o for org_uid)."""
    cols = [r[1] for r in conn.execute("PRAGMA table_info(members)")]
    keys = sorted([c for c in cols if c not in members._NOT_JOURNALED] + ["org_uid"])
    parts = [f"'{k}', " + ("o.uid" if k == "org_uid" else f"{alias}.{k}") for k in keys]
    return f"json_object({', '.join(parts)})"


def add_grams(conn: sqlite3.Connection, first: int, last: int) -> None:
    """Name grams (names.grams: every 1- and 2-character piece of the name without spaces) of
    the listed members with ids first..last. Not sorted first: new ids go at the end of each
    gram's range, a few thousand leaf pages that stay in the cache; sorting cost more than it
    saved, and holds the whole sort in memory."""
    conn.execute(
        "WITH RECURSIVE src AS (SELECT id, replace(name, ' ', '') AS s FROM members"
        "  WHERE id BETWEEN ?1 AND ?2 AND deleted_at IS NULL),"
        " k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < (SELECT max(length(s)) FROM src))"
        " INSERT OR IGNORE INTO member_name_grams (gram, member_id)"
        " SELECT gram, id FROM (SELECT substr(s, i, 1) AS gram, id FROM src JOIN k ON i <= length(s)"
        " UNION ALL SELECT substr(s, i, 2), id FROM src JOIN k ON i < length(s))",
        (first, last),
    )


def journal_inserts(
    conn: sqlite3.Connection,
    first: int,
    last: int,
    *,
    at: str,
    clerk: str,
    unit_code: str,
    batch_id: int | None = None,
) -> None:
    """One 'insert' journal row per member with ids first..last, its snapshot taken from the
    stored row (so it is exactly what members.snapshot() reads)."""
    conn.execute(
        "INSERT INTO journal (at, clerk, unit_code, tbl, row_id, row_uid, op, before, after, batch_id)"
        f" SELECT ?, ?, ?, 'members', m.id, m.uid, 'insert', NULL, {snapshot_sql(conn)}, ?"
        " FROM members m LEFT JOIN organisations o ON o.id = m.org_id WHERE m.id BETWEEN ? AND ? ORDER BY m.id",
        (at, clerk, unit_code, batch_id, first, last),
    )


# The per-row trigger that keeps org_member_counts costs more than the insert itself on a big
# batch. Within a bulk write's transaction it is set aside and the counts of each inserted range
# are added up at once (the same sums the trigger makes), before anything else touches those rows.
COUNT_TRIGGER = "members_count_insert"
COUNT_SQL = (
    "INSERT INTO org_member_counts (org_id, members, migrant, new_form)"
    " SELECT coalesce(org_id, 0), count(*), sum(migrant != 0), sum(new_form IS NOT NULL) FROM members"
    " WHERE id BETWEEN ? AND ? AND status = '在册' AND deleted_at IS NULL GROUP BY 1"
    " ON CONFLICT (org_id) DO UPDATE SET members = members + excluded.members,"
    " migrant = migrant + excluded.migrant, new_form = new_form + excluded.new_form"
)


class RangeCounts:
    """add(first, last) right after inserting members first..last with the trigger set aside."""

    def __init__(self, conn: sqlite3.Connection, active: bool):
        self.conn = conn
        self.active = active

    def add(self, first: int, last: int) -> None:
        if self.active:
            self.conn.execute(COUNT_SQL, (first, last))


@contextmanager
def counts_by_range(conn: sqlite3.Connection) -> Iterator[RangeCounts]:
    """Set the insert count trigger aside for the enclosing transaction and put it back exactly
    as the schema wrote it (a rollback undoes both)."""
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (COUNT_TRIGGER,)
    ).fetchone()
    if found:
        conn.execute(f"DROP TRIGGER {COUNT_TRIGGER}")
    yield RangeCounts(conn, active=bool(found))
    if found:  # on an error the caller's rollback puts it back
        conn.execute(found[0])
