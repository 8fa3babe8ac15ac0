"""Organisations: credit codes, field rules, the tree, moves, dissolving, counts and coverage
figures, against real SQLite files."""

from __future__ import annotations

import json

import pytest
from conftest import make_id
from hypothesis import given
from hypothesis import strategies as st
from org_sample import code, counts, township

from clerk.domain import organisation as rules
from clerk.domain import uscc
from clerk.registry import demo, members, organisations, transfers
from clerk.reports import coverage
from clerk.store.store import ServiceError, Store

# -- credit codes -------------------------------------------------------------------------------

REAL_LOOKING = code(1)


def test_a_valid_code_is_accepted_and_normalized():
    assert uscc.parse(REAL_LOOKING) == REAL_LOOKING
    spaced = " ".join(REAL_LOOKING[i : i + 6] for i in range(0, 18, 6)).lower()
    assert uscc.parse(spaced) == REAL_LOOKING
    full_width = REAL_LOOKING.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    assert uscc.parse(full_width) == REAL_LOOKING
    assert uscc.parse("") == ""


def test_the_stdnum_example_and_letter_authorities():
    assert uscc.parse("91110000600037341L") == "91110000600037341L"
    # Village collective economic organisations are registered by 农业农村 (N): stdnum's
    # validate() refuses the letter, GB 32100 allows it.
    body = "N2500101MA0000001"
    assert uscc.parse(body + uscc.with_check_digit(body)[-1])


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (REAL_LOOKING[:-1], "18 位，现在是 17 位"),
        (REAL_LOOKING[:-1] + ("0" if REAL_LOOKING[-1] != "0" else "1"), "校验位"),
        (REAL_LOOKING[:10] + "O" + REAL_LOOKING[11:], "不能含有“O”"),
        ("Z" + REAL_LOOKING[1:], "不能含有“Z”"),
        ("B" + REAL_LOOKING[1:], "第 1 位"),
        (REAL_LOOKING[:3] + "A" + REAL_LOOKING[4:], "行政区划代码"),
    ],
)
def test_bad_codes_say_what_is_wrong(raw, words):
    with pytest.raises(uscc.InvalidUscc, match=words):
        uscc.parse(raw)


BODY = st.tuples(
    st.sampled_from(uscc.AUTHORITIES),
    st.sampled_from(uscc.ALPHABET),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(uscc.ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(BODY)
def test_any_body_with_its_check_digit_is_valid(body):
    assert uscc.parse(uscc.with_check_digit(body)) == uscc.with_check_digit(body)


@given(BODY, st.integers(0, 17), st.sampled_from(uscc.ALPHABET))
def test_one_mistyped_character_is_always_caught(body, position, replacement):
    good = uscc.with_check_digit(body)
    bad = good[:position] + replacement + good[position + 1 :]
    if bad != good:
        assert not uscc.is_valid(bad)


def test_which_kinds_need_a_code():
    assert uscc.required_for("企业工会")
    assert not uscc.required_for("村(社区)工会")
    assert not uscc.required_for("乡镇(街道)总工会")
    assert not uscc.required_for("联合工会")


# -- field rules --------------------------------------------------------------------------------


def test_field_rules_in_chinese():
    clean, errors = rules.check(
        {
            "name": "  ",
            "kind": "公司",
            "region_code": "5001",
            "founded_on": "2999-01-01",
            "chair_phone": "123",
            "employee_count": "-3",
            "industry": "炼金",
        }
    )
    assert errors["name"] == "工会组织名称不能为空。"
    assert "组织类型请从列表中选择" in errors["kind"]
    assert "6、9 或 12 位" in errors["region_code"]
    assert errors["founded_on"] == "成立日期不能晚于今天。"
    assert "手机号应为 11 位" in errors["chair_phone"]
    assert errors["employee_count"] == "职工人数不能是负数。"
    assert "所属行业" in errors["industry"]


def test_field_values_are_cleaned():
    clean, errors = rules.check(
        {
            "name": "顺达快递（重庆）有限公司工会",
            "kind": "企业工会",
            "uscc": REAL_LOOKING.lower(),
            "founded_on": "2019年3月1日",
            "employee_count": "８６人",
            "chair_phone": "138 1234 5678",
        }
    )
    assert errors == {}
    assert clean["name"] == "顺达快递(重庆)有限公司工会"
    assert clean["uscc"] == REAL_LOOKING
    assert clean["founded_on"] == "2019-03-01"
    assert clean["employee_count"] == 86
    assert clean["chair_phone"] == "13812345678"


def test_an_enterprise_union_needs_a_code_a_village_does_not():
    assert "uscc" in rules.check({"name": "甲公司工会", "kind": "企业工会"})[1]
    assert rules.check({"name": "甲村工会", "kind": "村(社区)工会"})[1] == {}


# -- creating and editing -----------------------------------------------------------------------


@pytest.fixture
def town(store):
    return township(store)


def test_create_journals_the_record_with_its_parent_uid(store, town):
    row = store.conn.execute(
        "SELECT after FROM journal WHERE tbl = 'organisations' AND row_id = ?", (town["shunda"],)
    ).fetchone()
    after = json.loads(row["after"])
    parent_uid = store.conn.execute("SELECT uid FROM organisations WHERE id = ?", (town["qingshan"],)).fetchone()[0]
    assert after["name"] == "顺达快递有限公司工会"
    assert after["parent_uid"] == parent_uid
    assert after["uscc"] == code(1)
    assert "name_pinyin" not in after  # derived search keys stay out of sync files


def test_a_duplicate_code_is_refused_naming_the_holder_and_nothing_is_written(store, town):
    before = counts(store)
    with pytest.raises(organisations.DuplicateUscc) as refused:
        organisations.create(store, {"name": "另一家公司工会", "kind": "企业工会", "uscc": code(1).lower()})
    assert "顺达快递有限公司工会" in str(refused.value)
    assert f"编号 {town['shunda']}" in str(refused.value)
    assert counts(store) == before


def test_an_invalid_code_or_no_name_is_refused_and_nothing_is_written(store, town):
    before = counts(store)
    with pytest.raises(organisations.InvalidOrganisation, match="校验位"):
        organisations.create(store, {"name": "甲公司工会", "kind": "企业工会", "uscc": code(9)[:-1] + "0"})
    with pytest.raises(organisations.InvalidOrganisation, match="工会组织名称不能为空"):
        organisations.create(store, {"name": "", "kind": "村(社区)工会"})
    with pytest.raises(organisations.InvalidOrganisation, match="请选择组织类型"):
        organisations.create(store, {"name": "乙村工会"})
    assert counts(store) == before


def test_a_duplicate_active_name_is_refused(store, town):
    with pytest.raises(ServiceError, match="已有同名的工会组织"):
        organisations.create(store, {"name": "青山村工会", "kind": "村(社区)工会"})


def test_a_missing_or_dissolved_parent_is_refused(store, town):
    with pytest.raises(ServiceError, match="上级工会不存在"):
        organisations.create(store, {"name": "丙村工会", "kind": "村(社区)工会", "parent_id": 999})


def test_update_changes_and_journals_only_what_changed(store, town):
    values = organisations.form_values(organisations.get(store, town["shunda"]))
    changed = organisations.update(store, town["shunda"], {**values, "chair": "刘主席", "employee_count": "90"})
    assert set(changed) >= {"chair", "employee_count"}
    assert organisations.get(store, town["shunda"])["employee_count"] == 90
    assert organisations.update(store, town["shunda"], {**values, "chair": "刘主席", "employee_count": 90}) == {}
    entries = store.conn.execute(
        "SELECT count(*) FROM journal WHERE tbl = 'organisations' AND row_id = ? AND op = 'update'", (town["shunda"],)
    ).fetchone()[0]
    assert entries == 1


def test_renaming_keeps_the_picker_search_keys_current(store, town):
    values = organisations.form_values(organisations.get(store, town["jiazheng"]))
    organisations.update(store, town["jiazheng"], {**values, "name": "柳林家政公司工会"})
    assert organisations.choices_for(store, "lljzgs") == [(town["jiazheng"], "柳林家政公司工会")]


def test_picker_search_by_name_initials_and_pinyin(store, town):
    assert organisations.choices_for(store, "顺达") == [(town["shunda"], "顺达快递有限公司工会")]
    assert organisations.choices_for(store, "sdkd") == [(town["shunda"], "顺达快递有限公司工会")]
    assert organisations.choices_for(store, "SHUNDA") == [(town["shunda"], "顺达快递有限公司工会")]
    assert len(organisations.choices_for(store, "")) == 7
    # a name match ranks before a mere pinyin match
    assert organisations.choices_for(store, "村")[0][1].endswith("村工会")


def test_find_by_id_name_or_code(store, town):
    assert organisations.find(store, str(town["jixie"])) == town["jixie"]
    assert organisations.find(store, "石桥机械制造有限公司工会") == town["jixie"]
    assert organisations.find(store, code(2)) == town["jixie"]
    with pytest.raises(ServiceError, match="名称相近的有：石桥村工会"):
        organisations.find(store, "石桥")


# -- the tree -----------------------------------------------------------------------------------


def test_tree_has_counts_and_villages_first(store, town):
    (root,) = organisations.tree(store)
    assert root.name == "测试镇总工会"
    assert [c.name for c in root.children] == ["滨江社区工会", "石桥村工会", "青山村工会"]
    by_name = {}
    stack = [root]
    while stack:
        node = stack.pop()
        by_name[node.name] = node
        stack.extend(node.children)
    shunda = by_name["顺达快递有限公司工会"]
    assert (shunda.members, shunda.migrant, shunda.new_form, shunda.employees) == (3, 2, 1, 86)
    assert by_name["石桥机械制造有限公司工会"].members == 2  # 孙八 left: not counted
    assert by_name["青山村工会"].members == 1
    assert by_name["青山村工会"].total_members == 4
    assert root.total_members == 7


def test_move_under_another_parent_is_journaled(store, town):
    assert organisations.move(store, town["shunda"], town["shiqiao"])
    assert organisations.get(store, town["shunda"])["parent_name"] == "石桥村工会"
    entry = store.conn.execute(
        "SELECT before, after FROM journal WHERE tbl = 'organisations' AND row_id = ? ORDER BY seq DESC",
        (town["shunda"],),
    ).fetchone()
    assert json.loads(entry["before"])["parent_id"] == town["qingshan"]
    assert json.loads(entry["after"])["parent_id"] == town["shiqiao"]
    assert not organisations.move(store, town["shunda"], town["shiqiao"])  # already there


def test_a_move_that_would_make_a_cycle_is_refused_and_nothing_is_written(store, town):
    before = counts(store)
    with pytest.raises(ServiceError, match="会形成循环"):
        organisations.move(store, town["qingshan"], town["shunda"])  # under its own child
    with pytest.raises(ServiceError, match="会形成循环"):
        organisations.move(store, town["root"], town["jixie"])  # under a grandchild
    with pytest.raises(ServiceError, match="会形成循环"):
        organisations.move(store, town["shunda"], town["shunda"])
    values = organisations.form_values(organisations.get(store, town["qingshan"]))
    with pytest.raises(ServiceError, match="会形成循环"):
        organisations.update(store, town["qingshan"], {**values, "parent_id": town["shunda"]})
    assert counts(store) == before
    assert organisations.get(store, town["qingshan"])["parent_id"] == town["root"]


# -- dissolving ---------------------------------------------------------------------------------


def test_dissolving_with_members_is_refused_offering_a_transfer(store, town):
    before = counts(store)
    with pytest.raises(organisations.HasMembers) as refused:
        organisations.dissolve(store, town["shunda"], "2025-01-01")
    assert "还有 3 名在册会员" in str(refused.value)
    assert "转接" in str(refused.value)
    assert counts(store) == before


def test_dissolving_with_active_children_is_refused(store, town):
    with pytest.raises(ServiceError, match="下面还有下级工会（滨江社区工会、石桥村工会、青山村工会）"):
        organisations.dissolve(store, town["root"])


def test_dissolve_after_moving_the_members_out(store, town):
    moved = transfers.transfer_all(store, town["shunda"], town["qingshan"], "2025-01-01", "企业关闭")
    assert moved == 3
    organisations.dissolve(store, town["shunda"], "2025-01-02")
    record = organisations.get(store, town["shunda"])
    assert (record["status"], record["dissolved_on"]) == ("已撤销", "2025-01-02")
    # gone from pickers and from the coverage figures; kept in the full tree
    assert town["shunda"] not in dict(organisations.choices_for(store, ""))
    assert all(o.id != town["shunda"] for o in coverage.summary(store).per_org)
    with pytest.raises(members.InvalidMember, match="已撤销"):
        members.register(store, {"name": "新人", "id_number": make_id(seq=99), "org_id": town["shunda"]})
    with pytest.raises(ServiceError, match="已撤销，不能作为上级工会"):
        organisations.create(store, {"name": "子工会", "kind": "联合工会", "parent_id": town["shunda"]})
    # the code stays taken by the dissolved record, and the message says it can be restored
    with pytest.raises(organisations.DuplicateUscc, match="已撤销，可恢复该记录"):
        organisations.create(store, {"name": "顺达新工会", "kind": "企业工会", "uscc": code(1)})
    organisations.reinstate(store, town["shunda"])
    assert organisations.get(store, town["shunda"])["status"] == "正常"


# -- counts and coverage ------------------------------------------------------------------------


def test_the_kept_counts_always_equal_a_recount(store, town):
    transfers.transfer(store, town["张三"], town["jixie"], "2025-01-01")
    members.change_status(store, town["李四"], "已故")
    members.delete(store, town["王五"], "重复录入")
    values = members.form_values(members.get(store, town["赵六"]))
    members.update(store, town["赵六"], {**values, "migrant": True, "new_form": "快递员"})
    members.register(store, {"name": "无组织", "id_number": make_id(seq=77)})
    kept = organisations.member_counts(store)
    organisations.recount(store)
    assert organisations.member_counts(store) == kept
    assert kept[town["jixie"]] == (3, 3, 2)  # 张三 came, 赵六 became migrant + courier
    assert kept[None] == (1, 0, 0)


def test_coverage_summary(store, town):
    s = coverage.summary(store)
    assert s.organisations == 7
    assert dict(s.by_kind) == {
        "乡镇(街道)总工会": 1,
        "村(社区)工会": 3,
        "企业工会": 3,
        "联合工会": 0,
        "行业工会联合会": 0,
        "区域性工会联合会": 0,
        "机关事业单位工会": 0,
        "社会组织工会": 0,
    }
    assert s.by_industry[-1] == ("未填行业", 4)
    assert dict(s.by_industry)["快递物流"] == 1
    assert (s.members, s.migrant, s.new_form, s.unassigned) == (7, 3, 2, 0)
    # 25+ employees: 石桥机械 (230) and 顺达 (86); 柳林家政 (20) is below the line
    assert [o.name for o in s.big] == ["石桥机械制造有限公司工会", "顺达快递有限公司工会"]
    assert (s.big_employees, s.big_members) == (316, 5)
    assert s.big_rate_label == "1.6%"
    assert s.big[1].rate_label == "3.5%"
    per_org = {o.name: (o.members, o.migrant, o.new_form) for o in s.per_org}
    assert per_org["顺达快递有限公司工会"] == (3, 2, 1)
    assert per_org["柳林家政服务中心工会"] == (1, 0, 1)


def test_coverage_of_an_empty_township(store):
    s = coverage.summary(store)
    assert (s.organisations, s.members, s.big, s.big_rate_label) == (0, 0, [], "—")


def test_the_demo_township_still_builds(tmp_path):
    store = Store(tmp_path / "demo.db")
    demo.build(store, count=30)
    (root,) = organisations.tree(store)
    assert (
        root.total_members
        == store.conn.execute("SELECT count(*) FROM members WHERE status = '在册' AND org_id IS NOT NULL").fetchone()[0]
    )
    assert all(uscc.is_valid(r[0]) for r in store.conn.execute("SELECT uscc FROM organisations WHERE uscc IS NOT NULL"))
    store.close()
