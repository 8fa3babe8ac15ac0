"""Who was a member on any date, rebuilt from the change journal (which holds every status a record had).

As of a date, a member counts from the join date; the status is the last change taking effect on
or before that date (在册 before the first change; registry/lifecycle.py makes the changes).
Records deleted as mistakes never count. Categories (农民工, 新就业形态, sex) are the records'
current ones. SQLite only (the journal's JSON); a city hub reports current figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clerk.domain import lifecycle
from clerk.store.store import Store


@dataclass
class AsOf:
    """Members by status on one date, with the categories of those 在册."""

    day: str
    by_status: dict[str, int] = field(default_factory=dict)
    migrant: int = 0  # 在册 and 农民工
    new_form: int = 0  # 在册 and 新就业形态
    women: int = 0  # 在册 and 女

    @property
    def live(self) -> int:
        return self.by_status.get(lifecycle.LIVE, 0)

    @property
    def members(self) -> int:
        """在册 and 保留会籍: everyone who holds membership on the day."""
        return sum(self.by_status.get(s, 0) for s in lifecycle.MEMBERS)


# Every change of status the journal holds: an insert whose status is not 在册 (a record that came
# already changed, e.g. merged at the district), and every update that changed the status.
_CHANGES = """
    SELECT j.row_id AS mid, j.seq AS seq,
           coalesce(json_extract(j.after, '$.status_on'), substr(j.at, 1, 10)) AS eff,
           json_extract(j.after, '$.status') AS status
    FROM journal j
    WHERE j.tbl = 'members' AND j.op IN ('insert', 'update')
      AND json_extract(j.after, '$.status') IS NOT coalesce(json_extract(j.before, '$.status'), '在册')
"""


def members_sql(day: date) -> str:
    """A subquery with the columns of members the reports read and `status` as of day: use it
    where a query reads FROM members. (The day is written into the text: a date object's ISO
    form, so it mixes with the caller's parameters of either style.)"""
    day_text = f"'{date.fromisoformat(day.isoformat()).isoformat()}'"
    return f"""(
        WITH changes AS ({_CHANGES}),
        latest AS (
            SELECT mid, status, row_number() OVER (PARTITION BY mid ORDER BY eff DESC, seq DESC) AS n
            FROM changes WHERE eff <= {day_text}
        )
        SELECT m.id, m.unit_code, m.org_id, m.new_form, m.migrant, m.gender, m.joined_on, m.deleted_at,
               coalesce(l.status, '在册') AS status
        FROM members m LEFT JOIN latest l ON l.mid = m.id AND l.n = 1
        WHERE m.deleted_at IS NULL AND m.joined_on <= {day_text}
    )"""


def as_of(store: Store, day: str | date, *, unit_code: str | None = None) -> AsOf:
    """Who was a member on day (and with what status), rebuilt from the journal."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    where = " WHERE m.unit_code = ?" if unit_code else ""
    sql = f"""
        SELECT m.status, count(*), sum(m.migrant != 0), sum(m.new_form IS NOT NULL), sum(m.gender = '女')
        FROM {members_sql(day)} AS m{where}
        GROUP BY 1
    """
    result = AsOf(day.isoformat())
    for status, n, migrant, new_form, women in store.conn.execute(sql, [unit_code] if unit_code else []):
        result.by_status[status] = n
        if status == lifecycle.LIVE:
            result.migrant, result.new_form, result.women = migrant or 0, new_form or 0, women or 0
    return result


def status_counts(store: Store) -> Mapping[str, Any]:
    """Members by current status (not deleted), for comparing with as_of(today)."""
    return dict(store.conn.execute("SELECT status, count(*) FROM members WHERE deleted_at IS NULL GROUP BY status"))
