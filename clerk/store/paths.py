"""Where clerk keeps its files: the clerk's database, the demo database, the inbox and outbox."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "clerk"


def default_db() -> Path:
    """CLERK_DB if set, else the clerk's own database in the user data folder."""
    return Path(os.environ["CLERK_DB"]) if os.environ.get("CLERK_DB") else data_dir() / "clerk.store.db"


def demo_db() -> Path:
    return data_dir() / "demo.db"


def imports_dir() -> Path:
    """The inbox for rosters and sync files (imports/ in the working folder)."""
    return Path(os.environ.get("CLERK_IMPORTS", "imports"))


def exports_dir() -> Path:
    """Where sync files, reports and error reports are written (created when needed)."""
    return Path(os.environ.get("CLERK_EXPORTS", "exports"))
