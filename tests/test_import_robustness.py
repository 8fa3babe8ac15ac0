"""Whatever is in the cells (or the bytes), the importer answers with a plan or its own refusal,
and a kill -9 in the middle of a commit leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import make_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roster_sample import people, table_counts, write_csv, write_xlsx

from clerk.importing import pipeline as importer
from clerk.importing import writer as import_writer
from clerk.registry import members
from clerk.store.store import Store

ROOT = Path(__file__).resolve().parents[1]

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
junk_cell = st.one_of(
    st.none(),
    texts,
    st.text(alphabet="0123456789０１２３４５６７８９xX -'\t=\"", max_size=22),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(
        ['=HYPERLINK("x","张三")', "=1+1", "+86 138", "制表人：王", "姓名", "身份证号码", "合计", "是", "√"]
    ),
    st.builds(lambda s: make_id(seq=s), st.integers(1, 999)),
)
headers = st.one_of(
    st.just(["姓名", "身份证号码", "手机号码", "入会时间", "是否农民工", "民族", "新就业形态", "性别"]),
    st.lists(
        st.sampled_from(["姓 名", "公民身份号码", "联系方式", "工作单位", "备注", "序号", "", "岗位", "出生日期"]),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=8), max_size=6),
)


def _clean_text(value):
    # openpyxl refuses control characters in cells (Excel can't hold them either).
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n")
    return value


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(header=headers, rows=st.lists(st.lists(junk_cell, max_size=9), max_size=12), title=st.booleans())
def test_random_cell_junk_never_raises_past_the_importers_own_error(store, tmp_path, header, rows, title):
    sheet = (
        ([["某单位花名册"]] if title else [])
        + [[_clean_text(v) for v in header]]
        + [[_clean_text(v) for v in row] for row in rows]
    )
    path = write_xlsx(tmp_path / "junk.xlsx", {"s": sheet}, text_ids=False)
    before = table_counts(store)
    try:
        scan = importer.scan(store, path)
    except importer.ImportRefused:
        assert table_counts(store) == before
        return
    try:
        plan = importer.prepare(store, scan)
        assert sum(plan.counts[k] for k in ("new", "unchanged", "duplicate", "rejected")) <= len(rows)
        for problem in plan.problems:
            assert problem.reason and problem.row >= 1
    except importer.ImportRefused:
        pass
    finally:
        scan.close()
    assert table_counts(store) == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), name=st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.ods", "a"]))
def test_random_bytes_are_refused_or_read_never_crash(store, tmp_path, data, name):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        scan = importer.scan(store, path)
    except importer.ImportRefused as exc:
        assert str(exc)
        return
    try:
        importer.prepare(store, scan)
    except importer.ImportRefused:
        pass
    finally:
        scan.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=30, max_value=4000), flip=st.integers(min_value=0, max_value=4000))
def test_damaged_workbooks_are_refused_as_damaged(store, tmp_path, cut, flip):
    good = write_xlsx(tmp_path / "good.xlsx", {"s": [["姓名", "身份证号码"], *[[r[1], r[2]] for r in people(30)]]})
    data = bytearray(good.read_bytes())
    data = data[: min(cut * 3, len(data) - 1)]
    if flip < len(data):
        data[flip] ^= 0xFF
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bytes(data))  # always cut short: the zip's directory at its end is gone
    with pytest.raises(importer.ImportRefused) as refused:
        scan = importer.scan(store, path)
        importer.prepare(store, scan)
        scan.close()
    assert "已损坏" in str(refused.value) or "不是表格文件" in str(refused.value)
    assert table_counts(store)["members"] == 0


CHILD = r"""
import sys, time
sys.path.insert(0, {root!r})
from clerk.importing import pipeline as importer
from clerk.store.store import Store

store = Store({db!r})
scan = importer.scan(store, {roster!r})

def progress(stage, done, total):
    if stage == "写入" and done > 0:
        print("IN_TRANSACTION", done, flush=True)
        time.sleep(60)  # killed here, half way through the batch

{run}
print("COMMITTED", flush=True)
"""
# Both ways a big roster is written, and how many rows are in the open transaction by then.
WRITES = {
    "checked, then committed": ("importer.commit(store, importer.prepare(store, scan), progress)", 10_000),
    "written by the helper process while checked": (
        "importer.run(store, scan, progress=progress, parallel=True)",
        import_writer.FIRST_CHUNK,
    ),
}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("way", list(WRITES))
def test_kill_9_during_a_large_commit_leaves_the_database_as_it_was(store, tmp_path, way):
    rows = [["姓名", "身份证号码", "手机号码"]] + [[r[1], r[2], r[3]] for r in people(25_000)]
    roster = write_csv(tmp_path / "大花名册.csv", rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = table_counts(store)
    run, written = WRITES[way]
    script = CHILD.format(root=str(ROOT), db=str(store.path), roster=str(roster), run=run)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env={**os.environ})
    try:
        line = child.stdout.readline()
        assert line.startswith("IN_TRANSACTION"), line
        assert int(line.split()[1]) >= written  # rows already inserted in the open transaction
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    again = Store(store.path)
    try:
        assert table_counts(again) == before
        assert again.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Nothing holds the write lock any more (a helper process saw its input end and rolled back).
        members.register(again, {"name": "新人", "id_number": make_id("20000101", 5)})
    finally:
        again.close()
