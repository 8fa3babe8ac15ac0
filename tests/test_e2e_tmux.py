"""End to end: the real `clerk` command in a real terminal (tmux), typed into as a clerk would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_id

from clerk.store import db, keys

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (CI installs it: apt-get install tmux)"
)

PASSPHRASE = "村口老槐树2026"
DEADLINE = 30.0  # seconds a screen may take to appear on a slow, busy machine


class Terminal:
    """One tmux server of our own (its own socket), one 80x24 window running a command."""

    def __init__(self, tmp_path: Path):
        self.socket = f"clerk-e2e-{os.getpid()}-{tmp_path.name}"
        self.status_file = tmp_path / "exit-status"

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-u", "-L", self.socket, *args], capture_output=True, text=True, check=check, timeout=30
        )

    def start(self, command: str) -> None:
        # The pane stays after the program ends, so a crash leaves its message on the screen; the
        # exit status goes to a file (tmux does not always keep it).
        self.tmux("new-session", "-d", "-s", "clerk", "-x", "80", "-y", "24", "sleep 600")
        self.tmux("set-option", "-t", "clerk", "remain-on-exit", "on")
        status = shlex.quote(str(self.status_file))
        then_record = f"echo $? > {status}.tmp && mv {status}.tmp {status}"
        self.tmux("respawn-pane", "-k", "-t", "clerk", f"{command}; {then_record}")

    def screen(self) -> str:
        result = self.tmux("capture-pane", "-p", "-t", "clerk", check=False)
        return result.stdout if result.returncode == 0 else ""

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def wait_for_exit(self) -> int:
        """The program's exit status, once it has ended."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if self.status_file.exists():
                return int(self.status_file.read_text())
            time.sleep(0.05)
        raise AssertionError(f"clerk did not exit; the screen was:\n{self.screen()}")

    def cursor(self) -> tuple[int, int]:
        # Textual keeps the (hidden) terminal cursor on the focused input's cursor, for input methods.
        x, y = self.tmux("display", "-p", "-t", "clerk", "#{cursor_x} #{cursor_y}").stdout.split()
        return int(x), int(y)

    def type(self, text: str) -> None:
        """Type text and wait until it shows: keys typed ahead of a focus change would go astray."""
        self.tmux("send-keys", "-t", "clerk", "-l", text)
        self.wait_for(text)

    def wait_for_focus(self, label: str) -> None:
        """Wait until the input under (or beside) label has the focus, as a person waits for the cursor."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            rows = [i for i, line in enumerate(self.screen().splitlines()) if label in line]
            if rows and rows[0] <= self.cursor()[1] <= rows[0] + 2:
                return
            time.sleep(0.02)
        raise AssertionError(f"{label!r} never got the focus; the screen was:\n{self.screen()}")

    def next_field(self, label: str) -> None:
        self.press("Tab")
        self.wait_for_focus(label)

    def press(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "clerk", *keys)

    def restart(self, command: str) -> None:
        self.status_file.unlink(missing_ok=True)
        status = shlex.quote(str(self.status_file))
        then_record = f"echo $? > {status}.tmp && mv {status}.tmp {status}"
        self.tmux("respawn-pane", "-k", "-t", "clerk", f"{command}; {then_record}")

    def close(self) -> None:
        self.tmux("kill-server", check=False)


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(tmp_path)
    yield term
    term.close()


def clerk_command() -> str:
    beside = Path(sys.executable).with_name("clerk")
    return str(beside) if beside.exists() else shutil.which("clerk") or "clerk"


def test_first_run_setup_then_register_a_member_by_typing(terminal, tmp_path):
    db_path = tmp_path / "clerk.store.db"
    number = make_id("19900101", 19)  # ends with X: typed in lowercase below
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    command = " ".join(
        [
            "env",
            "-u",
            "CLERK_DB",
            *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
            shlex.quote(clerk_command()),
            "--db",
            shlex.quote(str(db_path)),
        ]
    )
    terminal.start(command)

    terminal.wait_for("首次使用")
    terminal.wait_for_focus("单位代码")
    terminal.type("500101001")
    terminal.next_field("单位名称")
    terminal.type("示范镇总工会")
    terminal.next_field("经办人姓名")
    terminal.type("李华")
    terminal.press("Enter")  # on to the passphrase, typed twice (it never shows on the screen)
    terminal.wait_for_focus("数据库口令")
    terminal.tmux("send-keys", "-t", "clerk", "-l", PASSPHRASE)
    terminal.press("Enter")
    terminal.wait_for_focus("再输一次")
    terminal.tmux("send-keys", "-t", "clerk", "-l", PASSPHRASE)
    terminal.press("Enter")  # the last field saves
    screen = terminal.wait_for("恢复密钥")
    assert PASSPHRASE not in screen
    terminal.press("Enter")  # "I have printed it"
    terminal.wait_for("在册会员")

    terminal.press("n")
    terminal.wait_for("登记新会员")
    terminal.wait_for_focus("姓名 *")
    terminal.type("王建国")
    terminal.next_field("身份证号 *")
    terminal.tmux("send-keys", "-t", "clerk", "-l", number.lower())
    terminal.wait_for("籍贯")  # what the ID tells is shown: it was accepted
    terminal.press("C-s")
    screen = terminal.wait_for("在册会员")  # saved: back on the home screen
    assert "登记新会员（" not in screen  # the form is gone

    terminal.press("q")
    assert terminal.wait_for_exit() == 0

    # Started again, it asks for the passphrase; a wrong one says so.
    terminal.restart(command)
    terminal.wait_for("请输入口令")
    terminal.tmux("send-keys", "-t", "clerk", "-l", "记错了的口令")
    terminal.press("Enter")
    terminal.wait_for("口令不对")
    terminal.tmux("send-keys", "-t", "clerk", "-l", PASSPHRASE)
    terminal.press("Enter")
    terminal.wait_for("在册会员")
    terminal.press("q")
    assert terminal.wait_for_exit() == 0

    assert keys.is_encrypted(db_path)
    keys.unlock(db_path, PASSPHRASE)
    conn = db.open_file(db_path)
    try:
        rows = conn.execute("SELECT name, id_number, gender, birth_date, status FROM members").fetchall()
        assert rows == [("王建国", number, "男", "1990-01-01", "在册")]
        journal = conn.execute("SELECT tbl, op, clerk, unit_code FROM journal WHERE tbl = 'members'").fetchall()
        assert journal == [("members", "insert", "李华", "500101001")]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_a_member_registered_by_pinyin_candidates_alone(terminal, tmp_path):
    """No Chinese input method: the name is typed as pinyin and picked with a number key."""
    from clerk.registry import setup
    from clerk.store.store import Store

    db_path = tmp_path / "clerk.store.db"
    store = Store(db_path)
    setup.set_up(store, "500101001", "示范镇总工会", "李华")
    store.close()
    number = make_id("19900101", 33)
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    terminal.start(f"env -u CLERK_DB {settings} {shlex.quote(clerk_command())} --db {shlex.quote(str(db_path))}")

    terminal.wait_for("在册会员")
    terminal.press("n")
    terminal.wait_for("登记新会员")
    terminal.wait_for_focus("姓名 *")
    terminal.type("zhangsan")
    screen = terminal.wait_for("1 张三")  # the candidate row under the field
    assert "zhangsan" in screen
    terminal.press("1")
    deadline = time.monotonic() + DEADLINE
    while "zhangsan" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.05)
    name_line = next(line for line in terminal.screen().splitlines() if "姓名 *" in line)
    assert name_line.split() == ["姓名", "*", "张三"]  # the characters replaced the pinyin; the row is gone
    assert "1 张三" not in terminal.screen()
    terminal.next_field("身份证号 *")
    terminal.tmux("send-keys", "-t", "clerk", "-l", number)
    terminal.wait_for("籍贯")
    terminal.press("C-s")
    terminal.wait_for("在册会员")
    terminal.press("q")
    assert terminal.wait_for_exit() == 0

    conn = db.open_file(db_path)
    try:
        assert conn.execute("SELECT name, id_number FROM members").fetchall() == [("张三", number)]
    finally:
        conn.close()


def test_delete_a_member_entered_by_mistake_with_every_screen_in_chinese(terminal, tmp_path):
    """Find 张三丰 by pinyin initials, open the record, delete it with a reason; no English on the way."""
    from sample import build
    from test_tui_chinese import english

    from clerk.registry import setup
    from clerk.store.store import Store

    db_path = tmp_path / "clerk.store.db"
    store = Store(db_path)
    setup.set_up(store, "500101001", "示范镇总工会", "李华")
    ids = build(store)
    store.close()
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    terminal.start(f"env -u CLERK_DB {settings} {shlex.quote(clerk_command())} --db {shlex.quote(str(db_path))}")
    screens = [terminal.wait_for("在册会员")]

    terminal.press("m")
    terminal.wait_for("共 6 人")
    terminal.type("zsf")
    screens.append(terminal.wait_for("共 1 人"))
    terminal.press("Enter")  # from the search box to the list
    time.sleep(0.3)
    terminal.press("Enter")  # open the record
    screens.append(terminal.wait_for("证件号码"))
    terminal.press("d")
    screens.append(terminal.wait_for("的记录？"))
    terminal.tmux("send-keys", "-t", "clerk", "-l", "重复录入")
    terminal.wait_for("重复录入")
    terminal.press("Enter")  # Enter in the reason only moves to the button
    time.sleep(0.3)
    assert "的记录？" in terminal.screen()
    terminal.press("Enter")  # 确定删除
    screens.append(terminal.wait_for("已删除 张三丰 的记录。"))
    screens.append(terminal.wait_for("共 0 人"))  # back on the list: 张三丰 is found no more
    terminal.press("Escape")
    screens.append(terminal.wait_for("在册会员"))
    terminal.press("q")
    assert terminal.wait_for_exit() == 0

    assert english([line for screen in screens for line in screen.splitlines()], typed=frozenset({"zsf"})) == []
    conn = db.open_file(db_path)
    try:
        row = conn.execute("SELECT deleted_at, notes FROM members WHERE id = ?", (ids["张三丰"],)).fetchone()
        assert row[0] and "删除原因：重复录入" in row[1]
        ops = conn.execute("SELECT op FROM journal WHERE row_id = ? ORDER BY seq", (ids["张三丰"],)).fetchall()
        assert [op for (op,) in ops] == ["insert", "delete"]
    finally:
        conn.close()
