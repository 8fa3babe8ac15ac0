"""A small fixed township for screen tests and snapshots: same people, same dates, every run."""

from __future__ import annotations

import io
from datetime import date

import pytest
from conftest import make_id
from rich.console import Console

from clerk.domain import checker
from clerk.registry import members
from clerk.reports import dashboard, targets
from clerk.store.store import Store, new_uid, now
from clerk.tui.members import status_dialog

# Screens that show "this month" and "this year" are tested on this day (see freeze_today).
FIXED_TODAY = date(2025, 6, 15)

ORGS = ("顺达快递公司工会", "石桥机械厂工会")

# name, birth date, sequence, joined on, migrant, new-employment form, organisation index
PEOPLE = (
    ("张三", "19900101", 11, "2025-06-02", True, "快递员", 0),
    ("张三丰", "19850315", 13, "2025-03-10", False, None, 1),
    ("李四", "19920720", 15, "2024-11-20", True, "外卖送餐员", 0),
    ("王小明", "19781111", 17, "2025-06-10", False, None, 1),
    ("欧阳娜娜", "20000229", 18, "2023-05-01", True, None, 0),
    ("曾志伟", "19700101", 19, "2019-09-09", False, "网约车司机", None),
)


class FixedDate(date):
    @classmethod
    def today(cls) -> FixedDate:
        return cls.fromordinal(FIXED_TODAY.toordinal())


def freeze_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make 'today' FIXED_TODAY where the dashboard figures, the form's default join date and the
    status dialog's default date come from."""
    monkeypatch.setattr(dashboard, "date", FixedDate)
    monkeypatch.setattr(members, "date", FixedDate)
    monkeypatch.setattr(status_dialog, "date", FixedDate)
    monkeypatch.setattr(checker, "date", FixedDate)
    monkeypatch.setattr(targets, "date", FixedDate)


def add_org(store: Store, name: str) -> int:
    """An organisation row for members to belong to (organisation rules are tested elsewhere)."""
    stamp = now()
    with store.write():
        cur = store.conn.execute(
            "INSERT INTO organisations (uid, unit_code, name, kind, created_at, updated_at)"
            " VALUES (?, ?, ?, '村(社区)工会', ?, ?)",
            (new_uid(), store.require_unit().code, name, stamp, stamp),
        )
    assert cur.lastrowid is not None
    return cur.lastrowid


def id_of(name: str) -> str:
    """The ID number of a sample person."""
    _, birth, seq, *_ = next(p for p in PEOPLE if p[0] == name)
    return make_id(birth, seq)


def build(store: Store) -> dict[str, int]:
    """Two organisations and six members; returns member ids by name."""
    org_ids = [add_org(store, name) for name in ORGS]
    ids = {}
    for name, birth, seq, joined, migrant, new_form, org in PEOPLE:
        ids[name] = members.register(
            store,
            {
                "name": name,
                "id_number": make_id(birth, seq),
                "phone": f"1381234{seq:04d}",
                "joined_on": joined,
                "migrant": migrant,
                "new_form": new_form,
                "org_id": None if org is None else org_ids[org],
            },
        )
    return ids


def rendered(content: object) -> str:
    """Plain text of what a Static shows (a string or a Rich renderable such as a Table)."""
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


@pytest.fixture
def sample(store, monkeypatch) -> dict[str, int]:
    """The sample township in the `store` database, with today frozen at FIXED_TODAY."""
    freeze_today(monkeypatch)
    return build(store)


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


async def wait_until(pilot, condition, *, tries: int = 100) -> None:
    """Let the app run until condition() holds (for work that takes a few frames, e.g. the palette)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the screen never reached the expected state")
