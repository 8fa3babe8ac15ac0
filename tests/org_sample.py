"""A small fixed 小三级 township for the organisation and transfer tests (same every run)."""

from __future__ import annotations

from conftest import make_id

from clerk.domain import uscc
from clerk.registry import members, organisations
from clerk.store.store import Store


def code(n: int) -> str:
    """A valid credit code, different for each n."""
    return uscc.with_check_digit(f"91500101MA{n:07d}")


def township(store: Store) -> dict[str, int]:
    """Root -> 2 villages + 1 community -> 3 enterprises; members placed deterministically.

    青山村: 顺达快递 (86 employees), 石桥村: 石桥机械 (230), 滨江社区: 柳林家政 (20).
    Members on the roll: 顺达 3 (2 migrant, 1 courier), 石桥机械 2, 青山村 1, 柳林 1;
    one 石桥机械 member has left (退会) and does not count.
    """
    ids: dict[str, int] = {}
    ids["root"] = organisations.create(
        store, {"name": "测试镇总工会", "kind": "乡镇(街道)总工会", "region_code": "500101001"}
    )
    for key, name, kind in (
        ("qingshan", "青山村工会", "村(社区)工会"),
        ("shiqiao", "石桥村工会", "村(社区)工会"),
        ("binjiang", "滨江社区工会", "村(社区)工会"),
    ):
        ids[key] = organisations.create(store, {"name": name, "kind": kind, "parent_id": ids["root"]})
    for n, (key, name, parent, industry, employees) in enumerate(
        (
            ("shunda", "顺达快递有限公司工会", "qingshan", "快递物流", 86),
            ("jixie", "石桥机械制造有限公司工会", "shiqiao", "制造业", 230),
            ("jiazheng", "柳林家政服务中心工会", "binjiang", "家政服务", 20),
        ),
        start=1,
    ):
        ids[key] = organisations.create(
            store,
            {
                "name": name,
                "kind": "企业工会",
                "parent_id": ids[parent],
                "industry": industry,
                "employee_count": employees,
                "uscc": code(n),
            },
        )
    people = (
        ("张三", 11, "shunda", True, "快递员"),
        ("李四", 12, "shunda", True, None),
        ("王五", 13, "shunda", False, None),
        ("赵六", 14, "jixie", False, None),
        ("钱七", 15, "jixie", True, None),
        ("孙八", 16, "jixie", False, None),
        ("周九", 17, "qingshan", False, None),
        ("吴十", 18, "jiazheng", False, "家政服务员"),
    )
    for name, seq, org, migrant, new_form in people:
        ids[name] = members.register(
            store,
            {
                "name": name,
                "id_number": make_id("19900101", seq),
                "org_id": ids[org],
                "migrant": migrant,
                "new_form": new_form,
                "joined_on": "2024-03-01",
            },
        )
    members.change_status(store, ids["孙八"], "退会", "本人申请")
    return ids


def counts(store: Store) -> dict[str, int]:
    """Rows per table, to prove a refused action wrote nothing."""
    return {
        tbl: store.conn.execute(f"SELECT count(*) FROM {tbl}").fetchone()[0]
        for tbl in ("organisations", "members", "transfers", "journal")
    }
