"""Printed paper: the PDFs are rendered (pdftoppm) and read back (pdftotext) and compared with the records."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import make_id

from clerk import printing
from clerk.domain import idcard
from clerk.store import files


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} (poppler-utils) is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"printing tests need {reason} in CI", pytrace=False)
        pytest.skip(reason)
    return path


def page_text(pdf: Path, page: int) -> str:
    out = subprocess.run(
        [_need("pdftotext"), "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def render(pdf: Path, page: int, out: Path, dpi: int = 60):
    """The page as a picture, as a printer would put it on paper."""
    from PIL import Image

    subprocess.run(
        [
            _need("pdftoppm"),
            "-f",
            str(page),
            "-l",
            str(page),
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            str(pdf),
            str(out),
        ],
        check=True,
    )
    return Image.open(out.with_suffix(".png")).convert("L")


def ink(image, box: tuple[float, float, float, float]) -> int:
    """Dark pixels in a box given in millimetres of the A4 page."""
    scale = image.width / 210.0
    crop = image.crop(tuple(round(v * scale) for v in box))
    return sum(crop.histogram()[:128])


def fonts(pdf: Path) -> str:
    return subprocess.run([_need("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout


RECORD = {
    "name": "欧阳娜娜",
    "gender": "女",
    "ethnicity": "汉族",
    "birth_date": "1990-03-07",
    "political": "中共党员",
    "education": "大学专科",
    "household": "农业",
    "id_number": make_id("19900307", 2),
    "phone": "13812345678",
    "employment_status": "在岗",
    "org_name": "重庆顺达快递有限公司工会",
    "job": "快递员",
    "employment_form": "平台灵活就业",
    "skill_level": "中级工",
    "migrant": 1,
    "new_form": "快递员",
    "joined_on": "2025-06-01",
    "join_method": "扫码",
    "join_place": "工作地",
    "card_no": "500101001000123",
}


def test_one_registration_form_page_per_member_with_the_whole_record(tmp_path):
    permit = idcard.with_check_digit("81000019851111003")
    other = {**RECORD, "name": "李强", "gender": "男", "id_number": permit, "card_no": None, "political": None}
    pdf = tmp_path / "登记表.pdf"
    printed = printing.forms([RECORD, other], pdf, unit_name="测试镇总工会", printed_on=date(2026, 6, 30))
    assert (printed.members, printed.pages, printed.missing) == (2, 2, ())
    assert pdf.stat().st_mode & 0o777 == files.FILE_MODE

    first = page_text(pdf, 1)
    for value in RECORD.values():
        if isinstance(value, str):
            assert value in first, value
    for text in ("工会会员入会登记表", "测试镇总工会", "2026-06-30", "照片", "申请人签名", "（盖章）", "重庆市万州区"):
        assert text in first, text
    assert "《中国工会章程》" in first.replace("\n", "").replace(" ", "")

    second = page_text(pdf, 2)
    assert "李强" in second and permit in second and "港澳居民居住证" in second and "香港" in second
    assert "欧阳娜娜" not in second and "中共党员" not in second

    # The font travels inside the file: a machine with no Chinese font prints the same page.
    listing = fonts(pdf)
    assert "NotoSansCJKSC" in listing and " yes yes yes " in listing
    page = render(pdf, 1, tmp_path / "p1")
    assert page.width < page.height  # portrait A4
    assert ink(page, (60, 10, 150, 25)) > 150  # the title
    assert ink(page, (45, 34, 85, 44)) > 40  # the name in its cell
    assert ink(page, (160, 34, 190, 74)) > 40  # the photo box and its label
    assert ink(page, (18, 5, 190, 9)) == 0  # a clean top margin


def test_cards_eight_to_a_sheet_with_cut_marks_and_no_id_number(tmp_path):
    people = [{**RECORD, "name": f"会员{chr(0x4E00 + i)}", "card_no": f"C{i:05d}"} for i in range(10)]
    pdf = tmp_path / "会员证.pdf"
    printed = printing.cards(people, pdf, unit_name="测试镇总工会", issued_on=date(2026, 7, 1))
    assert (printed.members, printed.pages) == (10, 2)
    first, second = page_text(pdf, 1), page_text(pdf, 2)
    for i, person in enumerate(people):
        on = first if i < printing.CARDS_PER_SHEET else second
        assert person["name"] in on and person["card_no"] in on
    assert first.count("工会会员证") == 8 and second.count("工会会员证") == 2
    assert "2026-07-01" in first and "测试镇总工会" in first
    assert RECORD["id_number"] not in first + second

    page = render(pdf, 1, tmp_path / "c1", dpi=100)
    from clerk.printing import card

    x, y = card.position(0)
    # Cut marks just outside the card's top-left corner, and nothing printed on the corner itself.
    assert ink(page, (x - 5, y - 0.4, x - 1, y + 0.4)) > 0
    assert ink(page, (x - 0.4, y - 5, x + 0.4, y - 1)) > 0
    assert ink(page, (x + 0.5, y + 0.5, x + 3, y + 3)) == 0
    x, y = card.position(7)
    assert ink(page, (x + 5, y + 2, x + 80, y + 12)) > 100  # the last slot's title
    x, y = card.position(2)
    assert ink(render(pdf, 2, tmp_path / "c2"), (x, y, x + card.CARD_W, y + card.CARD_H)) == 0  # two cards on sheet 2


def test_a_character_the_font_lacks_is_printed_as_a_box_and_reported(tmp_path):
    rare = {**RECORD, "name": "王𪚥"}
    printed = printing.forms([rare], tmp_path / "f.pdf", unit_name="测试镇总工会")
    assert printed.missing == ("𪚥",) and printed.missing_in == ("王𪚥",)
    assert "王□" in page_text(tmp_path / "f.pdf", 1)
    assert "手写补全" in printed.summary and "王𪚥" in printed.summary


def test_nothing_is_written_for_no_members_an_existing_file_or_a_wrong_name(tmp_path):
    with pytest.raises(printing.PrintError, match="没有要打印的会员"):
        printing.forms([], tmp_path / "empty.pdf", unit_name="测试镇总工会")
    assert not (tmp_path / "empty.pdf").exists()
    existing = tmp_path / "old.pdf"
    existing.write_bytes(b"the clerk's own file")
    with pytest.raises(files.FileExists):
        printing.cards([RECORD], existing, unit_name="测试镇总工会")
    assert existing.read_bytes() == b"the clerk's own file"
    printing.cards([RECORD], existing, unit_name="测试镇总工会", force=True)
    assert existing.read_bytes().startswith(b"%PDF")
    with pytest.raises(printing.PrintError, match=".pdf"):
        printing.forms([RECORD], tmp_path / "form.xlsx", unit_name="测试镇总工会")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("xdg")) == ["old.pdf"]


def test_a_long_batch_reports_its_progress(tmp_path):
    seen = []
    people = [{**RECORD, "name": f"会员{chr(0x4E00 + i)}"} for i in range(60)]
    printed = printing.cards(
        people, tmp_path / "c.pdf", unit_name="测试镇总工会", progress=lambda d, t: seen.append((d, t))
    )
    assert printed.pages == 8 and seen == [(50, 60), (60, 60)]
