"""One merge conflict side by side, with the ways the district clerk can settle it."""

from __future__ import annotations

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from clerk.domain import idcard
from clerk.sync import format as fmt
from clerk.sync.merge import CHOICE_LABELS
from clerk.sync.target import Conflict

_LABELS = {f.key: f.label for f in (*fmt.DELETION_FIELDS, *fmt.ORG_FIELDS)}
_SHOWN = ("name", "id_number", "unit_code", "org_name", "status", "status_note", "joined_on", "phone", "job")


def _value(key: str, value) -> str:
    if value in (None, ""):
        return "—"
    if key == "id_number" and isinstance(value, str) and len(value) == 18:
        return idcard.mask(value)
    return str(value)


def comparison(c: Conflict) -> Table:
    """The two sides of a conflict as a table (the fields in dispute first)."""
    table = Table(box=None, padding=(0, 2, 0, 0), show_header=True, header_style="bold")
    source = c.extra.get("source_name") or c.source_code
    if c.kind == "both_changed":
        table.add_column("项目")
        table.add_column(f"乡镇：{source}")
        table.add_column("区县现在")
        keys = [*c.fields, *(k for k in ("name", "id_number", "uscc") if k not in c.fields and k in c.incoming)]
    else:
        table.add_column("项目")
        table.add_column(f"新合并：{source}")
        table.add_column(f"已有：{c.extra.get('other_unit_name') or ''}")
        keys = list(_SHOWN)
    local = c.local or {}
    for key in keys:
        style = "bold red" if key in c.fields else None
        table.add_row(_LABELS.get(key, key), _value(key, c.incoming.get(key)), _value(key, local.get(key)), style=style)
    return table


class ConflictDialog(ModalScreen[str | None]):
    """Dismisses with the chosen resolution, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "取消")]
    DEFAULT_CSS = """
    ConflictDialog { align: center middle; }
    ConflictDialog > Vertical { width: 78; height: auto; max-height: 22; border: thick $primary; background: $panel; padding: 0 1; }
    ConflictDialog VerticalScroll { height: auto; max-height: 11; }
    ConflictDialog #buttons { height: auto; margin-top: 1; }
    ConflictDialog Button { margin-right: 1; min-width: 10; }
    """

    def __init__(self, conflict: Conflict):
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        c = self.conflict
        if c.kind == "both_changed":
            what = f"乡镇和区县都修改了“{'、'.join(_LABELS.get(k, k) for k in c.fields)}”，而且改得不一样。"
            buttons = [("township", "采用乡镇版本"), ("district", "保留区县版本")]
        else:
            what = "同一人在两个单位都是在册会员。通常是组织关系转接：较新的记录在册，较早的转出。"
            other = c.extra.get("other_unit_name") or "已有"
            buttons = [
                ("transfer", "按转接处理"),
                ("keep-incoming", f"保留{(c.extra.get('source_name') or '')[:6]}"),
                ("keep-existing", f"保留{other[:6]}"),
            ]
        with Vertical():
            yield Static(f"冲突 #{c.id}：{c.kind_label} — {c.name}", classes="title")
            yield Static(what, classes="hint")
            with VerticalScroll():
                yield Static(comparison(c))
            with Horizontal(id="buttons"):
                for choice, label in buttons:
                    button = Button(
                        label, id=choice, variant="primary" if choice in ("transfer", "township") else "default"
                    )
                    button.tooltip = CHOICE_LABELS[choice]
                    yield button
                yield Button("取消", id="cancel")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
