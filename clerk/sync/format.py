"""The sync file format (同步文件), version 1: sheets, columns, manifest and checksum.

One .xlsx per export. Sheet 清单 (manifest) holds key/value rows; the data sheets 组织, 会员,
转接, 删除 have one header row of Chinese labels and one record per row (continued on further
sheets past SHEET_ROWS rows). Columns are fixed
per format version: readers map them by position and check the header labels.

The checksum is SHA-256 over the data sheets in order, each as a "[sheet]" line, its header
line and its rows, a row being its cells' text joined by U+001F (an empty cell is "", a number
its decimal digits). Any edit of the data — a changed digit, a removed row — changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

FORMAT_NAME = "clerk 同步文件"
FORMAT_VERSION = 1

MANIFEST_SHEET = "清单"
ORG_SHEET, MEMBER_SHEET, TRANSFER_SHEET, DELETION_SHEET = "组织", "会员", "转接", "删除"
DATA_SHEETS = (ORG_SHEET, MEMBER_SHEET, TRANSFER_SHEET, DELETION_SHEET)

MODE_FULL, MODE_INCREMENTAL = "完整", "增量"

# Excel, WPS and LibreOffice open at most 1,048,576 rows a sheet: a data sheet with more rows
# goes on in continuation sheets 会员（续2）, 会员（续3）..., each with the header again. The
# checksum and the manifest's row counts cover the rows of all parts as one sheet.
SHEET_ROWS = 1_000_000


def part_name(sheet: str, part: int) -> str:
    return sheet if part == 1 else f"{sheet}（续{part}）"


TEXT, INT = "text", "int"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    width: float = 12
    kind: str = TEXT
    display: bool = False  # shown for people reading the file; not applied on merge


def _f(key: str, label: str, width: float = 12, kind: str = TEXT, display: bool = False) -> Field:
    return Field(key, label, width, kind, display)


ORG_FIELDS: tuple[Field, ...] = (
    _f("name", "工会名称", 30),
    _f("uscc", "统一社会信用代码", 21),
    _f("kind", "组织类型", 16),
    _f("parent_name", "上级工会", 26, display=True),
    _f("industry", "所属行业", 12),
    _f("region_code", "行政区划代码", 13),
    _f("founded_on", "成立日期", 11),
    _f("chair", "工会主席", 9),
    _f("chair_phone", "主席电话", 14),
    _f("employee_count", "职工人数", 9, INT),
    _f("address", "地址", 24),
    _f("status", "状态", 7),
    _f("dissolved_on", "撤销日期", 11),
    _f("unit_code", "所属单位代码", 12),
    _f("created_at", "建立时间", 19),
    _f("updated_at", "修改时间", 19),
    _f("uid", "记录标识", 34),
    _f("parent_uid", "上级工会标识", 34),
)

MEMBER_FIELDS: tuple[Field, ...] = (
    _f("name", "姓名", 10),
    _f("id_number", "身份证号", 21),
    _f("gender", "性别", 5),
    _f("birth_date", "出生日期", 11),
    _f("birthplace_code", "籍贯地区码", 10),
    _f("phone", "手机/电话", 14),
    _f("ethnicity", "民族", 8),
    _f("org_name", "所在工会", 26, display=True),
    _f("job", "岗位/工种", 12),
    _f("employment_form", "用工形式", 10),
    _f("migrant", "农民工", 7, INT),
    _f("new_form", "新就业形态", 12),
    _f("joined_on", "入会日期", 11),
    _f("card_no", "会员证号", 14),
    _f("mutual_aid", "互助保障", 8, INT),
    _f("hardship", "困难职工", 8, INT),
    _f("status", "会员状态", 8),
    _f("status_note", "状态说明", 20),
    _f("notes", "备注", 20),
    _f("unit_code", "所属单位代码", 12),
    _f("created_at", "登记时间", 19),
    _f("updated_at", "修改时间", 19),
    _f("name_pinyin", "姓名拼音", 14),  # search keys, derived from the name: carried so that
    _f("name_initials", "拼音首字母", 8),  # the district need not work them out again
    _f("uid", "记录标识", 34),
    _f("org_uid", "所在工会标识", 34),
)

DELETION_FIELDS: tuple[Field, ...] = (
    *MEMBER_FIELDS[:19],
    _f("deleted_at", "删除时间", 19),
    *MEMBER_FIELDS[19:],
)

TRANSFER_FIELDS: tuple[Field, ...] = (
    _f("member_name", "姓名", 10, display=True),
    _f("member_id_number", "身份证号", 21, display=True),
    _f("transferred_on", "转接日期", 11),
    _f("from_org_name", "转出工会", 26, display=True),
    _f("to_org_name", "转入工会", 26, display=True),
    _f("from_outside", "转出单位(外部)", 20),
    _f("to_outside", "转入单位(外部)", 20),
    _f("reason", "转接原因", 20),
    _f("unit_code", "所属单位代码", 12),
    _f("created_at", "办理时间", 19),
    _f("uid", "记录标识", 34),
    _f("member_uid", "会员标识", 34),
    _f("from_org_uid", "转出工会标识", 34),
    _f("to_org_uid", "转入工会标识", 34),
)

SHEET_FIELDS: dict[str, tuple[Field, ...]] = {
    ORG_SHEET: ORG_FIELDS,
    MEMBER_SHEET: MEMBER_FIELDS,
    TRANSFER_SHEET: TRANSFER_FIELDS,
    DELETION_SHEET: DELETION_FIELDS,
}
SHEET_TABLE = {
    ORG_SHEET: "organisations",
    MEMBER_SHEET: "members",
    TRANSFER_SHEET: "transfers",
    DELETION_SHEET: "members",
}


def applied_keys(fields: Sequence[Field]) -> tuple[str, ...]:
    return tuple(f.key for f in fields if not f.display)


# Fields a merge compares to tell whether a record changed (timestamps follow the change).
TIMESTAMPS = ("created_at", "updated_at")
DERIVED = ("name_pinyin", "name_initials")
MEMBER_KEYS = applied_keys(DELETION_FIELDS)
ORG_KEYS = applied_keys(ORG_FIELDS)
TRANSFER_KEYS = applied_keys(TRANSFER_FIELDS)
COMPARED = {
    "members": tuple(k for k in MEMBER_KEYS if k not in TIMESTAMPS and k not in DERIVED and k != "uid"),
    "organisations": tuple(k for k in ORG_KEYS if k not in TIMESTAMPS and k != "uid"),
}


# -- manifest ---------------------------------------------------------------------------------

# (key, label) in the order the manifest sheet lists them.
MANIFEST_ROWS = (
    ("format", "格式"),
    ("version", "格式版本"),
    ("unit_code", "单位代码"),
    ("unit_name", "单位名称"),
    ("level", "单位级别"),
    ("clerk", "经办人"),
    ("mode", "导出方式"),
    ("first_seq", "起始序号"),
    ("last_seq", "结束序号"),
    ("created_at", "导出时间"),
    ("rows_组织", "组织行数"),
    ("rows_会员", "会员行数"),
    ("rows_转接", "转接行数"),
    ("rows_删除", "删除行数"),
    ("checksum", "校验值(SHA-256)"),
    ("note", "说明"),
)
MANIFEST_LABELS = {label: key for key, label in MANIFEST_ROWS}
NOTE = (
    "本文件由 clerk 生成，用于乡镇(街道)向区县总工会报送会员和组织数据。"
    "请勿修改任何单元格：修改后校验值不符，区县无法合并。"
)


@dataclass(frozen=True)
class Manifest:
    version: int
    unit_code: str
    unit_name: str
    level: str
    clerk: str
    mode: str
    first_seq: int
    last_seq: int
    created_at: str
    counts: dict[str, int] = field(default_factory=dict)
    checksum: str = ""

    @property
    def full(self) -> bool:
        return self.mode == MODE_FULL

    @property
    def range_label(self) -> str:
        return f"{self.first_seq}-{self.last_seq}"

    def rows(self) -> list[tuple[str, Any]]:
        values = {
            "format": FORMAT_NAME,
            "version": self.version,
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "level": self.level,
            "clerk": self.clerk,
            "mode": self.mode,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "created_at": self.created_at,
            "checksum": self.checksum,
            "note": NOTE,
            **{f"rows_{sheet}": self.counts.get(sheet, 0) for sheet in DATA_SHEETS},
        }
        return [(label, values[key]) for key, label in MANIFEST_ROWS]


def file_name(unit_code: str, first_seq: int, last_seq: int, full: bool) -> str:
    suffix = "_完整" if full else ""
    return f"{unit_code}_{first_seq:06d}-{last_seq:06d}{suffix}.xlsx"


# -- checksum ---------------------------------------------------------------------------------

SEP = "\x1f"


def cell_text(value: Any) -> str:
    """A cell as the checksum sees it: the same whether written from SQLite or read back."""
    if value is None:
        return ""
    if type(value) is float and value.is_integer():
        return str(int(value))
    return str(value)


class Checksum:
    """Streaming SHA-256 over the data sheets (rows are fed as already-joined lines)."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()

    def sheet(self, name: str) -> None:
        fields = SHEET_FIELDS[name]
        self._sha.update(f"[{name}]\n{SEP.join(f.label for f in fields)}\n".encode())

    def lines(self, lines: Iterable[str]) -> None:
        text = "\n".join(lines)
        if text:
            self._sha.update(text.encode("utf-8", "surrogatepass"))
            self._sha.update(b"\n")

    def hexdigest(self) -> str:
        return self._sha.hexdigest()
