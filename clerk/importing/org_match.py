"""Which organisation a roster row belongs to: the 工作单位 column matched to an organisation's name.

"重庆顺达快递有限公司" matches "重庆顺达快递有限公司工会"; "顺达快递" matches it too when no
other organisation's name contains those words. Anything less certain is not matched.
"""

from __future__ import annotations

import re
import unicodedata

from clerk.store.store import Store

_UNION_SUFFIX = re.compile(r"(工会委员会|工会联合会|联合工会|工会)$")
_COMPANY_SUFFIX = re.compile(r"(有限责任公司|股份有限公司|有限公司|公司)$")


def _key(text: object) -> str:
    value = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"[\s()（）·.]", "", value)


class OrgMatcher:
    def __init__(self, store: Store, unit_code: str):
        rows = store.conn.execute(
            "SELECT id, name FROM organisations WHERE status = '正常' AND unit_code = ?", (unit_code,)
        ).fetchall()
        self.orgs = [(r["id"], r["name"], _key(r["name"])) for r in rows]
        self._memo: dict[str, tuple[int, str] | None] = {}

    def match(self, raw: object) -> tuple[int, str] | None:
        key = _key(raw)
        if not key:
            return None
        if key not in self._memo:
            self._memo[key] = self._find(key)
        return self._memo[key]

    def _find(self, key: str) -> tuple[int, str] | None:
        for org_id, name, org_key in self.orgs:
            if key == org_key or key == _UNION_SUFFIX.sub("", org_key):
                return org_id, name
        core = _COMPANY_SUFFIX.sub("", _UNION_SUFFIX.sub("", key))
        if len(core) < 2:
            return None
        found = [(org_id, name) for org_id, name, org_key in self.orgs if core in org_key]
        return found[0] if len(found) == 1 else None
