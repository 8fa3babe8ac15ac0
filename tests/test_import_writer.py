"""`clerk import` of a big roster: rows checked here, written by a helper process as they come.

The outcome must be exactly what checking first and committing afterwards gives; a failure on
either side must leave the database as it was (a kill -9 half way: test_import_robustness)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_id
from roster_sample import HEADER, people, table_counts, write_xlsx

from clerk.importing import batches as import_batches
from clerk.importing import pipeline as importer
from clerk.importing import writer as import_writer
from clerk.registry import members, organisations
from clerk.store.store import ServiceError, Store


def run(store, path, parallel: bool, **options):
    scan = importer.scan(store, path)
    try:
        return importer.run(
            store, scan, importer.Options(**options), early=importer.EarlyBackup(store.path), parallel=parallel
        )
    finally:
        scan.close()


def messy_roster(tmp_path: Path, store, person) -> Path:
    """New people, someone already a member (with a new phone), a duplicate, a bad ID, a warning."""
    members.register(store, {**person, "phone": "13900000000"})
    rows: list[list[object]] = [[*HEADER, "是否农民工"]]
    rows += [r + ["是" if i % 2 else "否"] for i, r in enumerate(people(4500))]
    rows.append([9001, person["name"], person["id_number"], "13900000001", "快递员", "2026-03-01", "是"])
    rows.append([9002, "张伟", rows[1][2], "13800000000", "快递员", "2026-03-01", "否"])  # same ID as row 2
    rows.append([9003, "坏人", "1", "", "", "", ""])
    rows.append([9004, "李四", make_id("19880808", 7), "12345", "骑手", "2026-03-01", "也许"])
    return write_xlsx(tmp_path / "花名册.xlsx", {"s": rows})


def stored_members(store) -> list[dict]:
    rows = store.conn.execute("SELECT * FROM members ORDER BY id_number").fetchall()
    return [{k: v for k, v in dict(r).items() if k not in ("id", "uid", "created_at", "updated_at")} for r in rows]


def everything(store) -> dict:
    return {
        "members": stored_members(store),
        "grams": sorted(
            tuple(r)
            for r in store.conn.execute(
                "SELECT g.gram, m.id_number FROM member_name_grams g JOIN members m ON m.id = g.member_id"
            )
        ),
        "counts": sorted(tuple(r) for r in store.conn.execute("SELECT * FROM org_member_counts")),
        "rejects": [
            tuple(r)
            for r in store.conn.execute("SELECT sheet, row_number, kind, reason, cells FROM import_rejects ORDER BY id")
        ],
    }


@pytest.mark.parametrize("chunk", [1000, import_writer.CHUNK])
def test_the_helper_process_writes_exactly_what_check_then_commit_writes(store, tmp_path, person, monkeypatch, chunk):
    monkeypatch.setattr(import_writer, "CHUNK", chunk)
    org = organisations.create(store, {"name": "顺达快递公司工会", "kind": "联合工会"})
    path = messy_roster(tmp_path, store, person)
    twin = Store(tmp_path / "twin.db")
    twin.set_settings(**{k: store.setting(k) for k in ("unit_code", "unit_name", "clerk_name")})
    organisations.create(twin, {"name": "顺达快递公司工会", "kind": "联合工会"})
    members.register(twin, {**person, "phone": "13900000000"})

    plan, result = run(store, path, parallel=True, org_id=org, update_existing=True)
    plan2, result2 = run(twin, path, parallel=False, org_id=org, update_existing=True)

    assert (
        plan.counts
        == plan2.counts
        == {"new": 4501, "updated": 1, "unchanged": 0, "duplicate": 1, "rejected": 1, "warning": 1, "skipped": 0}
    )
    assert [(p.kind, p.row, p.reason) for p in plan.problems] == [(p.kind, p.row, p.reason) for p in plan2.problems]
    assert result.message == result2.message and result.written
    assert everything(store) == everything(twin)
    # Every new member's journal entry is its stored record, as members.snapshot() reads it.
    entries = store.conn.execute(
        "SELECT row_id, after FROM journal WHERE batch_id = ? AND op = 'insert'", (result.batch_id,)
    ).fetchall()
    assert len(entries) == 4501
    for row_id, after in entries[::500]:
        assert json.loads(after) == members.snapshot(store, row_id)
    assert store.conn.execute("SELECT count(DISTINCT uid), count(*) FROM members").fetchone()[:] == (4502, 4502)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Undo takes it all back, the updated member included.
    assert import_batches.undo(store, result.batch_id).removed == 4501
    assert store.conn.execute("SELECT count(*) FROM members WHERE deleted_at IS NULL").fetchone()[0] == 1
    assert members.find_by_id_number(store, person["id_number"])["phone"] == "13900000000"
    twin.close()


def test_the_same_file_twice_and_a_file_with_nothing_new(store, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(30)]})
    plan, result = run(store, path, parallel=True)
    assert result.written and plan.counts["new"] == 30
    before = table_counts(store)
    plan, again = run(store, path, parallel=True)
    assert not again.written and again.already["id"] == result.batch_id
    # The same people in another file: all already members, nothing to write, no batch.
    other = write_xlsx(tmp_path / "again.xlsx", {"名单": [HEADER, *people(30)]})
    plan, nothing = run(store, other, parallel=True)
    assert not nothing.written and plan.counts["unchanged"] == 30 and "没有需要写入的内容" in nothing.message
    assert table_counts(store) == before
    assert len(list(result.backup.parent.glob("*-import.db"))) == 1  # only the first batch's backup is kept


def test_a_failure_in_the_writer_leaves_nothing_behind(store, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(3000)]})
    # A database that refuses the batch's journal rows, half way through the writer's work.
    store.conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON journal WHEN NEW.batch_id IS NOT NULL"
        " BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    before = table_counts(store)
    with pytest.raises(ServiceError, match="没有写入任何内容"):
        run(store, path, parallel=True)
    assert table_counts(store) == before
    members.register(store, {"name": "新人", "id_number": make_id("20000101", 5)})  # the write lock was given back


def test_a_refusal_while_checking_stops_the_writer_and_writes_nothing(store, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(10)]})
    before = table_counts(store)
    with pytest.raises(importer.ImportRefused):
        run(store, path, parallel=True, org_id=999)  # no such organisation
    scan = importer.scan(store, path)
    scan.book.rows = lambda info: iter([[1, "张伟", "x"]] * 3 + [1 / 0])  # noqa: B023 - the file breaks half way
    with pytest.raises(ZeroDivisionError):
        importer.run(store, scan, parallel=True)
    scan.close()
    assert table_counts(store) == before
    members.register(store, {"name": "新人", "id_number": make_id("20000101", 5)})


def test_a_writer_started_early_and_not_needed_is_stopped(store, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(5)]})
    early = importer.EarlyBackup(store.path, writer=True)
    proc = early.writer.proc
    scan = importer.scan(store, path)
    plan, result = importer.run(store, scan, early=early)  # small: checked first, then committed here
    scan.close()
    assert result.written and early.writer is None
    assert proc.wait(timeout=10) is not None
    # Started early and used: the same writer process does the work.
    big = write_xlsx(tmp_path / "big.xlsx", {"s": [HEADER, *people(50, start=100)]})
    early = importer.EarlyBackup(store.path, writer=True)
    proc = early.writer.proc
    scan = importer.scan(store, big)
    plan, result = importer.run(store, scan, early=early, parallel=True)
    scan.close()
    assert result.written and plan.counts["new"] == 50 and proc.wait(timeout=10) == 0


def test_without_a_writer_process_the_rows_are_checked_first_and_written_here(store, tmp_path, monkeypatch):
    def cannot(*args, **kwargs):
        raise OSError("no processes")

    monkeypatch.setattr(import_writer.subprocess, "Popen", cannot)
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(20)]})
    plan, result = run(store, path, parallel=True)
    assert result.written and plan.counts["new"] == 20
