"""names.pinyin_keys at roster speed: the search keys of 200,000 new names.

pypinyin reads a name character by character unless some run of two or more characters is one
of its phrases; for such names the keys are assembled from each character's reading, worked out
once. A few names of every import are also checked against names.pinyin_keys itself, and tests
prove both agree on any Chinese text.
"""

from __future__ import annotations

import re

from clerk.domain import names

_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
VERIFY_ROWS = 200


class PinyinKeys:
    """names.pinyin_keys with the work done once per character where that gives the same answer.

    pypinyin reads a name character by character unless some run of two or more characters is
    one of its phrases; a surname with its own reading is handled as names does. A few names of
    every import are checked against names.pinyin_keys itself; any difference turns this off.
    """

    def __init__(self, verify: int = VERIFY_ROWS, memo: int = 500_000):
        from pypinyin.constants import PHRASES_DICT

        self._phrases = PHRASES_DICT
        self._chars: dict[str, str] = {}
        self._names: dict[str, tuple[str, str]] = {}
        self._memo = memo  # names remembered (a name seen again is a dict lookup)
        self.fast = True
        self.verify_left = verify

    def _char(self, ch: str) -> str:
        syllable = self._chars.get(ch)
        if syllable is None:
            # A lone character is never read as a surname (names.pinyin_keys: 曾 alone is ceng).
            syllable = self._chars[ch] = names.pinyin_keys(ch)[0]
        return syllable

    def keys(self, name: str) -> tuple[str, str]:
        hit = self._names.get(name)
        if hit is not None:
            return hit
        hit = self._fast(name) if self.fast else None
        if hit is None:
            hit = names.pinyin_keys(name)
        elif self.verify_left > 0:
            self.verify_left -= 1
            slow = names.pinyin_keys(name)
            if slow != hit:
                self.fast = False
                hit = slow
        if len(self._names) < self._memo:
            self._names[name] = hit
        return hit

    def _fast(self, name: str) -> tuple[str, str] | None:
        n = len(name)
        if not 2 <= n <= 4 or not _CJK_NAME.fullmatch(name):
            return None
        phrases = self._phrases
        # Any run of two or more characters that is a pinyin phrase: leave it to pypinyin.
        if name in phrases or name[:2] in phrases or name[-2:] in phrases:
            return None
        if n == 4 and (name[1:3] in phrases or name[:3] in phrases or name[1:] in phrases):
            return None
        readings = names.SURNAME_READINGS
        head: list[str] = []
        rest = name
        if name[:2] in readings and n > 2:
            head, rest = readings[name[:2]].split(), name[2:]
        elif name[0] in readings:
            head, rest = readings[name[0]].split(), name[1:]
        chars = self._chars
        syllables = head + [chars.get(ch) or self._char(ch) for ch in rest]
        if "" in syllables:
            syllables = [s for s in syllables if s]
        return "".join(syllables), "".join([s[0] for s in syllables])
