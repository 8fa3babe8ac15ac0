"""Township and district databases for the sync tests (real SQLite files under tmp_path)."""

from __future__ import annotations

from pathlib import Path

from conftest import make_id

from clerk.registry import members, organisations, setup
from clerk.store.store import Store
from clerk.sync import format as sync_format

DISTRICT = ("500101", "测试区总工会", "区县经办人")
TOWNSHIPS = [
    ("500101001", "青山镇总工会", "青山经办人"),
    ("500101002", "石桥镇总工会", "石桥经办人"),
    ("500101003", "柳林街道总工会", "柳林经办人"),
]


def make_unit(tmp_path: Path, code: str, name: str, clerk: str) -> Store:
    store = Store(tmp_path / f"{code}.db")
    setup.set_up(store, code, name, clerk)
    return store


def make_township(tmp_path: Path, index: int = 0, *, orgs: int = 2) -> tuple[Store, list[int]]:
    """A township with a root union and `orgs` enterprise unions under it."""
    code, name, clerk = TOWNSHIPS[index]
    store = make_unit(tmp_path, code, name, clerk)
    root = organisations.create(store, {"name": name, "kind": "乡镇(街道)总工会"})
    ids = [root]
    for i in range(orgs):
        ids.append(
            organisations.create(
                store,
                {
                    "name": f"{name[:2]}第{i + 1}快递有限公司工会",
                    "kind": "企业工会",
                    "parent_id": root,
                    "industry": "快递物流",
                    "employee_count": 30 + 10 * i,
                    "uscc": _uscc(index * 10 + i),
                },
            )
        )
    return store, ids


def _uscc(i: int) -> str:
    from stdnum.cn import uscc

    body = f"91500101MA{70000 + i:05d}X{i % 10}"[:17]
    return body + uscc.calc_check_digit(body)


def make_district(tmp_path: Path) -> Store:
    return make_unit(tmp_path, *DISTRICT)


def person(seq: int, **extra) -> dict:
    birth = f"19{70 + seq % 30:02d}0{1 + seq % 9}1{seq % 10}"
    return {
        "name": NAMES[seq % len(NAMES)],
        "id_number": make_id(birth, seq % 999 + 1),
        "phone": f"138{seq:08d}",
        "joined_on": "2026-03-01",
        **extra,
    }


NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "徐明", "孙丽"]


def register(store: Store, seq: int, org_id: int | None = None, **extra) -> int:
    return members.register(store, person(seq, org_id=org_id, **extra))


def records(store: Store, tbl: str = "members") -> dict[str, dict]:
    """uid -> the record as a sync file carries it (organisation and parent by uid)."""
    if tbl == "members":
        keys = sync_format.COMPARED["members"]
        sql = "SELECT m.*, o.uid AS org_uid FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
    else:
        keys = sync_format.COMPARED["organisations"]
        sql = "SELECT g.*, p.uid AS parent_uid FROM organisations g LEFT JOIN organisations p ON p.id = g.parent_id"
    return {r["uid"]: {k: r[k] for k in keys} for r in store.conn.execute(sql)}
