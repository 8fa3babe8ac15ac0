"""The command palette (ctrl+p) in Chinese: every command found by its name, its pinyin initials
(`dr` finds 导入花名册 and 导入记录) or its full pinyin (`daoru`), with Chinese placeholder and
no-match text, offering only the commands that fit the unit (a township has no merge)."""

from __future__ import annotations

from functools import lru_cache

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

PLACEHOLDER = "输入命令的名称，或拼音首字母（dr 找 导入）、全拼（daoru）…"
NO_MATCHES = "没有相符的命令。可以输入中文名称、拼音首字母或全拼。"


@lru_cache(maxsize=256)
def pinyin_of(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a command name: 导入记录 -> ('daorujilu', 'drjl')."""
    # Imported here: pypinyin's dictionaries load in about 0.3 s, paid when the palette is first searched.
    from pypinyin import Style, lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore") if s.isascii()]
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def pinyin_score(query: str, name: str) -> float:
    """How well Latin letters match a command's pinyin: 1 for a prefix, 0.6 inside, 0 not at all."""
    full, initials = pinyin_of(name)
    if full.startswith(query) or initials.startswith(query):
        return 1.0
    if query in full or query in initials:
        return 0.6
    return 0.0


class ClerkCommands(Provider):
    """The app's commands (ClerkApp.get_system_commands), searched by name and pinyin."""

    async def discover(self) -> Hits:
        for name, help_text, callback, discover in self.app.get_system_commands(self.screen):
            if discover:
                yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        letters = query.strip().lower().replace(" ", "")
        matcher = self.matcher(query)
        for name, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            score = pinyin_score(letters, name) if letters.isascii() and letters.isalpha() else 0.0
            if score:
                yield Hit(score, Text(name), callback, help=help_text)
            elif (match := matcher.match(name)) > 0:
                yield Hit(match, matcher.highlight(name), callback, help=help_text)


class ClerkCommandPalette(CommandPalette):
    """Textual's palette, saying what it says in Chinese."""

    def __init__(self) -> None:
        super().__init__(providers=[ClerkCommands], placeholder=PLACEHOLDER, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own countdown adds "No matches found"; this one says it in Chinese.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCHES, style="not bold")), disabled=True, id=self._NO_MATCHES)
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
