"""Step 1 of the import wizard: the roster (from the inbox, or any path), where to import it, and
whether existing members are updated from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from clerk.importing import pipeline as importer
from clerk.tui.importing.steps import Say
from clerk.tui.orgs.org_picker import OrgField


class PickStep(Vertical):
    DEFAULT_CSS = """
    PickStep #files { height: 1fr; min-height: 4; }
    PickStep #path { border: none; height: 1; width: 1fr; background: $boost; padding: 0 1; }
    PickStep #path:focus { background: $primary 30%; }
    """

    @dataclass
    class Chosen(Message):
        """The clerk chose a file to open."""

        path: Path

    def compose(self) -> ComposeResult:
        yield Static("", id="inbox-hint", classes="hint")
        yield OptionList(id="files")
        with Horizontal(classes="row"):
            yield Label("其他文件")
            yield Input(id="path", placeholder="不在收件文件夹里的文件：输入完整路径后回车")
        with Horizontal(classes="row"):
            yield Label("导入到")
            yield OrgField(id="org", title="导入到哪个工会组织", none_label="（不指定：按“工作单位”列匹配）")
        with Horizontal(classes="row"):
            yield Label("")
            yield Checkbox("库中已有的会员按花名册更新信息", id="update")
        with Horizontal(classes="buttons"):
            yield Button("下一步", id="open", variant="primary")
            yield Button("导入记录", id="history")

    def show_files(self, files: list[Path], folder: Path) -> None:
        """The rosters in the inbox folder (named in full), the newest highlighted."""
        box = self.query_one("#files", OptionList)
        box.clear_options()
        box.add_options([Option(p.name, id=str(p)) for p in files])
        if files:
            hint = f"{folder}/ 里的花名册（最新的在前），回车选择；也可以在下面输入其他文件的路径。"
            box.highlighted = 0
            box.focus()
        else:
            hint = f"{folder}/ 里没有花名册。把单位发来的表格复制到这个文件夹，或在下面输入文件路径。"
            self.query_one("#path", Input).focus()
        self.query_one("#inbox-hint", Static).update(hint)

    def options(self) -> importer.Options:
        return importer.Options(
            org_id=self.query_one("#org", OrgField).value,
            update_existing=self.query_one("#update", Checkbox).value,
        )

    @on(OptionList.OptionSelected, "#files")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(Path(str(event.option.id))))

    @on(Input.Submitted, "#path")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.Chosen(_typed_path(event.value)))

    @on(Button.Pressed, "#open")
    def _open_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        typed = self.query_one("#path", Input).value
        if typed.strip():
            self.post_message(self.Chosen(_typed_path(typed)))
            return
        box = self.query_one("#files", OptionList)
        if box.highlighted is None:
            self.post_message(Say("请先选择一个文件，或输入文件路径。", "error"))
            return
        self.post_message(self.Chosen(Path(str(box.get_option_at_index(box.highlighted).id))))


def _typed_path(text: str) -> Path:
    """A path as typed or pasted (often in quotes, from a file manager)."""
    return Path(text.strip().strip('"')).expanduser()
