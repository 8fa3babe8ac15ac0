"""The recovery key sheet: one printed page the clerk keeps locked away, with which a forgotten
passphrase (or a lost key file, or a backup on a new laptop) can be opened again.

A plain-text page (UTF-8, under 60 lines of at most 36 Chinese characters, so any printer and any
editor put it on one A4 page); `find_key` reads the key back from the file or from typed text.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from clerk.store import keys
from clerk.store.store import Unit

_KEY_PATTERN = re.compile(r"[A-Z2-7]{4}(?:[- ]?[A-Z2-7]{4}){7}")


def text(recovery: keys.RecoveryKey, unit: Unit | None, db_name: str, when: datetime | None = None) -> str:
    when = when or datetime.now()
    groups = recovery.text.split("-")
    who = f"{unit.name}（{unit.level_label} {unit.code}）" if unit else "（尚未设置单位）"
    lines = [
        "",
        "              clerk 工会会员数据库 · 恢复密钥单",
        "",
        f"  单位：{who}",
        f"  数据库文件：{db_name}",
        f"  生成时间：{when:%Y-%m-%d %H:%M}",
        "",
        "  恢复密钥（32 个字母和数字，分 8 组）：",
        "",
        f"        {'-'.join(groups[:4])}",
        f"        {'-'.join(groups[4:])}",
        "",
        "  这张纸有什么用",
        "    忘记口令，或口令文件（数据库旁的 .key 文件）丢失时，",
        "    用恢复密钥设置新口令，会员数据一条不丢：",
        "        clerk passphrase reset",
        "    换电脑时，带上备份文件和这张纸：",
        "        clerk restore 备份文件 --recovery-key-file 本文件",
        "    输入恢复密钥时，字母大小写、短横线和空格都不要紧。",
        "",
        "  请这样保管",
        "    1. 把本页打印出来（只有一页），放进上锁的柜子，",
        "       不要和电脑、U 盘放在一起。",
        "    2. 打印后删除这个文件，也不要拍照、不要发微信。",
        "    3. 拿到这张纸的人可以打开这个数据库和它的全部备份，",
        "       请像保管公章一样保管。",
        "    4. 经办人交接工作时，把这张纸当面交给接手的人。",
        "",
        "  口令改了，这张纸仍然有效；不需要重新打印。",
        "",
    ]
    return "\n".join(lines)


def write(recovery: keys.RecoveryKey, unit: Unit | None, db_path: Path, folder: Path) -> Path:
    """Write the sheet into folder (private file, never over an existing one)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now()
    code = unit.code if unit else "clerk"
    base = f"恢复密钥-{code}-{stamp:%Y%m%d}"
    body = text(recovery, unit, db_path.name, stamp)
    for n in range(1, 1000):
        path = folder / (f"{base}.txt" if n == 1 else f"{base}-{n}.txt")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(body)
        os.chmod(path, 0o600)
        return path
    raise OSError(f"too many recovery sheets in {folder}")


def find_key(content: str) -> keys.RecoveryKey:
    """The recovery key in a sheet or in typed text (BadRecoveryKey with a Chinese reason)."""
    upper = re.sub(r"\s+", " ", content.upper().replace("—", "-"))  # the sheet prints the key on two lines
    match = _KEY_PATTERN.search(upper)
    return keys.RecoveryKey.parse(match.group(0) if match else upper)


def read_key_file(path: Path) -> keys.RecoveryKey:
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise keys.BadRecoveryKey(f"读不了恢复密钥文件“{path}”。请检查路径，或直接输入恢复密钥。") from None
    return find_key(content)
