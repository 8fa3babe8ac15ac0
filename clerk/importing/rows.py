"""Import, step 2a: one roster row to a checked member.

A row's cells are read as the member form's values (values.py: 是/√ for yes, 快递小哥 for 快递员,
IDs and phones that Excel stored as numbers), then checked by the one row checker
(clerk.domain.checker), the form's rules. A row without a valid name and ID number is rejected;
any other refused value is left out with a warning (an unreadable 入会日期 becomes today).

The cells of low-variety columns (民族, 入会时间, 是否农民工, 工作单位, ...) are read once per
distinct cell; the checker remembers each distinct value's outcome in the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clerk.domain import checker, choices, coded, idcard
from clerk.importing import values
from clerk.importing.org_match import OrgMatcher
from clerk.spreadsheets import columns
from clerk.spreadsheets.cells import to_text

LABEL = {**columns.FIELDS, "id_number": "身份证号码", "phone": "手机号码"}
HARD = ("name", "id_number")  # a row without a valid name and ID number is rejected

_COL = {c: i for i, c in enumerate(checker.COLUMNS)}
_MEMO_LIMIT = 100_000


@dataclass(slots=True)
class Accepted:
    """A row that imports: its member in checker.COLUMNS order, and what the clerk should know."""

    record: tuple[Any, ...]
    warnings: list[str]
    source: tuple[str, int] | None = None  # (sheet, row) of the error report row this one fixes


@dataclass(slots=True)
class Rejected:
    """A row that does not import, and why (Chinese)."""

    reason: str
    name: str


@dataclass(slots=True)
class _Read:
    """A row's cells as form values (in the order of its SheetRows.fields), with what was said of them."""

    values: list[Any]
    warnings: list[str]
    refused: str | None  # an ID cell refused before any rule (lost digits)
    given: set[str] | None  # the fields the roster gives a value for (only when asked)


class OrgCounts:
    """How often each 工作单位 text was matched to an organisation, or not (the plan's notes)."""

    def __init__(self) -> None:
        self.matched: dict[str, int] = {}
        self.unmatched: dict[str, int] = {}


class RowReader:
    """Reads and checks the rows of one run's sheets: make one per run, then one sheet() per sheet."""

    def __init__(self, default_org: int | None, orgs: OrgMatcher | None, counts: OrgCounts):
        self.checker = checker.MemberChecker()
        self.today = self.checker.today.isoformat()
        self.default_org = default_org
        self.orgs = orgs
        self.counts = counts
        self._cells: dict[tuple[str, Any], dict[Any, tuple[Any, str | None, bool]]] = {}
        self._org_cells: dict[Any, tuple[int | None, str | None, bool]] = {}
        self._genders: dict[Any, str] = {}

    def sheet(self, index: dict[str, int]) -> SheetRows:
        """The reader of a sheet whose columns are mapped to fields as index says (field -> column)."""
        return SheetRows(self, index)

    # -- cells ------------------------------------------------------------------------------------
    def memo(self, key: str, extra: Any = None) -> dict[Any, tuple[Any, str | None, bool]]:
        """The cells of a low-variety column read so far: memo_key(cell) -> (form value, warning, given)."""
        memo = self._cells.get((key, extra))
        if memo is None:
            memo = self._cells[(key, extra)] = {}
        return memo

    def convert(self, key: str, raw: Any, extra: Any = None) -> tuple[Any, str | None, bool]:
        """(form value, warning, given) of a low-variety cell, read once per distinct cell."""
        memo = self.memo(key, extra)
        try:
            hit = memo.get(memo_key(raw))
        except TypeError:
            return _convert(key, raw, extra)
        if hit is None:
            hit = _convert(key, raw, extra)
            if len(memo) < _MEMO_LIMIT:
                memo[memo_key(raw)] = hit
        return hit

    def gender(self, cell: Any) -> str:
        """The gender a 性别 cell states ('' when it says none), read once per distinct cell."""
        memo_key = cell if type(cell) is str else (type(cell), cell)
        try:
            stated = self._genders.get(memo_key)
        except TypeError:
            return values.gender_cell(cell)
        if stated is None:
            stated = values.gender_cell(cell)
            if len(self._genders) < _MEMO_LIMIT:
                self._genders[memo_key] = stated
        return stated

    def org(self, cell: Any, count: bool) -> int | None:
        """The organisation a 工作单位 cell names (or the run's own), counted for the notes."""
        memo_key = cell if type(cell) is str else (type(cell), cell)
        try:
            hit = self._org_cells.get(memo_key)
        except TypeError:
            hit, memo_key = None, None
        if hit is None:
            hit = self._match(cell)
            if memo_key is not None and len(self._org_cells) < _MEMO_LIMIT:
                self._org_cells[memo_key] = hit
        org_id, label, matched = hit
        if count and label is not None:
            counter = self.counts.matched if matched else self.counts.unmatched
            counter[label] = counter.get(label, 0) + 1
        return org_id

    def _match(self, cell: Any) -> tuple[int | None, str | None, bool]:
        text = values.text(cell)
        if not text or self.orgs is None:
            return self.default_org, None, False
        found = self.orgs.match(text)
        if found:
            return found[0], f"“{text}” → {found[1]}", True
        return self.default_org, text, False


def memo_key(raw: Any) -> Any:
    """A cell as a key of what was remembered of it: 1, 1.0 and True are one dict key otherwise."""
    return raw if type(raw) is str else (type(raw), raw)


def _convert(key: str, raw: Any, extra: Any) -> tuple[Any, str | None, bool]:
    shown = values.text(raw)
    warning = None
    value: Any
    if key in checker.FLAG_FIELDS:
        value, ok = values.flag_cell(raw)
        if not ok:
            warning = f"{LABEL[key]}“{shown}”看不懂（应填“是”或“否”），按“否”处理"
    elif key == "new_form":
        value, ok = values.new_form_cell(raw, extra)
        if not ok:
            warning = f"{LABEL[key]}“{shown}”不在类别中（{'、'.join(choices.NEW_FORM_CATEGORIES)}），未导入此项"
    elif key == "employment_form":
        value, ok = values.employment_form_cell(raw)
        if not ok:
            warning = f"{LABEL[key]}“{shown}”不在类别中（{'、'.join(choices.EMPLOYMENT_FORMS)}），未导入此项"
    elif key in coded.BY_KEY:
        field = coded.BY_KEY[key]
        value = field.lookup(raw)
        ok = value is not None
        if not ok:
            value = ""
            warning = f"{field.label}“{shown}”不在列表中（{'、'.join(field.values)}），未导入此项"
    elif key == "joined_on":
        value = values.date_cell(raw)
        return value, None, bool(value)
    else:  # ethnicity
        value = shown.replace(" ", "")
        return value, None, bool(value)
    return value, warning, bool(shown) and ok


_TEXT = ("job", "card_no", "notes")
_CONVERTED = ("ethnicity", "employment_form", "joined_on", *checker.FLAG_FIELDS, "id_kind", *checker.CODED_FIELDS)


class SheetRows:
    """check(row): one row of a sheet, read and checked."""

    def __init__(self, reader: RowReader, index: dict[str, int]):
        self.reader = reader
        self.id_i = index["id_number"]
        self.name_i = index.get("name")
        self.phone_i = index.get("phone")
        self.new_form_i = index.get("new_form")
        self.job_i = index.get("job")
        self.org_i = index.get("org_name") if reader.orgs is not None else None
        self.gender_i = index.get("gender")
        self.birth_i = index.get("birth_date")
        self.src = (index.get(columns.SRC_SHEET), index.get(columns.SRC_ROW))
        self.has_src = any(i is not None for i in self.src)
        # The checker's fields this sheet gives, in this order: the rest are empty on every row.
        fields = ["name", "id_number", "org_id"]
        fields += [f for f in ("phone", *_TEXT, *_CONVERTED, "new_form") if f in index]
        self.fields = fields
        self.at = {f: i for i, f in enumerate(fields)}
        self.text = [(self.at[f], index[f]) for f in _TEXT if f in index]
        self.converted = [(f, self.at[f], index[f], reader.memo(f)) for f in _CONVERTED if f in index]
        self.check_values: Callable[[list[Any]], checker.Checked] = reader.checker.compile(fields)
        self.new_forms: dict[tuple[Any, str | None], tuple[Any, str | None, bool]] = {}

    def _cell(self, row: list, i: int | None) -> Any:
        return row[i] if i is not None and i < len(row) else None

    def read(self, row: list, *, count: bool = True, given: set[str] | None = None) -> _Read:
        """The row's cells as the checker's values (FIELDS order); given, if passed, is filled in."""
        n = len(row)
        at = self.at
        vals: list[Any] = [None] * len(self.fields)
        warnings: list[str] = []
        raw_name = row[self.name_i] if self.name_i is not None and self.name_i < n else None
        vals[0] = raw_name if type(raw_name) is str else to_text(raw_name)
        vals[1], refused = values.id_cell(row[self.id_i] if self.id_i < n else None)
        if self.phone_i is not None:
            vals[at["phone"]] = values.phone_cell(row[self.phone_i] if self.phone_i < n else None)
        for k, i in self.text:
            raw = row[i] if i < n else None
            vals[k] = raw.strip() if type(raw) is str else to_text(raw).strip()
        for key, k, i, memo in self.converted:
            raw = row[i] if i < n else None
            try:
                vals[k], warning, is_given = memo[raw if type(raw) is str else (type(raw), raw)]
            except (KeyError, TypeError):
                vals[k], warning, is_given = self.reader.convert(key, raw)
            if warning:
                warnings.append(warning)
            if given is not None and is_given:
                given.add(key)
        if self.new_form_i is not None:
            vals[at["new_form"]] = self._new_form(row, warnings, given)
        org_i = self.org_i
        vals[2] = (
            self.reader.org(row[org_i] if org_i < n else None, count) if org_i is not None else self.reader.default_org
        )
        if given is not None:
            if to_text(raw_name).strip():
                given.add("name")
            given.update(f for f in ("phone", *_TEXT) if f in at and vals[at[f]])
        return _Read(vals, warnings, refused, given)

    def _new_form(self, row: list, warnings: list[str], given: set[str] | None) -> Any:
        """是 in a 是否新就业形态 column takes the category from the job: the cell is read with it."""
        job = self._cell(row, self.job_i)
        job = job if type(job) is str else None
        cell = self._cell(row, self.new_form_i)
        try:
            value, warning, is_given = self.new_forms[(memo_key(cell), job)]
        except (KeyError, TypeError):
            value, warning, is_given = self.reader.convert("new_form", cell, job)
            if len(self.new_forms) < _MEMO_LIMIT:
                self.new_forms[(memo_key(cell), job)] = (value, warning, is_given)
        if warning:
            warnings.append(warning)
        if given is not None and is_given:
            given.add("new_form")
        return value

    def check(self, row: list) -> Accepted | Rejected:
        """The form's rules on one row: a member to import (with warnings) or a rejection."""
        read = self.read(row)
        checked = self.check_values(read.values)
        if checked.errors or read.refused:
            return self._with_errors(row, read, checked)
        record = checked.row
        if self.gender_i is not None or self.birth_i is not None:
            self._cross_check(row, record, read.warnings)
        return Accepted(record, read.warnings, self._source(row))

    def given(self, row: list) -> set[str]:
        """The fields this row gives a value for (an existing member is updated only in those)."""
        read = self.read(row, count=False, given=set())
        assert read.given is not None
        errors = self.check_values(read.values).errors
        return read.given - set(errors)

    def _with_errors(self, row: list, read: _Read, checked: checker.Checked) -> Accepted | Rejected:
        errors = checked.errors
        hard = {"id_number": read.refused} if read.refused else {}
        for key in HARD:
            if key in errors and key not in hard:
                hard[key] = errors[key]
        if "id_number" in hard and isinstance(read.values[1], str):
            number = idcard.normalize(read.values[1])
            if number.endswith("000") and len(number) == 18 and "校验" in hard["id_number"]:
                hard["id_number"] = hard["id_number"].rstrip("。") + values.LOST_DIGITS_HINT
        if hard:
            # The form's messages name their field already (身份证号码校验位不对…, 姓名不能为空。)
            reason = "；".join(v.rstrip("。") for v in hard.values()) + "。"
            return Rejected(reason, checked.row[0] or "")
        record = list(checked.row)
        warnings = read.warnings
        for key, message in errors.items():
            shown = values.text(self._cell(row, self._column(key)))
            if key == "joined_on":
                warnings.append(f"入会日期“{shown}”：{message}已按今天（{self.reader.today}）登记")
                record[_COL[key]] = self.reader.today
            else:
                warnings.append(f"{LABEL.get(key, key)}“{shown}”：{message}未导入此项")
                record[_COL[key]] = None
        self._cross_check(row, record, warnings)
        return Accepted(tuple(record), warnings, self._source(row))

    def _column(self, key: str) -> int | None:
        if key == "phone":
            return self.phone_i
        if key == "new_form":
            return self.new_form_i
        return next((i for f, _, i, _ in self.converted if f == key), None)

    def _cross_check(self, row: list, record: Any, warnings: list[str]) -> None:
        gender, born = record[_COL["gender"]], record[_COL["birth_date"]]
        if self.gender_i is not None:
            stated = self.reader.gender(self._cell(row, self.gender_i))
            if stated and stated != gender:
                warnings.append(f"性别填的是“{stated}”，身份证号码显示为“{gender}”，按身份证号码登记")
        if self.birth_i is not None:
            raw = self._cell(row, self.birth_i)
            stated = values.date_cell(raw)
            same_month = len(values.text(raw)) <= 8 and stated[:7] == born[:7]  # 1990.1 for 1990-01-15
            if stated and len(stated) == 10 and stated != born and not same_month:
                warnings.append(f"出生日期填的是“{stated}”，身份证号码显示为“{born}”，按身份证号码登记")

    def _source(self, row: list) -> tuple[str, int] | None:
        if not self.has_src:
            return None
        sheet_i, row_i = self.src
        return values.text(self._cell(row, sheet_i)), _int(self._cell(row, row_i))


def _int(value: Any) -> int:
    try:
        return int(float(values.text(value)))
    except ValueError:
        return 0
