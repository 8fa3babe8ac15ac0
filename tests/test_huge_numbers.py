"""A number no record can have (beyond SQLite's integers) is "no such record", never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from clerk.cli import main

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "args",
    [
        ["member", "show", HUGE],
        ["batches", "show", HUGE],
        ["batches", "undo", HUGE, "--yes"],
        ["batches", "report", HUGE],
        ["print", "forms", HUGE],
        ["org", "show", HUGE],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_a_huge_number_is_no_such_record(store, db_path, args):
    result = CliRunner().invoke(main, ["--db", str(db_path), *args], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "没有" in result.output or "找不到" in result.output
