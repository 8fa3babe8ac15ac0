"""Shared fixtures: real SQLite files in tmp_path, a set-up store, demo data, a running app."""

from __future__ import annotations

import pytest

from clerk.domain import idcard
from clerk.registry import setup
from clerk.store.store import Store

# The sample township fixture (tests/sample.py) for every test file, without importing it in each.
pytest_plugins = ("sample",)

UNIT = ("500101001", "测试镇总工会", "测试经办人")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Never touch a real clerk database, inbox or outbox from a test (the folders sit beside the database)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for name in ("CLERK_DB", "CLERK_IMPORTS", "CLERK_EXPORTS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "clerk.store.db"


@pytest.fixture
def store(db_path):
    """A township database that has been set up, empty of records."""
    s = Store(db_path)
    setup.set_up(s, *UNIT)
    yield s
    s.close()


def make_id(birth: str = "19900101", seq: int = 1, region: str = "500101") -> str:
    """A valid 18-digit ID number for tests."""
    return idcard.with_check_digit(f"{region}{birth}{seq:03d}")


@pytest.fixture
def person():
    """Form values of one valid new member."""
    return {"name": "张三", "id_number": make_id(), "phone": "13812345678", "joined_on": "2026-01-15"}
