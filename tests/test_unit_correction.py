"""The unit's code checked against the region codes at setup, and corrected afterwards as long as
no sync file has gone upward under the wrong one."""

from __future__ import annotations

import json

import pytest
from conftest import UNIT

from clerk.registry import members, setup
from clerk.store.store import ServiceError
from clerk.sync import export as sync_export


def test_a_code_whose_region_does_not_exist_is_refused():
    errors = setup.validate_unit("999999001", "某镇总工会", "李华")
    assert "999999 不是已知的区县行政区划代码" in errors["code"]
    assert setup.validate_unit("500101001", "某镇总工会", "李华") == {}
    assert setup.region_of("500101001") == "重庆市万州区" and setup.region_of("99") == ""


def test_a_wrong_code_is_corrected_with_every_record_kept_under_it(store, person):
    member_id = members.register(store, person)
    unit = setup.correct_unit(store, "500102003", "改名镇总工会", "新经办人")
    assert (unit.code, unit.name, unit.clerk) == ("500102003", "改名镇总工会", "新经办人")
    assert store.conn.execute("SELECT unit_code FROM members WHERE id = ?", (member_id,)).fetchone()[0] == "500102003"
    row = store.conn.execute("SELECT unit_code, after FROM journal WHERE row_id = ?", (member_id,)).fetchone()
    assert row["unit_code"] == "500102003" and json.loads(row["after"])["unit_code"] == "500102003"
    assert store.conn.execute("SELECT count(*) FROM journal WHERE unit_code = ?", (UNIT[0],)).fetchone()[0] == 0
    assert members.get(store, member_id)["name"] == person["name"]


def test_after_the_first_export_only_the_name_and_clerk_can_change(store, person, tmp_path):
    members.register(store, person)
    sync_export.export(store, out_dir=tmp_path)
    with pytest.raises(ServiceError, match="导出过同步文件"):
        setup.correct_unit(store, "500102003", UNIT[1], UNIT[2])
    assert store.require_unit().code == UNIT[0]
    assert setup.correct_unit(store, UNIT[0], UNIT[1], "接班经办人").clerk == "接班经办人"


def test_a_township_can_not_become_a_district(store):
    with pytest.raises(ServiceError, match="9 位代码只能改成 9 位"):
        setup.correct_unit(store, "500102", "某区总工会", UNIT[2])
    with pytest.raises(ServiceError, match="不是已知的区县"):
        setup.correct_unit(store, "999999001", UNIT[1], UNIT[2])
