"""Who was a member on any date, rebuilt from the change journal (store/status_history.py says how).

Categories (农民工, 新就业形态, sex) are the records' current ones. SQLite only (the journal's
JSON); a city hub reports current figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clerk.domain import lifecycle
from clerk.store import status_history
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


def members_sql(day: date) -> str:
    """Members with their statuses on day (store.status_history): use where a query reads FROM members."""
    return status_history.members_as_of(day)


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
