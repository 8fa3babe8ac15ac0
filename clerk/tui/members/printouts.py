"""Print jobs the member screens start: one member's 入会登记表 or 会员证, or the members of a list.

Each job runs in a worker (run_job) on its own connection; the PDF goes to exports/ under a name
with the time, so nothing the clerk already has is replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from clerk import printing
from clerk.registry import cards, selection
from clerk.store import folders
from clerk.store.store import Store
from clerk.tui.workers import Progress

Job = Callable[[Store, Progress], str]


def target(store: Store, what: str, tail: str) -> Path:
    return folders.exports_dir(store) / f"{what}-{tail}-{datetime.now():%Y%m%d-%H%M%S}.pdf"


def forms(member_ids: Sequence[int], tail: str) -> Job:
    def job(store: Store, progress: Progress) -> str:
        records = selection.by_ids(store, member_ids)
        unit = store.require_unit()
        printed = printing.forms(
            records,
            target(store, "入会登记表", tail),
            unit_name=unit.name,
            progress=lambda d, t: progress(d, t, "生成登记表"),
        )
        return printed.summary

    return job


def cards_job(member_ids: Sequence[int], tail: str) -> Job:
    def job(store: Store, progress: Progress) -> str:
        path = target(store, "会员证", tail)
        printing.check_target(path)
        issued = cards.issue(store, member_ids)
        records = selection.by_ids(store, member_ids)
        unit = store.require_unit()
        printed = printing.cards(records, path, unit_name=unit.name, progress=lambda d, t: progress(d, t, "生成会员证"))
        note = f"新发会员证号 {len(issued)} 个。" if issued else ""
        return note + printed.summary

    return job


def form_job(member_id: int) -> Job:
    return forms([member_id], str(member_id))


def card_job(member_id: int) -> Job:
    return cards_job([member_id], str(member_id))
