"""Home screen figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clerk.services.store import Store


@dataclass(frozen=True)
class Figures:
    members: int
    new_this_month: int
    new_this_year: int
    migrant: int
    new_form: int
    organisations: int


def figures(store: Store, today: date | None = None) -> Figures:
    today = today or date.today()
    month_start = today.replace(day=1).isoformat()
    year_start = today.replace(month=1, day=1).isoformat()
    row = store.conn.execute(
        """
        SELECT count(*),
               count(*) FILTER (WHERE joined_on >= ?),
               count(*) FILTER (WHERE joined_on >= ?),
               count(*) FILTER (WHERE migrant = 1),
               count(*) FILTER (WHERE new_form IS NOT NULL)
        FROM members WHERE deleted_at IS NULL AND status = '在册'
        """,
        (month_start, year_start),
    ).fetchone()
    orgs = store.conn.execute("SELECT count(*) FROM organisations WHERE status = '正常'").fetchone()[0]
    return Figures(*row, organisations=orgs)
