"""Import, step 3: write the planned batch in one transaction (all of it or none of it).

The database is backed up first. New members go in with one executemany and carry exactly
what members.register writes: derived gender, birth date and birthplace, pinyin search keys,
name grams, unit code, a uid, and one journal row each (with the batch id). The grams and the
journal rows are made by SQL from the rows just inserted, so the snapshots in the journal are
the stored rows themselves, as members.snapshot() reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from clerk.domain import choices
from clerk.services import members
from clerk.services.import_plan import NEW_COLUMNS, Plan
from clerk.services.import_scan import Progress, _previous
from clerk.services.store import Store, new_uid, now

CHUNK = 10_000
# uuid4 in hex, as new_uid() makes it: version nibble 4 and variant 8-b in their places.
UID_SQL = (
    "lower(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) || "
    "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || hex(randomblob(6)))"
)


@dataclass
class Result:
    batch_id: int | None
    counts: dict[str, int]
    message: str
    already: dict | None = None  # the earlier batch of the same file
    backup: Path | None = None
    parent_id: int | None = None
    resolved: int = 0  # rejected rows of the parent batch that this batch imported
    notes: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.batch_id is not None


def snapshot_sql(store: Store, alias: str = "m") -> str:
    """json_object(...) of a member row with exactly the keys members.snapshot() gives."""
    cols = [r["name"] for r in store.conn.execute("PRAGMA table_info(members)")]
    keys = sorted([c for c in cols if c not in members._NOT_JOURNALED] + ["org_uid"])
    parts = [f"'{k}', " + ("o.uid" if k == "org_uid" else f"{alias}.{k}") for k in keys]
    return f"json_object({', '.join(parts)})"


def _journal_seq(store: Store) -> int:
    row = store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'journal'").fetchone()
    return row[0] if row else 0


def commit(store: Store, plan: Plan, progress: Progress | None = None) -> Result:
    """Write the batch; a file committed before changes nothing."""
    unit = store.require_unit()
    scan = plan.scan
    counts = dict(plan.counts)
    previous = _previous(store, scan.sha256)
    if previous:
        return Result(
            None,
            counts,
            f"这个文件已于 {previous['created_at'].replace('T', ' ')} 由 {previous['clerk']} 导入过"
            f"（批次 #{previous['id']}），本次没有任何改动。",
            already=previous,
        )
    if not plan.writes and not plan.rejects:
        return Result(None, counts, "没有需要写入的内容：花名册里的人都已是会员，信息也没有变化。")

    parent = None
    if scan.parent_uid:
        parent = store.conn.execute("SELECT id FROM import_batches WHERE uid = ?", (scan.parent_uid,)).fetchone()
    total = len(plan.new_rows) + len(plan.updates)
    if progress:
        progress("备份", 0, None)
    backup = store.backup(reason="import")
    stamp = now()
    sheets = [
        {
            "name": s.name,
            "header_rows": s.layout.header_rows if s.layout else [],
            "data_start": s.layout.data_start if s.layout else None,
            "labels": [c.label for c in s.layout.columns] if s.layout else [],
            "skipped": s.skipped,
        }
        for s in scan.sheets
    ]
    mapping = {s.name: s.layout.mapping() for s in scan.usable if s.layout}
    resolved = 0
    with store.write() as conn:
        cur = conn.execute(
            "INSERT INTO import_batches (uid, unit_code, file_name, file_sha256, file_kind, sheets, mapping, org_id,"
            " update_existing, new_count, updated_count, unchanged_count, duplicate_count, rejected_count,"
            " warning_count, parent_id, backup_path, status, clerk, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'committed', ?, ?)",
            (
                new_uid(), unit.code, scan.display, scan.sha256, scan.kind,
                json.dumps(sheets, ensure_ascii=False), json.dumps(mapping, ensure_ascii=False),
                plan.options.org_id, int(plan.options.update_existing), counts["new"], counts["updated"],
                counts["unchanged"], counts["duplicate"], counts["rejected"], counts["warning"],
                parent["id"] if parent else None, str(backup), unit.clerk, stamp,
            ),
        )
        batch_id = cur.lastrowid
        store.batch_id = batch_id
        try:
            first_seq = _journal_seq(store) + 1
            _insert_new(store, plan, unit, stamp, batch_id, progress, total)
            done = len(plan.new_rows)
            for member_id, changes in plan.updates:
                members._update(store, member_id, changes)
                done += 1
                if progress and done % 2000 == 0:
                    progress("写入", done, total)
            last_seq = _journal_seq(store)
            conn.executemany(
                "INSERT INTO import_rejects (batch_id, sheet, row_number, kind, reason, cells) VALUES (?, ?, ?, ?, ?, ?)",
                ((batch_id, *r) for r in plan.rejects),
            )
            if parent is not None and plan.resolves:
                before = conn.total_changes
                conn.executemany(
                    "UPDATE import_rejects SET resolved_by = ? WHERE batch_id = ? AND sheet = ? AND row_number = ?"
                    " AND kind = 'rejected' AND resolved_by IS NULL",
                    ((batch_id, parent["id"], sheet, row) for sheet, row in plan.resolves),
                )
                resolved = conn.total_changes - before
            for sheet in scan.usable:
                if sheet.saved_mapping and sheet.layout:
                    conn.execute("UPDATE import_mappings SET uses = uses + 1 WHERE signature = ?", (sheet.layout.signature,))
            conn.execute(
                "UPDATE import_batches SET first_seq = ?, last_seq = ? WHERE id = ?",
                (first_seq if last_seq >= first_seq else None, last_seq if last_seq >= first_seq else None, batch_id),
            )
        finally:
            store.batch_id = None
    if progress:
        progress("写入", total, total)
    parts = [f"新入会 {counts['new']} 人"]
    if counts["updated"]:
        parts.append(f"更新 {counts['updated']} 人")
    if counts["unchanged"]:
        parts.append(f"已是会员 {counts['unchanged']} 人")
    if counts["duplicate"]:
        parts.append(f"重复 {counts['duplicate']} 行")
    if counts["rejected"]:
        parts.append(f"未导入 {counts['rejected']} 行")
    message = f"已导入“{scan.display}”（批次 #{batch_id}）：" + "，".join(parts) + "。"
    if parent is not None:
        message += f"这是批次 #{parent['id']} 的错误报告修改后发回的文件，补上了其中 {resolved} 行。"
    return Result(batch_id, counts, message, backup=backup, parent_id=parent["id"] if parent else None, resolved=resolved)


def _insert_new(store: Store, plan: Plan, unit, stamp: str, batch_id: int, progress: Progress | None, total: int) -> None:
    rows = plan.new_rows
    if not rows:
        return
    conn = store.conn
    first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM members").fetchone()[0]
    cols = ", ".join(NEW_COLUMNS)
    marks = ", ".join("?" * len(NEW_COLUMNS))
    sql = (
        f"INSERT INTO members (id, uid, unit_code, status, created_at, updated_at, {cols})"
        f" VALUES (?, {UID_SQL}, ?, ?, ?, ?, {marks})"
    )
    head = (unit.code, choices.LIVE, stamp, stamp)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        base = first_id + start
        conn.executemany(sql, [(base + k, *head, *row) for k, row in enumerate(chunk)])
        if progress:
            progress("写入", start + len(chunk), total)
    last_id = first_id + len(rows) - 1
    # Name grams: every 1- and 2-character piece of the name without spaces (names.grams).
    conn.execute(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 64),"
        " src AS (SELECT id, replace(name, ' ', '') AS s FROM members WHERE id BETWEEN ? AND ?)"
        " INSERT OR IGNORE INTO member_name_grams (gram, member_id)"
        " SELECT gram, id FROM (SELECT substr(s, i, 1) AS gram, id FROM src JOIN k ON i <= length(s)"
        " UNION ALL SELECT substr(s, i, 2), id FROM src JOIN k ON i < length(s)) ORDER BY gram, id",
        (first_id, last_id),
    )
    conn.execute(
        "INSERT INTO journal (at, clerk, unit_code, tbl, row_id, row_uid, op, before, after, batch_id)"
        f" SELECT ?, ?, ?, 'members', m.id, m.uid, 'insert', NULL, {snapshot_sql(store)}, ?"
        " FROM members m LEFT JOIN organisations o ON o.id = m.org_id WHERE m.id BETWEEN ? AND ? ORDER BY m.id",
        (now(), unit.clerk, unit.code, batch_id, first_id, last_id),
    )
