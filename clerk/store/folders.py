"""The clerk's two working folders: the inbox (imports/) and the outbox (exports/).

They live beside the database, so a clerk finds them wherever `clerk` was started from; a clerk
can choose other folders (`clerk config set`, the settings screen), kept in the database's
settings. The environment variables CLERK_IMPORTS / CLERK_EXPORTS win over both (scripts, tests).
A folder is created the first time it is used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from clerk.store import files
from clerk.store.store import ServiceError, Store

IMPORTS = "imports"
EXPORTS = "exports"
KEYS = (IMPORTS, EXPORTS)
LABELS = {IMPORTS: "收件文件夹（花名册、乡镇同步文件）", EXPORTS: "导出文件夹（同步文件、报表、错误报告）"}
ENV = {IMPORTS: "CLERK_IMPORTS", EXPORTS: "CLERK_EXPORTS"}


@dataclass(frozen=True)
class Folder:
    """Where one working folder is and why it is there."""

    key: str
    path: Path
    source: str  # "default" (beside the database), "chosen" (settings) or "env"

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def source_label(self) -> str:
        if self.source == "env":
            return f"由环境变量 {ENV[self.key]} 指定"
        return "已自选" if self.source == "chosen" else "默认：数据库旁边"


def _setting_key(key: str) -> str:
    return f"{key}_dir"


def _check_key(key: str) -> None:
    if key not in KEYS:
        raise ServiceError(f"没有“{key}”这个文件夹设置。可设置的有：{IMPORTS}（收件）、{EXPORTS}（导出）。")


def beside(db_path: Path, key: str) -> Path:
    """The default place of a working folder: next to the database file."""
    return Path(os.path.abspath(db_path)).parent / key


def locate(store: Store, key: str) -> Folder:
    """Where a working folder is, without creating it."""
    _check_key(key)
    env = os.environ.get(ENV[key])
    if env:
        return Folder(key, Path(os.path.abspath(env)), "env")
    chosen = store.setting(_setting_key(key))
    if chosen:
        return Folder(key, Path(chosen), "chosen")
    return Folder(key, beside(store.path, key), "default")


def all_folders(store: Store) -> list[Folder]:
    """Both working folders, for `clerk config show` and the settings screen."""
    return [locate(store, key) for key in KEYS]


def ensure(path: Path) -> Path:
    """Create a folder (private to the clerk) if it is missing; a Chinese refusal if it cannot be."""
    if path.exists() and not path.is_dir():
        raise ServiceError(f"“{path}”是一个文件，不是文件夹。请换一个文件夹。")
    return files.make_private_dir(path)


def imports_dir(store: Store) -> Path:
    """The inbox the app looks in first for rosters and township sync files (created on first use)."""
    return ensure(locate(store, IMPORTS).path)


def exports_dir(store: Store) -> Path:
    """Where sync files, reports and error reports are written (created on first use)."""
    return ensure(locate(store, EXPORTS).path)


def choose(store: Store, key: str, path: str | Path | None) -> Folder:
    """Keep another place for a working folder (made absolute and created now); empty: back to the default."""
    _check_key(key)
    text = str(path or "").strip()
    if not text:
        store.set_settings(**{_setting_key(key): ""})
        return locate(store, key)
    folder = Path(os.path.abspath(os.path.expanduser(text)))
    ensure(folder)
    if not os.access(folder, os.W_OK):
        raise ServiceError(f"文件夹“{folder}”不可写。请换一个位置。")
    store.set_settings(**{_setting_key(key): str(folder)})
    return locate(store, key)
