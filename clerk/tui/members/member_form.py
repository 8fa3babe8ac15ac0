"""Member form (add and edit): validation as you type, derived facts from the ID shown, never typed."""

from __future__ import annotations

from typing import Any

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static

from clerk.domain import checker, choices, coded
from clerk.registry import members
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.orgs.org_picker import OrgField
from clerk.tui.widgets import Choice, GuardedForm, PinyinField
from clerk.tui.widgets.pinyin_field import PICK_HINT

TEXT_FIELDS = (
    ("name", "姓名", "如 张三"),
    ("id_number", "身份证号", "18 位，末位可为 X"),
    ("phone", "手机/电话", "11 位手机号，或带区号的座机"),
    ("job", "岗位/工种", ""),
    ("joined_on", "入会日期", "年-月-日，留空为今天"),
    ("card_no", "会员证号", ""),
    ("notes", "备注", ""),
)
SELECT_FIELDS = (
    ("ethnicity", "民族", choices.ETHNICITIES),
    ("employment_form", "用工形式", choices.EMPLOYMENT_FORMS),
    ("new_form", "新就业形态", choices.NEW_FORM_CATEGORIES),
    # The real-name record (domain/coded.py); 证件类型 left empty follows from the number.
    ("id_kind", "证件类型", coded.ID_KINDS.values),
    *((c.key, c.label, c.values) for c in coded.MEMBER_CODED),
)
FLAGS = (("migrant", "农民工"), ("mutual_aid", "参加职工互助保障"), ("hardship", "困难职工"))


class MemberFormScreen(GuardedForm, Screen[int | None]):
    """Returns the saved member's id on dismiss (None when cancelled)."""

    app = getters.app(ClerkApp)

    BINDINGS = [Binding("ctrl+s", "save", "保存"), Binding("escape", "cancel", "取消")]

    def __init__(self, member_id: int | None = None, org_id: int | None = None):
        super().__init__()
        self.member_id = member_id
        self.org_id = org_id
        self.duplicate_id: int | None = None
        self.touched: set[str] = set()

    def compose(self) -> ComposeResult:
        store = self.app.store
        values: dict[str, Any] = {"org_id": self.org_id}
        if self.member_id is not None:
            values = members.form_values(members.get(store, self.member_id))
        yield Header()
        with VerticalScroll():
            title = "修改会员信息" if self.member_id else "登记新会员"
            yield Static(f"{title}（ctrl+s 保存，esc 取消；带 * 为必填）", classes="title")
            for key, label, hint in TEXT_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label + (" *" if key in ("name", "id_number") else ""))
                    field = PinyinField if key == "name" else Input  # pinyin offers characters
                    yield field(str(values.get(key) or ""), id=key, placeholder=hint)
                if key == "id_number":
                    yield Static("", id="derived")
                    with Vertical(id="duplicate"):  # the message gets the full width, the button below
                        yield Static("", id="duplicate-text", classes="error")
                        yield Button("打开已有记录", id="open-existing", variant="warning", compact=True)
                yield Static("", id=f"{key}-error", classes="error")
            with Horizontal(classes="field"):
                yield Label("所在工会")
                yield OrgField(values.get("org_id"), id="org_id")
            for key, label, options in SELECT_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label)
                    yield Choice(
                        [(o, o) for o in options], id=key, prompt="（未选择）", value=values.get(key) or Select.NULL
                    )
                yield Static("", id=f"{key}-error", classes="error")
            with Horizontal(id="flags"):
                for key, label in FLAGS:
                    yield Checkbox(label, bool(values.get(key)), id=key)
            with Horizontal(id="buttons"):
                yield Button("保存", id="save", variant="primary", compact=True)
                yield Button("取消", id="cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._validate()
        self.call_after_refresh(self.remember_form)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: self.query_one(f"#{key}", Input).value for key, _, _ in TEXT_FIELDS}
        out["org_id"] = self.query_one("#org_id", OrgField).value
        for key in (k for k, _, _ in SELECT_FIELDS):
            value = self.query_one(f"#{key}", Select).value
            out[key] = None if value is Select.NULL else value
        for key, _ in FLAGS:
            out[key] = self.query_one(f"#{key}", Checkbox).value
        return out

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        if event.control.id:
            self.touched.add(event.control.id)
        self._validate()

    def _validate(self, show_all: bool = False) -> dict[str, str]:
        values = self.values()
        errors = dict(checker.check_member(values).errors)
        for key in [k for k, _, _ in TEXT_FIELDS] + [k for k, _, _ in SELECT_FIELDS]:
            shown = show_all or (key in self.touched and bool(values.get(key)))
            message = errors.get(key, "") if shown else ""
            if key == "name" and message and any(c.isascii() and c.isalpha() for c in values["name"]):
                message += PICK_HINT  # Latin letters refused: the field itself offers characters
            error = self.query_one(f"#{key}-error", Static)
            error.update(message)
            error.display = bool(message)
        derived = members.derive(values["id_number"])
        box = self.query_one("#derived", Static)
        box.update(
            f"性别 {derived.gender} · 出生 {derived.birth_date:%Y-%m-%d} · 籍贯 {derived.region_name or derived.region_code}"
            if derived
            else ""
        )
        box.display = derived is not None
        self._check_duplicate(values["id_number"] if derived else None)
        return errors

    def _check_duplicate(self, id_number: str | None) -> None:
        existing = None
        if id_number:
            from clerk.domain import idcard

            existing = members.find_by_id_number(self.app.store, idcard.normalize(id_number))
            if existing and existing["id"] == self.member_id:
                existing = None
        box = self.query_one("#duplicate")
        self.duplicate_id = existing["id"] if existing else None
        box.set_class(existing is not None, "shown")
        if existing:
            self.query_one("#duplicate-text", Static).update(str(members.DuplicateMember(dict(existing))))

    @on(Button.Pressed, "#open-existing")
    def _open_existing(self) -> None:
        if self.duplicate_id is not None:
            member_id = self.duplicate_id
            self.dismiss(None)
            self.app.open_member(member_id)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self._validate(show_all=True):
            self.notify("请先改正标红的项目。", severity="error")
            return
        store = self.app.store
        try:
            if self.member_id is None:
                saved = members.register(store, self.values())
                self.notify("已登记。")
            else:
                changed = members.update(store, self.member_id, self.values())
                saved = self.member_id
                self.notify("已保存修改。" if changed else "没有改动。")
        except members.DuplicateMember as exc:
            self._check_duplicate(self.values()["id_number"])
            self.notify(str(exc), severity="error")
            return
        except ServiceError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.dismiss(saved)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
