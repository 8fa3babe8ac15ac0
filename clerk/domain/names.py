"""Person names and their pinyin search keys."""

from __future__ import annotations

import re
import unicodedata

# Middle dots used in minority names (买买提·艾力), unified to one.
_DOTS = re.compile(r"[·•‧∙・．.]")


class InvalidName(ValueError):
    pass


def normalize(raw: object) -> str:
    """Trim, fold full-width letters, drop spaces between Chinese characters (张 三 -> 张三)."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip()
    text = _DOTS.sub("·", text)
    text = re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", text)
    return re.sub(r"\s+", " ", text)


# Most names a roster or a sync file brings: two to four Chinese characters, nothing to normalize.
_PLAIN = re.compile(r"[\u4e00-\u9fff]{2,4}")


def parse(raw: object) -> str:
    """The name as stored; raise InvalidName with a Chinese message."""
    if type(raw) is str and _PLAIN.fullmatch(raw):
        return raw  # every rule below leaves a plain name as it is: keep this true when adding rules
    name = normalize(raw)
    if not name:
        raise InvalidName("姓名不能为空。")
    if len(name) > 40:
        raise InvalidName("姓名太长（超过 40 个字），请检查。")
    if re.search(r"\d", name):
        raise InvalidName("姓名里不能有数字，请检查是否填错了列。")
    return name


# Surnames read differently from the everyday character (曾 is zeng, not ceng, as a surname):
# a clerk types the surname reading, so the search keys must use it.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
    "缪": "miao",
    "覃": "qin",
    "种": "chong",
    "尉": "yu",
    "乐": "yue",
    "翟": "zhai",
    "召": "shao",
    "万俟": "mo qi",
    "尉迟": "yu chi",
    "长孙": "zhang sun",
}


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower-case ASCII: 张三 -> ('zhangsan', 'zs'), 曾伟 -> ('zengwei', 'zw')."""
    head: list[str] = []  # a lone character is not a surname: 曾 alone stays ceng
    for surname in (name[:2], name[:1]):
        if surname in SURNAME_READINGS and len(name) > len(surname):
            head = SURNAME_READINGS[surname].split()
            name = name[len(surname) :]
            break
    # Imported here: loading pypinyin's dictionaries takes about 0.3 s, which the app's start-up
    # (home screen, search) does not need to pay; the first member registered does.
    from pypinyin import Style, lazy_pinyin

    syllables = head + [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    syllables = [re.sub(r"[^a-z]", "", s) for s in syllables]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def grams(name: str) -> set[str]:
    """Every 1- and 2-character piece of the name: the keys of the name search index."""
    chars = name.replace(" ", "")
    return set(chars) | {chars[i : i + 2] for i in range(len(chars) - 1)}
