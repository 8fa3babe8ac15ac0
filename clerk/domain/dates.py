"""Dates as clerks type them: 2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日."""

from __future__ import annotations

import re
import unicodedata
from datetime import date


class InvalidDate(ValueError):
    pass


def parse(raw: object, label: str = "日期", *, today: date | None = None, allow_future: bool = False) -> str:
    """Return an ISO date ('' for empty); raise InvalidDate naming the field in Chinese."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip()
    if not text:
        return ""
    text = re.sub(r"[年月/.]", "-", text).rstrip("日").strip()
    m = re.fullmatch(r"(\d{4})-?(\d{1,2})-?(\d{1,2})", text)
    try:
        if not m:
            raise ValueError
        value = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise InvalidDate(f"{label}格式应为 年-月-日，如 2024-03-01。") from None
    if not allow_future and value > (today or date.today()):
        raise InvalidDate(f"{label}不能晚于今天。")
    if value.year < 1900:
        raise InvalidDate(f"{label}年份不对，请核对。")
    return value.isoformat()
