"""The data check: problems counted against a recount of generated databases, organisation
problems, the employer's .xlsx, the CLI, the warning on export, and the screen."""

from __future__ import annotations

from collections import Counter

import openpyxl
import pytest
from click.testing import CliRunner
from figures_world import populate
from sample import rendered, sample  # noqa: F401  (fixture)
from sync_world import _uscc, make_district, make_township, register
from textual.widgets import DataTable, Static

from clerk.cli.main import main
from clerk.registry import organisations
from clerk.reports import completeness as check
from clerk.reports import statistics as report
from clerk.store import files
from clerk.tui.app import make_app
from clerk.tui.reports.check_screen import CheckScreen


def _live(people):
    return [p for p in people if p.status == "在册" and p.deleted_at is None]


@pytest.mark.parametrize("seed", [1, 4])
def test_problems_equal_a_recount_of_a_generated_district(tmp_path, seed):
    district = make_district(tmp_path)
    people = _live(populate(district, people=600, seed=seed))
    result = check.check(district)
    phones = Counter(p.phone for p in people if p.phone)
    shared = {phone for phone, n in phones.items() if n >= check.SHARED_PHONE}
    assert result.members == len(people)
    assert result.counts[check.NO_PHONE] == sum(1 for p in people if not p.phone)
    assert result.counts[check.NO_JOIN_DATE] == sum(1 for p in people if not p.joined_on)
    assert result.counts[check.NO_ORG] == sum(1 for p in people if p.org_id is None)
    assert result.counts[check.SHARED] == sum(1 for p in people if p.phone in shared)
    assert result.shared_phones[0] == ("13800000000", phones["13800000000"])

    def complete(p):
        return bool(p.phone) and p.phone not in shared and bool(p.joined_on) and p.org_id is not None

    assert result.complete == sum(1 for p in people if complete(p))
    for o in result.per_org:
        mine = [p for p in people if p.org_id == o.org_id]
        assert (o.members, o.complete) == (len(mine), sum(1 for p in mine if complete(p)))
    worst = result.per_org[0]
    issues = check.member_issues(district, worst.org_id)
    assert len(issues) == sum(1 for p in people if p.org_id == worst.org_id and not complete(p))


def test_organisation_problems(tmp_path):
    store, (root, first, second) = make_township(tmp_path, 0)
    organisations.update(
        store, first, {**organisations.form_values(organisations.get(store, first)), "employee_count": 1}
    )
    empty = organisations.create(
        store, {"name": "空壳有限公司工会", "kind": "企业工会", "parent_id": root, "uscc": _uscc(88)}
    )
    for seq in (1, 2):
        register(store, seq, first)
    register(store, 3, second)
    result = check.check(store)
    problems = {o.name: o.problems for o in result.per_org if o.problems}
    assert problems["青山第1快递有限公司工会"] == [check.OVER_EMPLOYEES]
    assert problems["空壳有限公司工会"] == [check.EMPTY, check.NO_EMPLOYEES]
    assert "青山镇总工会" not in problems  # members below it count
    assert result.counts[check.EMPTY] == 1 and result.counts[check.OVER_EMPLOYEES] == 1
    assert result.org(empty).members == 0


def test_the_employers_problem_list(tmp_path):
    store, (_, first, _) = make_township(tmp_path, 0)
    for seq in range(1, 5):
        register(store, seq, first, phone="13900000000")
    lacking = register(store, 9, first, phone="")
    store.conn.execute("UPDATE members SET joined_on = NULL WHERE id = ?", (lacking,))  # as an old import left it
    register(store, 10, first)
    path = check.write_org_report(store, first, tmp_path / "back.xlsx")
    ws = openpyxl.load_workbook(path).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = rows.index(("姓名", "身份证号码", "手机号码", "入会日期", "岗位/工种", "问题"))
    body = rows[header + 1 :]
    assert len(body) == 5
    number = store.conn.execute("SELECT id_number FROM members WHERE id = ?", (lacking,)).fetchone()[0]
    (row,) = [r for r in body if r[1] == number]  # the full ID number, as text
    assert row[5] == "缺手机号、缺入会日期"
    assert all(r[5] == "手机号多人共用" for r in body if r[1] != number)
    assert "在册会员 6 人，信息完整 1 人" in rows[1][0]
    with pytest.raises(files.FileExists):
        check.write_org_report(store, first, path)
    check.write_org_report(store, first, path, force=True)


def test_cli_check_and_the_warning_on_export(tmp_path):
    store, (_, first, _) = make_township(tmp_path, 0)
    register(store, 1, first, phone="")
    register(store, 2, None)
    store.close()
    runner = CliRunner()
    db = ["--db", str(tmp_path / "500101001.db")]
    result = runner.invoke(main, [*db, "check"])
    assert result.exit_code == 0, result.output
    assert "缺手机号" in result.output and "未归属工会组织" in result.output
    result = runner.invoke(main, [*db, "check", "--org", str(first), "--write", "--out", str(tmp_path / "q.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "q.xlsx").exists() and "问题清单已写出" in result.output
    result = runner.invoke(main, [*db, "check", "--write"])
    assert result.exit_code == 1 and "--org" in result.output
    result = runner.invoke(main, [*db, "export", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "个数据问题没有处理" in result.output


def test_the_report_carries_each_organisations_completeness(tmp_path):
    store, (_, first, second) = make_township(tmp_path, 0)
    register(store, 1, first)
    register(store, 2, first, phone="")
    register(store, 3, second)
    path = report.write_report(store, period="2026", out=tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(path)["按组织"]
    header = [c.value for c in ws[3]]
    rates = {r[1]: r[header.index("信息完整率")] for r in ws.iter_rows(min_row=4, values_only=True) if r[1]}
    assert rates["青山第1快递有限公司工会"] == 0.5
    assert rates["青山第2快递有限公司工会"] == 1


async def test_check_screen_lists_problems_and_writes_the_employers_list(store, sample):
    org_id = store.conn.execute("SELECT org_id FROM members WHERE name = '张三'").fetchone()[0]
    store.conn.execute("UPDATE members SET phone = NULL WHERE name IN ('张三', '李四')")
    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "缺手机号 2" in rendered(screen.query_one("#summary", Static).content)
        orgs = screen.query_one("#orgs", DataTable)
        assert orgs.row_count >= 2
        first_key = orgs.coordinate_to_cell_key(orgs.cursor_coordinate).row_key.value
        assert first_key == str(org_id)  # the organisation with the most problems comes first
        await app.workers.wait_for_complete()
        await pilot.pause()
        issues = screen.query_one("#issues", DataTable)
        assert sorted(issues.get_row_at(i)[0] for i in range(issues.row_count)) == ["张三", "李四"]
        await pilot.press("x")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "问题清单已写出" in rendered(screen.query_one("#result", Static).content)
        written = list((store.path.parent / "exports").glob("*信息问题清单*.xlsx"))
        assert len(written) == 1
        await pilot.press("x")  # again: it asks before replacing
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")


def test_check_screen_snapshot(snap_compare, store, sample):
    store.conn.execute("UPDATE members SET phone = NULL WHERE name IN ('张三', '李四')")
    store.conn.execute("UPDATE members SET joined_on = NULL WHERE name = '王小明'")

    async def run_before(pilot):
        await pilot.press("c")
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(store.path, store=store), run_before=run_before, terminal_size=(80, 24))
