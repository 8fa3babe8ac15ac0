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
from typing import Any

from clerk.domain import checker, choices, idcard
from clerk.importing.org_match import OrgMatcher
from clerk.importing.rows import LABEL, Accepted, OrgCounts, Rejected, RowReader, SheetRows
from clerk.importing.scan import FileScan, ImportRefused, Progress, SheetScan
from clerk.spreadsheets import columns
from clerk.spreadsheets.cells import to_text
from clerk.spreadsheets.layout import classify, looks_filled_id
from clerk.store.store import Store

# Columns of a new member as planned: the row checker's, then the pinyin search keys the commit
# adds (the commit also adds id, uid, unit_code, status, timestamps).
NEW_COLUMNS = (*checker.COLUMNS, "name_pinyin", "name_initials")
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
    *checker.CODED_FIELDS,
)
_LOOKUP_CHUNK = 2000
_PROGRESS_EVERY = 2000
_EXISTING_COLUMNS = ("id", "id_number", "name", "status", "org_id") + tuple(f for f in UPDATABLE if f != "name")


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

    def updates(self, scan: FileScan) -> bool:
        """Are existing members updated? Asked for, or the file is an error report sent back fixed
        (its instructions promise that the corrections are taken)."""
        return self.update_existing or scan.parent_uid is not None

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


@dataclass(slots=True)
class _Pending:
    """An accepted row waiting for the bulk lookup of existing members."""

    sheet: str
    row_no: int
    record: tuple
    warnings: list[str]
    source: tuple[str, int] | None
    row: list
    rows: SheetRows


class _Planner:
    def __init__(self, store: Store, plan: Plan, progress: Progress | None, seen: SeenIds):
        self.store = store
        self.plan = plan
        self.progress = progress
        self.seen = seen
        self.unit = store.require_unit()
        self.default_org = plan.options.org_id
        plan.org_name = target_org(store, self.default_org)
        self.org_counts = OrgCounts()
        self.reader = RowReader(self.default_org, None, self.org_counts)
        self.buffer: list[_Pending] = []
        self.display = plan.display
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
        for raw, count in sorted(self.org_counts.unmatched.items(), key=lambda kv: -kv[1])[:20]:
            where = f"“{self.plan.org_name}”" if self.plan.org_name else "“未分配组织”"
            self.plan.notes.append(f"工作单位“{raw}”没有对应的工会组织（{count} 行），这些会员记入{where}")
        for raw, count in sorted(self.org_counts.matched.items(), key=lambda kv: -kv[1])[:20]:
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
        if "org_name" in index and self.plan.options.match_org_names and self.reader.orgs is None:
            self.reader.orgs = OrgMatcher(self.store, self.unit.code)
        rows = self.reader.sheet(index)
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
            raw_id = row[id_i] if id_i < len(row) else None
            if not (type(raw_id) is str and raw_id[:1].isdigit()) and not looks_filled_id(raw_id):
                kind = classify(row, layout, id_index=id_i, name_index=name_i)
                if kind != "data":
                    counts["skipped"] += 1
                    continue
            self.done += 1
            if self.done % _PROGRESS_EVERY == 0:
                self._tick()
            outcome = rows.check(row)
            if type(outcome) is Accepted:
                self._accept(name, row_no, row, rows, outcome)
            else:
                self._reject(name, row_no, row, raw_id, outcome)  # type: ignore[arg-type]
        book.release(sheet.info)

    def _accept(self, sheet: str, row_no: int, row: list, rows: SheetRows, accepted: Accepted) -> None:
        """A valid row: a duplicate of an earlier one, or on to the bulk lookup."""
        record = accepted.record
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
        self.buffer.append(_Pending(sheet, row_no, record, accepted.warnings, accepted.source, row, rows))
        if len(self.buffer) >= _LOOKUP_CHUNK:
            self._flush()

    def _reject(self, sheet: str, row_no: int, row: list, raw_id: Any, rejected: Rejected) -> None:
        plan = self.plan
        plan.counts["rejected"] += 1
        shown_id = idcard.mask(idcard.normalize(to_text(raw_id)))
        plan.problems.append(Problem("rejected", sheet, row_no, rejected.name, shown_id, rejected.reason))
        plan.rejects.append((sheet, row_no, "rejected", rejected.reason, _cells(row)))

    # -- bulk lookup of existing members --------------------------------------------------------
    def _flush(self) -> None:
        if not self.buffer:
            return
        numbers = [entry.record[1] for entry in self.buffer]
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
        for entry in self.buffer:
            record, warnings = entry.record, entry.warnings
            existing = found.get(record[1]) if found else None
            if existing is None:
                new_rows.append(record)  # pinyin keys are added at commit, once the sheet's cells are freed
                plan.counts["new"] += 1
            else:
                given = entry.rows.given(entry.row)
                self._existing(entry.sheet, entry.row_no, dict(zip(NEW_COLUMNS, record)), given, existing, warnings)
            if warnings:
                plan.counts["warning"] += 1
                reason = "；".join(warnings)
                plan.problems.append(
                    Problem("warning", entry.sheet, entry.row_no, record[0], idcard.mask(record[1]), reason)
                )
                plan.rejects.append((entry.sheet, entry.row_no, "warning", reason, _cells(entry.row)))
            if entry.source is not None and entry.source[1]:
                plan.resolves.append(entry.source)
        self.buffer.clear()
        if self.sink is not None and len(new_rows) >= self.sink_rows:
            self.sink(new_rows)
            plan.new_rows = []

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
        if changes and plan.options.updates(plan.scan):
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
