"""Without a PostgreSQL server the hub tests skip saying why — except in CI, where they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ONE_HUB_TEST = "test_hub_schema.py::test_init_twice_keeps_the_unit_and_refuses_another"


def _pytest(ci: str):
    env = {k: v for k, v in os.environ.items() if k not in ("CLERK_TEST_PG_URL", "PYTEST_ADDOPTS")}
    env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", ONE_HUB_TEST],
        cwd=TESTS,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )


def test_skipped_with_the_reason_locally():
    run = _pytest("")
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout and "no PostgreSQL server for the hub tests" in run.stdout
    assert "tests/pg_server.sh start" in run.stdout


def test_failed_in_ci():
    run = _pytest("true")
    assert run.returncode != 0, run.stdout
    assert "hub tests need PostgreSQL in CI" in run.stdout and "skipped" not in run.stdout
