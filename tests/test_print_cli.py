"""`clerk print forms|cards|card-rule`: which members, card numbers issued once, files never overwritten unasked."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import make_id
from roster_sample import run, write_xlsx
from test_printing import page_text

from clerk.cli import main
from clerk.registry import cards, members, organisations


@pytest.fixture
def runner():
    return CliRunner()


def clerk(runner, db_path, *args):
    result = runner.invoke(main, ["--db", str(db_path), *args])
    assert "Traceback" not in result.output
    return result


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def refused(result) -> str:
    assert result.exit_code == 1, result.output
    assert "错误：" in result.output
    return result.output


@pytest.fixture
def world(store):
    org = organisations.create(store, {"name": "顺达快递有限公司工会", "kind": "联合工会"})
    other = organisations.create(store, {"name": "某某村工会", "kind": "村(社区)工会"})
    ids = [
        members.register(
            store, {"name": "张伟", "id_number": make_id(seq=1), "org_id": org, "joined_on": "2025-03-01"}
        ),
        members.register(
            store, {"name": "王芳", "id_number": make_id(seq=2), "org_id": org, "joined_on": "2025-08-01"}
        ),
        members.register(
            store, {"name": "李娜", "id_number": make_id(seq=3), "org_id": other, "joined_on": "2025-05-01"}
        ),
    ]
    return {"org": org, "other": other, "ids": ids}


def test_forms_for_members_by_number(store, db_path, world, runner, tmp_path):
    out = tmp_path / "登记表.pdf"
    text = ok(clerk(runner, db_path, "print", "forms", str(world["ids"][2]), str(world["ids"][0]), "--to", str(out)))
    assert "已生成 2 人、2 页" in text
    assert "李娜" in page_text(out, 1) and "张伟" in page_text(out, 2)
    assert make_id(seq=3) in page_text(out, 1) and "测试镇总工会" in page_text(out, 1)


def test_forms_for_the_new_members_of_an_import_batch(store, db_path, world, runner, tmp_path):
    rows = [["姓名", "身份证号码"], ["赵敏", make_id(seq=11)], ["黄磊", make_id(seq=12)], ["张伟", make_id(seq=1)]]
    plan, result = run(store, write_xlsx(tmp_path / "r.xlsx", {"名单": rows}), commit=True, update_existing=True)
    out = tmp_path / "batch.pdf"
    text = ok(clerk(runner, db_path, "print", "forms", "--batch", str(result.batch_id), "--to", str(out)))
    assert "已生成 2 人、2 页" in text  # the member it only updated is not a new enrolment
    assert "赵敏" in page_text(out, 1) and "黄磊" in page_text(out, 2)
    assert "找不到导入批次 #99" in refused(clerk(runner, db_path, "print", "forms", "--batch", "99"))


def test_cards_for_a_filter_issue_numbers_once_by_the_rule(store, db_path, world, runner, tmp_path):
    members.update(
        store,
        world["ids"][1],
        {**members.form_values(members.get(store, world["ids"][1])), "card_no": "500101001000001"},
    )
    out = tmp_path / "cards.pdf"
    text = ok(
        clerk(
            runner,
            db_path,
            "print",
            "cards",
            "--org",
            "顺达快递有限公司工会",
            "--joined",
            "2025-01-01:2025-12-31",
            "--to",
            str(out),
        )
    )
    # 王芳 already holds 000001 (typed in earlier): 张伟 gets the next free number, never the same.
    zhang = members.get(store, world["ids"][0])
    assert zhang["card_no"] == "500101001000002"
    assert "新发会员证号 1 个" in text and "已生成 2 人、1 页" in text
    page = page_text(out, 1)
    assert "张伟" in page and "500101001000002" in page and "王芳" in page and "李娜" not in page
    assert any("会员证号" in c.summary for c in members.history(store, world["ids"][0]))  # journaled, so synced

    again = ok(clerk(runner, db_path, "print", "cards", str(world["ids"][0]), "--to", str(tmp_path / "again.pdf")))
    assert "新发会员证号" not in again and members.get(store, world["ids"][0])["card_no"] == "500101001000002"

    ok(clerk(runner, db_path, "print", "card-rule", "--prefix", "yb-05-", "--digits", "5"))
    ok(clerk(runner, db_path, "print", "cards", str(world["ids"][2]), "--to", str(tmp_path / "li.pdf")))
    assert members.get(store, world["ids"][2])["card_no"] == "YB-05-00003"
    assert cards.rule(store).next == 4


def test_card_rule_shows_and_never_goes_back(store, db_path, runner):
    assert "前缀“500101001”+ 6 位流水号；下一个号：500101001000001" in ok(clerk(runner, db_path, "print", "card-rule"))
    assert "下一个号：A-0100" in ok(
        clerk(runner, db_path, "print", "card-rule", "--prefix", "A-", "--digits", "4", "--next", "100")
    )
    assert "只能往后调" in refused(clerk(runner, db_path, "print", "card-rule", "--next", "5"))
    assert "只能由数字、字母" in refused(clerk(runner, db_path, "print", "card-rule", "--prefix", "区/05"))


def test_refusals_write_nothing_and_issue_nothing(store, db_path, world, runner, tmp_path):
    assert "请指定要打印的会员" in refused(clerk(runner, db_path, "print", "forms"))
    assert "只能选一种" in refused(clerk(runner, db_path, "print", "forms", "1", "--batch", "1"))
    assert "会员状态只能是" in refused(clerk(runner, db_path, "print", "forms", "--status", "正常"))
    assert "起:止" in refused(clerk(runner, db_path, "print", "forms", "--joined", "2025"))
    assert "没有符合条件的会员" in refused(clerk(runner, db_path, "print", "cards", "--category", "快递员"))
    existing = tmp_path / "mine.pdf"
    existing.write_bytes(b"mine")
    assert "已经存在" in refused(clerk(runner, db_path, "print", "cards", str(world["ids"][0]), "--to", str(existing)))
    assert existing.read_bytes() == b"mine" and members.get(store, world["ids"][0])["card_no"] is None


def test_print_help_is_chinese(runner):
    result = runner.invoke(main, ["print", "cards", "--help"])
    assert result.exit_code == 0 and "打印会员证" in result.output and "--batch" in result.output


async def test_the_detail_screen_prints_a_form_and_a_card(store, world, tmp_path, monkeypatch):
    from sample import notifications, rendered

    from clerk.tui.app import make_app
    from clerk.tui.members.member_detail import MemberDetailScreen

    monkeypatch.setenv("CLERK_EXPORTS", str(tmp_path / "out"))
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_member(world["ids"][0])
        await pilot.pause()
        assert isinstance(app.screen, MemberDetailScreen)
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = " ".join(notifications(app))
        assert "已生成 1 人、1 页" in shown and "新发会员证号 1 个" in shown
        assert "500101001000001" in rendered(app.screen.query_one("#record").content)
    form = next((tmp_path / "out").glob("入会登记表-*.pdf"))
    card = next((tmp_path / "out").glob("会员证-*.pdf"))
    assert "张伟" in page_text(form, 1) and make_id(seq=1) in page_text(form, 1)
    assert "张伟" in page_text(card, 1) and "500101001000001" in page_text(card, 1)
