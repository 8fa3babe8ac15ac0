"""The real-name fields through the form's rules and the roster importer, in the spellings rosters use."""

from __future__ import annotations

import pytest
from conftest import make_id
from roster_sample import run, write_csv, write_xlsx

from clerk.domain import checker, idcard
from clerk.registry import members
from clerk.store.store import ServiceError

HK = idcard.with_check_digit("81000019920505005")

HEADER = ["序号", "姓名", "公民身份号码", "证件类型", "文化程度", "政治面貌", "户口性质", "就业状态", "职业技能等级"]
HEADER += ["入会方式", "入会地点", "是否农民工"]


def test_the_form_rules_take_only_the_lists_values(store):
    member = {"name": "张伟", "id_number": make_id(seq=1), "education": "大学专科", "household": "农业"}
    mid = members.register(store, {**member, "political": "中共党员", "join_method": "扫码", "migrant": False})
    record = members.get(store, mid)
    assert (record["education"], record["political"], record["join_method"]) == ("大学专科", "中共党员", "扫码")
    assert record["migrant"] == 1 and record["id_kind"] == "居民身份证"  # 农业 decides 农民工
    with pytest.raises(ServiceError, match="学历：学历请从列表中选择：博士研究生"):
        members.register(store, {"name": "王芳", "id_number": make_id(seq=2), "education": "大专"})
    with pytest.raises(ServiceError, match="证件类型填的是居民身份证，但这个号码是港澳居民居住证的号码"):
        members.register(store, {"name": "陈静", "id_number": HK, "id_kind": "居民身份证"})
    permit = members.register(store, {"name": "陈静", "id_number": HK})
    assert members.get(store, permit)["id_kind"] == "港澳居民居住证"
    assert members.get(store, permit)["birthplace"] == "香港"
    checked = checker.check_member(
        {"name": "李娜", "id_number": make_id(seq=3), "household": "非农业", "migrant": "是"}
    )
    assert checked.ok and checked.get("migrant") == 0


@pytest.mark.parametrize("writer", [write_xlsx, write_csv])
def test_a_roster_with_the_record_columns_in_their_usual_spellings(store, tmp_path, writer):
    rows = [
        HEADER,
        [
            1,
            "张伟",
            make_id(seq=1),
            "身份证",
            "大专",
            "党员",
            "农村户口",
            "在职",
            "四级",
            "扫码入会",
            "工作所在地",
            "否",
        ],
        [2, "陈静", HK, "港澳居住证", "本科", "群众", "", "", "", "集体入会", "", ""],
        [3, "王芳", make_id(seq=2), "二代身份证", "大专以上", "团员", "城镇户口", "已退休", "", "", "户籍地", "是"],
        [4, "李娜", idcard.with_check_digit("81000119920505006"), "居民身份证"],
    ]
    path = tmp_path / ("r.xlsx" if writer is write_xlsx else "r.csv")
    written = writer(path, {"花名册": rows}) if writer is write_xlsx else writer(path, rows)
    plan, _ = run(store, written, commit=True)
    assert plan.counts["new"] == 3 and plan.counts["rejected"] == 1
    (rejected,) = plan.by_kind("rejected")
    assert rejected.name == "李娜" and "证件类型填的是居民身份证，但这个号码是港澳居民居住证的号码" in rejected.reason
    warnings = [p.reason for p in plan.by_kind("warning")]
    assert any("学历“大专以上”不在列表中（博士研究生" in w for w in warnings)

    def stored(name):
        return store.conn.execute(
            "SELECT id_kind, education, political, household, employment_status, skill_level, join_method,"
            " join_place, migrant, birthplace_code FROM members WHERE name = ?",
            (name,),
        ).fetchone()

    assert tuple(stored("张伟")) == (
        "居民身份证",
        "大学专科",
        "中共党员",
        "农业",
        "在岗",
        "中级工",
        "扫码",
        "工作地",
        1,
        "500101",
    )
    assert tuple(stored("陈静")) == ("港澳居民居住证", "大学本科", "群众", None, None, None, "集体登记", None, 0, "")
    # 城镇户口 is 非农业: not a 农民工 whatever the roster's own column says.
    assert tuple(stored("王芳")) == (
        "居民身份证",
        None,
        "共青团员",
        "非农业",
        "退休",
        None,
        None,
        "户籍输出地",
        0,
        "500101",
    )


def test_an_import_fills_in_the_record_fields_of_existing_members(store, tmp_path):
    mid = members.register(store, {"name": "张伟", "id_number": make_id(seq=1), "education": "初中"})
    rows = [["姓名", "身份证号", "学历", "政治面貌"], ["张伟", make_id(seq=1), "中专", "预备党员"]]
    plan, _ = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows}), commit=True, update_existing=True)
    assert plan.counts["updated"] == 1
    record = members.get(store, mid)
    assert (record["education"], record["political"]) == ("中专", "中共预备党员")
    assert any("学历：初中 → 中专" in c.summary for c in members.history(store, mid))
