"""What the merge rules need from the database they merge into.

sync_merge decides (skip, insert, update, conflict) from the file's row states and what the
target reports; a target stores and journals. SqliteTarget (sync_sqlite) is the one now; a
PostgreSQL hub implements the same protocol, so both merge by exactly the same rules.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from clerk.store.store import Unit
from clerk.sync import format as fmt

KIND_LABELS = {"live_twice": "同一人在两处在册", "both_changed": "双方都修改了同一记录"}
RESOLUTION_LABELS = {
    "transfer": "按转接处理",
    "keep": "保留一方在册",
    "township": "采用乡镇版本",
    "district": "保留区县版本",
    "auto": "自动解决",
}


@dataclass(slots=True)
class Existing:
    """A record the target already holds, with its sync bookkeeping."""

    row_id: int
    values: dict[str, Any]
    source_code: str | None  # the unit whose files last set it (None: never merged)
    source_seq: int  # the file range end that last set it
    base: dict[str, Any] | None  # the sender's state, kept when the target's record differs
    local_before: dict[str, Any] | None  # state before the first district edit since the last merge


@dataclass(frozen=True)
class Source:
    code: str
    name: str
    level: str
    last_seq: int
    files: int
    updated_at: str


@dataclass(frozen=True)
class FileRecord:
    id: int
    source_code: str
    file_name: str
    mode: str
    first_seq: int
    last_seq: int
    merged_at: str
    forced_gap: str | None


@dataclass
class Conflict:
    id: int
    uid: str
    kind: str
    tbl: str
    row_uid: str
    other_uid: str | None
    id_number: str | None
    source_code: str
    fields: list[str]
    incoming: dict[str, Any]
    local: dict[str, Any] | None
    status: str
    resolution: str | None
    resolved_at: str | None
    resolved_by: str | None
    note: str | None
    created_at: str
    extra: dict[str, Any] = field(default_factory=dict)  # display: names of the units, the other record

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def name(self) -> str:
        return str(self.incoming.get("name") or "")


class TargetRefusal(Exception):
    """The target cannot take a row as it stands (the rules turn it into a refusal)."""


class AlreadyMerged(TargetRefusal):
    """Under the target's lock the file turned out merged already (by a clerk merging it at the same time)."""


class MergeTarget(Protocol):
    unit: Unit

    def backup(self, reason: str) -> Path | None: ...

    def transaction(self) -> AbstractContextManager[Any]: ...

    # -- bookkeeping ---------------------------------------------------------------------------
    def source(self, code: str) -> Source | None: ...

    def sources(self) -> list[Source]: ...

    def find_file(self, code: str, first: int, last: int, checksum: str) -> FileRecord | None: ...

    def start_file(self, manifest: fmt.Manifest, file_name: str, sha256: str, forced_gap: str | None) -> int: ...

    def finish_file(self, file_id: int, counts: dict[str, int], manifest: fmt.Manifest, last_seq: int) -> None: ...

    # -- rows ----------------------------------------------------------------------------------
    def existing(self, tbl: str, uids: list[str]) -> dict[str, Existing]: ...

    def insert(self, tbl: str, values: dict[str, Any], source_code: str, source_seq: int) -> bool: ...

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
    ) -> None: ...

    def touch(self, tbl: str, uid: str, source_code: str, source_seq: int, base: dict[str, Any] | None) -> None: ...

    def local_update(self, tbl: str, uid: str, changes: dict[str, Any]) -> None: ...

    def add_transfer(self, member_uid: str, to_uid: str, reason: str) -> None: ...

    def live_twice(self, uids: list[str]) -> list[tuple[str, str, str]]: ...

    def is_live(self, uid: str) -> bool: ...

    def member(self, uid: str) -> dict[str, Any] | None: ...

    def unit_name(self, code: str) -> str: ...

    def conflict_last_seq(self, conflict: Conflict) -> int: ...

    # -- conflicts -----------------------------------------------------------------------------
    def open_conflicts(self, kind: str, tbl: str, row_uids: list[str]) -> dict[str, Conflict]: ...

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
    ) -> int: ...

    def update_conflict(
        self, conflict_id: int, incoming: dict[str, Any], local: dict[str, Any] | None, fields: list[str]
    ) -> None: ...

    def close_conflict(self, conflict_id: int, resolution: str, note: str) -> None: ...

    def conflicts(self, status: str | None = "open") -> list[Conflict]: ...

    def conflict(self, ref: int | str) -> Conflict | None: ...

    def flush(self) -> None: ...


def dumps(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, ensure_ascii=False, sort_keys=True)


def loads(text: str | None) -> dict[str, Any] | None:
    return json.loads(text) if text else None
