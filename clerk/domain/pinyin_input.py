"""Chinese names from pinyin typed in Latin letters, for machines with no Chinese input method.

A clerk types `zhangsan` (or `zhang san`, `zhangs`, `zs`) and is offered 张三, 张珊, ... and then
张, 章, ... the way an input method offers them: whole names first, then the surname alone, ranked by
how often each occurs in names. Picking a candidate replaces the pinyin it stands for; the rest of
the pinyin is offered again as given-name characters.

Where the figures come from:
- readings: pypinyin's character dictionary (every reading of every character, the usual one first)
  and names.SURNAME_READINGS for surnames read differently from the everyday character (曾 zeng);
- how often a character occurs in names: the person names (tag `nr`) in jieba's dictionary
  (dict.txt) give surname and given-name counts, its one-character words everyday frequency for
  characters that no name there uses;
- this database's own names (a township repeats its surnames), weighed against the library data as
  if that were PRIOR_NAMES names of the township.

Loading reads about 40,000 characters' readings and jieba's dictionary once per process (see
bench/pinyin_input.py); every key press after that works on small cached lists.
"""

from __future__ import annotations

import heapq
import importlib.util
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from clerk.domain.names import SURNAME_READINGS

SEPARATORS = " '"
MAX_SYLLABLE = 6  # zhuang, shuang
MAX_NAME = 4  # characters a name is built from at once; longer input is offered piece by piece
PRIOR_NAMES = 100  # the library data weighs as much as this many of the township's own names
SECONDARY_READING = 0.1  # a character read its less usual way (王 yu) comes after those read it usually
SECONDARY_SURNAME_READING = 1e-6  # a surname is read one way (方 is fang, never wang): others after any character
LONGER_SYLLABLE = 1e-6  # the last piece may start a longer syllable (xi -> xiao): those come after
EVERYDAY = 0.02  # everyday frequency only orders the characters no name in the library uses
RARE_CHARACTER = 0.01  # outside GB 2312: rare or traditional characters, unless this township uses them
NOT_A_SURNAME = 0.001  # any character may be a rare surname, after all the known ones
SPLIT_SLACK = 1  # splits costing more than the cheapest by this are not offered (zhang'san, not zhang'sa'n)
MAX_CANDIDATES = 450  # 50 pages: past that, another letter narrows it faster
FULL_NAMES_FIRST = 3  # whole-name candidates before the surname (or first character) alone

INITIALS = frozenset({"b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s"})
INITIALS |= {"zh", "ch", "sh", "y", "w"}
# Compound surnames (复姓), the ones still met today first. Readings of the two characters follow the
# surname rules, not the everyday ones (单于 is chan yu).
_COMPOUNDS = (
    "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文司徒令狐夏侯轩辕端木独孤南宫西门万俟闻人赫连澹台公冶宗政濮阳"
    "淳于单于太叔申屠仲孙钟离鲜于闾丘司空呼延完颜拓跋百里东郭第五左丘梁丘公羊漆雕乐正谷梁公良巫马公西羊舌微生"
    "段干亓官司寇颛孙壤驷"
)
COMPOUND_SURNAMES = frozenset(_COMPOUNDS[i : i + 2] for i in range(0, len(_COMPOUNDS), 2))
# The hundred commonest surnames of the national household register, commonest first: they lead the
# surname candidates (jieba's person names alone put 掌 before 章).
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
RANKED = 0.7  # the share of a surname's weight that comes from that ranking, the rest from jieba
COMPOUND_READINGS = {"单于": "chan yu", "乐正": "yue zheng", "万俟": "mo qi", "尉迟": "yu chi", "长孙": "zhang sun"}
# The single surnames of the Hundred Family Surnames (百家姓) and the few common today that it lacks:
# which characters that begin a person's name in jieba's dictionary are surnames (阿, 小, 斯 are not).
SURNAMES = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马"
    "苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪"
    "祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田"
    "樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封"
    "芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶"
    "郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍卻璩桑桂濮牛寿通边"
    "扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚"
    "越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公仉督晋楚闫法汝鄢涂"
    "钦归海岳帅缑亢况郈有琴商牟佘佴伯赏墨哈谯笪年爱阳佟言福"
    "肖付冼覃钟"
)

_RANK = {s: 1 / (rank + 10) for rank, s in enumerate(COMMON_SURNAMES)}
_RANK = {s: w / sum(_RANK.values()) for s, w in _RANK.items()}
_CJK = re.compile(r"^[\u3400-\u9fff]+$")
_HANZI = re.compile(r"[\u3400-\u9fff]")


class Candidate(NamedTuple):
    text: str  # the characters offered
    consumed: int  # how many characters at the start of the typed pinyin they replace


@dataclass(frozen=True)
class Piece:
    """One syllable (or the start of one) in the typed pinyin."""

    text: str
    start: int
    end: int
    kind: str  # "full": a whole syllable; "initial": an abbreviation (zs); "last": the end of the input
    cost: int  # 1 for a whole syllable, 2 for an unfinished one at the end, 3 for an abbreviation


def composition_letters(text: str) -> bool:
    """True when text is pinyin being typed: lower-case letters with spaces or apostrophes between."""
    return (
        bool(text)
        and text[0].isascii()
        and text[0].islower()
        and all(c in SEPARATORS or c.isascii() and c.islower() for c in text)
    )


# --------------------------------------------------------------------------------------------------
# Readings and library counts, loaded once per process


class _Library:
    """Readings from pypinyin and name counts from jieba: what every database starts from."""

    def __init__(self) -> None:
        self.readings = _char_readings()
        self.syllables = frozenset(r for rs in self.readings.values() for r in rs if _is_syllable(r))
        self.prefixes = frozenset(s[:i] for s in self.syllables for i in range(1, len(s) + 1))
        self.by_syllable: dict[str, list[tuple[str, float]]] = defaultdict(list)  # char, reading factor
        for char, readings in self.readings.items():
            for rank, reading in enumerate(readings):
                if reading in self.syllables:
                    self.by_syllable[reading].append((char, 1.0 if rank == 0 else SECONDARY_READING))
        self.surname_readings: dict[str, tuple[str, ...]] = {}
        for surname, reading in {**SURNAME_READINGS, **COMPOUND_READINGS}.items():
            self.surname_readings[surname] = tuple(reading.split())
        for surname in COMPOUND_SURNAMES:
            if surname not in self.surname_readings:
                self.surname_readings[surname] = tuple(self.readings.get(c, ("",))[0] for c in surname)
        self.surnames, self.given, self.everyday = _jieba_counts()

    def surname_syllables(self, surname: str) -> list[tuple[tuple[str, ...], float]]:
        """Ways to read a surname, each with its factor: the surname reading first."""
        special = self.surname_readings.get(surname)
        if len(surname) > 1:
            return [(special, 1.0)] if special else []
        ways: list[tuple[tuple[str, ...], float]] = [((special[0],), 1.0)] if special else []
        for rank, reading in enumerate(self.readings.get(surname, ())):
            if not special or reading != special[0]:
                ways.append(((reading,), SECONDARY_SURNAME_READING if special or rank else 1.0))
        return ways


def _is_syllable(reading: str) -> bool:
    # Interjections without a vowel (嗯 ng, 呣 m, 哼 hng) would split zhangsan as zha-ng-san.
    return bool(reading) and any(v in reading for v in "aeiouv")


def _char_readings() -> dict[str, tuple[str, ...]]:
    from pypinyin.phonetic_symbol import phonetic_symbol
    from pypinyin.pinyin_dict import pinyin_dict

    plain = str.maketrans({k: v[0] for k, v in phonetic_symbol.items() if len(k) == 1} | {"ü": "v"})
    out: dict[str, tuple[str, ...]] = {}
    for code, readings in pinyin_dict.items():
        if 0x3400 <= code <= 0x9FFF:
            seen = dict.fromkeys(r.translate(plain) for r in readings.split(","))
            kept = tuple(r for r in seen if r.isascii() and r.isalpha())
            if kept:
                out[chr(code)] = kept
    return out


def _jieba_dictionary() -> str:
    spec = importlib.util.find_spec("jieba")  # its path only: importing jieba builds models we do not use
    if spec is None or spec.origin is None:
        raise RuntimeError("jieba is not installed")
    return (Path(spec.origin).parent / "dict.txt").read_text(encoding="utf-8")


def _gb2312() -> frozenset[str]:
    """The 6,763 characters of GB 2312: the everyday simplified ones."""
    rows = bytes(b for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF) for b in (hi, lo))
    return frozenset(rows.decode("gb2312", errors="ignore"))


COMMON = _gb2312()


def _common(char: str) -> bool:
    return char in COMMON


def split_surname(name: str) -> tuple[str, str]:
    """(surname, given name): 欧阳娜娜 -> ('欧阳', '娜娜'), 张三 -> ('张', '三')."""
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def _jieba_counts() -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(surnames, given-name characters, everyday characters) counted in jieba's dictionary."""
    text = _jieba_dictionary()
    people = [w for w in re.findall(r"^(\S{2,4}) \d+ nr$", text, re.M) if COMMON.issuperset(w)]
    parts = [split_surname(w) for w in people]
    known = SURNAMES | COMPOUND_SURNAMES | set(COMMON_SURNAMES)
    surnames = Counter(s for s, _ in parts if s in known)
    # Names of two given characters only: two-character words are as often 老王 or 张姐 as names.
    given = Counter(c for s, g in parts if s in known and len(g) == 2 for c in g)
    everyday = Counter({c: int(n) for c, n in re.findall(r"^(\S) (\d+) ", text, re.M)})
    return surnames, given, everyday


_library: _Library | None = None
_library_lock = threading.Lock()


def library() -> _Library:
    """The library data, loaded on first use (from any thread) and kept."""
    global _library
    with _library_lock:
        if _library is None:
            _library = _Library()
        return _library


# --------------------------------------------------------------------------------------------------
# Splitting typed pinyin into syllables


def split(typed: str, syllables: frozenset[str], prefixes: frozenset[str]) -> list[list[Piece]]:
    """The plausible ways to read typed pinyin as syllables, cheapest first.

    A whole syllable costs 1, an unfinished one at the very end 2, an abbreviation (z for zhang) 3:
    xian is xian before xi'an, zhangs is zhang + s..., zs is z... + s.... A space or apostrophe
    always ends a syllable. Splits costing more than the cheapest by SPLIT_SLACK are left out.
    """
    text = typed.lower()
    n = len(text)
    best: list[list[tuple[int, tuple[Piece, ...]]]] = [[] for _ in range(n + 1)]
    best[0].append((0, ()))
    for i in range(n):
        if not best[i]:
            continue
        if text[i] in SEPARATORS:
            _keep(best[i + 1], best[i])
            continue
        for length in range(1, min(MAX_SYLLABLE, n - i) + 1):
            piece = text[i : i + length]
            if not piece.isalpha() or piece not in prefixes:
                break
            found = _classify(text, i, length, syllables)
            if found is None:
                continue
            cost, kind = found
            made = [(c + cost, pieces + (Piece(piece, i, i + length, kind, cost),)) for c, pieces in best[i]]
            _keep(best[i + length], made)
    done = best[n]
    if not done:
        return []
    cheapest = done[0][0]
    return [list(pieces) for cost, pieces in done if cost <= cheapest + SPLIT_SLACK and pieces]


def _classify(text: str, i: int, length: int, syllables: frozenset[str]) -> tuple[int, str] | None:
    """(cost, kind) of the piece text[i:i+length], or None when it cannot be one."""
    piece = text[i : i + length]
    at_end = i + length == len(text)
    if piece in syllables:
        # pinyin writes xi'an: without the apostrophe, xian is one syllable
        vowel_after_syllable = piece[0] in "aoe" and i > 0 and text[i - 1] not in SEPARATORS
        return 1 + vowel_after_syllable, "last" if at_end else "full"
    if at_end:
        return 2, "last"
    if piece in INITIALS:
        return 3, "initial"
    return None


def _keep(slot: list[tuple[int, tuple[Piece, ...]]], new: list[tuple[int, tuple[Piece, ...]]], k: int = 8) -> None:
    slot.extend(new)
    slot.sort(key=lambda item: (item[0], len(item[1])))
    del slot[k:]


# --------------------------------------------------------------------------------------------------
# Candidates


class NameInput:
    """Candidates for a person's name typed in pinyin, from the library data and this database's names.

    Build it from the names a database already holds (any iterable of names, repeats counted);
    `learn` adds a name saved since. Safe to build in a worker thread; `suggest` is for one thread.
    """

    starts_names = True  # pinyin typed into an empty field is a surname first

    def __init__(self, names: Iterable[str] = ()):
        self.lib = library()
        self.db_surnames: Counter[str] = Counter()
        self.db_given: Counter[str] = Counter()
        self.known: dict[str, Counter[str]] = defaultdict(Counter)  # initials -> whole names
        self._db_surname_total = self._db_given_total = 0
        self._syllables_of: dict[tuple[str, str], list[tuple[str, float]]] = {}
        for name, count in Counter(names).items():
            self._count(name, count)
        # Ranked lists per (piece text, piece kind), dropped when a new name is learned.
        self._given_lists: dict[tuple[str, str], list[tuple[str, float]]] = {}
        self._surname_lists: dict[tuple[str, str], list[tuple[str, int, float]]] = {}
        lib = self.lib
        self._given_total = sum(lib.given.values()) or 1
        self._everyday_total = sum(lib.everyday.values()) or 1
        self._surname_total = sum(lib.surnames.values()) or 1
        self._surnames_of: dict[str, list[tuple[str, float]]] = defaultdict(list)  # first syllable -> surname
        for surname in SURNAMES | set(COMMON_SURNAMES) | set(lib.surname_readings) | COMPOUND_SURNAMES:
            for syllables, factor in lib.surname_syllables(surname):
                self._surnames_of[syllables[0]].append((surname, factor))

    def _count(self, name: str, count: int = 1) -> None:
        if not _CJK.match(name) or len(name) < 2:
            return
        surname, given = split_surname(name)
        self.db_surnames[surname] += count
        for char in given:
            self.db_given[char] += count
        self._db_surname_total += count
        self._db_given_total += len(given) * count
        self.known[self._initials(name)][name] += count

    def learn(self, name: str) -> None:
        """Count a name just saved, so the next registration offers it sooner."""
        self._count(name)
        self._given_lists.clear()
        self._surname_lists.clear()

    def _initials(self, name: str) -> str:
        surname, given = split_surname(name)
        special = self.lib.surname_readings.get(surname)
        head = "".join(s[0] for s in special) if special else self._initial(surname)
        return head + "".join(map(self._initial, given))

    def _initial(self, char: str) -> str:
        return self.lib.readings.get(char, (char,))[0][0]

    # Weights -----------------------------------------------------------------------------------

    def _given_weight(self, char: str) -> float:
        lib = self.lib
        prior = lib.given[char] / self._given_total + EVERYDAY * lib.everyday[char] / self._everyday_total
        db = self.db_given[char]
        weight = (PRIOR_NAMES * prior + db) / (PRIOR_NAMES + self._db_given_total) + 1e-12
        return weight if db or _common(char) else weight * RARE_CHARACTER

    def _surname_weight(self, surname: str) -> float:
        prior = (1 - RANKED) * self.lib.surnames[surname] / self._surname_total + RANKED * _RANK.get(surname, 0.0)
        db = self.db_surnames[surname]
        weight = (PRIOR_NAMES * prior + db) / (PRIOR_NAMES + self._db_surname_total)
        if weight == 0:
            return NOT_A_SURNAME * self._given_weight(surname) if len(surname) == 1 else 1e-12
        return weight if db or all(map(_common, surname)) else weight * RARE_CHARACTER

    # Ranked lists per piece -------------------------------------------------------------------

    def _matching(self, piece: Piece) -> list[tuple[str, float]]:
        """Syllables a piece may stand for, each with its factor."""
        if piece.kind == "full":
            return [(piece.text, 1.0)]
        key = (piece.text, piece.kind)
        if key not in self._syllables_of:
            out = [(s, 1.0) for s in self.lib.syllables if s.startswith(piece.text)]
            if piece.kind == "last" and piece.text in self.lib.syllables:
                out = [(s, 1.0 if s == piece.text else LONGER_SYLLABLE) for s, _ in out]
            self._syllables_of[key] = out
        return self._syllables_of[key]

    def given_chars(self, piece: Piece) -> list[tuple[str, float]]:
        """Characters for one piece in a given name, most likely first."""
        key = (piece.text, piece.kind)
        if key in self._given_lists:
            return self._given_lists[key]
        best: dict[str, float] = {}
        for syllable, factor in self._matching(piece):
            for char, reading in self.lib.by_syllable.get(syllable, ()):
                weight = self._given_weight(char) * reading * factor
                if weight > best.get(char, 0.0):
                    best[char] = weight
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        self._given_lists[key] = ranked
        return ranked

    def surnames(self, pieces: list[Piece]) -> list[tuple[str, int, float]]:
        """(surname, pieces used, weight) for the start of a name: single and compound surnames, and
        then any other character that reads right."""
        singles = self._single_surnames(pieces[0])
        compounds: list[tuple[str, int, float]] = []
        for syllable, first_factor in self._matching(pieces[0]):
            for surname, reading in self._surnames_of.get(syllable, ()):
                if len(surname) > 1:
                    used, factor = self._surname_fit(surname, pieces, first_factor * reading)
                    if used:
                        compounds.append((surname, used, self._surname_weight(surname) * factor))
        if not compounds:
            return singles
        return list(heapq.merge(sorted(compounds, key=lambda t: -t[2]), singles, key=lambda t: -t[2]))

    def _single_surnames(self, piece: Piece) -> list[tuple[str, int, float]]:
        key = (piece.text, piece.kind)
        if key in self._surname_lists:
            return self._surname_lists[key]
        best: dict[str, float] = {}
        for syllable, first_factor in self._matching(piece):
            for surname, reading in self._surnames_of.get(syllable, ()):
                weight = self._surname_weight(surname) * first_factor * reading
                if len(surname) == 1 and weight > best.get(surname, 0.0):
                    best[surname] = weight
        for char, weight in self.given_chars(piece):
            if char not in best:
                best[char] = NOT_A_SURNAME * weight
        ranked = sorted(((s, 1, w) for s, w in best.items()), key=lambda t: -t[2])
        self._surname_lists[key] = ranked
        return ranked

    def _surname_fit(self, surname: str, pieces: list[Piece], factor: float) -> tuple[int, float]:
        if len(surname) == 1:
            return 1, factor
        syllables = self.lib.surname_readings.get(surname, ())
        if len(pieces) < 2 or len(syllables) < 2:
            return 0, 0.0
        second = dict(self._matching(pieces[1])).get(syllables[1])
        return (2, factor * second) if second else (0, 0.0)

    # Suggestions ------------------------------------------------------------------------------

    def suggest(self, typed: str, before: str = "") -> list[Candidate]:
        """Candidates for pinyin typed after `before` (the characters already in the field).

        With nothing before, the pinyin starts a name: whole names (surname and given name), then
        surnames. Otherwise it continues one: given names, then single characters.
        """
        lib = self.lib
        splits = split(typed, lib.syllables, lib.prefixes)
        if not splits:
            return []
        starts_name = self.starts_names and not _HANZI.search(before)
        costed = [(_cost(pieces), self._candidates(pieces, before, starts_name)) for pieces in splits]
        # The cheapest split leads (of equal ones, the likeliest); the best few whole readings of the
        # other splits (xi'an beside xian) come on the first page, their single characters at the end.
        costed.sort(key=lambda r: (r[0], -r[1][0][0][1] if r[1][0] else 0.0))
        ranked = [r for _, r in costed]
        head, tail = ranked[0]
        out = [c for c, _ in head[:FULL_NAMES_FIRST] + tail[:4]]
        for other_head, _ in ranked[1:]:
            out += [c for c, _ in other_head[:2]]
        out += [c for c, _ in head[FULL_NAMES_FIRST:] + tail[4:]]
        for other_head, other_tail in ranked[1:]:
            out += [c for c, _ in other_head[2:]] + [c for c, _ in other_tail]
        return _unique(out, typed)[:MAX_CANDIDATES]

    def _candidates(
        self, pieces: list[Piece], before: str, starts_name: bool
    ) -> tuple[list[tuple[Candidate, float]], list[tuple[Candidate, float]]]:
        """(whole readings of several pieces, best first; the first piece alone)."""
        known = self._known(pieces, before, starts_name)
        wholes = self._whole_names(pieces) if starts_name else self._given_names(pieces)
        if starts_name:
            surnames = self.surnames(pieces)[:MAX_CANDIDATES]
            first = [(Candidate(s, pieces[used - 1].end), w) for s, used, w in surnames]
        else:
            first = [(Candidate(c, pieces[0].end), w) for c, w in self.given_chars(pieces[0])[:MAX_CANDIDATES]]
        if len(pieces) == 1:
            return known, first
        return known + wholes, first

    def _known(self, pieces: list[Piece], before: str, starts_name: bool) -> list[tuple[Candidate, float]]:
        """Whole names this database already holds that the pinyin (after `before`) reads as."""
        if len(pieces) > MAX_NAME:
            return []
        prefix = "" if starts_name else before[-MAX_NAME:]
        out: list[tuple[Candidate, float]] = []
        for cut in range(len(prefix) + 1):  # the name may start anywhere in what is before
            head = prefix[cut:]
            if head and not _CJK.match(head):
                continue
            letters = self._initials(head) if head else ""
            key = letters + "".join(p.text[0] for p in pieces)
            for name, count in self.known.get(key, Counter()).most_common(20):
                if name.startswith(head) and self._reads_as(name, len(head), pieces):
                    out.append((Candidate(name[len(head) :], pieces[-1].end), 1.0 + count))
        out.sort(key=lambda cw: -cw[1])
        return out

    def _reads_as(self, name: str, skip: int, pieces: list[Piece]) -> bool:
        surname, given = split_surname(name)
        per_char: list[set[str]] = [
            set(s) for s in zip(*[w for w, _ in self.lib.surname_syllables(surname)], strict=False)
        ]
        if len(per_char) != len(surname):
            per_char = [set(self.lib.readings.get(c, ())) for c in surname]
        per_char += [set(self.lib.readings.get(c, ())) for c in given]
        wanted = per_char[skip:]
        if len(wanted) != len(pieces):
            return False
        return all(any(s in readings for s, _ in self._matching(p)) for p, readings in zip(pieces, wanted, strict=True))

    def _whole_names(self, pieces: list[Piece]) -> list[tuple[Candidate, float]]:
        if len(pieces) < 2 or len(pieces) > MAX_NAME:
            return []
        out: list[tuple[Candidate, float]] = []
        for surname, used, weight in self.surnames(pieces)[:4]:
            rest = pieces[used:]
            if not rest:  # a compound surname typed alone: ouyang is 欧阳 before 欧杨
                out.append((Candidate(surname, pieces[-1].end), 1.0))
                continue
            for given, given_weight in self._combinations(rest):
                out.append((Candidate(surname + given, pieces[-1].end), weight * given_weight))
        out.sort(key=lambda cw: -cw[1])
        return out

    def _given_names(self, pieces: list[Piece]) -> list[tuple[Candidate, float]]:
        if len(pieces) < 2 or len(pieces) > MAX_NAME - 1:
            return []
        return [(Candidate(text, pieces[-1].end), w) for text, w in self._combinations(pieces)]

    def _combinations(self, pieces: list[Piece], width: int = 5) -> list[tuple[str, float]]:
        """The likeliest strings of given-name characters for the pieces, best first."""
        combos: list[tuple[str, float]] = [("", 1.0)]
        for piece in pieces:
            chars = self.given_chars(piece)[:width]
            combos = heapq.nlargest(
                width * 2, ((t + c, w * cw) for t, w in combos for c, cw in chars), key=lambda x: x[1]
            )
        return combos


def _cost(pieces: list[Piece]) -> int:
    return sum(p.cost for p in pieces)


def _unique(candidates: list[Candidate], typed: str) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    for candidate in candidates:
        # A pick swallows the separators after its syllables: zhang san -> 张 leaves "san".
        end = candidate.consumed
        while end < len(typed) and typed[end] in SEPARATORS:
            end += 1
        key = (candidate.text, end)
        if key not in seen:
            seen.add(key)
            out.append(Candidate(candidate.text, end))
    return out


class TextInput(NameInput):
    """Candidates for Chinese free text (where a member transferred to, a place): characters by how
    often they are used in general, no surnames, no names of people."""

    starts_names = False

    def __init__(self) -> None:
        super().__init__(())

    def _given_weight(self, char: str) -> float:
        weight = self.lib.everyday[char] / self._everyday_total + 1e-12
        return weight if _common(char) else weight * RARE_CHARACTER

    def _known(self, pieces: list[Piece], before: str, starts_name: bool) -> list[tuple[Candidate, float]]:
        return []
