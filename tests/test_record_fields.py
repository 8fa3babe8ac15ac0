"""The real-name record's coded fields, the permits numbered like IDs, and how roster headers name them."""

from __future__ import annotations

import pytest
from conftest import make_id
from roster_sample import run, write_xlsx

from clerk.domain import coded, idcard
from clerk.spreadsheets import columns


@pytest.mark.parametrize(
    ("field", "spelling", "value"),
    [
        (coded.EDUCATION, "大专", "大学专科"),
        (coded.EDUCATION, "专科", "大学专科"),
        (coded.EDUCATION, "本科", "大学本科"),
        (coded.EDUCATION, " 中专 （中技）", "中专"),
        (coded.EDUCATION, "技校", "中专"),
        (coded.EDUCATION, "研究生", "硕士研究生"),
        (coded.EDUCATION, "初中", "初中"),
        (coded.EDUCATION, "小学", "小学及以下"),
        (coded.POLITICAL, "党员", "中共党员"),
        (coded.POLITICAL, "中国共产党党员", "中共党员"),
        (coded.POLITICAL, "预备党员", "中共预备党员"),
        (coded.POLITICAL, "团员", "共青团员"),
        (coded.POLITICAL, "群众", "群众"),
        (coded.POLITICAL, "九三学社", "九三学社社员"),
        (coded.HOUSEHOLD, "农业户口", "农业"),
        (coded.HOUSEHOLD, "农村", "农业"),
        (coded.HOUSEHOLD, "城镇户口", "非农业"),
        (coded.HOUSEHOLD, "非农", "非农业"),
        (coded.HOUSEHOLD, "居民户口", "居民"),
        (coded.EMPLOYMENT_STATUS, "在职", "在岗"),
        (coded.EMPLOYMENT_STATUS, "已退休", "退休"),
        (coded.SKILL_LEVEL, "四级", "中级工"),
        (coded.SKILL_LEVEL, "高级技师", "高级技师"),
        (coded.SKILL_LEVEL, "高级", "高级工"),
        (coded.JOIN_METHOD, "扫码入会", "扫码"),
        (coded.JOIN_METHOD, "集体入会", "集体登记"),
        (coded.JOIN_METHOD, "网上申请入会", "网上申请"),
        (coded.JOIN_METHOD, "兜底", "兜底入会"),
        (coded.JOIN_PLACE, "户籍所在地", "户籍输出地"),
        (coded.JOIN_PLACE, "工作所在地", "工作地"),
        (coded.ID_KINDS, "身份证", "居民身份证"),
        (coded.ID_KINDS, "港澳居住证", "港澳居民居住证"),
        (coded.ID_KINDS, "永久居留身份证", "外国人永久居留身份证"),
    ],
)
def test_the_spellings_rosters_use_map_to_the_list(field, spelling, value):
    assert field.lookup(spelling) == value
    assert field.parse(spelling) == value


def test_every_value_of_every_list_is_its_own_spelling_and_nonsense_is_refused():
    for field in coded.BY_KEY.values():
        assert len(set(field.values)) == len(field.values)
        for value in field.values:
            assert field.lookup(value) == value
        assert field.lookup("") == "" and field.lookup(None) == ""
        assert field.lookup("看不懂的值") is None
        with pytest.raises(coded.InvalidCode, match=field.label + "请从列表中选择"):
            field.parse("看不懂的值")


def test_household_type_decides_who_is_a_migrant_worker():
    assert coded.migrant("农业", "") == 1
    assert coded.migrant("非农业", "是") == 0
    assert coded.migrant("居民", "是") == 1
    assert coded.migrant("居民", "") == 0
    assert coded.migrant(None, 1) == 1


def _permit(prefix: str, birth: str = "19900307", seq: str = "002") -> str:
    return idcard.with_check_digit(prefix + birth + seq)


@pytest.mark.parametrize(
    ("number", "kind", "place"),
    [
        (_permit("810000"), "港澳居民居住证", "香港"),
        (_permit("820000"), "港澳居民居住证", "澳门"),
        (_permit("830000"), "台湾居民居住证", "台湾"),
        (_permit("931840"), "外国人永久居留身份证", "外国人（国籍代码 840）"),
    ],
)
def test_a_permit_is_kept_as_what_it_is(number, kind, place):
    info = idcard.parse(number)
    assert info.kind == kind
    assert info.birth_date.isoformat() == "1990-03-07"
    assert info.gender == "女"
    assert info.region_code == ""  # never read as a mainland county
    assert info.place == place
    assert idcard.parse(number, kind=kind).number == number
    with pytest.raises(idcard.InvalidId, match=f"证件类型填的是居民身份证，但这个号码是{kind}的号码"):
        idcard.parse(number, kind="居民身份证")
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    with pytest.raises(idcard.InvalidId, match="校验位"):
        idcard.parse(wrong)


def test_a_resident_id_is_still_a_resident_id():
    info = idcard.parse(make_id())
    assert info.kind == "居民身份证" and info.region_code == "500101" and info.place == "重庆市万州区"
    with pytest.raises(idcard.InvalidId, match="这个号码是居民身份证的号码"):
        idcard.parse(make_id(), kind="台湾居民居住证")


def test_a_header_matches_by_whole_synonyms_not_by_a_shared_character_pair():
    # 入会方式, 入会地 and 会员入会方式 share 入会 with 入会日期 but are not the join date.
    for text in ("入会方式", "会员入会方式", "入会地", "入会地点", "入会途径"):
        found = columns.match(text)
        assert found is not None and found.field != "joined_on", text
    for text in ("入会时间", "会员入会时间", "入会日期（年月日）", "入会年份"):
        assert columns.match(text).field == "joined_on", text
    # Longer synonyms contained whole still find their field; someone else's never.
    assert columns.match("本人手机号码").field == "phone"
    assert columns.match("所在企业名称").field == "org_name"
    assert columns.match("身份证有效期") is None
    assert columns.match("家属联系电话").field == columns.KNOWN_IGNORED
    assert columns.match("单位电话") is None
    assert columns.match("填写说明") is None


def test_a_roster_with_a_join_method_column_keeps_its_join_dates(store, tmp_path):
    rows = [
        ["姓名", "身份证号码", "入会方式", "入会时间", "文化程度", "政治面貌", "户口性质"],
        ["张伟", make_id(seq=1), "扫码入会", "2025-06-01", "大专", "党员", "农业户口"],
        ["王芳", make_id(seq=2), "集体入会", "2025-07-01", "本科", "群众", "城镇户口"],
    ]
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", {"花名册": rows}))
    assert plan.counts["new"] == 2 and plan.counts["warning"] == 0 and plan.problems == []
    layout = plan.scan.usable[0].layout
    assert [c.field for c in layout.columns][:4] == ["name", "id_number", layout.columns[2].field, "joined_on"]
    assert layout.columns[2].field != "joined_on"
