"""Generated databases for the figures tests: members and organisations with random dates, flags,
statuses and units, written straight into the tables (fast), so every figure can be checked
against a plain recount in Python."""

from __future__ import annotations

import random
from dataclasses import dataclass

from conftest import make_id

from clerk.domain import choices
from clerk.store.store import Store, new_uid, now

TOWNSHIP_CODES = ("500101001", "500101002", "500101003")
STATUSES = ("在册", "在册", "在册", "转出", "退会", "已故")


@dataclass
class Person:
    unit_code: str
    org_id: int | None
    gender: str
    migrant: int
    new_form: str | None
    joined_on: str | None
    status: str
    deleted_at: str | None
    phone: str | None


def populate(store: Store, *, people: int = 400, orgs: int = 12, seed: int = 7, codes=TOWNSHIP_CODES) -> list[Person]:
    """Random organisations and members in the given units; returns the members as written."""
    rng = random.Random(seed)
    stamp = now()
    org_rows = []
    with store.write():
        for i in range(orgs):
            code = codes[i % len(codes)]
            founded = rng.choice([None, f"20{rng.randint(20, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])
            employees = rng.choice([None, rng.randint(3, 24), rng.randint(25, 300)])
            kind = rng.choice(["企业工会", "企业工会", "联合工会", "村(社区)工会", "社会组织工会"])
            cur = store.conn.execute(
                "INSERT INTO organisations (uid, unit_code, name, kind, founded_on, employee_count, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (new_uid(), code, f"第{i + 1}号单位工会", kind, founded, employees, stamp, stamp),
            )
            org_rows.append((cur.lastrowid, code))
        written = []
        for seq in range(people):
            org_id, code = rng.choice(org_rows) if rng.random() > 0.1 else (None, rng.choice(codes))
            birth = f"19{rng.randint(60, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
            number = make_id(birth, seq % 999 + 1, region="500101")
            gender = "男" if int(number[16]) % 2 else "女"
            p = Person(
                unit_code=code,
                org_id=org_id,
                gender=gender,
                migrant=int(rng.random() < 0.4),
                new_form=rng.choice([None, None, *choices.NEW_FORM_CATEGORIES]),
                joined_on=rng.choice(
                    [None, f"202{rng.randint(4, 6)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
                ),
                status=rng.choice(STATUSES),
                deleted_at=stamp if rng.random() < 0.05 else None,
                phone=rng.choice([None, f"139{rng.randint(0, 99999999):08d}", "13800000000"]),
            )
            store.conn.execute(
                "INSERT INTO members (uid, unit_code, name, id_number, gender, birth_date, birthplace_code, phone,"
                " org_id, migrant, new_form, joined_on, status, deleted_at, created_at, updated_at)"
                " VALUES (?, ?, '张三', ?, ?, ?, '500101', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new_uid(),
                    p.unit_code,
                    number,
                    p.gender,
                    f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
                    p.phone,
                    p.org_id,
                    p.migrant,
                    p.new_form,
                    p.joined_on,
                    p.status,
                    p.deleted_at,
                    stamp,
                    stamp,
                ),
            )
            written.append(p)
    return written
