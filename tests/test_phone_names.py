"""Phone numbers and person names: what clerks and rosters really contain."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk.domain import names, phone

# -- phone --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits
        ("19912345678", "19912345678"),
        ("023-68888888", "023-68888888"),
        ("(023)68888888", "023-68888888"),
        ("（023）68888888", "023-68888888"),
        ("02368888888", "023-68888888"),
        ("010-12345678", "010-12345678"),
        ("0851-8123456", "0851-8123456"),
        ("023-68888888-801", "023-68888888-801"),
        ("", ""),
        (None, ""),
        ("  ", ""),
    ],
)
def test_accepted_phone_numbers_are_stored_in_one_form(typed, stored):
    assert phone.parse(typed) == stored


@pytest.mark.parametrize(
    "typed, message",
    [
        ("1381234567", "手机号应为 11 位，以 13-19 开头，现在是 10 位"),
        ("138123456789", "现在是 12 位"),
        ("12812345678", "手机号应为 11 位，以 13-19 开头"),
        ("68888888", "带区号的座机"),  # landline without its area code
        ("95588", "电话号码格式不对"),
        ("无", "电话号码格式不对"),
        ("abc", "电话号码格式不对"),
    ],
)
def test_refused_phone_numbers_say_why_in_chinese(typed, message):
    with pytest.raises(phone.InvalidPhone, match=message):
        phone.parse(typed)


@given(st.one_of(st.text(alphabet="0123456789 -+()（）８６１３٣"), st.text()))
def test_phone_parse_of_its_own_output_changes_nothing(text):
    try:
        stored = phone.parse(text)
    except phone.InvalidPhone:
        return
    assert phone.parse(stored) == stored
    assert stored == "" or set(stored) <= set("0123456789-")


def test_digits_of_other_scripts_are_not_a_phone_number():
    with pytest.raises(phone.InvalidPhone):
        phone.parse("1٣٨12345678")  # Arabic-Indic digits pass str.isdigit() but are no phone


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mainland_mobile_is_accepted(number):
    assert phone.parse(number) == number
    assert phone.parse(f"+86 {number[:3]} {number[3:7]} {number[7:]}") == number


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("张三", "张三"),
        (" 张三 ", "张三"),
        ("张 三", "张三"),  # a space typed to align two-character names in a roster
        ("张\u3000三", "张三"),  # full-width space
        ("欧阳娜娜", "欧阳娜娜"),
        ("买买提•艾力", "买买提·艾力"),  # the middle dot of minority names, in its many forms
        ("买买提.艾力", "买买提·艾力"),
        ("买买提・艾力", "买买提·艾力"),
        ("John  Smith", "John Smith"),
        ("ＬＩ　Ｌｅｉ", "LI Lei"),  # full-width letters
    ],
)
def test_names_are_normalized(typed, stored):
    assert names.parse(typed) == stored


@pytest.mark.parametrize(
    "typed, message",
    [("", "不能为空"), ("   ", "不能为空"), (None, "不能为空"), ("张三1", "不能有数字"), ("张" * 41, "太长")],
)
def test_refused_names_say_why(typed, message):
    with pytest.raises(names.InvalidName, match=message):
        names.parse(typed)


@given(st.text())
def test_name_normalize_is_idempotent(text):
    once = names.normalize(text)
    assert names.normalize(once) == once


@pytest.mark.parametrize(
    "name, full, initials",
    [
        ("张三", "zhangsan", "zs"),
        ("李四", "lisi", "ls"),
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("吕布", "lvbu", "lb"),
        ("买买提·艾力", "maimaitiaili", "mmtal"),
        # Surnames read differently from the everyday character: the clerk types the surname.
        ("曾志伟", "zengzhiwei", "zzw"),
        ("单田芳", "shantianfang", "stf"),
        ("覃海燕", "qinhaiyan", "qhy"),
        ("解放", "xiefang", "xf"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("尉迟恭", "yuchigong", "ycg"),
    ],
)
def test_pinyin_search_keys(name, full, initials):
    assert names.pinyin_keys(name) == (full, initials)


def test_name_grams_cover_every_one_and_two_character_piece():
    assert names.grams("张三丰") == {"张", "三", "丰", "张三", "三丰"}
    assert names.grams("王") == {"王"}


@given(st.text(alphabet="张王李赵欧阳曾单小明红伟芳", min_size=1, max_size=6))
def test_every_piece_of_a_name_up_to_two_characters_is_a_gram(name):
    grams = names.grams(name)
    for size in (1, 2):
        for i in range(len(name) - size + 1):
            assert name[i : i + size] in grams
    full, initials = names.pinyin_keys(name)
    assert full.isascii() and initials.isascii()
    assert len(initials) == len(name)
