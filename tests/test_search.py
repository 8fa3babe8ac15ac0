"""Member search (services/search.py) on real SQLite files with members registered by the services.

Every kind of query is checked against a plain Python filter over all members, pages are
checked for gaps and repeats, and deleted members, renamed members and the organisation
filter are covered. Speed is measured by bench/search.py, not here.
"""

from __future__ import annotations

import random
import shutil
from datetime import date

import pytest
from conftest import UNIT, make_id

from clerk.domain import idcard
from clerk.registry import demo, members, search, setup
from clerk.store.store import Store, new_uid, now

# Hand-picked people on top of the generated ones: name -> (birth date, sequence, region).
PEOPLE = {
    "张三": ("19900101", 11, "500101"),
    "张三丰": ("19850315", 13, "500101"),
    "王小明": ("19781111", 17, "500102"),
    "李小明": ("19910202", 21, "510104"),
    "欧阳娜娜": ("20000229", 18, "500101"),
    "张华": ("19880808", 23, "500103"),
    "赵四": ("19660606", 25, "420106"),
    "买买提·艾力": ("19950505", 27, "650102"),
}
GENERATED = 240


def add_org(store: Store, name: str) -> int:
    stamp = now()
    with store.write():
        cur = store.conn.execute(
            "INSERT INTO organisations (uid, unit_code, name, kind, created_at, updated_at)"
            " VALUES (?, ?, ?, '企业工会', ?, ?)",
            (new_uid(), store.require_unit().code, name, stamp, stamp),
        )
    assert cur.lastrowid is not None
    return cur.lastrowid


@pytest.fixture(scope="module")
def roster_file(tmp_path_factory):
    """A township database with the hand-picked people and GENERATED demo people, in two organisations."""
    path = tmp_path_factory.mktemp("roster") / "clerk.store.db"
    store = Store(path)
    setup.set_up(store, *UNIT)
    orgs = [add_org(store, "顺达快递公司工会"), add_org(store, "石桥机械厂工会")]
    for i, (name, (birth, seq, region)) in enumerate(PEOPLE.items()):
        members.register(store, {"name": name, "id_number": make_id(birth, seq, region), "org_id": orgs[i % 2]})
    rng = random.Random(20261123)
    added = 0
    for person in demo.generate_people(rng, GENERATED * 2, date(2026, 1, 1)):
        person["org_id"] = orgs[added % 2] if added % 5 else None
        try:
            members.register(store, person)
        except members.DuplicateMember:
            continue
        added += 1
        if added == GENERATED:
            break
    store.close()
    return path


@pytest.fixture
def roster(roster_file, tmp_path):
    """A private copy of the roster database (tests may change it)."""
    path = tmp_path / "roster.db"
    shutil.copy(roster_file, path)
    store = Store(path)
    yield store
    store.close()


def live(store: Store) -> list[dict]:
    return [dict(r) for r in store.conn.execute("SELECT * FROM members WHERE deleted_at IS NULL")]


def names(page: search.Page) -> list[str]:
    return [r.name for r in page.rows]


def everything(store: Store, query: str, org_id: int | None = None, page: int = 7) -> list[int]:
    """Every result of a query, read page by page as the member list does."""
    ids: list[int] = []
    while True:
        got = search.search(store, query, limit=page, offset=len(ids), org_id=org_id)
        ids += [r.id for r in got.rows]
        if len(got.rows) < page:
            return ids


def expected(store: Store, query: str, org_id: int | None = None) -> list[int]:
    """What a query should find, in list order, by a plain filter over every live member."""
    kind, text = search.query_kind(query)
    rows = [m for m in live(store) if org_id is None or m["org_id"] == org_id]
    if kind == "all":
        return sorted((m["id"] for m in rows), reverse=True)
    if kind == "id":
        hits = [m for m in rows if m["id_number"].startswith(text)]
        return [m["id"] for m in sorted(hits, key=lambda m: (m["id_number"], m["unit_code"], m["id"]))]
    if kind == "name":
        return sorted((m["id"] for m in rows if text in m["name"].replace(" ", "")), reverse=True)
    keyed = []
    for m in rows:
        if m["name_initials"].startswith(text):
            keyed.append((m["name_initials"], m["id"]))
        elif m["name_pinyin"].startswith(text):
            keyed.append((m["name_pinyin"], m["id"]))
    return [i for _, i in sorted(keyed)]


def id_of(store: Store, name: str) -> int:
    return store.conn.execute("SELECT id FROM members WHERE name = ?", (name,)).fetchone()[0]


# -- what the clerk typed --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kind", "text"),
    [
        ("", "all", ""),
        ("   ", "all", ""),
        ("500101", "id", "500101"),
        ("５００１０１", "id", "500101"),  # full-width digits from a Chinese input method
        ("50010119900101011x", "id", "50010119900101011X"),
        ("zs", "pinyin", "zs"),
        ("ZhangSan", "pinyin", "zhangsan"),
        ("zhang san", "pinyin", "zhangsan"),
        ("张", "name", "张"),
        ("张 三", "name", "张三"),
    ],
)
def test_query_kind(query, kind, text):
    assert search.query_kind(query) == (kind, text)


# -- each kind finds what it should -----------------------------------------------------------------


def test_pinyin_initials_and_full_pinyin_both_find_zhang_san(roster):
    assert names(search.search(roster, "zs", limit=500))[:1] == ["张三"]  # exact initials first
    assert "张三丰" in names(search.search(roster, "zs", limit=500))
    assert names(search.search(roster, "zsf")) == ["张三丰"]
    assert names(search.search(roster, "zhangsan")) == ["张三", "张三丰"]
    assert names(search.search(roster, "ZHANGSAN")) == ["张三", "张三丰"]
    assert names(search.search(roster, "zhangsanf")) == ["张三丰"]


def test_letters_match_initials_or_full_pinyin_and_list_each_member_once(roster):
    # "zh" is both the initials of 张华 and the start of zhang..., zhao...: both kinds, no repeats.
    found = everything(roster, "zh")
    assert len(found) == len(set(found))
    assert id_of(roster, "张华") in found and id_of(roster, "张三") in found
    assert found == expected(roster, "zh")


def test_name_piece_anywhere_in_the_name(roster):
    assert set(names(search.search(roster, "三"))) >= {"张三", "张三丰"}
    assert set(names(search.search(roster, "小明"))) >= {"王小明", "李小明"}
    assert names(search.search(roster, "张三丰")) == ["张三丰"]
    assert names(search.search(roster, "阳娜娜")) == ["欧阳娜娜"]
    assert names(search.search(roster, "欧阳娜娜")) == ["欧阳娜娜"]
    assert names(search.search(roster, "买买提")) == ["买买提·艾力"]
    assert names(search.search(roster, "张 三丰")) == ["张三丰"]


def test_a_character_no_name_has_finds_nothing(roster):
    page = search.search(roster, "龘")
    assert page.rows == [] and page.total == 0 and page.total_label == "0"
    assert search.search(roster, "张龘").rows == []
    assert search.search(roster, "张三龘").rows == []


def test_id_prefix_in_id_order_and_masked(roster):
    page = search.search(roster, "500101", limit=500)
    numbers = [
        roster.conn.execute("SELECT id_number FROM members WHERE id = ?", (r.id,)).fetchone()[0] for r in page.rows
    ]
    assert numbers == sorted(numbers) and all(n.startswith("500101") for n in numbers)
    assert [r.id for r in page.rows] == expected(roster, "500101")
    full = make_id("19900101", 11, "500101")
    exact = search.search(roster, full)
    assert names(exact) == ["张三"]
    assert exact.rows[0].id_masked == idcard.mask(full) and full not in exact.rows[0].id_masked
    assert names(search.search(roster, full[:14])) == ["张三"]


def test_every_kind_agrees_with_a_plain_filter(roster):
    sample = live(roster)[::17]
    queries = {"", "5", "z", "w", "zh", "zha", "li", "张", "王", "小", "伟"}
    for m in sample:
        queries |= {m["id_number"][:6], m["id_number"][:10], m["name"][:1], m["name"][-2:], m["name"]}
        queries |= {m["name_initials"][:2], m["name_pinyin"], m["name_pinyin"][:3]}
    for q in sorted(queries):
        assert everything(roster, q) == expected(roster, q), q


def test_a_letter_or_character_in_every_name_of_a_kind(roster):
    # One letter reads one index range: the set is the same as initials or full pinyin.
    assert everything(roster, "z") == expected(roster, "z")
    assert set(everything(roster, "z")) == {m["id"] for m in live(roster) if m["name_pinyin"].startswith("z")}


# -- paging --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "500101", "张", "小明", "z", "zh", "w"])
@pytest.mark.parametrize("page", [1, 7, 100])
def test_pages_have_no_gaps_or_repeats(roster, query, page):
    got = everything(roster, query, page=page)
    assert len(got) == len(set(got))
    assert got == expected(roster, query)


def test_any_offset_is_the_same_row_as_reading_from_the_start(roster):
    whole = expected(roster, "")
    for offset in (0, 1, 5, 99, 100, 180, len(whole) - 3):
        page = search.search(roster, "", limit=10, offset=offset)
        assert [r.id for r in page.rows] == whole[offset : offset + 10], offset
    assert search.search(roster, "", limit=10, offset=len(whole)).rows == []
    zh = expected(roster, "zh")
    search.forget(roster)
    assert [r.id for r in search.search(roster, "zh", limit=3, offset=4).rows] == zh[4:7]


def test_deep_offsets_of_the_whole_list_skip_deleted_members(roster):
    for member_id in (3, 4, 100, 101, 102, 200):
        members.delete(roster, member_id, "重复录入")
    whole = expected(roster, "")
    for offset in range(0, len(whole), 13):
        search.forget(roster)  # a jump, not a continuation of the page before
        assert [r.id for r in search.search(roster, "", limit=5, offset=offset).rows] == whole[offset : offset + 5]


def test_deep_offsets_when_ids_have_gaps(roster):
    # A record removed outright (not through the services) leaves a hole in the ids.
    with roster.write():
        roster.conn.execute("DELETE FROM member_name_grams WHERE member_id = 50")
        roster.conn.execute("DELETE FROM members WHERE id = 50")
    members.delete(roster, 60, "重复录入")
    whole = expected(roster, "")
    for offset in (0, 10, 150, 195, len(whole) - 1):
        search.forget(roster)
        assert [r.id for r in search.search(roster, "", limit=5, offset=offset).rows] == whole[offset : offset + 5]


def test_a_change_between_pages_is_seen_by_the_next_page(roster):
    first = search.search(roster, "", limit=10)
    new = members.register(roster, {"name": "新来的", "id_number": make_id("19990909", 99)})
    second = search.search(roster, "", limit=10, offset=10)
    # Offsets keep their meaning after a change: the new member is row 0, so row 10 is the old row 9.
    assert second.rows[0].id == first.rows[9].id
    assert search.search(roster, "").rows[0].id == new
    assert search.search(roster, "").total == first.total + 1


# -- totals ------------------------------------------------------------------------------------------


def test_totals(roster, monkeypatch):
    everyone = len(live(roster))
    page = search.search(roster, "", limit=5)
    assert (page.total, page.capped, page.total_label) == (everyone, False, str(everyone))
    page = search.search(roster, "张", limit=5)
    assert page.total == len(expected(roster, "张")) and not page.capped
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    search.forget(roster)
    page = search.search(roster, "张", limit=5)
    assert (page.total, page.capped, page.total_label) == (3, True, "3+")
    assert len(page.rows) == 5  # the cap is on the count, not on the rows


# -- what is not found ---------------------------------------------------------------------------------


def test_deleted_members_are_not_found_by_any_kind(roster):
    zhang = id_of(roster, "张三")
    before = search.search(roster, "").total
    members.delete(roster, zhang, "重复录入")
    for q in ("", "张三", "三", "zs", "zhangsan", make_id("19900101", 11, "500101"), "500101"):
        assert zhang not in everything(roster, q), q
    assert search.search(roster, "").total == before - 1
    assert search.search(roster, "zhangsan").rows and names(search.search(roster, "zhangsan")) == ["张三丰"]


def test_members_who_left_are_still_found(roster):
    zhang = id_of(roster, "张三")
    members.change_status(roster, zhang, "退会", "本人申请")
    row = next(r for r in search.search(roster, "张三").rows if r.id == zhang)
    assert row.status == "退会"


def test_a_renamed_member_is_found_by_the_new_name_only(roster):
    wang = id_of(roster, "王小明")
    fields = members.form_values(members.get(roster, wang))
    members.update(roster, wang, {**fields, "name": "王晓敏"})
    assert wang in everything(roster, "晓敏")
    assert wang in everything(roster, "wxm") and wang in everything(roster, "wangxiaomin")
    for q in ("小明", "王小明", "wangxiaoming"):
        assert wang not in everything(roster, q), q
    assert (
        roster.conn.execute(
            "SELECT count(*) FROM member_name_grams WHERE member_id = ? AND gram = '小'", (wang,)
        ).fetchone()[0]
        == 0
    )


# -- one organisation ------------------------------------------------------------------------------


def test_the_organisation_filter_applies_to_every_kind(roster):
    org = roster.conn.execute("SELECT id FROM organisations WHERE name = '石桥机械厂工会'").fetchone()[0]
    queries = ["", "5", "500101", "张", "小明", "张三丰", "z", "zh", "zs", "zhangsan", "wang"]
    for q in queries:
        got = everything(roster, q, org_id=org)
        assert got == expected(roster, q, org_id=org), q
        assert set(got) <= {m["id"] for m in live(roster) if m["org_id"] == org}
    everyone_in_org = expected(roster, "", org_id=org)
    assert search.search(roster, "", org_id=org).total == len(everyone_in_org)
    assert 0 < len(everyone_in_org) < len(live(roster))


def test_names_in_a_small_and_a_big_organisation(roster):
    # A piece many names have is looked for among a small union's members; a rare one in the
    # name index. Both give the same rows as the plain filter.
    small = add_org(roster, "柳林家政服务中心工会")
    for name in ("张三", "王小明", "李小明"):
        member_id = id_of(roster, name)
        members.update(roster, member_id, {**members.form_values(members.get(roster, member_id)), "org_id": small})
    members.delete(roster, id_of(roster, "李小明"), "重复录入")
    big = roster.conn.execute("SELECT id FROM organisations WHERE name = '顺达快递公司工会'").fetchone()[0]
    for org in (small, big):
        for q in ("张", "小", "小明", "张三", "王小明", "三丰", "龘"):
            assert everything(roster, q, org_id=org, page=2) == expected(roster, q, org_id=org), (org, q)
    assert names(search.search(roster, "张", org_id=small)) == ["张三"]
    assert names(search.search(roster, "小明", org_id=small)) == ["王小明"]
    assert search.search(roster, "", org_id=small).total == 2


def test_rows_carry_what_the_list_shows(roster):
    zhang = id_of(roster, "张三")
    members.update(
        roster,
        zhang,
        {**members.form_values(members.get(roster, zhang)), "phone": "13812345678", "migrant": 1, "new_form": "快递员"},
    )
    row = next(r for r in search.search(roster, "张三").rows if r.id == zhang)
    assert (row.name, row.gender, row.birth_date, row.phone) == ("张三", "男", "1990-01-01", "13812345678")
    assert row.org_name == "顺达快递公司工会" and row.status == "在册" and row.migrant and row.new_form == "快递员"
    assert row.joined_on == members.get(roster, zhang)["joined_on"]
