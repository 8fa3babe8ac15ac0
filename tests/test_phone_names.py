"""Phone numbers and person names: what clerks and rosters really contain."""

from __future__ import annotations

import unicodedata

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
        ("买买提 · 艾力", "买买提·艾力"),
        ("𠮷田", "𠮷田"),  # rare characters beyond the BMP
        ("王𪚥", "王𪚥"),
        ("张 𠮷", "张𠮷"),
        ("张三\n", "张三"),  # a line break after the name in a cell is only trimmed
    ],
)
def test_names_are_normalized(typed, stored):
    assert names.parse(typed) == stored


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("John  Smith", "John Smith"),
        ("ＬＩ　Ｌｅｉ", "LI Lei"),  # full-width letters
        ("O'NEIL-JONES", "O'NEIL-JONES"),
        ("José García", "José García"),
    ],
)
def test_latin_names_only_for_foreign_nationals_cards(typed, stored):
    assert names.parse(typed, foreign=True) == stored
    with pytest.raises(names.InvalidName, match="拼音或外文字母") as caught:
        names.parse(typed)
    assert str(caught.value) == names.NOT_HAN


@pytest.mark.parametrize(
    "typed, message",
    [
        ("张\x07三", "控制字符"),
        ("张\t三", "控制字符"),
        ("张\r\n三", "控制字符"),
        ("张\x00三", "控制字符"),
        ("\u202e三张", "文字显示方向"),  # right-to-left override: shows 张三, stores 三张
        ("张三\u2066", "文字显示方向"),
        ("张\u200b三", "零宽字符"),
        ("张\u200d三", "零宽字符"),
        ("\ufeff张三", "零宽字符"),
        ("张\u00ad三", "零宽字符"),
        ("张三😀", "表情符号"),
        ("张三👍🏻", "表情符号"),
        ("张★三", "表情符号"),
        ("=cmd|' /C calc'!A0", "公式"),
        ('=HYPERLINK("http://example.com","周杰")', "公式"),
        ("@SUM(A:A)", "公式"),
        ("+张三", "公式"),
        ("-张三", "公式"),
        ("＝张三", "公式"),  # a full-width equals sign is folded to "=" first
        ("zhangsan", "拼音或外文字母"),
        ("张San", "拼音或外文字母"),
        ("·张三", "间隔号"),
        ("张三·", "间隔号"),
        ("张··三", "间隔号"),
        ("张三(临时)", "“\\(”"),
        ("张三、李四", "“、”"),
        ("Иван", "“И”"),
    ],
)
def test_names_with_hidden_or_foreign_characters_are_refused_with_a_reason(typed, message):
    with pytest.raises(names.InvalidName, match=message):
        names.parse(typed)
    with pytest.raises(names.InvalidName):
        names.parse(typed, foreign=not message.startswith("拼音"))


@given(st.text())
def test_an_accepted_name_is_only_chinese_characters_and_middle_dots(text):
    try:
        name = names.parse(text)
    except names.InvalidName:
        return
    assert all(ch == "·" or unicodedata.name(ch, "").startswith(("CJK", "IDEOGRAPHIC")) for ch in name), name
    assert names.parse(name) == name


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
