"""Import, step 2: read every row, validate it with the member form's rules, and plan the batch.

Nothing is written. The plan says, for each row: new member, update of an existing member,
already a member (unchanged), duplicate of an earlier row, or rejected — with the reason in
Chinese — and it holds the new members ready for one executemany in step 3.

A row's person is looked up in the database in bulk (a JSON list of ID numbers per 2,000 rows
against the members_person index), never one query per row.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stdnum.cn import ric

from clerk.domain import choices, idcard
from clerk.importing import values
from clerk.importing.check import _CANON_ID, _CJK_NAME, _MOBILE, VERIFY_ROWS, RowChecker
from clerk.importing.org_match import OrgMatcher
from clerk.importing.scan import FileScan, ImportRefused, Progress, SheetScan
from clerk.registry import members
from clerk.spreadsheets import columns
from clerk.spreadsheets.cells import to_text
from clerk.spreadsheets.layout import classify, looks_filled_id
from clerk.store.store import Store

# Columns of a new member as planned (the commit adds id, uid, unit_code, status, timestamps).
NEW_COLUMNS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "birthplace_code",
    "phone",
    "ethnicity",
    "org_id",
    "job",
    "employment_form",
    "migrant",
    "new_form",
    "joined_on",
    "card_no",
    "mutual_aid",
    "hardship",
    "notes",
    "name_pinyin",
    "name_initials",
)
# Fields an import may change on an existing member, when the roster gives a value for them.
UPDATABLE = (
    "name",
    "phone",
    "ethnicity",
    "job",
    "employment_form",
    "new_form",
    "joined_on",
    "card_no",
    "migrant",
    "mutual_aid",
    "hardship",
    "notes",
)
HARD = ("name", "id_number")  # a row without a valid name and ID number is rejected
_LOOKUP_CHUNK = 2000
_PROGRESS_EVERY = 2000
_EXISTING_COLUMNS = ("id", "id_number", "name", "status", "org_id") + tuple(f for f in UPDATABLE if f != "name")

LABEL = {**columns.FIELDS, "id_number": "身份证号码", "phone": "手机号码"}


class SeenIds:
    """ID numbers already taken in this run: file, sheet and row of each, kept compact (one int a row)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._places: list[tuple[str, str]] = []
        self._place_index: dict[tuple[str, str], int] = {}

    def add(self, number: str, display: str, sheet: str, row: int) -> None:
        place = self._place_index.get((display, sheet))
        if place is None:
            place = self._place_index[(display, sheet)] = len(self._places)
            self._places.append((display, sheet))
        self._ids[number] = place << 32 | row

    def get(self, number: str) -> tuple[str, str, int] | None:
        code = self._ids.get(number)
        if code is None:
            return None
        display, sheet = self._places[code >> 32]
        return display, sheet, code & 0xFFFFFFFF

    def __len__(self) -> int:
        return len(self._ids)


@dataclass
class Options:
    org_id: int | None = None  # the organisation every imported member joins (unless 工作单位 matches one)
    update_existing: bool = False  # update members already in the database with the roster's values
    match_org_names: bool = True  # use a 工作单位 column that names an organisation


@dataclass
class Problem:
    """A row the clerk should look at: rejected, duplicate, warning, update, existing."""

    kind: str
    sheet: str
    row: int
    name: str
    id_masked: str
    reason: str

    KIND_LABELS = {
        "rejected": "未导入",
        "duplicate": "重复",
        "warning": "已导入，需核对",
        "update": "将更新",
        "existing": "已是会员",
    }

    @property
    def kind_label(self) -> str:
        return self.KIND_LABELS.get(self.kind, self.kind)


@dataclass
class Plan:
    scan: FileScan
    options: Options
    org_name: str | None = None
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("new", "updated", "unchanged", "duplicate", "rejected", "warning", "skipped"), 0
        )
    )
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_rows: list[tuple] = field(default_factory=list)  # NEW_COLUMNS values without the two pinyin keys
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (member id, changes)
    rejects: list[tuple[str, int, str, str, str]] = field(default_factory=list)  # sheet, row, kind, reason, cells
    resolves: list[tuple[str, int]] = field(default_factory=list)  # (sheet, row) of the parent batch's rejects

    @property
    def display(self) -> str:
        return self.scan.display

    @property
    def already_imported(self) -> dict | None:
        return self.scan.previous

    @property
    def writes(self) -> int:
        return len(self.new_rows) + len(self.updates)

    def by_kind(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.kind == kind]


def prepare(
    store: Store,
    scan: FileScan,
    options: Options | None = None,
    progress: Progress | None = None,
    seen: SeenIds | None = None,
) -> Plan:
    """Validate every row of the scanned file; write nothing.

    seen carries the ID numbers of earlier files of the same run, so a person in two files is a
    duplicate the second time.
    """
    scan.check_usable()
    options = options or Options()
    plan = Plan(scan, options)
    with no_cyclic_gc():
        _Planner(store, plan, progress, SeenIds() if seen is None else seen).run()
    return plan


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Hundreds of thousands of new tuples would set off full collections again and again (a
    third of the time); nothing the importer builds holds a reference cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def target_org(store: Store, org_id: int | None) -> str | None:
    """The name of the organisation members are imported into; refuse one that can't take members."""
    if org_id is None:
        return None
    row = store.conn.execute("SELECT name, status, unit_code FROM organisations WHERE id = ?", (org_id,)).fetchone()
    if row is None:
        raise ImportRefused(f"找不到编号为 {org_id} 的工会组织。可用 clerk org list 查看编号。")
    if row["status"] != "正常":
        raise ImportRefused(f"工会组织“{row['name']}”已撤销，不能再加入会员。请选择其他组织。")
    return row["name"]


class _Planner:
    def __init__(self, store: Store, plan: Plan, progress: Progress | None, seen: SeenIds):
        self.store = store
        self.plan = plan
        self.progress = progress
        self.seen = seen
        self.unit = store.require_unit()
        self.checker = RowChecker()
        self.today = date.today().isoformat()
        self.default_org = plan.options.org_id
        plan.org_name = target_org(store, self.default_org)
        self.orgs: OrgMatcher | None = None
        self.unmatched: dict[str, int] = {}
        self.matched: dict[str, int] = {}
        self.conv: dict[tuple[str, Any], tuple[Any, str | None, bool]] = {}
        self.buffer: list[tuple] = []
        self.spec: tuple = (0, None, [])
        self.display = plan.display
        self.fast_ok = True
        self.verify_left = VERIFY_ROWS
        self.done = 0
        self.total = plan.scan.estimated_rows
        # Called with plan.new_rows whenever they reach sink_rows, which then start anew: the
        # writer process takes them while later rows are checked (import_writer).
        self.sink: Callable[[list[tuple]], None] | None = None
        self.sink_rows = _LOOKUP_CHUNK

    # -- the run -----------------------------------------------------------------------------
    def run(self) -> None:
        for sheet in self.plan.scan.usable:
            self._sheet(sheet)
        self._flush()
        self._tick(force=True)
        order = {sheet.name: i for i, sheet in enumerate(self.plan.scan.sheets)}
        self.plan.problems.sort(key=lambda p: (order.get(p.sheet, 0), p.row))
        for raw, count in sorted(self.unmatched.items(), key=lambda kv: -kv[1])[:20]:
            where = f"“{self.plan.org_name}”" if self.plan.org_name else "“未分配组织”"
            self.plan.notes.append(f"工作单位“{raw}”没有对应的工会组织（{count} 行），这些会员记入{where}")
        for raw, count in sorted(self.matched.items(), key=lambda kv: -kv[1])[:20]:
            self.plan.notes.append(f"工作单位 {raw}（{count} 行）")

    def _tick(self, force: bool = False) -> None:
        if self.progress and (force or self.done % _PROGRESS_EVERY == 0):
            self.progress("校验", self.done, self.total)

    def _sheet(self, sheet: SheetScan) -> None:
        layout = sheet.layout
        assert layout is not None
        index = {
            c.field: c.index
            for c in layout.columns
            if c.field in columns.FIELDS or c.field in (columns.SRC_SHEET, columns.SRC_ROW)
        }
        id_i = index["id_number"]
        name_i = index.get("name")
        extract = [(f, i) for f, i in index.items() if f not in ("id_number", "name")]
        self.spec = (id_i, name_i, extract)
        if "org_name" in index and self.plan.options.match_org_names and self.orgs is None:
            self.orgs = OrgMatcher(self.store, self.unit.code)
        fast = _FastRows(self, index) if name_i is not None and self.fast_ok else None
        book = self.plan.scan.book
        starts = _vertical_merges(book.merged(sheet.info), book.first_col(sheet.info), layout.data_start)
        active: dict[int, tuple[int, Any]] = {}
        start = layout.data_start
        name = sheet.name
        counts = self.plan.counts
        for row_no, row in enumerate(book.rows(sheet.info), start=1):
            if row_no < start:
                continue
            if starts:
                row = _fill_merged(row, row_no - 1, starts, active)
            n = len(row)
            raw_id = row[id_i] if id_i < n else None
            if not (type(raw_id) is str and raw_id[:1].isdigit()) and not looks_filled_id(raw_id):
                kind = classify(row, layout, id_index=id_i, name_index=name_i)
                if kind != "data":
                    counts["skipped"] += 1
                    continue
            self.done += 1
            if self.done % _PROGRESS_EVERY == 0:
                self._tick()
            if fast is not None:
                record = fast.record(row, n, raw_id)
                if record is not None:
                    if self.verify_left > 0 and not self._verified(row, n, raw_id, record):
                        fast = None
                    else:
                        self._accept(name, row_no, row, record, None, [], None)
                        continue
            raw_name = row[name_i] if name_i is not None and name_i < n else None
            raw = {f: (row[i] if i < n else None) for f, i in extract}
            self._row(name, row_no, row, raw_id, raw_name, raw)
        book.release(sheet.info)

    def _verified(self, row: list, n: int, raw_id: Any, record: tuple) -> bool:
        """The first rows of every import go both ways; any difference turns the fast path off."""
        self.verify_left -= 1
        id_i, name_i, extract = self.spec
        raw = {f: (row[i] if i < n else None) for f, i in extract}
        outcome = self._evaluate(
            0, raw_id, row[name_i] if name_i is not None and name_i < n else None, raw, count_orgs=False
        )
        if outcome[0] == "ok" and not outcome[3] and _as_tuple(outcome[1]) == record:
            return True
        self.fast_ok = False
        return False

    # -- one row ----------------------------------------------------------------------------
    def _convert(self, key: str, raw: Any, extra: Any = None) -> tuple[Any, str | None, bool]:
        """(form value, warning, given) for a low-variety column, memoised per distinct cell."""
        memo_key = (key, raw, extra)
        hit = self.conv.get(memo_key)  # type: ignore[arg-type]
        if hit is not None:
            return hit
        shown = values.text(raw)
        warning = None
        if key in members.FLAG_FIELDS:
            value, ok = values.flag_cell(raw)
            given = bool(shown) and ok
            if not ok:
                warning = f"{LABEL[key]}“{shown}”看不懂（应填“是”或“否”），按“否”处理"
        elif key == "new_form":
            value, ok = values.new_form_cell(raw, extra)
            given = bool(shown) and ok
            if not ok:
                warning = f"{LABEL[key]}“{shown}”不在类别中（{'、'.join(choices.NEW_FORM_CATEGORIES)}），未导入此项"
        elif key == "employment_form":
            value, ok = values.employment_form_cell(raw)
            given = bool(shown) and ok
            if not ok:
                warning = f"{LABEL[key]}“{shown}”不在类别中（{'、'.join(choices.EMPLOYMENT_FORMS)}），未导入此项"
        elif key == "joined_on":
            value = values.date_cell(raw)
            given = bool(value)
        elif key == "ethnicity":
            value = values.text(raw).replace(" ", "")
            given = bool(value)
        else:
            value, given = shown, bool(shown)
        hit = (value, warning, given)
        if len(self.conv) < 100_000:
            try:
                self.conv[memo_key] = hit  # type: ignore[index]
            except TypeError:
                pass
        return hit

    def _evaluate(self, row_no: int, raw_id: Any, raw_name: Any, raw: dict[str, Any], count_orgs: bool = True) -> tuple:
        """The form's rules on one row: ("reject", reason, clean) or ("ok", clean, given, warnings)."""
        warnings: list[str] = []
        hard: dict[str, str] = {}
        given: set[str] = set()
        id_value, refused = values.id_cell(raw_id)
        if refused:
            hard["id_number"] = refused
        fields: dict[str, Any] = {
            "name": raw_name if type(raw_name) is str else to_text(raw_name),
            "id_number": id_value,
        }
        if raw_name is not None and to_text(raw_name).strip():
            given.add("name")
        for key, cell in raw.items():
            if key in ("phone",):
                fields["phone"] = values.phone_cell(cell)
                if fields["phone"]:
                    given.add("phone")
            elif key in ("job", "card_no", "notes"):
                text = to_text(cell).strip()
                fields[key] = text
                if text:
                    given.add(key)
            elif key in ("ethnicity", "employment_form", "joined_on") or key in members.FLAG_FIELDS:
                value, warning, is_given = self._convert(key, cell)
                fields[key] = value
                if warning:
                    warnings.append(warning)
                if is_given:
                    given.add(key)
            elif key == "new_form":
                value, warning, is_given = self._convert(key, cell, _job(raw))
                fields[key] = value
                if warning:
                    warnings.append(warning)
                if is_given:
                    given.add(key)
        fields["org_id"] = self._org(raw.get("org_name"), count_orgs) if "org_name" in raw else self.default_org

        clean, errors = self.checker.check(fields)
        for key in HARD:
            if key in errors and key not in hard:
                hard[key] = errors[key]
        if "id_number" in hard and isinstance(id_value, str):
            number = idcard.normalize(id_value)
            if number.endswith("000") and len(number) == 18 and "校验" in hard["id_number"]:
                hard["id_number"] = hard["id_number"].rstrip("。") + values.LOST_DIGITS_HINT
        if hard:
            # The form's messages name their field already (身份证号码校验位不对…, 姓名不能为空。)
            return ("reject", "；".join(v.rstrip("。") for v in hard.values()) + "。", clean)
        for key, message in errors.items():
            shown = values.text(raw.get(key))
            if key == "joined_on":
                warnings.append(f"入会日期“{shown}”：{message}已按今天（{self.today}）登记")
                clean["joined_on"] = self.today
            else:
                warnings.append(f"{LABEL.get(key, key)}“{shown}”：{message}未导入此项")
                clean[key] = None
            given.discard(key)
        self._cross_check(raw, clean, warnings)
        return ("ok", clean, given, warnings)

    def _org(self, cell: Any, count: bool = True) -> int | None:
        if self.orgs is None:
            return self.default_org
        org_text = values.text(cell)
        if not org_text:
            return self.default_org
        found = self.orgs.match(org_text)
        if found:
            if count:
                label = f"“{org_text}” → {found[1]}"
                self.matched[label] = self.matched.get(label, 0) + 1
            return found[0]
        if count:
            self.unmatched[org_text] = self.unmatched.get(org_text, 0) + 1
        return self.default_org

    def _row(self, sheet: str, row_no: int, row: list, raw_id: Any, raw_name: Any, raw: dict[str, Any]) -> None:
        outcome = self._evaluate(row_no, raw_id, raw_name, raw)
        if outcome[0] == "reject":
            self._reject(sheet, row_no, row, outcome[2], raw_id, outcome[1])
            return
        _, clean, given, warnings = outcome
        src = None
        if "src_sheet" in raw or "src_row" in raw:
            src = (values.text(raw.get("src_sheet")), _int(raw.get("src_row")))
        self._accept(sheet, row_no, row, _as_tuple(clean), given, warnings, src)

    def _accept(
        self,
        sheet: str,
        row_no: int,
        row: list,
        record: tuple,
        given: set[str] | None,
        warnings: list[str],
        src: tuple[str, int] | None,
    ) -> None:
        """A valid row: a duplicate of an earlier one, or on to the bulk lookup."""
        number = record[1]
        earlier = self.seen.get(number)
        if earlier is not None:
            if earlier[0] != self.display:
                where = f"文件“{earlier[0]}”工作表“{earlier[1]}”第 {earlier[2]} 行"
            elif earlier[1] != sheet:
                where = f"工作表“{earlier[1]}”第 {earlier[2]} 行"
            else:
                where = f"第 {earlier[2]} 行"
            self.plan.counts["duplicate"] += 1
            self.plan.problems.append(
                Problem(
                    "duplicate",
                    sheet,
                    row_no,
                    record[0],
                    idcard.mask(number),
                    f"与{where}是同一个人（身份证号码相同），只导入一次",
                )
            )
            return
        self.seen.add(number, self.display, sheet, row_no)
        cells = _cells(row) if warnings else None
        self.buffer.append((sheet, row_no, record, given, warnings, cells, src, (row, self.spec)))
        if len(self.buffer) >= _LOOKUP_CHUNK:
            self._flush()

    def _reject(self, sheet: str, row_no: int, row: list, clean: dict, raw_id: Any, reason: str) -> None:
        plan = self.plan
        plan.counts["rejected"] += 1
        shown_id = idcard.mask(idcard.normalize(to_text(raw_id)))
        plan.problems.append(Problem("rejected", sheet, row_no, clean.get("name") or "", shown_id, reason))
        plan.rejects.append((sheet, row_no, "rejected", reason, _cells(row)))

    def _cross_check(self, raw: dict[str, Any], clean: dict[str, Any], warnings: list[str]) -> None:
        if "gender" in raw:
            stated = values.gender_cell(raw["gender"])
            if stated and stated != clean["gender"]:
                warnings.append(f"性别填的是“{stated}”，身份证号码显示为“{clean['gender']}”，按身份证号码登记")
        if "birth_date" in raw:
            stated = values.date_cell(raw["birth_date"])
            if stated and len(stated) == 10 and stated != clean["birth_date"]:
                if not (len(values.text(raw["birth_date"])) <= 8 and stated[:7] == clean["birth_date"][:7]):
                    warnings.append(
                        f"出生日期填的是“{stated}”，身份证号码显示为“{clean['birth_date']}”，按身份证号码登记"
                    )

    # -- bulk lookup of existing members --------------------------------------------------------
    def _flush(self) -> None:
        if not self.buffer:
            return
        numbers = [entry[2][1] for entry in self.buffer]
        found = {
            r["id_number"]: r
            for r in self.store.conn.execute(
                f"SELECT {', '.join(_EXISTING_COLUMNS)} FROM members"
                " WHERE id_number IN (SELECT value FROM json_each(?)) AND unit_code = ? AND deleted_at IS NULL",
                (json.dumps(numbers), self.unit.code),
            )
        }
        plan = self.plan
        new_rows = plan.new_rows
        for sheet, row_no, record, given, warnings, cells, src, row in self.buffer:
            existing = found.get(record[1]) if found else None
            if existing is None:
                new_rows.append(record)  # pinyin keys are added at commit, once the sheet's cells are freed
                plan.counts["new"] += 1
            else:
                if given is None:  # a row the fast path took: what the roster gives, as the slow path sees it
                    given = self._given(row)
                self._existing(sheet, row_no, dict(zip(NEW_COLUMNS, record)), given, existing, warnings)
                if warnings and cells is None:
                    cells = _cells(row[0])
            if warnings:
                plan.counts["warning"] += 1
                reason = "；".join(warnings)
                plan.problems.append(Problem("warning", sheet, row_no, record[0], idcard.mask(record[1]), reason))
                plan.rejects.append((sheet, row_no, "warning", reason, cells or "[]"))
            if src is not None and src[1]:
                plan.resolves.append(src)  # type: ignore[arg-type]
        self.buffer.clear()
        if self.sink is not None and len(new_rows) >= self.sink_rows:
            self.sink(new_rows)
            plan.new_rows = []

    def _given(self, entry: tuple) -> set[str]:
        row, spec = entry
        id_i, name_i, extract = spec
        n = len(row)
        raw = {f: (row[i] if i < n else None) for f, i in extract}
        outcome = self._evaluate(
            0,
            row[id_i] if id_i < n else None,
            row[name_i] if name_i is not None and name_i < n else None,
            raw,
            count_orgs=False,
        )
        return outcome[2] if outcome[0] == "ok" else set()

    def _existing(self, sheet: str, row_no: int, clean: dict, given: set[str], existing, warnings: list[str]) -> None:
        plan = self.plan
        changes: dict[str, Any] = {}
        for key in UPDATABLE:
            if key not in given:
                continue
            new, old = clean[key], existing[key]
            if key == "notes" and old:
                continue  # a clerk's own notes are never overwritten by a roster
            if new != old:
                changes[key] = new
        org_id = clean["org_id"]
        if org_id is not None and existing["org_id"] is None:
            changes["org_id"] = org_id
        elif org_id is not None and existing["org_id"] != org_id:
            names = dict(
                self.store.conn.execute(
                    "SELECT id, name FROM organisations WHERE id IN (?, ?)", (org_id, existing["org_id"])
                ).fetchall()
            )
            warnings.append(
                f"库中所在工会是“{names.get(existing['org_id'], existing['org_id'])}”，本次是“{names.get(org_id, org_id)}”："
                "没有改动（需要转会请用“组织关系转接”）"
            )
        masked = idcard.mask(clean["id_number"])
        if existing["status"] != choices.LIVE:
            plan.counts["unchanged"] += 1
            plan.problems.append(
                Problem(
                    "existing",
                    sheet,
                    row_no,
                    clean["name"],
                    masked,
                    f"库中已有此人，状态为“{existing['status']}”，没有改动（重新入会请在会员详情中修改状态）",
                )
            )
            return
        described = "；".join(
            f"{LABEL.get(k, '所在工会' if k == 'org_id' else k)}：{_show(existing[k])} → {_show(v)}"
            for k, v in changes.items()
        )
        if changes and plan.options.update_existing:
            plan.counts["updated"] += 1
            plan.updates.append((existing["id"], changes))
            plan.problems.append(Problem("update", sheet, row_no, clean["name"], masked, f"将更新：{described}"))
        elif changes:
            plan.counts["unchanged"] += 1
            plan.problems.append(
                Problem(
                    "existing",
                    sheet,
                    row_no,
                    clean["name"],
                    masked,
                    f"已是会员；花名册与库中不同（{described}），没有更新（选择“更新已有会员”可更新）",
                )
            )
        else:
            plan.counts["unchanged"] += 1


def _show(value: Any) -> str:
    return "空" if value in (None, "") else str(value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def _int(value: Any) -> int:
    try:
        return int(float(values.text(value)))
    except ValueError:
        return 0


def _cells(row: list) -> str:
    return json.dumps([to_text(v) for v in row], ensure_ascii=False)


def _vertical_merges(merged: list, first_col: int, data_start: int) -> dict[int, list[tuple[int, int]]]:
    """Top row (0-based) -> [(column index, last row)] of each range merged down two or more data rows."""
    starts: dict[int, list[tuple[int, int]]] = {}
    for (r0, c0), (r1, c1) in merged or ():
        if r1 > r0 and r0 >= data_start - 1:
            starts.setdefault(r0, []).extend((c - first_col, r1) for c in range(c0, c1 + 1) if c >= first_col)
    return starts


def _fill_merged(row: list, r0: int, starts: dict, active: dict) -> list:
    """A 工作单位 merged down a group of rows is stored only in its top cell; it belongs to each row."""
    if r0 in starts:
        for i, last in starts[r0]:
            active[i] = (last, row[i] if i < len(row) else None)
    if not active:
        return row
    row = list(row)
    for i, (last, value) in list(active.items()):
        if r0 > last:
            del active[i]
            continue
        while len(row) <= i:
            row.append("")
        if _blank(row[i]):
            row[i] = value
    return row


def _job(raw: dict[str, Any]) -> str | None:
    job = raw.get("job")
    return job if type(job) is str else None


def _as_tuple(clean: dict[str, Any]) -> tuple:
    """A checked row in NEW_COLUMNS order, without the pinyin keys."""
    return tuple(clean[k] for k in NEW_COLUMNS[:-2])


_POS = {k: i for i, k in enumerate(NEW_COLUMNS[:-2])}
_FALLBACK = object()


class _FastRows:
    """Rows the way most rows are: canonical ID, a plain Chinese name, a mobile, and cells the memo
    has seen before. Anything else returns None and goes through _Planner._evaluate."""

    def __init__(self, planner: _Planner, index: dict[str, int]):
        self.p = planner
        self.id_i = index["id_number"]
        self.name_i = index["name"]
        self.phone_i = index.get("phone")
        self.org_i = index.get("org_name") if planner.orgs is not None else None
        self.gender_i = index.get("gender")
        self.birth_i = index.get("birth_date")
        self.job_i = index.get("job")
        self.slow = any(f in index for f in (columns.SRC_SHEET, columns.SRC_ROW))
        self.text = [(_POS[f], index[f]) for f in ("job", "card_no", "notes") if f in index]
        self.low = [
            (f, _POS[f], index[f], {})
            for f in ("ethnicity", "employment_form", "joined_on") + members.FLAG_FIELDS
            if f in index
        ]
        self.new_form = (_POS["new_form"], index["new_form"], {}) if "new_form" in index else None
        template = [None] * len(_POS)
        template[_POS["org_id"]] = planner.default_org
        for flag in members.FLAG_FIELDS:
            template[_POS[flag]] = 0
        template[_POS["joined_on"]] = planner.today
        self.template = template
        self.org_memo: dict[Any, tuple[int | None, str | None, bool]] = {}
        self.gender_memo: dict[Any, str] = {}
        self.birth_memo: dict[Any, str] = {}
        checker = planner.checker
        self.birth = checker._birth
        self.check_digit = ric.calc_check_digit
        self.name_re = _CJK_NAME.fullmatch
        self.id_re = _CANON_ID.fullmatch
        self.mobile_re = _MOBILE.fullmatch
        self._record = self._compile()

    def _low(self, key: str, raw: Any, extra: Any = None) -> Any:
        value, warning, _ = self.p._convert(key, raw, extra)
        if warning:
            return _FALLBACK
        clean, error = self.p.checker._field(key, value)
        return _FALLBACK if error else clean

    def record(self, row: list, n: int, raw_id: Any) -> tuple | None:
        return self._record(row, n, raw_id)

    def _compile(self):
        """record() as a closure over locals: this runs once per row of a 200,000-row roster."""
        slow, id_re, name_re, mobile_re = self.slow, self.id_re, self.name_re, self.mobile_re
        name_i, phone_i, text, low, new_form = self.name_i, self.phone_i, self.text, self.low, self.new_form
        gender_i, birth_i, org_i, job_i = self.gender_i, self.birth_i, self.org_i, self.job_i
        births, birth, check_digit = self.p.checker._births, self.birth, self.check_digit
        template, low_value, gender_memo, org_memo = self.template, self._low, self.gender_memo, self.org_memo
        gender_cell, org_of, planner, fallback, blank = values.gender_cell, self._org_of, self.p, _FALLBACK, _blank
        places: dict[str, str] = {}

        def record(row: list, n: int, raw_id: Any) -> tuple | None:
            if slow or type(raw_id) is not str or len(raw_id) != 18 or not id_re(raw_id):
                return None
            name = row[name_i] if name_i < n else None
            if type(name) is not str or not name_re(name):
                return None
            date8 = raw_id[6:14]
            hit = births.get(date8) or birth(date8)
            if hit[1] is not None or raw_id[17] != check_digit(raw_id):
                return None
            rec = template.copy()
            rec[0] = name
            rec[1] = raw_id
            rec[2] = gender = "男" if raw_id[16] in "13579" else "女"
            rec[3] = hit[0]
            place = raw_id[:6]
            rec[4] = places.setdefault(place, place)
            if phone_i is not None and phone_i < n:
                phone = row[phone_i]
                if type(phone) is float and phone.is_integer():
                    phone = str(int(phone))
                if type(phone) is str and phone:
                    if len(phone) != 11 or not mobile_re(phone):
                        return None
                    rec[5] = phone
                elif phone is not None and phone != "":
                    return None
            for pos, i in text:
                if i < n:
                    cell = row[i]
                    if type(cell) is str:
                        rec[pos] = cell.strip() or None
                    elif cell is not None:
                        return None
            for key, pos, i, memo in low:
                cell = row[i] if i < n else None
                mkey = cell if type(cell) is str else (type(cell), cell)  # 1.0 and True are one dict key
                value = memo.get(mkey, memo)
                if value is memo:
                    try:
                        value = memo[mkey] = low_value(key, cell)
                    except TypeError:
                        return None
                if value is fallback:
                    return None
                rec[pos] = value
            if new_form is not None:
                pos, i, memo = new_form
                cell = row[i] if i < n else None
                job = row[job_i] if job_i is not None and job_i < n else None
                mkey = (type(cell), cell, job if type(job) is str else None)
                value = memo.get(mkey, memo)
                if value is memo:
                    try:
                        value = memo[mkey] = low_value("new_form", cell, mkey[2])
                    except TypeError:
                        return None
                if value is fallback:
                    return None
                rec[pos] = value
            if gender_i is not None and gender_i < n:
                cell = row[gender_i]
                mkey = cell if type(cell) is str else (type(cell), cell)
                stated = gender_memo.get(mkey)
                if stated is None:
                    try:
                        stated = gender_memo[mkey] = gender_cell(cell)
                    except TypeError:
                        return None
                if stated and stated != gender:
                    return None
            if birth_i is not None and birth_i < n and not blank(row[birth_i]):
                return None  # a stated birth date is compared the careful way
            if org_i is not None:
                cell = row[org_i] if org_i < n else None
                mkey = cell if type(cell) is str else (type(cell), cell)
                org = org_memo.get(mkey)
                if org is None:
                    try:
                        org = org_memo[mkey] = org_of(cell)
                    except TypeError:
                        return None
                rec[7] = org[0]
                if org[1] is not None:
                    counter = planner.matched if org[2] else planner.unmatched
                    counter[org[1]] = counter.get(org[1], 0) + 1
            return tuple(rec)

        return record

    def _org_of(self, cell: Any) -> tuple[int | None, str | None, bool]:
        text = values.text(cell)
        if not text:
            return self.p.default_org, None, False
        found = self.p.orgs.match(text) if self.p.orgs else None
        if found:
            return found[0], f"“{text}” → {found[1]}", True
        return self.p.default_org, text, False
