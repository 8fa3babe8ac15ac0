"""Printed paper: the 入会登记表 (one A4 page per member) and 会员证 cards (eight per A4 sheet).

    printed = printing.forms(records, path, unit_name="某某镇总工会")
    printed = printing.cards(records, path, unit_name=..., issued_on=date.today())

A record is a member as the registry reads it (name, gender, id_number, org_name, joined_on,
card_no, the coded fields, ...). The PDF is written whole under a temporary name and is private
(store.files); an existing file is replaced only with force=True. Printed.missing lists characters
the font lacks (printed as □ to be written in by hand) and whose records hold them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clerk.printing import card, form
from clerk.printing.sheet import MISSING, PrintError, Sheet, font_file
from clerk.store import files

__all__ = [
    "CARDS_PER_SHEET",
    "MISSING",
    "PrintError",
    "Printed",
    "Progress",
    "cards",
    "check_target",
    "font_file",
    "forms",
]

CARDS_PER_SHEET = card.PER_SHEET
Progress = Callable[[int, int], None]  # (members drawn, members in the job)


@dataclass(frozen=True)
class Printed:
    path: Path
    members: int
    pages: int
    missing: tuple[str, ...] = ()  # characters printed as □
    missing_in: tuple[str, ...] = ()  # the names of the members whose records hold them

    @property
    def summary(self) -> str:
        """What the clerk is told when the PDF is written."""
        text = f"已生成 {self.members} 人、{self.pages} 页：{self.path}"
        if self.missing:
            text += (
                f"。注意：字体中没有“{''.join(self.missing)}”，已印成“{MISSING}”，"
                f"请在纸上手写补全（{'、'.join(self.missing_in)}）"
            )
        return text


def forms(
    records: Iterable[Mapping[str, Any]],
    target: Path,
    *,
    unit_name: str,
    printed_on: date | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Printed:
    """One 入会登记表 page per member."""
    check_target(target, force=force)
    records = list(records)
    if not records:
        raise PrintError("没有要打印的会员。请检查选择的批次或筛选条件。")
    with Sheet(form.TITLE, _chars(records, form.texts, form.STATIC, unit_name)) as sheet:
        for i, record in enumerate(records):
            form.draw(sheet, record, unit_name=unit_name, printed_on=printed_on or date.today())
            _tick(progress, i + 1, len(records))
        return _save(sheet, len(records), target, force)


def cards(
    records: Iterable[Mapping[str, Any]],
    target: Path,
    *,
    unit_name: str,
    issued_on: date | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Printed:
    """会员证 cards, eight to a sheet, in the order given."""
    check_target(target, force=force)
    records = list(records)
    if not records:
        raise PrintError("没有要打印的会员。请检查选择的批次或筛选条件。")
    with Sheet(card.TITLE, _chars(records, card.texts, card.STATIC, unit_name)) as sheet:
        for i, record in enumerate(records):
            card.draw(sheet, i % card.PER_SHEET, record, unit_name=unit_name, issued_on=issued_on or date.today())
            _tick(progress, i + 1, len(records))
        return _save(sheet, len(records), target, force)


def _tick(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done % 50 == 0 or done == total):
        progress(done, total)


def _chars(
    records: list[Mapping[str, Any]], texts: Callable[[Mapping[str, Any]], list[str]], static: str, unit_name: str
) -> set[str]:
    chars = set(static) | set(unit_name)
    for record in records:
        for text in texts(record):
            chars.update(text)
    return chars


def check_target(target: Path, *, force: bool = False) -> None:
    """Refuse a bad target before any page is drawn (or any card number issued)."""
    if Path(target).suffix.lower() != ".pdf":
        raise PrintError(f"“{Path(target).name}”不是 .pdf 文件名。请用 .pdf 结尾的文件名。")
    files.check_target(target, force=force)


def _save(sheet: Sheet, count: int, target: Path, force: bool) -> Printed:
    target = Path(target)
    with files.replacing(target, force=force) as tmp:
        sheet.save(tmp)
    return Printed(
        target.absolute(),
        count,
        sheet.pages,
        tuple(sorted(sheet.missing.chars)),
        tuple(sorted(sheet.missing.where)),
    )
