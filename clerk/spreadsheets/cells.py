"""Cell values as readers give them (str, float, int, bool, date, datetime, ...) turned into text.

Nothing here evaluates anything: a cell that reads =HYPERLINK(...) is that text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TypeGuard


def to_text(value: object) -> str:
    """The text a clerk sees in the cell (numbers as Excel shows them to 15 significant digits)."""
    if value is None:
        return ""
    # type() is, not isinstance: bool is an int and a datetime a date, each shown its own way.
    if type(value) is str:
        return value
    if type(value) is float:
        return number_text(value)
    if type(value) is int:
        return str(value)
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    if type(value) is dt.datetime:
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if type(value) is dt.date:
        return value.isoformat()
    if type(value) is dt.time:
        return value.isoformat(timespec="seconds")
    return str(value)


def number_text(value: float) -> str:
    """A number as Excel shows it: whole numbers without .0, at most 15 significant digits."""
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    if value.is_integer():
        if abs(value) < 1e15:
            return str(int(value))
        # Excel keeps 15 significant digits: 440301199001011234 is stored as 440301199001011000.
        return str(int(Decimal(f"{value:.15g}")))
    return f"{value:.15g}"


def is_number(value: object) -> TypeGuard[float | int]:
    """A number cell (a bool is not one)."""
    return type(value) in (float, int)


def lost_digits(value: object) -> bool:
    """A number of 15 or more digits: Excel has already dropped what came after the 15th."""
    return is_number(value) and abs(value) >= 1e14


def is_blank(value: object) -> bool:
    """An empty cell, or one holding only white space."""
    return value is None or value == "" or (type(value) is str and not value.strip())
