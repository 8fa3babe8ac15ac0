"""The Textual app: `make_app(db_path)` is the one factory for the CLI, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

from clerk.services.store import Store, open_store


def make_app(db_path: str | Path, *, store: Store | None = None):
    """Build the app on a database (opened here unless a store is given)."""
    from clerk.tui.main import ClerkApp

    return ClerkApp(store or open_store(db_path))
