"""The membership lifecycle: statuses, the reasons each change may give, and which changes are allowed.

在册 is a member on the roll; 保留会籍 keeps the membership of someone laid off, retired or gone
abroad (工会章程: they keep it, pay no dues); 转出 left for another union; 退会 left of their own
will (or by the six-month rule); 除名 was expelled; 已故 died. Every change has an effective date
and one reason from the fixed list of the status it goes to (其他 needs a note). A record entered
by mistake is deleted, not given a status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clerk.domain import dates

LIVE = "在册"
KEPT = "保留会籍"
STATUSES = (LIVE, KEPT, "转出", "退会", "除名", "已故")
MEMBERS = (LIVE, KEPT)  # who counts as a member on a date
OTHER = "其他"

REASONS: dict[str, tuple[str, ...]] = {
    LIVE: ("恢复会籍", "重新入会", "转入", "更正错误"),
    KEPT: ("退休", "下岗失业", "出国（境）", OTHER),
    "转出": ("工作调动", "单位撤销或合并", "跨地区流动", OTHER),
    "退会": ("本人申请退会", "连续六个月不交会费不参加活动", OTHER),
    "除名": ("受刑事处分", "严重违反章程经教育不改", OTHER),
    "已故": ("病故", "因工死亡", "意外身故", OTHER),
}
CORRECTION = "更正错误"


class Refused(ValueError):
    """A change the rules do not allow; the message says why in Chinese."""


@dataclass(frozen=True)
class Change:
    status: str
    on: str  # ISO date it takes effect
    reason: str
    note: str | None


def check(
    current: str,
    status: str,
    on: object,
    reason: str,
    note: str = "",
    *,
    joined_on: str | None = None,
    today: date | None = None,
) -> Change:
    """A status change a clerk asked for, checked; raise Refused."""
    if status not in STATUSES:
        raise Refused(f"会员状态只能是：{'、'.join(STATUSES)}。")
    if status == current:
        raise Refused(f"会员现在就是“{status}”，不用变更。")
    if current == "已故" and reason != CORRECTION:
        raise Refused("已故会员的状态只能以“更正错误”为原因改回。")
    if reason not in REASONS[status]:
        raise Refused(f"“{status}”的原因请从列表中选择：{'、'.join(REASONS[status])}。")
    note = (note or "").strip()
    if reason == OTHER and not note:
        raise Refused("原因选“其他”时请写明具体情况。")
    if status == "转出" and not note:
        raise Refused("转出时请写明转往哪个单位或乡镇。")
    try:
        effective = dates.parse(on, "生效日期", today=today) or (today or date.today()).isoformat()
    except dates.InvalidDate as exc:
        raise Refused(str(exc)) from None
    if joined_on and effective < joined_on:
        raise Refused(f"生效日期 {effective} 早于入会日期 {joined_on}。")
    return Change(status, effective, reason, note or None)
