"""Home screen figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clerk.reports import membership
from clerk.store.store import Store


@dataclass(frozen=True)
class Figures:
    members: int
    new_this_month: int
    new_this_year: int
    migrant: int
    new_form: int
    organisations: int


def figures(store: Store, today: date | None = None, *, as_of: date | None = None) -> Figures:
    """Today's figures; with as_of, the members of that date (rebuilt from the journal)."""
    if as_of is not None:
        return _as_of(store, as_of)
    today = today or date.today()
    month_start = today.replace(day=1).isoformat()
    year_start = today.replace(month=1, day=1).isoformat()
    # On-the-roll, migrant and new-form totals are kept per organisation by triggers
    # (org_member_counts); the two "new" counts read a range of members_joined. Neither scans
    # the members, so the home screen opens as fast on 1,000,000 members as on 100.
    members, migrant, new_form = store.conn.execute(
        "SELECT coalesce(sum(members), 0), coalesce(sum(migrant), 0), coalesce(sum(new_form), 0) FROM org_member_counts"
    ).fetchone()
    new_this_month, new_this_year = store.conn.execute(
        "SELECT count(*) FILTER (WHERE joined_on >= ?), count(*) FROM members"
        " WHERE joined_on >= ? AND status = '在册' AND deleted_at IS NULL",
        (month_start, year_start),
    ).fetchone()
    orgs = store.conn.execute("SELECT count(*) FROM organisations WHERE status = '正常'").fetchone()[0]
    return Figures(members, new_this_month, new_this_year, migrant, new_form, organisations=orgs)


def on_roll(store: Store, org_id: int | None = None) -> int:
    """Members 在册 (the home screen's 在册会员), of one organisation or of all, from the kept counts."""
    if org_id is None:
        sql, args = "SELECT coalesce(sum(members), 0) FROM org_member_counts", ()
    else:
        sql, args = "SELECT coalesce(sum(members), 0) FROM org_member_counts WHERE org_id = ?", (org_id,)
    return store.conn.execute(sql, args).fetchone()[0]


def _as_of(store: Store, day: date) -> Figures:
    """The figures on a past date: statuses rebuilt from the journal, categories as recorded now,
    organisations as they are now."""
    counts = membership.as_of(store, day)
    month_start = day.replace(day=1).isoformat()
    new_this_month, new_this_year = store.conn.execute(
        f"SELECT count(*) FILTER (WHERE joined_on >= ?), count(*) FROM {membership.members_sql(day)}"
        " WHERE joined_on >= ? AND status = '在册'",
        (month_start, day.replace(month=1, day=1).isoformat()),
    ).fetchone()
    orgs = store.conn.execute("SELECT count(*) FROM organisations WHERE status = '正常'").fetchone()[0]
    return Figures(counts.live, new_this_month, new_this_year, counts.migrant, counts.new_form, organisations=orgs)
