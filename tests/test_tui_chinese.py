"""Every screen a clerk opens, read at 80x24: no English on it. A Latin word is allowed only when it
is a key (esc, ctrl, tab…), a file kind or program (xlsx, Excel, WPS, clerk…), pinyin given as an
example of what to type (zs, zhangsan), or part of a path shown in full."""

from __future__ import annotations

import re

import pytest
from roster_sample import HEADER, people, write_xlsx
from textual.widgets import Select

from clerk.registry import setup
from clerk.store.store import Store
from clerk.tui.app import make_app

SIZE = (80, 24)

KEYS = {"esc", "ctrl", "tab", "enter", "shift", "space", "pgup", "pgdn", "home", "end", "backspace", "delete"}
PROGRAMS = {"clerk", "excel", "wps", "libreoffice", "csv", "xlsx", "xls", "xlsm", "ods", "pdf", "txt"}
PINYIN_EXAMPLES = {"zs", "zhangsan", "sd", "dr", "daoru", "zhang", "san", "zhangs"}
ALLOWED = KEYS | PROGRAMS | PINYIN_EXAMPLES
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")
PATH = re.compile(r"\S*/\S*")  # a path (shown in full by design) is a file name, not English
COMMAND = re.compile(r"\bclerk(?: [a-z][a-z-]*)+")  # a command to type, e.g. clerk encrypt
ENV_NAME = re.compile(r"\b[A-Z]+(?:_[A-Z]+)+\b")  # an environment variable's name, like an option


def english(lines: list[str], typed: frozenset[str] = frozenset()) -> list[str]:
    """Each Latin word on the lines that is none of the allowed ones, nor what the clerk typed."""
    found = []
    for line in lines:
        for word in WORD.findall(COMMAND.sub(" ", ENV_NAME.sub(" ", PATH.sub(" ", line)))):
            if word.lower() not in ALLOWED and word not in typed:
                found.append(f"{word!r} in {line.strip()!r}")
    return found


def screen_lines(app) -> list[str]:
    """The screen as drawn, and the notifications (toasts are drawn a moment later)."""
    notes = [f"{n.title} {n.message}" for n in app._notifications]
    return [strip.text for strip in app.screen._compositor.render_strips()] + notes


class Reader:
    """Collects what each screen shows, and what in it is English."""

    def __init__(self, app, pilot):
        self.app, self.pilot, self.problems = app, pilot, []

    async def read(self, where: str, expect: str = "") -> None:
        """Read the screen; `expect`: text that shows the right screen was reached."""
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()
        lines = screen_lines(self.app)
        assert expect in "".join(line.replace(" ", "") for line in lines), f"{where}: {expect!r} not on screen"
        self.problems += [f"{where}: {p}" for p in english(lines)]

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.pilot.pause()


async def test_the_township_screens_speak_chinese(store, sample, tmp_path, monkeypatch):
    inbox = tmp_path / "imports"
    inbox.mkdir()
    monkeypatch.setenv("CLERK_IMPORTS", str(inbox))
    write_xlsx(inbox / "顺达.xlsx", {"快递员": [HEADER, *people(3), [9, "坏人", "12345", "", "", ""]]})
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        r = Reader(app, pilot)
        await r.read("首页", "在册会员")
        await r.press("ctrl+c")
        await r.read("ctrl+c", "要退出吗")
        await r.press("m")
        await r.read("会员名册", "共6人")
        app.open_member(sample["张三"])
        await r.read("会员详情", "证件号码")
        for key, name in (("d", "删除"), ("s", "状态"), ("t", "转接")):
            await r.press(key)
            await r.read(name, name)
            await r.press("escape")
        await r.press("escape", "escape")
        await r.press("n")
        await r.read("登记")
        app.screen.query_one("#ethnicity", Select).focus()
        await r.press("enter")
        await r.read("民族下拉", "收起列表")
        await r.press("escape")
        app.screen.query_one("#phone").focus()
        await r.press("1", "3", "8")
        await r.press("escape")
        await r.read("放弃确认", "还没有保存")
        await r.press("tab", "enter")
        for action, name in (
            (app.action_orgs, "组织机构"),
            (app.action_org_summary, "组织统计"),
            (app.action_add_org, "添加工会组织"),
            (app.action_transfer_in, "外乡镇转入"),
            (app.action_report, "统计报表"),
            (app.action_export_sync, "导出同步文件"),
            (app.action_settings, "设置"),
            (app.action_batches, "导入记录"),
        ):
            app.action_home()
            await pilot.pause()
            action()
            await r.read(name)
        app.action_home()
        await pilot.pause()
        app.action_orgs()
        await pilot.pause()
        await r.press("d")
        await r.read("撤销组织")
        await r.press("escape")
        app.action_home()
        await r.press("ctrl+p")
        await r.read("命令面板")
        await r.press("火", "星")
        await pilot.pause(0.7)
        await r.read("命令面板（没有相符的）", "没有相符的命令")
        await r.press("escape")
        app.action_import_roster()
        await r.read("导入：选择文件", "顺达.xlsx")
        await r.press("enter")
        await r.read("导入：核对列", "表头第1行")
        app.screen.query_one("#col-0-1", Select).focus()
        await r.press("enter")
        await r.read("导入：列下拉")
        await r.press("escape")
        await pilot.click("#validate")
        await r.read("导入：预览", "新入会3")
        await pilot.click("#commit")
        await r.read("导入：完成", "已导入")
        app.action_batches()
        await r.read("导入记录（有批次）")
        await r.press("u")
        await r.read("撤销批次确认", "撤销批次#1")
    assert r.problems == []


async def test_the_district_screens_speak_chinese(tmp_path):
    store = Store(tmp_path / "district.db")
    setup.set_up(store, "500101", "测试区总工会", "区经办人")
    app = make_app(store.path, store=store)
    async with app.run_test(size=SIZE) as pilot:
        r = Reader(app, pilot)
        await r.read("区县首页")
        for action, name in ((app.action_merge_sync, "合并同步文件"), (app.action_conflicts, "冲突处理")):
            app.action_home()
            await pilot.pause()
            action()
            await r.read(name)
    assert r.problems == []


@pytest.mark.parametrize(
    "line, words",
    [
        ("esc 返回  ^p 全部命令", []),
        ("esc Dismiss menu", ["'Dismiss'", "'menu'"]),
        ("已写到：/tmp/x/exports/report.xlsx", []),
        ("文件校验码 c7f938f18dd0", []),
        ("SHA-256 c7f938f18dd0", ["'SHA'"]),
        ("请运行 clerk encrypt 加密。", []),
        ("clerk 工会会员实名制 Do you want to quit?", ["'Do'", "'you'", "'want'", "'to'", "'quit'"]),
    ],
)
def test_the_reader_tells_english_from_keys_and_paths(line, words):
    assert [p.split(" in ")[0] for p in english([line])] == words
