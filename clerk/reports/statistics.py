"""Statistics report (会员和组织统计表): the .xlsx a union office sends upward, ready to print.

Sheets: 汇总 (per unit and in total), 按组织 (members per organisation), 农民工和新就业形态
(by category), 组织类型和行业, each with a title, the unit and period, a bordered table with a
frozen header, column widths, landscape fit-to-width printing with the header repeated on every
page, and numbers stored as numbers. A district database reports every township it holds
(by the records' unit_code) and the district as a whole.

Members are counted on the roll (在册, not deleted) as of today; 本期新入会 counts records whose
join date falls in the period, except deleted ones and 转出 records (the person goes on in the
new unit, whose record counts). Enterprises with 25+ employees are 企业工会 with an employee
count of 25 or more (as the organisation screens count them).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from copy import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from clerk.domain import choices, coded, dates, lifecycle
from clerk.domain import organisation as rules
from clerk.domain import targets as target_rules
from clerk.reports import completeness, membership, targets
from clerk.store import files, folders
from clerk.store.store import ServiceError, Store, now

LIVE = choices.LIVE


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    @property
    def slug(self) -> str:
        return re.sub(r"[^0-9A-Za-z-]+", "_", self.label)


def parse_period(text: str | None, today: date | None = None) -> Period:
    """2026 | 2026-11 | 2026-Q3 | 2026-01-01:2026-06-30 (default: this year)."""
    today = today or date.today()
    raw = (text or "").strip().upper().replace("：", ":").replace("/", "-")
    if not raw:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31), f"{today.year}")
    try:
        if m := re.fullmatch(r"(\d{4})", raw):
            y = int(m[1])
            return Period(date(y, 1, 1), date(y, 12, 31), f"{y}")
        if m := re.fullmatch(r"(\d{4})-?Q([1-4])", raw):
            y, q = int(m[1]), int(m[2])
            end_month = q * 3
            return Period(
                date(y, end_month - 2, 1), date(y, end_month, calendar.monthrange(y, end_month)[1]), f"{y}-Q{q}"
            )
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", raw):
            y, mo = int(m[1]), int(m[2])
            return Period(date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), f"{y}-{mo:02d}")
        if ":" in raw:
            a, b = (part.strip() for part in raw.split(":", 1))
            start, end = _day(a, first=True), _day(b, first=False)
            if end < start:
                raise ServiceError(f"统计期间的结束日期 {end} 早于开始日期 {start}。")
            return Period(start, end, f"{start}至{end}")
    except ValueError:
        pass
    raise ServiceError(
        f"统计期间“{text}”看不懂。请写成 2026（全年）、2026-11（月）、2026-Q3（季度）"
        "或 2026-01-01:2026-06-30（起止日期）。"
    )


def _day(text: str, *, first: bool) -> date:
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        y, m, d = map(int, text.split("-"))
        return date(y, m, d)
    if re.fullmatch(r"\d{4}-\d{1,2}", text):
        y, m = map(int, text.split("-"))
        return date(y, m, 1) if first else date(y, m, calendar.monthrange(y, m)[1])
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1) if first else date(int(text), 12, 31)
    raise ValueError(text)


# -- figures ---------------------------------------------------------------------------------------


@dataclass
class UnitFigures:
    code: str
    name: str
    members: int = 0
    women: int = 0
    new: int = 0
    migrant: int = 0
    new_form: int = 0
    new_form_new: int = 0
    organisations: int = 0
    big: int = 0
    big_employees: int = 0
    big_members: int = 0
    subtotal: bool = False  # a district's row above its townships (a city hub's report)

    @property
    def rate(self) -> float | None:
        return rules.membership_rate(self.big_members, self.big_employees)


@dataclass
class Figures:
    unit_code: str
    unit_name: str
    district: bool
    period: Period
    units: list[UnitFigures]
    total: UnitFigures
    per_org: list[dict[str, Any]]
    categories: dict[str, dict[str, int]]  # unit code -> category -> members
    kinds: dict[str, dict[str, int]]  # unit code -> kind -> organisations
    industries: list[tuple[str, str, int, int, int]]  # (unit code, industry, orgs, employees, members)
    open_conflicts: int
    targets: targets.YearProgress | None = None  # the targets of the period's year, done by its end
    as_of: date | None = None  # members counted as of this date (rebuilt from the journal), else today
    statuses: dict[str, dict[str, int]] = field(default_factory=dict)  # unit code -> status -> records
    # coded field -> value ('' for not filled in) -> 在册 members, over every unit
    composition: dict[str, dict[str, int]] = field(default_factory=dict)


def figures(store: Store, period: Period, as_of: date | None = None) -> Figures:
    # The queries run on SQLite and, through hub_report's adapter (? -> %s), on a PostgreSQL hub
    # (where as_of is refused: the statuses on a past date are rebuilt from a township's journal).
    unit = store.require_unit()
    conn = store.conn
    start, end = period.start.isoformat(), period.end.isoformat()
    source = _members_source(as_of)
    names = {r[0]: r[1] for r in conn.execute("SELECT code, name FROM sync_sources")}
    names[unit.code] = unit.name
    units: dict[str, UnitFigures] = {}

    def u(code: str) -> UnitFigures:
        if code not in units:
            units[code] = UnitFigures(code, names.get(code, code))
        return units[code]

    # One pass over the members (a city hub holds millions), grouped by unit, organisation and
    # new-employment category; the per-unit, per-category and per-organisation figures are sums.
    categories: dict[str, dict[str, int]] = {}
    per_member: dict[int, list[int]] = {}
    for code, org_id, category, live, women, new, migrant in conn.execute(
        f"""
        SELECT unit_code, org_id, new_form,
               count(*) FILTER (WHERE status = ?),
               count(*) FILTER (WHERE status = ? AND gender = '女'),
               count(*) FILTER (WHERE joined_on BETWEEN ? AND ? AND status != '转出'),
               count(*) FILTER (WHERE status = ? AND migrant != 0)
        FROM {source} WHERE deleted_at IS NULL GROUP BY unit_code, org_id, new_form
        """,
        (LIVE, LIVE, start, end, LIVE),
    ):
        f = u(code)
        f.members += live
        f.women += women
        f.new += new
        f.migrant += migrant
        if category is not None:
            f.new_form += live
            f.new_form_new += new
            if live:
                per_category = categories.setdefault(code, {})
                per_category[category] = per_category.get(category, 0) + live
        if org_id is not None:
            counts = per_member.setdefault(org_id, [0, 0, 0, 0])
            counts[0] += live
            counts[1] += new
            counts[2] += migrant
            if category is not None:
                counts[3] += live
    complete = {o.org_id: o.rate for o in completeness.check(store).per_org}
    per_org = []
    kinds: dict[str, dict[str, int]] = {}
    industries: dict[tuple[str, str], list[int]] = {}
    for org_id, code, name, kind, industry, employees in conn.execute(
        "SELECT id, unit_code, name, kind, industry, employee_count FROM organisations WHERE status = ?"
        " ORDER BY unit_code, id",
        (rules.ACTIVE,),
    ):
        live, new, migrant, nf = per_member.get(org_id, (0, 0, 0, 0))
        f = u(code)
        f.organisations += 1
        kinds.setdefault(code, {})
        kinds[code][kind] = kinds[code].get(kind, 0) + 1
        ind = industries.setdefault((code, industry or "未填行业"), [0, 0, 0])
        ind[0] += 1
        ind[1] += employees or 0
        ind[2] += live
        if kind == rules.ENTERPRISE_KIND and (employees or 0) >= rules.BIG_ENTERPRISE:
            f.big += 1
            f.big_employees += employees
            f.big_members += live
        per_org.append(
            {
                "unit": code,
                "name": name,
                "kind": kind,
                "industry": industry or "",
                "employees": employees,
                "members": live,
                "new": new,
                "migrant": migrant,
                "new_form": nf,
                "rate": rules.membership_rate(live, employees),
                "complete": complete.get(org_id),
            }
        )
    per_org.sort(key=lambda r: (r["unit"], -r["members"], r["name"]))
    ordered = sorted(units.values(), key=lambda f: (f.code != unit.code, f.code))
    total = UnitFigures(unit.code, f"{unit.name}合计")
    for f in ordered:
        for key in (
            "members",
            "women",
            "new",
            "migrant",
            "new_form",
            "new_form_new",
            "organisations",
            "big",
            "big_employees",
            "big_members",
        ):
            setattr(total, key, getattr(total, key) + getattr(f, key))
    conflicts = conn.execute("SELECT count(*) FROM sync_conflicts WHERE status = 'open'").fetchone()[0]
    return Figures(
        unit_code=unit.code,
        unit_name=unit.name,
        district=unit.level == "district",
        period=period,
        units=ordered,
        total=total,
        per_org=per_org,
        categories=categories,
        kinds=kinds,
        industries=sorted((c, i, v[0], v[1], v[2]) for (c, i), v in industries.items()),
        open_conflicts=conflicts,
        targets=targets.progress(store, period.end.year, through=period.end),
        as_of=as_of,
        statuses=_statuses(store, source),
        composition=_composition_unless(store, as_of),
    )


def _members_source(as_of: date | None) -> str:
    """What the member queries read: the table, or the records with their statuses on as_of."""
    return "members" if as_of is None else f"{membership.members_sql(as_of)} AS members"


def _composition_unless(store: Store, as_of: date | None) -> dict[str, dict[str, int]]:
    # The coded fields are the records' current ones: shown for a report of today only.
    return composition(store) if as_of is None else {}


def _statuses(store: Store, source: str) -> dict[str, dict[str, int]]:
    """unit code -> status -> records (not deleted)."""
    statuses: dict[str, dict[str, int]] = {}
    for code, status, n in store.conn.execute(
        f"SELECT unit_code, status, count(*) FROM {source} WHERE deleted_at IS NULL GROUP BY unit_code, status"
    ):
        statuses.setdefault(code, {})[status] = n
    return statuses


def composition(store: Store) -> dict[str, dict[str, int]]:
    """在册 members by each coded field of the real-name record (学历, 政治面貌, ...)."""
    out: dict[str, dict[str, int]] = {}
    for field_ in coded.MEMBER_CODED:
        rows = store.conn.execute(
            f"SELECT coalesce({field_.key}, ''), count(*) FROM members"
            " WHERE deleted_at IS NULL AND status = ? GROUP BY 1",
            (LIVE,),
        )
        out[field_.key] = dict(rows)
    return out


# -- the workbook ----------------------------------------------------------------------------------


def report_name(unit_code: str, period: Period) -> str:
    """The report's file name: unit code, 统计报表 and the period."""
    return f"{unit_code}_统计报表_{period.slug}.xlsx"


def default_path(store: Store, period: Period) -> Path:
    """The report's place in the exports folder beside the database."""
    return folders.exports_dir(store) / report_name(store.require_unit().code, period)


def write_report(
    store: Store,
    *,
    period: str | Period | None = None,
    out: str | Path | None = None,
    force: bool = False,
    progress=None,
    figures_of=None,
    as_of: str | date | None = None,
) -> Path:
    """Write the report workbook and return its full path (out: a file, or a folder to write it in;
    figures_of: another way to count, e.g. a city hub's).

    An existing file at `out` is replaced only with force; a report clerk names itself gets a name
    of its own (a second report of a period never replaces the first, which may have been edited)."""
    p = period if isinstance(period, Period) else parse_period(period)
    target = Path(out).absolute() if out else files.unused_name(default_path(store, p))
    if target.is_dir():
        target = files.unused_name(target / report_name(store.require_unit().code, p))
    if target.suffix.lower() != ".xlsx":
        target = target.with_suffix(".xlsx")
    files.check_target(target, force=force)  # before counting: refuse at once
    if progress:
        progress(0, 2, "正在统计")
    day = parse_as_of(as_of)
    if day is not None and figures_of is not None:
        raise ServiceError("市级汇总库不能按历史日期统计（--as-of 要从乡镇的修改记录重建）。请去掉 --as-of。")
    figs = figures_of(store, p) if figures_of else figures(store, p, day)
    if progress:
        progress(1, 2, "正在生成报表")
    book = build_workbook(figs, store.require_unit().clerk)
    files.save_workbook(book, target, force=force)
    if progress:
        progress(2, 2, "完成")
    return target


def parse_as_of(value: str | date | None) -> date | None:
    """--as-of 2026-06-30: a past or today's date, or None."""
    if value is None or isinstance(value, date):
        return value
    try:
        text = dates.parse(value, "统计日期")
    except dates.InvalidDate as exc:
        raise ServiceError(str(exc)) from None
    return date.fromisoformat(text) if text else None


def build_workbook(f: Figures, clerk: str):
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.worksheets[0])
    subtitle = (
        f"填报单位：{f.unit_name}（{f.unit_code}）    统计期间：{f.period.start} 至 {f.period.end}"
        f"    制表：{clerk}    制表时间：{now().replace('T', ' ')}"
    )
    counted = f"截至 {f.as_of} 的人数（按修改记录重建）" if f.as_of else "截至制表时的人数"
    notes = [
        f"说明：在册会员数为{counted}；本期新入会按入会日期统计（不含已删除、已转出的记录）；"
        "25人以上企业指职工人数 25 人及以上的企业工会，入会率 = 会员数 ÷ 职工人数。"
    ]
    if f.open_conflicts:
        notes.append(f"注意：还有 {f.open_conflicts} 条合并冲突未处理，同一人可能在两个乡镇重复计数。")

    units = f.units + ([f.total] if f.district or len(f.units) != 1 else [])
    if not units:
        units = [f.total]
    _table(
        book,
        "汇总",
        "会员和组织统计汇总表",
        subtitle,
        notes,
        [
            "单位代码",
            "单位名称",
            "在册会员",
            "其中女性",
            "本期新入会",
            "农民工会员",
            "新就业形态会员",
            "基层工会组织",
            "25人以上企业",
            "其职工人数",
            "其会员人数",
            "入会率",
        ],
        [
            [
                u.code,
                u.name,
                u.members,
                u.women,
                u.new,
                u.migrant,
                u.new_form,
                u.organisations,
                u.big,
                u.big_employees,
                u.big_members,
                u.rate,
            ]
            for u in units
        ],
        widths=[12, 24, 10, 10, 11, 11, 13, 12, 12, 11, 11, 9],
        percent_cols={11},
        total_last=len(units) > 1,
    )
    unit_names = {u.code: u.name for u in f.units}
    org_rows = [
        [
            unit_names.get(r["unit"], r["unit"]),
            r["name"],
            r["kind"],
            r["industry"],
            r["employees"],
            r["members"],
            r["new"],
            r["migrant"],
            r["new_form"],
            r["rate"],
            r["complete"],
        ]
        for r in f.per_org
    ]
    org_rows.append(
        [
            "合计",
            "",
            "",
            "",
            sum(r["employees"] or 0 for r in f.per_org),
            sum(r["members"] for r in f.per_org),
            sum(r["new"] for r in f.per_org),
            sum(r["migrant"] for r in f.per_org),
            sum(r["new_form"] for r in f.per_org),
            None,
            None,
        ]
    )
    _table(
        book,
        "按组织",
        "各基层工会会员情况",
        subtitle,
        [
            f"说明：信息完整率 = 有本人手机号（不与 {completeness.SHARED_PHONE} 人以上共用）、入会日期的"
            "在册会员 ÷ 在册会员；问题明细用 clerk check 查看。"
        ],
        [
            "所属单位",
            "工会名称",
            "组织类型",
            "所属行业",
            "职工人数",
            "在册会员",
            "本期新入会",
            "农民工",
            "新就业形态",
            "入会率",
            "信息完整率",
        ],
        org_rows,
        widths=[18, 32, 16, 12, 10, 10, 11, 9, 11, 9, 10],
        percent_cols={9, 10},
        total_last=True,
    )
    cats = list(choices.NEW_FORM_CATEGORIES)
    cat_rows = []
    for u in units:
        per = (
            f.categories.get(u.code, {})
            if u is not f.total
            else {c: sum(f.categories.get(x.code, {}).get(c, 0) for x in f.units if not x.subtotal) for c in cats}
        )
        cat_rows.append([u.name, u.migrant, u.new_form, u.new_form_new, *[per.get(c, 0) for c in cats]])
    _table(
        book,
        "农民工和新就业形态",
        "农民工和新就业形态劳动者入会情况",
        subtitle,
        [],
        ["单位", "农民工会员", "新就业形态会员", "其中本期新入会", *cats],
        cat_rows,
        widths=[24, 11, 13, 14, *[11] * len(cats)],
        total_last=len(units) > 1,
    )
    kinds = list(choices.ORG_KINDS)
    kind_rows = []
    for u in units:
        per = (
            f.kinds.get(u.code, {})
            if u is not f.total
            else {k: sum(f.kinds.get(x.code, {}).get(k, 0) for x in f.units if not x.subtotal) for k in kinds}
        )
        kind_rows.append([u.name, *[per.get(k, 0) for k in kinds], sum(per.values())])
    sheet = _table(
        book,
        "组织类型和行业",
        "基层工会组织按类型统计",
        subtitle,
        [],
        ["单位", *kinds, "合计"],
        kind_rows,
        widths=[24, *[12] * len(kinds), 9],
        total_last=len(units) > 1,
    )
    industry_rows = [[unit_names.get(c, c), i, n, e, m] for c, i, n, e, m in f.industries]
    _block(
        sheet,
        sheet.max_row + 2,
        "基层工会组织按行业统计",
        ["单位", "所属行业", "组织数", "职工人数", "在册会员"],
        industry_rows,
    )
    if f.targets is not None:
        _targets_sheet(book, f.targets, subtitle)
    _status_sheet(book, f, units, subtitle)
    if f.composition:
        _composition_sheet(book, f, subtitle)
    return book


def _targets_sheet(book, p: targets.YearProgress, subtitle: str):
    """任务完成情况: each unit below (and the whole unit) against its targets of the year."""
    headers = ["单位代码", "单位名称"]
    for category in target_rules.CATEGORIES:
        short = target_rules.SHORT[category]
        headers += [f"{short}目标", f"{short}完成", f"{short}完成率"]
    rows = []
    for unit in [*p.below, p.unit]:
        name = f"{unit.name}合计" if unit is p.unit and p.below else unit.name
        row: list[Any] = [unit.code, name]
        for item in unit.progress():
            row += [item.target, item.done, item.rate]
        rows.append(row)
    notes = [
        f"说明：完成数为 {p.year} 年 1 月 1 日至 {p.through} 新入会的会员（按入会日期，不含已删除、已转出的记录）"
        "和新成立的工会组织；完成率 = 完成数 ÷ 目标数；没有目标的显示“—”。"
    ]
    if p.targets_summed:
        notes.append("本单位没有上级下达的目标，合计行的目标为各下属单位目标之和。")
    percent = {4 + 3 * i for i in range(len(target_rules.CATEGORIES))}
    ws = _table(
        book,
        "任务完成情况",
        f"{p.year} 年目标任务完成情况",
        subtitle,
        notes,
        headers,
        rows,
        widths=[12, 22, *[8, 8, 9] * len(target_rules.CATEGORIES)],
        percent_cols=percent,
        total_last=bool(p.below),
    )
    _charts(ws, p)
    return ws


def _charts(ws, p: targets.YearProgress) -> None:
    """Native charts under the table (Excel, WPS and LibreOffice draw them from cells): the whole
    unit's completion rate per category with a target, and new members month by month. Their
    numbers are written in two small tables beneath the charts."""
    from openpyxl.chart import BarChart, Reference

    anchor = ws.max_row + 2
    first = anchor + 17
    head = _styles()["head"]
    items = [item for item in p.unit.progress() if item.rate is not None]
    for column, label in ((1, "月份"), (2, "新入会会员"), (4, "类别"), (5, "完成率")):
        ws.cell(row=first, column=column, value=label).font = head
    for i, (month, n) in enumerate(p.months, start=1):
        ws.cell(row=first + i, column=1, value=month).data_type = "s"
        ws.cell(row=first + i, column=2, value=n)
    for i, item in enumerate(items, start=1):
        ws.cell(row=first + i, column=4, value=target_rules.SHORT[item.category])
        ws.cell(row=first + i, column=5, value=item.rate).number_format = "0.0%"
    for chart, column, count, title, anchor_cell in (
        (BarChart(), 5, len(items), f"{p.year} 年目标完成率（{p.unit.name}）", f"A{anchor}"),
        (BarChart(), 2, len(p.months), f"{p.year} 年每月新入会会员", f"H{anchor}"),
    ):
        if not count:
            continue
        chart.title = title
        chart.legend = None
        chart.height, chart.width = 7.5, 15
        chart.add_data(Reference(ws, min_col=column, min_row=first, max_row=first + count), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=column - 1, min_row=first + 1, max_row=first + count))
        if column == 5:
            chart.y_axis.numFmt = "0%"
            chart.y_axis.scaling.min = 0
        ws.add_chart(chart, anchor_cell)


def _status_sheet(book, f: Figures, units: list[UnitFigures], subtitle: str) -> None:
    """Records by membership status per unit (保留会籍 still hold membership)."""
    rows = []
    for u in units:
        if u is f.total:
            per = {
                s: sum(f.statuses.get(x.code, {}).get(s, 0) for x in f.units if not x.subtotal)
                for s in lifecycle.STATUSES
            }
        else:
            per = f.statuses.get(u.code, {})
        counts = [per.get(s, 0) for s in lifecycle.STATUSES]
        rows.append([u.name, *counts, sum(per.get(s, 0) for s in lifecycle.MEMBERS)])
    when = f"截至 {f.as_of}（按修改记录重建）" if f.as_of else "截至制表时"
    _table(
        book,
        "会籍状态",
        "会员会籍状态统计",
        subtitle,
        [f"说明：{when}各状态的记录数；会员合计 = 在册 + 保留会籍。"],
        ["单位", *lifecycle.STATUSES, "会员合计"],
        rows,
        widths=[24, *[10] * len(lifecycle.STATUSES), 11],
        total_last=len(units) > 1,
    )


def _composition_sheet(book, f: Figures, subtitle: str) -> None:
    """在册 members by the coded fields of the real-name record, one block per field."""
    sheet = None
    for field_ in coded.MEMBER_CODED:
        counts = f.composition.get(field_.key, {})
        rows: list[list[Any]] = [[value, counts.get(value, 0)] for value in field_.values]
        rows += [["未填", counts.get("", 0)], ["合计", sum(counts.values())]]
        if sheet is None:
            sheet = _table(
                book,
                "会员构成",
                "在册会员构成（实名制信息）",
                subtitle,
                [],
                [field_.label, "在册会员"],
                rows,
                widths=[20, 12],
                total_last=True,
            )
        else:
            _block(sheet, sheet.max_row + 2, f"按{field_.label}", [field_.label, "在册会员"], rows)


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="FF000000")
    return {
        "title": Font(name="宋体", size=16, bold=True),
        "sub": Font(name="宋体", size=10),
        "head": Font(name="宋体", size=11, bold=True),
        "body": Font(name="宋体", size=11),
        "fill": PatternFill("solid", fgColor="FFDDEBF7"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
    }


def _table(
    book,
    name: str,
    title: str,
    subtitle: str,
    notes: list[str],
    headers: Sequence[str],
    rows: list[list[Any]],
    *,
    widths: Sequence[float],
    percent_cols: AbstractSet[int] = frozenset(),
    total_last: bool = False,
):
    from openpyxl.utils import get_column_letter

    s = _styles()
    ws = book.create_sheet(name)
    ncols = len(headers)
    last = get_column_letter(ncols)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = title
    ws["A1"].font, ws["A1"].alignment = s["title"], s["center"]
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = subtitle
    ws["A2"].font, ws["A2"].alignment = s["sub"], s["left"]
    ws.row_dimensions[2].height = 30
    header_row = 3
    _write_rows(ws, header_row, headers, rows, percent_cols, total_last)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    row = header_row + len(rows) + 2
    for note in notes:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        cell = ws.cell(row=row, column=1, value=note)
        cell.font, cell.alignment = s["sub"], s["left"]
        ws.row_dimensions[row].height = 32
        row += 1
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return ws


def _write_rows(
    ws,
    header_row: int,
    headers: Sequence[str],
    rows: list[list[Any]],
    percent_cols=frozenset(),
    total_last: bool = False,
) -> None:
    s = _styles()
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(row=header_row, column=c, value=text)
        cell.font, cell.fill, cell.border, cell.alignment = s["head"], s["fill"], s["border"], s["center"]
    ws.row_dimensions[header_row].height = 32
    # Styling a cell makes openpyxl hash its font, border and alignment (about 0.1 ms a cell, ten
    # seconds for a city's thousands of organisations): each distinct look is styled once and its
    # style record copied to the other cells.
    looks: dict[tuple[bool, str], Any] = {}
    for r, values in enumerate(rows, start=header_row + 1):
        bold = total_last and r == header_row + len(rows)
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            percent = c - 1 in percent_cols
            if percent and value is None:
                value = "—"
            if isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # text stays text, even if it starts with '='
            else:
                cell.value = value
            kind = "percent" if percent else "number" if isinstance(value, (int, float)) else "text"
            look = looks.get((bold, kind))
            if look is not None:
                cell._style = copy(look)
                continue
            cell.font = s["head"] if bold else s["body"]
            cell.border = s["border"]
            if percent:
                cell.number_format = "0.0%"
                cell.alignment = s["center"]
            elif kind == "number":
                cell.number_format = "#,##0"
            looks[(bold, kind)] = cell._style


def _block(ws, row: int, title: str, headers: Sequence[str], rows: list[list[Any]]) -> None:
    s = _styles()
    cell = ws.cell(row=row, column=1, value=title)
    cell.font = s["head"]
    _write_rows(ws, row + 1, headers, rows or [["", "（无）", 0, 0, 0]])


def describe(period: Period) -> str:
    return f"{period.start} 至 {period.end}"
