"""Phone numbers: an 11-digit mainland mobile, or a landline with its area code."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area codes are 010, 02x, or 0 + 3 digits; local numbers 7 or 8 digits; optional extension.
_LANDLINE = re.compile(r"(0(?:10|2[0-9]|[3-9][0-9]{2}))-?([0-9]{7,8})(?:-([0-9]{1,6}))?")


class InvalidPhone(ValueError):
    pass


def normalize(raw: object) -> str:
    """Drop spaces, brackets, dots and a +86/0086 prefix; keep dashes between parts."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip()
    text = re.sub(r"[\s().（）]", "", text)
    text = re.sub(r"^(\+?86|0086)-?(?=1[3-9])", "", text)
    digits = text.replace("-", "")
    if _MOBILE.fullmatch(digits):
        return digits
    return text


def parse(raw: object) -> str:
    """Return the canonical phone ('' for empty); raise InvalidPhone with a Chinese message."""
    if type(raw) is str and len(raw) == 11 and _MOBILE.fullmatch(raw):
        return raw  # already canonical: most numbers of a roster
    text = normalize(raw)
    if not text:
        return ""
    if _MOBILE.fullmatch(text):
        return text
    match = _LANDLINE.fullmatch(text)
    if match:
        area, local, ext = match.groups()
        return f"{area}-{local}" + (f"-{ext}" if ext else "")
    if text.isdigit() and text.startswith("1"):
        raise InvalidPhone(f"手机号应为 11 位，以 13-19 开头，现在是 {len(text)} 位。")
    raise InvalidPhone("电话号码格式不对：请填 11 位手机号，或带区号的座机（如 023-12345678）。")
