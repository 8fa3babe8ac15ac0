"""The one row checker (clerk.domain.checker): the form, the importer and the merge's receiver
checks give the same answers because they call the same rules."""

from __future__ import annotations

import pytest
from conftest import make_id
from hypothesis import given, settings
from hypothesis import strategies as st
from roster_sample import run, write_xlsx

from clerk.domain import checker, names
from clerk.domain.checker import MemberChecker, check_member, check_record
from clerk.registry import members


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_a_valid_member_is_stored_with_what_the_id_tells():
    number = make_id("19900101", 12)
    checked = check_member({"name": " 张 三 ", "id_number": number.lower(), "phone": "+86 13800000001"})
    assert checked.ok and checked.errors == {}
    values = checked.values
    assert (values["name"], values["gender"], values["birth_date"]) == ("张三", "女", "1990-01-01")
    assert values["birthplace_code"] == "500101" and values["phone"] == "13800000001"
    assert values["migrant"] == 0 and values["org_id"] is None
    assert checked.get("id_number") == number
    assert tuple(values) == checker.COLUMNS


def test_every_refused_field_is_named_at_once_with_its_message():
    checked = check_member(
        {
            "name": "张3",
            "id_number": wrong_check_digit(make_id()),
            "phone": "1380000",
            "ethnicity": "火星",
            "employment_form": "包工",
            "joined_on": "2999-01-01",
            "org_id": "第一工会",
        }
    )
    assert not checked.ok
    assert list(checked.errors) == ["name", "id_number", "phone", "ethnicity", "employment_form", "joined_on", "org_id"]
    assert checked.errors["id_number"] == "身份证号码校验位不对，可能有数字录错了，请核对原件。"
    assert checked.errors["joined_on"] == "入会日期不能晚于今天。"
    assert checked.message.startswith("姓名：姓名里不能有数字")
    assert all(checked.get(k) is None for k in checked.errors)


cells = st.one_of(
    st.none(),
    st.text(max_size=24),
    st.sampled_from(
        [
            "汉",
            "汉族",
            "回",
            "火星",
            "是",
            "否",
            "1",
            "true",
            True,
            False,
            1,
            0,
            1.0,
            "2024-03-01",
            "2024/3/1",
            "20240301",
            "2999-01-01",
            "全日制",
            "派遣",
            "快递员",
            "外卖送餐员",
            " 张三 ",
            "欧阳娜娜",
            "张3",
            "13800000001",
            "+86 13800000001",
            "023-61234567",
            "1380000",
        ]
    ),
    st.builds(lambda s: make_id(seq=s), st.integers(1, 999)),
    st.builds(lambda s: make_id(seq=s).lower(), st.integers(1, 999)),
    st.builds(lambda s: wrong_check_digit(make_id(seq=s)), st.integers(1, 999)),
    st.builds(
        lambda d, s: f"500101{d}{s:03d}0",
        st.sampled_from(["19900230", "20991231", "18991231", "20000229"]),
        st.integers(0, 99),
    ),
    st.integers(-10, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({key: cells for key in checker.FIELDS}), min_size=1, max_size=6))
def test_a_bulk_checker_gives_exactly_what_the_form_gets(rows):
    bulk = MemberChecker()
    for fields in rows + rows:  # the second time from what it remembers
        assert bulk.check(fields) == check_member(fields)


def test_one_true_and_one_point_zero_are_told_apart_in_what_a_bulk_checker_remembers():
    bulk = MemberChecker()
    for raw in (True, 1, 1.0, "1", "True", 0, False, 0.0):
        fields = {"name": "张三", "id_number": make_id(), "ethnicity": raw, "migrant": raw, "org_id": raw}
        assert bulk.check(fields) == check_member(fields)


def test_a_rule_changed_in_the_domain_changes_the_form_the_importer_and_the_receiver(store, tmp_path, monkeypatch):
    parse = names.parse

    def stricter(raw):
        name = parse(raw)
        if name == "王禁止":
            raise names.InvalidName("这个姓名不能用。")
        return name

    monkeypatch.setattr(names, "parse", stricter)
    number = make_id(seq=31)
    with pytest.raises(members.InvalidMember, match="这个姓名不能用"):
        members.register(store, {"name": "王禁止", "id_number": number})
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": [["姓名", "身份证号码"], ["王禁止", number]]}))
    assert plan.counts["rejected"] == 1 and plan.problems[0].reason == "这个姓名不能用。"
    assert check_record({"name": "王禁止", "id_number": number}).errors["name"] == "这个姓名不能用。"


def test_every_member_the_form_stores_passes_the_receivers_check(store):
    member_id = members.register(
        store,
        {
            "name": "买买提 · 艾力",
            "id_number": make_id("20000229", 7).lower(),
            "phone": "023 6123 4567",
            "ethnicity": "维吾尔",
            "new_form": "快递员",
            "migrant": True,
            "job": " 分拣 ",
        },
    )
    record = members.snapshot(store, member_id)
    assert record is not None
    assert check_record(record).ok, check_record(record).errors


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": "张 三"}, "name", "不是规范写法"),
        ({"gender": "男"}, "gender", "“男”不是规范写法（应为“女”）"),
        ({"birth_date": "1990-01-02"}, "birth_date", "不是规范写法"),
        ({"id_number": make_id(seq=12)[:6] + " " + make_id(seq=12)[6:]}, "id_number", "不是规范写法"),
        ({"phone": "138 0000 0001"}, "phone", "不是规范写法"),
        ({"migrant": 2}, "migrant", "只能是 0 或 1"),
        ({"status": "开除"}, "status", "会员状态只能是"),
        ({"new_form": "宇航员"}, "new_form", "新就业形态类别请从列表中选择"),
    ],
)
def test_a_stored_record_must_be_what_the_rules_give(change, field, message):
    record = {
        "name": "张三",
        "id_number": make_id(seq=12),
        "gender": "女",
        "birth_date": "1990-01-01",
        "birthplace_code": "500101",
        "phone": "13800000001",
        "migrant": 1,
        "joined_on": None,
        "status": "在册",
        **change,
    }
    checked = check_record(record)
    assert list(checked.errors) == [field]
    assert message in checked.errors[field]


def test_a_stored_record_without_a_join_date_keeps_it_empty():
    number = make_id(seq=12)
    record = {"name": "张三", "id_number": number, "gender": "女", "birth_date": "1990-01-01", "joined_on": ""}
    checked = check_record({**record, "birthplace_code": "500101"})
    assert checked.ok and checked.get("joined_on") is None
