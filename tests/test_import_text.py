"""CSV rosters that would be stored damaged are refused with the line to look at, before anything
is written: an encoding that changes part way, a NUL byte, an over-long field. The files are built
here as bytes, the way other programs leave them."""

from __future__ import annotations

from pathlib import Path

import pytest
from roster_sample import HEADER, people, run, table_counts
from test_cli import clerk, ok

from clerk.importing import pipeline as importer
from clerk.spreadsheets import textfile


def csv_bytes(rows, encoding: str) -> bytes:
    return "".join(",".join(str(v) for v in row) + "\r\n" for row in rows).encode(encoding)


def refused(store, path: Path) -> str:
    before = table_counts(store)
    with pytest.raises(importer.ImportRefused) as caught:
        run(store, path, commit=True)
    assert table_counts(store) == before
    return str(caught.value)


def test_gbk_rows_then_utf8_rows_are_refused_at_the_first_utf8_line(store, tmp_path):
    """An employer's GBK list with rows appended by a tool that writes UTF-8: 张伟 would become 寮犱紵."""
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes([HEADER, *people(3)], "gbk") + csv_bytes(people(2, start=3), "utf-8"))
    message = refused(store, path)
    assert "第 5 行" in message and "编码" in message and "GBK" in message and "UTF-8" in message


def test_utf8_rows_turning_gbk_after_the_first_megabyte_are_refused_with_the_line(store, tmp_path):
    lines = [csv_bytes([HEADER], "utf-8")]
    size = len(lines[0])
    for row in people(30_000):
        if size > (1 << 20) + 5000:
            break
        lines.append(csv_bytes([row], "utf-8"))
        size += len(lines[-1])
    path = tmp_path / "名单.csv"
    path.write_bytes(b"".join(lines) + csv_bytes(people(2, start=40_000), "gbk"))
    assert path.stat().st_size > 1 << 20
    message = refused(store, path)
    assert f"第 {len(lines) + 1} 行" in message and "编码" in message


def test_utf8_first_rows_then_gbk_in_a_small_file_are_refused(store, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes([HEADER, *people(2)], "utf-8") + csv_bytes(people(2, start=2), "gbk"))
    assert "第 4 行" in refused(store, path)


def test_a_field_over_one_megabyte_is_refused_with_its_line(store, tmp_path):
    rows = [HEADER, *people(2), [3, "王五", "x" * (textfile.LINE_LIMIT + 10), "", "", ""], *people(1, start=5)]
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes(rows, "utf-8"))
    message = refused(store, path)
    assert "第 4 行" in message and "1 MB" in message


def test_a_nul_byte_late_in_the_file_is_refused_with_its_line(store, tmp_path):
    rows = [HEADER, *people(3000)]
    data = csv_bytes(rows, "utf-8") + "9999,张\x00三,110101199001010011,,,\r\n".encode()
    path = tmp_path / "名单.csv"
    path.write_bytes(data)
    message = refused(store, path)
    assert "第 3002 行" in message and "NUL" in message


def test_clean_gbk_and_utf8_files_still_import(store, tmp_path):
    for n, encoding in enumerate(("gbk", "utf-8", "utf-8-sig", "gb18030")):
        path = tmp_path / f"名单{n}.csv"
        rows = [HEADER, *people(3, start=n * 3)]
        rows[1][1] = "买买提·艾力"  # the middle dot exists in GBK as well
        path.write_bytes(csv_bytes(rows, encoding))
        plan, _ = run(store, path, commit=True)
        assert plan.counts["new"] == 3, encoding


@pytest.mark.parametrize("kind", ["encoding", "nul", "long"])
def test_the_cli_prints_the_message_not_a_traceback(tmp_path, kind):
    path = tmp_path / "名单.csv"
    good = csv_bytes([HEADER, *people(2)], "utf-8")
    path.write_bytes(
        good
        + {
            "encoding": csv_bytes(people(1, start=2), "gbk"),
            "nul": csv_bytes(people(2000, start=2), "utf-8") + b"3,\xe5\xbc\xa0\x00,1,,,\r\n",
            "long": b"3," + b"9" * (textfile.LINE_LIMIT + 1) + b",,,,\r\n",
        }[kind]
    )
    db = str(tmp_path / "c.db")
    ok(clerk("--db", db, "setup", "--code", "500101001", "--name", "测试镇总工会", "--clerk", "王"))
    result = clerk("--db", db, "import", str(path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert ("第 2004 行" if kind == "nul" else "第 4 行") in result.stderr + result.stdout
