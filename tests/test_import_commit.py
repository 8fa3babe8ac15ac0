"""Committing a batch: what it writes (exactly what registering by hand writes), the same file twice,
undo, the error report and the fixed file sent back."""

from __future__ import annotations

import json
import zipfile

import pytest
from conftest import make_id
from openpyxl import load_workbook
from roster_sample import HEADER, people, run, table_counts, write_xlsx

from clerk.domain import names
from clerk.importing import batches as import_batches
from clerk.importing import error_report as import_report
from clerk.importing import pipeline as importer
from clerk.registry import members
from clerk.store.store import ServiceError


def stored(store, member_id: int) -> dict:
    row = dict(store.conn.execute("SELECT * FROM members WHERE id = ?", (member_id,)).fetchone())
    for key in ("id", "uid", "created_at", "updated_at"):
        row.pop(key)
    return row


def grams(store, member_id: int) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT gram FROM member_name_grams WHERE member_id = ?", (member_id,))}


def test_an_imported_member_is_stored_exactly_as_a_registered_one(store, tmp_path):
    from clerk.registry import organisations

    org = organisations.create(store, {"name": "顺达快递公司工会", "kind": "联合工会"})
    fields = {
        "name": "欧阳 娜娜",
        "id_number": make_id("19950505", 12),
        "phone": "13800000001",
        "ethnicity": "回族",
        "org_id": org,
        "job": "快递员",
        "employment_form": "劳务派遣",
        "migrant": "是",
        "new_form": "快递员",
        "joined_on": "2025-03-01",
        "card_no": "A001",
        "mutual_aid": 1,
        "hardship": 0,
        "notes": '=HYPERLINK("x","y")',
    }
    by_hand = members.register(store, fields)
    members.delete(store, by_hand, "对照")  # free the ID number for the import
    rows = [
        [
            "姓名",
            "身份证号码",
            "手机号码",
            "民族",
            "岗位",
            "用工形式",
            "是否农民工",
            "新就业形态",
            "入会时间",
            "会员证号",
            "职工互助保障",
            "备注",
        ],
        [
            "欧阳 娜娜",
            fields["id_number"],
            "13800000001",
            "回族",
            "快递员",
            "劳务派遣",
            "是",
            "快递员",
            "2025-03-01",
            "A001",
            "是",
            fields["notes"],
        ],
    ]
    plan, result = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows}), commit=True, org_id=org)
    imported = store.conn.execute("SELECT max(id) FROM members").fetchone()[0]

    expected = stored(store, by_hand)
    expected["deleted_at"] = None
    expected["notes"] = fields["notes"]
    assert stored(store, imported) == expected
    assert grams(store, imported) == names.grams("欧阳娜娜")
    assert store.conn.execute("SELECT name_pinyin, name_initials FROM members WHERE id = ?", (imported,)).fetchone()[
        :
    ] == (
        "ouyangnana",
        "oynn",
    )
    entry = store.conn.execute(
        "SELECT * FROM journal WHERE row_id = ? AND tbl = 'members' ORDER BY seq DESC", (imported,)
    ).fetchone()
    assert (entry["op"], entry["batch_id"], entry["before"], entry["clerk"]) == (
        "insert",
        result.batch_id,
        None,
        "测试经办人",
    )
    assert json.loads(entry["after"]) == members.snapshot(store, imported)
    uid = store.conn.execute("SELECT uid FROM members WHERE id = ?", (imported,)).fetchone()[0]
    assert entry["row_uid"] == uid and len(uid) == 32 and uid[12] == "4" and uid[16] in "89ab"


def test_a_batch_is_recorded_with_its_file_mapping_counts_and_rejects(store, tmp_path):
    rows = [HEADER, *people(3), [9, "坏人", "123", "", "", ""]]
    path = write_xlsx(tmp_path / "顺达.xlsx", {"花名册": rows})
    plan, result = run(store, path, commit=True)
    assert result.written and result.backup.exists()
    batch = import_batches.get(store, result.batch_id)
    assert batch["file_name"] == "顺达.xlsx" and len(batch["file_sha256"]) == 64
    assert (batch["new_count"], batch["rejected_count"], batch["status"]) == (3, 1, "committed")
    assert batch["mapping"] == {
        "花名册": {
            "B 姓名": "name",
            "C 身份证号码": "id_number",
            "D 手机号码": "phone",
            "E 岗位": "job",
            "F 入会时间": "joined_on",
        }
    }
    assert batch["sheets"][0]["labels"] == HEADER
    (reject,) = import_batches.rejects(store, result.batch_id)
    assert (reject["sheet"], reject["row_number"], reject["cells"]) == ("花名册", 5, ["9", "坏人", "123", "", "", ""])
    assert reject["reason"] == "身份证号码应为 18 位，现在是 3 位。"
    assert result.message == "已导入“顺达.xlsx”（批次 #1）：新入会 3 人，未导入 1 行。"


def test_the_same_file_twice_changes_nothing_and_says_so(store, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(3)]})
    run(store, path, commit=True)
    before = table_counts(store)
    scan = importer.scan(store, path)
    assert scan.previous["id"] == 1
    plan = importer.prepare(store, scan)
    result = importer.commit(store, plan)
    scan.close()
    assert not result.written and result.already["id"] == 1
    assert "导入过（批次 #1），本次没有任何改动" in result.message
    assert table_counts(store) == before
    # The same people in another file: all already members, nothing written either.
    other = write_xlsx(tmp_path / "again.xlsx", {"另一个": [HEADER, *people(3)]})
    plan, result = run(store, other, commit=True)
    assert plan.counts["unchanged"] == 3 and not result.written
    assert table_counts(store) == before


def test_undo_removes_what_the_batch_added_and_restores_what_it_changed(store, tmp_path, person):
    keep = members.register(store, {**person, "phone": "13811111111"})
    rows = [HEADER, *people(2), [3, person["name"], person["id_number"], "13822222222", "", ""]]
    plan, result = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows}), commit=True, update_existing=True)
    assert plan.counts["new"] == 2 and plan.counts["updated"] == 1
    live = lambda: store.conn.execute("SELECT count(*) FROM members WHERE deleted_at IS NULL").fetchone()[0]  # noqa: E731
    assert live() == 3

    undone = import_batches.undo(store, result.batch_id)
    assert (undone.removed, undone.restored) == (2, 1)
    assert live() == 1 and members.get(store, keep)["phone"] == "13811111111"
    gone = store.conn.execute("SELECT id, notes FROM members WHERE deleted_at IS NOT NULL").fetchall()
    assert len(gone) == 2 and all(r["notes"] == "删除原因：撤销导入批次 #1" for r in gone)
    assert all(not grams(store, r["id"]) for r in gone)
    deletes = store.conn.execute("SELECT before, after, batch_id FROM journal WHERE op = 'delete'").fetchall()
    assert len(deletes) == 2 and all(d["batch_id"] == 1 and json.loads(d["after"])["deleted_at"] for d in deletes)
    assert import_batches.get(store, 1)["status"] == "undone"
    with pytest.raises(ServiceError, match="已于 .* 撤销过"):
        import_batches.undo(store, 1)
    # Undone, the same file may be imported again.
    plan, again = run(store, tmp_path / "r.xlsx", commit=True, update_existing=True)
    assert again.written and plan.counts["new"] == 2


def test_undo_is_refused_when_a_member_was_changed_later(store, tmp_path):
    plan, result = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(3)]}), commit=True)
    member_id = store.conn.execute("SELECT id FROM members WHERE name = '王芳'").fetchone()[0]
    members.change_status(store, member_id, "退会", "离职")
    before = table_counts(store)
    with pytest.raises(import_batches.UndoBlocked) as caught:
        import_batches.undo(store, result.batch_id)
    message = str(caught.value)
    assert "批次 #1 不能撤销" in message and "王芳" in message and "修改" in message
    assert table_counts(store) == before


def test_a_later_batch_blocks_undo_until_it_is_undone_itself(store, tmp_path):
    first = write_xlsx(tmp_path / "a.xlsx", {"s": [HEADER, *people(2)]})
    changed = [HEADER, [1, "张伟", people(1)[0][2], "13999999999", "快递员", "2026-03-01"]]
    second = write_xlsx(tmp_path / "b.xlsx", {"s": changed})
    _, one = run(store, first, commit=True)
    _, two = run(store, second, commit=True, update_existing=True)
    with pytest.raises(import_batches.UndoBlocked, match="导入批次 #2"):
        import_batches.undo(store, one.batch_id)
    import_batches.undo(store, two.batch_id)
    assert import_batches.undo(store, one.batch_id).removed == 2


def test_a_kill_during_commit_is_one_transaction(store, tmp_path, monkeypatch):
    """A failure half way (here: the journal insert) leaves nothing of the batch behind."""
    from clerk.store import bulk as member_bulk

    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(50)]})
    before = table_counts(store)
    monkeypatch.setattr(member_bulk, "snapshot_sql", lambda conn, alias="m": "no_such_function(1)")
    with pytest.raises(Exception, match="no_such_function"):
        run(store, path, commit=True)
    assert table_counts(store) == before
    assert store.batch_id is None


def test_cell_text_is_data_in_the_database_and_in_the_error_report(store, tmp_path):
    formula = '=HYPERLINK("http://example.com","张三")'
    rows = [
        ["姓名", "身份证号码", "岗位", "备注"],
        [formula, make_id(seq=1), "快递员", "+1"],
        ["张三", make_id(seq=2), "=1+1", '=HYPERLINK("x","y")'],
        [formula, "@123", "", "-2"],
    ]
    path = write_xlsx(tmp_path / "f.xlsx", {"s": rows})
    plan, result = run(store, path, commit=True)
    # A formula-like name is refused with a reason; free text keeps formula-like text as text.
    stored = [tuple(r) for r in store.conn.execute("SELECT name, job, notes FROM members")]
    assert stored == [("张三", "=1+1", '=HYPERLINK("x","y")')]
    assert [p.reason for p in plan.problems if p.row == 2] == [
        "姓名不能以 =、+、-、@ 开头（这是电子表格公式的写法），请填写证件上的姓名。"
    ]
    report = import_report.for_batch(store, result.batch_id, tmp_path / "report.xlsx")
    with zipfile.ZipFile(report) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml  # no formula anywhere
    ws = load_workbook(report)["s"]
    assert [c.value for c in ws[2]][:4] == [formula, make_id(seq=1), "快递员", "+1"]
    assert [c.value for c in ws[3]][:4] == [formula, "@123", None, "-2"]
    assert all(c.data_type == "s" for c in ws[2] if c.value is not None)
    assert ws.cell(row=2, column=2).number_format == "@"  # a corrected ID typed in stays text


def test_the_error_report_sent_back_fixed_completes_the_batch(store, tmp_path):
    good = people(3)
    right = make_id("19900101", 44)
    wrong = right[:17] + ("0" if right[17] != "0" else "1")
    bad = [
        [4, "赵四", wrong, "13800000004", "快递员", "2026-03-01"],
        [5, "钱五", "", "13800000005", "快递员", "2026-03-01"],
    ]
    path = write_xlsx(tmp_path / "顺达.xlsx", {"花名册": [["顺达公司花名册"], HEADER, *good, *bad]})
    plan, result = run(store, path, commit=True)
    assert plan.counts["rejected"] == 2
    report = import_report.for_batch(store, result.batch_id, tmp_path / "错误报告.xlsx")

    wb = load_workbook(report)
    assert wb.sheetnames == ["填表说明", "花名册", "_clerk"] and wb["_clerk"].sheet_state == "hidden"
    ws = wb["花名册"]
    assert [c.value for c in ws[1]] == HEADER + ["错误原因", "原工作表", "原行号"]
    assert [(r[1].value, r[7].value, r[8].value) for r in ws.iter_rows(min_row=2)] == [
        ("赵四", "花名册", "6"),
        ("钱五", "花名册", "7"),
    ]
    # The employer corrects one row, leaves the other, and sends the file back.
    ws.cell(row=2, column=3).value = right
    wb.save(tmp_path / "改好了.xlsx")

    plan, fixed = run(store, tmp_path / "改好了.xlsx", commit=True)
    assert plan.counts["new"] == 1 and plan.counts["rejected"] == 1
    assert fixed.parent_id == result.batch_id and fixed.resolved == 1
    assert "补上了其中 1 行" in fixed.message
    original = import_batches.get(store, result.batch_id)
    assert original["reject_rows"]["rejected"] == (2, 1) and original["fixes"] == [fixed.batch_id]
    again = import_report.for_batch(store, result.batch_id, tmp_path / "again.xlsx")
    assert [r[1].value for r in load_workbook(again)["花名册"].iter_rows(min_row=2)] == ["钱五"]
    import_batches.undo(store, fixed.batch_id)
    assert import_batches.get(store, result.batch_id)["reject_rows"]["rejected"] == (2, 0)


def test_a_report_from_a_preview_and_nothing_to_report(store, tmp_path):
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(2), [3, "王", "1", "", "", ""]]}))
    path = import_report.for_plan(store, plan, tmp_path / "预览报告.xlsx")
    assert [c.value for c in load_workbook(path)["s"][2]][:3] == ["3", "王", "1"]
    clean = run(store, write_xlsx(tmp_path / "c.xlsx", {"s": [HEADER, *people(2)]}))
    with pytest.raises(ServiceError, match="没有需要修改的行"):
        import_report.for_plan(store, clean, tmp_path / "x.xlsx")


def test_integrity_after_commit_and_undo(store, tmp_path):
    _, result = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(300)]}), commit=True)
    import_batches.undo(store, result.batch_id)
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    counts = store.conn.execute("SELECT sum(members) FROM org_member_counts").fetchone()[0]
    assert counts == 0


def test_the_backup_taken_while_reading_is_used_only_if_nothing_changed_since(store, tmp_path, person):
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(3)]})
    early = importer.EarlyBackup(store.path)
    plan = run(store, path)
    result = importer.commit(store, plan, early=early)
    assert result.backup is not None and result.backup.exists()
    assert sorted(result.backup.parent.glob("*-import.db")) == [result.backup]

    other = write_xlsx(tmp_path / "o.xlsx", {"s": [HEADER, *people(2, start=10)]})
    early = importer.EarlyBackup(store.path)
    plan = run(store, other)
    early._thread.join()
    stale = early.path
    members.register(store, person)  # a write after the early backup: it no longer shows the database
    result = importer.commit(store, plan, early=early)
    assert result.written and result.backup != stale and not stale.exists()
    saved = __import__("clerk.store.sqlite", fromlist=["connect"]).connect(result.backup)
    assert saved.execute("SELECT count(*) FROM members WHERE id_number = ?", (person["id_number"],)).fetchone()[0] == 1
    saved.close()


def test_a_big_batch_keeps_the_organisation_counts_right_and_the_trigger_in_place(store, tmp_path):
    from clerk.importing import commit as import_commit
    from clerk.registry import organisations

    org = organisations.create(store, {"name": "顺达快递公司工会", "kind": "联合工会"})
    rows = [HEADER + ["是否农民工", "新就业形态"]] + [
        r + ["是" if i % 2 else "否", "快递员" if i % 3 else ""] for i, r in enumerate(people(import_commit.BULK + 10))
    ]
    plan, result = run(store, write_xlsx(tmp_path / "big.xlsx", {"s": rows}), commit=True, org_id=org)
    counts = dict(
        (r[0], r[1:]) for r in store.conn.execute("SELECT org_id, members, migrant, new_form FROM org_member_counts")
    )
    organisations.recount(store)
    assert counts == dict(
        (r[0], r[1:]) for r in store.conn.execute("SELECT org_id, members, migrant, new_form FROM org_member_counts")
    )
    assert counts[org][0] == import_commit.BULK + 10
    assert (
        store.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'members_count_insert'"
        ).fetchone()[0]
        == 1
    )
    # And the trigger works again for the next member registered by hand.
    members.register(store, {"name": "新人", "id_number": make_id("20000101", 5), "org_id": org})
    assert (
        store.conn.execute("SELECT members FROM org_member_counts WHERE org_id = ?", (org,)).fetchone()[0]
        == counts[org][0] + 1
    )


def test_run_checks_and_commits_in_one_call(store, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", {"s": [HEADER, *people(5), [6, "坏人", "1", "", "", ""]]})
    scan = importer.scan(store, path)
    plan, result = importer.run(store, scan, early=importer.EarlyBackup(store.path))
    scan.close()
    assert plan.counts["new"] == 5 and result.written and "新入会 5 人，未导入 1 行" in result.message
    scan = importer.scan(store, path)
    plan, again = importer.run(store, scan, early=importer.EarlyBackup(store.path))
    scan.close()
    assert not again.written and again.already["id"] == result.batch_id
    assert len(list(result.backup.parent.glob("*-import.db"))) == 1  # the second run's backup was not kept


def test_the_error_report_sent_back_fixed_updates_members_it_had_imported(store, tmp_path):
    """A row imported with a warning (its phone left out) is corrected in the report and sent back: the
    member already imported gets the corrected phone, without the clerk choosing 更新已有会员."""
    rows = [HEADER, [1, "孙六", make_id("19900101", 45), "1380000", "快递员", "2026-03-01"], *people(2)]
    plan, result = run(store, write_xlsx(tmp_path / "r.xlsx", {"花名册": rows}), commit=True)
    assert plan.counts["new"] == 3 and plan.counts["warning"] == 1
    member = store.conn.execute("SELECT id, phone FROM members WHERE name = '孙六'").fetchone()
    assert member["phone"] is None
    report = import_report.for_batch(store, result.batch_id, tmp_path / "错误报告.xlsx")
    wb = load_workbook(report)
    ws = wb["花名册需核对"]
    assert ws.cell(row=2, column=2).value == "孙六" and ws.cell(row=2, column=4).value == "1380000"
    ws.cell(row=2, column=4).value = "13800000006"
    wb.save(tmp_path / "改好了.xlsx")

    plan, fixed = run(store, tmp_path / "改好了.xlsx", commit=True)
    assert plan.counts["updated"] == 1 and plan.counts["new"] == 0
    assert [p.reason for p in plan.by_kind("update")] == ["将更新：手机号码：空 → 13800000006"]
    assert store.conn.execute("SELECT phone FROM members WHERE id = ?", (member["id"],)).fetchone()[0] == "13800000006"
    assert fixed.parent_id == result.batch_id
    assert import_batches.get(store, fixed.batch_id)["update_existing"] == 1
