"""Sync file export: what a person opening it sees, incremental ranges, passwords, LibreOffice."""

from __future__ import annotations

import csv
import shutil
import subprocess

import openpyxl
import pytest
from sync_world import make_township, person, register

from clerk.registry import members
from clerk.store.store import ServiceError
from clerk.sync import export as sync_export
from clerk.sync import format as sync_format
from clerk.sync import reader as sync_file


@pytest.fixture
def town(tmp_path):
    store, orgs = make_township(tmp_path)
    yield store, orgs
    store.close()


def _rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_export_writes_every_sheet_with_text_cells_and_no_formulas(town, tmp_path):
    store, orgs = town
    register(store, 1, orgs[1], notes='=HYPERLINK("http://x")', job="+拣货")
    register(store, 2, orgs[2], card_no="0012")
    result = sync_export.export(store, out_dir=tmp_path / "out")
    assert result.path.name == "500101001_000001-000005.xlsx"
    book = openpyxl.load_workbook(result.path)
    assert book.sheetnames == ["清单", "组织", "会员", "转接", "删除"]
    manifest = dict(_rows(book["清单"])[1:])
    assert manifest["格式"] == "clerk 同步文件" and manifest["格式版本"] == 1
    assert (manifest["单位代码"], manifest["起始序号"], manifest["结束序号"]) == ("500101001", 1, 5)
    assert (manifest["组织行数"], manifest["会员行数"], manifest["删除行数"]) == (3, 2, 0)
    assert len(manifest["校验值(SHA-256)"]) == 64

    sheet = book["会员"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["姓名", "身份证号", "性别"]
    rows = {r[1]: dict(zip(header, r, strict=True)) for r in _rows(sheet)[1:]}
    first = rows[person(1)["id_number"]]
    assert first["手机/电话"] == person(1)["phone"] and first["所在工会"].startswith("青山第1")
    assert first["备注"] == '=HYPERLINK("http://x")' and first["岗位/工种"] == "+拣货"
    assert rows[person(2)["id_number"]]["会员证号"] == "0012"
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type in ("s", "n"), cell.coordinate  # never a formula
            if cell.column_letter in ("B", "F"):  # ID number and phone are text
                assert cell.data_type == "s"
    assert sheet.freeze_panes == "A2"


def test_incremental_exports_follow_the_journal(town, tmp_path):
    store, orgs = town
    out = tmp_path / "out"
    first = sync_export.export(store, out_dir=out)
    again = sync_export.export(store, out_dir=out)
    assert again.path is None and "没有新的修改" in again.message
    mid = register(store, 3, orgs[1])
    members.delete(store, mid, "重复录入")
    keep = register(store, 4, orgs[1])
    members.change_status(store, keep, "退会", "本人申请")
    second = sync_export.export(store, out_dir=out)
    m = second.manifest
    assert (m.first_seq, m.last_seq) == (first.manifest.last_seq + 1, first.manifest.last_seq + 4)
    assert m.counts == {"组织": 3, "会员": 1, "转接": 0, "删除": 1}
    read = sync_file.read(second.path)
    states = {s.values["id_number"]: s for s in read.members}
    assert states[person(3)["id_number"]].deleted
    assert states[person(4)["id_number"]].values["status"] == "退会"
    full = sync_export.export(store, full=True, out_dir=out)
    assert full.path.name.endswith("_完整.xlsx") and full.manifest.first_seq == 1
    assert full.manifest.counts["会员"] == 1 and full.manifest.counts["删除"] == 1


def test_password_round_trip(town, tmp_path):
    store, orgs = town
    register(store, 1, orgs[1])
    result = sync_export.export(store, password="青山2026", out_dir=tmp_path)
    raw = result.path.read_bytes()
    assert raw.startswith(sync_file.OLE_MAGIC)  # what Excel/WPS ask a password for
    with pytest.raises(sync_file.BadSyncFile, match="设置了密码"):
        sync_file.read(result.path)
    with pytest.raises(sync_file.BadSyncFile, match="密码不对"):
        sync_file.read(result.path, "wrong")
    assert len(sync_file.read(result.path, "青山2026").members) == 1
    assert not list(tmp_path.glob(".clerk-export-*"))  # no plain copy left behind
    with pytest.raises(ServiceError, match="密码不能为空"):
        sync_export.export(store, full=True, password="  ", out_dir=tmp_path)


def test_text_that_xml_cannot_hold_is_cleaned_consistently(town, tmp_path):
    store, orgs = town
    mid = register(store, 1, orgs[1])
    store.conn.execute(
        "UPDATE members SET notes = ?, job = ? WHERE id = ?", ("换行\r\n与\x07铃 & <标签>", " 前后空格 ", mid)
    )
    result = sync_export.export(store, out_dir=tmp_path)
    state = sync_file.read(result.path).members[0]
    assert state.values["notes"] == "换行\r\n与铃 & <标签>"
    assert state.values["job"] == " 前后空格 "
    assert openpyxl.load_workbook(result.path)["会员"]["I2"].value == " 前后空格 "


def _soffice():
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_sync_file(town, tmp_path):
    store, orgs = town
    register(store, 1, orgs[1], notes="=1+1")
    result = sync_export.export(store, out_dir=tmp_path / "out")
    out = tmp_path / "csv"
    # Sheet 3 (会员), UTF-8, as shown.
    subprocess.run(
        [
            _soffice(),
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3",
            "--outdir",
            str(out),
            str(result.path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    produced = list(out.glob("*.csv"))
    assert produced
    rows = list(csv.reader(produced[0].open(encoding="utf-8")))
    assert rows[0][:2] == ["姓名", "身份证号"]
    assert rows[1][1] == person(1)["id_number"]  # all 18 digits, not 5.0E+17
    assert "=1+1" in rows[1]  # shown as typed, not computed to 2


def test_export_refuses_an_unwritable_folder(town, tmp_path):
    store, _ = town
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ServiceError, match="无法创建导出文件夹"):
        sync_export.export(store, out_dir=blocker / "sub")


def test_manifest_labels_are_stable():
    # Changing these breaks every file already exported: a new format version is needed.
    assert [label for _, label in sync_format.MANIFEST_ROWS][:3] == ["格式", "格式版本", "单位代码"]
    assert sync_format.DATA_SHEETS == ("组织", "会员", "转接", "删除")
