"""The name and ID rules where a clerk meets them: the member form, a roster import, a sync file's
rows (check_record) — each refuses the same names with the same reason, and stores nothing damaged."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import make_id
from roster_sample import run, write_xlsx

from clerk.domain import idcard, names
from clerk.domain.checker import check_member, check_record
from clerk.registry import members

HOSTILE = {  # (no quotes inside: the roster below writes them as CSV fields in quotes)
    "张\x07三": "控制字符",
    "\u202e三张": "文字显示方向",
    "张\u200b三": "零宽字符",
    "张三😀": "表情符号",
    "=cmd|' /C calc'!A0": "公式",
    "=HYPERLINK(网址,周杰)": "公式",
    "@SUM(A:A)": "公式",
    "zhangsan": "拼音或外文字母",
}
FOREIGN_ID = idcard.with_check_digit("93112219900101001")


@pytest.mark.parametrize("name, reason", HOSTILE.items())
def test_the_form_refuses_a_hostile_name_with_a_reason(store, name, reason):
    with pytest.raises(members.InvalidMember) as caught:
        members.register(store, {"name": name, "id_number": make_id(seq=1)})
    assert reason in caught.value.errors["name"]
    assert store.conn.execute("SELECT count(*) FROM members").fetchone()[0] == 0


def test_a_roster_with_hostile_names_stores_none_of_them(store, tmp_path):
    rows = [["姓名", "身份证号码", "备注"]]
    rows += [[name, make_id(seq=i + 1), "=1+1"] for i, name in enumerate(HOSTILE)]
    rows += [["𠮷田", make_id(seq=90), "=1+1"], ["买买提·艾力", make_id(seq=91), ""]]
    # A CSV: a workbook cannot even hold a control character, a text file can.
    path = tmp_path / "名单.csv"
    path.write_bytes("".join(",".join(f'"{c}"' for c in row) + "\r\n" for row in rows).encode("utf-8"))
    plan, _ = run(store, path, commit=True)
    reasons = [p.reason for p in plan.problems if p.kind == "rejected"]
    assert len(reasons) == len(HOSTILE)
    for reason, expected in zip(reasons, HOSTILE.values(), strict=True):
        assert expected in reason
    stored = [tuple(r) for r in store.conn.execute("SELECT name, notes FROM members ORDER BY id")]
    assert stored == [("𠮷田", "=1+1"), ("买买提·艾力", None)]  # free text keeps formula-like text as text


def test_a_sync_files_row_is_checked_by_the_same_rules():
    for name, reason in HOSTILE.items():
        assert reason in check_record({"name": name, "id_number": make_id(seq=5)}).errors["name"]


def test_a_latin_name_only_on_a_foreign_nationals_card(store):
    assert check_member({"name": "John Smith", "id_number": FOREIGN_ID}).values["name"] == "John Smith"
    member_id = members.register(store, {"name": "John  Smith", "id_number": FOREIGN_ID})
    assert members.get(store, member_id)["name"] == "John Smith"
    refused = check_member({"name": "John Smith", "id_number": make_id(seq=2)})
    assert refused.errors["name"] == names.NOT_HAN
    assert "控制字符" in check_member({"name": "John\tSmith", "id_number": FOREIGN_ID}).errors["name"]


def test_a_person_under_sixteen_and_region_000000_are_refused_everywhere(store, tmp_path):
    young = idcard.with_check_digit(f"500101{date.today().year - 10}0101001")
    nowhere = idcard.with_check_digit("00000019900101001")
    for number, reason in ((young, "未满 16 周岁"), (nowhere, "000000")):
        assert reason in check_member({"name": "张三", "id_number": number}).errors["id_number"]
    plan = run(
        store, write_xlsx(tmp_path / "名单.xlsx", {"s": [["姓名", "身份证号码"], ["张三", young], ["李四", nowhere]]})
    )
    assert plan.counts["rejected"] == 2
    assert "未满 16 周岁" in plan.problems[0].reason and "000000" in plan.problems[1].reason
