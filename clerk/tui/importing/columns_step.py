"""Step 2 of the import wizard: what was found in the file (sheets, header rows) and which field
each column goes to, changeable column by column, the mapping savable for the next such file."""

from __future__ import annotations

from textual import getters, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Label, Select, Static

from clerk.importing import mappings as import_mappings
from clerk.importing import pipeline as importer
from clerk.spreadsheets import columns
from clerk.tui.app import ClerkApp
from clerk.tui.cells import fit
from clerk.tui.importing.steps import Say
from clerk.tui.widgets import Choice

LABEL_CELLS = 28


class ColumnsStep(Vertical):
    app = getters.app(ClerkApp)

    DEFAULT_CSS = """
    ColumnsStep #scan-info { height: auto; }
    ColumnsStep #columns { height: 1fr; }
    ColumnsStep .col { height: 1; }
    ColumnsStep .col Label { width: 30; }
    ColumnsStep .col Select { width: 1fr; max-width: 36; }
    ColumnsStep .col SelectCurrent { border: none; height: 1; padding: 0 1; background: $boost; }
    ColumnsStep .col Select:focus > SelectCurrent { background: $primary 30%; }
    ColumnsStep .sheet { text-style: bold; margin-top: 1; height: 1; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scan: importer.FileScan | None = None

    def compose(self) -> ComposeResult:
        # The buttons above the columns: a column's drop-down opens below it and must not lie over
        # buttons (at 80x24 it drew blanks over its own choices there).
        with Horizontal(classes="buttons", id="map-buttons"):
            yield Button("校验", id="validate", variant="primary", compact=True)
            yield Button("保存列对应", id="save-mapping", compact=True)
            yield Button("换文件", id="again", compact=True)
        yield Static("", id="scan-info")
        yield VerticalScroll(id="columns")

    def show(self, scan: importer.FileScan) -> None:
        self.scan = scan
        self.query_one("#scan-info", Static).update("\n".join(scan_lines(scan)))
        box = self.query_one("#columns", VerticalScroll)
        box.remove_children()
        options = [(label, key) for key, label in columns.CHOICES]
        widgets: list[Widget] = []
        for s_index, sheet in enumerate(scan.sheets):
            if sheet.layout is None:
                continue
            widgets.append(Static(f"“{sheet.name}”的列（改一列导入为什么，按回车选择）", classes="sheet"))
            for col in sheet.layout.columns:
                if not col.label and col.field not in columns.FIELDS:
                    continue
                value = col.field if col.field in columns.FIELDS else columns.IGNORE
                select = Choice(options, value=value, allow_blank=False, id=f"col-{s_index}-{col.index}")
                label = Label(fit(f"{col.letter} {col.label}", LABEL_CELLS))
                widgets.append(Horizontal(label, select, classes="col"))
        box.mount_all(widgets)
        self.query_one("#validate", Button).focus()

    @on(Select.Changed)
    def _column_changed(self, event: Select.Changed) -> None:
        event.stop()
        if self.scan is None or not (event.select.id or "").startswith("col-"):
            return
        _, s_index, c_index = (event.select.id or "").split("-")
        sheet = self.scan.sheets[int(s_index)]
        if sheet.layout is None or event.value is Select.BLANK:
            return
        col = importer.find_column(sheet.layout, int(c_index))
        if (
            col is None
            or col.field == event.value
            or (event.value == columns.IGNORE and col.field not in columns.FIELDS)
        ):
            return
        importer.remap(self.scan, sheet.name, {int(c_index): str(event.value)})
        # Another column that held this field let go of it: show that.
        for other in sheet.layout.columns:
            select = self.query(f"#col-{s_index}-{other.index}")
            if select:
                shown = other.field if other.field in columns.FIELDS else columns.IGNORE
                widget = select.first(Select)
                if widget.value != shown:
                    with widget.prevent(Select.Changed):
                        widget.value = shown
        self.post_message(Say(f"“{sheet.name}” {col.letter} 列改为：{columns.label_of(col.field)}"))

    @on(Button.Pressed, "#save-mapping")
    def _save_mapping(self, event: Button.Pressed) -> None:
        event.stop()
        if self.scan is None:
            return
        saved = 0
        for sheet in self.scan.sheets:
            if sheet.layout is not None:
                import_mappings.save(self.app.store, sheet.layout, self.scan.display)
                saved += 1
        self.post_message(Say(f"已保存 {saved} 个工作表的列对应，下次同样表头的花名册会自动套用。", "ok"))


def scan_lines(scan: importer.FileScan) -> list[str]:
    """What was found in the file, a line per sheet, and whether it came before."""
    lines = [f"{scan.display} · {scan.kind_label}"]
    for sheet in scan.sheets:
        if sheet.usable and sheet.layout:
            rows = f"，约 {sheet.data_rows:,} 行" if sheet.data_rows is not None else ""
            head = "、".join(map(str, sheet.layout.header_rows)) or "无"
            extra = "；".join(sheet.layout.notes)
            saved = "；套用了保存的列对应" if sheet.saved_mapping else ""
            lines.append(f"工作表“{sheet.name}”：表头第 {head} 行{rows}{saved}{'；' + extra if extra else ''}")
        else:
            lines.append(f"[dim]工作表“{sheet.name}”：{sheet.skipped}[/dim]")
    if scan.previous:
        prev = scan.previous
        when = prev["created_at"].replace("T", " ")
        lines.append(f"[yellow]这个文件已于 {when} 导入过（批次 #{prev['id']}），再次导入不会有任何改动。[/]")
    if scan.parent_uid:
        lines.append("[cyan]这是 clerk 错误报告修改后发回的文件，导入的行会记到原批次上。[/]")
    return lines
