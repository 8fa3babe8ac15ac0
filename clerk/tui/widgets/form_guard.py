"""Nothing typed into a form is thrown away without asking.

A form screen mixes in GuardedForm and calls `remember_form()` once its fields hold their first
values. Esc (and its 取消 button, through `action_cancel`) then closes a form that is as it was at
once, and asks first when something was changed; the app asks the same before ctrl+q quits or the
command palette goes home over a changed form. An Esc that closes a drop-down is the drop-down's own
and never reaches the form.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widget import Widget

from clerk.tui.widgets.confirm import ConfirmDialog

# The widgets whose `.value` is what the clerk typed or chose (OrgField: an organisation picked).
FIELDS = "Input, Select, Checkbox, RadioButton, OrgField"

LEAVE_QUESTION = "这张表还没有保存。现在离开，已填写的内容会丢失。"


def form_state(screen: Widget) -> tuple[tuple[str, Any], ...]:
    """What the fields of screen hold now."""
    return tuple((field.id or "", getattr(field, "value", None)) for field in screen.query(FIELDS))


class GuardedForm:
    """Mixin for a form Screen: `unsaved()` tells whether the clerk changed anything since the form
    opened (or was saved); `action_cancel` asks before throwing those changes away."""

    _remembered: tuple[tuple[str, Any], ...] | None = None

    def remember_form(self) -> None:
        """Take the fields as they are now as the form's saved state."""
        assert isinstance(self, Screen)
        self._remembered = form_state(self)

    def unsaved(self) -> bool:
        assert isinstance(self, Screen)
        return self._remembered is not None and form_state(self) != self._remembered

    def cancelled_result(self) -> Any:
        """What the form dismisses with when the clerk leaves it without saving."""
        return None

    def action_cancel(self) -> None:
        assert isinstance(self, Screen)
        screen = self

        def leave(yes: bool | None = True) -> None:
            if yes:
                screen.dismiss(self.cancelled_result())

        if self.unsaved():
            screen.app.push_screen(ConfirmDialog(LEAVE_QUESTION, yes="放弃已填内容", no="继续填写"), callback=leave)
        else:
            leave()


def unsaved_forms(stack: list[Screen[Any]]) -> list[Screen[Any]]:
    """The screens in stack holding changes the clerk has not saved."""
    return [s for s in stack if isinstance(s, GuardedForm) and s.unsaved()]
