"""Select with its drop-down's key said in Chinese (Textual's own footer says "esc Dismiss menu")."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay


class ChoiceOverlay(SelectOverlay):
    BINDINGS = [Binding("escape", "dismiss", "收起列表")]


class Choice(Select[str]):
    """A Select whose drop-down footer key reads "esc 收起列表"."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield ChoiceOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)
