"""Organisation form (add and edit), validated as you type: name, kind, credit code, parent, ..."""

from __future__ import annotations

from typing import Any

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from clerk.domain import choices, uscc
from clerk.domain import organisation as rules
from clerk.registry import organisations
from clerk.store.store import ServiceError
from clerk.tui.app import ClerkApp
from clerk.tui.orgs.org_picker import OrgField
from clerk.tui.widgets import Choice, GuardedForm

TEXT_FIELDS = (
    ("name", "工会名称 *", "如 某某有限公司工会"),
    ("uscc", "信用代码", "统一社会信用代码 18 位"),
    ("region_code", "区划代码", "6、9 或 12 位数字"),
    ("founded_on", "成立日期", "年-月-日"),
    ("chair", "工会主席", ""),
    ("chair_phone", "主席电话", "手机或带区号的座机"),
    ("employee_count", "职工人数", "整数"),
    ("address", "地址", ""),
)
SELECT_FIELDS = (("kind", "组织类型 *", choices.ORG_KINDS), ("industry", "所属行业", choices.INDUSTRIES))
ORDER = (
    "name",
    "kind",
    "uscc",
    "parent_id",
    "industry",
    "region_code",
    "founded_on",
    "chair",
    "chair_phone",
    "employee_count",
    "address",
)


class OrgFormScreen(GuardedForm, Screen[int | None]):
    """Dismisses with the saved organisation's id (None when cancelled)."""

    app = getters.app(ClerkApp)

    BINDINGS = [Binding("ctrl+s", "save", "保存"), Binding("escape", "cancel", "取消")]

    def __init__(self, org_id: int | None = None, parent_id: int | None = None):
        super().__init__()
        self.org_id = org_id
        self.parent_id = parent_id
        self.touched: set[str] = set()

    def compose(self) -> ComposeResult:
        store = self.app.store
        values: dict[str, Any] = {"parent_id": self.parent_id}
        exclude: set[int] = set()
        if self.org_id is not None:
            values = organisations.form_values(organisations.get(store, self.org_id))
            exclude = {self.org_id, *organisations.descendants(store, self.org_id)}
        elif self.parent_id is not None:
            values["kind"] = _child_kind(organisations.get(store, self.parent_id)["kind"])
        elif organisations.root_id(store) is None:
            values["kind"] = rules.ROOT_KIND
            values["name"] = store.require_unit().name
        texts = {key: (label, hint) for key, label, hint in TEXT_FIELDS}
        selects = {key: (label, options) for key, label, options in SELECT_FIELDS}
        yield Header()
        with VerticalScroll():
            title = "修改工会组织" if self.org_id else "添加工会组织"
            yield Static(f"{title}（ctrl+s 保存，esc 取消；带 * 为必填）", classes="title")
            for key in ORDER:
                with Horizontal(classes="field"):
                    if key in texts:
                        label, hint = texts[key]
                        yield Label(label)
                        value = values.get(key)
                        yield Input("" if value is None else str(value), id=key, placeholder=hint)
                    elif key in selects:
                        label, options = selects[key]
                        yield Label(label)
                        yield Choice(
                            [(o, o) for o in options], id=key, prompt="（未选择）", value=values.get(key) or Select.NULL
                        )
                    else:
                        yield Label("上级工会")
                        yield OrgField(
                            values.get("parent_id"),
                            id="parent_id",
                            title="选择上级工会",
                            exclude=exclude,
                            none_label="（无上级：本乡镇最高一级）",
                        )
                yield Static("", id=f"{key}-error", classes="error")
                if key == "uscc":
                    yield Static("", id="uscc-hint", classes="hint")
            with Horizontal(id="buttons"):
                yield Button("保存", id="save", variant="primary")
                yield Button("取消", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._validate()
        self.call_after_refresh(self.remember_form)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: self.query_one(f"#{key}", Input).value for key, _, _ in TEXT_FIELDS}
        for key, _, _ in SELECT_FIELDS:
            value = self.query_one(f"#{key}", Select).value
            out[key] = None if value is Select.NULL else value
        out["parent_id"] = self.query_one("#parent_id", OrgField).value
        return out

    @on(Input.Changed)
    @on(Select.Changed)
    @on(OrgField.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | OrgField.Changed) -> None:
        if event.control.id:
            self.touched.add(event.control.id)
        self._validate()

    def _validate(self, show_all: bool = False) -> dict[str, str]:
        values = self.values()
        _, errors = organisations.check(self.app.store, values, self.org_id)
        for key in ORDER:
            shown = show_all or key in self.touched
            message = errors.get(key, "") if shown else ""
            box = self.query_one(f"#{key}-error", Static)
            box.update(message)
            box.display = bool(message)
        required = uscc.required_for(values.get("kind"))
        text = (
            "此类组织须填写所在单位的统一社会信用代码。"
            if required and not values.get("uscc") and "uscc" not in errors
            else ""
        )
        hint = self.query_one("#uscc-hint", Static)
        hint.update(text)
        hint.display = bool(text)
        return errors

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self._validate(show_all=True):
            self.notify("请先改正标红的项目。", severity="error")
            return
        store = self.app.store
        try:
            if self.org_id is None:
                saved = organisations.create(store, self.values())
                self.notify("已添加。")
            else:
                changed = organisations.update(store, self.org_id, self.values())
                saved = self.org_id
                self.notify("已保存修改。" if changed else "没有改动。")
        except ServiceError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.dismiss(saved)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


def _child_kind(parent_kind: str) -> str:
    """What is usually added under a parent: villages under the township, enterprises below."""
    return rules.VILLAGE_KIND if parent_kind == rules.ROOT_KIND else rules.ENTERPRISE_KIND
