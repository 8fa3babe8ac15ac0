"""Slow service work off the UI thread: the one way every screen runs an import, export, merge,
report or undo.

A job runs in a Textual thread worker on a database connection of its own (an SQLite connection
must not cross threads, and the job must not share the app's open transactions). Its result, its
failure (as a Chinese message, never a traceback) and its progress come back to the screen as
messages on the screen's own loop (`call_later` posts a Callback event, which is thread-safe), so
no widget is ever touched from the thread. A screen that has closed meanwhile drops them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.dom import DOMNode
from textual.worker import Worker

from clerk.store.store import ServiceError, Store

if TYPE_CHECKING:
    from clerk.tui.app import ClerkApp

T = TypeVar("T")

Progress = Callable[[int, int | None, str], None]
"""What a job calls to report progress: done, total (None when not known yet), what it is doing."""


def worker_store(app_store: Store) -> Store:
    """A connection of the worker's own to the app's database."""
    return Store(app_store.path)


def run_job(
    owner: DOMNode,
    job: Callable[[Store, Progress], T],
    *,
    done: Callable[[T], Any],
    failed: Callable[[str], Any],
    progress: Callable[[int, int | None, str], Any] | None = None,
    failure: str = "没有完成：{error}",
    group: str = "job",
) -> Worker[None]:
    """Run job(store, progress) in a thread worker; then done(result) or failed(message) runs on
    owner's loop. A ServiceError's message is shown as it is; anything else is put into `failure`
    ("{error}" stands for it), which should say what was left unchanged."""
    app_store = cast("ClerkApp", owner.app).store

    def report(done_: int, total: int | None, label: str = "") -> None:
        if progress is not None:
            owner.call_later(progress, done_, total, label)

    def body() -> None:
        store = None
        try:
            store = worker_store(app_store)
            result = job(store, report)
        except ServiceError as exc:
            owner.call_later(failed, str(exc))
        except Exception as exc:  # noqa: BLE001 - the clerk gets a sentence, never a traceback
            owner.call_later(failed, failure.format(error=exc))
        else:
            owner.call_later(done, result)
        finally:
            if store is not None:
                store.close()

    return owner.run_worker(body, thread=True, exclusive=True, group=group, name=group)
