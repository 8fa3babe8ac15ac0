"""Yearly targets (年度目标任务): the categories a union is given numbers for, and how they are typed.

A target is a count for one unit, one year and one category: new members in all, new members who
are migrant workers (农民工), new-employment-form workers, women, and new unions. A district sets
them for each township, a city for each district; a unit with none from above types its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MEMBERS, MIGRANT, NEW_FORM, WOMEN, UNIONS = "新入会会员", "农民工", "新就业形态劳动者", "女职工", "新建工会"
CATEGORIES = (MEMBERS, MIGRANT, NEW_FORM, WOMEN, UNIONS)
# Short labels where a row of five has to fit 80 columns.
SHORT = {MEMBERS: "新会员", MIGRANT: "农民工", NEW_FORM: "新就业形态", WOMEN: "女职工", UNIONS: "新建工会"}

_SYNONYMS = {
    MEMBERS: ("新入会会员", "新会员", "新入会", "会员", "入会", "全部", "合计", "发展会员", "新发展会员"),
    MIGRANT: ("农民工", "农民工会员", "农民工入会"),
    NEW_FORM: ("新就业形态劳动者", "新就业形态", "新就业", "新业态", "新就业形态会员", "新就业形态劳动者入会"),
    WOMEN: ("女职工", "女性", "女", "女会员", "女职工会员"),
    UNIONS: ("新建工会", "建会", "新建会", "工会", "新建基层工会", "新组建工会"),
}
_LOOKUP = {name: category for category, names in _SYNONYMS.items() for name in names}

FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_COUNT = 10_000_000


class InvalidTarget(ValueError):
    """A value a clerk typed that is not a target; the message says what to type instead."""


def category(raw: object) -> str:
    """'农民工', '新就业形态', '女' ... -> the category; raise InvalidTarget otherwise."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "" if raw is None else str(raw)))
    found = _LOOKUP.get(text)
    if found is None:
        raise InvalidTarget(f"类别“{raw}”不认识。请写：{'、'.join(CATEGORIES)}。")
    return found


def year(raw: object) -> int:
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip().removesuffix("年")
    if not re.fullmatch(r"\d{4}", text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise InvalidTarget(f"年度“{raw}”不对。请写四位年份，如 2026。")
    return int(text)


def count(raw: object) -> int:
    """'830', '830人', '8.3万' -> 830 / 83000; raise InvalidTarget otherwise."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip().replace(",", "")
    text = re.sub(r"[人个家]$", "", text)
    scale = 1
    if text.endswith("万"):
        text, scale = text[:-1], 10_000
    try:
        value = float(text) * scale if scale != 1 else int(text)
    except ValueError:
        raise InvalidTarget(f"目标数“{raw}”不是数字。请写整数，如 830（也可写 8.3万）。") from None
    if value != int(value) or value < 0 or value > MAX_COUNT:
        raise InvalidTarget(f"目标数“{raw}”不对。请写 0 到 {MAX_COUNT:,} 之间的整数。")
    return int(value)


@dataclass(frozen=True)
class Progress:
    """One category's target and what has been done toward it."""

    category: str
    target: int | None
    done: int

    @property
    def rate(self) -> float | None:
        if not self.target:
            return None
        return self.done / self.target

    @property
    def label(self) -> str:
        """'农民工 412/830 49.6%' (no target: '农民工 412')."""
        if self.target is None:
            return f"{self.category} {self.done:,}（未定目标）"
        rate = self.rate
        share = "—" if rate is None else f"{rate:.1%}"
        return f"{self.category} {self.done:,}/{self.target:,} {share}"


def child_level(code: str) -> int | None:
    """The length of the codes of the units one level below a unit (None for a township)."""
    if len(code) >= 9:
        return None
    return 9 if len(code) == 6 else 6
