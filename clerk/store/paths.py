"""Where clerk keeps its databases: the clerk's own and the demo (the working folders: store/folders.py)."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The user data folder clerk keeps its databases in (XDG_DATA_HOME/clerk)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "clerk"


def default_db() -> Path:
    """CLERK_DB if set, else the clerk's own database in the user data folder."""
    return Path(os.environ["CLERK_DB"]) if os.environ.get("CLERK_DB") else data_dir() / "clerk.store.db"


def demo_db() -> Path:
    """The demo database, its own file beside the clerk's."""
    return data_dir() / "demo.db"
