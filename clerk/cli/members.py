"""`clerk member ...`: find, show, register, delete, change the status of, and transfer members.

MEMBER is what a clerk knows a person by: the ID number (身份证号), or the record number (编号)
`member list` shows. Refusals are ServiceErrors the main group prints in Chinese.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.table import Table

from clerk.cli.chinese import Choices, ClerkGroup
from clerk.cli.common import console, full_path, store_from
from clerk.domain import choices, idcard
from clerk.registry import lifecycle, members, organisations, search, transfers
from clerk.store import folders
from clerk.store.store import ServiceError, Store

# The statuses a clerk sets here; 转出 is a transfer (member transfer --out).
STATUSES = {status: status for status in choices.MEMBER_STATUSES if status != "转出"}


def member_ref(store: Store, ref: str) -> int:
    """The record a clerk means by an ID number or a record number; "没有这个会员" when there is none."""
    text = idcard.normalize(ref)
    if re.fullmatch(r"[0-9]{1,14}", text):  # a record number; longer runs of digits are ID numbers
        members.get(store, int(text))
        return int(text)
    found = members.find_by_id_number(store, text)
    if found is None:
        shown = idcard.mask(text) if len(text) == 18 else text
        raise ServiceError(f"没有这个会员：本库找不到身份证号为 {shown} 的会员。")
    member_id: int = found["id"]
    return member_id


@click.group(cls=ClerkGroup)
def member() -> None:
    """会员：查找、查看、登记、删除、改状态（退会、已故）、组织关系转接。"""


@member.command("list")
@click.argument("query", metavar="查找内容", required=False, default="")
@click.option("--limit", default=30, show_default=True, help="最多显示多少条。")
@click.pass_context
def member_list(ctx: click.Context, query: str, limit: int) -> None:
    """按身份证号开头、姓名或拼音查找会员（身份证号脱敏显示）。"""
    page = search.search(store_from(ctx), query, limit=limit)
    # No vertical rules and short organisation names: the seven columns fit an 80-column terminal.
    table = Table(title=f"会员（共 {page.total_label} 人）", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    for col in ("编号", "姓名", "身份证号", "性别", "所在工会", "状态", "入会日期"):
        table.add_column(col, no_wrap=True, min_width=18 if col == "身份证号" else None)
    for r in page.rows:
        org = r.org_name[:8] + ("…" if len(r.org_name) > 8 else "")
        table.add_row(str(r.id), r.name, r.id_masked, r.gender, org, r.status, r.joined_on)
    console.print(table)


@member.command("show")
@click.argument("ref", metavar="会员")
@click.pass_context
def member_show(ctx: click.Context, ref: str) -> None:
    """显示一名会员的完整信息和修改记录。会员：身份证号或编号。

    \b
    例：clerk member show 500101199001010012
        clerk member show 120"""
    store = store_from(ctx)
    member_id = member_ref(store, ref)
    record = members.get(store, member_id)
    table = Table(show_header=False)
    for key, label in members.LABELS.items():
        if key in record and key not in ("org_id",):
            value = record[key]
            if key in members.FLAG_FIELDS:
                value = "是" if value else "否"
            table.add_row(label, "" if value is None else str(value))
    table.add_row("籍贯", record.get("birthplace") or "")
    table.add_row("所在工会", record.get("org_name") or "")
    table.add_row("编号", str(member_id))
    console.print(table)
    for change in members.history(store, member_id):
        console.print(f"{change.at.replace('T', ' ')}  {change.clerk}  {change.summary}")
    print_org_history(store, member_id)


@member.command("add")
@click.option("--name", required=True, help="姓名")
@click.option("--id-number", required=True, help="身份证号（18 位）")
@click.option("--phone", default="", help="手机号或带区号的座机")
@click.option("--ethnicity", default="", help="民族")
@click.option("--org-id", type=int, help="所在工会组织编号")
@click.option("--job", default="", help="岗位/工种")
@click.option("--new-form", default="", help="新就业形态类别，如 快递员、外卖送餐员")
@click.option("--migrant", is_flag=True, help="农民工")
@click.option("--joined-on", default="", help="入会日期（默认今天）")
@click.pass_context
def member_add(ctx: click.Context, **fields: Any) -> None:
    """登记一名会员。"""
    member_id = members.register(store_from(ctx), fields)
    console.print(f"已登记，会员编号 {member_id}。")


@member.command("delete")
@click.argument("ref", metavar="会员")
@click.option("--reason", required=True, help="删除原因，如 重复录入、录错了人")
@click.option("--yes", is_flag=True, help="不再询问，直接删除。")
@click.pass_context
def member_delete(ctx: click.Context, ref: str, reason: str, yes: bool) -> None:
    """删除一条录错的会员记录。会员：身份证号或编号。

    记录不会真的抹掉：删除记入修改记录，并随同步文件报给区县。会员离开工会请用
    clerk member status（退会、已故）或 clerk member transfer（转出），不要删除。"""
    store = store_from(ctx)
    member_id = member_ref(store, ref)
    record = members.get(store, member_id)
    who = f"{record['name']}（{idcard.mask(record['id_number'])}，编号 {member_id}）"
    if not yes and not click.confirm(f"删除会员记录 {who}？", default=False):
        raise ServiceError("已取消，没有改动。")
    members.delete(store, member_id, reason)
    console.print(f"已删除 {who}。删除原因：{reason.strip()}。", highlight=False)


@member.command("status")
@click.argument("ref", metavar="会员")
@click.argument("status", metavar="状态", type=Choices(STATUSES))
@click.option("--date", "on", default="", help="生效日期，年-月-日（默认今天）")
@click.option("--reason", default="", help="原因，从该状态的原因中选（如 退会：本人申请退会；已故：病故）")
@click.option("--note", default="", help="说明（原因为“其他”时必填）")
@click.pass_context
def member_status(ctx: click.Context, ref: str, status: str, on: str, reason: str, note: str) -> None:
    """改会员状态：保留会籍、退会、除名、已故，或改回在册。会员：身份证号或编号。

    每次变更都有生效日期和原因，记入修改记录并随同步文件上报；转出本乡镇请用
    clerk member transfer --out。不写 --reason 时列出该状态可选的原因。

    \b
    例：clerk member status 500101199001010012 退会 --reason 本人申请退会
        clerk member status 120 已故 --date 2026-03-02 --reason 病故
        clerk member status 120 保留会籍 --reason 退休"""
    store = store_from(ctx)
    member_id = member_ref(store, ref)
    before = members.get(store, member_id)
    change = lifecycle.change_status(store, member_id, status, on=on or None, reason=reason, note=note)
    shown = f"{before['name']}（{idcard.mask(before['id_number'])}）"
    why = "，".join(part for part in (change.on, change.reason, change.note) if part)
    console.print(f"{shown} 的状态已由 {before['status']} 改为 {status}（{why}）。", highlight=False)


# -- transfers ---------------------------------------------------------------------------------


@member.command("transfer")
@click.argument("ref", metavar="会员")
@click.option("--to", "to", default=None, help="转入本乡镇的哪个工会（编号或完整名称）")
@click.option("--out", "out", default=None, help="转出本乡镇：写明转往的乡镇（街道）或单位工会")
@click.option("--date", "on", default="", help="转接日期（默认今天）")
@click.option("--reason", default="", help="转接原因，如 换工作、搬家")
@click.pass_context
def member_transfer(ctx: click.Context, ref: str, to: str | None, out: str | None, on: str, reason: str) -> None:
    """会员组织关系转接。会员：身份证号或编号；--to 与 --out 二选一。

    \b
    例：clerk member transfer 120 --to 石桥机械制造有限公司工会 --reason 换工作
        clerk member transfer 500101199001010012 --out 沙坪坝区某街道工会"""
    if bool(to) == bool(out):
        raise ServiceError("请给出 --to（转到本乡镇的工会）或 --out（转出本乡镇，写明去向），二选一。")
    store = store_from(ctx)
    member_id = member_ref(store, ref)
    if to:
        target = organisations.find(store, to)
        transfers.transfer(store, member_id, target, on, reason)
        console.print(f"已转接到“{organisations.get(store, target)['name']}”。")
    else:
        assert out is not None
        transfers.transfer_out(store, member_id, out, on, reason)
        console.print(f"已转出本乡镇，转往 {out}；会员状态改为 转出，记录保留。")
    print_org_history(store, member_id)


@member.command("transfer-in")
@click.argument("id_number", metavar="身份证号")
@click.option("--to", "to", required=True, help="转入本乡镇的哪个工会（编号或完整名称）")
@click.option("--from", "origin", required=True, help="从哪个乡镇（街道）或单位的工会转来")
@click.option("--name", default="", help="姓名（本库没有此人记录时必填）")
@click.option("--phone", default="", help="手机号")
@click.option("--job", default="", help="岗位/工种")
@click.option("--new-form", default="", help="新就业形态类别，如 快递员、外卖送餐员")
@click.option("--migrant", is_flag=True, help="农民工")
@click.option("--joined-on", default="", help="原入会日期（新登记时用；默认为转接日期）")
@click.option("--date", "on", default="", help="转接日期（默认今天）")
@click.option("--reason", default="", help="转接原因")
@click.pass_context
def member_transfer_in(
    ctx: click.Context, id_number: str, to: str, origin: str, on: str, reason: str, **fields: Any
) -> None:
    """从外乡镇（街道）转入一名会员。本库已有此身份证号的记录（如曾转出）时恢复为在册，不重复登记。"""
    store = store_from(ctx)
    target = organisations.find(store, to)
    outcome = transfers.transfer_in(store, {**fields, "id_number": id_number}, target, origin, on, reason)
    how = "已登记为新会员" if outcome.created else "已恢复原有记录为在册"
    console.print(f"{how}（会员编号 {outcome.member_id}），转入“{organisations.get(store, target)['name']}”。")
    print_org_history(store, outcome.member_id)


@member.command("export")
@click.option("--org", help="工会组织（编号、完整名称或信用代码），含其下级组织。")
@click.option("--status", help="会员状态，如 在册（加 --as-of 时指那一天的状态）。")
@click.option("--category", help="类别：农民工、新就业形态，或具体类别如 快递员。")
@click.option("--joined", help="入会日期范围 起:止，如 2025-01-01:2025-12-31（可省略一端）。")
@click.option("--as-of", "as_of", help="截至哪一天的会员（如 2026-06-30，按修改记录重建）。")
@click.option("--full-ids", is_flag=True, help="写出完整证件号码（默认只写前 6 位和后 4 位）。")
@click.option("--to", "target", type=click.Path(path_type=Path), help="保存为哪个 .xlsx 文件（默认在导出文件夹）。")
@click.option("--force", is_flag=True, help="目标文件已存在时替换它。")
@click.pass_context
def member_export(
    ctx: click.Context,
    org: str | None,
    status: str | None,
    category: str | None,
    joined: str | None,
    as_of: str | None,
    full_ids: bool,
    target: Path | None,
    force: bool,
) -> None:
    """按条件导出会员名册（.xlsx，证件号码为文本；默认脱敏）。"""
    from clerk.registry import member_list, selection
    from clerk.reports import statistics

    store = store_from(ctx)
    flt = selection.parse_filter(store, org=org, status=status, category=category, joined=joined)
    day = statistics.parse_as_of(as_of)
    path = target or folders.exports_dir(store) / f"会员名册-{datetime.now():%Y%m%d-%H%M%S}.xlsx"
    written = member_list.write(store, flt, path, full_ids=full_ids, as_of=day, force=force)
    shown = "完整证件号码" if written.full_ids else "证件号码已脱敏"
    console.print(f"已导出 {written.members} 人（{shown}）：{full_path(written.path)}", highlight=False, soft_wrap=True)


def print_org_history(store: Store, member_id: int) -> None:
    """The organisations a member has belonged to, oldest first."""
    table = Table(title="所在工会经历")
    for col in ("期间", "工会", "方式", "原因"):
        table.add_column(col)
    for stint in transfers.org_history(store, member_id):
        place = f"{stint.place}（外乡镇）" if stint.outside else stint.place
        table.add_row(stint.span, place, stint.came_by, stint.reason or "")
    console.print(table)
