"""`clerk member export` and the member list's 导出/打印 dialog: filtered 名册 as .xlsx, IDs as text,
masked unless asked, as of a date."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import make_id

from clerk.cli import main
from clerk.registry import lifecycle, members, organisations


@pytest.fixture
def world(store):
    org = organisations.create(store, {"name": "顺达快递联合工会", "kind": "联合工会"})
    other = organisations.create(store, {"name": "某某村工会", "kind": "村(社区)工会"})

    def add(seq, name, org_id, joined, **extra):
        fields = {"name": name, "id_number": make_id(seq=seq), "org_id": org_id, "joined_on": joined}
        return members.register(store, {**fields, **extra})

    ids = {
        "张伟": add(1, "张伟", org, "2025-01-10", new_form="快递员", migrant=True),
        "王芳": add(2, "王芳", org, "2025-03-01", new_form="外卖送餐员"),
        "李娜": add(3, "李娜", other, "2025-02-01"),
        "刘洋": add(4, "刘洋", org, "2024-05-01", job="=SUM(A1:A9)"),
    }
    lifecycle.change_status(store, ids["王芳"], "退会", on="2025-08-01", reason="本人申请退会")
    return {"org": org, "other": other, "ids": ids}


def export(db_path, *args):
    result = CliRunner().invoke(main, ["--db", str(db_path), "member", "export", *args])
    assert "Traceback" not in result.output
    return result


def rows(path):
    book = openpyxl.load_workbook(path)
    sheet = book["会员名册"]
    return [[c.value for c in row] for row in sheet.iter_rows()], sheet


def test_a_filtered_list_with_masked_ids(store, db_path, world, tmp_path):
    out = tmp_path / "快递.xlsx"
    result = export(
        db_path, "--org", "顺达快递联合工会", "--status", "在册", "--category", "新就业形态", "--to", str(out)
    )
    assert result.exit_code == 0, result.output
    assert "已导出 1 人（证件号码已脱敏）" in result.output
    table, sheet = rows(out)
    header, *body = table
    assert header[:5] == ["序号", "姓名", "性别", "证件类型", "证件号码"]
    assert [r[1] for r in body] == ["张伟"]
    assert body[0][4] == make_id(seq=1)[:6] + "********" + make_id(seq=1)[-4:]
    assert body[0][header.index("新就业形态")] == "快递员" and body[0][header.index("农民工")] == "是"
    assert sheet.cell(2, 5).data_type == "s"  # text, never a number


def test_full_ids_joined_range_and_formula_like_text_stays_text(store, db_path, world, tmp_path):
    out = tmp_path / "全.xlsx"
    assert export(db_path, "--joined", "2024-01-01:2025-01-31", "--full-ids", "--to", str(out)).exit_code == 0
    table, sheet = rows(out)
    header, *body = table
    assert [r[1] for r in body] == ["刘洋", "张伟"]  # by organisation, then join date
    assert body[0][4] == make_id(seq=4) and sheet.cell(2, 5).data_type == "s"
    job = header.index("岗位/工种")
    assert body[0][job] == "=SUM(A1:A9)" and sheet.cell(2, job + 1).data_type == "s"  # never a formula


def test_as_of_a_date_lists_who_held_membership_then(store, db_path, world, tmp_path):
    out = tmp_path / "六月.xlsx"
    assert export(db_path, "--as-of", "2025-06-30", "--to", str(out)).exit_code == 0
    header, *body = rows(out)[0]
    status = header.index("会员状态")
    assert sorted((r[1], r[status]) for r in body) == [
        ("刘洋", "在册"),
        ("张伟", "在册"),
        ("李娜", "在册"),
        ("王芳", "在册"),
    ]
    out2 = tmp_path / "九月退会.xlsx"
    assert export(db_path, "--as-of", "2025-09-30", "--status", "退会", "--to", str(out2)).exit_code == 0
    assert [r[1] for r in rows(out2)[0][1:]] == ["王芳"]


def test_refusals(store, db_path, world, tmp_path):
    existing = tmp_path / "mine.xlsx"
    existing.write_bytes(b"mine")
    result = export(db_path, "--to", str(existing))
    assert result.exit_code == 1 and "已经存在" in result.output and existing.read_bytes() == b"mine"
    result = export(db_path, "--category", "货车司机", "--to", str(tmp_path / "none.xlsx"))
    assert result.exit_code == 1 and "没有符合条件的会员" in result.output
    assert not (tmp_path / "none.xlsx").exists()
    result = export(db_path, "--to", str(tmp_path / "x.csv"))
    assert result.exit_code == 1 and ".xlsx" in result.output


async def test_the_member_list_exports_and_prints_for_a_filter(store, world, tmp_path, monkeypatch):
    from sample import notifications
    from textual.widgets import Checkbox, Select

    from clerk.tui.app import make_app
    from clerk.tui.members.list_export import ListExportDialog
    from clerk.tui.members.member_list import MemberListScreen

    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "out"))
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MemberListScreen)
        app.screen.query_one("#members").focus()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ListExportDialog)
        app.screen.query_one("#category", Select).value = "快递员"
        app.screen.query_one("#full_ids", Checkbox).value = True
        await pilot.click("#export")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MemberListScreen)
        assert any("已导出 1 人（完整证件号码）" in n for n in notifications(app))
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#status", Select).value = "在册"
        await pilot.click("#cards")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("新发会员证号 3 个" in n for n in notifications(app))
        assert members.get(store, world["ids"]["王芳"])["card_no"] is None  # 退会: not 在册, no card
    (book,) = (tmp_path / "out").glob("会员名册-*.xlsx")
    header, *body = rows(book)[0]
    assert [r[1] for r in body] == ["张伟"] and body[0][4] == make_id(seq=1)
    (cards,) = (tmp_path / "out").glob("会员证-*.pdf")
    assert cards.stat().st_size > 0
