"""Transfer in from another township (外乡镇转入): by ID number, an existing record of the person
is brought back to the roll in the chosen organisation; otherwise a new one is registered."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from clerk.domain import idcard
from clerk.registry import transfers
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.orgs.org_picker import OrgField
from clerk.tui.widgets import GuardedForm

FIELDS = (
    ("id_number", "身份证号 *", "18 位"),
    ("name", "姓名", "本乡镇没有此人记录时必填"),
    ("origin", "原所在工会 *", "从哪个乡镇（街道）或单位工会转来"),
    ("to", "转入工会 *", ""),
    ("on", "转接日期", "年-月-日"),
    ("reason", "原因", "可不填"),
    ("phone", "手机", ""),
    ("joined_on", "原入会日期", "新登记时用，不知道可留空"),
)


class TransferInScreen(GuardedForm, Screen[int | None]):
    """Dismisses with the member's id after a transfer in (None when cancelled)."""

    app = getters.app(ClerkApp)

    BINDINGS = [Binding("ctrl+s", "save", "确定转入"), Binding("escape", "cancel", "取消")]

    def __init__(self, org_id: int | None = None):
        super().__init__()
        self.org_id = org_id
        self.existing: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static("外乡镇（街道）转入会员（ctrl+s 确定，esc 取消）", classes="title")
            for key, label, hint in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label)
                    if key == "to":
                        yield OrgField(self.org_id, id="to", title="转入本乡镇的哪个工会？", allow_none=False)
                    else:
                        value = date.today().isoformat() if key == "on" else ""
                        yield Input(value, id=key, placeholder=hint)
                if key == "id_number":
                    yield Static("", id="found", classes="ok empty")
            yield Static("", id="error", classes="error")
            with Horizontal(id="buttons"):
                yield Button("确定转入", id="save", variant="primary")
                yield Button("取消", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#id_number", Input).focus()
        self.call_after_refresh(self.remember_form)

    def _value(self, key: str) -> str:
        return self.query_one(f"#{key}", Input).value

    def _found(self, text: str) -> None:
        found = self.query_one("#found", Static)
        found.update(text)
        found.set_class(not text, "empty")

    @on(Input.Changed, "#id_number")
    def _id_changed(self, event: Input.Changed) -> None:
        name = self.query_one("#name", Input)
        try:
            number = idcard.parse(event.value).number
        except idcard.InvalidId as exc:
            self.existing = None
            self._found(str(exc) if len(idcard.normalize(event.value)) >= 18 else "")
            name.disabled = False
            return
        self.existing = transfers.find_returning(self.app.store, number)
        if self.existing is None:
            self._found("本乡镇没有此人的记录，将登记为新会员（请填姓名）。")
            name.disabled = False
            return
        e = self.existing
        where = e["status_note"] or e["org_name"] or ""
        self._found(
            f"已有记录：{e['name']}（{e['status']}{'，' + where if where else ''}）。确定后恢复为在册，不会重复登记。"
        )
        name.value = e["name"]
        name.disabled = True

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        fields = {k: self._value(k) for k in ("id_number", "name", "phone", "joined_on")}
        error = self.query_one("#error", Static)
        target = self.query_one("#to", OrgField).value
        try:
            if target is None:
                raise ServiceError("请选择转入本乡镇的哪个工会（回车或直接输入名称）。")
            outcome = transfers.transfer_in(
                self.app.store, fields, target, self._value("origin"), self._value("on"), self._value("reason")
            )
        except ServiceError as exc:
            error.update(str(exc))
            return
        self.notify("已登记为新会员并转入。" if outcome.created else "已恢复原有记录为在册并转入。")
        self.dismiss(outcome.member_id)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
