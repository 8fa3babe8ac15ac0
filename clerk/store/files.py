"""Private, whole files: how clerk puts anything on disk.

Every file clerk writes holds personal data, so files are created 0600 and folders 0700 whatever
the umask. A file is written under a temporary name in the folder it belongs in and renamed when
complete, so a reader (or a clerk after a power cut) never finds half a file under the real name.
A file that already exists is replaced only when the caller says so (`--force`, or the clerk said
yes in the app): clerk must never destroy a file it was not asked to replace.

    with files.replacing(target, force=force) as tmp:
        book.save(tmp)          # any writer that writes a path
    files.write_bytes(target, data, force=force)
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clerk.store.errors import ServiceError

FILE_MODE = 0o600
DIR_MODE = 0o700

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "DiskFull",
    "FileExists",
    "FileRefused",
    "check_target",
    "create_private",
    "describe_os_error",
    "is_disk_full",
    "make_private_dir",
    "make_private",
    "replacing",
    "unused_name",
    "save_workbook",
    "write_bytes",
    "write_text",
]


class FileRefused(ServiceError):
    """A file or folder clerk will not (or cannot) write; the message says what to do."""


class FileExists(FileRefused):
    """The target exists and the caller did not ask to replace it (the app asks the clerk, then retries)."""

    def __init__(self, path: Path, message: str | None = None):
        self.path = path
        super().__init__(message or f"“{path}”已经存在，没有覆盖。要替换它请加上 --force，或换一个文件名。")


class DiskFull(FileRefused):
    """No space left: nothing was written and what was there before is unchanged."""


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def describe_os_error(exc: OSError, path: Path | str) -> FileRefused:
    """The Chinese refusal for an operating-system error while writing path."""
    if is_disk_full(exc):
        return DiskFull(
            f"磁盘已满，“{path}”没有写入（原有的数据没有改动）。请删除不需要的文件、清空回收站，"
            "腾出空间后重试，或换一个有空间的位置（如 U 盘）。"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return FileRefused(
            f"无法写入“{path}”：没有写入权限，或文件正在 Excel/WPS 中打开。请关闭该文件或换一个位置后重试。"
        )
    if exc.errno == errno.ENOTDIR:
        return FileRefused(f"无法写入“{path}”：路径中有一段是文件而不是文件夹。请换一个位置。")
    return FileRefused(f"无法写入“{path}”：{exc.strerror or exc}。请换一个位置后重试。")


def make_private_dir(folder: str | Path) -> Path:
    """Create folder and any missing parents 0700; folders that already exist are left as they are."""
    folder = Path(folder)
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and not probe.is_symlink() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise FileRefused(f"“{probe}”是一个文件，不是文件夹，无法在里面保存文件。请换一个位置，或把这个文件改名。")
    for part in reversed(missing):
        try:
            os.mkdir(part, DIR_MODE)
        except FileExistsError:
            if not part.is_dir():
                raise FileRefused(f"“{part}”是一个文件，不是文件夹。请换一个位置，或把这个文件改名。") from None
            continue
        except OSError as exc:
            raise describe_os_error(exc, part) from None
        os.chmod(part, DIR_MODE)  # mkdir's mode is masked by the umask
    return folder


def check_target(target: str | Path, *, force: bool = False) -> Path:
    """Refuse a target that is a folder, or an existing file unless force."""
    target = Path(target)
    if target.is_dir():
        raise FileRefused(f"“{target}”是一个文件夹。请写出要保存的文件名，如 {target / ('文件' + '.xlsx')}。")
    if (target.exists() or target.is_symlink()) and not force:
        raise FileExists(target)
    return target


def unused_name(path: str | Path) -> Path:
    """path, or "name (2).xlsx", "name (3).xlsx", ... if it is taken: for files clerk names itself,
    so a report written again never replaces the one written before (which the clerk may have edited)."""
    path = Path(path)
    number = 2
    candidate = path
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        number += 1
    return candidate


def make_private(path: str | Path) -> None:
    """Tighten an existing file of ours to 0600 (a file another user owns is left alone)."""
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and info.st_mode & 0o077:
            os.chmod(path, FILE_MODE)
    except OSError:
        pass


def create_private(path: str | Path) -> bool:
    """Create an empty 0600 file if none is there (so a program that opens it inherits the mode).

    Returns whether the file was created."""
    path = Path(path)
    make_private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    except OSError as exc:
        raise describe_os_error(exc, path) from None
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    return True


@contextmanager
def replacing(target: str | Path, *, force: bool = False) -> Iterator[Path]:
    """Yield an empty private file beside target to write; it becomes target when the block ends.

    On any error the temporary file is removed and target is untouched. OSErrors (disk full,
    no permission) come out as FileRefused with a message for the clerk."""
    target = check_target(target, force=force)
    make_private_dir(target.parent)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise describe_os_error(exc, target) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)  # a writer may have made the file anew
        _sync(tmp)
        _publish(tmp, target, force)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise describe_os_error(exc, target) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(target: str | Path, data: bytes, *, force: bool = False) -> Path:
    with replacing(target, force=force) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def save_workbook(book, target: str | Path, *, force: bool = False) -> Path:
    """Save an openpyxl workbook as target. Made in memory first: openpyxl leaves its zip file open
    when the disk fills, and its clean-up later prints a traceback."""
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return write_bytes(target, buffer.getvalue(), force=force)


def write_text(target: str | Path, text: str, *, force: bool = False, encoding: str = "utf-8") -> Path:
    return write_bytes(target, text.encode(encoding), force=force)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(tmp: Path, target: Path, force: bool) -> None:
    if force:
        os.replace(tmp, target)
        return
    # A hard link never replaces: a file that appeared meanwhile is still refused.
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise FileExists(target) from None
    except OSError as exc:
        if is_disk_full(exc):
            raise
        # File systems without hard links (FAT/exFAT USB sticks): check, then rename.
        if target.exists():
            raise FileExists(target) from None
        os.replace(tmp, target)
        return
    tmp.unlink()
