"""The SQLite merge target: all the SQL a merge runs, behind sync_target.MergeTarget.

Rows keep their uid and unit_code. Every change is journaled in the district's own journal,
so the district can export upward: a change brought by a file is journaled with the sending
unit's code, a change made at the district (a conflict resolution, a clerk's edit) with the
district's code, which is how a later merge tells the district's own edits apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from clerk.domain import choices, idcard, names
from clerk.store import bulk as member_bulk
from clerk.store import sqlite
from clerk.store.store import Store, new_uid, now
from clerk.sync import format as fmt
from clerk.sync.book import CONFLICT_SELECT, Bookkeeping, conflict_from_row
from clerk.sync.target import Conflict, Existing, TargetRefusal, dumps, loads

_CHUNK = 500

MEMBER_COLUMNS = (
    "uid",
    "unit_code",
    "name",
    "id_number",
    "gender",
    "birth_date",
    "birthplace_code",
    "phone",
    "ethnicity",
    "job",
    "employment_form",
    "migrant",
    "new_form",
    "joined_on",
    "card_no",
    "mutual_aid",
    "hardship",
    "notes",
    "status",
    "status_note",
    "created_at",
    "updated_at",
    "deleted_at",
    # The complete record (schema 3); a file that does not carry them leaves them empty, and the
    # document kind follows from the number (_member_row).
    "status_on",
    "status_reason",
    "id_kind",
    "education",
    "political",
    "household",
    "employment_status",
    "skill_level",
    "join_method",
    "join_place",
)  # + org_id, name_pinyin, name_initials
ORG_COLUMNS = (
    "uid",
    "unit_code",
    "name",
    "uscc",
    "kind",
    "region_code",
    "industry",
    "founded_on",
    "chair",
    "chair_phone",
    "employee_count",
    "address",
    "status",
    "dissolved_on",
    "created_at",
    "updated_at",
)  # + parent_id (and name_pinyin, name_initials when the table has them)
TRANSFER_COLUMNS = (
    "uid",
    "unit_code",
    "from_outside",
    "to_outside",
    "transferred_on",
    "reason",
    "created_at",
)  # + member_id, from_org_id, to_org_id
_NOT_NULL_INTS = ("migrant", "mutual_aid", "hardship")
_NOT_JOURNALED = (*fmt.TIMESTAMPS, *fmt.DERIVED)  # as members.snapshot leaves them out
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json(record: dict[str, Any] | None) -> str | None:
    return None if record is None else _ENCODER.encode(record)


@lru_cache(maxsize=65536)
def _pinyin(name: str) -> tuple[str, str]:
    return names.pinyin_keys(name)


@lru_cache(maxsize=65536)
def _grams(name: str) -> tuple[str, ...]:
    return tuple(names.grams(name))


class SqliteTarget(Bookkeeping):
    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn
        self.unit = store.require_unit()
        self._clerk = self.unit.clerk
        self._journal: list[tuple] = []
        self._grams: list[tuple[str, int]] = []
        self._touched: dict[tuple[str, str], tuple[str, int, str | None]] = {}
        self._pending_parents: list[tuple[int, str]] = []
        self._org_ids: dict[str, int] = {}
        self._member_ids: dict[str, int] = {}
        self._member_rows: list[list[Any]] = []  # new members waiting for one executemany
        self._member_source = ""  # the unit whose file brought them (their journal rows' unit)
        self._counts = member_bulk.RangeCounts(self.conn, active=False)
        self._stamp: str | None = None  # journal time, taken once per batch of entries
        self._next_member_id: int | None = None
        org_cols = {r[1] for r in self.conn.execute("PRAGMA table_info(organisations)")}
        self._org_pinyin = {"name_pinyin", "name_initials"} <= org_cols

    # -- transactions and bookkeeping -----------------------------------------------------------
    def backup(self, reason: str) -> Path | None:
        return self.store.backup(reason=reason)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; whatever is still buffered is written before it commits."""
        self._org_ids.clear()
        self._member_ids.clear()
        self._next_member_id = None
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        # A district database grows to millions of rows; random inserts into its indexes want
        # more pages in memory than the app's everyday setting.
        self.conn.execute("PRAGMA cache_size = -131072")
        try:
            with self.store.write(), member_bulk.counts_by_range(self.conn) as counts:
                self._counts = counts
                yield
                self.flush()
        finally:
            self._counts = member_bulk.RangeCounts(self.conn, active=False)
            self._journal.clear()
            self._grams.clear()
            self._touched.clear()
            self._pending_parents.clear()
            self._member_rows.clear()
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")

    # Bookkeeping's queries (sync_book)
    def _query(self, sql: str, params=(), *, mapping: bool = False) -> list:
        return self.conn.execute(sql, params).fetchall()  # sqlite.Row: by name and by position

    def _execute(self, sql: str, params=()) -> None:
        self.conn.execute(sql, params)

    def _insert_id(self, sql: str, params) -> int:
        return self.conn.execute(sql, params).lastrowid

    def start_file(self, manifest: fmt.Manifest, file_name: str, sha256: str, forced_gap: str | None) -> int:
        stamp = now()
        self.conn.execute(
            "INSERT INTO sync_sources (code, name, level, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level",
            (manifest.unit_code, manifest.unit_name, manifest.level, stamp),
        )
        cur = self.conn.execute(
            "INSERT INTO sync_files (source_code, file_name, file_sha256, checksum, mode, first_seq, last_seq,"
            " exported_at, merged_at, merged_by, forced_gap) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                manifest.unit_code,
                file_name,
                sha256,
                manifest.checksum,
                manifest.mode,
                manifest.first_seq,
                manifest.last_seq,
                manifest.created_at,
                stamp,
                self._clerk,
                forced_gap,
            ),
        )
        return cur.lastrowid

    def finish_file(self, file_id: int, counts: dict[str, int], manifest: fmt.Manifest, last_seq: int) -> None:
        self.flush()
        self.conn.execute(
            "UPDATE sync_files SET inserted = ?, updated = ?, unchanged = ?, conflicts = ? WHERE id = ?",
            (counts["inserted"], counts["updated"], counts["unchanged"], counts["conflicts"], file_id),
        )
        self.conn.execute(
            "UPDATE sync_sources SET last_seq = ?, files = files + 1, updated_at = ? WHERE code = ?",
            (last_seq, now(), manifest.unit_code),
        )

    # -- reading rows ---------------------------------------------------------------------------
    def existing(self, tbl: str, uids: list[str]) -> dict[str, Existing]:
        self._flush_journal()
        found: dict[str, Existing] = {}
        select, keys = _EXISTING[tbl]
        for start in range(0, len(uids), _CHUNK):
            chunk = uids[start : start + _CHUNK]
            sql = select.format(marks=", ".join("?" * len(chunk)))
            for row in self.conn.execute(sql, [tbl, *chunk]):
                values = dict(zip(keys, row[1 : 1 + len(keys)]))
                source_code, source_seq, jseq, base = row[1 + len(keys) :]
                found[values["uid"]] = Existing(
                    row_id=row[0],
                    values=values,
                    source_code=source_code,
                    source_seq=source_seq or 0,
                    base=loads(base),
                    local_before=self._local_before(tbl, row[0], jseq or 0, keys) if tbl != "transfers" else None,
                )
                if tbl == "organisations":
                    self._org_ids[values["uid"]] = row[0]
                elif tbl == "members":
                    self._member_ids[values["uid"]] = row[0]
        return found

    def _local_before(self, tbl: str, row_id: int, jseq: int, keys: tuple[str, ...]) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT before FROM journal WHERE tbl = ? AND row_id = ? AND seq > ? AND unit_code = ?"
            " ORDER BY seq LIMIT 1",
            (tbl, row_id, jseq, self.unit.code),
        ).fetchone()
        if row is None:
            return None
        before = loads(row[0]) or {}
        return {k: before.get(k) for k in keys}

    def member(self, uid: str) -> dict[str, Any] | None:
        self._flush_journal()
        row = self.conn.execute(
            "SELECT m.*, o.uid AS org_uid, o.name AS org_name FROM members m"
            " LEFT JOIN organisations o ON o.id = m.org_id WHERE m.uid = ?",
            (uid,),
        ).fetchone()
        return dict(row) if row else None

    def is_live(self, uid: str) -> bool:
        self._flush_journal()
        row = self.conn.execute("SELECT status, deleted_at FROM members WHERE uid = ?", (uid,)).fetchone()
        return bool(row) and row["status"] == choices.LIVE and row["deleted_at"] is None

    def live_twice(self, uids: list[str]) -> list[tuple[str, str, str]]:
        self.flush()
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS merge_uids (uid TEXT PRIMARY KEY) WITHOUT ROWID")
        self.conn.execute("DELETE FROM merge_uids")
        self.conn.executemany("INSERT OR IGNORE INTO merge_uids (uid) VALUES (?)", ((u,) for u in uids))
        rows = self.conn.execute(
            # CROSS JOIN keeps the file's uids as the outer loop (without it the planner may walk
            # every member of the district and look each up in the temp table).
            "SELECT m.uid, o.uid, m.id_number FROM merge_uids t CROSS JOIN members m ON m.uid = t.uid"
            " JOIN members o ON o.id_number = m.id_number AND o.id != m.id AND o.deleted_at IS NULL"
            " AND o.status = ? WHERE m.status = ? AND m.deleted_at IS NULL",
            (choices.LIVE, choices.LIVE),
        ).fetchall()
        self.conn.execute("DELETE FROM merge_uids")
        return [tuple(r) for r in rows]

    # -- ids --------------------------------------------------------------------------------------
    def _org_id(self, uid: str | None) -> int | None:
        if not uid:
            return None
        found = self._org_ids.get(uid)
        if found is None:
            row = self.conn.execute("SELECT id FROM organisations WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                return None
            found = self._org_ids[uid] = row[0]
        return found

    def _member_id(self, uid: str | None) -> int | None:
        if not uid:
            return None
        found = self._member_ids.get(uid)
        if found is None:
            row = self.conn.execute("SELECT id FROM members WHERE uid = ?", (uid,)).fetchone()
            if row is None:
                return None
            found = self._member_ids[uid] = row[0]
        return found

    # -- writing rows -----------------------------------------------------------------------------
    def insert(self, tbl: str, values: dict[str, Any], source_code: str, source_seq: int) -> bool:
        """Add a record; False when it cannot be placed (a transfer of a member not held here)."""
        if tbl == "members":  # written in batches, journal rows included (_flush_members)
            if source_code != self._member_source:
                self._flush_members()
                self._member_source = source_code
            _insert_member(self, values)
            self._touched[(tbl, values["uid"])] = (source_code, source_seq, None)
            return True
        try:
            row_id, snapshot = _INSERT[tbl](self, values)
        except sqlite.IntegrityError as exc:
            raise TargetRefusal(_integrity(tbl, values, exc)) from None
        if row_id is None:
            return False
        self._log(source_code, tbl, row_id, values["uid"], "insert", None, snapshot)
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
        before = _snapshot(tbl, current.row_id, current.values, self)
        try:
            snapshot = _UPDATE[tbl](self, current, values)
        except sqlite.IntegrityError as exc:
            raise TargetRefusal(_integrity(tbl, values, exc)) from None
        op = (
            "delete"
            if tbl == "members" and values.get("deleted_at") and not current.values.get("deleted_at")
            else "update"
        )
        self._log(
            self.unit.code if local else source_code, tbl, current.row_id, current.values["uid"], op, before, snapshot
        )
        if not local and tbl != "transfers":
            self._touched[(tbl, current.values["uid"])] = (source_code, source_seq, dumps(base))

    def add_transfer(self, member_uid: str, to_uid: str, reason: str) -> None:
        """A transfer the district records when it settles a person 在册 in two units."""
        older, newer = self.member(member_uid), self.member(to_uid)
        if older is None or newer is None:
            return
        uid = new_uid()
        destination = self.unit_name(newer["unit_code"])
        cur = self.conn.execute(
            "INSERT INTO transfers (uid, unit_code, member_id, from_org_id, to_org_id, to_outside, transferred_on,"
            " reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                older["unit_code"],
                older["id"],
                older["org_id"],
                newer["org_id"],
                destination,
                date.today().isoformat(),
                reason,
                now(),
            ),
        )
        snapshot = {
            "id": cur.lastrowid,
            "uid": uid,
            "unit_code": older["unit_code"],
            "member_uid": member_uid,
            "from_org_uid": older["org_uid"],
            "to_org_uid": newer["org_uid"],
            "to_outside": destination,
            "transferred_on": date.today().isoformat(),
            "reason": reason,
        }
        self._log(self.unit.code, "transfers", cur.lastrowid, uid, "insert", None, snapshot)
        self.flush()

    def _log(self, unit_code: str, tbl: str, row_id: int, uid: str, op: str, before, after) -> None:
        if self._stamp is None:
            self._stamp = now()
        self._journal.append((self._stamp, self._clerk, unit_code, tbl, row_id, uid, op, _json(before), _json(after)))
        if len(self._journal) >= 2000:
            self._flush_journal()

    def _flush_members(self) -> None:
        """The new members so far (consecutive ids), then by SQL over their id range: the counts the
        insert trigger would add, their name grams and their journal rows."""
        if not self._member_rows:
            return
        first, last = self._member_rows[0][0], self._member_rows[-1][0]
        try:
            self.conn.executemany(_MEMBER_INSERT, self._member_rows)
            self._counts.add(first, last)
            member_bulk.add_grams(self.conn, first, last)
            member_bulk.journal_inserts(
                self.conn, first, last, at=now(), clerk=self._clerk, unit_code=self._member_source
            )
        except sqlite.IntegrityError as exc:
            culprit = self._member_rows[0]
            for row in self._member_rows:
                if self.conn.execute(
                    "SELECT 1 FROM members WHERE id_number = ? AND unit_code = ? AND deleted_at IS NULL AND uid != ?",
                    (row[4], row[2], row[1]),
                ).fetchone():
                    culprit = row
                    break
            raise TargetRefusal(_integrity("members", {"name": culprit[3]}, exc)) from None
        finally:
            self._member_rows.clear()

    def _flush_journal(self) -> None:
        self._flush_members()
        self._stamp = None
        if self._journal:
            self.conn.executemany(
                "INSERT INTO journal (at, clerk, unit_code, tbl, row_id, row_uid, op, before, after)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._journal,
            )
            self._journal.clear()
        if self._grams:
            self.conn.executemany(
                "INSERT OR IGNORE INTO member_name_grams (gram, member_id) VALUES (?, ?)", self._grams
            )
            self._grams.clear()

    def flush(self) -> None:
        """Write what is buffered; records touched get the journal position after their change."""
        self._flush_journal()
        if self._pending_parents:
            self.conn.executemany(
                "UPDATE organisations SET parent_id = ? WHERE id = ?",
                [(self._org_id(parent), row_id) for row_id, parent in self._pending_parents],
            )
            self._pending_parents.clear()
        if self._touched:
            jseq = self.conn.execute("SELECT coalesce(max(seq), 0) FROM journal").fetchone()[0]
            self.conn.executemany(
                "INSERT INTO sync_rows (tbl, uid, source_code, source_seq, jseq, base) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (tbl, uid) DO UPDATE SET source_code = excluded.source_code,"
                " source_seq = max(source_seq, excluded.source_seq), jseq = excluded.jseq, base = excluded.base",
                [(tbl, uid, code, seq, jseq, base) for (tbl, uid), (code, seq, base) in sorted(self._touched.items())],
            )
            self._touched.clear()

    # -- conflicts --------------------------------------------------------------------------------
    def open_conflicts(self, kind: str, tbl: str, row_uids: list[str]) -> dict[str, Conflict]:
        if not self.conn.execute("SELECT 1 FROM sync_conflicts WHERE status = 'open' LIMIT 1").fetchone():
            return {}
        found = {}
        for start in range(0, len(row_uids), _CHUNK):
            chunk = row_uids[start : start + _CHUNK]
            rows = self.conn.execute(
                f"{CONFLICT_SELECT} WHERE c.status = 'open' AND c.kind = ? AND c.tbl = ?"
                f" AND c.row_uid IN ({', '.join('?' * len(chunk))})",
                [kind, tbl, *chunk],
            )
            for row in rows:
                c = conflict_from_row(row)
                found[c.row_uid] = c
        return found


# -- per-table SQL ---------------------------------------------------------------------------------


def _existing_sql(table: str, alias: str, keys: tuple[str, ...], joins: str, special: dict[str, str]) -> str:
    cols = ", ".join(special.get(k, f"{alias}.{k}") for k in keys)
    return (
        f"SELECT {alias}.id, {cols}, s.source_code, s.source_seq, s.jseq, s.base FROM {table} {alias} {joins}"
        f" LEFT JOIN sync_rows s ON s.tbl = ? AND s.uid = {alias}.uid WHERE {alias}.uid IN ({{marks}})"
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


def _snapshot(tbl: str, row_id: int, values: dict[str, Any], target: SqliteTarget) -> dict[str, Any]:
    """A record as the journal keeps it (the shape members.snapshot / organisations.snapshot use)."""
    snap = {k: v for k, v in values.items() if k not in _NOT_JOURNALED}
    snap["id"] = row_id
    if tbl == "members":
        snap["org_id"] = target._org_id(values.get("org_uid"))
        for key in MEMBER_COLUMNS:  # the columns a file did not carry, as _member_row stored them
            if key not in _NOT_JOURNALED:
                snap.setdefault(key, None)
        snap["id_kind"] = snap["id_kind"] or idcard.kind_of(snap.get("id_number") or "")
    elif tbl == "organisations":
        snap["parent_id"] = target._org_id(values.get("parent_uid"))
    return snap


_MEMBER_VALUES = itemgetter(*MEMBER_COLUMNS)
_INT_AT = tuple(MEMBER_COLUMNS.index(k) for k in _NOT_NULL_INTS)
_CREATED_AT, _UPDATED_AT, _STATUS_AT = (MEMBER_COLUMNS.index(k) for k in ("created_at", "updated_at", "status"))
_ID_KIND_AT, _ID_NUMBER_AT = MEMBER_COLUMNS.index("id_kind"), MEMBER_COLUMNS.index("id_number")


def _member_row(target: SqliteTarget, values: dict[str, Any]) -> list[Any]:
    try:
        row = list(_MEMBER_VALUES(values))  # a file's row has every key
    except KeyError:
        row = [values.get(k) for k in MEMBER_COLUMNS]
    for i in _INT_AT:
        if row[i] is None:
            row[i] = 0
    if not (row[_CREATED_AT] and row[_UPDATED_AT]):
        stamp = now()
        row[_CREATED_AT] = row[_CREATED_AT] or stamp
        row[_UPDATED_AT] = row[_UPDATED_AT] or stamp
    if not row[_STATUS_AT]:
        row[_STATUS_AT] = choices.LIVE
    if not row[_ID_KIND_AT]:
        row[_ID_KIND_AT] = idcard.kind_of(row[_ID_NUMBER_AT] or "")
    full, initials = values.get("name_pinyin"), values.get("name_initials")
    if not full:
        full, initials = _pinyin(values.get("name") or "")
    return [*row, target._org_id(values.get("org_uid")), full, initials or ""]


_MEMBER_INSERT = (
    f"INSERT INTO members (id, {', '.join(MEMBER_COLUMNS)}, org_id, name_pinyin, name_initials)"
    f" VALUES ({', '.join('?' * (len(MEMBER_COLUMNS) + 4))})"
)
_MEMBER_UPDATE = (
    f"UPDATE members SET {', '.join(f'{k} = ?' for k in MEMBER_COLUMNS[1:])}, org_id = ?, name_pinyin = ?,"
    " name_initials = ? WHERE id = ?"
)


def _insert_member(target: SqliteTarget, values: dict[str, Any]) -> int:
    # Ids are given here (inside the write transaction nobody else inserts) so that new members
    # go in by executemany in batches.
    if target._next_member_id is None:
        target._next_member_id = target.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM members").fetchone()[0]
    row_id = target._next_member_id
    target._next_member_id += 1
    target._member_rows.append([row_id, *_member_row(target, values)])
    if len(target._member_rows) >= 5000:
        target._flush_members()
    target._member_ids[values["uid"]] = row_id
    return row_id


def _update_member(target: SqliteTarget, current: Existing, values: dict[str, Any]):
    row = _member_row(target, values)
    target.conn.execute(_MEMBER_UPDATE, [*row[1:], current.row_id])
    was_listed = not current.values.get("deleted_at")
    listed = not values.get("deleted_at")
    if was_listed and (not listed or current.values["name"] != values["name"]):
        target._flush_journal()
        # By key, not by member_id: the table is keyed by gram, so member_id alone scans it all.
        target.conn.executemany(
            "DELETE FROM member_name_grams WHERE gram = ? AND member_id = ?",
            [(g, current.row_id) for g in _grams(current.values["name"])],
        )
        was_listed = False
    if listed and not was_listed:
        target._grams.extend((g, current.row_id) for g in _grams(values["name"]))
    return _snapshot("members", current.row_id, values, target)


def _org_row(target: SqliteTarget, values: dict[str, Any]) -> list[Any]:
    row = [values.get(k) for k in ORG_COLUMNS]
    stamp = now()
    row[ORG_COLUMNS.index("created_at")] = values.get("created_at") or stamp
    row[ORG_COLUMNS.index("updated_at")] = values.get("updated_at") or stamp
    row[ORG_COLUMNS.index("status")] = values.get("status") or "正常"
    row.append(target._org_id(values.get("parent_uid")))
    if target._org_pinyin:
        row.extend(_pinyin(values.get("name") or ""))
    return row


def _org_columns(target: SqliteTarget) -> str:
    extra = ", name_pinyin, name_initials" if target._org_pinyin else ""
    return f"{', '.join(ORG_COLUMNS)}, parent_id{extra}"


def _insert_org(target: SqliteTarget, values: dict[str, Any]):
    row = _org_row(target, values)
    cols = _org_columns(target)
    row_id = target.conn.execute(
        f"INSERT INTO organisations ({cols}) VALUES ({', '.join('?' * len(row))})", row
    ).lastrowid
    target._org_ids[values["uid"]] = row_id
    if values.get("parent_uid") and row[len(ORG_COLUMNS)] is None:
        target._pending_parents.append((row_id, values["parent_uid"]))
    return row_id, _snapshot("organisations", row_id, values, target)


def _update_org(target: SqliteTarget, current: Existing, values: dict[str, Any]):
    row = _org_row(target, values)
    cols = _org_columns(target).split(", ")
    target.conn.execute(
        f"UPDATE organisations SET {', '.join(f'{c} = ?' for c in cols[1:])} WHERE id = ?", [*row[1:], current.row_id]
    )
    if values.get("parent_uid") and row[len(ORG_COLUMNS)] is None:
        target._pending_parents.append((current.row_id, values["parent_uid"]))
    return _snapshot("organisations", current.row_id, values, target)


def _transfer_row(target: SqliteTarget, values: dict[str, Any]) -> list[Any] | None:
    member_id = target._member_id(values.get("member_uid"))
    if member_id is None:
        return None
    row = [values.get(k) for k in TRANSFER_COLUMNS]
    row[TRANSFER_COLUMNS.index("created_at")] = values.get("created_at") or now()
    row[TRANSFER_COLUMNS.index("transferred_on")] = values.get("transferred_on") or date.today().isoformat()
    return [*row, member_id, target._org_id(values.get("from_org_uid")), target._org_id(values.get("to_org_uid"))]


_TRANSFER_COLS = f"{', '.join(TRANSFER_COLUMNS)}, member_id, from_org_id, to_org_id"


def _insert_transfer(target: SqliteTarget, values: dict[str, Any]):
    row = _transfer_row(target, values)
    if row is None:
        return None, None
    row_id = target.conn.execute(
        f"INSERT INTO transfers ({_TRANSFER_COLS}) VALUES ({', '.join('?' * len(row))})", row
    ).lastrowid
    return row_id, {**values, "id": row_id}


def _update_transfer(target: SqliteTarget, current: Existing, values: dict[str, Any]):
    row = _transfer_row(target, values)
    if row is None:
        return {**values, "id": current.row_id}
    cols = _TRANSFER_COLS.split(", ")
    target.conn.execute(
        f"UPDATE transfers SET {', '.join(f'{c} = ?' for c in cols[1:])} WHERE id = ?", [*row[1:], current.row_id]
    )
    return {**values, "id": current.row_id}


_INSERT = {"organisations": _insert_org, "transfers": _insert_transfer}
_UPDATE = {"members": _update_member, "organisations": _update_org, "transfers": _update_transfer}


def _integrity(tbl: str, values: dict[str, Any], exc: sqlite.IntegrityError) -> str:
    text = str(exc)
    if tbl == "members" and "id_number" in text:
        return (
            f"会员 {values.get('name')} 的身份证号与区县库中同一单位的另一条记录相同。"
            "可能缺少中间的同步文件：请先合并缺少的文件，或让该单位导出完整文件后再合并。"
        )
    if tbl == "organisations" and "uscc" in text:
        return (
            f"工会组织“{values.get('name')}”的统一社会信用代码与区县库中同一单位的另一个组织相同。"
            "请让该单位导出完整文件后再合并。"
        )
    return f"记录无法写入区县数据库（{text}）。"
