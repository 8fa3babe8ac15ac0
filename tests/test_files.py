"""The private-files helper: modes whatever the umask, whole files only, no silent replacement."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from clerk.store import files


@pytest.fixture
def open_umask():
    """The most permissive umask a clerk's machine might have."""
    old = os.umask(0)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_0600_and_new_folders_0700_whatever_the_umask(tmp_path, open_umask):
    target = tmp_path / "a" / "b" / "名单.xlsx"
    files.write_bytes(target, b"data")
    assert target.read_bytes() == b"data"
    assert mode(target) == 0o600
    assert mode(tmp_path / "a") == 0o700
    assert mode(tmp_path / "a" / "b") == 0o700
    assert not [p for p in (tmp_path / "a" / "b").iterdir() if p.name.startswith(".")]


def test_existing_folder_is_left_as_it_is(tmp_path, open_umask):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    files.write_text(folder / "x.txt", "x")
    assert mode(folder) == 0o755


def test_existing_file_refused_unless_force(tmp_path):
    target = tmp_path / "工作总结.docx"
    target.write_bytes(b"the clerk's own document")
    with pytest.raises(files.FileExists) as caught:
        files.write_bytes(target, b"report")
    assert "已经存在" in str(caught.value) and "--force" in str(caught.value)
    assert caught.value.path == target
    assert target.read_bytes() == b"the clerk's own document"
    assert [p.name for p in tmp_path.iterdir()] == ["工作总结.docx"]  # no temporary file left
    files.write_bytes(target, b"report", force=True)
    assert target.read_bytes() == b"report"
    assert mode(target) == 0o600


def test_folder_as_target_gets_a_message(tmp_path):
    with pytest.raises(files.FileRefused, match="是一个文件夹"):
        files.write_bytes(tmp_path, b"x", force=True)


def test_a_file_where_a_folder_should_be(tmp_path):
    (tmp_path / "backups").write_text("not a folder")
    with pytest.raises(files.FileRefused, match="是一个文件，不是文件夹"):
        files.write_bytes(tmp_path / "backups" / "x.db", b"x")


def test_failed_writer_leaves_nothing_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), files.replacing(target, force=True) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("writer died")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_writing_happens_under_another_name(tmp_path):
    target = tmp_path / "sync.xlsx"
    with files.replacing(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        assert mode(tmp) == 0o600
        assert not target.exists()
        tmp.write_bytes(b"x")
    assert target.read_bytes() == b"x"


def test_a_file_appearing_meanwhile_is_not_replaced(tmp_path):
    target = tmp_path / "out.xlsx"
    with pytest.raises(files.FileExists), files.replacing(target) as tmp:
        tmp.write_bytes(b"ours")
        target.write_bytes(b"someone else's")
    assert target.read_bytes() == b"someone else's"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_disk_full_is_a_clear_refusal(tmp_path):
    target = tmp_path / "out.xlsx"
    with pytest.raises(files.DiskFull, match="磁盘已满"), files.replacing(target) as tmp:
        tmp.write_bytes(b"x")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def test_create_private_makes_an_empty_0600_file_once(tmp_path, open_umask):
    path = tmp_path / "new" / "clerk.db"
    assert files.create_private(path)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    path.write_bytes(b"kept")
    assert not files.create_private(path)
    assert path.read_bytes() == b"kept"


def test_make_private_tightens_our_own_file(tmp_path):
    path = tmp_path / "old.db"
    path.write_bytes(b"x")
    os.chmod(path, 0o644)
    files.make_private(path)
    assert mode(path) == 0o600
