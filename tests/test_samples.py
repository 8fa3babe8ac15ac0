"""The files clerk ships and the demo township: they import cleanly under today's rules, and
nothing they hold breaks a rule a clerk's own data must follow (no formula-like names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from roster_sample import run

from clerk.domain import idcard, names
from clerk.registry import demo

IMPORTS = Path(__file__).resolve().parent.parent / "imports"


def stored_people(store) -> list[tuple[str, str]]:
    return [tuple(r) for r in store.conn.execute("SELECT name, id_number FROM members")]


def assert_every_stored_person_follows_the_rules(store) -> None:
    for name, number in stored_people(store):
        assert names.parse(name, foreign=idcard.kind_of(number) == idcard.FOREIGN_PERMIT) == name
        assert idcard.parse(number).number == number


@pytest.mark.parametrize(
    "file, new, rejected",
    [("顺达快递-会员花名册.xlsx", 9, 2), ("外卖配送站-骑手名单.csv", 4, 1), ("花名册模板.xlsx", 0, 0)],
)
def test_shipped_rosters_import_with_only_their_deliberate_mistakes(store, file, new, rejected):
    plan, _ = run(store, IMPORTS / file, commit=True)
    assert (plan.counts["new"], plan.counts["rejected"]) == (new, rejected)
    assert_every_stored_person_follows_the_rules(store)
    assert not [n for n, _ in stored_people(store) if n.startswith(names.FORMULA_START)]


def test_the_shipped_express_roster_stores_zhou_jie_as_a_plain_name(store):
    run(store, IMPORTS / "顺达快递-会员花名册.xlsx", commit=True)
    assert "周杰" in {n for n, _ in stored_people(store)}


def test_the_demo_township_follows_the_rules(db_path):
    from clerk.store.store import Store

    store = Store(db_path)
    demo.build(store, count=120)
    assert len(stored_people(store)) == 120
    assert_every_stored_person_follows_the_rules(store)
    store.close()
