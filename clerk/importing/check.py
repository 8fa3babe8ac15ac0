"""members.check, row after row, at roster speed.

The rules are the form's: every value goes through members.check or the domain function it
calls. What makes 200,000 rows fast is only that
- each distinct value of a low-variety column (民族, 入会日期, 是否农民工, ...) is checked once;
- a value already in canonical form (an 18-character ASCII ID, a 2-4 character Chinese name, an
  11-digit mobile) skips normalising, and a birth date (the only costly part of an ID check) is
  looked up once per date by checking a synthetic ID with that date;
- pinyin keys are assembled per character when no part of the name is a pinyin phrase.
The first rows of every import are also run through the slow path and compared; if they ever
differ (someone changed a rule) the fast path switches itself off. Tests prove both agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from clerk.domain import idcard, names, phone
from clerk.registry import members

_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_CANON_ID = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_MEMO_FIELDS = ("ethnicity", "employment_form", "new_form", "joined_on") + members.FLAG_FIELDS
_TEXT_FIELDS = ("job", "card_no", "notes")
VERIFY_ROWS = 200


class RowChecker:
    """check(fields) == members.check(fields), for every input."""

    def __init__(self, verify_rows: int = VERIFY_ROWS):
        self.fast = True
        self.verify_left = verify_rows
        self._names: dict[Any, tuple[str | None, str | None]] = {}
        self._ids: dict[Any, tuple[dict[str, str] | None, str | None]] = {}
        self._phones: dict[Any, tuple[str | None, str | None]] = {}
        self._births: dict[str, tuple[str | None, str | None]] = {}
        self._memo: dict[tuple[str, Any], tuple[Any, str | None]] = {}
        self._bad_check_digit: str | None = None

    # -- per field --------------------------------------------------------------------------
    def _name(self, raw: Any) -> tuple[str | None, str | None]:
        if type(raw) is str and _CJK_NAME.fullmatch(raw):
            return raw, None
        hit = self._names.get(raw) if _hashable(raw) else None
        if hit is None:
            try:
                hit = (names.parse(raw), None)
            except names.InvalidName as exc:
                hit = (None, str(exc))
            if _hashable(raw):
                self._names[raw] = hit
        return hit

    def _birth(self, date8: str) -> tuple[str | None, str | None]:
        hit = self._births.get(date8)
        if hit is None:
            # The date is the only part of the check that costs: check it once, in a synthetic ID
            # with a correct check digit, so the message is exactly the one idcard.parse gives.
            probe = idcard.with_check_digit(f"110101{date8}001")
            try:
                hit = (idcard.parse(probe).birth_date.isoformat(), None)
            except idcard.InvalidId as exc:
                hit = (None, str(exc))
            self._births[date8] = hit
        return hit

    def _id(self, raw: Any) -> tuple[dict[str, str] | None, str | None]:
        if type(raw) is str and len(raw) == 18 and _CANON_ID.fullmatch(raw):
            born, error = self._birth(raw[6:14])
            if error:
                return None, error
            from stdnum.cn import ric

            if raw[17] != ric.calc_check_digit(raw):
                return None, self._check_digit_message()
            gender = "男" if int(raw[16]) % 2 else "女"
            return {"id_number": raw, "gender": gender, "birth_date": born, "birthplace_code": raw[:6]}, None  # type: ignore[dict-item]
        try:
            info = idcard.parse(raw)
        except idcard.InvalidId as exc:
            return None, str(exc)
        return {
            "id_number": info.number,
            "gender": info.gender,
            "birth_date": info.birth_date.isoformat(),
            "birthplace_code": info.region_code,
        }, None

    def _check_digit_message(self) -> str:
        if self._bad_check_digit is None:
            good = idcard.with_check_digit("11010119900101001")
            wrong = good[:17] + ("0" if good[17] != "0" else "1")
            try:
                idcard.parse(wrong)
                self._bad_check_digit = "身份证号码校验位不对。"
            except idcard.InvalidId as exc:
                self._bad_check_digit = str(exc)
        return self._bad_check_digit

    def _phone(self, raw: Any) -> tuple[str | None, str | None]:
        if type(raw) is str and len(raw) == 11 and _MOBILE.fullmatch(raw):
            return raw, None
        try:
            return phone.parse(raw) or None, None
        except phone.InvalidPhone as exc:
            return None, str(exc)

    def _field(self, key: str, raw: Any) -> tuple[Any, str | None]:
        memo_key = (key, raw)
        hit = self._memo.get(memo_key) if _hashable(raw) else None
        if hit is None:
            clean, errors = members.check({key: raw})
            hit = (clean.get(key), errors.get(key))
            if _hashable(raw):
                self._memo[memo_key] = hit
        return hit

    # -- a row ---------------------------------------------------------------------------------
    def check(self, fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        if not self.fast:
            return members.check(fields)
        result = self._fast(fields)
        if self.verify_left > 0:
            self.verify_left -= 1
            if result != members.check(fields):
                self.fast = False
                return members.check(fields)
        return result

    def _fast(self, fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        clean: dict[str, Any] = {}
        errors: dict[str, str] = {}
        value, error = self._name(fields.get("name"))
        if error is None:
            clean["name"] = value
        else:
            errors["name"] = error
        info, error = self._id(fields.get("id_number"))
        if error is None:
            clean.update(info)  # type: ignore[arg-type]
        else:
            errors["id_number"] = error
        value, error = self._phone(fields.get("phone"))
        if error is None:
            clean["phone"] = value
        else:
            errors["phone"] = error
        for key in _MEMO_FIELDS:
            value, error = self._field(key, fields.get(key))
            if key != "joined_on" or error is None:
                clean[key] = value
            if error is not None:
                errors[key] = error
        org = fields.get("org_id")
        clean["org_id"] = int(org) if org not in (None, "") else None
        for key in _TEXT_FIELDS:
            value = fields.get(key)
            clean[key] = ("" if value is None else str(value).strip()) or None
        return clean, errors


def _hashable(value: Any) -> bool:
    return type(value) in (str, int, float, bool, type(None), date)


class PinyinKeys:
    """names.pinyin_keys with the work done once per character where that gives the same answer.

    pypinyin reads a name character by character unless some run of two or more characters is
    one of its phrases; a surname with its own reading is handled as names does. A few names of
    every import are checked against names.pinyin_keys itself; any difference turns this off.
    """

    def __init__(self, verify: int = VERIFY_ROWS, memo: int = 500_000):
        from pypinyin.constants import PHRASES_DICT

        self._phrases = PHRASES_DICT
        self._chars: dict[str, str] = {}
        self._names: dict[str, tuple[str, str]] = {}
        self._memo = memo  # names remembered (about 200 bytes each; a name seen again costs 1 µs instead of 6)
        self.fast = True
        self.verify_left = verify

    def _char(self, ch: str) -> str:
        syllable = self._chars.get(ch)
        if syllable is None:
            # A lone character is never read as a surname (names.pinyin_keys: 曾 alone is ceng).
            syllable = self._chars[ch] = names.pinyin_keys(ch)[0]
        return syllable

    def keys(self, name: str) -> tuple[str, str]:
        hit = self._names.get(name)
        if hit is not None:
            return hit
        hit = self._fast(name) if self.fast else None
        if hit is None:
            hit = names.pinyin_keys(name)
        elif self.verify_left > 0:
            self.verify_left -= 1
            slow = names.pinyin_keys(name)
            if slow != hit:
                self.fast = False
                hit = slow
        if len(self._names) < self._memo:
            self._names[name] = hit
        return hit

    def _fast(self, name: str) -> tuple[str, str] | None:
        n = len(name)
        if not 2 <= n <= 4 or not _CJK_NAME.fullmatch(name):
            return None
        phrases = self._phrases
        # Any run of two or more characters that is a pinyin phrase: leave it to pypinyin.
        if name in phrases or name[:2] in phrases or name[-2:] in phrases:
            return None
        if n == 4 and (name[1:3] in phrases or name[:3] in phrases or name[1:] in phrases):
            return None
        readings = names.SURNAME_READINGS
        head: list[str] = []
        rest = name
        if name[:2] in readings and n > 2:
            head, rest = readings[name[:2]].split(), name[2:]
        elif name[0] in readings:
            head, rest = readings[name[0]].split(), name[1:]
        chars = self._chars
        syllables = head + [chars.get(ch) or self._char(ch) for ch in rest]
        if "" in syllables:
            syllables = [s for s in syllables if s]
        return "".join(syllables), "".join([s[0] for s in syllables])


def _plain(ch: str) -> str:
    """A surname character's everyday reading (names.pinyin_keys of one character alone)."""
    return names.pinyin_keys(ch)[0]
