"""Where the table is: headers found by their content, messy sheets read as a clerk would read them."""

from __future__ import annotations

from conftest import make_id
from roster_sample import HEADER, people, problems, run, write_csv, write_ods, write_xls, write_xlsx

from clerk.importing import pipeline as importer
from clerk.spreadsheets import columns, layout


def fields(plan_or_scan, sheet: int = 0) -> dict[str, str]:
    scan = plan_or_scan.scan if hasattr(plan_or_scan, "scan") else plan_or_scan
    lay = scan.usable[sheet].layout
    return {c.letter: c.field for c in lay.columns if c.field in columns.FIELDS}


def test_header_synonyms_with_spaces_stars_and_notes():
    for text, field in [
        ("姓 名", "name"),
        ("姓　名", "name"),
        ("*姓名", "name"),
        ("身份证号码（必填）", "id_number"),
        ("公民身份号码", "id_number"),
        ("证件号码", "id_number"),
        ("身份证", "id_number"),
        ("身份证号", "id_number"),
        ("手机", "phone"),
        ("手机号码", "phone"),
        ("联系电话", "phone"),
        ("电话号码", "phone"),
        ("联系方式", "phone"),
        ("工作单位", "org_name"),
        ("单位名称", "org_name"),
        ("岗位", "job"),
        ("工种", "job"),
        ("职务", "job"),
        ("民族", "ethnicity"),
        ("入会时间", "joined_on"),
        ("入会日期", "joined_on"),
        ("是否农民工", "migrant"),
        ("新就业形态", "new_form"),
        ("职业类别", "new_form"),
        ("用工形式", "employment_form"),
        ("会员证号", "card_no"),
        ("备注", "notes"),
        ("性别", "gender"),
        ("出生日期", "birth_date"),
        ("入会时间\n(年月日)", "joined_on"),
    ]:
        found = columns.match(text)
        assert found is not None and found.field == field, text
    # Someone else's phone and a title are not the member's fields.
    assert columns.match("紧急联系人电话").field == columns.KNOWN_IGNORED
    assert columns.match("顺达快递公司工会会员花名册") is None
    assert columns.match("填报单位：顺达快递").field == columns.KNOWN_IGNORED


def test_title_rows_a_filing_line_notes_and_signatures(store, tmp_path):
    rows = [
        ["重庆顺达快递有限公司工会会员花名册"],
        ["填报单位：重庆顺达快递有限公司", None, None, "填报日期：2026年3月5日"],
        [],
        HEADER,
        *people(3),
        [],
        ["制表人：王小红", None, "审核人：李建国"],
        ["注：本表一式两份。"],
        ["合计：3人"],
    ]
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", {"花名册": rows}))
    sheet = plan.scan.usable[0]
    assert sheet.layout.header_rows == [4] and sheet.layout.data_start == 5
    assert plan.counts == {
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "duplicate": 0,
        "rejected": 0,
        "warning": 0,
        "skipped": 4,
    }
    assert plan.problems == []


def test_blank_rows_in_the_middle_and_a_repeated_header(store, tmp_path):
    rows = [HEADER, *people(2), [], [None, None], HEADER, *people(2, start=2)]
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows}))
    assert plan.counts["new"] == 4 and plan.counts["skipped"] == 3 and plan.counts["rejected"] == 0


def test_a_two_row_header_with_merged_cells(store, tmp_path):
    rows = [
        ["序号", "姓名", "身份证号码", "联系方式", None, "工作信息", None],
        [None, None, None, "手机", "座机", "单位", "岗位"],
        [1, "张三", make_id(), "13800000001", "023-61234567", "顺达快递", "快递员"],
    ]
    merges = {"s": ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:G1"]}
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows}, merges=merges))
    lay = plan.scan.usable[0].layout
    assert lay.header_rows == [1, 2] and lay.data_start == 3
    assert fields(plan) == {"B": "name", "C": "id_number", "D": "phone", "F": "org_name", "G": "job"}
    assert [c.label for c in lay.columns][3:5] == ["联系方式/手机", "联系方式/座机"]
    assert plan.new_rows[0][5] == "13800000001"  # the mobile, not the landline
    assert plan.new_rows[0][8] == "快递员"


def test_a_merged_unit_column_belongs_to_every_row_it_spans(store, tmp_path):
    rows = [["姓名", "身份证号码", "工作单位"]] + [
        [r[1], r[2], "顺达快递" if i == 0 else None] for i, r in enumerate(people(4))
    ]
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows}, merges={"s": ["C2:C5"]}))
    assert plan.notes == ["工作单位“顺达快递”没有对应的工会组织（4 行），这些会员记入“未分配组织”"]


def test_several_sheets_combined_and_instruction_and_hidden_sheets_skipped(store, tmp_path):
    sheets = {
        "填表说明": [["1. 身份证号码请设为文本格式"], ["2. 姓名、身份证号码必填"]],
        "快递员": [HEADER, *people(2)],
        "外卖骑手": [["姓名", "身份证号"], *[[r[1], r[2]] for r in people(3, start=2)]],
        "下拉选项": [["是", "否"]],
        "旧名单": [HEADER, *people(1, start=9)],
    }
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", sheets, hidden=["旧名单"]))
    scan = plan.scan
    assert [(s.name, s.skipped) for s in scan.sheets] == [
        ("填表说明", "填表说明，已跳过"),
        ("快递员", None),
        ("外卖骑手", None),
        ("下拉选项", "填表说明，已跳过"),
        ("旧名单", "隐藏的工作表，已跳过"),
    ]
    assert plan.counts["new"] == 5


def test_the_same_header_in_every_format(store, tmp_path):
    rows = [["填报单位：顺达快递"], ["姓 名", "公民身份号码", "联系电话"], ["李四", make_id(), "13800000001"]]
    for path in (
        write_xlsx(tmp_path / "a.xlsx", {"s": rows}),
        write_xls(tmp_path / "a.xls", {"s": rows}),
        write_ods(tmp_path / "a.ods", {"s": rows}),
        write_csv(tmp_path / "a.csv", rows, encoding="gbk"),
    ):
        plan = run(store, path)
        assert plan.scan.usable[0].layout.header_rows == [2], path.name
        assert plan.counts["new"] == 1, path.name


def test_an_id_column_with_an_odd_header_is_found_by_its_content(store, tmp_path):
    rows = [["姓名", "号码（18位）", "手机"], *[[r[1], r[2], r[3]] for r in people(3)]]
    plan = run(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows}))
    lay = plan.scan.usable[0].layout
    assert lay.columns[1].field == "id_number" and lay.columns[1].how == "内容推断"
    assert plan.counts["new"] == 3


def test_a_bare_list_without_a_header(store, tmp_path):
    rows = [[r[1], r[2]] for r in people(3)]
    plan = run(store, write_csv(tmp_path / "list.csv", rows))
    lay = plan.scan.usable[0].layout
    assert lay.header_rows == [] and lay.data_start == 1
    assert plan.counts["new"] == 3


def test_a_column_corrected_by_the_clerk_and_the_saved_mapping_reused(store, tmp_path):
    from clerk.importing import mappings as import_mappings

    rows = [["姓名", "证件", "号码1"], *[[r[1], r[2], r[3]] for r in people(2)]]
    path = write_xlsx(tmp_path / "r.xlsx", {"s": rows})
    scan = importer.scan(store, path)
    assert fields(scan) == {"A": "name", "B": "id_number"}  # "证件" by content; 号码1 unknown
    importer.remap(scan, "s", {"C": "phone"})
    import_mappings.save(store, scan.usable[0].layout, path.name)
    scan.close()

    again = importer.scan(
        store, write_xlsx(tmp_path / "next.xlsx", {"s": rows[:1] + [[r[1], r[2], r[3]] for r in people(2, 5)]})
    )
    assert again.usable[0].saved_mapping
    assert fields(again) == {"A": "name", "B": "id_number", "C": "phone"}
    assert [c.how for c in again.usable[0].layout.columns] == ["上次保存"] * 3
    again.close()


def test_remapping_a_field_releases_the_column_that_had_it(store, tmp_path):
    rows = [["姓名", "身份证号码", "手机", "备用电话"], ["张三", make_id(), "13800000001", "13900000002"]]
    scan = importer.scan(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows}))
    importer.remap(scan, "s", {"D": "phone"})
    assert fields(scan) == {"A": "name", "B": "id_number", "D": "phone"}
    plan = importer.prepare(store, scan)
    assert plan.new_rows[0][5] == "13900000002"
    scan.close()


def test_a_sheet_without_an_id_column_can_be_given_one_by_hand(store, tmp_path):
    rows = [["姓名", "编码"], ["张三", "A-1"], ["王五", "B-2"], ["李四", make_id()]]
    scan = importer.scan(store, write_xlsx(tmp_path / "r.xlsx", {"s": rows, "其他": [HEADER, *people(1)]}))
    assert "没有身份证号码列" in scan.sheets[0].skipped
    importer.remap(scan, "s", {"B": "id_number"})
    assert scan.sheets[0].usable
    plan = importer.prepare(store, scan)
    assert problems(plan, "rejected") == [
        ("s", 2, "身份证号码应为 18 位，现在是 2 位。"),
        ("s", 3, "身份证号码应为 18 位，现在是 2 位。"),
    ]
    assert plan.counts["new"] == 2
    scan.close()


def test_detect_by_itself_reports_what_it_decided():
    head = [["花名册"], ["填报日期：2026-03-05"], ["姓名", "身份证号码"], ["张三", make_id()]]
    found = layout.detect(head)
    assert found.header_rows == [3] and found.notes == ["表头在第 3 行"]
