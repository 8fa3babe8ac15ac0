"""Charts drawn with block characters: progress toward targets, and new members month by month.

Plain Statics rendering Rich Text: they need no plotting library, keep to the terminal's cells
(an 80x24 screen on an old laptop) and draw the same in every snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

from clerk.domain.targets import SHORT, Progress

EIGHTHS = " ▏▎▍▌▋▊▉█"
LEVELS = " ▁▂▃▄▅▆▇█"


def bar(share: float, width: int) -> str:
    """A horizontal bar `width` cells wide, filled to `share` (0..1) in eighths of a cell."""
    share = min(max(share, 0.0), 1.0)
    eighths = round(share * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (EIGHTHS[part] if part else "")
    return text + "░" * (width - cell_len(text))


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def progress_text(items: Sequence[Progress], *, width: int = 44, label_width: int = 10) -> Text:
    """One line per category: '农民工     412/830  49.6% ████▋░░░░░'."""
    out = Text()
    numbers = [f"{p.done:,}/{p.target:,}" if p.target is not None else f"{p.done:,}" for p in items]
    number_width = max((len(n) for n in numbers), default=0)
    bar_width = max(6, width - label_width - number_width - 10)
    for i, (p, number) in enumerate(zip(items, numbers, strict=True)):
        if i:
            out.append("\n")
        out.append(_pad(SHORT.get(p.category, p.category), label_width))
        out.append(number.rjust(number_width), style="bold")
        if p.target is None:
            out.append("  未定目标", style="dim")
            continue
        rate = p.rate
        out.append(f" {'—' if rate is None else f'{rate:.1%}':>7} ")
        done = rate is not None and rate >= 1
        out.append(bar(rate or 0.0, bar_width), style="green" if done else "cyan")
    return out


def month_bars(months: Sequence[tuple[str, int]], *, height: int = 4) -> Text:
    """Vertical bars, one per month (2 cells wide, 1 apart), the months' numbers beneath."""
    values = [n for _, n in months]
    top = max(values, default=0)
    rows = []
    for level in range(height, 0, -1):
        line = ""
        for n in values:
            filled = 0 if not top else n * height * 8 / top
            cell = min(8, max(0, round(filled - (level - 1) * 8)))
            if n and level == 1 and cell == 0:
                cell = 1  # a month with anyone at all shows
            line += LEVELS[cell] * 2 + " "
        rows.append(line.rstrip())
    labels = "".join(f"{int(key[5:7]):<3}" for key, _ in months).rstrip()
    text = Text("\n".join(rows), style="cyan")
    text.append("\n" + labels, style="dim")
    return text


class ProgressChart(Static):
    """Targets of the year as bars, as wide as the widget; `show(items)` redraws."""

    DEFAULT_CSS = "ProgressChart { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[Progress] = []

    def show(self, items: Sequence[Progress]) -> None:
        self.items = list(items)
        self.update(self._text(self.size.width))

    def _text(self, width: int) -> Text:
        return progress_text(self.items, width=width or 40) if self.items else Text()

    def on_resize(self) -> None:
        self.update(self._text(self.size.width))


class MonthChart(Static):
    """New members per month as vertical bars; `show(months)` redraws."""

    DEFAULT_CSS = "MonthChart { height: auto; }"

    def show(self, months: Sequence[tuple[str, int]], *, height: int = 4) -> None:
        self.update(month_bars(months, height=height))
