"""What every command module shares: the consoles, the database of this run, refusals, progress bars."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from clerk.cli.chinese import show_error
from clerk.store import keys
from clerk.store.store import Store, open_store

console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> NoReturn:
    """Print a refusal in Chinese on stderr and stop with exit status 1."""
    show_error(message)
    sys.exit(1)


def db_path(ctx: click.Context) -> Path:
    """The database this run works on (--db, CLERK_DB or the clerk's own)."""
    path: Path = ctx.find_root().obj["db"]
    return path


def store_from(ctx: click.Context) -> Store:
    """Open the database this run works on."""
    return open_store(db_path(ctx))


def run_app(path: Path) -> None:
    """Open the app (Textual, imported only now: the other commands start without it) on a database;
    an encrypted one not unlocked yet opens on the app's unlock screen."""
    from clerk.tui.app import make_app

    keys.set_unlocker(None)  # the app asks on its own screen, not on the terminal
    make_app(path).run()


def full_path(path: str | Path) -> str:
    """A written file as the clerk can find it again: absolute, whatever folder clerk ran in."""
    return str(Path(path).absolute())


def progress_bar(on: Console = err_console) -> Progress:
    """The progress bar of long work (import, export, merge), gone when done."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=on,
        transient=True,
    )
