"""First-run setup: which union unit this database belongs to and who keeps it."""

from __future__ import annotations

import re
import unicodedata

from clerk.domain import idcard
from clerk.store.store import ServiceError, Store, Unit

# Tables whose rows carry the code of the unit that keeps them (journal: of the unit that wrote it).
_UNIT_TABLES = ("members", "organisations", "transfers", "import_batches")


def normalize_code(code: str) -> str:
    """Full-width digits (typed with a Chinese input method) to ASCII, spaces trimmed."""
    return unicodedata.normalize("NFKC", code).strip()


def validate_unit(code: str, name: str, clerk: str) -> dict[str, str]:
    """Field -> Chinese error message; empty when all is well."""
    errors = {}
    code = normalize_code(code)
    if not re.fullmatch(r"[0-9]{9}|[0-9]{6}", code):
        errors["code"] = "单位代码应为 9 位数字（乡镇/街道）或 6 位数字（区县）。"
    elif not region_of(code):
        errors["code"] = (
            f"单位代码的前 6 位 {code[:6]} 不是已知的区县行政区划代码，请核对"
            "（例如 500101 是重庆市万州区，乡镇代码在它后面再加 3 位）。"
        )
    if not name.strip():
        errors["name"] = "请填写单位名称。"
    if not clerk.strip():
        errors["clerk"] = "请填写经办人姓名，每条修改记录都会带上它。"
    return errors


def region_of(code: str) -> str:
    """The province and county the code's first 6 digits name ('' when unknown), shown as typed."""
    code = normalize_code(code)
    return idcard.region_name(code[:6]) if len(code) >= 6 and code[:6].isdigit() else ""


def set_up(store: Store, code: str, name: str, clerk: str) -> Unit:
    errors = validate_unit(code, name, clerk)
    if errors:
        raise ServiceError(" ".join(errors.values()))
    code = normalize_code(code)
    existing = store.unit
    if existing and existing.code != code:
        raise ServiceError(
            f"这个数据库已属于 {existing.name}（{existing.code}），不能改成另一个单位代码。"
            "如需为另一个单位建库，请用 --db 指定新的文件。"
        )
    store.set_settings(unit_code=code, unit_name=name.strip(), clerk_name=clerk.strip())
    return store.require_unit()


def exported(store: Store) -> bool:
    """Whether this database has written a sync file: the district then knows it by its code."""
    from clerk.sync import export  # imported here: setup itself needs nothing of sync

    return export.pending(store)[0] > 0


def correct_unit(store: Store, code: str, name: str, clerk: str) -> Unit:
    """Correct the unit's code, name or clerk after setup. The name and the clerk can change at any
    time (a new clerk takes over); the code only until the first sync file is written, and then
    every record, change and batch kept under the old code moves to the new one in one transaction."""
    errors = validate_unit(code, name, clerk)
    if errors:
        raise ServiceError(" ".join(errors.values()))
    code = normalize_code(code)
    old = store.require_unit()
    if code != old.code:
        if exported(store):
            raise ServiceError(
                f"本库已经按单位代码 {old.code} 导出过同步文件，区县已据此收下本库的数据，不能再改代码。"
                "如代码确实有误，请联系区县总工会。"
            )
        if (len(code) == 6) != (len(old.code) == 6):
            raise ServiceError("乡镇（街道）库和区县库不能互相改：9 位代码只能改成 9 位，6 位只能改成 6 位。")
        with store.write():
            for table in _UNIT_TABLES:
                store.conn.execute(f"UPDATE {table} SET unit_code = ? WHERE unit_code = ?", (code, old.code))
            _recode_journal(store, old.code, code)
            store.set_settings(unit_code=code, unit_name=name.strip(), clerk_name=clerk.strip())
        return store.require_unit()
    store.set_settings(unit_name=name.strip(), clerk_name=clerk.strip())
    return store.require_unit()


def _recode_journal(store: Store, old: str, new: str) -> None:
    """The journal's own column and the unit code inside its before/after images."""
    for column in ("before", "after"):
        store.conn.execute(
            f"UPDATE journal SET {column} = json_set({column}, '$.unit_code', ?)"
            f" WHERE json_valid({column}) AND json_extract({column}, '$.unit_code') = ?",
            (new, old),
        )
    store.conn.execute("UPDATE journal SET unit_code = ? WHERE unit_code = ?", (new, old))
