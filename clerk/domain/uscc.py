"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

The check digit is computed with python-stdnum's `cn.uscc.calc_check_digit`. Its `validate()`
is not used: it insists that the first eight characters are digits, but GB 32100 also has
registering-authority letters (A 中央军委改革和编制办公室, N 农业农村部门 — e.g. village collective
economic organisations, N2…, Y 其他), so real codes would be refused.

Which organisations must have one (see `required_for`): an enterprise union, a government or
public-institution union and a social-organisation union each sit in one registered legal
entity, and its code is what keeps two records of the same employer apart. A township union, a
village or community union, and the joint and federated unions (联合工会, 行业/区域性工会联合会)
often have no code of their own to give: they are not always registered as legal persons, and
a joint union covers many small employers, none of whose codes names it. For them it is optional.
"""

from __future__ import annotations

import re
import unicodedata

from stdnum.cn import uscc as _stdnum

# GB 32100: characters a code may use (no I, O, S, V, Z) and the registering authorities.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
AUTHORITIES = "123456789ANY"
_JUNK = re.compile(r"[\s\-‐‑–—_'’‘`\"“”]")

REQUIRED_KINDS = ("企业工会", "机关事业单位工会", "社会组织工会")


class InvalidUscc(ValueError):
    """The message says in Chinese what is wrong with the code (shown after the field's label)."""


def normalize(raw: object) -> str:
    """Full-width to ASCII, spaces and dashes removed, upper-cased."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    return _JUNK.sub("", text).upper()


def required_for(kind: str | None) -> bool:
    """Whether an organisation of this kind must give its unit's credit code."""
    return kind in REQUIRED_KINDS


def parse(raw: object) -> str:
    """Return the normalized code ('' for empty); raise InvalidUscc with a Chinese message."""
    code = normalize(raw)
    if not code:
        return ""
    if len(code) != 18:
        raise InvalidUscc(f"应为 18 位，现在是 {len(code)} 位。")
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        shown = "、".join(bad)
        raise InvalidUscc(f"不能含有“{shown}”（代码不用字母 I、O、S、V、Z，请核对是否把数字 1、0、5、2 看错了）。")
    if code[0] not in AUTHORITIES:
        raise InvalidUscc(f"第 1 位（登记管理部门代码）不能是“{code[0]}”，请核对。")
    if not code[2:8].isdigit():
        raise InvalidUscc("第 3–8 位是登记地的行政区划代码，应为数字，请核对。")
    expected = _stdnum.calc_check_digit(code[:17])
    if code[17] != expected:
        raise InvalidUscc("校验位（最后一位）对不上，可能有一位抄错了，请对照营业执照或登记证书核对。")
    return code


def is_valid(raw: object) -> bool:
    """Whether parse() accepts the code (an empty one is not valid)."""
    try:
        return bool(parse(raw))
    except InvalidUscc:
        return False


def with_check_digit(body: str) -> str:
    """The first 17 characters plus their check digit (for tests and demo data)."""
    body = normalize(body)[:17]
    return body + _stdnum.calc_check_digit(body)
