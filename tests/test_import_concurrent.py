"""Two imports of the same people at once: the second waits for the first, then finds them there;
a batch checked before someone else wrote its people is refused whole, never a traceback."""

from __future__ import annotations

import subprocess
import threading

import pytest
from roster_sample import HEADER, people, run, table_counts, write_xlsx
from test_cli import clerk_exe

from clerk.importing import commit as import_commit
from clerk.importing import lock as import_lock
from clerk.importing import pipeline as importer
from clerk.registry.members import register


def members(store) -> int:
    return store.conn.execute("SELECT count(*) FROM members").fetchone()[0]


def test_a_second_import_waits_for_the_first_then_finds_its_people(store, tmp_path):
    path = write_xlsx(tmp_path / "名单.xlsx", {"s": [HEADER, *people(20)]})
    said: list[str] = []
    outcome: dict = {}

    def second() -> None:
        scan = importer.scan(store, path)
        try:
            outcome["result"] = importer.run(store, scan, progress=lambda stage, done, total: said.append(stage))
        finally:
            scan.close()

    with import_lock.one_import_at_a_time(store.path):  # the first import, still checking
        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=2)
        assert thread.is_alive(), "the second import must wait"
        assert import_lock.WAITING in said
        assert members(store) == 0
        for row in people(20):  # what the first import writes
            register(store, {"name": row[1], "id_number": row[2], "phone": row[3]})
    thread.join(timeout=30)
    plan, result = outcome["result"]
    assert members(store) == 20
    assert plan.counts["new"] == 0 and not result.written


def test_a_batch_checked_before_its_people_were_registered_elsewhere_is_refused_whole(store, tmp_path):
    stale = run(store, write_xlsx(tmp_path / "a.xlsx", {"s": [HEADER, *people(5)]}))  # previewed
    run(store, write_xlsx(tmp_path / "b.xlsx", {"s": [HEADER, *people(2, start=3)]}), commit=True)
    before = table_counts(store)
    with pytest.raises(importer.ImportRefused) as caught:
        importer.commit(store, stale)
    assert str(caught.value) == import_commit.REGISTERED_MEANWHILE
    assert table_counts(store) == before


def test_two_clerk_imports_of_the_same_people_at_once(db_path, tmp_path):
    setup = [
        clerk_exe(),
        "--db",
        str(db_path),
        "setup",
        "--code",
        "500101001",
        "--name",
        "测试镇总工会",
        "--clerk",
        "王",
    ]
    subprocess.run(setup, check=True, capture_output=True)
    rows = people(3000)
    files = [
        write_xlsx(tmp_path / "a.xlsx", {"s": [HEADER, *rows]}),
        write_xlsx(tmp_path / "b.xlsx", {"s": [HEADER, *reversed(rows)]}),
    ]
    procs = [
        subprocess.Popen(
            [clerk_exe(), "--db", str(db_path), "import", str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in out + err and "IntegrityError" not in out + err
    text = "".join(out for out, _ in outputs)
    assert "新入会 3000 人" in text
    import sqlite3

    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM members").fetchone()[0] == 3000
    assert conn.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 1
    conn.close()
