"""会员证 numbers: the district's prefix and a sequence, issued by clerk, never twice.

The rule (prefix, digits) lives in settings; the district decides it (by default the township's
unit code, so numbers never collide between townships). The next sequence number only goes up,
and a number some member already holds (typed in, or brought by a roster) is skipped, so a
number is never given to two people. Issuing writes the member's card_no through the journaled
member update, so it is synced upward like any other change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from clerk.registry import members
from clerk.store.store import ServiceError, Store

PREFIX, DIGITS, NEXT = "card_prefix", "card_digits", "card_next"
_PREFIX = re.compile(r"[0-9A-Za-z\-]{0,20}")


@dataclass(frozen=True)
class CardRule:
    prefix: str
    digits: int
    next: int

    def number(self, seq: int) -> str:
        return f"{self.prefix}{seq:0{self.digits}d}"

    @property
    def example(self) -> str:
        return self.number(self.next)


def rule(store: Store) -> CardRule:
    unit = store.require_unit()
    prefix = store.setting(PREFIX)
    return CardRule(
        unit.code if prefix is None else prefix,
        int(store.setting(DIGITS) or 6),
        int(store.setting(NEXT) or 1),
    )


def set_rule(store: Store, prefix: str, digits: int = 6, *, next_seq: int | None = None) -> CardRule:
    """Set the numbering rule; the sequence may move forward but never back."""
    prefix = prefix.strip().upper()
    if not _PREFIX.fullmatch(prefix):
        raise ServiceError("会员证号前缀只能由数字、字母和“-”组成，最多 20 位（如 500101001 或 YB-05-）。")
    if not 4 <= digits <= 10:
        raise ServiceError("会员证号的流水号位数应在 4 到 10 位之间。")
    current = rule(store)
    seq = current.next if next_seq is None else next_seq
    if seq < current.next:
        raise ServiceError(f"流水号只能往后调（现在从 {current.next} 开始），不能往回调：已发出的证号不能再发。")
    store.set_settings(**{PREFIX: prefix, DIGITS: str(digits), NEXT: str(seq)})
    return rule(store)


def issue(store: Store, member_ids: Iterable[int]) -> dict[int, str]:
    """Give a card number to each of these members who has none; returns {member id: new number}."""
    issued: dict[int, str] = {}
    with store.write():
        current = rule(store)
        seq = current.next
        taken = {r[0] for r in store.conn.execute("SELECT DISTINCT card_no FROM members WHERE card_no IS NOT NULL")}
        for member_id in member_ids:
            row = store.conn.execute("SELECT card_no, deleted_at FROM members WHERE id = ?", (member_id,)).fetchone()
            if row is None or row["deleted_at"] or row["card_no"]:
                continue
            number = current.number(seq)
            while number in taken:
                seq += 1
                number = current.number(seq)
            members.change(store, member_id, {"card_no": number})
            issued[member_id] = number
            taken.add(number)
            seq += 1
        store.set_settings(**{NEXT: str(seq)})
    return issued
