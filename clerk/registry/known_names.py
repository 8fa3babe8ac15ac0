"""The names this database already holds, for the pinyin candidate picker (a township repeats its
surnames, and its own names come first among the candidates)."""

from __future__ import annotations

from clerk.store.store import Store

RECENT = 50_000  # the newest members' names: a township's all, a district's latest


def recent_names(store: Store, limit: int = RECENT) -> list[str]:
    """Names of the newest members (repeats kept: they count), newest first."""
    rows = store.conn.execute("SELECT name FROM members ORDER BY id DESC LIMIT ?", (limit,))
    return [name for (name,) in rows]


def names_version(store: Store) -> int:
    """Changes whenever a member is added: the picker reloads the names then."""
    return store.conn.execute("SELECT coalesce(max(id), 0) FROM members").fetchone()[0]
