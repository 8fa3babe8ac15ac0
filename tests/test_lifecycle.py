"""The membership lifecycle: status changes with a date and a reason, the timeline, and counts as of
any date rebuilt from the journal — checked against a recount of what the test did."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from conftest import make_id
from roster_sample import run, write_xlsx

from clerk.domain import lifecycle as rules
from clerk.registry import lifecycle, members
from clerk.reports import membership
from clerk.store.store import ServiceError


def add(store, seq: int, joined: str, **extra) -> int:
    return members.register(store, {"name": "张伟", "id_number": make_id(seq=seq), "joined_on": joined, **extra})


def test_a_change_needs_a_reason_from_the_list_and_a_sensible_date(store):
    mid = add(store, 1, "2024-03-01")
    refusals = [
        (dict(status="开除", reason="其他"), "会员状态只能是"),
        (dict(status="在册", reason="恢复会籍"), "现在就是“在册”"),
        (dict(status="退会", reason="不想交了"), "原因请从列表中选择：本人申请退会"),
        (dict(status="保留会籍", reason="其他"), "写明具体情况"),
        (dict(status="转出", reason="工作调动"), "转往哪个单位"),
        (dict(status="退会", reason="本人申请退会", on="2024-02-01"), "早于入会日期 2024-03-01"),
        (dict(status="退会", reason="本人申请退会", on="2999-01-01"), "不能晚于今天"),
        (dict(status="退会", reason="本人申请退会", on="2025-13-01"), "生效日期格式应为"),
    ]
    for kwargs, message in refusals:
        with pytest.raises(ServiceError, match=message):
            lifecycle.change_status(store, mid, **kwargs)
    assert members.get(store, mid)["status"] == "在册" and len(members.history(store, mid)) == 1

    lifecycle.change_status(store, mid, "保留会籍", on="2025-06-30", reason="退休")
    record = members.get(store, mid)
    assert (record["status"], record["status_on"], record["status_reason"]) == ("保留会籍", "2025-06-30", "退休")
    with pytest.raises(ServiceError, match="早于当前状态“保留会籍”的生效日期 2025-06-30"):
        lifecycle.change_status(store, mid, "已故", on="2025-06-01", reason="病故")
    lifecycle.change_status(store, mid, "已故", on="2025-09-01", reason="病故")
    with pytest.raises(ServiceError, match="更正错误"):
        lifecycle.change_status(store, mid, "在册", reason="恢复会籍")
    lifecycle.change_status(store, mid, "在册", reason="更正错误", note="误报死亡")

    events = lifecycle.timeline(store, mid)
    assert [(e.on, e.status, e.reason) for e in events[:3]] == [
        ("2024-03-01", "在册", "入会"),
        ("2025-06-30", "保留会籍", "退休"),
        ("2025-09-01", "已故", "病故"),
    ]
    assert (events[3].status, events[3].reason, events[3].note) == ("在册", "更正错误", "误报死亡")
    # Each change is an ordinary journaled update of the record (so it is synced upward).
    assert any("会员状态：保留会籍 → 已故" in c.summary for c in members.history(store, mid))


def test_every_status_has_reasons_and_other_is_explained():
    assert set(rules.REASONS) == set(rules.STATUSES)
    assert all(reasons for reasons in rules.REASONS.values())


def recount(plan: dict[int, tuple[str, list[tuple[str, str]]]], day: str) -> dict[str, int]:
    """What the test did, counted by hand: joined on or before day, the last change on or before it."""
    counts: dict[str, int] = {}
    for joined, changes in plan.values():
        if joined > day:
            continue
        status = "在册"
        for on, new in changes:
            if on <= day:
                status = new
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_counts_as_of_any_date_match_a_recount(store, tmp_path):
    rng = random.Random(15)
    start = date(2023, 1, 1)
    plan: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    # Members registered one by one, and more brought by a roster import (the bulk journal path).
    for seq in range(1, 41):
        joined = (start + timedelta(days=rng.randrange(0, 900))).isoformat()
        plan[add(store, seq, joined, migrant=seq % 3 == 0)] = (joined, [])
    rows = [["姓名", "身份证号码", "入会日期"]] + [
        ["李娜", make_id(seq=100 + i), (start + timedelta(days=rng.randrange(0, 900))).isoformat()] for i in range(20)
    ]
    _, result = run(store, write_xlsx(tmp_path / "r.xlsx", {"名单": rows}), commit=True)
    assert result.counts["new"] == 20
    for mid, joined in store.conn.execute("SELECT id, joined_on FROM members"):
        plan.setdefault(mid, (joined, []))
    # Two or three changes each for some of them, in date order, through the service.
    for mid in rng.sample(sorted(plan), 35):
        joined, changes = plan[mid]
        current, day = "在册", date.fromisoformat(joined)
        for _ in range(rng.randint(1, 3)):
            day += timedelta(days=rng.randrange(1, 200))
            if day >= date(2026, 11, 1):
                break
            status = rng.choice([s for s in rules.STATUSES if s not in (current, "已故")])
            reason = rules.REASONS[status][0]
            note = "转往某某街道" if status == "转出" else ""
            lifecycle.change_status(store, mid, status, on=day.isoformat(), reason=reason, note=note)
            changes.append((day.isoformat(), status))
            current = status
    # A record entered by mistake never counts, on any date.
    mistake = add(store, 99, "2023-05-01")
    members.delete(store, mistake, "重复录入")

    for day in [
        "2022-12-31",
        "2023-03-01",
        "2023-09-30",
        "2024-01-01",
        "2024-06-30",
        "2025-01-01",
        "2025-06-30",
        "2026-06-30",
    ]:
        assert membership.as_of(store, day).by_status == recount(plan, day), day
    today = membership.as_of(store, date.today())
    assert today.by_status == membership.status_counts(store)
    live_migrants = store.conn.execute(
        "SELECT count(*) FROM members WHERE status = '在册' AND migrant != 0 AND deleted_at IS NULL"
    ).fetchone()[0]
    assert today.migrant == live_migrants
    assert today.members == today.by_status.get("在册", 0) + today.by_status.get("保留会籍", 0)


def _rows(book, name):
    return [[c.value for c in row] for row in book[name].iter_rows()]


def test_the_report_counts_members_as_of_a_date_and_by_the_record_fields(store, db_path, tmp_path):
    import openpyxl
    from click.testing import CliRunner

    from clerk.cli import main

    a = add(store, 1, "2025-01-10", migrant=True)
    b = add(store, 2, "2025-02-10")
    c = add(store, 3, "2025-09-01")
    lifecycle.change_status(store, a, "退会", on="2025-07-01", reason="本人申请退会")
    lifecycle.change_status(store, b, "保留会籍", on="2025-05-01", reason="退休")
    store.conn.execute("UPDATE members SET education = '大学专科', political = '中共党员' WHERE id = ?", (c,))

    runner = CliRunner()
    out = tmp_path / "r.xlsx"
    result = runner.invoke(
        main, ["--db", str(db_path), "report", "--period", "2025", "--as-of", "2025-06-30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    summary = _rows(book, "汇总")
    assert any("截至 2025-06-30 的人数" in str(r[0]) for r in summary)
    header = next(r for r in summary if r[0] == "单位代码")
    row = next(r for r in summary if r[0] == "500101001")
    # On 2025-06-30: a (在册, 农民工) and b (保留会籍); c had not joined yet.
    assert row[header.index("在册会员")] == 1 and row[header.index("农民工会员")] == 1
    statuses = _rows(book, "会籍状态")
    head = next(r for r in statuses if r[0] == "单位")
    line = next(r for r in statuses if r[0] == "测试镇总工会")
    assert (line[head.index("在册")], line[head.index("保留会籍")], line[head.index("退会")]) == (1, 1, 0)
    assert line[head.index("会员合计")] == 2
    assert "会员构成" not in book.sheetnames  # the coded fields are today's, not the date's

    today = tmp_path / "today.xlsx"
    assert runner.invoke(main, ["--db", str(db_path), "report", "--period", "2025", "--out", str(today)]).exit_code == 0
    book = openpyxl.load_workbook(today)
    line = next(r for r in _rows(book, "会籍状态") if r[0] == "测试镇总工会")
    assert line[1:7] == [1, 1, 0, 1, 0, 0]  # 在册 保留会籍 转出 退会 除名 已故
    composition = _rows(book, "会员构成")
    assert ["大学专科", 1] in composition and ["中共党员", 1] in composition and ["未填", 0] in composition

    bad = runner.invoke(main, ["--db", str(db_path), "report", "--as-of", "2999-01-01"])
    assert bad.exit_code == 1 and "统计日期不能晚于今天" in bad.output


async def test_the_home_screen_counts_members_as_of_a_date(store):
    from sample import rendered
    from textual.widgets import Input, Static

    from clerk.tui.app import make_app
    from clerk.tui.as_of_dialog import AsOfDialog
    from clerk.tui.home import Figure, HomeScreen

    a = add(store, 1, "2025-01-10", migrant=True)
    add(store, 2, "2025-02-10")
    add(store, 3, "2025-09-01")
    lifecycle.change_status(store, a, "退会", on="2025-07-01", reason="本人申请退会")

    def shown(app, key):
        return rendered(app.screen.query_one(f"#{key}", Figure).content).split()[0]

    app = make_app(store.path, store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert shown(app, "members") == "2" and shown(app, "migrant") == "0"  # today: b and c
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AsOfDialog)
        app.screen.query_one("#day", Input).value = "2025-06-30"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # On 2025-06-30: a (农民工, left only in July) and b; c had not joined.
        assert shown(app, "members") == "2" and shown(app, "migrant") == "1" and shown(app, "new_this_year") == "2"
        assert "截至 2025-06-30" in rendered(app.screen.query_one("#unit", Static).content)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#day", Input).value = "2025-13-01"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AsOfDialog)
        assert "统计日期格式应为" in rendered(app.screen.query_one("#error", Static).content)
        await pilot.click("#today")
        await pilot.pause()
        assert "截至" not in rendered(app.screen.query_one("#unit", Static).content)
