"""Choosing an organisation by typing part of its name (or its pinyin initials), not its id.

OrgPickerScreen is the searchable list; OrgField is the one-line form field that opens it
(enter, or just start typing) and holds the chosen organisation's id in `.value`.

One field opens one picker, whatever arrives: an input method commits a word as a burst of keys,
and a paste may arrive as keys too, so keys that reach the field while its picker is open (they
were on their way before the picker took the focus) go into that picker's search box, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from clerk.registry import organisations
from clerk.tui.app import ClerkApp

SHOWN = 200
NONE_ID = "none"


@dataclass(frozen=True)
class Picked:
    org_id: int | None  # None: "no organisation" was chosen
    name: str


class OrgPickerScreen(ModalScreen[Picked | None]):
    """Dismisses with Picked, or None when cancelled."""

    app = getters.app(ClerkApp)

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(
        self,
        title: str = "选择工会组织",
        *,
        query: str = "",
        exclude: set[int] | None = None,
        allow_none: bool = False,
        none_label: str = "（不属于任何工会）",
    ):
        super().__init__()
        self.none_label = none_label
        self.heading = title
        self.initial = query
        self.exclude = exclude or set()
        self.allow_none = allow_none

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.heading, classes="title")
            yield Input(self.initial, id="query", placeholder="输入名称中的字，或拼音首字母（如 sd 找 顺达）")
            yield OptionList(id="orgs")
            yield Static("", id="count", classes="hint")

    def on_mount(self) -> None:
        self._fill(self.initial)
        query = self.query_one("#query", Input)
        query.focus()
        query.cursor_position = len(self.initial)

    def type_text(self, text: str) -> None:
        """Add text at the end of the search (keys and pastes that reached the field first)."""
        if not self.is_mounted:
            self.initial += text
            return
        query = self.query_one("#query", Input)
        query.cursor_position = len(query.value)
        query.insert_text_at_cursor(text)

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, query: str) -> None:
        found = [
            (oid, name)
            for oid, name in organisations.choices_for(self.app.store, query, limit=SHOWN + len(self.exclude))
            if oid not in self.exclude
        ][:SHOWN]
        options = [Option(name, id=str(oid)) for oid, name in found]
        if self.allow_none and not query.strip():
            options.insert(0, Option(Text(self.none_label, style="italic"), id=NONE_ID))
        box = self.query_one(OptionList)
        box.set_options(options)
        if options:
            box.highlighted = 0
        more = "（只显示前 200 个，请多输入几个字）" if len(found) == SHOWN else ""
        hint = f"找到 {len(found)} 个{more}。↑↓ 选择，回车确定，esc 取消。" if found else "没有名称相符的在用工会组织。"
        self.query_one("#count", Static).update(hint)

    def on_key(self, event: events.Key) -> None:
        # Arrow keys move in the list while the cursor stays in the search box.
        box = self.query_one(OptionList)
        if _typed_text(event) and not self.query_one("#query", Input).has_focus:
            event.stop()  # arrived before the search box had the focus
            self.type_text(_typed_text(event))
            return
        if self.query_one("#query", Input).has_focus and event.key in ("down", "up", "pagedown", "pageup"):
            getattr(
                box,
                {
                    "down": "action_cursor_down",
                    "up": "action_cursor_up",
                    "pagedown": "action_page_down",
                    "pageup": "action_page_up",
                }[event.key],
            )()
            event.stop()

    def on_paste(self, event: events.Paste) -> None:
        if not self.query_one("#query", Input).has_focus:
            event.stop()
            self.type_text(" ".join(event.text.split()))

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        box = self.query_one(OptionList)
        if box.highlighted is not None:
            self._choose(box.get_option_at_index(box.highlighted))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option)

    def _choose(self, option: Option) -> None:
        if option.id == NONE_ID:
            self.dismiss(Picked(None, ""))
        else:
            self.dismiss(Picked(int(str(option.id)), str(option.prompt)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class OrgField(Widget, can_focus=True):
    """A form field holding an organisation id; enter (or typing) opens the picker."""

    app = getters.app(ClerkApp)

    BINDINGS = [
        Binding("enter", "pick", "选择工会", show=False),
        Binding("space", "pick", show=False),
        Binding("backspace,delete", "clear", "清除", show=False),
    ]
    DEFAULT_CSS = """
    OrgField { height: 1; width: 1fr; max-width: 52; padding: 0 1; background: $boost; }
    OrgField:focus { background: $primary 30%; }
    """

    value: reactive[int | None] = reactive(None, init=False)

    class Changed(Message):
        def __init__(self, field: OrgField, value: int | None):
            super().__init__()
            self.field = field
            self.value = value

        @property
        def control(self) -> OrgField:
            return self.field

    def __init__(
        self,
        value: int | None = None,
        *,
        title: str = "选择所在工会",
        allow_none: bool = True,
        exclude: set[int] | None = None,
        none_label: str = "（不属于任何工会）",
        id: str | None = None,
    ):
        super().__init__(id=id)
        self.none_label = none_label
        self.set_reactive(OrgField.value, value)
        self.title = title
        self.allow_none = allow_none
        self.exclude = exclude or set()
        self._name = ""
        self.picker: OrgPickerScreen | None = None  # the one open picker of this field

    def on_mount(self) -> None:
        self._name = self._lookup(self.value)

    def _lookup(self, org_id: int | None) -> str:
        if org_id is None:
            return ""
        try:
            return organisations.get(self.app.store, org_id)["name"]
        except organisations.ServiceError:
            return ""

    def watch_value(self, value: int | None) -> None:
        self._name = self._lookup(value)
        self.refresh()
        self.post_message(self.Changed(self, value))

    def render(self) -> Text:
        if self._name:
            return Text(self._name)
        return Text("（未选择）回车或直接输入名称来选择", style="dim")

    def action_pick(self, query: str = "") -> None:
        if self.picker is not None:
            self.picker.type_text(query)
            return

        def chosen(picked: Picked | None) -> None:
            self.picker = None
            if picked is not None:
                self.value = picked.org_id
            self.focus()

        self.picker = OrgPickerScreen(
            self.title, query=query, allow_none=self.allow_none, exclude=self.exclude, none_label=self.none_label
        )
        self.app.push_screen(self.picker, callback=chosen)

    def action_clear(self) -> None:
        if self.allow_none:
            self.value = None

    def on_key(self, event: events.Key) -> None:
        text = _typed_text(event)
        if text:
            event.stop()
            self.action_pick(text)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        text = " ".join(event.text.split())
        if text:
            self.action_pick(text)

    def on_click(self) -> None:
        self.action_pick()


def _typed_text(event: events.Key) -> str:
    """The text a key types (a character of a burst from an input method included), or ""."""
    if event.is_printable and event.character and event.character.strip():
        return event.character
    return ""
