"""Cell values as readers give them (str, float, int, bool, date, datetime, ...) turned into text.

Nothing here evaluates anything: a cell that reads =HYPERLINK(...) is that text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def to_text(value: object) -> str:
    """The text a clerk sees in the cell (numbers as Excel shows them to 15 significant digits)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value
    if kind is float:
        return number_text(value)  # type: ignore[arg-type]
    if kind is int:
        return str(value)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is dt.datetime:
        if value.time() == dt.time(0, 0):  # type: ignore[attr-defined]
            return value.date().isoformat()  # type: ignore[attr-defined]
        return value.isoformat(sep=" ", timespec="seconds")  # type: ignore[attr-defined]
    if kind is dt.date:
        return value.isoformat()  # type: ignore[attr-defined]
    if kind is dt.time:
        return value.isoformat(timespec="seconds")  # type: ignore[attr-defined]
    return str(value)


def number_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if value.is_integer():
        if abs(value) < 1e15:
            return str(int(value))
        # Excel keeps 15 significant digits: 440301199001011234 is stored as 440301199001011000.
        return str(int(Decimal(f"{value:.15g}")))
    return f"{value:.15g}"


def is_number(value: object) -> bool:
    return type(value) in (float, int)


def lost_digits(value: object) -> bool:
    """A number of 15 or more digits: Excel has already dropped what came after the 15th."""
    return is_number(value) and abs(value) >= 1e14  # type: ignore[operator]


def is_blank(value: object) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())  # type: ignore[union-attr]
