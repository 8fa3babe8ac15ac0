"""Column mappings a clerk corrected and saved: the next file with the same header gets them."""

from __future__ import annotations

import json

from clerk.spreadsheets import columns
from clerk.spreadsheets.layout import Layout
from clerk.store.store import Store, now


def apply_saved(store: Store, layout: Layout) -> bool:
    """Apply the mapping saved for this header (same labels), if any; True when one was applied."""
    row = store.conn.execute(
        "SELECT labels, fields FROM import_mappings WHERE signature = ?", (layout.signature,)
    ).fetchone()
    if row is None:
        return False
    fields = json.loads(row["fields"])
    if len(fields) != len(layout.columns):
        return False
    for col, field in zip(layout.columns, fields):
        if field in columns.FIELDS or field in (columns.IGNORE, columns.KNOWN_IGNORED, None):
            col.field, col.how = field, "上次保存"
    return True


def save(store: Store, layout: Layout, source: str) -> None:
    """Remember this sheet's mapping for files whose header reads the same."""
    stamp = now()
    with store.write():
        store.conn.execute(
            "INSERT INTO import_mappings (signature, labels, fields, source, uses, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (signature) DO UPDATE SET"
            " labels = excluded.labels, fields = excluded.fields, source = excluded.source,"
            " updated_at = excluded.updated_at",
            (
                layout.signature,
                json.dumps([c.label for c in layout.columns], ensure_ascii=False),
                json.dumps([c.field for c in layout.columns], ensure_ascii=False),
                source,
                stamp,
                stamp,
            ),
        )


def count_use(store: Store, signature: str) -> None:
    with store.write():
        store.conn.execute("UPDATE import_mappings SET uses = uses + 1 WHERE signature = ?", (signature,))


def forget(store: Store, signature: str) -> bool:
    """Delete a saved mapping by its signature (or an unambiguous start of it, as lists show it)."""
    prefix = "".join(ch for ch in signature.strip().lower() if ch in "0123456789abcdef")
    if not prefix:
        return False
    matches = [
        r[0]
        for r in store.conn.execute("SELECT signature FROM import_mappings WHERE signature GLOB ?", (prefix + "*",))
    ]
    if len(matches) != 1:
        return False
    with store.write():
        store.conn.execute("DELETE FROM import_mappings WHERE signature = ?", (matches[0],))
    return True


def saved(store: Store) -> list[dict]:
    rows = store.conn.execute(
        "SELECT signature, labels, fields, source, uses, updated_at FROM import_mappings ORDER BY updated_at DESC"
    ).fetchall()
    return [
        {
            "signature": r["signature"],
            "labels": json.loads(r["labels"]),
            "fields": json.loads(r["fields"]),
            "source": r["source"],
            "uses": r["uses"],
            "updated_at": r["updated_at"],
        }
        for r in rows
    ]
