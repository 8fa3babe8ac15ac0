"""First-run setup: which union unit this database belongs to and who keeps it."""

from __future__ import annotations

import re
import unicodedata

from clerk.store.store import ServiceError, Store, Unit


def normalize_code(code: str) -> str:
    """Full-width digits (typed with a Chinese input method) to ASCII, spaces trimmed."""
    return unicodedata.normalize("NFKC", code).strip()


def validate_unit(code: str, name: str, clerk: str) -> dict[str, str]:
    """Field -> Chinese error message; empty when all is well."""
    errors = {}
    code = normalize_code(code)
    if not re.fullmatch(r"[0-9]{9}|[0-9]{6}", code):
        errors["code"] = "单位代码应为 9 位数字（乡镇/街道）或 6 位数字（区县）。"
    if not name.strip():
        errors["name"] = "请填写单位名称。"
    if not clerk.strip():
        errors["clerk"] = "请填写经办人姓名，每条修改记录都会带上它。"
    return errors


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
