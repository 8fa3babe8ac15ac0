"""Deleting a member's record entered by mistake: soft (kept in the change log and synced upward
as a deletion), with the reason written down; leaving members change status instead."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from clerk.domain import idcard
from clerk.registry import members
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.widgets import GuardedForm


class DeleteDialog(GuardedForm, ModalScreen[bool]):
    """Dismisses True when the record was deleted."""

    app = getters.app(ClerkApp)

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, member_id: int):
        super().__init__()
        self.member_id = member_id

    def compose(self) -> ComposeResult:
        record = members.get(self.app.store, self.member_id)
        with Vertical():
            yield Static(f"删除 {record['name']}（{idcard.mask(record['id_number'])}）的记录？", classes="title")
            yield Static(
                "只用于录错的记录，如重复录入、录错了人。会员退会或去世请按 s 改状态。"
                "删除的记录仍留在修改记录里，并随同步文件报给区县。",
                classes="hint",
            )
            with Horizontal(classes="row"):
                yield Label("原因 *")
                yield Input(id="reason", placeholder="如 重复录入")
            yield Static("", id="error", classes="error")
            with Horizontal(id="buttons"):
                yield Button("确定删除", id="ok", variant="error")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()
        self.call_after_refresh(self.remember_form)

    def cancelled_result(self) -> bool:
        return False

    @on(Input.Submitted, "#reason")
    def _to_button(self) -> None:
        # Enter does not delete: the clerk moves to the button and presses it knowingly.
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        try:
            members.delete(self.app.store, self.member_id, self.query_one("#reason", Input).value)
        except ServiceError as exc:
            self.query_one("#error", Static).update(str(exc))
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
