"""Member transfers (组织关系转接) within, out of and into the township, and the member's history
of organisations, against real SQLite files."""

from __future__ import annotations

import json

import pytest
from conftest import make_id
from org_sample import counts, township

from clerk.registry import members, organisations, transfers
from clerk.store.store import ServiceError


@pytest.fixture
def town(store):
    return township(store)


def journal(store, tbl, row_id):
    return [
        (r["op"], json.loads(r["before"]) if r["before"] else None, json.loads(r["after"]))
        for r in store.conn.execute(
            "SELECT op, before, after FROM journal WHERE tbl = ? AND row_id = ? ORDER BY seq", (tbl, row_id)
        )
    ]


def uid(store, tbl, row_id):
    return store.conn.execute(f"SELECT uid FROM {tbl} WHERE id = ?", (row_id,)).fetchone()[0]


def test_transfer_within_the_township(store, town):
    outcome = transfers.transfer(store, town["张三"], town["jixie"], "2025-02-01", "换工作")
    assert members.get(store, town["张三"])["org_name"] == "石桥机械制造有限公司工会"
    row = store.conn.execute("SELECT * FROM transfers WHERE id = ?", (outcome.transfer_id,)).fetchone()
    assert (row["from_org_id"], row["to_org_id"], row["transferred_on"], row["reason"]) == (
        town["shunda"],
        town["jixie"],
        "2025-02-01",
        "换工作",
    )
    # the transfer row is journaled with uids a district can resolve
    ((op, _, after),) = journal(store, "transfers", outcome.transfer_id)
    assert op == "insert"
    assert after["member_uid"] == uid(store, "members", town["张三"])
    assert after["from_org_uid"] == uid(store, "organisations", town["shunda"])
    assert after["to_org_uid"] == uid(store, "organisations", town["jixie"])
    # and so is the member's new organisation, in the same transaction
    op, before, after = journal(store, "members", town["张三"])[-1]
    assert (op, before["org_id"], after["org_id"]) == ("update", town["shunda"], town["jixie"])
    assert after["org_uid"] == uid(store, "organisations", town["jixie"])


@pytest.mark.parametrize(
    ("who", "target", "on", "words"),
    [
        ("张三", "shunda", "2025-02-01", "已在“顺达快递有限公司工会”，无需转接"),
        ("孙八", "shunda", "2025-02-01", "状态是“退会”，只有在册会员才能转接"),
        ("张三", "jixie", "2999-01-01", "转接日期不能晚于今天"),
        ("张三", "jixie", "2024-01-01", "不能早于入会日期 2024-03-01"),
        ("张三", "jixie", "去年", "转接日期格式应为"),
    ],
)
def test_refused_transfers_write_nothing(store, town, who, target, on, words):
    before = counts(store)
    with pytest.raises(ServiceError, match=words):
        transfers.transfer(store, town[who], town[target], on)
    assert counts(store) == before


def test_no_transfer_into_a_dissolved_organisation(store, town):
    transfers.transfer(store, town["吴十"], town["binjiang"], "2025-01-01")
    organisations.dissolve(store, town["jiazheng"], "2025-01-02")
    with pytest.raises(ServiceError, match="已撤销，不能转入会员"):
        transfers.transfer(store, town["张三"], town["jiazheng"], "2025-01-03")


def test_transfer_out_of_the_township(store, town):
    outcome = transfers.transfer_out(store, town["李四"], "沙坪坝区某街道总工会", "2025-03-01", "搬家")
    record = members.get(store, town["李四"])
    assert record["status"] == "转出"
    assert record["status_note"] == "2025-03-01 转往 沙坪坝区某街道总工会"
    assert record["org_name"] == "顺达快递有限公司工会"  # the record keeps where they left from
    row = store.conn.execute("SELECT * FROM transfers WHERE id = ?", (outcome.transfer_id,)).fetchone()
    assert (row["from_org_id"], row["to_org_id"], row["to_outside"]) == (town["shunda"], None, "沙坪坝区某街道总工会")
    assert organisations.get(store, town["shunda"])["members"] == 2
    with pytest.raises(ServiceError, match="写明转往"):
        transfers.transfer_out(store, town["张三"], "  ")


def test_transfer_in_brings_back_the_same_record(store, town):
    transfers.transfer_out(store, town["李四"], "沙坪坝区某街道总工会", "2025-03-01")
    before = counts(store)
    outcome = transfers.transfer_in(
        store,
        {"id_number": make_id("19900101", 12), "phone": "13900001111"},
        town["jixie"],
        "沙坪坝区某街道总工会",
        "2025-05-01",
        "回乡就业",
    )
    assert (outcome.member_id, outcome.created) == (town["李四"], False)
    after = counts(store)
    assert after["members"] == before["members"]  # no duplicate person
    assert after["transfers"] == before["transfers"] + 1
    record = members.get(store, town["李四"])
    assert (record["status"], record["status_note"], record["org_name"], record["phone"]) == (
        "在册",
        None,
        "石桥机械制造有限公司工会",
        "13900001111",
    )
    row = store.conn.execute("SELECT * FROM transfers WHERE id = ?", (outcome.transfer_id,)).fetchone()
    assert (row["from_outside"], row["to_org_id"]) == ("沙坪坝区某街道总工会", town["jixie"])


def test_transfer_in_registers_a_new_member_when_there_is_no_record(store, town):
    outcome = transfers.transfer_in(
        store,
        {"id_number": make_id("19950505", 31), "name": "新来的"},
        town["shunda"],
        "江北区某镇总工会",
        "2025-04-01",
    )
    assert outcome.created
    record = members.get(store, outcome.member_id)
    assert (record["name"], record["status"], record["org_id"], record["joined_on"]) == (
        "新来的",
        "在册",
        town["shunda"],
        "2025-04-01",
    )
    (stint_outside, stint_here) = transfers.org_history(store, outcome.member_id)
    assert (stint_outside.place, stint_outside.outside) == ("江北区某镇总工会", True)
    assert (stint_here.place, stint_here.came_by, stint_here.span) == (
        "顺达快递有限公司工会",
        "外乡镇转入",
        "2025-04-01 至今",
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"id_number": make_id("19900101", 11)}, "已是本乡镇在册会员 张三"),
        ({"id_number": make_id("19900101", 16), "name": "孙大"}, "已有记录的姓名是 孙八，与填写的 孙大 不一致"),
        ({"id_number": make_id("19950505", 31)}, "姓名不能为空"),
        ({"id_number": "500101199501"}, "身份证号码应为 18 位"),
    ],
)
def test_refused_transfers_in_write_nothing(store, town, fields, words):
    before = counts(store)
    with pytest.raises(ServiceError, match=words):
        transfers.transfer_in(store, fields, town["shunda"], "外地工会", "2025-04-01")
    assert counts(store) == before


def test_a_deceased_record_is_not_brought_back(store, town):
    members.change_status(store, town["王五"], "已故")
    with pytest.raises(ServiceError, match="已故，请核对身份证号"):
        transfers.transfer_in(store, {"id_number": make_id("19900101", 13)}, town["shunda"], "外地工会")


def test_the_history_lists_every_organisation(store, town):
    who = town["张三"]
    transfers.transfer(store, who, town["jixie"], "2024-06-01", "换工作")
    transfers.transfer_out(store, who, "沙坪坝区某街道总工会", "2024-09-01", "搬家")
    transfers.transfer_in(
        store, {"id_number": make_id("19900101", 11)}, town["jiazheng"], "沙坪坝区某街道总工会", "2025-01-10"
    )
    history = transfers.org_history(store, who)
    assert [(s.place, s.outside, s.span, s.came_by, s.reason) for s in history] == [
        ("顺达快递有限公司工会", False, "2024-03-01 至 2024-06-01", "入会登记", None),
        ("石桥机械制造有限公司工会", False, "2024-06-01 至 2024-09-01", "本乡镇转接", "换工作"),
        ("沙坪坝区某街道总工会", True, "2024-09-01 至 2025-01-10", "转出本乡镇", "搬家"),
        ("柳林家政服务中心工会", False, "2025-01-10 至今", "外乡镇转入", None),
    ]


def test_history_of_a_member_who_never_moved(store, town):
    (only,) = transfers.org_history(store, town["周九"])
    assert (only.place, only.span, only.came_by) == ("青山村工会", "2024-03-01 至今", "入会登记")
    (left,) = transfers.org_history(store, town["孙八"])
    assert left.span == "2024-03-01 起"  # 退会: no longer "until today"


def test_transfer_all_moves_everyone_on_the_roll(store, town):
    moved = transfers.transfer_all(store, town["jixie"], town["shiqiao"], "2025-01-01", "企业关闭")
    assert moved == 1 + 1  # 赵六, 钱七; 孙八 has left and stays
    assert members.get(store, town["孙八"])["org_id"] == town["jixie"]
    rows = store.conn.execute("SELECT member_id, reason FROM transfers ORDER BY member_id").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(town["赵六"], "企业关闭"), (town["钱七"], "企业关闭")]
    assert store.conn.execute("SELECT count(*) FROM journal WHERE tbl = 'transfers'").fetchone()[0] == 2
