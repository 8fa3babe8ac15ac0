"""Row by row: the form's rules on every cell, ID numbers normalised or refused (never guessed),
phones, dates, flags and categories as employers write them, duplicates, existing members."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from conftest import make_id
from hypothesis import given, settings
from hypothesis import strategies as st
from roster_sample import problems, run, write_csv, write_xlsx

from clerk.domain import idcard, names
from clerk.importing import values as import_values
from clerk.importing.pinyin import PinyinKeys
from clerk.registry import members

TODAY = date.today().isoformat()


def id_ending_in_x() -> str:
    for seq in range(1, 999):
        number = make_id("19850505", seq)
        if number.endswith("X"):
            return number
    raise AssertionError


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def zeros_at_the_end() -> str:
    """An 18-digit number ending in 000 whose check digit is wrong (what a number-stored ID becomes)."""
    for seq in range(1, 999):
        number = make_id("19900101", seq)[:15] + "000"
        if not idcard.is_valid(number):
            return number
    raise AssertionError


def fullwidth(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})


def test_id_numbers_as_employers_write_them(store, tmp_path):
    x_id = id_ending_in_x()
    written = [
        (fullwidth(make_id(seq=1)), make_id(seq=1)),
        (" ".join([make_id(seq=2)[:6], make_id(seq=2)[6:14], make_id(seq=2)[14:]]), make_id(seq=2)),
        (f"{make_id(seq=3)[:6]}-{make_id(seq=3)[6:14]}-{make_id(seq=3)[14:]}", make_id(seq=3)),
        (x_id.lower(), x_id),
        ("'" + make_id(seq=4), make_id(seq=4)),
        ("\t" + make_id(seq=5), make_id(seq=5)),
        (f'="{make_id(seq=6)}"', make_id(seq=6)),
    ]
    rows = [["姓名", "身份证号码"]] + [[f"张{'一二三四五六七'[i]}", raw] for i, (raw, _) in enumerate(written)]
    for path in (write_xlsx(tmp_path / "ids.xlsx", {"s": rows}), write_csv(tmp_path / "ids.csv", rows)):
        plan = run(store, path)
        assert plan.problems == [], path.name
        assert [r[1] for r in plan.new_rows] == [clean for _, clean in written]


def test_ids_that_cannot_be_taken_are_rejected_with_the_reason(store, tmp_path):
    good = make_id(seq=7)
    lost = float(make_id(seq=8)[:15] + "000")  # what Excel keeps of an ID typed as a number
    rows = [
        ["姓名", "身份证号码", "手机号码"],
        ["王一", lost, "13800000001"],
        ["王二", "4.40301E+17", "13800000002"],
        ["王三", wrong_check_digit(good), "13800000003"],
        ["王四", zeros_at_the_end(), ""],
        ["王五", "500101" + "19900230" + "0019", ""],
        ["王六", "", "13800000006"],
        ["", good, ""],
        ["王八", "5001011990", ""],
        ["王九", "500101900101001", ""],
    ]
    plan = run(store, write_xlsx(tmp_path / "bad.xlsx", {"名单": rows}))
    lost_reason = import_values.LOST_DIGITS.rstrip("。") + "。"
    expected = [
        ("名单", 2, lost_reason),
        ("名单", 3, lost_reason),
        ("名单", 4, "身份证号码校验位不对，可能有数字录错了，请核对原件。"),
        ("名单", 5, "身份证号码校验位不对，可能有数字录错了，请核对原件" + import_values.LOST_DIGITS_HINT + "。"),
        ("名单", 6, "身份证号码中的出生日期 19900230 不存在。"),
        ("名单", 7, "身份证号码不能为空。"),
        ("名单", 8, "姓名不能为空。"),
        ("名单", 9, "身份证号码应为 18 位，现在是 10 位。"),
        ("名单", 10, "这是 15 位的旧身份证号码，已停止使用。请填写 18 位的新号码（见本人现行身份证）。"),
    ]
    assert problems(plan, "rejected") == expected
    assert plan.counts["new"] == 0 and plan.counts["rejected"] == 9


def test_a_number_id_is_never_completed(store, tmp_path):
    """Digits after the 15th are gone from a number: the row is refused, not repaired."""
    rows = [
        ["姓名", "身份证号码"],
        ["王一", 440301199001011234.0],
        ["王二", 5.00101199001011e17],
        ["王三", 500101199001011],
    ]
    plan = run(store, write_xlsx(tmp_path / "n.xlsx", {"s": rows}))
    assert plan.counts["new"] == 0 and plan.counts["rejected"] == 3
    assert {p.reason for p in plan.problems} == {import_values.LOST_DIGITS.rstrip("。") + "。"}


def test_phones_dates_flags_and_categories(store, tmp_path):
    rows = [
        ["姓名", "身份证号码", "联系电话", "民族", "入会时间", "是否农民工", "新就业形态", "用工形式", "岗位"],
        ["李一", make_id(seq=11), "+86 138 0000 0001", "汉", datetime(2025, 3, 1), "√", "快递小哥", "派遣", "快递员"],
        ["李二", make_id(seq=12), 13800000002.0, "汉族", "2024年3月1日", "是", "是", "全职", "外卖骑手"],
        ["李三", make_id(seq=13), "023-6123 4567", "土家", "2024.3", "否", "", "灵活就业", ""],
        ["李四", make_id(seq=14), "138-0000-0004", "苗族", 45352.0, "", "网约车", "", ""],
        ["李五", make_id(seq=15), "(0086)13800000005", "", "20240301", "Y", "货车", "兼职", ""],
    ]
    plan = run(store, write_xlsx(tmp_path / "v.xlsx", {"s": rows}))
    assert plan.problems == []
    got = {
        r[0]: dict(
            zip(
                ("phone", "ethnicity", "joined_on", "migrant", "new_form", "employment_form"),
                (r[5], r[6], r[12], r[10], r[11], r[9]),
                strict=True,
            )
        )
        for r in plan.new_rows
    }
    assert got == {
        "李一": {
            "phone": "13800000001",
            "ethnicity": "汉族",
            "joined_on": "2025-03-01",
            "migrant": 1,
            "new_form": "快递员",
            "employment_form": "劳务派遣",
        },
        "李二": {
            "phone": "13800000002",
            "ethnicity": "汉族",
            "joined_on": "2024-03-01",
            "migrant": 1,
            "new_form": "外卖送餐员",
            "employment_form": "全日制",
        },
        "李三": {
            "phone": "023-61234567",
            "ethnicity": "土家族",
            "joined_on": "2024-03-01",
            "migrant": 0,
            "new_form": None,
            "employment_form": "平台灵活就业",
        },
        "李四": {
            "phone": "13800000004",
            "ethnicity": "苗族",
            "joined_on": "2024-03-01",
            "migrant": 0,
            "new_form": "网约车司机",
            "employment_form": None,
        },
        "李五": {
            "phone": "13800000005",
            "ethnicity": None,
            "joined_on": "2024-03-01",
            "migrant": 1,
            "new_form": "货车司机",
            "employment_form": "非全日制",
        },
    }


def test_values_that_cannot_be_understood_are_left_empty_and_the_person_kept(store, tmp_path):
    future = (date.today() + timedelta(days=30)).isoformat()
    male = make_id(seq=21)  # odd 17th digit: 男
    assert idcard.parse(male).gender == "男"
    rows = [
        ["姓名", "身份证号码", "手机", "民族", "入会日期", "是否农民工", "新就业形态", "性别", "出生日期"],
        ["赵一", male, "1380000", "火星族", future, "不知道", "宇航员", "女", "1990-01-01"],
    ]
    plan = run(store, write_xlsx(tmp_path / "w.xlsx", {"s": rows}))
    assert plan.counts["new"] == 1 and plan.counts["warning"] == 1
    (warning,) = problems(plan, "warning")
    assert warning[:2] == ("s", 2)
    assert warning[2].split("；") == [
        "是否农民工“不知道”看不懂（应填“是”或“否”），按“否”处理",
        "新就业形态“宇航员”不在类别中（快递员、外卖送餐员、网约车司机、货车司机、家政服务员、网络营销师、其他新就业形态），未导入此项",
        "手机号码“1380000”：手机号应为 11 位，以 13-19 开头，现在是 7 位。未导入此项",
        "民族“火星族”：民族名称不在 56 个民族之列，请从列表中选择。未导入此项",
        f"入会日期“{future}”：入会日期不能晚于今天。已按今天（{TODAY}）登记",
        "性别填的是“女”，身份证号码显示为“男”，按身份证号码登记",
    ]
    row = plan.new_rows[0]
    assert (row[5], row[6], row[12], row[10], row[11]) == (None, None, TODAY, 0, None)


def test_the_same_person_twice_in_a_file_and_across_sheets_and_files(store, tmp_path):
    a, b = make_id(seq=31), make_id(seq=32)
    sheets = {
        "一": [["姓名", "身份证号码"], ["孙一", a], ["孙二", b], ["孙一", fullwidth(a)]],
        "二": [["姓名", "身份证号码"], ["孙二", b]],
    }
    plan = run(store, write_xlsx(tmp_path / "d.xlsx", sheets))
    assert problems(plan, "duplicate") == [
        ("一", 4, "与第 2 行是同一个人（身份证号码相同），只导入一次"),
        ("二", 2, "与工作表“一”第 3 行是同一个人（身份证号码相同），只导入一次"),
    ]
    assert plan.counts["new"] == 2 and plan.counts["duplicate"] == 2


def test_existing_members_are_unchanged_or_updated_by_policy(store, tmp_path, person):
    member_id = members.register(store, {**person, "phone": "13811111111", "job": "分拣员"})
    other_id = members.register(store, {"name": "钱二", "id_number": make_id(seq=42), "joined_on": "2025-01-01"})
    members.change_status(store, other_id, "退会", "离职")
    rows = [
        ["姓名", "身份证号码", "手机", "岗位", "入会时间"],
        [person["name"], person["id_number"], "13822222222", "分拣员", ""],
        ["钱二", make_id(seq=42), "", "", ""],
        ["钱三", make_id(seq=43), "", "", ""],
    ]
    path = write_xlsx(tmp_path / "e.xlsx", {"s": rows})
    plan = run(store, path)
    assert plan.counts["new"] == 1 and plan.counts["unchanged"] == 2 and plan.counts["updated"] == 0
    assert problems(plan, "existing") == [
        (
            "s",
            2,
            "已是会员；花名册与库中不同（手机号码：13811111111 → 13822222222），没有更新（选择“更新已有会员”可更新）",
        ),
        ("s", 3, "库中已有此人，状态为“退会”，没有改动（重新入会请在会员详情中修改状态）"),
    ]
    plan, result = run(store, path, commit=True, update_existing=True)
    assert problems(plan, "update") == [("s", 2, "将更新：手机号码：13811111111 → 13822222222")]
    assert plan.counts["updated"] == 1
    record = members.get(store, member_id)
    assert record["phone"] == "13822222222" and record["job"] == "分拣员" and record["joined_on"] == person["joined_on"]
    change = store.conn.execute(
        "SELECT op, batch_id, before, after FROM journal WHERE row_id = ? ORDER BY seq DESC LIMIT 1", (member_id,)
    ).fetchone()
    assert change["op"] == "update" and change["batch_id"] == result.batch_id
    assert json.loads(change["before"])["phone"] == "13811111111"


def test_org_from_the_option_and_from_the_unit_column(store, tmp_path):
    from clerk.registry import organisations

    root = organisations.create(store, {"name": "测试镇总工会", "kind": "乡镇(街道)总工会"})
    express = organisations.create(store, {"name": "重庆顺达快递有限公司工会", "kind": "联合工会", "parent_id": root})
    rows = [
        ["姓名", "身份证号码", "工作单位"],
        ["周一", make_id(seq=51), "重庆顺达快递有限公司"],
        ["周二", make_id(seq=52), "顺达快递"],
        ["周三", make_id(seq=53), "别的公司"],
    ]
    plan = run(store, write_xlsx(tmp_path / "o.xlsx", {"s": rows}), org_id=root)
    assert [r[7] for r in plan.new_rows] == [express, express, root]
    assert plan.notes[0] == "工作单位“别的公司”没有对应的工会组织（1 行），这些会员记入“测试镇总工会”"


# -- pinyin keys at roster speed agree with the search keys ------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭"
    "陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解仇朴查区盖缪种尉乐翟召"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉浩"
    "宇轩子涵欣怡梓晨雨婷建国志海春梅晓东小德庆永凤文俊思远佳琪长重行乐朝阳单和"
)


def test_pinyin_keys_assembled_per_character_equal_the_search_keys():
    fast = PinyinKeys(verify=0)
    checked = 0
    for surname in list(SURNAMES) + ["万俟", "尉迟", "长孙", "欧阳", "司马"]:
        for a in GIVEN[::3]:
            for b in ("", *GIVEN[1::7]):
                name = surname + a + b
                assert fast.keys(name) == names.pinyin_keys(name), name
                checked += 1
    assert checked > 3000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=5))
def test_pinyin_keys_agree_on_any_chinese_text(name):
    assert PinyinKeys(verify=0).keys(name) == names.pinyin_keys(name)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (datetime(2024, 3, 1, 0, 0), "2024-03-01"),
        (date(2024, 3, 1), "2024-03-01"),
        (45352.0, "2024-03-01"),
        ("2024年3月1日", "2024-03-01"),
        ("2024年3月", "2024-03-01"),
        ("2024.3.1", "2024-03-01"),
        ("2024/03", "2024-03-01"),
        ("202403", "2024-03-01"),
        ("三月", "三月"),
    ],
)
def test_join_dates(raw, expected):
    assert import_values.date_cell(raw) == expected
