"""Yearly targets and the progress toward them (任务完成情况).

A unit keeps its own targets and those it set for the units below it in the targets table. The
counts toward a target are the year's new members by category (the statistics report's rule:
join date in the year, not deleted, not a 转出 record, whose person counts in the new unit) and
the unions founded in the year. They are read per unit code in one pass over the year's members,
then summed per unit below (a township is its own code; a district on a city hub is its 6-digit
prefix).

Everything here runs on a clerk database (Store) and on a PostgreSQL hub (clerk/hub/report.py's
ReportSource): `source.conn.execute` with ? placeholders, `source.require_unit()` and
`source.write()`; the SQL is written for both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clerk.domain import choices
from clerk.domain import targets as rules
from clerk.store.store import ServiceError, now

MEMBER_CATEGORIES = (rules.MEMBERS, rules.MIGRANT, rules.NEW_FORM, rules.WOMEN)


@dataclass(frozen=True)
class Target:
    year: int
    unit_code: str
    category: str
    count: int
    set_by: str
    set_by_name: str
    clerk: str
    updated_at: str

    @property
    def from_above(self) -> bool:
        """Set by the unit above (a shorter code) rather than by the unit itself."""
        return len(self.set_by) < len(self.unit_code)


def _code(unit: Any) -> str:
    return unit.code


def _target(row: Iterable[Any]) -> Target:
    year, unit_code, category, count, set_by, set_by_name, clerk, updated_at = row
    return Target(int(year), unit_code, category, int(count), set_by, set_by_name, clerk, updated_at)


_COLUMNS = "year, unit_code, category, count, set_by, set_by_name, clerk, updated_at"


def list_targets(source: Any, year: int | None = None) -> list[Target]:
    """The targets this database holds (its own and those it set below), by year, unit, category."""
    sql = f"SELECT {_COLUMNS} FROM targets"
    params: tuple[Any, ...] = ()
    if year is not None:
        sql += " WHERE year = ?"
        params = (year,)
    found = [_target(r) for r in source.conn.execute(sql, params)]
    order = {c: i for i, c in enumerate(rules.CATEGORIES)}
    found.sort(key=lambda t: (t.year, len(t.unit_code), t.unit_code, order.get(t.category, 99)))
    return found


def _check_unit(own: str, code: str) -> None:
    below = rules.child_level(own)
    if code == own:
        return
    if below is None:
        raise ServiceError(f"乡镇（街道）只能给本单位（{own}）定目标，不能给“{code}”定。")
    if len(code) != below or not code.isdigit() or not code.startswith(own):
        kind = "乡镇（街道）" if below == 9 else "区县"
        raise ServiceError(f"“{code}”不是本单位下属的{kind}代码：应为以 {own} 开头的 {below} 位数字。")


def set_target(source: Any, *, year: object, category: object, count: object, unit: str | None = None) -> Target:
    """Set (or change) one target; raise ServiceError with a Chinese message when refused."""
    try:
        y, cat, n = rules.year(year), rules.category(category), rules.count(count)
    except rules.InvalidTarget as exc:
        raise ServiceError(str(exc)) from None
    own = source.require_unit()
    code = (unit or own.code).strip()
    _check_unit(own.code, code)
    existing = source.conn.execute(
        f"SELECT {_COLUMNS} FROM targets WHERE year = ? AND unit_code = ? AND category = ?", (y, code, cat)
    ).fetchone()
    if existing is not None:
        old = _target(existing)
        if old.set_by != own.code and len(old.set_by) < len(own.code):
            raise ServiceError(
                f"{y} 年“{cat}”的目标 {old.count:,} 是{old.set_by_name}下达的，本单位不能修改。如有出入，请与上级联系。"
            )
    target = Target(y, code, cat, n, own.code, own.name, own.clerk, now())
    _save(source, [target])
    return target


def _save(source: Any, found: list[Target]) -> None:
    with source.write():
        for t in found:
            source.conn.execute(
                f"INSERT INTO targets ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (year, unit_code, category) DO UPDATE SET count = excluded.count,"
                " set_by = excluded.set_by, set_by_name = excluded.set_by_name, clerk = excluded.clerk,"
                " updated_at = excluded.updated_at",
                (t.year, t.unit_code, t.category, t.count, t.set_by, t.set_by_name, t.clerk, t.updated_at),
            )


def remove_target(source: Any, *, year: object, category: object, unit: str | None = None) -> bool:
    """Remove one target this unit set; False when there was none."""
    try:
        y, cat = rules.year(year), rules.category(category)
    except rules.InvalidTarget as exc:
        raise ServiceError(str(exc)) from None
    own = source.require_unit()
    code = (unit or own.code).strip()
    _check_unit(own.code, code)
    row = source.conn.execute(
        "SELECT set_by, set_by_name FROM targets WHERE year = ? AND unit_code = ? AND category = ?", (y, code, cat)
    ).fetchone()
    if row is None:
        return False
    if row[0] != own.code:
        raise ServiceError(f"{y} 年“{cat}”的目标是{row[1]}下达的，本单位不能删除。")
    with source.write():
        source.conn.execute("DELETE FROM targets WHERE year = ? AND unit_code = ? AND category = ?", (y, code, cat))
    return True


def receive(source: Any, found: list[Target], *, from_code: str) -> int:
    """Take the targets a downward file brings for this unit (they replace what it typed itself).
    Only targets for this unit, set by the sender, are taken; the count taken is returned."""
    own = source.require_unit()
    mine = [t for t in found if t.unit_code == own.code and t.set_by == from_code]
    if mine:
        _save(source, mine)
    return len(mine)


def for_unit(source: Any, code: str) -> list[Target]:
    """The targets set for one unit below (what its downward file carries)."""
    rows = source.conn.execute(f"SELECT {_COLUMNS} FROM targets WHERE unit_code = ? ORDER BY year, category", (code,))
    return [_target(r) for r in rows]


# -- progress ---------------------------------------------------------------------------------------


@dataclass
class UnitProgress:
    code: str
    name: str
    targets: dict[str, int] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(rules.CATEGORIES, 0))

    def progress(self) -> list[rules.Progress]:
        return [rules.Progress(c, self.targets.get(c), self.done.get(c, 0)) for c in rules.CATEGORIES]


@dataclass
class YearProgress:
    year: int
    through: date  # counted from 1 January to this day
    unit: UnitProgress  # the whole unit (its own targets, or the sum of those set below)
    below: list[UnitProgress]  # each unit below (district: townships; city: districts)
    months: list[tuple[str, int]]  # (YYYY-MM, new members) for each month up to `through`
    targets_summed: bool = False  # unit.targets is the sum of the targets set below


def _done_per_code(source: Any, start: str, end: str) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    per_code: dict[str, dict[str, int]] = {}
    months: dict[str, int] = {}
    for code, month, total, migrant, new_form, women in source.conn.execute(
        """
        SELECT unit_code, substr(joined_on, 1, 7), count(*),
               count(*) FILTER (WHERE migrant != 0), count(new_form), count(*) FILTER (WHERE gender = ?)
        FROM members WHERE joined_on BETWEEN ? AND ? AND status != ? AND deleted_at IS NULL
        GROUP BY unit_code, substr(joined_on, 1, 7)
        """,
        ("女", start, end, choices.TRANSFERRED_OUT),
    ):
        done = per_code.setdefault(code, dict.fromkeys(rules.CATEGORIES, 0))
        for category, n in zip(MEMBER_CATEGORIES, (total, migrant, new_form, women), strict=True):
            done[category] += n
        months[month] = months.get(month, 0) + total
    for code, n in source.conn.execute(
        "SELECT unit_code, count(*) FROM organisations WHERE founded_on BETWEEN ? AND ? GROUP BY unit_code",
        (start, end),
    ):
        per_code.setdefault(code, dict.fromkeys(rules.CATEGORIES, 0))[rules.UNIONS] += n
    return per_code, months


def unit_names(source: Any) -> dict[str, str]:
    names = {r[0]: r[1] for r in source.conn.execute("SELECT code, name FROM sync_sources")}
    own = source.require_unit()
    names[own.code] = own.name
    return names


def today() -> date:
    return date.today()


def progress(source: Any, year: int | None = None, *, through: date | None = None) -> YearProgress:
    """The year's targets against what has been done, for the unit and each unit below it."""
    now_ = today()
    year = year or (through or now_).year
    if through is None:
        through = now_ if now_.year == year else date(year, 12, 31)
    own = source.require_unit()
    per_code, months = _done_per_code(source, date(year, 1, 1).isoformat(), through.isoformat())
    unit, below = _units(source, own, per_code)
    summed: dict[str, int] = {}
    for t in list_targets(source, year):
        if t.unit_code == own.code:
            unit.targets[t.category] = t.count
        elif t.unit_code in below:
            below[t.unit_code].targets[t.category] = t.count
            summed[t.category] = summed.get(t.category, 0) + t.count
    targets_summed = not unit.targets and bool(summed)
    if targets_summed:
        unit.targets = summed
    keys = [f"{year}-{m:02d}" for m in range(1, through.month + 1)] if through.year == year else []
    month_list = [(key, months.get(key, 0)) for key in keys]
    return YearProgress(year, through, unit, sorted(below.values(), key=lambda u: u.code), month_list, targets_summed)


def _units(source: Any, own: Any, per_code: dict[str, dict[str, int]]) -> tuple[UnitProgress, dict[str, UnitProgress]]:
    """The whole unit and each unit one level below it (known by name, by records or by target)."""
    names = unit_names(source)
    level = rules.child_level(own.code)
    unit = UnitProgress(own.code, own.name)
    below: dict[str, UnitProgress] = {}
    if level is not None:
        codes = {c for c in names if len(c) == level and c.startswith(own.code)}
        codes |= {c[:level] for c in per_code if len(c) >= level}
        codes |= {
            r[0]
            for r in source.conn.execute("SELECT DISTINCT unit_code FROM targets WHERE length(unit_code) = ?", (level,))
        }
        below = {c: UnitProgress(c, names.get(c, c)) for c in codes if c.startswith(own.code)}
    for code, done in per_code.items():
        part = below.get(code[:level]) if level is not None else None
        for category, n in done.items():
            unit.done[category] += n
            if part is not None:
                part.done[category] += n
    return unit, below
