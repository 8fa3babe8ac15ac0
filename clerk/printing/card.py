"""会员证 cards: bank-card size (85.6 × 54 mm), eight to an A4 sheet, with cut marks.

The gaps between cards hold the cut marks, so a guillotine or scissors along the marks gives
cards with clean edges even when the printer shifts the page a millimetre. The card carries no
ID number: it is shown to people, and a lost card must not give away the number.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from clerk.printing.sheet import A4, Sheet

CARD_W, CARD_H = 85.6, 54.0
COLS, ROWS = 2, 4
PER_SHEET = COLS * ROWS
GAP_X, GAP_Y = 10.0, 10.0
MARK_OFFSET, MARK_LEN = 1.0, 3.5
_BLOCK_W = COLS * CARD_W + (COLS - 1) * GAP_X
_BLOCK_H = ROWS * CARD_H + (ROWS - 1) * GAP_Y
X0 = (A4[0] - _BLOCK_W) / 2
Y0 = (A4[1] - _BLOCK_H) / 2


TITLE = "工会会员证"
PHOTO = "照片"
NAME, GENDER, ORG, JOINED, NUMBER = "姓　　名", "性别", "所在工会", "入会时间", "证　　号"
ISSUER, SEAL, ISSUED = "发证单位：", "（盖章）", "发证日期："
STATIC = "".join([TITLE, PHOTO, NAME, GENDER, ORG, JOINED, NUMBER, ISSUER, SEAL, ISSUED])


def texts(record: Mapping[str, Any]) -> list[str]:
    """What a card prints from the record, for the font subset."""
    return [str(record.get(key) or "") for key in ("name", "gender", "org_name", "joined_on", "card_no")]


def position(slot: int) -> tuple[float, float]:
    """Top-left corner of the card in slot 0..7 of a sheet (left to right, top to bottom)."""
    row, col = divmod(slot, COLS)
    return X0 + col * (CARD_W + GAP_X), Y0 + row * (CARD_H + GAP_Y)


def cut_marks(sheet: Sheet, x: float, y: float) -> None:
    """Short lines outside each corner, along the card's edges."""
    for cx, dx in ((x, -1), (x + CARD_W, 1)):
        for cy, dy in ((y, -1), (y + CARD_H, 1)):
            sheet.line(cx + dx * MARK_OFFSET, cy, cx + dx * (MARK_OFFSET + MARK_LEN), cy, width=0.15)
            sheet.line(cx, cy + dy * MARK_OFFSET, cx, cy + dy * (MARK_OFFSET + MARK_LEN), width=0.15)


def draw(sheet: Sheet, slot: int, record: Mapping[str, Any], *, unit_name: str, issued_on: date) -> None:
    """One card in its slot; a new sheet starts at slot 0."""
    if slot == 0:
        sheet.page()
    sheet.who = str(record.get("name") or "")
    x, y = position(slot)
    cut_marks(sheet, x, y)
    sheet.text(x, y + 2.5, CARD_W, 9, TITLE, size=15, align="C", bold=True)
    sheet.line(x + 6, y + 12, x + CARD_W - 6, y + 12, width=0.4)
    sheet.box(x + 5, y + 15, 20, 26, width=0.2)
    sheet.text(x + 5, y + 25, 20, 6, PHOTO, size=8, align="C")
    fx, fw, line = x + 28, CARD_W - 31, 5.4
    top = y + 14.5
    sheet.text(fx, top, 15, line, NAME, size=7.5)
    sheet.text(fx + 14, top, 22, line, record.get("name") or "", size=8.5, min_size=5)
    sheet.text(fx + 36, top, 9, line, GENDER, size=7.5)
    sheet.text(fx + 44, top, fw - 44, line, record.get("gender") or "", size=8.5)
    sheet.text(fx, top + line, 15, line, ORG, size=7.5)
    sheet.two_lines(fx + 14, top + line, fw - 14, 2 * line, record.get("org_name") or "", size=7.5, min_size=5)
    for n, (label, value) in enumerate(((JOINED, record.get("joined_on")), (NUMBER, record.get("card_no")))):
        sheet.text(fx, top + (3 + n) * line, 15, line, label, size=7.5)
        sheet.text(fx + 14, top + (3 + n) * line, fw - 14, line, value or "", size=8.5, min_size=5)
    sheet.text(x + 4, y + 42, CARD_W - 8, 5, ISSUER + unit_name + SEAL, size=7, min_size=5)
    sheet.text(x + 4, y + 47, CARD_W - 8, 5, ISSUED + issued_on.isoformat(), size=7)
    sheet.who = ""
