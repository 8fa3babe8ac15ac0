"""Resident ID numbers (居民身份证号码, GB 11643).

Only the check digit and the birth date decide validity. The region code is looked up for
display and never used to reject: IDs keep codes that were created after the holder's birth
or retired since (python-stdnum's validate() rejects both, see DESIGN.md "Known traps").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

# Separators clerks and spreadsheets put inside IDs: spaces, dashes, a leading apostrophe.
_JUNK = re.compile(r"[\s\-‐‑–—_'’‘`\"“”]")


class InvalidId(ValueError):
    """The message says in Chinese what is wrong with the number."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    gender: str
    birth_date: date
    region_code: str

    @property
    def region_name(self) -> str:
        return region_name(self.region_code)


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


def parse(raw: object, *, today: date | None = None) -> IdInfo:
    """Validate an ID number and derive gender, birth date and region; raise InvalidId."""
    number = normalize(raw)
    if not number:
        raise InvalidId("身份证号码不能为空。")
    if len(number) == 15 and number.isdigit():
        raise InvalidId("这是 15 位的旧身份证号码，已停止使用。请填写 18 位的新号码（见本人现行身份证）。")
    if len(number) != 18:
        raise InvalidId(f"身份证号码应为 18 位，现在是 {len(number)} 位。")
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):  # ASCII only: str.isdigit() takes ٣ too
        raise InvalidId("身份证号码只能由数字组成，最后一位可以是 X。")
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        raise InvalidId(f"身份证号码中的出生日期 {number[6:14]} 不存在。") from None
    today = today or date.today()
    if born > today or born.year < 1900:
        raise InvalidId(f"身份证号码中的出生日期 {born:%Y-%m-%d} 不合理。")
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        raise InvalidId("身份证号码校验位不对，可能有数字录错了，请核对原件。")
    gender = "男" if int(number[16]) % 2 else "女"
    return IdInfo(number=number, gender=gender, birth_date=born, region_code=number[:6])


def is_valid(raw: object) -> bool:
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
