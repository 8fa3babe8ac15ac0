"""The 入会登记表: one A4 page per member with the record, a photo box, and signature and stamp areas.

The member signs the application, the grassroots union and the township (street) federation stamp
their opinions; the clerk prints it from the record so nothing is copied by hand twice. Empty
fields print as empty cells to be filled in by pen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from clerk.domain import idcard
from clerk.printing.sheet import A4, Sheet

LEFT = 18.0
ROW = 10.0
# Columns: label, value, label, value, photo.
COLS = (24.0, 45.0, 24.0, 45.0, 36.0)
WIDTH = sum(COLS)
PHOTO_ROWS = 4

TITLE = "工会会员入会登记表"
UNIT = "乡镇(街道)："
PRINTED = "打印日期："
PHOTO, PHOTO_NOTE = "照片", "（一寸免冠）"
FOOT = "本表一式两份，基层工会和乡镇(街道)总工会各存一份。"
DATE_LINE = "年　　月　　日"
YES, NO = "是", "否"
PLEDGE = (
    "本人自愿加入中国工会，承认《中国工会章程》，履行会员义务，遵守工会纪律，按期交纳会费，"
    "积极参加工会活动。以上所填信息真实。"
)


def _flag(value: Any) -> str:
    if value in (None, ""):
        return ""
    return YES if value in (1, True, "1", "是") else NO


def _place(record: Mapping[str, Any]) -> str:
    return idcard.place(record.get("id_number"))


def _id_kind(record: Mapping[str, Any]) -> str:
    number = record.get("id_number") or ""
    return record.get("id_kind") or (idcard.kind_of(number) if len(number) == 18 else "")


Cell = tuple[str, Callable[[Mapping[str, Any]], Any]]


def _key(name: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda record: record.get(name)


# Each row: (label, value) pairs. A row's last value runs to the right edge.
ROWS: tuple[tuple[Cell, ...], ...] = (
    (("姓名", _key("name")), ("性别", _key("gender"))),
    (("民族", _key("ethnicity")), ("出生日期", _key("birth_date"))),
    (("政治面貌", _key("political")), ("学历", _key("education"))),
    (("户籍类型", _key("household")), ("籍贯", _place)),
    (("证件类型", _id_kind), ("证件号码", _key("id_number"))),
    (("手机号码", _key("phone")), ("就业状况", _key("employment_status"))),
    (("工作单位", _key("org_name")),),
    (("岗位/工种", _key("job")), ("用工形式", _key("employment_form"))),
    (("技能等级", _key("skill_level")), ("农民工", lambda r: _flag(r.get("migrant")))),
    (("新就业形态", _key("new_form")), ("入会日期", _key("joined_on"))),
    (("入会方式", _key("join_method")), ("入会地", _key("join_place"))),
    (("会员证号", _key("card_no")), ("乡镇(街道)", _key("unit_name"))),
)
# Tall boxes below the table: (label, height, text printed in it, what is signed or stamped)
BOXES = (
    ("本人申请", 44.0, PLEDGE, "申请人签名："),
    ("基层工会意见", 32.0, "", "（盖章）"),
    ("乡镇(街道)总工会意见", 32.0, "", "（盖章）"),
)
# Every character the layout prints by itself (the font is cut down to what a job prints).
STATIC = "".join(
    [TITLE, UNIT, PRINTED, PHOTO, PHOTO_NOTE, FOOT, DATE_LINE, YES, NO, *idcard.KINDS, "香港澳门台湾外国人国籍代码"]
    + [label for row in ROWS for label, _ in row]
    + [text for box in BOXES for text in (box[0], box[2], box[3])]
)


def texts(record: Mapping[str, Any]) -> list[str]:
    """What a page prints from the record (derived values included), for the font subset."""
    return [str(value(record) or "") for row in ROWS for _, value in row]


def draw(sheet: Sheet, record: Mapping[str, Any], *, unit_name: str, printed_on: date) -> None:
    """One page for one member."""
    record = {**record, "unit_name": record.get("unit_name") or unit_name}
    sheet.who = str(record.get("name") or "")
    sheet.page()
    width, _ = A4
    sheet.text(0, 14, width, 10, TITLE, size=18, align="C", bold=True)
    sheet.text(LEFT, 26, WIDTH / 2, 7, UNIT + unit_name, size=9.5)
    sheet.text(LEFT + WIDTH / 2, 26, WIDTH / 2, 7, PRINTED + printed_on.isoformat(), size=9.5, align="R")
    y = 34.0
    for i, row in enumerate(ROWS):
        _row(sheet, y, row, record, photo=i < PHOTO_ROWS)
        y += ROW
    photo_x = LEFT + sum(COLS[:4])
    sheet.box(photo_x, 34.0, COLS[4], ROW * PHOTO_ROWS)
    sheet.text(photo_x, 34.0 + ROW * PHOTO_ROWS / 2 - 6, COLS[4], 6, PHOTO, size=11, align="C")
    sheet.text(photo_x, 34.0 + ROW * PHOTO_ROWS / 2, COLS[4], 6, PHOTO_NOTE, size=8, align="C")
    for label, height, body, sign in BOXES:
        _box(sheet, y, height, label, body, sign)
        y += height
    sheet.box(LEFT, 34.0, WIDTH, y - 34.0, width=0.6)
    sheet.text(LEFT, y + 2, WIDTH, 6, FOOT, size=8.5)
    sheet.who = ""


def _row(sheet: Sheet, y: float, cells: tuple[Cell, ...], record: Mapping[str, Any], *, photo: bool) -> None:
    right = LEFT + (sum(COLS[:4]) if photo else WIDTH)
    x = LEFT
    for i, (label, value) in enumerate(cells):
        label_w = COLS[2 * i]
        last = i == len(cells) - 1
        value_w = (right - x - label_w) if last else COLS[2 * i + 1]
        sheet.box(x, y, label_w, ROW)
        sheet.text(x, y, label_w, ROW, label, size=10, align="C")
        sheet.box(x + label_w, y, value_w, ROW)
        sheet.text(x + label_w, y, value_w, ROW, value(record) or "", size=10.5)
        x += label_w + value_w


def _box(sheet: Sheet, y: float, height: float, label: str, body: str, sign: str) -> None:
    label_w = COLS[0]
    sheet.box(LEFT, y, label_w, height)
    lines = [label] if len(label) <= 6 else [label[: len(label) // 2 + 1], label[len(label) // 2 + 1 :]]
    top = y + height / 2 - 3.5 * len(lines)
    for n, text in enumerate(lines):
        sheet.text(LEFT, top + 7 * n, label_w, 7, text, size=10, align="C")
    x = LEFT + label_w
    w = WIDTH - label_w
    sheet.box(x, y, w, height)
    if body:
        sheet.lines(x + 3, y + 3, w - 6, body, size=10.5)
    sheet.text(x + w - 105, y + height - 9, 55, 7, sign, size=10.5, align="R")
    sheet.text(x + w - 50, y + height - 9, 48, 7, DATE_LINE, size=10.5, align="R")
