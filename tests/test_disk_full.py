"""A full disk: reading still works (member list, detail, search, a backup to another disk), and
every write says the disk is full and what to do — never "disk I/O error", never a traceback.

The disk is real where the machine allows: a 4 MB tmpfs mounted in a private mount namespace
(`unshare -m` as root, `unshare -rm` as a user with user namespaces), filled to the last byte. Where
neither works, the same commands run against a simulated ENOSPC (SQLite told the disk is full).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from roster_sample import HEADER, people, write_xlsx
from test_cli import clerk_exe

from clerk.registry import members, setup
from clerk.store.store import Store

UNIT = ("500101001", "测试镇总工会", "测试经办人")

# Each step: (name, clerk arguments); {other} is a folder on another disk, {roster} a roster there.
READS = [
    ("list", ["member", "list"]),
    ("search", ["member", "list", "张"]),
    ("show", ["member", "show", "1"]),
    ("backup elsewhere", ["backup", "--to", "{other}/备份.db"]),
]
WRITES = [
    ("add", ["member", "add", "--name", "李四", "--id-number", "{new_id}", "--phone", "13900000001"]),
    ("import", ["import", "{roster}"]),
    ("report", ["report"]),
    ("backup here", ["backup"]),
]

RUNNER = textwrap.dedent(
    """
    import json, os, subprocess, sys
    disk, other, clerk, steps = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk], check=True)
    subprocess.run(["cp", "-a", os.path.join(other, "seed") + "/.", disk], check=True)
    with open(os.path.join(disk, "filler"), "wb") as f:  # fill the disk to the last byte
        try:
            while True:
                f.write(b"\\0" * 65536)
                f.flush()
        except OSError:
            pass
    results = {}
    for name, args in steps:
        r = subprocess.run([clerk, "--db", os.path.join(disk, "clerk.db"), *args], capture_output=True, text=True,
                           env={**os.environ, "COLUMNS": "200"}, timeout=120)
        results[name] = [r.returncode, r.stdout, r.stderr]
    print(json.dumps(results))
    """
)


def namespace_command() -> list[str] | None:
    """How to get a private mount namespace here, or None."""
    unshare = shutil.which("unshare")
    if not unshare or not sys.platform.startswith("linux"):
        return None
    for command in ([unshare, "-m"] if os.geteuid() == 0 else [], [unshare, "-rm"]):
        if command and subprocess.run([*command, "true"], capture_output=True).returncode == 0:
            return command
    return None


@pytest.fixture
def seeded(tmp_path):
    """A township database with one member, in other/seed (copied onto the small disk later)."""
    from conftest import make_id

    other = tmp_path / "other"
    seed = other / "seed"
    seed.mkdir(parents=True)
    store = Store(seed / "clerk.db")
    setup.set_up(store, *UNIT)
    members.register(store, {"name": "张三", "id_number": make_id(seq=1), "phone": "13800000001"})
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    write_xlsx(other / "名单.xlsx", {"s": [HEADER, *people(5, start=100)]})
    return other, make_id(seq=2)


def run_on_full_disk(tmp_path, other: Path, new_id: str) -> dict[str, tuple[int, str]]:
    command = namespace_command()
    if command is None:
        pytest.skip("no way to mount a small file system here (see test_disk_full_simulated)")
    disk = tmp_path / "disk"
    disk.mkdir()
    fill = {"{other}": str(other), "{roster}": str(other / "名单.xlsx"), "{new_id}": new_id}
    steps = [(name, [fill.get(a, a.replace("{other}", str(other))) for a in args]) for name, args in READS + WRITES]
    script = tmp_path / "runner.py"
    script.write_text(RUNNER, encoding="utf-8")
    done = subprocess.run(
        [*command, sys.executable, str(script), str(disk), str(other), clerk_exe(), json.dumps(steps)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        pytest.skip(f"could not mount a small file system: {done.stderr.strip()[-200:]}")
    return {name: (code, out + err) for name, (code, out, err) in json.loads(done.stdout).items()}


def test_a_full_disk_still_reads_and_every_write_says_the_disk_is_full(tmp_path, seeded):
    other, new_id = seeded
    results = run_on_full_disk(tmp_path, other, new_id)
    for name, (_, output) in results.items():
        assert "Traceback" not in output, (name, output)
        assert "disk I/O error" not in output, (name, output)
    for name, _ in READS:
        code, output = results[name]
        assert code == 0, (name, output)
    assert "张三" in results["list"][1] and "张三" in results["search"][1] and "张三" in results["show"][1]
    assert (other / "备份.db").exists()
    for name, _ in WRITES:
        code, output = results[name]
        assert code != 0, (name, output)
        assert "磁盘已满" in output and "腾出" in output, (name, output)


def test_disk_full_simulated(seeded, monkeypatch):
    """The same promise where no small disk can be mounted: SQLite cannot make its files beside the
    database ("disk I/O error") and no space is left."""
    from collections import namedtuple

    from clerk.registry import search
    from clerk.store import db
    from clerk.store.store import ServiceError, open_store

    other, new_id = seeded
    path = other / "seed" / "clerk.db"
    real_open = db.open_file

    def full_disk_open(target, **kwargs):
        if not kwargs.get("readonly"):
            raise db.sqlite.OperationalError("disk I/O error")
        return real_open(target, **kwargs)

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(db, "open_file", full_disk_open)
    monkeypatch.setattr(db.shutil, "disk_usage", lambda p: usage(1 << 30, 1 << 30, 0))
    store = open_store(path)
    assert [r.name for r in search.search(store, "张").rows] == ["张三"]
    assert members.get(store, 1)["name"] == "张三"
    with pytest.raises(ServiceError) as caught:
        members.register(store, {"name": "李四", "id_number": new_id})
    assert "磁盘已满" in str(caught.value) and "腾出" in str(caught.value)
    monkeypatch.setattr(db, "open_file", real_open)
    copy = other / "copy.db"
    store.backup(to=copy)  # to another disk
    assert copy.exists()
    store.close()
