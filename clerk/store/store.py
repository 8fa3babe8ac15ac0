"""The one way to the database: an open clerk database with its owner, and journaled writes.

Every change goes through Store.write() (one transaction) and Store.journal() (one row in the
change journal with who, when, before and after), which later sync files are made from.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from clerk.store import db, sqlite
from clerk.store.errors import ServiceError

__all__ = ["NotSetUp", "ServiceError", "Store", "Unit", "new_uid", "now", "open_store"]


class NotSetUp(ServiceError):
    pass


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    clerk: str

    @property
    def level(self) -> str:
        return "district" if len(self.code) == 6 else "township"

    @property
    def level_label(self) -> str:
        return "区县总工会" if self.level == "district" else "乡镇(街道)"


def now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def new_uid() -> str:
    return uuid.uuid4().hex


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn: sqlite.Connection = db.connect(self.path)
        self.batch_id: int | None = None

    def close(self) -> None:
        self.conn.close()

    # -- settings ---------------------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_settings(self, **values: str) -> None:
        with self.write():
            self.conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(k, str(v)) for k, v in values.items()],
            )

    @property
    def unit(self) -> Unit | None:
        code, name, clerk = (self.setting(k) for k in ("unit_code", "unit_name", "clerk_name"))
        if not (code and name and clerk):
            return None
        return Unit(code, name, clerk)

    def require_unit(self) -> Unit:
        unit = self.unit
        if unit is None:
            raise NotSetUp("这个数据库还没有设置单位。请先运行 clerk setup（或打开 clerk 按首次使用界面填写）。")
        return unit

    # -- writes -----------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[sqlite.Connection]:
        try:
            with db.transaction(self.conn) as conn:
                yield conn
        except sqlite.OperationalError as exc:
            raise ServiceError(db.describe_error(exc, self.path)) from None

    def journal(
        self,
        tbl: str,
        row_id: int,
        row_uid: str,
        op: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Append one change; call inside write()."""
        assert self.conn.in_transaction, "journal() must run inside Store.write()"
        unit = self.require_unit()
        self.conn.execute(
            "INSERT INTO journal (at, clerk, unit_code, tbl, row_id, row_uid, op, before, after, batch_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now(),
                unit.clerk,
                unit.code,
                tbl,
                row_id,
                row_uid,
                op,
                _dump(before),
                _dump(after),
                self.batch_id,
            ),
        )

    def backup(self, reason: str = "manual", to: Path | None = None) -> Path:
        return db.backup(self.conn, self.path, reason=reason, to=to)


def _dump(record: dict[str, Any] | None) -> str | None:
    if record is None:
        return None
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


def open_store(path: str | Path) -> Store:
    """Open a store, turning database problems into ServiceError."""
    try:
        return Store(path)
    except db.DatabaseError as exc:
        raise ServiceError(str(exc)) from None
