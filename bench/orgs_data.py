"""A township database with 5,000 organisations and 1,000,000 members, for bench/orgs.py.

Rows go in with executemany inside one transaction (minutes via the services, seconds here).
Names come from a small pool whose pinyin keys are computed once; the name-search grams are
left out (the organisation screens never read them). The file is cached in /tmp and rebuilt
when schema.sql changes.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from clerk.domain import choices, idcard, names, uscc
from clerk.registry import setup
from clerk.store import db
from clerk.store.store import Store, new_uid

ORGS = 5_000
MEMBERS = 1_000_000
VILLAGES = 100
SEED = 4
DATA_VERSION = 2  # bump when the generated data changes


def cache_path(orgs: int = ORGS, members: int = MEMBERS) -> Path:
    digest = hashlib.sha1(db.schema_sql().encode()).hexdigest()[:8]
    return Path(tempfile.gettempdir()) / "clerk-bench" / f"orgs-{orgs}-{members}-v{DATA_VERSION}-{digest}.db"


def build(path: Path, orgs: int = ORGS, members: int = MEMBERS) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    store = Store(tmp)
    setup.set_up(store, "500101001", "基准镇总工会", "基准")
    rng = random.Random(SEED)
    stamp = "2026-01-01T00:00:00"
    conn = store.conn

    org_rows = []
    kinds = ["企业工会"] * 8 + ["联合工会", "社会组织工会", "机关事业单位工会", "行业工会联合会"]

    def org(oid: int, name: str, kind: str, parent: int | None, industry=None, employees=None, code=None):
        full, initials = names.pinyin_keys(name)
        org_rows.append(
            (oid, new_uid(), "500101001", name, code, kind, parent, industry, employees, full, initials, stamp, stamp)
        )

    org(1, "基准镇总工会", "乡镇(街道)总工会", None)
    for v in range(VILLAGES):
        org(2 + v, f"第{v + 1}村工会联合会" if v % 5 else f"第{v + 1}社区工会", "村(社区)工会", 1)
    for e in range(VILLAGES + 2, orgs + 1):
        kind = rng.choice(kinds)
        code = uscc.with_check_digit(f"91500101MA{e:07d}") if kind in uscc.REQUIRED_KINDS else None
        org(
            e,
            f"基准企业{e:05d}有限公司工会",
            kind,
            rng.randint(2, VILLAGES + 1),
            rng.choice(choices.INDUSTRIES),
            # about as many members as employees on average (members are spread evenly)
            int(rng.uniform(0.5, 3.0) * members / orgs),
            code,
        )

    pool = []
    for _ in range(3000):
        name = rng.choice("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗") + "".join(
            rng.choice("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚") for _ in range(rng.choice((1, 2)))
        )
        pool.append((name, *names.pinyin_keys(name)))

    def member_rows():
        seen: set[str] = set()
        day0 = date(1965, 1, 1)
        n = 0
        while n < members:
            born = day0 + timedelta(days=rng.randint(0, 365 * 38))
            number = idcard.with_check_digit(f"500101{born:%Y%m%d}{rng.randint(1, 999):03d}")
            if number in seen:
                continue
            seen.add(number)
            n += 1
            name, full, initials = rng.choice(pool)
            new_form = rng.choice(choices.NEW_FORM_CATEGORIES) if rng.random() < 0.2 else None
            status = "在册" if rng.random() < 0.97 else rng.choice(("转出", "退会"))
            yield (
                n,
                new_uid(),
                "500101001",
                name,
                number,
                "男" if int(number[16]) % 2 else "女",
                born.isoformat(),
                "500101",
                rng.randint(2, orgs),
                int(rng.random() < 0.4),
                new_form,
                "2024-01-01",
                status,
                full,
                initials,
                stamp,
                stamp,
            )

    with db.transaction(conn):
        conn.executemany(
            "INSERT INTO organisations (id, uid, unit_code, name, uscc, kind, parent_id, industry, employee_count,"
            " name_pinyin, name_initials, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            org_rows,
        )
        conn.executemany(
            "INSERT INTO members (id, uid, unit_code, name, id_number, gender, birth_date, birthplace_code, org_id,"
            " migrant, new_form, joined_on, status, name_pinyin, name_initials, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            member_rows(),
        )
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    tmp.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    print(f"built {path} in {time.perf_counter() - started:.0f} s")
    return path
