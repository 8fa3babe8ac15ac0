"""`clerk export`, `clerk merge`, `clerk conflicts list|resolve` as a clerk types them."""

from __future__ import annotations

from click.testing import CliRunner
from sync_world import make_district, make_township, register

from clerk.cli import main


def _run(db, *args, input=None):
    return CliRunner().invoke(main, ["--db", str(db), *args], input=input)


def test_export_merge_and_resolve_from_the_command_line(tmp_path):
    exports = tmp_path / "out"
    a, a_orgs = make_township(tmp_path, 0)
    b, b_orgs = make_township(tmp_path, 1)
    register(a, 5, a_orgs[1])
    register(b, 5, b_orgs[1])
    district = make_district(tmp_path)
    paths = {s.require_unit().code: s.path for s in (a, b, district)}
    for s in (a, b, district):
        s.close()

    result = _run(paths["500101001"], "export", "--out", str(exports), "--password", input="pw\npw\n")
    assert result.exit_code == 0, result.output
    assert "已导出增量同步文件" in result.output and "已加密" in result.output
    result = _run(paths["500101002"], "export", "--full", "--out", str(exports))
    assert result.exit_code == 0 and "完整" in result.output
    again = _run(paths["500101002"], "export", "--out", str(exports))
    assert again.exit_code == 0 and "没有新的修改" in again.output

    files = sorted(str(p) for p in exports.glob("*.xlsx"))
    wrong = _run(paths["500101"], "merge", *files)
    assert wrong.exit_code == 1 and "设置了密码" in wrong.output and "已合并" in wrong.output
    result = _run(paths["500101"], "merge", *files, "--password", input="pw\n")
    assert result.exit_code == 0, result.output
    assert "合并前已自动备份" in result.output and "1 条冲突待处理" in result.output

    listing = _run(paths["500101"], "conflicts", "list")
    assert "同一人在两处在册" in listing.output and "青山镇总工会" in listing.output
    resolved = _run(paths["500101"], "conflicts", "resolve", "1", "转接")
    assert resolved.exit_code == 0 and "已处理" in resolved.output
    assert "没有待处理的冲突" in _run(paths["500101"], "conflicts", "list").output
    assert "已处理（转接）" in _run(paths["500101"], "conflicts", "list", "--all").output
    bad = _run(paths["500101"], "conflicts", "resolve", "1", "district")
    assert bad.exit_code == 1 and "已于" in bad.output


def test_merge_at_a_township_is_refused(tmp_path):
    a, orgs = make_township(tmp_path, 0)
    register(a, 1, orgs[1])
    a.close()
    out = tmp_path / "out"
    _run(a.path, "export", "--out", str(out))
    result = _run(a.path, "merge", *map(str, out.glob("*.xlsx")))
    assert result.exit_code == 1 and "区县总工会的数据库" in result.output
    assert "Traceback" not in result.output
