"""Two clerks merging into the hub at the same time, as separate `clerk merge --into` processes.

The same file merged by two processes at once is applied once: the test holds the township's
merge lock itself until both processes are seen waiting for it on the server (pg_locks), then
lets go; one merges, the other finds the file merged. Files of different townships do not wait
for each other, and two files bringing the same person at once still make exactly one conflict.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from hub_pg import hub_url, pg_admin, pg_server_url, query  # noqa: F401
from sync_world import make_township, register

from clerk.hub import service as hub
from clerk.hub.schema import LOCK_NAMESPACE
from clerk.sync import export as sync_export


@pytest.fixture
def hub_db(hub_url):
    h = hub.init(hub_url, "500101", "测试区总工会", "区县经办人")
    h.close()
    return hub_url


def _clerk(tmp_path, *args) -> subprocess.Popen:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "CLERK_EXPORTS": str(tmp_path / "out"),
        "COLUMNS": "200",
    }
    env.pop("CLERK_HUB_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", "from clerk.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def _finish(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, out
    return out


def _wait_for_waiters(url: str, n: int) -> None:
    """Until n sessions wait for an advisory lock (bounded: 60 s, then the test fails)."""
    for _ in range(600):
        waiting = query(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")[0][0]
        if waiting >= n:
            return
        time.sleep(0.1)
    pytest.fail(f"expected {n} merges waiting for the township's lock")


def _files(tmp_path, index: int, people: range):
    town, orgs = make_township(tmp_path, index)
    for seq in people:
        register(town, seq, orgs[1])
    return sync_export.export(town, out_dir=tmp_path / "exports").path


def _hold_lock(url: str, code: str):
    import psycopg

    conn = psycopg.connect(url)
    conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, code))
    return conn  # the lock is held until conn.commit()


def test_the_same_file_merged_by_two_processes_at_once_is_applied_once(tmp_path, hub_db):
    path = _files(tmp_path, 0, range(1, 41))
    holder = _hold_lock(hub_db, "500101001")
    first = _clerk(tmp_path, "merge", "--into", hub_db, str(path))
    second = _clerk(tmp_path, "merge", "--into", hub_db, str(path))
    _wait_for_waiters(hub_db, 2)  # both checked "not merged yet" and now wait for the lock
    holder.commit()
    holder.close()
    outputs = [_finish(first), _finish(second)]
    assert sum("已合并：青山镇总工会" in out for out in outputs) == 1, outputs
    assert sum("另一位经办人" in out and "没有任何改动" in out for out in outputs) == 1, outputs
    assert query(hub_db, "SELECT count(*) FROM members") == [(40,)]
    assert query(hub_db, "SELECT count(*), max(files) FROM sync_files, sync_sources") == [(1, 1)]
    assert query(hub_db, "SELECT count(*) FROM journal WHERE tbl = 'members'") == [(40,)]


def test_different_townships_merge_side_by_side(tmp_path, hub_db):
    a = _files(tmp_path, 0, range(1, 21))
    b = _files(tmp_path, 1, range(101, 131))
    holder = _hold_lock(hub_db, "500101001")  # as if a long merge of 青山镇 were running
    waiting = _clerk(tmp_path, "merge", "--into", hub_db, str(a))
    _wait_for_waiters(hub_db, 1)
    other = _finish(_clerk(tmp_path, "merge", "--into", hub_db, str(b)))  # does not wait for 青山镇
    assert "已合并：石桥镇总工会" in other
    assert waiting.poll() is None  # 青山镇's file still waits for its township's lock
    holder.commit()
    holder.close()
    assert "已合并：青山镇总工会" in _finish(waiting)
    assert query(hub_db, "SELECT unit_code, count(*) FROM members GROUP BY 1 ORDER BY 1") == [
        ("500101001", 20),
        ("500101002", 30),
    ]


def test_the_same_person_from_two_townships_at_once_is_one_conflict(tmp_path, hub_db):
    a = _files(tmp_path, 0, [*range(1, 30), 777])
    b = _files(tmp_path, 1, [*range(201, 230), 777])
    procs = [_clerk(tmp_path, "merge", "--into", hub_db, str(p)) for p in (a, b)]
    for proc in procs:
        _finish(proc)
    rows = query(hub_db, "SELECT kind, status FROM sync_conflicts")
    assert rows == [("live_twice", "open")]
    assert query(hub_db, "SELECT count(*) FROM members") == [(60,)]
