"""The merge's bookkeeping that reads the same on SQLite and on PostgreSQL: the units merged
from, the files applied, and the conflicts. The SQL is written with ? placeholders; each target
(sync_sqlite, sync_postgres) runs it through its _query / _execute / _insert_id."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from clerk.store.store import ServiceError, Unit, new_uid, now
from clerk.sync.target import Conflict, FileRecord, Source, dumps, loads

CONFLICT_SELECT = (
    "SELECT c.id, c.uid, c.kind, c.tbl, c.row_uid, c.other_uid, c.id_number, c.source_code, c.fields, c.incoming,"
    " c.local, c.status, c.resolution, c.resolved_at, c.resolved_by, c.note, c.created_at,"
    " src.name AS source_name, om.unit_code AS other_unit, os.name AS other_unit_name, om.name AS other_name,"
    " om.status AS other_status, om.joined_on AS other_joined_on"
    " FROM sync_conflicts c LEFT JOIN sync_sources src ON src.code = c.source_code"
    " LEFT JOIN members om ON om.uid = c.other_uid LEFT JOIN sync_sources os ON os.code = om.unit_code"
)


def conflict_from_row(row: Mapping[str, Any]) -> Conflict:
    return Conflict(
        id=row["id"],
        uid=row["uid"],
        kind=row["kind"],
        tbl=row["tbl"],
        row_uid=row["row_uid"],
        other_uid=row["other_uid"],
        id_number=row["id_number"],
        source_code=row["source_code"],
        fields=json.loads(row["fields"]) if row["fields"] else [],
        incoming=loads(row["incoming"]) or {},
        local=loads(row["local"]),
        status=row["status"],
        resolution=row["resolution"],
        resolved_at=row["resolved_at"],
        resolved_by=row["resolved_by"],
        note=row["note"],
        created_at=row["created_at"],
        extra={
            "source_name": row["source_name"] or row["source_code"],
            "other_unit": row["other_unit"],
            "other_unit_name": row["other_unit_name"] or row["other_unit"],
            "other_name": row["other_name"],
            "other_status": row["other_status"],
            "other_joined_on": row["other_joined_on"],
        },
    )


class Bookkeeping:
    """Mixed into a merge target (sync_target.MergeTarget), which sets unit, _clerk and _touched
    and gives the four methods below."""

    unit: Unit
    _clerk: str
    _touched: dict[tuple[str, str], tuple[str, int, str | None]]

    def _query(self, sql: str, params: Sequence[Any] = (), *, mapping: bool = False) -> list:
        """All rows of a query (by name when mapping, else by position)."""
        raise NotImplementedError

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run an INSERT of one row and give its id."""
        raise NotImplementedError

    def _log(self, unit_code: str, tbl: str, row_id: int, uid: str, op: str, before, after) -> None:
        raise NotImplementedError

    # -- units and files --------------------------------------------------------------------------
    def unit_name(self, code: str) -> str:
        if code == self.unit.code:
            return self.unit.name
        rows = self._query("SELECT name FROM sync_sources WHERE code = ?", (code,))
        return rows[0][0] if rows else code

    def source(self, code: str) -> Source | None:
        rows = self._query(
            "SELECT code, name, level, last_seq, files, updated_at FROM sync_sources WHERE code = ?", (code,)
        )
        return Source(*rows[0]) if rows else None

    def sources(self) -> list[Source]:
        return [
            Source(*r)
            for r in self._query(
                "SELECT code, name, level, last_seq, files, updated_at FROM sync_sources ORDER BY code"
            )
        ]

    def find_file(self, code: str, first: int, last: int, checksum: str) -> FileRecord | None:
        rows = self._query(
            "SELECT id, source_code, file_name, mode, first_seq, last_seq, merged_at, forced_gap FROM sync_files"
            " WHERE source_code = ? AND first_seq = ? AND last_seq = ? AND checksum = ?",
            (code, first, last, checksum),
        )
        return FileRecord(*rows[0]) if rows else None

    # -- records ------------------------------------------------------------------------------------
    def touch(self, tbl: str, uid: str, source_code: str, source_seq: int, base: dict[str, Any] | None) -> None:
        self._touched[(tbl, uid)] = (source_code, source_seq, dumps(base))

    def local_update(self, tbl: str, uid: str, changes: dict[str, Any]) -> None:
        """A change made at this level (a conflict resolved), journaled with this unit's code."""
        current = self.existing(tbl, [uid]).get(uid)
        if current is None:
            raise ServiceError("找不到要修改的记录（可能已被删除）。")
        values = {**current.values, **changes, "updated_at": now()}
        self.update(tbl, current, values, self.unit.code, current.source_seq, None, local=True)
        self.flush()

    # -- conflicts ----------------------------------------------------------------------------------
    def add_conflict(
        self,
        kind: str,
        tbl: str,
        row_uid: str,
        source_code: str,
        file_id: int | None,
        incoming: dict[str, Any],
        local: dict[str, Any] | None,
        fields: list[str],
        other_uid: str | None = None,
        id_number: str | None = None,
    ) -> int:
        uid = new_uid()
        record = {
            "uid": uid,
            "kind": kind,
            "tbl": tbl,
            "row_uid": row_uid,
            "other_uid": other_uid,
            "id_number": id_number,
            "source_code": source_code,
            "file_id": file_id,
            "fields": dumps(fields) if fields else None,
            "incoming": dumps(incoming),
            "local": dumps(local),
            "created_at": now(),
        }
        conflict_id = self._insert_id(
            f"INSERT INTO sync_conflicts ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})",
            list(record.values()),
        )
        self._log(
            self.unit.code,
            "sync_conflicts",
            conflict_id,
            uid,
            "insert",
            None,
            {"kind": kind, "row_uid": row_uid, "other_uid": other_uid, "source_code": source_code, "fields": fields},
        )
        return conflict_id

    def update_conflict(
        self, conflict_id: int, incoming: dict[str, Any], local: dict[str, Any] | None, fields: list[str]
    ) -> None:
        self._execute(
            "UPDATE sync_conflicts SET incoming = ?, local = ?, fields = ? WHERE id = ?",
            (dumps(incoming), dumps(local), dumps(fields) if fields else None, conflict_id),
        )

    def close_conflict(self, conflict_id: int, resolution: str, note: str) -> None:
        uid, status = self._query("SELECT uid, status FROM sync_conflicts WHERE id = ?", (conflict_id,))[0]
        self._execute(
            "UPDATE sync_conflicts SET status = 'resolved', resolution = ?, resolved_at = ?, resolved_by = ?, note = ?"
            " WHERE id = ?",
            (resolution, now(), self._clerk, note, conflict_id),
        )
        self._log(
            self.unit.code,
            "sync_conflicts",
            conflict_id,
            uid,
            "update",
            {"status": status},
            {"status": "resolved", "resolution": resolution, "note": note},
        )

    def conflicts(self, status: str | None = "open") -> list[Conflict]:
        where = "WHERE c.status = ?" if status else ""
        rows = self._query(f"{CONFLICT_SELECT} {where} ORDER BY c.id", (status,) if status else (), mapping=True)
        return [conflict_from_row(r) for r in rows]

    def conflict(self, ref: int | str) -> Conflict | None:
        """By number or by uid."""
        text = str(ref).strip()
        column, value = ("c.id", int(text)) if text.isdigit() else ("c.uid", text)
        if column == "c.id" and value > 2**62:
            return None
        rows = self._query(f"{CONFLICT_SELECT} WHERE {column} = ?", (value,), mapping=True)
        return conflict_from_row(rows[0]) if rows else None

    def conflict_last_seq(self, conflict: Conflict) -> int:
        rows = self._query(
            "SELECT f.last_seq FROM sync_conflicts c JOIN sync_files f ON f.id = c.file_id WHERE c.id = ?",
            (conflict.id,),
        )
        return rows[0][0] if rows else 0
