"""Transfer dialog (组织关系转接) opened from a member's detail: to another organisation of the
township, or out of the township with the destination named. Also the member's history of
organisations as a table for the detail screen."""

from __future__ import annotations

from datetime import date

from rich.table import Table
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from clerk.registry import members, transfers
from clerk.store.store import ServiceError, Store
from clerk.tui.app import ClerkApp
from clerk.tui.orgs.org_picker import OrgField
from clerk.tui.widgets import GuardedForm, PinyinField


def org_history_table(store: Store, member_id: int) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), show_header=True, header_style="bold")
    for col in ("期间", "工会", "方式"):
        table.add_column(col, no_wrap=col != "工会")
    for stint in transfers.org_history(store, member_id):
        place = f"{stint.place}（外乡镇）" if stint.outside else stint.place
        how = stint.came_by + (f"：{stint.reason}" if stint.reason else "")
        table.add_row(stint.span, place, how)
    return table


class TransferDialog(GuardedForm, ModalScreen[bool]):
    """Dismisses True when the member was transferred."""

    app = getters.app(ClerkApp)

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, member_id: int):
        super().__init__()
        self.member_id = member_id

    def compose(self) -> ComposeResult:
        record = members.get(self.app.store, self.member_id)
        with Vertical():
            yield Static(f"会员转接：{record['name']}（现在：{record['org_name'] or '未分配工会'}）", classes="title")
            with RadioSet(id="mode"):
                yield RadioButton("转到本乡镇其他工会", value=True, id="within")
                yield RadioButton("转出本乡镇", id="out")
            with Horizontal(classes="row", id="to-row"):
                yield Label("转到")
                yield OrgField(
                    None,
                    id="target",
                    title="转到哪个工会？",
                    allow_none=False,
                    exclude={record["org_id"]} if record["org_id"] else set(),
                )
            with Horizontal(classes="row", id="out-row"):
                yield Label("转往")
                yield PinyinField(id="destination", text=True, placeholder="乡镇（街道）或单位工会名称（可打拼音选字）")
            with Horizontal(classes="row"):
                yield Label("转接日期")
                yield Input(date.today().isoformat(), id="date")
            with Horizontal(classes="row"):
                yield Label("原因")
                yield Input(id="reason", placeholder="如 换工作、搬家（可不填）")
            yield Static("", id="error", classes="error")
            with Horizontal(id="buttons"):
                yield Button("确定转接", id="ok", variant="primary")
                yield Button("取消", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#target", OrgField).focus()
        status = members.get(self.app.store, self.member_id)["status"]
        if status != "在册":
            hint = "如是从外乡镇转回，请用命令面板里的“外乡镇转入”。" if status == "转出" else ""
            self.query_one("#error", Static).update(f"该会员现在的状态是“{status}”，只有在册会员才能转接。{hint}")
            self.query_one("#ok", Button).disabled = True
        self.call_after_refresh(self.remember_form)

    def cancelled_result(self) -> bool:
        return False

    @property
    def outgoing(self) -> bool:
        return self.query_one("#out", RadioButton).value

    @on(RadioSet.Changed)
    def _mode(self) -> None:
        self.set_class(self.outgoing, "out")
        self.query_one("#error", Static).update("")

    @on(Button.Pressed, "#ok")
    def _ok(self) -> None:
        store = self.app.store
        on_date = self.query_one("#date", Input).value
        reason = self.query_one("#reason", Input).value
        try:
            if self.outgoing:
                destination = self.query_one("#destination", Input).value
                transfers.transfer_out(store, self.member_id, destination, on_date, reason)
                self.notify(f"已转出本乡镇，转往 {destination.strip()}。")
            else:
                target = self.query_one("#target", OrgField).value
                if target is None:
                    raise ServiceError("请选择转到哪个工会（回车或直接输入名称）。")
                transfers.transfer(store, self.member_id, target, on_date, reason)
                self.notify("已转接。")
        except ServiceError as exc:
            self.query_one("#error", Static).update(str(exc))
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
