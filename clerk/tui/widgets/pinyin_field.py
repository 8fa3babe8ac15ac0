"""A text field that offers Chinese characters for pinyin typed in Latin letters.

Many office and borrowed machines have no Chinese input method. In this field, lower-case pinyin
(`zhangsan`, `zhang san`, `zhangs`, `zs`) shows a row of candidates under the field
("1 张三  2 张散  3 章三 …"); a number key picks one and the characters replace the pinyin they
stand for, the rest of the pinyin stays to be picked next. `-`/`=`, ↑/↓ or PgUp/PgDn turn the
pages. Anything else is typed as in any field: Chinese from an input method or a paste, capitals,
digits when no candidates are shown. The candidates come from clerk.domain.pinyin_input, with this
database's names first; they load in a worker thread when the field first appears.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events, work
from textual.app import App
from textual.message import Message
from textual.widgets import Input, Static

from clerk.domain import pinyin_input
from clerk.domain.pinyin_input import Candidate, NameInput, TextInput
from clerk.registry import known_names

PAGE = 9  # number keys 1-9
# Said where a name in Latin letters is refused for a mainland ID (the form adds it to the name rule's message).
PICK_HINT = "没有中文输入法？在姓名栏直接打拼音（如 zhangsan），按数字键选字。"


@dataclass
class _Loaded:
    version: int
    engine: NameInput


# One engine per running app, rebuilt when members were added since.
_engines: weakref.WeakKeyDictionary[App, _Loaded] = weakref.WeakKeyDictionary()
_text_engine: TextInput | None = None  # free text: the same for every database


class CandidateRow(Static):
    """The row of candidates, drawn over the screen just under its field."""

    DEFAULT_CSS = """
    CandidateRow {
        overlay: screen;
        position: absolute;
        constrain: inside inside;
        display: none;
        width: auto;
        height: 1;
        padding: 0 1;
        background: $panel-lighten-1;
        color: $text;
    }
    CandidateRow.shown { display: block; }
    """


class PinyinField(Input):
    """An Input with pinyin candidates for a person's name. `.value` is the text as typed and picked."""

    DEFAULT_CSS = """
    PinyinField.-composing { text-style: underline; }
    """

    class Picked(Message):
        """Characters were picked from the candidates (the value has changed already)."""

        def __init__(self, field: PinyinField, text: str) -> None:
            super().__init__()
            self.field = field
            self.text = text

        @property
        def control(self) -> PinyinField:
            return self.field

    def __init__(self, *args, text: bool = False, **kwargs) -> None:
        """text=True: free text (a place, a union's name) rather than a person's name."""
        super().__init__(*args, **kwargs)
        self.text = text
        self.candidates: list[Candidate] = []
        self.page_starts: list[int] = [0]
        self.page = 0
        self.row = CandidateRow()

    # Engine -------------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.mount(self.row)
        if self.text:
            if _text_engine is None:
                self._load_text()
            return
        store = self.app.store  # type: ignore[attr-defined]
        version = known_names.names_version(store)
        loaded = _engines.get(self.app)
        if loaded is None or loaded.version != version:
            self._load(version, known_names.recent_names(store))

    def on_unmount(self) -> None:
        self.row.remove()

    @work(thread=True, group="pinyin-candidates")
    def _load(self, version: int, names: list[str]) -> None:
        engine = NameInput(names)
        self.app.call_from_thread(self._loaded, _Loaded(version, engine))

    @work(thread=True, group="pinyin-candidates")
    def _load_text(self) -> None:
        engine = TextInput()
        self.app.call_from_thread(self._text_loaded, engine)

    def _text_loaded(self, engine: TextInput) -> None:
        global _text_engine
        _text_engine = engine
        self.refresh_candidates()

    def _loaded(self, loaded: _Loaded) -> None:
        _engines[self.app] = loaded
        self.refresh_candidates()

    @property
    def engine(self) -> NameInput | None:
        if self.text:
            return _text_engine
        loaded = _engines.get(self.app)
        return loaded.engine if loaded else None

    # What is being typed ----------------------------------------------------------------------

    def composition(self) -> tuple[int, str]:
        """(where it starts, the pinyin) just before the cursor; '' when there is none."""
        end = self.cursor_position
        start = end
        while start > 0 and (self.value[start - 1] in pinyin_input.SEPARATORS or _letter(self.value[start - 1])):
            start -= 1
        while start < end and self.value[start] in pinyin_input.SEPARATORS:
            start += 1
        if start and self.value[start - 1].isascii() and self.value[start - 1].isalnum():
            return end, ""  # the rest of a word in capitals or with digits: Smith, A1
        typed = self.value[start:end]
        return (start, typed) if pinyin_input.composition_letters(typed) else (end, "")

    def _on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self:
            self.refresh_candidates()

    def _on_blur(self, event: events.Blur) -> None:
        self._show([])

    def _on_focus(self, event: events.Focus) -> None:
        self.call_after_refresh(self.refresh_candidates)

    def refresh_candidates(self) -> None:
        start, typed = self.composition()
        engine = self.engine
        if not typed or not self.has_focus:
            self._show([])
        elif engine is None:
            self._show([], loading=True)
        else:
            self._show(engine.suggest(typed, before=self.value[:start]))

    # Keys -------------------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        if not self.candidates:
            return  # Input types it
        key, char = event.key, event.character or ""
        if char.isdigit() and char != "0":
            self.pick(self.page_starts[self.page] + int(char) - 1)
        elif char == "=" or key in ("down", "pagedown"):
            self._turn(1)
        elif char == "-" or key in ("up", "pageup"):
            self._turn(-1)
        else:
            return
        event.stop()
        event.prevent_default()

    def pick(self, index: int) -> None:
        """Put the candidate at index (over all pages) in place of the pinyin it stands for."""
        end = self.page_starts[self.page + 1] if self.page + 1 < len(self.page_starts) else len(self.candidates)
        if not self.page_starts[self.page] <= index < end:
            return
        candidate = self.candidates[index]
        start, _ = self.composition()
        cursor = self.cursor_position
        self.replace(candidate.text, start, start + candidate.consumed)
        self.cursor_position = cursor - candidate.consumed + len(candidate.text)  # after the pinyin left
        self.post_message(self.Picked(self, candidate.text))

    def _turn(self, step: int) -> None:
        page = self.page + step
        if 0 <= page < len(self.page_starts) and (step < 0 or self.page_starts[page] < len(self.candidates)):
            self.page = page
            self._draw()

    # Drawing ----------------------------------------------------------------------------------

    def _show(self, candidates: list[Candidate], loading: bool = False) -> None:
        self.candidates = candidates
        self.page = 0
        self.page_starts = [0]
        self.set_class(bool(candidates), "-composing")
        if loading:
            self.row.update("候选字载入中…")
        self.row.set_class(bool(candidates) or loading, "shown")
        if candidates:
            self._draw()
        if candidates or loading:
            self._place()

    def _draw(self) -> None:
        width = max(20, self.screen.size.width - self.region.x - 4)
        start = self.page_starts[self.page]
        line = Text()
        shown = 0
        more = " -上页 =下页"
        for candidate in self.candidates[start : start + PAGE]:
            piece = f"{shown + 1} {candidate.text}  "
            if cell_len(line.plain + piece + more) > width:
                break
            line.append(f"{shown + 1} ", style="bold")
            line.append(f"{candidate.text}  ")
            shown += 1
        shown = max(shown, 1)
        if self.page + 1 == len(self.page_starts):
            self.page_starts.append(start + shown)
        if self.page_starts[self.page + 1] < len(self.candidates) or self.page:
            line.append(more.strip(), style="dim")
        self.row.update(line)

    def _place(self) -> None:
        region = self.region
        below = region.bottom if region.bottom < self.screen.size.height else region.y - 1
        self.row.styles.offset = (region.x, below)


def _letter(char: str) -> bool:
    return char.isascii() and char.islower()
