"""The hub from the command line, as a city clerk types it (real PostgreSQL server)."""

from __future__ import annotations

import openpyxl
from click.testing import CliRunner
from hub_pg import hub_url, pg_admin, pg_server_url, query  # noqa: F401
from sync_world import make_township, register

from clerk.cli import main
from clerk.sync import export as sync_export


def _run(tmp_path, *args, env=None):
    return CliRunner().invoke(main, ["--db", str(tmp_path / "unused.db"), *args], env=env)


def test_init_merge_conflicts_report_and_status(tmp_path, hub_url):
    a, a_orgs = make_township(tmp_path, 0)
    b, b_orgs = make_township(tmp_path, 1)
    for seq in (1, 2, 3):
        register(a, seq, a_orgs[1])
    register(b, 3, b_orgs[1], joined_on="2026-05-01")  # person 3 on the roll in both
    files = [str(sync_export.export(s, out_dir=tmp_path / "in").path) for s in (a, b)]

    result = _run(
        tmp_path, "hub", "init", "--into", hub_url, "--code", "5001", "--name", "测试市总工会", "--clerk", "市经办人"
    )
    assert result.exit_code == 0, result.output
    assert "汇总库已就绪：测试市总工会（市级总工会 5001）" in result.output and "clerk-test" not in result.output

    env = {"CLERK_HUB_URL": hub_url}
    merged = _run(tmp_path, "merge", *files, env=env)
    assert merged.exit_code == 0, merged.output
    assert merged.output.count("已合并：") == 2 and "1 条冲突待处理" in merged.output
    assert "自动备份" not in merged.output
    again = _run(tmp_path, "merge", "--into", hub_url, files[0])
    assert again.exit_code == 0 and "重复，未改动" in again.output

    listing = _run(tmp_path, "conflicts", "list", "--from", hub_url)
    assert "同一人在两处在册" in listing.output and "青山镇总工会" in listing.output
    resolved = _run(tmp_path, "conflicts", "resolve", "1", "transfer", "--into", hub_url)
    assert resolved.exit_code == 0 and "已处理" in resolved.output
    assert "没有待处理的冲突" in _run(tmp_path, "conflicts", "list", env=env).output
    assert query(hub_url, "SELECT count(*) FROM transfers") == [(1,)]

    out = tmp_path / "report.xlsx"
    made = _run(tmp_path, "report", "--from", hub_url, "--period", "2026", "--out", str(out))
    assert made.exit_code == 0 and "统计报表已生成" in made.output
    summary = openpyxl.load_workbook(out)["汇总"]
    assert summary["B4"].value == "测试区总工会（小计）" or summary["B4"].value.endswith("（小计）")
    assert summary["C4"].value == 3  # person 3 now counts once: the older record was transferred

    status = _run(tmp_path, "hub", "status", env=env)
    assert status.exit_code == 0, status.output
    assert "会员 4 人" in status.output and "500101001" in status.output and "500101002" in status.output


def test_help_of_the_hub_commands():
    for args in (["hub", "--help"], ["hub", "init", "--help"], ["hub", "status", "--help"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and "汇总库" in result.output
    for args in (["merge", "--help"], ["report", "--help"], ["conflicts", "list", "--help"]):
        assert "postgresql://" in CliRunner().invoke(main, args).output


def test_merge_into_something_that_is_not_a_url(tmp_path):
    result = _run(tmp_path, "merge", "--into", "hub.db", "x.xlsx")
    assert result.exit_code == 1 and "postgresql:// 开头" in result.output and "Traceback" not in result.output


def test_merge_with_several_processes(tmp_path, hub_url):
    a, a_orgs = make_township(tmp_path, 0)
    b, b_orgs = make_township(tmp_path, 1)
    out = tmp_path / "in"
    register(a, 1, a_orgs[1])
    first_a = sync_export.export(a, out_dir=out).path
    register(a, 2, a_orgs[1])
    second_a = sync_export.export(a, out_dir=out).path  # needs first_a before it: same process, in order
    for seq in range(10, 16):
        register(b, seq, b_orgs[1])
    only_b = sync_export.export(b, out_dir=out).path
    not_sync = tmp_path / "notes.xlsx"
    not_sync.write_bytes(b"not a workbook")
    assert (
        _run(
            tmp_path,
            "hub",
            "init",
            "--into",
            hub_url,
            "--code",
            "500101",
            "--name",
            "测试区总工会",
            "--clerk",
            "区经办",
        ).exit_code
        == 0
    )

    result = _run(tmp_path, "merge", "--into", hub_url, "--jobs", "2", *map(str, (second_a, only_b, not_sync, first_a)))
    assert result.exit_code == 1, result.output  # the file that is not a sync file
    lines = [line for line in result.output.splitlines() if line.startswith(("已合并", "未合并", "重复"))]
    assert [line.split("  ")[0] for line in lines] == ["未合并", "已合并", "已合并", "已合并"]
    assert (
        "notes.xlsx" in lines[0] and first_a.name in lines[1] and second_a.name in lines[2] and only_b.name in lines[3]
    )
    assert query(hub_url, "SELECT unit_code, count(*) FROM members GROUP BY 1 ORDER BY 1") == [
        ("500101001", 2),
        ("500101002", 6),
    ]
    again = _run(tmp_path, "merge", "--into", hub_url, "--jobs", "2", str(first_a), str(only_b))
    assert again.exit_code == 0 and again.output.count("重复，未改动") == 2

    sqlite = _run(tmp_path, "merge", "--jobs", "2", str(only_b))
    assert sqlite.exit_code == 1 and "--jobs 只用于 PostgreSQL" in sqlite.output
    assert not (tmp_path / "unused.db").exists()
