"""Coverage figures (建会入会情况): unions by kind and industry, members per organisation, and
the enterprises with 25 or more employees with their membership rate (members / employees).

Members are counted when on the roll (在册, not deleted). Only 企业工会 count as enterprises: a
joint union's employee count spans many employers, and a village union's is not an employer's.
Everything comes from the per-organisation counts the database keeps (org_member_counts) and
one read of the organisations, so it costs the same with 1,000 members as with 1,000,000.
"""

from __future__ import annotations

from dataclasses import dataclass

from clerk.domain import choices
from clerk.domain import organisation as rules
from clerk.registry import organisations
from clerk.store.store import Store

NO_INDUSTRY = "未填行业"


@dataclass(frozen=True)
class OrgFigures:
    id: int
    name: str
    kind: str
    industry: str | None
    employees: int | None
    members: int
    migrant: int
    new_form: int

    @property
    def rate(self) -> float | None:
        return rules.membership_rate(self.members, self.employees)

    @property
    def rate_label(self) -> str:
        return rules.rate_label(self.rate)


@dataclass(frozen=True)
class Summary:
    organisations: int  # active
    by_kind: list[tuple[str, int]]  # every kind, in the listed order
    by_industry: list[tuple[str, int]]  # industries in use, most unions first
    members: int  # on the roll, whole township
    migrant: int
    new_form: int
    unassigned: int  # on the roll but in no organisation
    per_org: list[OrgFigures]  # active organisations, most members first
    big: list[OrgFigures]  # enterprises with >= 25 employees, largest first

    @property
    def big_employees(self) -> int:
        return sum(o.employees or 0 for o in self.big)

    @property
    def big_members(self) -> int:
        return sum(o.members for o in self.big)

    @property
    def big_rate(self) -> float | None:
        return rules.membership_rate(self.big_members, self.big_employees)

    @property
    def big_rate_label(self) -> str:
        return rules.rate_label(self.big_rate)


def summary(store: Store) -> Summary:
    counts = organisations.member_counts(store)
    per_org = []
    for r in store.conn.execute(
        "SELECT id, name, kind, industry, employee_count FROM organisations WHERE status = ?", (rules.ACTIVE,)
    ):
        m, mig, nf = counts.get(r[0], (0, 0, 0))
        per_org.append(OrgFigures(r[0], r[1], r[2], r[3], r[4], m, mig, nf))
    per_org.sort(key=lambda o: (-o.members, o.name))

    kinds = dict.fromkeys(choices.ORG_KINDS, 0)
    industries: dict[str, int] = {}
    for o in per_org:
        kinds[o.kind] = kinds.get(o.kind, 0) + 1
        label = o.industry or NO_INDUSTRY
        industries[label] = industries.get(label, 0) + 1

    big = [o for o in per_org if o.kind == rules.ENTERPRISE_KIND and (o.employees or 0) >= rules.BIG_ENTERPRISE]
    big.sort(key=lambda o: (-(o.employees or 0), o.name))
    totals = [sum(v[i] for v in counts.values()) for i in range(3)]
    return Summary(
        organisations=len(per_org),
        by_kind=list(kinds.items()),
        by_industry=sorted(industries.items(), key=lambda kv: (kv[0] == NO_INDUSTRY, -kv[1], kv[0])),
        members=totals[0],
        migrant=totals[1],
        new_form=totals[2],
        unassigned=counts.get(None, (0, 0, 0))[0],
        per_org=per_org,
        big=big,
    )
