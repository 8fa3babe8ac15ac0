"""Members' statuses on a past date, read from the change journal (which holds every status a record had).

As of a date, a member counts from the join date; the status is the last change taking effect on
or before that date (在册 before the first change). A change takes effect on its status_on, or,
for a status older code set without a date, on the day it was recorded. Records deleted as
mistakes never count. SQLite only (the journal's JSON).
"""

from __future__ import annotations

from datetime import date

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


def members_as_of(day: date) -> str:
    """A subquery: the members not deleted who had joined by day, with the columns reports read and
    `status` as it was on day. Use it where a query reads FROM members. (The day is written into
    the text from a date object's ISO form, so it mixes with the caller's parameters of either style.)"""
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
