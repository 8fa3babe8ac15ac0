"""Person names and their pinyin search keys."""

from __future__ import annotations

import re
import unicodedata

# Middle dots used in minority names (买买提·艾力), unified to one.
_DOTS = re.compile(r"[·•‧∙・．.]")

# Chinese characters: the unified ideographs of the BMP and of the planes beyond it (where rare name
# characters such as 𠮷 and 𪚥 live), the compatibility ideographs, and 〇.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f\U00030000-\U000323af"
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_CHINESE_NAME = re.compile(f"[{HAN}]+(?:·[{HAN}]+)*")
# A foreign national's name as on the permanent residence card: Latin words (maybe with a Chinese name).
_FOREIGN_NAME = re.compile(f"[{LATIN}{HAN}]+(?:(?: |-|'|·)[{LATIN}{HAN}]+)*")
_SPACES_BETWEEN_HAN = re.compile(f"(?<=[{HAN}])\\s+(?=[{HAN}])|\\s*·\\s*")

# Characters that are not seen on screen but are stored: a name must look like what it is.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2065\u206a-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000e0000-\U000e0fff]"
)
FORMULA_START = ("=", "+", "-", "@")

NOT_HAN = "姓名是拼音或外文字母。居民身份证上的姓名应填汉字（只有外国人永久居留身份证按证件填外文姓名）。"


class InvalidName(ValueError):
    pass


def normalize(raw: object) -> str:
    """Trim, fold full-width letters, drop spaces between Chinese characters (张 三 -> 张三)."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw)).strip()
    text = _DOTS.sub("·", text)
    text = _SPACES_BETWEEN_HAN.sub(lambda m: "·" if "·" in m.group() else "", text)
    return re.sub(r"\s+", " ", text)


# Most names a roster or a sync file brings: two to four Chinese characters, nothing to normalize.
_PLAIN = re.compile(r"[\u4e00-\u9fff]{2,4}")


def parse(raw: object, *, foreign: bool = False) -> str:
    """The name as stored, or InvalidName saying in Chinese what is wrong.

    Chinese characters, with the middle dot between the parts of a minority name; Latin letters
    only on a foreign national's card (foreign=True). Hidden characters, emoji and formula-like
    text are refused, never cleaned away: what is stored is what the clerk saw."""
    if type(raw) is str and _PLAIN.fullmatch(raw):
        return raw  # every rule below leaves a plain name as it is: keep this true when adding rules
    text = ("" if raw is None else str(raw)).strip()
    hidden = _hidden(text)
    if hidden:
        raise InvalidName(hidden)
    name = normalize(text)
    if not name:
        raise InvalidName("姓名不能为空。")
    if len(name) > 40:
        raise InvalidName("姓名太长（超过 40 个字），请检查。")
    well_formed = _CHINESE_NAME.fullmatch(name) or (foreign and _FOREIGN_NAME.fullmatch(name))
    if well_formed and (not _BEYOND_BMP.search(name) or all(unicodedata.name(c, "") for c in name)):
        return name
    raise InvalidName(_why(name, foreign))


def _hidden(text: str) -> str | None:
    if _CONTROL.search(text):
        return "姓名里有看不见的控制字符（如换行、制表符），请删掉后重新填写。"
    if _BIDI.search(text):
        return "姓名里有改变文字显示方向的隐藏字符（看到的和存下的不一样），请删掉后重新填写。"
    if _INVISIBLE.search(text) or any(unicodedata.category(c) == "Cf" for c in text if ord(c) > 0x7F):
        return "姓名里有看不见的零宽字符（常见于从网页或聊天软件复制的文字），请删掉后重新输入。"
    return None


def _why(name: str, foreign: bool) -> str:
    """Why a name that is not plain Chinese characters (or a foreign name) is refused."""
    if name.startswith(FORMULA_START):
        return "姓名不能以 =、+、-、@ 开头（这是电子表格公式的写法），请填写证件上的姓名。"
    if re.search(r"\d", name):
        return "姓名里不能有数字，请检查是否填错了列。"
    for char in name:
        if unicodedata.category(char) in ("So", "Sk"):
            return f"姓名里不能有表情符号或图形符号（“{char}”），请填写证件上的姓名。"
        if unicodedata.category(char) in ("Cs", "Co", "Cn"):
            return f"姓名里有无法显示的字符（编码 U+{ord(char):04X}），请重新输入姓名。"
    if re.search(f"[{LATIN}]", name) and not foreign:
        return NOT_HAN
    if "·" in name:
        return "姓名里的间隔号“·”只能写在两个字之间，如 买买提·艾力。"
    for char in name:
        if not re.fullmatch(f"[{LATIN}{HAN}]", char):
            shown = "空格" if char == " " else f"“{char}”"
            return f"姓名里有不能用于姓名的字符：{shown}。请填写证件上的姓名。"
    return "姓名的写法不对，请填写证件上的姓名。"


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
