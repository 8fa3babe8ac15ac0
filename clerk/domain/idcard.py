"""Resident ID numbers (居民身份证号码, GB 11643) and the permits numbered the same way.

Only the check digit and the birth date decide validity. The region code is looked up for
display and never used to reject: IDs keep codes that were created after the holder's birth
or retired since (python-stdnum's validate() rejects both, see DESIGN.md "Known traps").

港澳居民居住证 (810000/820000…), 台湾居民居住证 (830000…) and the 2023 外国人永久居留身份证
(9, province, nationality…) have 18 characters with the birth date, sex digit and check digit
where an ID has them. The number itself says which document it is; its first digits are the
issuing place or nationality, not a mainland region, so a permit has no region code.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

# Separators clerks and spreadsheets put inside IDs: spaces, dashes, a leading apostrophe.
_JUNK = re.compile(r"[\s\-‐‑–—_'’‘`\"“”]")
_CANONICAL = re.compile(r"[0-9]{17}[0-9X]")  # ASCII only: str.isdigit() takes ٣ too

# Below this age a person may not be employed (劳动法 第十五条), so cannot join a trade union.
WORKING_AGE = 16


class InvalidId(ValueError):
    """The message says in Chinese what is wrong with the number."""


RESIDENT_ID = "居民身份证"
HK_MACAO_PERMIT = "港澳居民居住证"
TAIWAN_PERMIT = "台湾居民居住证"
FOREIGN_PERMIT = "外国人永久居留身份证"
KINDS = (RESIDENT_ID, HK_MACAO_PERMIT, TAIWAN_PERMIT, FOREIGN_PERMIT)
_PERMIT_PLACES = {"81": "香港", "82": "澳门", "83": "台湾"}


def kind_of(number: str) -> str:
    """Which document an 18-character number belongs to, by its first digits."""
    if number[:1] == "9":
        return FOREIGN_PERMIT
    if number[:2] in ("81", "82"):
        return HK_MACAO_PERMIT
    if number[:2] == "83":
        return TAIWAN_PERMIT
    return RESIDENT_ID


class IdInfo(NamedTuple):  # made once per roster row: a named tuple costs far less to make than a dataclass
    number: str
    gender: str
    birth_date: date
    region_code: str  # '' for a permit
    kind: str = RESIDENT_ID

    @property
    def region_name(self) -> str:
        return region_name(self.region_code)

    @property
    def place(self) -> str:
        """What the number says about where the holder is from, for display."""
        return place(self.number)


def place(number: str | None) -> str:
    """籍贯 for an ID, 香港/澳门/台湾 for a residence permit, the nationality code for a foreigner's."""
    if not number or len(number) != 18:
        return ""
    kind = kind_of(number)
    if kind == RESIDENT_ID:
        return region_name(number[:6])
    if kind == FOREIGN_PERMIT:
        return f"外国人（国籍代码 {number[3:6]}）"
    return _PERMIT_PLACES.get(number[:2], "")


def normalize(raw: object) -> str:
    """Full-width digits to ASCII, separators removed, x upper-cased. Idempotent."""
    text = "" if raw is None else str(raw)
    # Removing a separator can bring a letter and a combining mark together, and NFKC can
    # produce a space: repeat until nothing changes, so normalize(normalize(x)) == normalize(x).
    for _ in range(8):
        clean = _JUNK.sub("", unicodedata.normalize("NFKC", text)).upper()
        if clean == text:
            break
        text = clean
    return text


def parse(raw: object, *, kind: str | None = None, today: date | None = None) -> IdInfo:
    """Validate an ID or permit number and derive gender, birth date and region; raise InvalidId.

    kind, when given, is the document the clerk or roster says it is; it must agree with the number.
    """
    # Most numbers arrive canonical (18 ASCII characters): they skip normalising.
    number = raw if type(raw) is str and len(raw) == 18 and _CANONICAL.fullmatch(raw) else _shape(raw)
    born = _birth_date(number[6:14])
    if born is None:
        raise InvalidId(f"身份证号码中的出生日期 {number[6:14]} 不存在。")
    today = today or date.today()
    if born > today or born.year < 1900:
        raise InvalidId(f"身份证号码中的出生日期 {born:%Y-%m-%d} 不合理。")
    if number[17] != ric.calc_check_digit(number):
        raise InvalidId("身份证号码校验位不对，可能有数字录错了，请核对原件。")
    if today < sixteenth_birthday(born):
        raise InvalidId(
            f"按身份证号码，此人出生于 {born:%Y-%m-%d}，未满 {WORKING_AGE} 周岁（未到法定劳动年龄），"
            "不能登记为会员。请核对号码。"
        )
    if number.startswith("000000"):
        raise InvalidId("身份证号码的前 6 位（地区码）不能是 000000，请核对原件。")
    gender = "男" if int(number[16]) % 2 else "女"
    found = kind_of(number)
    if kind and kind != found:
        raise InvalidId(f"证件类型填的是{kind}，但这个号码是{found}的号码。请核对证件类型或号码。")
    return IdInfo(number, gender, born, number[:6] if found == RESIDENT_ID else "", found)


def _shape(raw: object) -> str:
    """The normalized number, if it has the shape of an 18-character ID; raise InvalidId."""
    number = normalize(raw)
    if not number:
        raise InvalidId("身份证号码不能为空。")
    if len(number) == 15 and number.isdigit():
        raise InvalidId("这是 15 位的旧身份证号码，已停止使用。请填写 18 位的新号码（见本人现行身份证）。")
    if len(number) != 18:
        raise InvalidId(f"身份证号码应为 18 位，现在是 {len(number)} 位。")
    if not _CANONICAL.fullmatch(number):
        raise InvalidId("身份证号码只能由数字组成，最后一位可以是 X。")
    return number


@lru_cache(maxsize=65536)
def _birth_date(digits: str) -> date | None:
    """The date in an ID's 8 birth digits (as stdnum's get_birth_date reads it), None if none."""
    try:
        return ric.get_birth_date(f"000000{digits}0000")
    except ValidationError:
        return None


def sixteenth_birthday(born: date) -> date:
    """The day a person reaches the legal working age (born on 29 February: 1 March)."""
    try:
        return born.replace(year=born.year + WORKING_AGE)
    except ValueError:
        return date(born.year + WORKING_AGE, 3, 1)


def is_valid(raw: object) -> bool:
    """Whether parse() accepts the number."""
    try:
        parse(raw)
    except InvalidId:
        return False
    return True


def with_check_digit(first17: str) -> str:
    """Complete 17 digits with their check digit (demo data, tests)."""
    return first17 + ric.calc_check_digit(first17 + "0")


def mask(number: str | None) -> str:
    """First 6 and last 4 shown, as lists must show IDs."""
    if not number:
        return ""
    if len(number) <= 10:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


@lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    """Province and county for a 6-digit region code, latest name; '' when unknown."""
    from stdnum import numdb

    try:
        parts = numdb.get("cn/loc").info(code[:6])
    except Exception:
        return ""
    info = {k: v for _, props in parts for k, v in props.items()}
    county = info.get("county", "").split(",")[-1]
    county = re.sub(r"^\[[^\]]*\]", "", county)
    province = info.get("province", "")
    return province + (county if county != province else "")
