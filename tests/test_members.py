"""Member services against real SQLite files: register, edit, status, delete, journal, search, figures."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from conftest import UNIT, make_id

from clerk.domain import idcard
from clerk.domain.checker import check_member
from clerk.registry import members, search
from clerk.reports import dashboard
from clerk.store import sqlite
from clerk.store.store import ServiceError, Store, new_uid, now


def count(store: Store, table: str) -> int:
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def journal_rows(store: Store) -> list[sqlite.Row]:
    return store.conn.execute("SELECT * FROM journal ORDER BY seq").fetchall()


def add_org(store: Store, name: str) -> int:
    """An organisation row for members to belong to (organisation rules are tested elsewhere)."""
    stamp = now()
    with store.write():
        cur = store.conn.execute(
            "INSERT INTO organisations (uid, unit_code, name, kind, created_at, updated_at)"
            " VALUES (?, ?, ?, '村(社区)工会', ?, ?)",
            (new_uid(), store.require_unit().code, name, stamp, stamp),
        )
    assert cur.lastrowid is not None
    return cur.lastrowid


# -- register ---------------------------------------------------------------------------------


def test_register_stores_the_member_with_what_the_id_tells(store, person):
    member_id = members.register(store, {**person, "ethnicity": "土家", "migrant": True, "new_form": "快递员"})
    record = members.get(store, member_id)
    assert record["name"] == "张三"
    assert record["id_number"] == person["id_number"]
    assert record["gender"] == "男"
    assert record["birth_date"] == "1990-01-01"
    assert record["birthplace_code"] == "500101"
    assert record["birthplace"] == "重庆市万州区"
    assert record["ethnicity"] == "土家族"  # "土家" completed to the listed name
    assert record["migrant"] == 1 and record["new_form"] == "快递员"
    assert record["status"] == "在册"
    assert record["unit_code"] == UNIT[0]
    assert record["name_pinyin"] == "zhangsan" and record["name_initials"] == "zs"
    assert len(record["uid"]) == 32


def test_register_normalizes_what_was_typed(store):
    typed = "５００１０１ １９９００１０１ ００１" + make_id()[-1].lower()
    member_id = members.register(store, {"name": " 张 三 ", "id_number": typed, "phone": "+86 138 1234 5678"})
    record = members.get(store, member_id)
    assert record["name"] == "张三"
    assert record["id_number"] == make_id()
    assert record["phone"] == "13812345678"


def test_join_date_defaults_to_today(store, person):
    member_id = members.register(store, {**person, "joined_on": ""})
    assert members.get(store, member_id)["joined_on"] == date.today().isoformat()


def test_register_writes_one_journal_row_with_who_when_and_after(store, person):
    before = datetime.now().replace(microsecond=0)
    member_id = members.register(store, person)
    (row,) = journal_rows(store)
    assert (row["tbl"], row["row_id"], row["op"]) == ("members", member_id, "insert")
    assert row["clerk"] == UNIT[2] and row["unit_code"] == UNIT[0]
    assert before <= datetime.fromisoformat(row["at"]) <= datetime.now()
    assert row["before"] is None
    after = json.loads(row["after"])
    assert after["name"] == "张三" and after["id_number"] == person["id_number"]
    assert after["uid"] == row["row_uid"] == members.get(store, member_id)["uid"]
    assert "name_pinyin" not in after  # derived search keys are not part of the record


def test_member_with_an_organisation_is_journaled_with_its_uid(store, person):
    org_id = add_org(store, "顺达快递公司工会")
    org_uid = store.conn.execute("SELECT uid FROM organisations WHERE id = ?", (org_id,)).fetchone()[0]
    member_id = members.register(store, {**person, "org_id": org_id})
    assert members.get(store, member_id)["org_name"] == "顺达快递公司工会"
    after = json.loads(journal_rows(store)[-1]["after"])
    assert after["org_uid"] == org_uid  # sync files name organisations by uid, not local id


def test_register_refuses_a_missing_organisation(store, person):
    with pytest.raises(members.InvalidMember, match="所选工会组织不存在"):
        members.register(store, {**person, "org_id": 999})
    assert count(store, "members") == 0


# -- refusals write nothing -----------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "姓名不能为空"),
        ({"name": "张三3"}, "name", "不能有数字"),
        ({"id_number": "50010119900101001"}, "id_number", "应为 18 位"),
        ({"id_number": make_id()[:17] + ("1" if make_id()[-1] != "1" else "2")}, "id_number", "校验位"),
        ({"phone": "1381234567"}, "phone", "11 位"),
        ({"ethnicity": "火星族"}, "ethnicity", "56 个民族"),
        ({"employment_form": "包月"}, "employment_form", "用工形式"),
        ({"new_form": "宇航员"}, "new_form", "新就业形态类别"),
        ({"joined_on": "2024-02-30"}, "joined_on", "年-月-日"),
        ({"joined_on": "2999-01-01"}, "joined_on", "不能晚于今天"),
        ({"org_id": "顺达"}, "org_id", "所在工会编号应为数字"),
    ],
)
def test_invalid_fields_are_refused_with_the_field_named_and_nothing_written(store, person, changes, field, message):
    with pytest.raises(members.InvalidMember) as exc:
        members.register(store, {**person, **changes})
    assert set(exc.value.errors) == {field}
    assert message in exc.value.errors[field]
    assert members.LABELS[field] in str(exc.value)
    assert count(store, "members") == count(store, "journal") == count(store, "member_name_grams") == 0


def test_every_error_of_a_form_is_reported_at_once(store):
    with pytest.raises(members.InvalidMember) as exc:
        members.register(store, {"name": "", "id_number": "123", "phone": "abc"})
    assert set(exc.value.errors) == {"name", "id_number", "phone"}


def test_check_reports_without_writing(store, person):
    checked = check_member({**person, "phone": "12"})
    assert checked.errors == {"phone": "手机号应为 11 位，以 13-19 开头，现在是 2 位。"}
    assert checked.values["id_number"] == person["id_number"]
    assert count(store, "members") == 0


# -- duplicates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "same_id",
    [
        make_id("19900101", 19),  # same text (ends with X)
        make_id("19900101", 19).lower(),
        make_id("19900101", 19).translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),  # full-width
        " ".join([make_id("19900101", 19)[:6], make_id("19900101", 19)[6:14], make_id("19900101", 19)[14:]]),
    ],
)
def test_a_second_registration_of_the_same_id_names_the_existing_record(store, same_id):
    number = make_id("19900101", 19)
    assert number.endswith("X")  # so that lowercase x is really exercised
    first = members.register(store, {"name": "李四", "id_number": number})
    with pytest.raises(members.DuplicateMember) as exc:
        members.register(store, {"name": "李肆", "id_number": same_id})
    assert exc.value.existing_id == first
    message = str(exc.value)
    assert "李四" in message and f"编号 {first}" in message and "在册" in message
    assert idcard.mask(number) in message and number not in message  # masked even here
    assert count(store, "members") == 1 and count(store, "journal") == 1


def test_a_member_who_left_still_holds_the_id(store, person):
    first = members.register(store, person)
    members.change_status(store, first, "退会", "本人申请")
    with pytest.raises(members.DuplicateMember, match="退会"):
        members.register(store, {**person, "name": "张叁"})


def test_editing_a_member_to_another_members_id_is_refused(store, person):
    members.register(store, person)
    other = members.register(store, {"name": "李四", "id_number": make_id(seq=3)})
    with pytest.raises(members.DuplicateMember, match="张三"):
        members.update(store, other, {"name": "李四", "id_number": person["id_number"]})
    assert members.get(store, other)["id_number"] == make_id(seq=3)


def test_a_deleted_record_frees_its_id(store, person):
    first = members.register(store, person)
    members.delete(store, first, "重复录入")
    second = members.register(store, person)
    assert second != first
    assert members.find_by_id_number(store, person["id_number"])["id"] == second


# -- update, status, delete, history ----------------------------------------------------------


def test_update_changes_only_what_differs_and_journals_before_and_after(store, person):
    member_id = members.register(store, person)
    changed = members.update(store, member_id, {**person, "name": "张叁", "phone": "023-68888888"})
    assert set(changed) >= {"name", "phone", "name_pinyin", "name_initials"}
    record = members.get(store, member_id)
    assert record["name"] == "张叁" and record["phone"] == "023-68888888"
    row = journal_rows(store)[-1]
    assert row["op"] == "update"
    before, after = json.loads(row["before"]), json.loads(row["after"])
    assert (before["name"], after["name"]) == ("张三", "张叁")
    assert (before["phone"], after["phone"]) == ("13812345678", "023-68888888")
    assert before["uid"] == after["uid"] == row["row_uid"]


def test_update_with_nothing_changed_writes_nothing(store, person):
    member_id = members.register(store, person)
    assert members.update(store, member_id, dict(person)) == {}
    assert count(store, "journal") == 1


def test_renaming_moves_the_member_in_name_search(store, person):
    member_id = members.register(store, person)
    members.update(store, member_id, {**person, "name": "王五"})
    assert [r.id for r in search.search(store, "王五").rows] == [member_id]
    assert search.search(store, "张").rows == []
    assert search.search(store, "zs").rows == []
    assert [r.id for r in search.search(store, "ww").rows] == [member_id]


def test_invalid_update_writes_nothing(store, person):
    member_id = members.register(store, person)
    with pytest.raises(members.InvalidMember):
        members.update(store, member_id, {**person, "phone": "123"})
    assert members.get(store, member_id)["phone"] == "13812345678"
    assert count(store, "journal") == 1


def test_status_change_is_journaled_and_shown_in_history(store, person):
    member_id = members.register(store, person)
    members.change_status(store, member_id, "转出", "转往沙坪坝区某街道工会")
    record = members.get(store, member_id)
    assert (record["status"], record["status_note"]) == ("转出", "转往沙坪坝区某街道工会")
    insert, status = members.history(store, member_id)
    assert insert.summary == "登记入会" and insert.clerk == UNIT[2]
    assert status.op == "update"
    assert ("会员状态", "在册", "转出") in status.fields
    assert "会员状态：在册 → 转出" in status.summary
    assert "状态说明：空 → 转往沙坪坝区某街道工会" in status.summary


@pytest.mark.parametrize("status", ["在册", "退会", "已故"])
def test_status_changes_without_a_note_are_allowed_except_transfer(store, person, status):
    member_id = members.register(store, person)
    members.change_status(store, member_id, "退会")
    members.change_status(store, member_id, status)
    assert members.get(store, member_id)["status"] == status


def test_transfer_out_needs_a_note_and_unknown_statuses_are_refused(store, person):
    member_id = members.register(store, person)
    with pytest.raises(ServiceError, match="转往哪个单位"):
        members.change_status(store, member_id, "转出", "  ")
    with pytest.raises(ServiceError, match="在册、保留会籍、转出、退会、除名、已故"):
        members.change_status(store, member_id, "开除")
    assert members.get(store, member_id)["status"] == "在册"
    assert count(store, "journal") == 1


def test_a_status_change_keeps_the_day_it_took_effect_with_the_reason(store, person):
    member_id = members.register(store, person)
    members.change_status(store, member_id, "已故", "病故", on="2026/1/5")
    record = members.get(store, member_id)
    assert (record["status_on"], record["status_note"]) == ("2026-01-05", "病故")
    with pytest.raises(ServiceError, match="日期格式应为 年-月-日"):
        members.change_status(store, member_id, "退会", "本人申请", on="上个月")
    assert members.get(store, member_id)["status"] == "已故"


def test_delete_is_soft_needs_a_reason_and_is_journaled(store, person):
    member_id = members.register(store, person)
    with pytest.raises(ServiceError, match="原因"):
        members.delete(store, member_id, "")
    members.delete(store, member_id, "重复录入")
    row = store.conn.execute("SELECT deleted_at, notes FROM members WHERE id = ?", (member_id,)).fetchone()
    assert row["deleted_at"] and "删除原因：重复录入" in row["notes"]
    last = journal_rows(store)[-1]
    assert last["op"] == "delete"
    assert json.loads(last["before"])["deleted_at"] is None
    assert json.loads(last["after"])["deleted_at"] == row["deleted_at"]
    assert members.history(store, member_id)[-1].summary == "删除记录"
    assert search.search(store, "张三").rows == [] and search.search(store, "").total == 0
    with pytest.raises(ServiceError, match="找不到"):
        members.delete(store, member_id, "再删一次")


def test_a_deleted_record_can_not_be_edited_or_change_status(store, person):
    member_id = members.register(store, person)
    members.delete(store, member_id, "重复录入")
    with pytest.raises(ServiceError, match="已删除"):
        members.update(store, member_id, {**person, "phone": "13900000000"})
    with pytest.raises(ServiceError, match="已删除"):
        members.change_status(store, member_id, "退会")
    assert count(store, "journal") == 2


def test_history_names_organisations_not_their_uids(store, person):
    a = add_org(store, "甲公司工会")
    b = add_org(store, "乙公司工会")
    member_id = members.register(store, {**person, "org_id": a})
    members.update(store, member_id, {**person, "org_id": b})
    assert "所在工会：甲公司工会 → 乙公司工会" in members.history(store, member_id)[-1].summary


def test_unknown_member_gets_a_chinese_message(store):
    with pytest.raises(ServiceError, match="找不到编号为 42 的会员"):
        members.get(store, 42)
    with pytest.raises(ServiceError, match="找不到编号为 42 的会员"):
        members.change_status(store, 42, "退会")


def test_writes_need_a_set_up_database(db_path, person):
    bare = Store(db_path)
    try:
        with pytest.raises(ServiceError, match="clerk setup"):
            members.register(bare, person)
        assert count(bare, "members") == 0
    finally:
        bare.close()


def test_the_journal_survives_reopening_the_file(db_path, store, person):
    members.register(store, person)
    store.close()
    reopened = Store(db_path)
    try:
        assert [r["op"] for r in journal_rows(reopened)] == ["insert"]
        assert reopened.require_unit().clerk == UNIT[2]
    finally:
        reopened.close()


# -- search -----------------------------------------------------------------------------------

PEOPLE = [
    ("张三", "19900101", 1),
    ("张三丰", "19850315", 3),
    ("李四", "19920720", 5),
    ("王小明", "19781111", 7),
    ("欧阳娜娜", "20000229", 8),
    ("曾志伟", "19700101", 9),
]


@pytest.fixture
def people(store) -> dict[str, int]:
    ids = {}
    for name, birth, seq in PEOPLE:
        ids[name] = members.register(store, {"name": name, "id_number": make_id(birth, seq), "joined_on": "2025-03-01"})
    return ids


def names_of(page: search.Page) -> set[str]:
    return {r.name for r in page.rows}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("张", {"张三", "张三丰"}),  # one character
        ("三", {"张三", "张三丰"}),
        ("张三", {"张三", "张三丰"}),  # two characters
        ("三丰", {"张三丰"}),
        ("张三丰", {"张三丰"}),
        ("小明", {"王小明"}),
        ("娜娜", {"欧阳娜娜"}),
        ("zs", {"张三", "张三丰"}),  # pinyin initials
        ("ZS", {"张三", "张三丰"}),
        ("zsf", {"张三丰"}),
        ("zhangsan", {"张三", "张三丰"}),  # full pinyin
        ("zhangsanfeng", {"张三丰"}),
        ("oynn", {"欧阳娜娜"}),
        ("zzw", {"曾志伟"}),  # surname reading, not ceng
        ("zengzhiwei", {"曾志伟"}),
        ("赵", set()),
        ("qq", set()),
    ],
)
def test_search_by_name_and_pinyin(store, people, query, expected):
    page = search.search(store, query)
    assert names_of(page) == expected
    assert page.total == len(expected)


def test_search_by_id_prefix(store, people):
    assert names_of(search.search(store, "500101")) == set(people)
    assert names_of(search.search(store, "50010119900101")) == {"张三"}
    assert names_of(search.search(store, "５００１０１１９８５")) == {"张三丰"}  # full-width digits
    full = make_id("19700101", 9)
    assert names_of(search.search(store, full.lower())) == {"曾志伟"}
    assert names_of(search.search(store, "510101")) == set()


def test_search_rows_show_masked_ids(store, people):
    rows = search.search(store, "").rows
    assert len(rows) == len(PEOPLE)
    for row in rows:
        assert len(row.id_masked) == 18 and row.id_masked[6:14] == "********"
    zhang = next(r for r in rows if r.name == "张三")
    assert zhang.id_masked == idcard.mask(make_id("19900101", 1))


def test_search_pages_and_counts(store, people):
    first = search.search(store, "", limit=4)
    second = search.search(store, "", limit=4, offset=4)
    assert first.total == second.total == len(PEOPLE) and first.total_label == "6"
    assert len(first.rows) == 4 and len(second.rows) == 2
    assert not {r.id for r in first.rows} & {r.id for r in second.rows}


def test_search_within_an_organisation(store, person):
    org = add_org(store, "甲公司工会")
    inside = members.register(store, {**person, "org_id": org})
    members.register(store, {"name": "张四", "id_number": make_id(seq=11)})
    assert [r.id for r in search.search(store, "张", org_id=org).rows] == [inside]
    assert search.search(store, "", org_id=org).total == 1


def test_search_with_special_characters_finds_nothing_and_does_not_fail(store, people):
    for query in ("*", "?", "[", "%", "_", "'", '"', "张*", "z*", "5001*"):
        assert search.search(store, query).rows == []


# -- dashboard --------------------------------------------------------------------------------


def test_dashboard_figures_on_a_fixed_day(store):
    today = date(2026, 5, 20)
    org = add_org(store, "甲公司工会")
    rows = [
        ("张三", "2026-05-02", True, "快递员"),  # this month
        ("李四", "2026-05-20", False, None),  # today
        ("王五", "2026-02-01", True, None),  # this year
        ("赵六", "2025-12-31", False, "外卖送餐员"),  # last year
        ("孙七", "2019-07-01", True, "网约车司机"),
    ]
    ids = []
    for i, (name, joined, migrant, new_form) in enumerate(rows):
        ids.append(
            members.register(
                store,
                {
                    "name": name,
                    "id_number": make_id(seq=20 + i),
                    "joined_on": joined,
                    "migrant": migrant,
                    "new_form": new_form,
                    "org_id": org,
                },
            )
        )
    members.change_status(store, ids[-1], "退会", "本人申请")  # left: no longer counted
    gone = members.register(store, {"name": "周八", "id_number": make_id(seq=40), "joined_on": "2026-05-03"})
    members.delete(store, gone, "重复录入")
    figures = dashboard.figures(store, today=today)
    assert figures == dashboard.Figures(
        members=4, new_this_month=2, new_this_year=3, migrant=2, new_form=2, organisations=1
    )


def test_dashboard_of_an_empty_database(store):
    assert dashboard.figures(store, today=date(2026, 1, 1)) == dashboard.Figures(0, 0, 0, 0, 0, 0)
