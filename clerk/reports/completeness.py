"""The data check (数据检查): what is missing or doubtful in the records, and how complete each
organisation's records are.

Member problems (members on the roll only): no phone, no join date, in no organisation, and one
phone shared by SHARED_PHONE or more members (a roster padded with the employer's own number).
Organisation problems (active organisations): more members than employees, a union with no member
in it or below it, an enterprise union with no employee count (it cannot count toward 建会率/入会率).
A member's record is complete when it has a phone of its own, a join date and an organisation;
an organisation's completeness is the share of its members whose records are complete.

Every query here runs on SQLite and on the PostgreSQL hub (? placeholders through the hub's
ReportSource), so the report can carry the completeness of every organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clerk.domain import choices, idcard
from clerk.domain import organisation as rules
from clerk.store import files, folders
from clerk.store.store import now

SHARED_PHONE = 3  # members sharing one phone before it counts as a padded roster

NO_PHONE, NO_JOIN_DATE, NO_ORG, SHARED = "缺手机号", "缺入会日期", "未归属工会组织", "手机号多人共用"
MEMBER_PROBLEMS = (NO_PHONE, NO_JOIN_DATE, NO_ORG, SHARED)
OVER_EMPLOYEES, EMPTY, NO_EMPLOYEES = "会员多于职工人数", "没有会员", "企业工会未填职工人数"
ORG_PROBLEMS = (OVER_EMPLOYEES, EMPTY, NO_EMPLOYEES)
PROBLEMS = MEMBER_PROBLEMS + ORG_PROBLEMS

_LIVE = "status = ? AND deleted_at IS NULL"
_SHARED_PHONES = (
    "SELECT phone FROM members WHERE status = ? AND deleted_at IS NULL AND phone IS NOT NULL AND phone != ''"
    " GROUP BY phone HAVING count(*) >= ?"
)


@dataclass
class OrgCompleteness:
    org_id: int | None  # None: members in no organisation
    name: str
    kind: str
    unit_code: str
    employees: int | None = None
    members: int = 0
    complete: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # member problem -> members
    problems: list[str] = field(default_factory=list)  # organisation problems

    @property
    def rate(self) -> float | None:
        return self.complete / self.members if self.members else None

    @property
    def rate_label(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.1%}"

    @property
    def open(self) -> int:
        return sum(self.counts.values()) + len(self.problems)


@dataclass
class CheckResult:
    counts: dict[str, int]  # problem -> members (member problems) or organisations
    per_org: list[OrgCompleteness]  # worst first
    members: int  # on the roll
    complete: int
    shared_phones: list[tuple[str, int]]  # phone, members; most shared first

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rate(self) -> float | None:
        return self.complete / self.members if self.members else None

    def org(self, org_id: int | None) -> OrgCompleteness | None:
        return next((o for o in self.per_org if o.org_id == org_id), None)


def _per_org_counts(source: Any) -> dict[int | None, list[int]]:
    """org_id -> [members, no phone, no join date, shared phone, complete] in one pass."""
    rows = source.conn.execute(
        f"""
        WITH shared AS ({_SHARED_PHONES})
        SELECT m.org_id, count(*),
               count(*) FILTER (WHERE m.phone IS NULL OR m.phone = ''),
               count(*) FILTER (WHERE m.joined_on IS NULL OR m.joined_on = ''),
               count(*) FILTER (WHERE s.phone IS NOT NULL),
               count(*) FILTER (WHERE m.phone IS NOT NULL AND m.phone != '' AND s.phone IS NULL
                                AND m.joined_on IS NOT NULL AND m.joined_on != '' AND m.org_id IS NOT NULL)
        FROM members m LEFT JOIN shared s ON s.phone = m.phone
        WHERE m.status = ? AND m.deleted_at IS NULL
        GROUP BY m.org_id
        """,
        (choices.LIVE, SHARED_PHONE, choices.LIVE),
    )
    return {r[0]: [int(x) for x in r[1:]] for r in rows}


def check(source: Any) -> CheckResult:
    """Every problem the records have, counted, and the completeness of each organisation."""
    counts = _per_org_counts(source)
    orgs: dict[int | None, OrgCompleteness] = {}
    parents: dict[int, int | None] = {}
    for org_id, name, kind, code, employees, parent_id in source.conn.execute(
        "SELECT id, name, kind, unit_code, employee_count, parent_id FROM organisations WHERE status = ?",
        (rules.ACTIVE,),
    ):
        orgs[org_id] = OrgCompleteness(org_id, name, kind, code, employees)
        parents[org_id] = parent_id
    unit = source.require_unit()
    for org_id, (members, no_phone, no_date, shared, complete) in counts.items():
        o = orgs.get(org_id)
        if o is None:  # no organisation, or a dissolved one: the members still need one
            o = orgs.setdefault(None, OrgCompleteness(None, "（未归属工会组织）", "", unit.code))
        o.members += members
        o.complete += complete
        for problem, n in ((NO_PHONE, no_phone), (NO_JOIN_DATE, no_date), (SHARED, shared)):
            if n:
                o.counts[problem] = o.counts.get(problem, 0) + n
    if None in orgs and orgs[None].members:
        orgs[None].counts[NO_ORG] = orgs[None].members
    _org_problems(orgs, parents)
    totals = dict.fromkeys(PROBLEMS, 0)
    for o in orgs.values():
        for problem, n in o.counts.items():
            totals[problem] += n
        for problem in o.problems:
            totals[problem] += 1
    shared_phones = [
        (r[0], int(r[1]))
        for r in source.conn.execute(
            f"SELECT phone, count(*) FROM members WHERE {_LIVE} AND phone IN ({_SHARED_PHONES})"
            " GROUP BY phone ORDER BY count(*) DESC, phone",
            (choices.LIVE, choices.LIVE, SHARED_PHONE),
        )
    ]
    per_org = sorted(
        (o for o in orgs.values() if o.members or o.problems),
        key=lambda o: (-o.open, o.rate if o.rate is not None else 2, o.unit_code, o.name),
    )
    return CheckResult(
        counts=totals,
        per_org=per_org,
        members=sum(o.members for o in orgs.values()),
        complete=sum(o.complete for o in orgs.values()),
        shared_phones=shared_phones,
    )


def _org_problems(orgs: dict[int | None, OrgCompleteness], parents: dict[int, int | None]) -> None:
    with_members: set[int] = set()
    for org_id, o in orgs.items():
        node = org_id
        while node is not None and node not in with_members and o.members:
            with_members.add(node)
            node = parents.get(node)
    for org_id, o in orgs.items():
        if org_id is None:
            continue
        if o.employees is not None and o.members > o.employees:
            o.problems.append(OVER_EMPLOYEES)
        if org_id not in with_members:
            o.problems.append(EMPTY)
        if o.kind == rules.ENTERPRISE_KIND and o.employees is None:
            o.problems.append(NO_EMPLOYEES)


def open_problems(source: Any) -> int:
    """How many problems are open (the warning on export)."""
    return check(source).total


# -- one organisation's problem members -----------------------------------------------------------


@dataclass(frozen=True)
class MemberIssue:
    member_id: int
    name: str
    id_number: str
    phone: str
    joined_on: str
    job: str
    problems: tuple[str, ...]

    @property
    def id_masked(self) -> str:
        return idcard.mask(self.id_number)


def member_issues(source: Any, org_id: int | None, limit: int | None = None) -> list[MemberIssue]:
    """The members on the roll of one organisation (None: of none) whose records have a problem."""
    where = "m.org_id IS NULL" if org_id is None else "m.org_id = ?"
    sql = f"""
        WITH shared AS ({_SHARED_PHONES})
        SELECT m.id, m.name, m.id_number, coalesce(m.phone, ''), coalesce(m.joined_on, ''), coalesce(m.job, ''),
               s.phone IS NOT NULL
        FROM members m LEFT JOIN shared s ON s.phone = m.phone
        WHERE m.status = ? AND m.deleted_at IS NULL AND {where}
          AND (m.phone IS NULL OR m.phone = '' OR m.joined_on IS NULL OR m.joined_on = '' OR s.phone IS NOT NULL
               OR m.org_id IS NULL)
        ORDER BY m.id
    """
    params: tuple[Any, ...] = (choices.LIVE, SHARED_PHONE, choices.LIVE) + (() if org_id is None else (org_id,))
    out = []
    for member_id, name, number, phone, joined, job, shared in source.conn.execute(sql, params):
        problems = []
        if not phone:
            problems.append(NO_PHONE)
        elif shared:
            problems.append(SHARED)
        if not joined:
            problems.append(NO_JOIN_DATE)
        if org_id is None:
            problems.append(NO_ORG)
        out.append(MemberIssue(member_id, name, number, phone, joined, job, tuple(problems)))
        if limit is not None and len(out) >= limit:
            break
    return out


def _safe_name(name: str) -> str:
    return "".join(c for c in name if c not in '\\/:*?"<>|').strip() or "工会"


def default_path(store: Any, org_name: str) -> Path:
    return folders.exports_dir(store) / f"{_safe_name(org_name)}_信息问题清单_{now()[:10]}.xlsx"


def write_org_report(store: Any, org_id: int | None, out: str | Path | None = None, *, force: bool = False) -> Path:
    """The organisation's own problems as an .xlsx to send back to the employer: its members with
    something missing or doubtful (full ID numbers: it is the employer's own roster), what to fill
    in, and the organisation's own problems at the top."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    result = check(store)
    org = result.org(org_id) or OrgCompleteness(org_id, "", "", "")
    if org_id is not None and not org.name:
        row = store.conn.execute("SELECT name FROM organisations WHERE id = ?", (org_id,)).fetchone()
        org.name = row[0] if row else str(org_id)
    issues = member_issues(store, org_id)
    target = Path(out).absolute() if out else default_path(store, org.name)
    if target.is_dir():
        target = target / default_path(store, org.name).name
    book = Workbook()
    ws = book.worksheets[0]
    ws.title = "待补充信息"
    ws.append([f"{org.name} 会员信息问题清单（{now()[:10]}）"])
    ws["A1"].font = Font(size=14, bold=True)
    ws.append(
        [
            f"在册会员 {org.members} 人，信息完整 {org.complete} 人（{org.rate_label}）。"
            "请在表中补充或更正后发回工会；“手机号多人共用”请填写会员本人的手机号。"
        ]
    )
    for problem in org.problems:
        ws.append([f"单位问题：{problem}" + (f"（职工人数 {org.employees}）" if problem == OVER_EMPLOYEES else "")])
    ws.append([])
    header = ["姓名", "身份证号码", "手机号码", "入会日期", "岗位/工种", "问题"]
    ws.append(header)
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFDDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for issue in issues:
        ws.append([issue.name, issue.id_number, issue.phone, issue.joined_on, issue.job, "、".join(issue.problems)])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # text stays text: IDs keep their digits, nothing becomes a formula
    for letter, width in zip("ABCDEF", (10, 22, 15, 12, 14, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{head_row + 1}"
    with files.replacing(target, force=force) as tmp:
        book.save(tmp)
    return target
