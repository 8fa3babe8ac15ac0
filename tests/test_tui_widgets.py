"""Shared TUI pieces: the secret typed twice and the worker helper, each in a tiny app of its own."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Input, Static

from clerk.store.store import ServiceError
from clerk.tui.widgets import SecretPair
from clerk.tui.workers import run_job


class PairApp(App):
    def __init__(self, **options):
        super().__init__()
        self.options = options
        self.changes: list[bool] = []

    def compose(self) -> ComposeResult:
        yield SecretPair(id="pair", **self.options)

    def on_secret_pair_changed(self, event: SecretPair.Changed) -> None:
        self.changes.append(event.ready)


def check_text(app) -> str:
    return str(app.query_one("#pair #check", Static).render())


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


async def test_two_matching_entries_make_the_secret():
    app = PairApp()
    async with app.run_test() as pilot:
        pair = app.query_one(SecretPair)
        pair.focus()
        await type_text(pilot, "mima2025")
        assert check_text(app) == ""  # nothing said while the first is typed
        await pilot.press("tab")
        await type_text(pilot, "mima20")
        assert check_text(app) == "两次输入的密码不一致，请重新输入。"
        assert pair.problem and app.changes[-1] is False
        await type_text(pilot, "25")
        assert check_text(app) == "两次输入一致。"
        assert pair.problem == "" and pair.value == "mima2025" and app.changes[-1] is True


async def test_tabbing_back_keeps_what_was_typed():
    """The export password once got replaced by the first key typed after tabbing back in."""
    app = PairApp()
    async with app.run_test() as pilot:
        app.query_one(SecretPair).focus()
        await type_text(pilot, "abc")
        await pilot.press("tab")
        await type_text(pilot, "abc")
        await pilot.press("shift+tab")
        await type_text(pilot, "d")
        assert app.query_one("#first", Input).value == "abcd"
        assert check_text(app) == "两次输入的密码不一致，请重新输入。"


async def test_required_and_minimum_length_are_said_in_chinese():
    app = PairApp(what="口令", required=True, min_length=8)
    async with app.run_test() as pilot:
        pair = app.query_one(SecretPair)
        assert pair.problem == "请输入口令。"
        pair.focus()
        await type_text(pilot, "abc")
        assert pair.problem == "口令至少要 8 个字符，现在是 3 个。"
        await pilot.press("enter")  # enter in the first box moves to the second
        await type_text(pilot, "abc")
        assert check_text(app) == "口令至少要 8 个字符，现在是 3 个。"


async def test_an_optional_pair_left_empty_is_fine():
    app = PairApp()
    async with app.run_test():
        assert app.query_one(SecretPair).problem == ""
        assert app.query_one(SecretPair).value == ""


# -- the worker helper ------------------------------------------------------------------------


class JobApp(App):
    def __init__(self, store):
        super().__init__()
        self.store = store
        self.seen: list[tuple] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="out")

    def start(self, job, failure: str = "没有完成：{error}") -> None:
        run_job(
            self,
            job,
            done=lambda value: self.seen.append(("done", value)),
            failed=lambda message: self.seen.append(("failed", message)),
            progress=lambda done, total, label: self.seen.append(("progress", done, total, label)),
            failure=failure,
        )


async def test_a_job_runs_on_a_connection_of_its_own_and_reports_progress(store):
    import threading

    app = JobApp(store)
    main_thread = threading.get_ident()

    def job(worker_store, progress):
        assert worker_store is not store and worker_store.path == store.path
        progress(1, 2, "数")
        progress(2, 2, "数")
        return (worker_store.require_unit().code, threading.get_ident() != main_thread)

    async with app.run_test() as pilot:
        app.start(job)
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.seen == [("progress", 1, 2, "数"), ("progress", 2, 2, "数"), ("done", ("500101001", True))]


async def test_a_failing_job_says_why_in_chinese(store):
    app = JobApp(store)

    def refused(_store, _progress):
        raise ServiceError("文件不是花名册。")

    def broken(_store, _progress):
        raise OSError("磁盘已满")

    async with app.run_test() as pilot:
        app.start(refused)
        await app.workers.wait_for_complete()
        app.start(broken, failure="导出失败：{error}。没有生成文件。")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.seen == [("failed", "文件不是花名册。"), ("failed", "导出失败：磁盘已满。没有生成文件。")]
