"""Text cut to a number of terminal cells: a Chinese character takes two, so slicing by characters
either wastes half the space or overflows it."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


def fit(text: str, cells: int) -> str:
    """text as it is when it fits in `cells`, else cut with "…" at the end (never wider than cells)."""
    if cell_len(text) <= cells:
        return text
    if cells <= 1:
        return "…"[:cells]
    return set_cell_size(text, cells - 1).rstrip() + "…"
