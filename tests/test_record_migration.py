"""Schema version 3 (the complete member record) on a real database made by the code before it.

tests/old_databases/v1.sql and v2.sql are township databases that clerk wrote at schema versions 1
and 2 (tests/old_databases/make_old.py says how they were made); each is loaded as it is and opened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_pg import hub_url, pg_admin, pg_server_url  # noqa: F401

from clerk.domain import idcard
from clerk.registry import lifecycle, members
from clerk.store import db, sqlite
from clerk.store.store import ServiceError, Store

OLD = Path(__file__).parent / "old_databases"


@pytest.fixture(params=[1, 2])
def old_db(tmp_path, request) -> Path:
    path = tmp_path / "old.db"
    conn = sqlite.connect(path)
    conn.executescript((OLD / f"v{request.param}.sql").read_text(encoding="utf-8"))
    conn.close()
    return path


def columns(conn, table: str) -> dict[str, tuple]:
    return {r[1]: (r[2], r[3], r[4]) for r in conn.execute(f"PRAGMA table_info({table})")}


def test_an_old_database_is_backed_up_and_migrated(old_db, tmp_path):
    conn = sqlite.connect(old_db)
    before = {
        r[0]: r[1:] for r in conn.execute("SELECT uid, name, status, status_note, mutual_aid, hardship FROM members")
    }
    journal = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    assert version in (1, 2)
    conn.close()

    store = Store(old_db)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == db.schema_version() >= 3
        # Every record, status and flag as it was; the journal untouched.
        after = {
            r[0]: tuple(r[1:])
            for r in store.conn.execute("SELECT uid, name, status, status_note, mutual_aid, hardship FROM members")
        }
        assert after == before
        assert store.conn.execute("SELECT count(*) FROM journal").fetchone()[0] == journal
        targets = store.conn.execute("SELECT year, category, count FROM targets").fetchall()
        assert [tuple(t) for t in targets] == ([(2026, "农民工", 830)] if version == 2 else [])
        kinds = dict(store.conn.execute("SELECT name, id_kind || '|' || birthplace_code FROM members"))
        assert kinds["陈静"] == "港澳居民居住证|"  # a permit is no mainland region
        assert kinds["张伟"] == "居民身份证|500101"
        # The migrated table is the one a new database gets.
        fresh = Store(tmp_path / "fresh.db")
        assert columns(store.conn, "members") == columns(fresh.conn, "members")
        indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members' ORDER BY name"
        assert store.conn.execute(indexes).fetchall() == fresh.conn.execute(indexes).fetchall()
        fresh.close()
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []

        # The old records go on: the permit holder's record checks as the rules now derive it,
        # and a status change with a date and a reason works on a record changed by the old code.
        chen = store.conn.execute("SELECT id FROM members WHERE name = '陈静'").fetchone()[0]
        record = members.get(store, chen)
        info = idcard.parse(record["id_number"])
        assert (info.kind, info.region_code) == (record["id_kind"], record["birthplace_code"])
        assert members.update(store, chen, members.form_values(record)) == {}
        liu = store.conn.execute("SELECT id FROM members WHERE name = '刘洋'").fetchone()[0]
        with pytest.raises(ServiceError, match="早于当前状态“退会”的生效日期"):
            lifecycle.change_status(store, liu, "在册", on="2024-01-05", reason="重新入会")
        lifecycle.change_status(store, liu, "在册", reason="重新入会")
        assert [e.status for e in lifecycle.timeline(store, liu)] == ["在册", "退会", "在册"]
    finally:
        store.close()

    (saved,) = db.backup_dir(old_db).iterdir()
    assert f"migrate-v{version}" in saved.name
    copy = sqlite.connect(saved)
    assert copy.execute("PRAGMA user_version").fetchone()[0] == version
    assert "id_kind" not in columns(copy, "members")
    copy.close()


def test_a_version_1_hub_gets_the_new_member_columns(hub_url):  # noqa: F811
    from hub_pg import query

    from clerk.hub import service as hub

    hub.init(hub_url, "5001", "测试市总工会", "市经办人").close()
    new = ["status_on", "status_reason", "id_kind", "education", "political", "household"]
    new += ["employment_status", "skill_level", "join_method", "join_place"]
    # The hub as the version-1 program left it: no record columns, a permit holder with a region.
    for column in new:
        query(hub_url, f"ALTER TABLE members DROP COLUMN {column}")
    query(hub_url, "UPDATE schema_version SET version = 1")
    hub.open_hub(hub_url).close()
    assert query(hub_url, "SELECT max(version) FROM schema_version") == [(db.schema_version(),)]
    found = query(
        hub_url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'members' AND column_name = ANY(%s)",
        (new,),
    )
    assert sorted(r[0] for r in found) == sorted(new)
