"""Where the table is on a sheet: header row(s) found by their content, the column -> field mapping,
and which rows below the header are data (not blank lines, repeated headers, notes or signatures).

Rosters come with title rows, a "填报单位/填报日期" line, two-row headers ("联系方式" over
"手机 | 座机"), headers with spaces ("姓 名"), merged cells, and 制表人/审核人 lines under the table.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from functools import partial

from clerk.spreadsheets import columns
from clerk.spreadsheets.cells import is_blank, lost_digits, to_text
from clerk.spreadsheets.xlsx_stream import column_letter

HEAD_ROWS = 40  # the header must start within the first 40 rows

_ID_LIKE = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")
_LABELLED = re.compile(r"[\u3400-\u9fff]{1,8}\s*[：:]")  # 联系电话：… 填报人: …
_CJK_NAME = re.compile(r"[\u3400-\u9fff·]{2,6}")
_NOTE = re.compile(
    r"^(制表|填表|填报|审核|审批|复核|负责人|单位负责人|主要负责人|联系人|经办人|签字|签名|盖章|注|备注|说明|"
    r"合计|总计|小计|共计|以上|日期|时间|单位盖章|工会盖章|本表|此表|统计)"
)


@dataclass
class Column:
    index: int  # position in the row lists the reader yields
    letter: str  # the sheet's column letter, for messages
    label: str  # the header text as the employer wrote it (two-row headers joined with "/")
    field: str | None  # a columns.FIELDS key, columns.KNOWN_IGNORED/IGNORE, a report column, or None
    how: str = "表头"  # 表头 / 内容推断 / 上次保存 / 手动

    @property
    def imported(self) -> bool:
        return self.field in columns.FIELDS


@dataclass
class Layout:
    header_rows: list[int]  # 1-based sheet rows holding the header (empty when found by content)
    data_start: int  # 1-based first row below the header
    columns: list[Column]
    header_score: int = 0
    notes: list[str] = dc_field(default_factory=list)  # what detection decided, for the clerk

    def index_of(self, field: str) -> int | None:
        for col in self.columns:
            if col.field == field:
                return col.index
        return None

    @property
    def signature(self) -> str:
        """Identifies a header layout (an employer's template) for saved mappings."""
        return header_signature([c.label for c in self.columns])

    def mapping(self) -> dict[str, str]:
        """Header label -> field for the columns that are imported (what a batch records)."""
        return {f"{c.letter} {c.label}".strip(): c.field for c in self.columns if c.imported}  # type: ignore[misc]

    def set_field(self, index: int, field: str, how: str = "手动") -> None:
        """Map a column to a field; another column holding the same field lets go of it."""
        for col in self.columns:
            if col.index == index:
                col.field, col.how = field, how
            elif field in columns.FIELDS and col.field == field:
                col.field, col.how = columns.IGNORE, how


def header_signature(labels: Sequence[str]) -> str:
    """The same for two headers with the same labels however written: the key of a saved mapping."""
    text = "\x1f".join(columns.normalize_label(label) for label in labels)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def looks_like_id(value: object) -> bool:
    """A cell that holds an ID number (or an ID Excel stored as a number), whatever its header says."""
    if lost_digits(value):
        return True
    if type(value) is not str:
        return False
    text = unicodedata.normalize("NFKC", value)
    text = re.sub(r"[\s\-'’‘`\"]", "", text)
    return bool(_ID_LIKE.fullmatch(text))


def looks_filled_id(value: object) -> bool:
    """An ID cell with something like a number in it (审核人：… in the ID column is not)."""
    if is_blank(value):
        return False
    if type(value) is not str:
        return True
    return sum(ch.isdigit() for ch in value) >= 6


def _texts(row: Sequence[object]) -> list[str]:
    return [to_text(v).strip() for v in row]


def _score(row: Sequence[object]) -> tuple[int, set[str], list[columns.Match | None]]:
    matches = [columns.match(text) if text else None for text in _texts(row)]
    found = [m for m in matches if m]
    return sum(m.score for m in found), {m.field for m in found}, matches


def _is_header(row: Sequence[object]) -> bool:
    score, fields, matches = _score(row)
    if any(looks_like_id(v) for v in row):
        return False
    if not fields & {"id_number", "name"}:
        return False
    if sum(1 for m in matches if m) >= 2:
        return True
    # "姓名 | 编码 | ...": one exact key column beside other short labels is a header too.
    texts = [t for t in _texts(row) if t]
    exact = any(m and m.exact and m.field in ("id_number", "name") for m in matches)
    return exact and len(texts) >= 2 and all(len(t) <= 12 and not any(ch.isdigit() for ch in t) for t in texts)


def _horizontal_fill(row: list[str], row_no0: int, first_col: int, merged: Sequence) -> list[str]:
    """A header cell merged across columns ("联系方式" over two) names every column it spans."""
    out = list(row)
    for (r0, c0), (r1, c1) in merged or ():
        if r0 <= row_no0 <= r1 and c1 > c0:
            top_left = c0 - first_col
            value = row[top_left] if 0 <= top_left < len(row) and r0 == row_no0 else ""
            for c in range(c0, c1 + 1):
                i = c - first_col
                if 0 <= i < len(out) and not out[i] and value:
                    out[i] = value
    return out


def detect(
    head: Sequence[Sequence[object]], *, first_col: int = 0, merged: Sequence = (), first_row: int = 1
) -> Layout | None:
    """Find the header in the first rows of a sheet (head[0] is sheet row first_row)."""
    best, best_score = _header_row(head)
    if best is None:
        return _detect_by_content(head, first_col=first_col, first_row=first_row)

    width = max(len(r) for r in head)
    top = _horizontal_fill(_texts(head[best]), first_row - 1 + best, first_col, merged)
    top += [""] * (width - len(top))
    header_rows = [first_row + best]
    notes: list[str] = []
    sub = _sub_header(head, best, top, width)
    if sub is None:
        sub = [""] * width
    else:
        header_rows.append(first_row + best + 1)
        notes.append("表头占两行")
    cols = _columns(top, sub, width, first_col)
    _resolve_conflicts(cols, top, sub)
    layout = Layout(header_rows, header_rows[-1] + 1, cols, best_score, notes)
    if layout.index_of("id_number") is None:
        _guess_by_content(layout, head[header_rows[-1] - first_row + 1 :])
    if first_row + best > 1:
        notes.insert(0, f"表头在第 {first_row + best} 行")
    return layout


def _header_row(head: Sequence[Sequence[object]]) -> tuple[int | None, int]:
    """The index of the row among the first that looks most like a header, and its score."""
    best, best_score = None, 0
    for i, row in enumerate(head[:HEAD_ROWS]):
        if not _is_header(row):
            continue
        score = _score(row)[0]
        if score > best_score:
            best, best_score = i, score
    return best, best_score


def _sub_header(head: Sequence[Sequence[object]], best: int, top: list[str], width: int) -> list[str] | None:
    """The row under the header when it is a second header row (its texts), else None."""
    if best + 1 >= len(head):
        return None
    below = head[best + 1]
    below_texts = _texts(below) + [""] * (width - len(below))
    sub_matches = [columns.match(t) if t else None for t in below_texts]
    raw_top = _texts(head[best]) + [""] * width
    # A sub-header sits under an empty (merged) cell or under a group title ("基本信息").
    under_empty_or_group = any(
        m and (not raw_top[i] or not columns.match(raw_top[i])) for i, m in enumerate(sub_matches)
    )
    if (
        any(sub_matches)
        and not any(looks_like_id(v) for v in below)
        and under_empty_or_group
        and sum(1 for t in below_texts if t) <= max(1, sum(1 for t in top if t)) + 2
    ):
        return below_texts
    return None


def _columns(top: list[str], sub: list[str], width: int, first_col: int) -> list[Column]:
    """The columns under a one- or two-row header, each mapped to the field its header names."""
    cols: list[Column] = []
    for i in range(width):
        t, s = top[i], sub[i]
        label = f"{t}/{s}" if t and s and t != s else (s or t)
        found = (columns.match(s) if s else None) or (columns.match(t) if t else None)
        cols.append(Column(i, column_letter(first_col + i), label, found.field if found else None))
        if found and not found.exact:
            cols[-1].how = "表头(近似)"
    return cols


def _resolve_conflicts(cols: list[Column], top: list[str], sub: list[str]) -> None:
    """Two columns for one field: keep the exact synonym (手机 before 座机), the left one on a tie."""
    by_field: dict[str, list[Column]] = {}
    for col in cols:
        if col.field in columns.FIELDS:
            by_field.setdefault(col.field, []).append(col)
    for field, group in by_field.items():
        if len(group) < 2:
            continue
        keep = min(group, key=partial(_rank, field=field, top=top, sub=sub))
        for col in group:
            if col is not keep:
                col.field, col.how = columns.KNOWN_IGNORED, f"与 {keep.letter} 列重复"


def _rank(col: Column, field: str, top: list[str], sub: list[str]) -> tuple[int, int, int]:
    text = sub[col.index] or top[col.index]
    found = columns.match(text)
    exact = 0 if found and found.exact else 1
    mobile = 0 if field != "phone" or "手机" in text else 1
    return (exact, mobile, col.index)


def _guess_by_content(layout: Layout, sample: Sequence[Sequence[object]]) -> None:
    """No header names the ID column: take the column whose values are ID numbers."""
    counts: dict[int, int] = {}
    filled: dict[int, int] = {}
    for row in sample:
        for i, value in enumerate(row):
            if not is_blank(value):
                filled[i] = filled.get(i, 0) + 1
                if looks_like_id(value):
                    counts[i] = counts.get(i, 0) + 1
    if not counts:
        return
    index = max(counts, key=lambda i: counts[i])
    if counts[index] * 2 >= filled[index] and index < len(layout.columns):
        col = layout.columns[index]
        if col.field not in columns.FIELDS:
            col.field, col.how = "id_number", "内容推断"
            layout.notes.append(f"{col.letter} 列的内容是身份证号码，已按身份证号码导入")


def _detect_by_content(head: Sequence[Sequence[object]], *, first_col: int, first_row: int) -> Layout | None:
    """A sheet with no header at all (a bare list): recognise ID numbers and names by their look."""
    id_counts: dict[int, int] = {}
    first_data: int | None = None
    for r, row in enumerate(head):
        for i, value in enumerate(row):
            if looks_like_id(value):
                id_counts[i] = id_counts.get(i, 0) + 1
                first_data = r if first_data is None else first_data
    if not id_counts or max(id_counts.values()) < 2 or first_data is None:
        return None
    id_col = max(id_counts, key=lambda i: id_counts[i])
    width = max(len(r) for r in head)
    name_counts: dict[int, int] = {}
    for row in head[first_data:]:
        for i, value in enumerate(row):
            if i != id_col and type(value) is str and _CJK_NAME.fullmatch(value.replace(" ", "")):
                name_counts[i] = name_counts.get(i, 0) + 1
    cols = [
        Column(i, column_letter(first_col + i), f"第 {column_letter(first_col + i)} 列", None, "内容推断")
        for i in range(width)
    ]
    cols[id_col].field = "id_number"
    if name_counts:
        cols[max(name_counts, key=lambda i: name_counts[i])].field = "name"
    return Layout([], first_row + first_data, cols, 0, ["没有表头：按内容识别了身份证号码和姓名列"])


def classify(row: Sequence[object], layout: Layout, *, id_index: int | None, name_index: int | None) -> str:
    """'data', 'blank', 'header' (a header repeated in the table) or 'note' (title, notes, signatures)."""
    filled = [(i, v) for i, v in enumerate(row) if not is_blank(v)]
    if not filled:
        return "blank"
    id_value = row[id_index] if id_index is not None and id_index < len(row) else None
    name_value = row[name_index] if name_index is not None and name_index < len(row) else None
    has_id = looks_filled_id(id_value)
    has_name = not is_blank(name_value)
    if not has_id and layout.header_score and _is_header(row) and _score(row)[0] * 2 >= layout.header_score:
        return "header"
    if has_id:
        return "data"
    first = to_text(filled[0][1]).strip()
    if _NOTE.match(columns.normalize_label(first)) or _LABELLED.match(first):
        return "note"
    if has_name:
        return "data"
    # Nothing but a number in the 序号 column, or one stray text: a template line, a section title.
    meaningful = [i for i, _ in filled if i < len(layout.columns) and layout.columns[i].field in columns.FIELDS]
    return "data" if len(meaningful) >= 2 else "note"
