"""Resident ID numbers (GB 11643): real examples and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from clerk.domain import idcard

# The sample number printed in GB 11643 itself: a woman born 1949-12-31 in Beijing, check digit X.
STANDARD_EXAMPLE = "11010519491231002X"
# Chongqing (500xxx) was created in 1997; everyone older holds a code "newer" than their birth.
CHONGQING_1980 = idcard.with_check_digit("50010119800101123")
# 510214 was Chongqing's 南岸区 while Chongqing was part of Sichuan (1983-1997): retired, still on IDs.
RETIRED_REGION = idcard.with_check_digit("51021419850615002")


def test_standard_example_with_x_check_digit():
    info = idcard.parse(STANDARD_EXAMPLE)
    assert info.number == STANDARD_EXAMPLE
    assert info.gender == "女"
    assert info.birth_date == date(1949, 12, 31)
    assert info.region_code == "110105"
    assert info.region_name == "北京市朝阳区"


def test_chongqing_id_born_before_1997_is_accepted_though_stdnum_rejects_it():
    with pytest.raises(ValidationError):
        ric.validate(CHONGQING_1980)  # the trap DESIGN.md describes
    info = idcard.parse(CHONGQING_1980)
    assert info.birth_date == date(1980, 1, 1)
    assert info.gender == "男"
    assert info.region_name == "重庆市万州区"


def test_retired_region_code_is_accepted_and_still_named():
    info = idcard.parse(RETIRED_REGION)
    assert info.region_code == "510214"
    assert info.region_name.startswith("四川省")
    assert "南岸区" in info.region_name


def test_unknown_region_code_is_accepted_with_no_name():
    number = idcard.with_check_digit("69990119900101001")
    assert idcard.parse(number).region_name == ""


def test_feb_29_in_a_leap_year_is_a_real_birth_date():
    number = idcard.with_check_digit("44030419880229001")
    assert idcard.parse(number).birth_date == date(1988, 2, 29)


def test_feb_29_in_a_common_year_is_refused():
    number = idcard.with_check_digit("44030419850229001")
    with pytest.raises(idcard.InvalidId, match="出生日期 19850229 不存在"):
        idcard.parse(number)


@pytest.mark.parametrize("birth", ["19901301", "19900230", "19900100", "18991231"])
def test_impossible_birth_dates_are_refused(birth):
    with pytest.raises(idcard.InvalidId, match="出生日期"):
        idcard.parse(idcard.with_check_digit(f"500101{birth}001"))


def test_birth_date_after_today_is_refused():
    number = idcard.with_check_digit("50010120300101001")
    with pytest.raises(idcard.InvalidId, match="不合理"):
        idcard.parse(number, today=date(2026, 1, 1))


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X from a Chinese input method
        "11010519491231002x",  # lowercase x
        "110105 19491231 002X",  # spaces as on a printed card
        "110105-19491231-002X",  # dashes
        " 11010519491231002X\t",  # stray whitespace from a spreadsheet cell
        "'11010519491231002X",  # the apostrophe Excel users type to keep it text
        "１１０１０５　１９４９１２３１　００２ｘ",  # full-width spaces and lowercase full-width x
    ],
)
def test_typed_forms_normalize_to_the_same_number(typed):
    assert idcard.normalize(typed) == STANDARD_EXAMPLE
    assert idcard.parse(typed).number == STANDARD_EXAMPLE


def test_wrong_check_digit_is_refused_with_advice():
    wrong = STANDARD_EXAMPLE[:17] + "1"
    with pytest.raises(idcard.InvalidId, match="校验位不对"):
        idcard.parse(wrong)
    assert not idcard.is_valid(wrong)


def test_old_15_digit_id_is_refused_with_its_own_message():
    with pytest.raises(idcard.InvalidId, match="15 位的旧身份证号码") as exc:
        idcard.parse("110105491231002")
    assert "18 位" in str(exc.value)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "不能为空"),
        (None, "不能为空"),
        ("1101051949123100", "应为 18 位，现在是 16 位"),
        ("11010519491231002X1", "应为 18 位，现在是 19 位"),
        ("1101051949123100XX", "只能由数字组成"),
        ("11010519491231A02X", "只能由数字组成"),
    ],
)
def test_malformed_numbers_say_what_is_wrong(raw, message):
    with pytest.raises(idcard.InvalidId, match=message):
        idcard.parse(raw)


def test_digits_of_other_scripts_are_refused():
    arabic = STANDARD_EXAMPLE[:17].translate({ord(c): 0x660 + int(c) for c in "0123456789"}) + "X"
    assert arabic[:17].isdigit()  # which is why the check must be for ASCII digits
    with pytest.raises(idcard.InvalidId, match="只能由数字组成"):
        idcard.parse(arabic)


@given(st.text(alphabet="0123456789X٠١٢٣٤٥٦٧٨٩０１２３ｘ", min_size=18, max_size=18))
def test_accepted_numbers_are_always_plain_ascii(text):
    if idcard.is_valid(text):
        number = idcard.parse(text).number
        assert number.isascii() and len(number) == 18


def test_gender_comes_from_the_17th_digit():
    assert idcard.parse(idcard.with_check_digit("50010119900101011")).gender == "男"
    assert idcard.parse(idcard.with_check_digit("50010119900101012")).gender == "女"


def test_mask_shows_first_six_and_last_four():
    assert idcard.mask(STANDARD_EXAMPLE) == "110105********002X"
    assert idcard.mask("") == ""
    assert idcard.mask(None) == ""


# -- properties -------------------------------------------------------------------------------

regions = st.integers(min_value=110000, max_value=659999).map(str)
# Members are at least 16 (idcard.WORKING_AGE); younger people are refused, see below.
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date.today() - timedelta(days=366 * 16 + 4))
sequences = st.integers(min_value=0, max_value=999)


@st.composite
def valid_ids(draw) -> tuple[str, str, date, int]:
    region, born, seq = draw(regions), draw(birth_dates), draw(sequences)
    return idcard.with_check_digit(f"{region}{born:%Y%m%d}{seq:03d}"), region, born, seq


@given(st.text())
def test_normalize_is_idempotent_on_any_text(text):
    once = idcard.normalize(text)
    assert idcard.normalize(once) == once


@given(st.text(alphabet="0123456789xX０１２３４５６７８９ｘＸ -－　'\t"))
def test_normalize_is_idempotent_on_what_clerks_type(text):
    once = idcard.normalize(text)
    assert idcard.normalize(once) == once
    assert set(once) <= set("0123456789X")


@settings(max_examples=300)
@given(valid_ids())
def test_every_valid_id_survives_a_parse_round_trip(generated):
    number, region, born, seq = generated
    info = idcard.parse(number)
    assert info.number == number
    assert info.region_code == region
    assert info.birth_date == born
    assert info.gender == ("男" if seq % 2 else "女")
    assert idcard.parse(info.number) == info


@given(valid_ids(), st.sampled_from(["lower", "fullwidth", "spaced", "dashed"]))
def test_every_valid_id_parses_the_same_however_it_was_typed(generated, form):
    number = generated[0]
    typed = {
        "lower": number.lower(),
        "fullwidth": number.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
        "spaced": f"{number[:6]} {number[6:14]} {number[14:]}",
        "dashed": f"{number[:6]}-{number[6:14]}-{number[14:]}",
    }[form]
    assert idcard.parse(typed).number == number


@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_one_mistyped_digit_is_always_caught(generated, position, delta):
    number = generated[0]
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    # GB 11643's mod 11-2 check digit catches every single mistyped digit.
    assert not idcard.is_valid(changed)


@given(valid_ids())
def test_mask_keeps_first_six_and_last_four_only(generated):
    number = generated[0]
    masked = idcard.mask(number)
    assert len(masked) == 18
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert masked[6:14] == "*" * 8


def test_check_digit_is_x_for_a_remainder_of_two():
    numbers = [idcard.with_check_digit(f"50010119900101{seq:03d}") for seq in range(30)]
    assert any(n.endswith("X") for n in numbers)
    assert all(idcard.is_valid(n) for n in numbers)


def test_a_birth_date_after_today_is_not_a_date_of_birth():
    today = date(2026, 6, 1)
    number = idcard.with_check_digit(f"500101{today:%Y%m%d}001")
    with pytest.raises(idcard.InvalidId, match="不合理"):
        idcard.parse(number, today=today - timedelta(days=1))


# -- who can be a member -------------------------------------------------------------------


def test_a_person_born_today_is_refused_as_below_working_age():
    today = date(2026, 5, 10)
    number = idcard.with_check_digit("50010120260510001")
    with pytest.raises(idcard.InvalidId, match="未满 16 周岁"):
        idcard.parse(number, today=today)


@pytest.mark.parametrize(
    "birth, today, ok",
    [
        ("20100510", date(2026, 5, 10), True),  # the sixteenth birthday itself
        ("20100511", date(2026, 5, 10), False),  # one day short
        ("20080229", date(2024, 2, 28), False),  # born on 29 February: 16 on 1 March of a common year
        ("20080229", date(2024, 2, 29), True),
        ("20090301", date(2025, 3, 1), True),
    ],
)
def test_sixteen_is_the_legal_working_age(birth, today, ok):
    number = idcard.with_check_digit(f"500101{birth}001")
    if ok:
        assert idcard.parse(number, today=today).number == number
    else:
        with pytest.raises(idcard.InvalidId, match="法定劳动年龄"):
            idcard.parse(number, today=today)


def test_region_code_000000_is_refused():
    number = idcard.with_check_digit("00000019900101001")
    with pytest.raises(idcard.InvalidId, match="000000"):
        idcard.parse(number)


def test_a_wrong_check_digit_is_reported_before_the_age():
    number = idcard.with_check_digit("50010120200101001")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(idcard.InvalidId, match="校验位"):
        idcard.parse(wrong)
