"""Roster files of every kind, and the files the importer must refuse — each with a clear Chinese
message, and nothing written to the database."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import make_id
from openpyxl import Workbook
from roster_sample import HEADER, people, run, table_counts, write_csv, write_ods, write_xls, write_xlsx

from clerk.importing import pipeline as importer


def refused(store, path: Path) -> str:
    before = table_counts(store)
    with pytest.raises(importer.ImportRefused) as caught:
        run(store, path)
    assert table_counts(store) == before
    message = str(caught.value)
    assert "Traceback" not in message
    return message


# -- formats, recognised by their content ------------------------------------------------------


@pytest.mark.parametrize(
    "kind, name",
    [
        ("xlsx", "roster.xlsx"),
        ("xlsx", "roster.xlsm"),
        ("xls", "roster.xls"),
        ("ods", "roster.ods"),
        ("csv", "roster.csv"),
    ],
)
def test_every_format_reads_the_same_three_people(store, tmp_path, kind, name):
    rows = [HEADER, *people(3)]
    path = tmp_path / name
    {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}.get(kind, lambda p, s: write_csv(p, s["花名册"]))(
        path, {"花名册": rows}
    )
    plan = run(store, path)
    assert plan.counts["new"] == 3 and plan.counts["rejected"] == 0
    assert [r[0] for r in plan.new_rows] == [r[1] for r in rows[1:]]
    assert [r[1] for r in plan.new_rows] == [r[2] for r in rows[1:]]


def test_the_extension_does_not_matter(store, tmp_path):
    xlsx_named_xls = write_xlsx(tmp_path / "名单.xls", {"s": [HEADER, *people(2)]})
    xls_named_xlsx = write_xls(tmp_path / "名单.xlsx", {"s": [HEADER, *people(2)]})
    no_extension = write_csv(tmp_path / "名单", [HEADER, *people(2)])
    for path in (xlsx_named_xls, xls_named_xlsx, no_extension):
        assert run(store, path).counts["new"] == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_are_detected(store, tmp_path, encoding):
    rows = [
        ["姓 名", "公民身份号码", "联系电话"],
        ["欧阳娜娜", make_id(), "13800000001"],
        ["买买提·艾力", make_id(seq=2), ""],
    ]
    plan = run(store, write_csv(tmp_path / "r.csv", rows, encoding=encoding))
    assert [r[0] for r in plan.new_rows] == ["欧阳娜娜", "买买提·艾力"]


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_csv_delimiters_are_sniffed(store, tmp_path, delimiter):
    path = write_csv(tmp_path / "r.txt", [HEADER, *people(4)], delimiter=delimiter)
    assert run(store, path).counts["new"] == 4


def test_html_saved_as_xls_is_read(store, tmp_path):
    """Many office systems "export to Excel" as an HTML table with an .xls name."""
    body = "".join(f"<tr><td>{r[1]}</td><td>{r[2]}</td></tr>" for r in people(2))
    table = f"<table><tr><th>姓名</th><th>身份证号码</th></tr>{body}</table>"
    html = f"<html><head><meta charset='utf-8'></head><body>{table}</body></html>"
    path = tmp_path / "导出.xls"
    path.write_text(html, encoding="utf-8")
    assert run(store, path).counts["new"] == 2


# -- refusals ----------------------------------------------------------------------------------


def test_a_missing_path_a_folder_and_an_empty_file(store, tmp_path):
    assert "找不到文件" in refused(store, tmp_path / "没有这个文件.xlsx")
    assert "文件夹" in refused(store, tmp_path)
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    assert "0 字节" in refused(store, empty)


@pytest.mark.parametrize(
    "content, expected",
    [
        (bytes(range(256)) * 40, "不是表格文件"),
        (b"%PDF-1.7\n%binary", "PDF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "图片"),
        (b"Rar!\x1a\x07\x00" + bytes(50), "压缩包"),
    ],
)
def test_files_that_are_not_spreadsheets_whatever_the_extension(store, tmp_path, content, expected):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(content)
    message = refused(store, path)
    assert expected in message and "花名册.xlsx" in message


def test_a_word_document_and_a_plain_zip(store, tmp_path):
    docx = tmp_path / "花名册.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    assert "Word" in refused(store, docx)
    plain = tmp_path / "资料.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("名单.xlsx", b"x")
    assert "先解压" in refused(store, plain)


def test_a_text_file_without_a_table(store, tmp_path):
    path = tmp_path / "说明.xlsx"
    path.write_text("请各单位于三月底前报送花名册。\n谢谢！\n", encoding="utf-8")
    assert "没有找到表头" in refused(store, path)


def test_a_corrupt_workbook(store, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"s": [HEADER, *people(3)]})
    cut = tmp_path / "传了一半.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "已损坏" in refused(store, cut)
    broken_xml = tmp_path / "坏的.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken_xml, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            out.writestr(info.filename, data)
    assert "已损坏" in refused(store, broken_xml)


def test_a_password_protected_xlsx(store, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", {"s": [HEADER, *people(3)]})
    locked = tmp_path / "加密.xlsx"
    with open(plain, "rb") as src, open(locked, "wb") as out:
        OOXMLFile(src).encrypt("123456", out)
    message = refused(store, locked)
    assert "密码" in message and "加密.xlsx" in message


def test_a_password_protected_xls(store, tmp_path):
    """A legacy workbook with a FILEPASS record (RC4 encryption) right after its BOF."""
    import xlwt

    module = sys.modules["xlwt.Workbook"]
    original = module.Workbook._Workbook__intf_hdr_rec

    def with_filepass(self):
        data = struct.pack("<HHH", 1, 1, 1) + bytes(48)
        return struct.pack("<HH", 0x2F, len(data)) + data + original(self)

    module.Workbook._Workbook__intf_hdr_rec = with_filepass
    try:
        book = xlwt.Workbook()
        book.add_sheet("名单").write(0, 0, "姓名")
        book.save(str(tmp_path / "加密.xls"))
    finally:
        module.Workbook._Workbook__intf_hdr_rec = original
    assert "密码" in refused(store, tmp_path / "加密.xls")


def _xlsx_with_sheet_xml(path: Path, sheet_xml: bytes, level: int = 9) -> Path:
    buf = io.BytesIO()
    Workbook().save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out:
        for info in src.infolist():
            out.writestr(
                info.filename, sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else src.read(info.filename)
            )
    return path


def test_a_zip_bomb_is_refused_before_anything_is_inflated(store, tmp_path):
    head = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    padding = b"<!--" + b" " * 40_000_000 + b"-->"  # 40 MB that deflates about a thousand to one
    bomb = _xlsx_with_sheet_xml(tmp_path / "炸弹.xlsx", head + padding + b"</sheetData></worksheet>")
    assert bomb.stat().st_size < 200_000
    assert "压缩炸弹" in refused(store, bomb)


def test_a_zip_whose_header_declares_gigabytes(store, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", {"s": [HEADER, *people(2)]})
    data = bytearray(good.read_bytes())
    # Patch the central directory record of the sheet: uncompressed size 3.9 GB.
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        name = bytes(data[pos + 46 : pos + 46 + name_len])
        if name.startswith(b"xl/worksheets/"):
            struct.pack_into("<I", data, pos + 24, 3_900_000_000)
        pos = data.find(b"PK\x01\x02", pos + 4)
    liar = tmp_path / "谎报.xlsx"
    liar.write_bytes(bytes(data))
    assert "压缩炸弹" in refused(store, liar)


def test_a_cell_bomb_one_cell_at_the_far_corner(store, tmp_path):
    """One cell at XFD1048576 would make the reader allocate half a terabyte and abort the program."""
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "姓名"
    ws["B1"] = "身份证号码"
    ws["XFD1048576"] = 1
    wb.save(tmp_path / "远处一格.xlsx")
    assert "压缩炸弹" in refused(store, tmp_path / "远处一格.xlsx")


def test_a_cell_reference_that_lies_about_its_row(store, tmp_path):
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="Z900000"><v>1</v></c></row>'
        b"</sheetData></worksheet>"
    )
    assert "压缩炸弹" in refused(store, _xlsx_with_sheet_xml(tmp_path / "lie.xlsx", sheet))


def test_an_empty_workbook(store, tmp_path):
    wb = Workbook()
    wb.create_sheet("Sheet2")
    wb.save(tmp_path / "空表.xlsx")
    assert "没有任何数据" in refused(store, tmp_path / "空表.xlsx")


def test_no_recognisable_id_column(store, tmp_path):
    path = write_xlsx(
        tmp_path / "无身份证.xlsx", {"名单": [["姓名", "手机号码", "岗位"], ["张三", "13800000000", "快递员"]]}
    )
    message = refused(store, path)
    assert "没有身份证号码列" in message and "名单" in message


def test_no_header_at_all_in_a_sheet_of_prose(store, tmp_path):
    path = write_xlsx(tmp_path / "通知.xlsx", {"通知": [["关于报送会员花名册的通知"], ["各单位：请于月底前报送。"]]})
    assert "没有找到表头" in refused(store, path)


def test_zlib_guard_does_not_trip_on_a_normal_large_roster(store, tmp_path):
    rows = [HEADER, *people(3000)]
    path = write_xlsx(tmp_path / "大.xlsx", {"花名册": rows})
    assert run(store, path).counts["new"] == 3000
