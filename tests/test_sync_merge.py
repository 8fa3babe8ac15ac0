"""District merge: refusals that write nothing, sequence gaps, overlaps, conflicts and their resolution."""

from __future__ import annotations

import openpyxl
import pytest
from sync_world import make_district, make_township, make_unit, person, register

from clerk.registry import members
from clerk.store.store import ServiceError
from clerk.sync import export as sync_export
from clerk.sync import format as sync_format
from clerk.sync import merge as sync_merge


@pytest.fixture
def world(tmp_path):
    town, orgs = make_township(tmp_path)
    district = make_district(tmp_path)
    yield town, orgs, district
    town.close()
    district.close()


def _state(store):
    """Everything a merge could change at the district."""
    conn = store.conn
    return (
        conn.execute("SELECT count(*) FROM members").fetchone()[0],
        conn.execute("SELECT count(*) FROM organisations").fetchone()[0],
        conn.execute("SELECT count(*) FROM journal").fetchone()[0],
        conn.execute("SELECT count(*) FROM sync_files").fetchone()[0],
        conn.execute("SELECT count(*) FROM sync_sources").fetchone()[0],
    )


def _export(store, tmp_path, **kw):
    return sync_export.export(store, out_dir=tmp_path / "exports", **kw).path


def _refused(district, path, match, **kw):
    before = _state(district)
    report = sync_merge.merge(district, [path], **kw)
    [outcome] = report.outcomes
    assert outcome.status == sync_merge.REFUSED, outcome.message
    assert match in outcome.message
    assert _state(district) == before
    assert report.backup is None
    return outcome


def test_merge_applies_a_file_once_and_journals_it(world, tmp_path):
    town, orgs, district = world
    register(town, 1, orgs[1])
    path = _export(town, tmp_path)
    report = sync_merge.merge(district, [path])
    [outcome] = report.outcomes
    assert outcome.status == sync_merge.MERGED
    assert outcome.counts["inserted"] == 4  # 3 organisations and the member
    assert report.backup is not None and report.backup.exists()
    row = district.conn.execute("SELECT * FROM members").fetchone()
    town_row = town.conn.execute("SELECT * FROM members").fetchone()
    assert (row["uid"], row["unit_code"], row["id_number"]) == (town_row["uid"], "500101001", person(1)["id_number"])
    org = district.conn.execute("SELECT name FROM organisations WHERE id = ?", (row["org_id"],)).fetchone()[0]
    assert org.startswith("青山第1")
    # Searchable at the district like a member registered there.
    assert (
        row["name_pinyin"]
        and district.conn.execute(
            "SELECT count(*) FROM member_name_grams WHERE member_id = ?", (row["id"],)
        ).fetchone()[0]
    )
    journal = district.conn.execute("SELECT unit_code, op FROM journal WHERE tbl = 'members'").fetchall()
    assert [tuple(r) for r in journal] == [("500101001", "insert")]
    source = district.conn.execute("SELECT code, name, last_seq FROM sync_sources").fetchone()
    assert tuple(source) == ("500101001", "青山镇总工会", 4)

    before = len(district.conn.execute("SELECT * FROM journal").fetchall())
    again = sync_merge.merge(district, [path])
    assert again.outcomes[0].status == sync_merge.DUPLICATE and "没有任何改动" in again.outcomes[0].message
    assert len(district.conn.execute("SELECT * FROM journal").fetchall()) == before


def test_gap_is_refused_until_the_missing_file_is_merged(world, tmp_path):
    town, orgs, district = world
    register(town, 1, orgs[1])
    first = _export(town, tmp_path)
    register(town, 2, orgs[1])
    second = _export(town, tmp_path)
    _refused(district, second, "缺少序号 1-4")
    report = sync_merge.merge(district, [second, first])  # given out of order: sorted by sequence
    assert [o.status for o in report.outcomes] == ["merged", "merged"]
    assert district.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 2


def test_forced_gap_is_recorded(world, tmp_path):
    town, orgs, district = world
    register(town, 1, orgs[1])
    _export(town, tmp_path)  # lost on the way
    register(town, 2, orgs[1])
    second = _export(town, tmp_path)
    report = sync_merge.merge(district, [second], force_gap=True)
    assert "强制跳过了缺少的序号 1-4" in report.outcomes[0].message
    assert district.conn.execute("SELECT forced_gap FROM sync_files").fetchone()[0] == "1-4"
    # The complete export fills in what the lost file carried.
    report = sync_merge.merge(district, [_export(town, tmp_path, full=True)])
    assert report.outcomes[0].counts["inserted"] == 1
    assert district.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 2


def test_complete_export_after_incrementals_applies_idempotently(world, tmp_path):
    town, orgs, district = world
    mid = register(town, 1, orgs[1])
    sync_merge.merge(district, [_export(town, tmp_path)])
    members.change_status(town, mid, "退会", "本人申请")
    sync_merge.merge(district, [_export(town, tmp_path)])
    journal = district.conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    report = sync_merge.merge(district, [_export(town, tmp_path, full=True)])
    outcome = report.outcomes[0]
    assert outcome.status == sync_merge.MERGED and outcome.counts["inserted"] == outcome.counts["updated"] == 0
    assert "此前已合并" in outcome.message
    assert district.conn.execute("SELECT count(*) FROM journal").fetchone()[0] == journal
    assert district.conn.execute("SELECT status FROM members").fetchone()[0] == "退会"


def test_not_a_sync_file(world, tmp_path):
    _, _, district = world
    text = tmp_path / "notes.xlsx"
    text.write_text("hello")
    _refused(district, text, "不是 clerk 同步文件")
    roster = tmp_path / "roster.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号"])
    book.save(roster)
    _refused(district, roster, "没有“清单”工作表")
    _refused(district, tmp_path / "missing.xlsx", "找不到文件")


def test_truncated_file(world, tmp_path):
    town, orgs, district = world
    register(town, 1, orgs[1])
    path = _export(town, tmp_path)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    _refused(district, cut, "不完整")


def _edit(path, sheet, cell, value, out):
    book = openpyxl.load_workbook(path)
    book[sheet][cell].value = value
    book.save(out)
    return out


def test_edited_file_fails_its_checksum(world, tmp_path):
    town, orgs, district = world
    register(town, 1, orgs[1])
    path = _export(town, tmp_path)
    edited = _edit(path, "会员", "F2", "13900000000", tmp_path / "edited.xlsx")
    _refused(district, edited, "校验值不符")
    gone = openpyxl.load_workbook(path)
    gone.remove(gone["转接"])
    gone.save(tmp_path / "gone.xlsx")
    _refused(district, tmp_path / "gone.xlsx", "缺少工作表：转接")


def test_newer_format_version(world, tmp_path):
    town, orgs, district = world
    register(town, 1, orgs[1])
    path = _export(town, tmp_path)
    newer = _edit(path, "清单", "B3", 2, tmp_path / "newer.xlsx")
    _refused(district, newer, "更新版本的 clerk")


def test_password_needed_and_checked(world, tmp_path):
    town, orgs, district = world
    register(town, 1, orgs[1])
    path = _export(town, tmp_path, password="pw-青山")
    _refused(district, path, "设置了密码")
    _refused(district, path, "密码不对", password="nope")
    assert sync_merge.merge(district, [path], password="pw-青山").outcomes[0].status == sync_merge.MERGED


def test_files_from_elsewhere_are_refused(world, tmp_path):
    town, orgs, district = world
    other = make_unit(tmp_path, "500102001", "外区某镇总工会", "外区经办人")
    register(other, 1)
    _refused(district, _export(other, tmp_path), "不属于本区县")
    with pytest.raises(ServiceError, match="区县总工会的数据库"):
        sync_merge.merge(town, [_export(other, tmp_path, full=True)])


def test_district_edit_and_township_edit_of_the_same_field_conflict(world, tmp_path):
    town, orgs, district = world
    mid = register(town, 1, orgs[1])
    sync_merge.merge(district, [_export(town, tmp_path)])
    did = district.conn.execute("SELECT id FROM members").fetchone()[0]
    members.update(district, did, {**members.form_values(members.get(district, did)), "phone": "13911111111"})
    members.update(town, mid, {**members.form_values(members.get(town, mid)), "phone": "13922222222"})
    report = sync_merge.merge(district, [_export(town, tmp_path)])
    assert report.conflicts == 1
    [conflict] = sync_merge.conflicts(district)
    assert conflict.kind == "both_changed" and conflict.fields == ["phone"]
    assert conflict.incoming["phone"] == "13922222222" and conflict.local["phone"] == "13911111111"
    assert members.get(district, did)["phone"] == "13911111111"  # never silently overwritten

    with pytest.raises(ServiceError, match="只能这样处理"):
        sync_merge.resolve(district, conflict.id, "transfer")
    message = sync_merge.resolve(district, conflict.id, "district")
    assert "保留了区县的版本" in message
    with pytest.raises(ServiceError, match="已于"):
        sync_merge.resolve(district, conflict.id, "township")
    with pytest.raises(ServiceError, match="找不到编号为 99"):
        sync_merge.resolve(district, 99, "township")
    # The township edits another field: taken, and the district's phone still stands.
    members.update(town, mid, {**members.form_values(members.get(town, mid)), "job": "分拣员"})
    report = sync_merge.merge(district, [_export(town, tmp_path)])
    assert report.conflicts == 0
    record = members.get(district, did)
    assert (record["phone"], record["job"]) == ("13911111111", "分拣员")
    resolved = district.conn.execute(
        "SELECT count(*) FROM journal WHERE tbl = 'sync_conflicts' AND op = 'update' AND unit_code = '500101'"
    ).fetchone()[0]
    assert resolved == 1


def test_person_on_the_roll_in_two_townships(tmp_path):
    district = make_district(tmp_path)
    a, a_orgs = make_township(tmp_path, 0)
    b, b_orgs = make_township(tmp_path, 1)
    register(a, 7, a_orgs[1], joined_on="2025-01-01")
    register(b, 7, b_orgs[1], joined_on="2026-02-01")
    report = sync_merge.merge(district, [_export(a, tmp_path), _export(b, tmp_path)])
    assert report.conflicts == 1
    [c] = sync_merge.conflicts(district)
    assert c.kind == "live_twice" and c.id_number == person(7)["id_number"]
    assert {c.extra["source_name"], c.extra["other_unit_name"]} == {"青山镇总工会", "石桥镇总工会"}
    live = district.conn.execute("SELECT count(*) FROM members WHERE status = '在册'").fetchone()[0]
    assert live == 2  # both kept until the clerk decides
    sync_merge.resolve(district, c.id, "keep-existing")
    rows = dict(district.conn.execute("SELECT unit_code, status FROM members").fetchall())
    assert rows == {"500101001": "在册", "500101002": "转出"}


def test_district_exports_upward_what_it_holds(world, tmp_path):
    town, orgs, district = world
    register(town, 1, orgs[1])
    sync_merge.merge(district, [_export(town, tmp_path)])
    result = sync_export.export(district, out_dir=tmp_path / "up")
    assert result.path.name.startswith("500101_")
    assert result.manifest.counts["会员"] == 1 and result.manifest.level == "区县总工会"


def test_progress_is_reported(world, tmp_path):
    town, orgs, district = world
    for i in range(5):
        register(town, i + 1, orgs[1])
    seen = []
    sync_merge.merge(district, [_export(town, tmp_path)], progress=lambda d, t, label: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] == 8


def test_big_merges_read_the_next_file_in_a_helper_process(tmp_path, monkeypatch):
    monkeypatch.setattr(sync_merge, "READ_AHEAD_ROWS", 0)
    district = make_district(tmp_path)
    files = []
    for i in range(3):
        town, orgs = make_township(tmp_path, i)
        register(town, i + 1, orgs[1])
        files.append(_export(town, tmp_path))
    report = sync_merge.merge(district, files)
    assert [o.status for o in report.outcomes] == ["merged", "merged", "merged"]
    assert district.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 3


def test_person_on_the_roll_in_three_townships_is_one_open_conflict_per_record(tmp_path):
    district = make_district(tmp_path)
    towns = [make_township(tmp_path, i) for i in range(3)]
    for store, orgs in towns:
        register(store, 7, orgs[1])
    report = sync_merge.merge(district, [_export(store, tmp_path) for store, _ in towns])
    assert [o.status for o in report.outcomes].count(sync_merge.REFUSED) == 0
    open_rows = [c.row_uid for c in sync_merge.conflicts(district)]
    assert len(open_rows) == len(set(open_rows)) == 2


def test_sheets_past_the_row_limit_go_on_in_continuation_sheets(world, tmp_path, monkeypatch):
    """Excel and WPS open at most 1,048,576 rows a sheet: longer data sheets are split, and a
    merge reads the parts as one (shown here with a limit of 2 rows)."""
    town, orgs, district = world
    for seq in range(1, 6):
        register(town, seq, orgs[1])
    monkeypatch.setattr(sync_format, "SHEET_ROWS", 2)
    path = _export(town, tmp_path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["清单", "组织", "组织（续2）", "会员", "会员（续2）", "会员（续3）", "转接", "删除"]
    assert [c.value for c in book["会员（续3）"][1]] == [c.value for c in book["会员"][1]]  # the header again
    assert book["会员（续3）"].max_row == 2  # header + the fifth member
    report = sync_merge.merge(district, [path])
    assert report.outcomes[0].status == sync_merge.MERGED, report.outcomes[0].message
    assert district.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 5
    # A row taken out of a continuation sheet is caught like any other edit.
    book.remove(book["会员（续3）"])
    book.save(tmp_path / "short.xlsx")
    _refused(make_district(tmp_path / "other"), tmp_path / "short.xlsx", "清单记为 5 行")
