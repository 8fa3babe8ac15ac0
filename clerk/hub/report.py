"""The statistics report of a PostgreSQL hub: report.py's queries and workbook, for a whole city.

report.figures() counts per unit (the records' unit_code, i.e. per township) with SQL that both
SQLite and PostgreSQL run; ReportSource hands it the hub's connection behind the small part of
the Store interface it uses (require_unit, conn.execute with ? placeholders). A city hub adds one
subtotal row per district (the first six digits of a township code) above that district's
townships; the workbook (titles, borders, printing) is report.py's, unchanged.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from pathlib import Path

from clerk.domain import organisation as rules
from clerk.hub.service import Hub, server_errors
from clerk.reports import statistics as report

_SUMMED = [f.name for f in dataclass_fields(report.UnitFigures) if f.name not in ("code", "name", "subtotal")]


class _QmarkConnection:
    """conn.execute(sql, params) with SQLite's ? placeholders, on psycopg."""

    def __init__(self, conn):
        self._conn = conn

    def execute(self, query: str, params=()):
        return self._conn.execute(query.replace("%", "%%").replace("?", "%s"), params)


class ReportSource:
    def __init__(self, hub: Hub):
        self.hub = hub
        self.conn = _QmarkConnection(hub.conn)

    def require_unit(self):
        return self.hub.unit

    def write(self):
        """One transaction on the hub (what Store.write() is on SQLite)."""
        return self.hub.conn.transaction()


def figures(source: ReportSource, period: report.Period) -> report.Figures:
    # One snapshot for every query of the report (merges may run meanwhile). The hub's data is in
    # memory: with the default cost of a random read (made for spinning disks) the planner scans
    # the whole members table instead of the report's covering index (schema_hub.sql), twice as slow.
    from psycopg.pq import TransactionStatus

    conn = source.hub.conn
    outermost = conn.info.transaction_status == TransactionStatus.IDLE
    with conn.transaction():
        if outermost:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute("SET LOCAL random_page_cost = 1.1")
        figs = report.figures(source, period)
        if source.hub.unit.level == "city":
            _add_districts(figs, source)
    return figs


def _add_districts(figs: report.Figures, source: ReportSource) -> None:
    names = dict(source.hub.conn.execute("SELECT code, name FROM sync_sources WHERE length(code) = 6").fetchall())
    # A district's file brings its townships' records but not their names: a township's own
    # union (乡镇(街道)总工会 at the top of its tree) names it.
    roots = dict(
        source.hub.conn.execute(
            "SELECT DISTINCT ON (unit_code) unit_code, name FROM organisations WHERE parent_id IS NULL AND kind = %s"
            " AND status = %s ORDER BY unit_code, id",
            (rules.ROOT_KIND, rules.ACTIVE),
        ).fetchall()
    )
    for unit in figs.units:
        if unit.name == unit.code and unit.code in roots:
            unit.name = roots[unit.code]
    rows: list[report.UnitFigures] = []
    current: report.UnitFigures | None = None
    for unit in figs.units:  # ordered by code, so a district's townships are together
        code = unit.code[:6]
        if len(unit.code) < 6:
            rows.append(unit)  # the city's own records
            continue
        if current is None or current.code != code:
            current = report.UnitFigures(code, f"{names.get(code, code + ' 区县')}（小计）", subtotal=True)
            rows.append(current)
        if len(unit.code) == 6:
            # The district's own records: a row of their own, under a key apart from the subtotal's.
            own = f"{code}-直属"
            for per_unit in (figs.categories, figs.kinds):
                if code in per_unit:
                    per_unit[own] = per_unit.pop(code)
            unit.code, unit.name = own, f"{names.get(code, code)}（直属）"
        for key in _SUMMED:
            setattr(current, key, getattr(current, key) + getattr(unit, key))
        for per_unit in (figs.categories, figs.kinds):
            into = per_unit.setdefault(code, {})
            for k, n in per_unit.get(unit.code, {}).items():
                into[k] = into.get(k, 0) + n
        rows.append(unit)
    figs.units[:] = rows
    # The total was summed over the units before the subtotals went in, so it stays right.


def write_report(hub: Hub, *, period=None, out: str | Path | None = None, force: bool = False, progress=None) -> Path:
    source = ReportSource(hub)
    with server_errors(hub.url):
        return report.write_report(source, period=period, out=out, force=force, progress=progress, figures_of=figures)
