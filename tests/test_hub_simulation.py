"""The sync simulation's township world, every batch merged into the SQLite district and the
PostgreSQL hub alike: the same outcome for every file, the same records and bookkeeping after
every round (random registrations, edits, leaving, deletions, transfers between townships;
files duplicated, reordered, late, and a complete export overlapping the incrementals)."""

from __future__ import annotations

import shutil

import pytest
from hub_pg import hub_url, pg_admin, pg_server_url  # noqa: F401
from test_hub_merge import _bookkeeping, _pg_counts_match_members, _pg_records, _sqlite_records
from test_sync_simulation import World

from clerk.hub import service as hub
from clerk.sync import merge as sync_merge


class TwoHubs(World):
    def __init__(self, tmp_path, seed, pg):
        super().__init__(tmp_path, seed)
        self.pg = pg

    def merge(self, files, **kw):
        files = list(files)
        district = super().merge(files, **kw)
        pg = hub.merge(self.pg, files, **kw)
        assert [(o.path.name, o.status, o.counts) for o in pg.outcomes] == [
            (o.path.name, o.status, o.counts) for o in district.outcomes
        ]
        return district


@pytest.mark.parametrize("seed", [7, 20261123])
def test_rounds_of_random_township_work_merge_alike(tmp_path, hub_url, seed):
    pg = hub.init(hub_url, "500101", "测试区总工会", "区县经办人")
    world = TwoHubs(tmp_path, seed, pg)
    late = None
    for round_no in range(5):  # the rounds of test_sync_simulation
        for t in range(3):
            for _ in range(world.rng.randint(4, 9)):
                world.step(t)
        if round_no == 0:
            for _ in range(3):
                world.step_register(2)
        if round_no == 1:
            world.transfer(2, 0, known_to_district=True)
        files = [world.export(t, full=(round_no == 3 and t == 2)) for t in range(3)]
        if round_no == 1:
            late = files.pop(1)
        batch = files + world.inbox
        world.inbox = []
        if round_no >= 1:
            copy = files[0].with_name(files[0].stem + "(1).xlsx")
            shutil.copy(files[0], copy)
            batch.append(copy)
        world.rng.shuffle(batch)
        if round_no == 3:
            batch.append(late)
        report = world.merge(batch)
        world.inbox = [o.path for o in report.outcomes if o.status == sync_merge.REFUSED]
        assert _pg_records(pg) == _sqlite_records(world.district)
        assert _pg_records(pg, "organisations") == _sqlite_records(world.district, "organisations")
        assert _bookkeeping(pg.conn) == _bookkeeping(world.district.conn)
    assert not world.inbox
    # Whatever is still open is resolved the same way on both.
    for c in sync_merge.conflicts(world.district):
        [twin] = [p for p in hub.conflicts(pg) if (p.kind, p.row_uid) == (c.kind, c.row_uid)]
        choice = "transfer" if c.kind == "live_twice" else "township"
        assert sync_merge.resolve(world.district, c.id, choice) == hub.resolve(pg, twin.id, choice)
    assert _pg_records(pg) == _sqlite_records(world.district)
    assert _bookkeeping(pg.conn) == _bookkeeping(world.district.conn)
    _pg_counts_match_members(pg)
    pg.close()
