"""The one member row checker: the form, the roster importer and the district merge call these rules.

    checked = check_member({"name": "张三", "id_number": "...", "phone": "138..."})
    checked.ok, checked.errors          # field -> Chinese message, every refused field at once
    checked.values                      # the values as stored: derived gender, birth date, birthplace

A bulk caller (an import of 200,000 rows, a merge) makes one MemberChecker and calls
check_values() with the fields in FIELDS order: a value of a low-variety field (民族, 入会日期,
the flags, ...) is checked once per distinct value, and the outcome is the same object the form
gets. check_record() checks a record as stored (a sync file's row): the same rules, and every
stored value must already be in the form the rules give (derived fields agreeing with the ID).

Each field has one rule below; a rule returns the stored value or raises Refused with the message
a clerk sees. A new field is one rule and one line in FIELDS/COLUMNS (and LABELS).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from clerk.domain import choices, coded, idcard, names, phone

# The fields a clerk fills in, in the order check_values() takes them.
FIELDS = (
    "name",
    "id_number",
    "phone",
    "ethnicity",
    "org_id",
    "job",
    "employment_form",
    "migrant",
    "new_form",
    "joined_on",
    "card_no",
    "mutual_aid",
    "hardship",
    "notes",
    # The real-name record (domain/coded.py): 证件类型 must agree with the number; the rest from lists.
    "id_kind",
    *(c.key for c in coded.MEMBER_CODED),
)
CODED_FIELDS = tuple(c.key for c in coded.MEMBER_CODED)
FLAG_FIELDS = ("migrant", "mutual_aid", "hardship")
# The values a check gives, in the order of Checked.row: the fields plus what the ID number tells.
COLUMNS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "birthplace_code",
    "phone",
    "ethnicity",
    "org_id",
    "job",
    "employment_form",
    "migrant",
    "new_form",
    "joined_on",
    "card_no",
    "mutual_aid",
    "hardship",
    "notes",
    "id_kind",
    *CODED_FIELDS,
)
DERIVED = ("gender", "birth_date", "birthplace_code")

LABELS = {
    "name": "姓名",
    "id_number": "身份证号",
    "gender": "性别",
    "birth_date": "出生日期",
    "birthplace_code": "籍贯地区码",
    "phone": "手机/电话",
    "ethnicity": "民族",
    "org_id": "所在工会",
    "org_uid": "所在工会",
    "job": "岗位/工种",
    "employment_form": "用工形式",
    "migrant": "农民工",
    "new_form": "新就业形态",
    "joined_on": "入会日期",
    "card_no": "会员证号",
    "mutual_aid": "互助保障",
    "hardship": "困难职工",
    "notes": "备注",
    "status": "会员状态",
    "status_note": "状态说明",
    "status_on": "状态生效日期",
    "status_reason": "状态原因",
    "id_kind": "证件类型",
    **{c.key: c.label for c in coded.MEMBER_CODED},
}

_COL = {c: i for i, c in enumerate(COLUMNS)}
_ID_KIND, _MIGRANT, _HOUSEHOLD = _COL["id_kind"], _COL["migrant"], _COL["household"]
_YES = (True, 1, "1", "是", "true", "True")


class Refused(ValueError):
    """A value the rules do not accept; the message is Chinese and says what to do."""


@dataclass(slots=True)  # not frozen: made once per row of a roster, and frozen ones cost more to make
class Checked:
    """The outcome of checking one member: the stored values, and each refused field's message.

    row holds the values in COLUMNS order (a refused field is None); values is the same as a dict.
    """

    row: tuple[Any, ...]
    errors: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def values(self) -> dict[str, Any]:
        return dict(zip(COLUMNS, self.row, strict=True))

    def get(self, column: str) -> Any:
        """One stored value by column name."""
        return self.row[_COL[column]]

    @property
    def message(self) -> str:
        """Every error in one line, each with its field's label: 姓名：…；身份证号：…"""
        return "；".join(f"{LABELS.get(k, k)}：{v}" for k, v in self.errors.items())


# -- the rules, one per field ------------------------------------------------------------------


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def _text_or_none(raw: Any) -> str | None:
    return _text(raw) or None


def _name(raw: Any) -> str:
    try:
        return names.parse(raw)
    except names.InvalidName as exc:
        raise Refused(str(exc)) from None


def _foreign_name(raw: Any, row: list, errors: dict[str, str]) -> None:
    """A foreign national's card carries the name in Latin letters (names.parse's foreign rule)."""
    try:
        row[_COL["name"]] = names.parse(raw, foreign=True)
        del errors["name"]
    except names.InvalidName as exc:
        errors["name"] = str(exc)


def _phone(raw: Any) -> str | None:
    try:
        return phone.parse(raw) or None
    except phone.InvalidPhone as exc:
        raise Refused(str(exc)) from None


def _ethnicity(raw: Any) -> str | None:
    text = _text(raw)
    if not text or text in choices.ETHNICITIES:
        return text or None
    if text + "族" in choices.ETHNICITIES:
        return text + "族"
    raise Refused("民族名称不在 56 个民族之列，请从列表中选择。")


def _choice(options: Sequence[str], what: str) -> Callable[[Any], str | None]:
    message = f"{what}请从列表中选择：" + "、".join(options)

    def rule(raw: Any) -> str | None:
        text = _text(raw)
        if text and text not in options:
            raise Refused(message)
        return text or None

    return rule


def _org_id(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise Refused("所在工会编号应为数字，请从列表中选择。") from None


def _flag(raw: Any) -> int:
    return 1 if raw in _YES else 0


def day(raw: Any, label: str, today: date) -> str:
    """A date as typed (2024-03-01, 2024/3/1, 2024.3.1, 20240301) as ISO text; not after today."""
    text = _text(raw).replace("/", "-").replace(".", "-")
    m = re.fullmatch(r"(\d{4})-?(\d{1,2})-?(\d{1,2})", text)
    try:
        if not m:
            raise ValueError
        value = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise Refused(f"{label}格式应为 年-月-日，如 2024-03-01。") from None
    if value > today:
        raise Refused(f"{label}不能晚于今天。")
    return value.isoformat()


def join_date(raw: Any, today: date) -> str:
    """入会日期 as typed; empty means today."""
    return day(raw, "入会日期", today) if _text(raw) else today.isoformat()


# Fields checked through what a bulk checker remembers of each distinct value: the low-variety ones
# below, 入会日期 (its rule depends on the checker's today) and the name (names repeat).
_MEMO_STEPS = (
    "name",
    "ethnicity",
    "employment_form",
    "new_form",
    "joined_on",
    "org_id",
    *FLAG_FIELDS,
    *CODED_FIELDS,
)
_LOW_VARIETY: dict[str, Callable[[Any], Any]] = {
    "ethnicity": _ethnicity,
    "employment_form": _choice(choices.EMPLOYMENT_FORMS, "用工形式"),
    "new_form": _choice(choices.NEW_FORM_CATEGORIES, "新就业形态类别"),
    "org_id": _org_id,
    "migrant": _flag,
    "mutual_aid": _flag,
    "hardship": _flag,
    **{c.key: _choice(c.values, c.label) for c in coded.MEMBER_CODED},
}
_PLAIN_TEXT = ("job", "card_no", "notes")
# The order errors are listed in (the form's order of fields, top to bottom).
_ERROR_ORDER = (
    "name",
    "id_kind",
    "id_number",
    "phone",
    "ethnicity",
    "employment_form",
    "new_form",
    "joined_on",
    "org_id",
    *CODED_FIELDS,
)
_MEMO_LIMIT = 100_000  # distinct values remembered per field (a roster has a few dozen)


class MemberChecker:
    """check_member for many rows. Make one per run: its memory of values lasts as long as it does,
    and "today" (an empty 入会日期, a date in the future) is the day it was made."""

    def __init__(self, today: date | None = None, *, remember: bool = True):
        self.today = today or date.today()
        self._limit = _MEMO_LIMIT if remember else 0
        self._rules = {**_LOW_VARIETY, "name": _name, "joined_on": self._join_date}
        self._memos: dict[str, dict[Any, tuple[Any, str | None]]] = {f: {} for f in self._rules}
        self._check_all = self.compile(FIELDS)

    def _join_date(self, raw: Any) -> str:
        return join_date(raw, self.today)

    def check(self, fields: Mapping[str, Any]) -> Checked:
        """The rules on a form's values (a missing field is empty)."""
        return self.check_values([fields.get(f) for f in FIELDS])

    def check_values(self, values: Sequence[Any]) -> Checked:
        """The rules on one row's values given in FIELDS order."""
        return self._check_all(values)

    def compile(self, fields: Sequence[str]) -> Callable[[Sequence[Any]], Checked]:
        """check_values for rows that give only these fields, in this order, the others being empty:
        a roster has a few of the columns, and an empty field's outcome is worked out once, not per row."""
        pos = {f: i for i, f in enumerate(fields)}
        template, absent = self._empty(pos)
        identity = self._identity(pos.get("id_number"), pos.get("phone"), pos.get("id_kind"))
        household_at = pos.get("household")
        text = [(pos[f], _COL[f]) for f in _PLAIN_TEXT if f in pos]
        steps = [(pos[f], _COL[f], f, self._rules[f], self._memos[f]) for f in _MEMO_STEPS if f in pos]
        apply = self._apply
        name_at = pos.get("name")

        def check(values: Sequence[Any]) -> Checked:
            row = template.copy()
            errors = absent.copy()
            identity(values, row, errors)
            for i, to in text:
                raw = values[i]
                row[to] = (raw.strip() or None) if type(raw) is str else _text_or_none(raw)
            for i, to, key, rule, memo in steps:
                raw = values[i]
                try:
                    hit = memo.get(raw if type(raw) is str else (type(raw), raw))  # 1, 1.0 and True: one key
                except TypeError:  # unhashable: checked, not remembered
                    hit = None
                if hit is None:
                    hit = apply(rule, raw, memo)
                row[to] = hit[0]
                if hit[1] is not None:
                    errors[key] = hit[1]
            if errors.get("name") == names.NOT_HAN and row[1] and idcard.kind_of(row[1]) == idcard.FOREIGN_PERMIT:
                _foreign_name(values[name_at], row, errors)
            if household_at is not None:  # 农业 or 非农业 decides who is a 农民工
                row[_MIGRANT] = coded.migrant(row[_HOUSEHOLD], row[_MIGRANT])
            if len(errors) > 1:
                errors = {k: errors[k] for k in _ERROR_ORDER if k in errors}
            return Checked(tuple(row), errors)

        return check

    def _empty(self, given: Mapping[str, int]) -> tuple[list[Any], dict[str, str]]:
        """The stored values of a row with only the given fields, and the errors of the missing ones."""
        if given.keys() >= set(FIELDS):
            return [None] * len(COLUMNS), {}
        empty = self._check_all([None] * len(FIELDS))
        return list(empty.row), {k: v for k, v in empty.errors.items() if k not in given}

    def _identity(
        self, id_at: int | None, phone_at: int | None, kind_at: int | None = None
    ) -> Callable[[Sequence[Any], list, dict], None]:
        """The ID number with what it tells (document kind, gender, birth date, birthplace), and the
        phone. A 证件类型 given must be one of the list and agree with the number."""
        today = self.today
        kinds = coded.ID_KINDS.values

        def identity(values: Sequence[Any], row: list, errors: dict[str, str]) -> None:
            kind = _text(values[kind_at]) if kind_at is not None else ""
            if kind and kind not in kinds:
                errors["id_kind"] = f"证件类型请从列表中选择：{'、'.join(kinds)}。"
                kind = ""
            if id_at is not None:
                try:
                    number, gender, born, region, found = idcard.parse(values[id_at], kind=kind or None, today=today)
                    row[1], row[2], row[3], row[4] = number, gender, born.isoformat(), region
                    row[_ID_KIND] = found
                except idcard.InvalidId as exc:
                    errors["id_number"] = str(exc)
            if phone_at is not None:
                try:
                    row[5] = phone.parse(values[phone_at]) or None
                except phone.InvalidPhone as exc:
                    errors["phone"] = str(exc)

        return identity

    def _apply(self, rule: Callable[[Any], Any], raw: Any, memo: dict) -> tuple[Any, str | None]:
        hit: tuple[Any, str | None]
        try:
            hit = (rule(raw), None)
        except Refused as exc:
            hit = (None, str(exc))
        if len(memo) < self._limit:
            with suppress(TypeError):  # unhashable: not remembered
                memo[raw if type(raw) is str else (type(raw), raw)] = hit
        return hit


def check_member(fields: Mapping[str, Any]) -> Checked:
    """The member form's rules on raw values: what would be stored, and every refused field."""
    return MemberChecker(remember=False).check(fields)


def check_record(record: Mapping[str, Any], today: date | None = None) -> Checked:
    """A member record as stored (a sync file's row) checked as if it were typed: the same rules, and
    every stored value already in the form the rules give (gender, birth date and birthplace agreeing
    with the ID number; status one of the four). An empty 入会日期 stays empty."""
    checked = MemberChecker(today, remember=False).check(record)
    errors = dict(checked.errors)
    row = list(checked.row)
    if _text(record.get("joined_on")) == "" and "joined_on" not in errors:
        row[_COL["joined_on"]] = None
    for key in COLUMNS:
        if key in errors or key == "org_id" or (key in DERIVED and "id_number" in errors):
            continue
        if key not in record:  # a field the record does not carry (a file of an older format)
            continue
        stored, clean = record.get(key), row[_COL[key]]
        if key in FLAG_FIELDS:
            if stored not in (0, 1, True, False, None, ""):
                errors[key] = f"只能是 0 或 1，现在是“{stored}”。"
        elif (stored if stored != "" else None) != clean:
            errors[key] = f"“{_text(stored)}”不是规范写法（应为“{_text(clean)}”）。"
    status = record.get("status", choices.LIVE)
    if status not in choices.MEMBER_STATUSES:
        errors["status"] = f"会员状态只能是：{'、'.join(choices.MEMBER_STATUSES)}。"
    return Checked(tuple(row), errors)
