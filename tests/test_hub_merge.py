"""The hub on a real PostgreSQL server merges exactly as a district's SQLite database does.

The same township files go into a SQLite district and into a PostgreSQL hub with the same code;
afterwards both hold the same records, sources, files and conflicts. Then the rules one by one
on PostgreSQL: idempotence, gaps, edited files, conflicts and their resolution, a city hub taking
a district's file, and refusals that leave nothing behind.
"""

from __future__ import annotations

import json

import pytest
from hub_pg import hub_url, pg_admin, pg_server_url, query  # noqa: F401
from sync_world import make_district, make_township, make_unit, person, register

from clerk.hub import service as hub
from clerk.registry import members, transfers
from clerk.store.store import ServiceError
from clerk.sync import export as sync_export
from clerk.sync import format as sync_format
from clerk.sync import merge as sync_merge

DISTRICT = ("500101", "测试区总工会", "区县经办人")


@pytest.fixture
def hub_db(hub_url):
    h = hub.init(hub_url, *DISTRICT)
    yield h
    h.close()


def _export(store, tmp_path, **kw):
    return sync_export.export(store, out_dir=tmp_path / "exports", **kw).path


def _pg_records(h, tbl="members"):
    keys = sync_format.COMPARED[tbl]
    if tbl == "members":
        sql = "SELECT m.*, o.uid AS org_uid FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
    else:
        sql = "SELECT g.*, p.uid AS parent_uid FROM organisations g LEFT JOIN organisations p ON p.id = g.parent_id"
    from psycopg.rows import dict_row

    with h.conn.cursor(row_factory=dict_row) as cur:
        return {r["uid"]: {k: r[k] for k in keys} for r in cur.execute(sql)}


def _sqlite_records(store, tbl="members"):
    keys = sync_format.COMPARED[tbl]
    if tbl == "members":
        sql = "SELECT m.*, o.uid AS org_uid FROM members m LEFT JOIN organisations o ON o.id = m.org_id"
    else:
        sql = "SELECT g.*, p.uid AS parent_uid FROM organisations g LEFT JOIN organisations p ON p.id = g.parent_id"
    return {r["uid"]: {k: r[k] for k in keys} for r in store.conn.execute(sql)}


def _bookkeeping(conn, mark="?"):
    sources = conn.execute("SELECT code, name, last_seq, files FROM sync_sources ORDER BY code").fetchall()
    files = conn.execute(
        "SELECT source_code, first_seq, last_seq, inserted, updated, unchanged, conflicts, forced_gap"
        " FROM sync_files ORDER BY source_code, first_seq, last_seq"
    ).fetchall()
    conflicts = conn.execute(
        "SELECT kind, tbl, row_uid, other_uid, status, resolution FROM sync_conflicts ORDER BY kind, row_uid"
    ).fetchall()
    transfers_ = conn.execute(
        "SELECT t.uid, m.uid, t.to_outside, t.transferred_on FROM transfers t JOIN members m ON m.id = t.member_id"
        " ORDER BY t.uid"
    ).fetchall()
    counts = conn.execute(
        "SELECT org_id, members, migrant, new_form FROM org_member_counts WHERE members > 0"
    ).fetchall()
    return [[tuple(r) for r in x] for x in (sources, files, conflicts, transfers_)], len(counts)


def _pg_counts_match_members(h) -> None:
    counted = dict(
        (r[0], tuple(r[1:]))
        for r in h.conn.execute(
            "SELECT org_id, members, migrant, new_form FROM org_member_counts WHERE members <> 0 OR migrant <> 0 OR new_form <> 0"
        )
    )
    actual = dict(
        (r[0], tuple(r[1:]))
        for r in h.conn.execute(
            "SELECT coalesce(org_id, 0), count(*), count(*) FILTER (WHERE migrant != 0), count(new_form) FROM members"
            " WHERE status = '在册' AND deleted_at IS NULL GROUP BY 1"
        )
    )
    assert counted == actual


def _insert_images(conn, mark):
    """The journal's after-image of each member a merge brought, by uid (ids apart: each database
    numbers its own rows)."""
    images = {}
    for row_id, row_uid, after in conn.execute(
        f"SELECT row_id, row_uid, after FROM journal WHERE tbl = {mark} AND op = {mark}",
        ("members", "insert"),
    ).fetchall():
        image = json.loads(after)
        assert image.pop("id") == row_id
        assert (image.pop("org_id") is None) == (image["org_uid"] is None)
        images[row_uid] = image
    return images


def test_same_files_same_outcome_as_sqlite(tmp_path, hub_db):
    towns = [make_township(tmp_path, i) for i in range(3)]
    district = make_district(tmp_path)
    files = []

    # Round 1: registrations; one person on the roll in two townships.
    for t, (store, orgs) in enumerate(towns):
        for i in range(6):
            register(
                store, 100 * t + i, orgs[1 + i % 2], migrant=1 if i % 3 == 0 else 0, new_form="快递员" if i % 2 else ""
            )
    register(towns[0][0], 999, towns[0][1][1], joined_on="2025-01-01")
    register(towns[1][0], 999, towns[1][1][1], joined_on="2026-02-01")
    files += [_export(s, tmp_path) for s, _ in towns]

    # Round 2: edits, leaving, a mistake deleted, a transfer inside a township and one out of it.
    a, a_orgs = towns[0]
    ids = [r[0] for r in a.conn.execute("SELECT id FROM members ORDER BY id")]
    members.update(a, ids[0], {**members.form_values(members.get(a, ids[0])), "phone": "13900000001", "job": "分拣员"})
    members.change_status(a, ids[1], "退会", "本人申请")
    members.delete(a, ids[2], "重复录入")
    transfers.transfer(a, ids[3], a_orgs[1])
    transfers.transfer_out(a, ids[4], "石桥镇总工会")
    b, b_orgs = towns[1]
    transfers.transfer_in(b, person(4), b_orgs[1], "青山镇总工会")
    files += [_export(s, tmp_path) for s, _ in (towns[0], towns[1])]
    files.append(_export(towns[2][0], tmp_path, full=True))  # a complete export overlapping round 1

    # The district's order of arrival: shuffled, one duplicated.
    order = [files[4], files[0], files[2], files[1], files[3], files[5], files[0]]
    sqlite_report = sync_merge.merge(district, order)
    pg_report = hub.merge(hub_db, order)

    def outcomes(report):
        return [(o.path.name, o.status, o.counts) for o in report.outcomes]

    assert outcomes(pg_report) == outcomes(sqlite_report)
    assert [o.status for o in pg_report.outcomes] == ["merged"] * 5 + ["duplicate"]  # town 3 unchanged since
    assert _pg_records(hub_db) == _sqlite_records(district)
    assert _pg_records(hub_db, "organisations") == _sqlite_records(district, "organisations")
    assert _bookkeeping(hub_db.conn) == _bookkeeping(district.conn)
    assert pg_report.conflicts == sqlite_report.conflicts == 1
    _pg_counts_match_members(hub_db)
    images = _insert_images(hub_db.conn, "%s")
    assert len(images) == 21 and images == _insert_images(district.conn, "?")  # the audit log says the same

    # Resolving the same conflict the same way gives the same records again.
    [c_sqlite] = sync_merge.conflicts(district)
    [c_pg] = hub.conflicts(hub_db)
    assert (c_pg.kind, c_pg.row_uid, c_pg.other_uid) == (c_sqlite.kind, c_sqlite.row_uid, c_sqlite.other_uid)
    assert sync_merge.resolve(district, c_sqlite.id, "transfer") == hub.resolve(hub_db, c_pg.id, "transfer")
    assert _pg_records(hub_db) == _sqlite_records(district)
    assert hub.conflicts(hub_db) == []
    _pg_counts_match_members(hub_db)
    journal = query(hub_db.url, "SELECT count(*) FROM journal WHERE unit_code = '500101'")[0][0]
    assert journal >= 3  # the resolution, the record set 转出 and the transfer, journaled as the hub's own


def test_same_file_twice_changes_nothing(tmp_path, hub_db):
    town, orgs = make_township(tmp_path)
    for i in range(3):
        register(town, i, orgs[1])
    path = _export(town, tmp_path)
    first = hub.merge(hub_db, [path])
    assert first.outcomes[0].status == "merged" and first.rows == 6
    before = query(hub_db.url, "SELECT count(*) FROM journal")
    again = hub.merge(hub_db, [path])
    assert again.outcomes[0].status == "duplicate" and "合并过" in again.outcomes[0].message
    assert query(hub_db.url, "SELECT count(*) FROM journal") == before
    assert query(hub_db.url, "SELECT count(*) FROM members") == [(3,)]


def test_gap_refused_then_forced_and_recorded(tmp_path, hub_db):
    town, orgs = make_township(tmp_path)
    register(town, 1, orgs[1])
    first = _export(town, tmp_path)
    register(town, 2, orgs[1])
    second = _export(town, tmp_path)
    refused = hub.merge(hub_db, [second]).outcomes[0]
    assert refused.status == "refused" and "缺少序号" in refused.message
    assert query(hub_db.url, "SELECT count(*) FROM members") == [(0,)]
    forced = hub.merge(hub_db, [second], force_gap=True).outcomes[0]
    assert forced.status == "merged" and "强制跳过了缺少的序号" in forced.message
    assert query(hub_db.url, "SELECT forced_gap FROM sync_files") == [("1-4",)]
    late = hub.merge(hub_db, [first]).outcomes[0]
    assert late.status == "merged"  # the old range is checked record by record, nothing is lost
    assert query(hub_db.url, "SELECT count(*) FROM members") == [(2,)]


def test_edited_file_is_refused_whole(tmp_path, hub_db):
    import openpyxl

    town, orgs = make_township(tmp_path)
    register(town, 1, orgs[1])
    path = _export(town, tmp_path)
    book = openpyxl.load_workbook(path)
    book["会员"]["F2"].value = "13800000000"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    outcome = hub.merge(hub_db, [edited]).outcomes[0]
    assert outcome.status == "refused" and "校验值不符" in outcome.message
    assert query(hub_db.url, "SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM sync_files)") == [(0, 0)]


def test_both_changed_conflict_after_a_hub_resolution(tmp_path, hub_db):
    a, a_orgs = make_township(tmp_path, 0)
    b, b_orgs = make_township(tmp_path, 1)
    register(a, 7, a_orgs[1], joined_on="2025-01-01")
    bid = register(b, 7, b_orgs[1], joined_on="2026-02-01")
    hub.merge(hub_db, [_export(a, tmp_path), _export(b, tmp_path)])
    [c] = hub.conflicts(hub_db)
    assert c.kind == "live_twice" and c.id_number == person(7)["id_number"]
    assert "石桥镇总工会 的记录改为转出" in hub.resolve(hub_db, c.id, "keep-existing")
    # 石桥 meanwhile records the person as 退会: the hub's 转出 and the township's 退会 collide.
    members.change_status(b, bid, "退会", "本人申请")
    report = hub.merge(hub_db, [_export(b, tmp_path)])
    assert report.conflicts == 1
    [c2] = hub.conflicts(hub_db)
    assert c2.kind == "both_changed" and "status" in c2.fields
    status = query(hub_db.url, "SELECT status FROM members WHERE unit_code = '500101002'")
    assert status == [("转出",)]  # never silently overwritten
    with pytest.raises(ServiceError, match="只能这样处理"):
        hub.resolve(hub_db, c2.id, "transfer")
    hub.resolve(hub_db, c2.id, "township")
    assert query(hub_db.url, "SELECT status FROM members WHERE unit_code = '500101002'") == [("退会",)]
    with pytest.raises(ServiceError, match="找不到编号为 99"):
        hub.resolve(hub_db, 99, "township")
    _pg_counts_match_members(hub_db)


def test_city_hub_takes_district_and_township_files(tmp_path, hub_url):
    city = hub.init(hub_url, "5001", "测试市总工会", "市经办人")
    assert city.unit.level == "city"
    town, orgs = make_township(tmp_path, 0)
    for i in range(4):
        register(town, i, orgs[1])
    district = make_district(tmp_path)
    sync_merge.merge(district, [_export(town, tmp_path)])
    up = sync_export.export(district, out_dir=tmp_path / "up").path
    other = make_unit(tmp_path, "500102003", "外区某镇总工会", "某镇经办人")
    register(other, 50)
    report = hub.merge(city, [up, _export(other, tmp_path)])
    assert [o.status for o in report.outcomes] == ["merged", "merged"], [o.message for o in report.outcomes]
    rows = query(hub_url, "SELECT unit_code, count(*) FROM members GROUP BY 1 ORDER BY 1")
    assert rows == [("500101001", 4), ("500102003", 1)]
    assert [s.code for s in city.target().sources()] == ["500101", "500102003"]
    elsewhere = make_unit(tmp_path, "510101001", "外省某镇", "某人")
    register(elsewhere, 60)
    refused = hub.merge(city, [_export(elsewhere, tmp_path)]).outcomes[0]
    assert refused.status == "refused" and "不属于本区县" in refused.message
    city.close()


def test_a_database_never_set_up_is_refused_and_left_empty(hub_url):
    with pytest.raises(ServiceError, match="还不是 clerk 汇总库"):
        hub.open_hub(hub_url)
    assert query(hub_url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == [(0,)]


@pytest.mark.parametrize(
    "uids", [[], ["ab12", "c-d"], ["a b", " x ", ""], ["NULL", "a,b", "{x}", "中文"], ['q"', "b\\s"]]
)
def test_uid_lists_reach_the_server_exactly(hub_url, uids):
    from clerk.hub.postgres_target import _text_array

    assert query(hub_url, "SELECT %s::text[]", (_text_array(uids),)) == [(uids,)]
