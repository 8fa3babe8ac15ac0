"""The PostgreSQL merge target of the city hub: the SQL a merge runs, behind sync_target.MergeTarget.

The rules are sync_merge's, the same as for a district's SQLite database; only the storage
differs. Rows the rules insert or update are buffered in Python and written in bulk when the
rules flush (after each table of a file, and before commit). Members new to the hub — nearly
all of what a big merge writes — go straight into members by binary COPY with ids taken
beforehand, their journal entries and sync_rows likewise (_flush_new_members). Everything else
(updates, organisations, transfers) is COPYed into a temporary staging table and written by one
INSERT ... SELECT / UPDATE ... FROM per table, with the journal entries built by the server
from the rows it wrote (RETURNING feeding the journal in the same statement). A file is one
transaction.

Concurrency: merging a file takes a transaction-scoped advisory lock on the sending unit's code,
then checks again (under the lock) whether that file was merged and where the unit's sequence
stands, so the same file merged by two clerks at once is applied once (and sync_files' unique
key stands behind the lock); files of different units merge side by side. Looking for a person
on the roll in two units takes one hub-wide lock until commit, so two files bringing the same
person at once cannot both miss the other.

A member's search keys (name_pinyin, name_initials) are stored as the sync file carries them;
the hub works them out only where the rules leave them out (pypinyin takes about 130
microseconds for a name it has not seen, more than the whole merge of a row).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg import errors
from psycopg.rows import dict_row, tuple_row

from clerk.domain import choices, idcard, names
from clerk.hub.schema import LOCK_NAMESPACE
from clerk.store.store import Unit, new_uid, now
from clerk.sync import format as fmt
from clerk.sync.book import CONFLICT_SELECT, Bookkeeping, conflict_from_row
from clerk.sync.sqlite_target import MEMBER_COLUMNS, ORG_COLUMNS, TRANSFER_COLUMNS
from clerk.sync.target import (
    AlreadyMerged,
    Conflict,
    Existing,
    TargetRefusal,
    dumps,
    loads,
)

_INT_COLUMNS = {"migrant", "mutual_aid", "hardship", "employee_count"}
_NOT_NULL_INTS = ("migrant", "mutual_aid", "hardship")
LIVE_TWICE_LOCK = 0  # second key of the hub-wide lock (unit codes hash to the others)


@lru_cache(maxsize=65536)
def _pinyin(name: str) -> tuple[str, str]:
    return names.pinyin_keys(name)


class _Table:
    """How one table is staged and written: its own columns, and the uid references it resolves."""

    def __init__(self, name: str, columns: tuple[str, ...], refs: dict[str, tuple[str, str]], snapshot: str):
        self.name = name
        self.columns = columns
        self.refs = refs  # id column -> (uid column in the stage, referenced table)
        self.stage = f"clerk_stage_{name}"
        # stage: op ('i'/'u'), id (updates), ord, journal unit and op, before (JSON), columns, uid refs
        self.stage_columns = ("op", "id", "ord", "junit", "jop", "before", *columns, *(u for u, _ in refs.values()))
        self.snapshot = snapshot  # SQL building the journal's after-image from row r and stage s

    def ddl(self) -> str:
        def kind(c: str) -> str:
            return "bigint" if c in ("id", "ord") or c in _INT_COLUMNS else 'text COLLATE "C"'

        cols = ", ".join(f"{c} {kind(c)}" for c in self.stage_columns)
        return f"CREATE TEMP TABLE IF NOT EXISTS {self.stage} ({cols}) ON COMMIT DELETE ROWS"


# The member's search keys, as the sync file carries them.
_SEARCH_KEYS = ("name_pinyin", "name_initials")
_NOT_JOURNALED = ("created_at", "updated_at", *_SEARCH_KEYS)  # as members.snapshot leaves them out


def _snapshot_sql(columns: tuple[str, ...], refs: dict[str, tuple[str, str]]) -> str:
    """The journal's after-image of written row r (with its stage row s): json_build_object is
    about three times faster than to_jsonb(r) minus keys, which matters at millions of rows."""
    pairs = [("id", "r.id")] + [(c, f"r.{c}") for c in columns if c not in _NOT_JOURNALED]
    pairs += [(i, f"r.{i}") for i in refs] + [(u, f"s.{u}") for u, _ in refs.values()]
    return "json_build_object(" + ", ".join(f"'{k}', {v}" for k, v in pairs) + ")::text"


def _table(name: str, columns: tuple[str, ...], refs: dict[str, tuple[str, str]]) -> _Table:
    return _Table(name, columns, refs, _snapshot_sql(columns, refs))


TABLES = {
    "organisations": _table("organisations", ORG_COLUMNS, {"parent_id": ("parent_uid", "organisations")}),
    "members": _table("members", (*MEMBER_COLUMNS, *_SEARCH_KEYS), {"org_id": ("org_uid", "organisations")}),
    "transfers": _table(
        "transfers",
        TRANSFER_COLUMNS,
        {
            "member_id": ("member_uid", "members"),
            "from_org_id": ("from_org_uid", "organisations"),
            "to_org_id": ("to_org_uid", "organisations"),
        },
    ),
}


class HubUnit(Unit):
    """The hub's own unit: a city (2- or 4-digit code) or a district (6) merging on PostgreSQL."""

    @property
    def level(self) -> str:
        return "district" if len(self.code) == 6 else "city"

    @property
    def level_label(self) -> str:
        return "区县总工会" if self.level == "district" else "市级总工会"


class PostgresTarget(Bookkeeping):
    def __init__(self, conn: psycopg.Connection, unit: Unit, url_label: str = ""):
        self.conn = conn
        self.unit = unit
        self.label = url_label
        self._clerk = unit.clerk
        self._rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self._journal: list[tuple] = []
        self._touched: dict[tuple[str, str], tuple[str, int, str | None]] = {}
        self._members_here: set[str] = set()
        # Members new to the hub (the bulk of a merge), written apart from the stage: (row, values,
        # source code, source seq). _member_ids: ids of the members this transaction wrote or read.
        self._new_members: list[tuple[list, dict[str, Any], str, int]] = []
        self._member_ids: dict[str, int] = {}
        self._id_numbers: dict[str, str] = {}  # and their ID numbers as this transaction leaves them
        self._sequences: tuple[str, str] | None = None
        self._journaled = False
        self._staged = False

    # -- transactions and bookkeeping -----------------------------------------------------------
    def backup(self, reason: str) -> Path | None:
        return None  # one transaction per file; backing up the server is the server's job (pg_dump)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._members_here.clear()
        self._member_ids.clear()
        self._id_numbers.clear()
        try:
            with self.conn.transaction():
                # The staging joins probe indexes of tables that grow to millions of rows; with
                # the default cost of a random read (made for spinning disks) the planner starts
                # scanning them whole long before that is cheaper.
                self.conn.execute("SET LOCAL random_page_cost = 1.1")
                # Compiling these short bulk statements costs more than running them.
                self.conn.execute("SET LOCAL jit = off")
                yield
                self.flush()
        except BaseException:
            self._staged = False  # temporary tables created in a rolled-back transaction are gone
            raise
        finally:
            for rows in self._rows.values():
                rows.clear()
            self._new_members.clear()
            self._journal.clear()
            self._touched.clear()

    # Bookkeeping's queries (sync_book), its ? placeholders as psycopg's %s
    def _query(self, query: str, params=(), *, mapping: bool = False) -> list:
        with self.conn.cursor(row_factory=dict_row if mapping else tuple_row) as cur:
            return cur.execute(query.replace("?", "%s"), params).fetchall()

    def _execute(self, query: str, params=()) -> None:
        self.conn.execute(query.replace("?", "%s"), params)

    def _insert_id(self, query: str, params) -> int:
        return self.conn.execute(query.replace("?", "%s") + " RETURNING id", params).fetchone()[0]

    def lock(self, code: str) -> None:
        """Hold the unit's merge lock until the transaction ends."""
        self.conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, code))

    def start_file(self, manifest: fmt.Manifest, file_name: str, sha256: str, forced_gap: str | None) -> int:
        m = manifest
        self.lock(m.unit_code)
        # Checked again under the lock: another clerk may have merged this file (or the one
        # before it) since the rules looked.
        seen = self.find_file(m.unit_code, m.first_seq, m.last_seq, m.checksum)
        if seen is not None:
            raise AlreadyMerged(
                f"另一位经办人已于 {seen.merged_at} 合并了这个文件（{m.unit_name} 序号 {m.range_label}），这次没有任何改动。"
            )
        source = self.source(m.unit_code)
        last = source.last_seq if source else 0
        if m.first_seq > last + 1 and forced_gap is None:
            raise TargetRefusal(
                f"{m.unit_name}（{m.unit_code}）目前合并到序号 {last}，缺少序号 {last + 1}-{m.first_seq - 1} 的同步文件。"
                "请先合并缺少的文件。"
            )
        stamp = now()
        self.conn.execute(
            "INSERT INTO sync_sources (code, name, level, updated_at) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level",
            (m.unit_code, m.unit_name, m.level, stamp),
        )
        try:
            with self.conn.transaction():
                row = self.conn.execute(
                    "INSERT INTO sync_files (source_code, file_name, file_sha256, checksum, mode, first_seq, last_seq,"
                    " exported_at, merged_at, merged_by, forced_gap) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    " RETURNING id",
                    (
                        m.unit_code,
                        file_name,
                        sha256,
                        m.checksum,
                        m.mode,
                        m.first_seq,
                        m.last_seq,
                        m.created_at,
                        stamp,
                        self._clerk,
                        forced_gap,
                    ),
                ).fetchone()
        except errors.UniqueViolation:
            raise AlreadyMerged(
                f"另一位经办人刚刚合并了这个文件（{m.unit_name} 序号 {m.range_label}），这次没有任何改动。"
            ) from None
        return row[0]

    def finish_file(self, file_id: int, counts: dict[str, int], manifest: fmt.Manifest, last_seq: int) -> None:
        self.flush()
        self.conn.execute(
            "UPDATE sync_files SET inserted = %s, updated = %s, unchanged = %s, conflicts = %s WHERE id = %s",
            (counts["inserted"], counts["updated"], counts["unchanged"], counts["conflicts"], file_id),
        )
        self.conn.execute(
            "UPDATE sync_sources SET last_seq = greatest(last_seq, %s), files = files + 1, updated_at = %s WHERE code = %s",
            (last_seq, now(), manifest.unit_code),
        )

    # -- reading rows ---------------------------------------------------------------------------
    def existing(self, tbl: str, uids: list[str]) -> dict[str, Existing]:
        if not uids:
            return {}
        query, keys = _EXISTING[tbl]
        found: dict[str, Existing] = {}
        rows = self.conn.execute(query, {"tbl": tbl, "uids": _text_array(uids), "hub": self.unit.code}).fetchall()
        for row in rows:
            values = dict(zip(keys, row[1 : 1 + len(keys)]))
            source_code, source_seq, base, before, edited = row[1 + len(keys) :]
            local_before = None
            if edited:
                b = loads(before) or {}
                local_before = {k: b.get(k) for k in keys}
            found[values["uid"]] = Existing(
                row_id=row[0],
                values=values,
                source_code=source_code,
                source_seq=source_seq or 0,
                base=loads(base),
                local_before=local_before,
            )
        if tbl == "members":
            self._members_here.update(found)
            for uid, record in found.items():
                self._member_ids[uid] = record.row_id
                self._id_numbers[uid] = record.values.get("id_number")
        return found

    def member(self, uid: str) -> dict[str, Any] | None:
        self.flush()
        with self.conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(
                "SELECT m.*, o.uid AS org_uid, o.name AS org_name FROM members m"
                " LEFT JOIN organisations o ON o.id = m.org_id WHERE m.uid = %s",
                (uid,),
            ).fetchone()

    def is_live(self, uid: str) -> bool:
        row = self.conn.execute("SELECT status, deleted_at FROM members WHERE uid = %s", (uid,)).fetchone()
        return bool(row) and row[0] == choices.LIVE and row[1] is None

    def live_twice(self, uids: list[str]) -> list[tuple[str, str, str]]:
        self.flush()
        self.conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, LIVE_TWICE_LOCK))
        # By id: the merge wrote or read every one of these members in this transaction.
        known = self._member_ids
        ids = [known[u] for u in uids if u in known]
        missing = [u for u in uids if u not in known]
        if missing:
            ids += [r[0] for r in self.conn.execute("SELECT id FROM members WHERE uid = ANY(%s)", (missing,))]
        query = (
            "SELECT m.uid, o.uid, m.id_number FROM members m"
            " JOIN members o ON o.id_number = m.id_number AND o.id <> m.id AND o.deleted_at IS NULL"
            " AND o.status = %s WHERE m.id = ANY(%s::bigint[]) AND m.status = %s AND m.deleted_at IS NULL"
        )
        params = [choices.LIVE, "{" + ",".join(map(str, ids)) + "}", choices.LIVE]
        if not missing and ids:
            # First the ID numbers that a second record (not deleted) holds at all: one walk of the
            # person index in ID-number order. Probing it from each member's row read both rows of
            # every person: about 10 microseconds a member at 4,000,000 members.
            numbers = self._id_numbers
            shared = [
                r[0]
                for r in self.conn.execute(
                    "SELECT id_number FROM members WHERE id_number = ANY(%s::text[]) AND deleted_at IS NULL"
                    " GROUP BY id_number HAVING count(*) > 1",
                    (_text_array(sorted({numbers[u] for u in uids if numbers.get(u)})),),
                )
            ]
            if not shared:
                return []
            query += " AND m.id_number = ANY(%s::text[])"
            params.append(_text_array(shared))
        rows = self.conn.execute(query + " ORDER BY m.uid, o.uid", params).fetchall()
        return [tuple(r) for r in rows]

    # -- writing rows -----------------------------------------------------------------------------
    def insert(self, tbl: str, values: dict[str, Any], source_code: str, source_seq: int) -> bool:
        if tbl == "transfers" and not self._member_known(values.get("member_uid")):
            return False  # a transfer of a member the hub does not hold (as the SQLite target)
        if tbl == "members":
            self._new_members.append((_row("members", values), values, source_code, source_seq))
            self._members_here.add(values["uid"])
            return True
        self._stage(tbl, "i", None, source_code, "insert", None, values)
        if tbl != "transfers":
            self._touched[(tbl, values["uid"])] = (source_code, source_seq, None)
        return True

    def update(
        self,
        tbl: str,
        current: Existing,
        values: dict[str, Any],
        source_code: str,
        source_seq: int,
        base: dict[str, Any] | None,
        *,
        local: bool = False,
    ) -> None:
        if tbl == "transfers" and not self._member_known(values.get("member_uid")):
            return
        before = dumps({**{k: v for k, v in current.values.items() if k not in fmt.TIMESTAMPS}, "id": current.row_id})
        op = (
            "delete"
            if tbl == "members" and values.get("deleted_at") and not current.values.get("deleted_at")
            else "update"
        )
        self._stage(tbl, "u", current.row_id, self.unit.code if local else source_code, op, before, values)
        if tbl == "members":
            self._id_numbers[current.values["uid"]] = values.get("id_number")
        if not local and tbl != "transfers":
            self._touched[(tbl, current.values["uid"])] = (source_code, source_seq, dumps(base))

    def add_transfer(self, member_uid: str, to_uid: str, reason: str) -> None:
        """A transfer the hub records when it settles a person 在册 in two units."""
        older, newer = self.member(member_uid), self.member(to_uid)
        if older is None or newer is None:
            return
        values = {
            "uid": new_uid(),
            "unit_code": older["unit_code"],
            "member_uid": member_uid,
            "from_org_uid": older["org_uid"],
            "to_org_uid": newer["org_uid"],
            "from_outside": None,
            "to_outside": self.unit_name(newer["unit_code"]),
            "transferred_on": date.today().isoformat(),
            "reason": reason,
            "created_at": now(),
        }
        self._stage("transfers", "i", None, self.unit.code, "insert", None, values)
        self.flush()

    def _member_known(self, uid: str | None) -> bool:
        if not uid:
            return False
        if uid in self._members_here:
            return True
        self.flush()
        if self.conn.execute("SELECT 1 FROM members WHERE uid = %s", (uid,)).fetchone():
            self._members_here.add(uid)
            return True
        return False

    def _stage(
        self, tbl: str, op: str, row_id: int | None, junit: str, jop: str, before: str | None, values: dict[str, Any]
    ) -> None:
        spec = TABLES[tbl]
        rows = self._rows[tbl]
        rows.append(
            (
                op,
                row_id,
                len(rows),
                junit,
                jop,
                before,
                *_row(tbl, values),
                *(values.get(u) for u, _ in spec.refs.values()),
            )
        )

    def _log(self, unit_code: str, tbl: str, row_id: int, uid: str, op: str, before, after) -> None:
        self._journal.append((now(), self._clerk, unit_code, tbl, row_id, uid, op, dumps(before), dumps(after)))

    # -- flushing ---------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write what is buffered; records touched get the journal position after their change."""
        try:
            for tbl in ("organisations", "members", "transfers"):
                if self._rows[tbl]:
                    self._flush_table(TABLES[tbl])
                if tbl == "members" and self._new_members:
                    self._flush_new_members()
            if self._journal:
                with self.conn.cursor().copy(
                    "COPY journal (at, clerk, unit_code, tbl, row_id, row_uid, op, before, after) FROM STDIN"
                ) as copy:
                    for entry in self._journal:
                        copy.write_row(entry)
                self._journal.clear()
                self._journaled = True
            if self._touched:
                self._flush_touched()
        except errors.IntegrityError as exc:
            raise TargetRefusal(self._integrity(exc)) from None

    def _ensure_stage(self) -> None:
        if not self._staged:
            for spec in TABLES.values():
                self.conn.execute(spec.ddl())
            self.conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS clerk_stage_touched"
                " (tbl text, uid text, source_code text, source_seq bigint, base text) ON COMMIT DELETE ROWS"
            )
            self._staged = True

    def _flush_table(self, spec: _Table) -> None:
        self._ensure_stage()
        rows = self._rows[spec.name]
        stage = spec.stage
        self.conn.execute(f"TRUNCATE {stage}")
        with self.conn.cursor().copy(f"COPY {stage} ({', '.join(spec.stage_columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        ops = {row[0] for row in rows}
        for step in ("update", "insert"):
            if step[0] not in ops:
                continue
            if self.conn.execute(_SQL[spec.name][step], {"at": now(), "clerk": self._clerk}).rowcount > 0:
                self._journaled = True
        if spec.name == "organisations":
            self.conn.execute(_FIX_PARENTS)
        rows.clear()

    def _flush_new_members(self) -> None:
        """Members new to the hub, most of what a merge writes. Straight into members by binary
        COPY with ids taken beforehand (COPY stores rows in batches; no stage, sort or join), then
        their journal entries and sync_rows the same way, in the file's order. The journal's
        after-image is encoded here by orjson (about 1 microsecond a member; json_build_object on
        the server took 11, on the same two cores)."""
        new = self._new_members
        org_uids = list({values.get("org_uid") for _, values, _, _ in new} - {None, ""})
        orgs = (
            dict(self.conn.execute("SELECT uid, id FROM organisations WHERE uid = ANY(%b)", (org_uids,)).fetchall())
            if org_uids
            else {}
        )
        members_seq, journal_seq = self._sequence_names()
        member_ids, seqs = (
            self.conn.cursor(binary=True)
            .execute(
                "SELECT array_agg(nextval(%s::regclass)), array_agg(nextval(%s::regclass)) FROM generate_series(1, %s::int)",
                (members_seq, journal_seq, len(new)),
            )
            .fetchone()
        )
        self._journaled = True  # currval(journal) is now the last of these
        org_ids = [orgs.get(values.get("org_uid")) for _, values, _, _ in new]
        cursor = self.conn.cursor()
        with cursor.copy(_NEW_MEMBER_COPY) as copy:
            copy.set_types(_NEW_MEMBER_TYPES)
            write = copy.write_row
            for (row, _, _, _), member_id, org_id in zip(new, member_ids, org_ids):
                write((member_id, *row, org_id))
        at, clerk = now(), self._clerk
        with cursor.copy(_NEW_JOURNAL_COPY) as copy:
            copy.set_types(_NEW_JOURNAL_TYPES)
            write = copy.write_row
            for (row, values, code, _), member_id, seq, org_id in zip(new, member_ids, seqs, org_ids):
                write(
                    (
                        seq,
                        at,
                        clerk,
                        code,
                        "members",
                        member_id,
                        row[_UID_AT],
                        "insert",
                        _after(row, values, member_id, org_id),
                    )
                )
        jseq = max(seqs)
        with cursor.copy(_NEW_SYNC_ROWS_COPY) as copy:
            copy.set_types(_NEW_SYNC_ROWS_TYPES)
            write = copy.write_row
            for row, _, code, source_seq in new:
                write(("members", row[_UID_AT], code, source_seq, jseq))
        self._member_ids.update(zip((row[_UID_AT] for row, _, _, _ in new), member_ids))
        self._id_numbers.update((row[_UID_AT], row[_ID_NUMBER_AT]) for row, _, _, _ in new)
        new.clear()

    def _sequence_names(self) -> tuple[str, str]:
        if self._sequences is None:
            self._sequences = self.conn.execute(
                "SELECT pg_get_serial_sequence('members', 'id'), pg_get_serial_sequence('journal', 'seq')"
            ).fetchone()
        return self._sequences

    def _flush_touched(self) -> None:
        self._ensure_stage()
        if self._journaled:
            jseq = self.conn.execute("SELECT currval(pg_get_serial_sequence('journal', 'seq'))").fetchone()[0]
        else:
            jseq = self.conn.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0]
        self.conn.execute("TRUNCATE clerk_stage_touched")
        with self.conn.cursor().copy(
            "COPY clerk_stage_touched (tbl, uid, source_code, source_seq, base) FROM STDIN"
        ) as copy:
            for (tbl, uid), (code, seq, base) in self._touched.items():
                copy.write_row((tbl, uid, code, seq, base))
        self.conn.execute(
            "INSERT INTO sync_rows (tbl, uid, source_code, source_seq, jseq, base)"
            " SELECT tbl, uid, source_code, source_seq, %s, base FROM clerk_stage_touched"
            " ON CONFLICT (tbl, uid) DO UPDATE SET source_code = excluded.source_code,"
            " source_seq = greatest(sync_rows.source_seq, excluded.source_seq), jseq = excluded.jseq,"
            " base = excluded.base",
            (jseq,),
        )
        self._touched.clear()

    def _integrity(self, exc: errors.IntegrityError) -> str:
        constraint = exc.diag.constraint_name or ""
        detail = exc.diag.message_detail or ""
        if constraint == "members_person":
            people = [(r[6 + _NAME_AT], r[6 + _ID_NUMBER_AT]) for r in self._rows["members"]]
            people += [(row[_NAME_AT], row[_ID_NUMBER_AT]) for row, _, _, _ in self._new_members]
            name = next((name for name, id_number in people if id_number and id_number in detail), "")
            return (
                f"会员 {name} 的身份证号与汇总库中同一单位的另一条记录相同。"
                "可能缺少中间的同步文件：请先合并缺少的文件，或让该单位导出完整文件后再合并。"
            )
        if constraint == "organisations_uscc":
            return "有工会组织的统一社会信用代码与汇总库中同一单位的另一个组织相同。请让该单位导出完整文件后再合并。"
        return f"记录无法写入汇总库（{exc.diag.message_primary}）。"

    # -- conflicts --------------------------------------------------------------------------------
    def open_conflicts(self, kind: str, tbl: str, row_uids: list[str]) -> dict[str, Conflict]:
        if not self.conn.execute("SELECT 1 FROM sync_conflicts WHERE status = 'open' LIMIT 1").fetchone():
            return {}
        with self.conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                f"{CONFLICT_SELECT} WHERE c.status = 'open' AND c.kind = %s AND c.tbl = %s AND c.row_uid = ANY(%s)",
                (kind, tbl, row_uids),
            ).fetchall()
        return {c.row_uid: c for c in map(conflict_from_row, rows)}


_UNQUOTED = re.compile(r'[^"\\]*')


def _text_array(uids: list[str]) -> str | list[str]:
    """uids for ANY(%s::text[]): one array literal string (every element quoted, so none reads as
    NULL) when no uid holds a quote or a backslash, as clerk's never do; else the list, which
    psycopg adapts element by element (about 30 times the client's work for a chunk's 2,000)."""
    if not uids:
        return "{}"
    if _UNQUOTED.fullmatch("".join(uids)):
        return '{"' + '","'.join(uids) + '"}'
    return list(uids)


def _member_defaults(row: list, values: dict[str, Any]) -> None:
    for i in _MEMBER_INT_AT:
        if row[i] is None:
            row[i] = 0
    if not row[_MEMBER_STATUS_AT]:
        row[_MEMBER_STATUS_AT] = choices.LIVE
    if not row[_MEMBER_ID_KIND_AT]:
        row[_MEMBER_ID_KIND_AT] = idcard.kind_of(row[_MEMBER_ID_NUMBER_AT] or "")
    if row[_MEMBER_KEYS_AT[0]] is None or row[_MEMBER_KEYS_AT[1]] is None:
        # Not carried (a name the hub merged field by field): worked out, rarely.
        row[_MEMBER_KEYS_AT[0]], row[_MEMBER_KEYS_AT[1]] = _pinyin(values.get("name") or "")


def _row(tbl: str, values: dict[str, Any]) -> list:
    """A record's values in its table's column order, with the defaults the schema would give."""
    spec = TABLES[tbl]
    if tbl == "members":
        try:
            row = list(_MEMBER_VALUES(values))  # the rules hand over every key of a member
        except KeyError:
            row = [values.get(c) for c in spec.columns]
    else:
        row = [values.get(c) for c in spec.columns]
    if tbl == "members":
        _member_defaults(row, values)
    elif tbl == "organisations" and not row[_ORG_STATUS_AT]:
        row[_ORG_STATUS_AT] = "正常"
    elif tbl == "transfers" and not row[_TRANSFER_ON_AT]:
        row[_TRANSFER_ON_AT] = date.today().isoformat()
    stamp = None
    for i in spec.stamp_at:
        if not row[i]:
            stamp = stamp or now()
            row[i] = stamp
    return row


_MEMBER_INT_AT = [MEMBER_COLUMNS.index(c) for c in _NOT_NULL_INTS]
_MEMBER_VALUES = itemgetter(*TABLES["members"].columns)
_MEMBER_STATUS_AT = MEMBER_COLUMNS.index("status")
_MEMBER_ID_KIND_AT, _MEMBER_ID_NUMBER_AT = MEMBER_COLUMNS.index("id_kind"), MEMBER_COLUMNS.index("id_number")
_MEMBER_KEYS_AT = [len(MEMBER_COLUMNS) + i for i in range(len(_SEARCH_KEYS))]
_ORG_STATUS_AT = ORG_COLUMNS.index("status")
_TRANSFER_ON_AT = TRANSFER_COLUMNS.index("transferred_on")
for _spec in TABLES.values():
    _spec.stamp_at = [_spec.columns.index(c) for c in ("created_at", "updated_at") if c in _spec.columns]
_MEMBER_SPEC = TABLES["members"]
_UID_AT = _MEMBER_SPEC.columns.index("uid")
_NAME_AT = _MEMBER_SPEC.columns.index("name")
_ID_NUMBER_AT = _MEMBER_SPEC.columns.index("id_number")
_NEW_MEMBER_COPY = f"COPY members (id, {', '.join(_MEMBER_SPEC.columns)}, org_id) FROM STDIN (FORMAT BINARY)"
_NEW_MEMBER_TYPES = ["int8", *("int8" if c in _INT_COLUMNS else "text" for c in _MEMBER_SPEC.columns), "int8"]
# (after is sent as bytea: orjson's UTF-8 bytes are what binary COPY sends for text, unconverted)
_NEW_JOURNAL_COPY = (
    "COPY journal (seq, at, clerk, unit_code, tbl, row_id, row_uid, op, after) FROM STDIN (FORMAT BINARY)"
)
_NEW_JOURNAL_TYPES = ["int8", "text", "text", "text", "text", "int8", "text", "text", "bytea"]
_NEW_SYNC_ROWS_COPY = "COPY sync_rows (tbl, uid, source_code, source_seq, jseq) FROM STDIN (FORMAT BINARY)"
_NEW_SYNC_ROWS_TYPES = ["text", "text", "text", "int8", "int8"]
# The journal's after-image of a new member: the keys _snapshot_sql gives the server's.
_AFTER_AT = [i for i, c in enumerate(_MEMBER_SPEC.columns) if c not in _NOT_JOURNALED]
_AFTER_KEYS = ("id", *(_MEMBER_SPEC.columns[i] for i in _AFTER_AT), "org_id", "org_uid")
_AFTER_KEYSET = set(_AFTER_KEYS)
_AFTER_VALUES = itemgetter(*_AFTER_AT)
_DEFAULTED_AT = [(c, _MEMBER_SPEC.columns.index(c)) for c in (*_NOT_NULL_INTS, "status", "id_kind")]


def _after(row: list, values: dict[str, Any], member_id: int, org_id: int | None) -> bytes:
    """A new member's after-image: the rules' values as stored (with the defaults _row gave),
    its id and organisation. Copying the rules' dict is three times cheaper than building one."""
    after = values.copy()
    for key in _NOT_JOURNALED:
        after.pop(key, None)
    after["id"], after["org_id"] = member_id, org_id
    for key, at in _DEFAULTED_AT:
        after[key] = row[at]
    if after.keys() != _AFTER_KEYSET:  # values with other keys than a member's: built key by key
        after = dict(zip(_AFTER_KEYS, (member_id, *_AFTER_VALUES(row), org_id, values.get("org_uid"))))
    return orjson.dumps(after)


# -- per-table SQL ---------------------------------------------------------------------------------


def _ref(id_col: str, uid_col: str, table: str) -> str:
    # A scalar subquery per row: always an index probe, whatever the planner thinks of the stage.
    return f"(SELECT x.id FROM {table} x WHERE x.uid = s.{uid_col})"


def _table_sql(spec: _Table) -> dict[str, str]:
    cols = list(spec.columns) + list(spec.refs)
    values = [f"s.{c}" for c in spec.columns] + [_ref(i, u, t) for i, (u, t) in spec.refs.items()]
    # (an organisation's parent in the same file may not exist yet: _FIX_PARENTS sets it after)
    journal = (
        "INSERT INTO journal (at, clerk, unit_code, tbl, row_id, row_uid, op, before, after)"
        f" SELECT %(at)s, %(clerk)s, s.junit, '{spec.name}', r.id, r.uid, s.jop, s.before, {spec.snapshot}"
        " FROM written r JOIN {stage} s ON s.{key} ORDER BY s.ord"
    )
    insert = (
        f"WITH written AS (INSERT INTO {spec.name} ({', '.join(cols)})"
        f" SELECT {', '.join(values)} FROM {spec.stage} s WHERE s.op = 'i' ORDER BY s.ord RETURNING *) "
        + journal.format(stage=spec.stage, key="uid = r.uid AND s.op = 'i'")
    )
    assignments = ", ".join(f"{c} = {v}" for c, v in zip(cols[1:], values[1:]))
    update = (
        f"WITH written AS (UPDATE {spec.name} t SET {assignments} FROM {spec.stage} s"
        f" WHERE s.op = 'u' AND t.id = s.id RETURNING t.*) "
        + journal.format(stage=spec.stage, key="id = r.id AND s.op = 'u'")
    )
    return {"insert": insert, "update": update}


_SQL = {name: _table_sql(spec) for name, spec in TABLES.items()}
_FIX_PARENTS = (
    "UPDATE organisations g SET parent_id = p.id FROM clerk_stage_organisations s, organisations p"
    " WHERE g.uid = s.uid AND p.uid = s.parent_uid AND g.parent_id IS DISTINCT FROM p.id"
)


def _existing_sql(table: str, alias: str, keys: tuple[str, ...], joins: str, special: dict[str, str]) -> str:
    cols = ", ".join(special.get(k, f"{alias}.{k}") for k in keys)
    edited = (
        (
            f" LEFT JOIN LATERAL (SELECT j.before, true AS found FROM journal j WHERE j.tbl = %(tbl)s"
            f" AND j.row_id = {alias}.id AND j.seq > coalesce(s.jseq, 0) AND j.unit_code = %(hub)s"
            " ORDER BY j.seq LIMIT 1) lb ON true"
        )
        if table != "transfers"
        else " LEFT JOIN LATERAL (SELECT NULL::text AS before, false AS found) lb ON true"
    )
    return (
        f"SELECT {alias}.id, {cols}, s.source_code, s.source_seq, s.base, lb.before, coalesce(lb.found, false)"
        f" FROM {table} {alias} {joins}"
        f" LEFT JOIN sync_rows s ON s.tbl = %(tbl)s AND s.uid = {alias}.uid{edited}"
        f" WHERE {alias}.uid = ANY(%(uids)s::text[])"
    )


_EXISTING = {
    "members": (
        _existing_sql(
            "members", "m", fmt.MEMBER_KEYS, "LEFT JOIN organisations o ON o.id = m.org_id", {"org_uid": "o.uid"}
        ),
        fmt.MEMBER_KEYS,
    ),
    "organisations": (
        _existing_sql(
            "organisations",
            "g",
            fmt.ORG_KEYS,
            "LEFT JOIN organisations p ON p.id = g.parent_id",
            {"parent_uid": "p.uid"},
        ),
        fmt.ORG_KEYS,
    ),
    "transfers": (
        _existing_sql(
            "transfers",
            "t",
            fmt.TRANSFER_KEYS,
            "JOIN members m ON m.id = t.member_id LEFT JOIN organisations fo ON fo.id = t.from_org_id"
            " LEFT JOIN organisations tor ON tor.id = t.to_org_id",
            {"member_uid": "m.uid", "from_org_uid": "fo.uid", "to_org_uid": "tor.uid"},
        ),
        fmt.TRANSFER_KEYS,
    ),
}
