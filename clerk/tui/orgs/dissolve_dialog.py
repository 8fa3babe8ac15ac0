"""Dissolving an organisation (撤销), confirmed with a date; an organisation that still has
members on the roll offers to transfer them all to another organisation first."""

from __future__ import annotations

from datetime import date

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from clerk.registry import organisations, transfers
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.orgs.org_picker import OrgField
from clerk.tui.widgets import GuardedForm


class DissolveDialog(GuardedForm, ModalScreen[bool]):
    """Dismisses True when the organisation was dissolved."""

    app = getters.app(ClerkApp)

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, org_id: int):
        super().__init__()
        self.org_id = org_id

    def compose(self) -> ComposeResult:
        record = organisations.get(self.app.store, self.org_id)
        self.org_name = record["name"]
        self.live = record["members"]
        with Vertical():
            yield Static(f"撤销“{record['name']}”？", classes="title")
            yield Static("撤销后记录保留（标为已撤销），以后可以恢复。", classes="hint")
            with Horizontal(classes="row"):
                yield Label("撤销日期")
                yield Input(date.today().isoformat(), id="date")
            with Vertical(id="move", classes="shown" if self.live else ""):
                yield Static(f"它还有 {self.live} 名在册会员，不能直接撤销。可先把他们全部转接到：", classes="error")
                with Horizontal(classes="row"):
                    yield Label("转接到")
                    yield OrgField(
                        None, id="target", title="会员转接到哪个工会？", allow_none=False, exclude={self.org_id}
                    )
            yield Static("", id="error", classes="error")
            with Horizontal(id="buttons"):
                label = "转接会员并撤销" if self.live else "撤销"
                yield Button(label, id="ok", variant="error")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#target" if self.live else "#date").focus()
        self.call_after_refresh(self.remember_form)

    def cancelled_result(self) -> bool:
        return False

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        store = self.app.store
        on_date = self.query_one("#date", Input).value
        target = self.query_one("#target", OrgField).value
        try:
            with store.write():
                if self.live:
                    if target is None:
                        raise ServiceError("请先选择会员转接到哪个工会，或按 esc 取消。")
                    transfers.transfer_all(store, self.org_id, target, on_date, f"原工会“{self.org_name}”撤销")
                organisations.dissolve(store, self.org_id, on_date)
        except ServiceError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
