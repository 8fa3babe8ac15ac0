"""`clerk print`: 入会登记表 and 会员证 as PDF, for members by number, an import batch or a filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from clerk import printing
from clerk.cli.chinese import ClerkGroup
from clerk.cli.common import console, fail, store_from
from clerk.registry import cards as card_numbers
from clerk.registry import selection
from clerk.store import folders
from clerk.store.store import Store


def _which(f: Callable) -> Callable:
    """The options that say which members to print (shared by forms and cards)."""
    options = [
        click.argument("member_ids", metavar="[会员编号]...", nargs=-1, type=int),
        click.option("--batch", "batch_id", type=int, help="导入批次编号：打印这一批新登记的会员。"),
        click.option("--org", help="工会组织（编号、完整名称或信用代码），含其下级组织。"),
        click.option("--status", help="会员状态，如 在册。"),
        click.option("--category", help="类别：农民工、新就业形态，或具体类别如 快递员。"),
        click.option("--joined", help="入会日期范围 起:止，如 2025-01-01:2025-12-31（可省略一端）。"),
        click.option(
            "--to",
            "target",
            type=click.Path(path_type=Path),
            help="保存为哪个 PDF 文件（默认在导出文件夹，见 clerk config show）。",
        ),
        click.option("--force", is_flag=True, help="目标文件已存在时替换它。"),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _records(store: Store, member_ids: tuple[int, ...], batch_id: int | None, **filters: Any) -> list[dict[str, Any]]:
    chosen = [bool(member_ids), batch_id is not None, any(filters.values())]
    if sum(chosen) == 0:
        fail("请指定要打印的会员：会员编号（可写多个）、--batch 批次编号，或筛选条件（--org、--status 等）。")
    if sum(chosen) > 1:
        fail("会员编号、--batch 和筛选条件只能选一种。")
    if member_ids:
        return selection.by_ids(store, member_ids)
    if batch_id is not None:
        return selection.by_ids(store, selection.batch_ids(store, batch_id))
    return list(selection.records(store, selection.parse_filter(store, **filters)))


def _target(store: Store, target: Path | None, what: str, batch_id: int | None) -> Path:
    if target is not None:
        return target
    tail = f"批次{batch_id}" if batch_id is not None else datetime.now().strftime("%Y%m%d-%H%M%S")
    return folders.exports_dir(store) / f"{what}-{tail}.pdf"


def _progress(label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if total >= 100:
            console.print(f"{label}：{done}/{total}", highlight=False, soft_wrap=True)

    return report


@click.group("print", cls=ClerkGroup)
def print_group() -> None:
    """打印：入会登记表、会员证（PDF，任何电脑都能正确打印）。"""


@print_group.command("forms")
@_which
@click.pass_context
def print_forms(ctx: click.Context, member_ids, batch_id, target, force, **filters) -> None:
    """打印入会登记表：每人一页 A4，含照片框、本人签名和盖章栏。"""
    store = store_from(ctx)
    records = _records(store, member_ids, batch_id, **filters)
    if not records:
        fail("没有符合条件的会员，没有生成文件。")
    unit = store.require_unit()
    printed = printing.forms(
        records,
        _target(store, target, "入会登记表", batch_id),
        unit_name=unit.name,
        force=force,
        progress=_progress("生成登记表"),
    )
    console.print(printed.summary, highlight=False, soft_wrap=True)


@print_group.command("cards")
@_which
@click.option("--no-issue", is_flag=True, help="没有会员证号的会员不发新号（证号一栏留空）。")
@click.pass_context
def print_cards(ctx: click.Context, member_ids, batch_id, target, force, no_issue, **filters) -> None:
    """打印会员证：每张 A4 八张卡片，带裁切线；没有证号的会员按规则发新号（见 clerk print card-rule）。"""
    store = store_from(ctx)
    records = _records(store, member_ids, batch_id, **filters)
    if not records:
        fail("没有符合条件的会员，没有生成文件。")
    path = _target(store, target, "会员证", batch_id)
    printing.check_target(path, force=force)
    issued: dict[int, str] = {}
    if not no_issue:
        issued = card_numbers.issue(store, [r["id"] for r in records])
        if issued:
            records = selection.by_ids(store, [r["id"] for r in records])
    unit = store.require_unit()
    printed = printing.cards(records, path, unit_name=unit.name, force=force, progress=_progress("生成会员证"))
    if issued:
        numbers = sorted(issued.values())
        console.print(
            f"新发会员证号 {len(numbers)} 个：{numbers[0]} 至 {numbers[-1]}。", highlight=False, soft_wrap=True
        )
    console.print(printed.summary, highlight=False, soft_wrap=True)


@print_group.command("card-rule")
@click.option("--prefix", help="证号前缀（数字、字母、“-”），默认是本单位代码。")
@click.option("--digits", type=int, help="流水号位数（4-10，默认 6）。")
@click.option("--next", "next_seq", type=int, help="下一个流水号（只能往后调）。")
@click.pass_context
def card_rule(ctx: click.Context, prefix: str | None, digits: int | None, next_seq: int | None) -> None:
    """查看或设置会员证号规则：前缀 + 流水号，由区县总工会统一规定，发出的号不会重复。"""
    store = store_from(ctx)
    current = card_numbers.rule(store)
    if prefix is not None or digits is not None or next_seq is not None:
        current = card_numbers.set_rule(
            store,
            current.prefix if prefix is None else prefix,
            current.digits if digits is None else digits,
            next_seq=next_seq,
        )
        console.print("已设置。", highlight=False, soft_wrap=True)
    console.print(
        f"会员证号规则：前缀“{current.prefix}”+ {current.digits} 位流水号；下一个号：{current.example}",
        highlight=False,
        soft_wrap=True,
    )
