"""One import at a time per database.

Two imports of the same people started together would both check the roster against a database
without them, and the second would then find them there when it writes. So an import holds this
lock from checking its rows to committing them; a second import waits for the first (and is told
so), then checks against what the first wrote: its people show as already members.

The lock is an flock() on a private file beside the database; the kernel lets it go when the
process ends, however it ends. Where flock() does not exist the import runs unlocked and commit()
still refuses a batch whose people were registered meanwhile (ImportRefused, nothing written).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from clerk.store import files

try:
    import fcntl
except ImportError:  # not on this system: see the docstring
    fcntl = None  # type: ignore[assignment]

WAITING = "另一个导入正在进行，等它完成后再检查这份名单……"


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}-import.lock")


@contextmanager
def one_import_at_a_time(db_path: str | Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the database's import lock; if another import holds it, call waiting() and wait."""
    if fcntl is None:
        yield
        return
    path = lock_path(db_path)
    files.create_private(path)
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting:
                waiting(WAITING)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file lets the lock go
