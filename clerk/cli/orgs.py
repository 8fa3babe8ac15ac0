"""`clerk org ...`: grassroots union organisations (the 小三级 tree) and their coverage figures.

Thin faces over clerk/registry (organisations, transfers) and clerk/reports/coverage.py; refusals
are ServiceErrors that the main group prints in Chinese (clerk/cli/main.py).
"""

from __future__ import annotations

from typing import Any

import click
from rich import box
from rich.table import Table

from clerk.cli.chinese import ClerkGroup
from clerk.cli.common import console, store_from
from clerk.domain import choices
from clerk.domain import organisation as rules
from clerk.registry import organisations, transfers
from clerk.reports import coverage
from clerk.store.store import ServiceError, Store


def _num(value: Any) -> str:
    return "—" if value in (None, "") else f"{value:,}" if isinstance(value, int) else str(value)


# Options shared by add and edit: (option, field, help).
ORG_OPTIONS = (
    ("--name", "name", "工会名称，如 某某有限公司工会"),
    ("--kind", "kind", "组织类型：" + "、".join(choices.ORG_KINDS)),
    ("--uscc", "uscc", "统一社会信用代码（18 位；企业、机关事业单位、社会组织工会必填）"),
    ("--region-code", "region_code", "行政区划代码（6、9 或 12 位）"),
    ("--industry", "industry", "所属行业：" + "、".join(choices.INDUSTRIES)),
    ("--founded-on", "founded_on", "成立日期，年-月-日"),
    ("--chair", "chair", "工会主席姓名"),
    ("--chair-phone", "chair_phone", "主席电话"),
    ("--employees", "employee_count", "职工人数"),
    ("--address", "address", "地址"),
)


SHORT_KINDS = {
    "乡镇(街道)总工会": "总工会",
    "村(社区)工会": "村/社区",
    "企业工会": "企业",
    "联合工会": "联合工会",
    "行业工会联合会": "行业联合会",
    "区域性工会联合会": "区域联合会",
    "机关事业单位工会": "机关事业",
    "社会组织工会": "社会组织",
}


def org_options(func):
    for option, field, help_text in reversed(ORG_OPTIONS):
        func = click.option(option, field, default=None, help=help_text)(func)
    return func


@click.group("org", cls=ClerkGroup)
def org() -> None:
    """基层工会组织（小三级：乡镇 → 村/社区 → 企业）：查看、添加、修改、移动、撤销、统计。

    “工会”处可填组织编号、完整名称或统一社会信用代码。"""


@org.command("list")
@click.argument("query", metavar="名称", required=False, default="")
@click.option("--all", "show_all", is_flag=True, help="也列出已撤销的组织。")
@click.pass_context
def org_list(ctx: click.Context, query: str, show_all: bool) -> None:
    """按上下级缩进列出工会组织，带在册会员数和职工人数；给出名称时只列名称含它的组织。"""
    store = store_from(ctx)
    roots = organisations.tree(store, include_dissolved=show_all)
    table = Table(title=f"{store.require_unit().name} 基层工会组织", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("编号", justify="right", no_wrap=True, min_width=4)
    table.add_column("名称", no_wrap=True, overflow="ellipsis", max_width=max(20, console.width - 52))
    table.add_column("类型", no_wrap=True, min_width=8)
    table.add_column("会员", justify="right", no_wrap=True, min_width=4)
    table.add_column("含下级", justify="right", no_wrap=True, min_width=6)
    table.add_column("职工", justify="right", no_wrap=True, min_width=4)
    table.add_column("入会率", justify="right", no_wrap=True, min_width=6)
    shown = 0
    stack = [(n, 0) for n in reversed(roots)]
    while stack:
        node, depth = stack.pop()
        stack.extend((c, depth + 1) for c in reversed(node.children))
        if query and query not in node.name:
            continue
        name = ("  " * depth + ("└ " if depth else "")) + node.name
        rate = rules.rate_label(rules.membership_rate(node.members, node.employees)) if node.active else "—"
        table.add_row(
            str(node.id),
            name,
            SHORT_KINDS.get(node.kind, node.kind) if node.active else "已撤销",
            _num(node.members),
            _num(node.total_members) if node.children else "",
            _num(node.employees),
            rate,
        )
        shown += 1
    if not shown:
        console.print("没有工会组织。用 clerk org add 添加。" if not query else f"没有名称含“{query}”的工会组织。")
        return
    console.print(table)


@org.command("show")
@click.argument("ref", metavar="工会")
@click.pass_context
def org_show(ctx: click.Context, ref: str) -> None:
    """显示一个工会组织的全部信息、下级组织和会员人数。"""
    store = store_from(ctx)
    record = organisations.get(store, organisations.find(store, ref))
    table = Table(show_header=False, title=f"{record['name']}（编号 {record['id']}）")
    for key in ("kind", "uscc", "parent_id", *rules.FIELDS[3:], "status", "dissolved_on"):
        value = record["parent_name"] if key == "parent_id" else record.get(key)
        if key == "dissolved_on" and not value:
            continue
        table.add_row(rules.LABELS[key], _num(value))
    table.add_row("在册会员", _num(record["members"]))
    table.add_row("其中农民工", _num(record["migrant"]))
    table.add_row("其中新就业形态", _num(record["new_form"]))
    table.add_row("入会率（会员/职工）", rules.rate_label(record["rate"]))
    console.print(table)
    if record["children"]:
        kids = Table(title="下级工会")
        for col in ("编号", "名称", "类型", "状态"):
            kids.add_column(col)
        for child in record["children"]:
            kids.add_row(str(child["id"]), child["name"], child["kind"], child["status"])
        console.print(kids)


def _parent(store: Store, ref: str | None, kind: str | None) -> int | None:
    if ref:
        return organisations.find(store, ref)
    if kind == rules.ROOT_KIND:
        return None
    return organisations.root_id(store)


@org.command("add")
@org_options
@click.option("--parent", "parent", default=None, help="上级工会（编号或完整名称；默认为本乡镇总工会）")
@click.pass_context
def org_add(ctx: click.Context, parent: str | None, **fields: Any) -> None:
    """添加一个工会组织。名称和类型必填。"""
    store = store_from(ctx)
    if not fields.get("name"):
        raise ServiceError("请用 --name 写明工会组织名称。")
    fields["parent_id"] = _parent(store, parent, fields.get("kind"))
    org_id = organisations.create(store, fields)
    record = organisations.get(store, org_id)
    under = f"，上级：{record['parent_name']}" if record["parent_name"] else ""
    console.print(f"已添加“{record['name']}”（{record['kind']}），编号 {org_id}{under}。")


@org.command("edit")
@click.argument("ref", metavar="工会")
@org_options
@click.pass_context
def org_edit(ctx: click.Context, ref: str, **fields: Any) -> None:
    """修改工会组织信息：只改给出的项（给空字符串 "" 可清空该项）。"""
    store = store_from(ctx)
    org_id = organisations.find(store, ref)
    given = {k: v for k, v in fields.items() if v is not None}
    if not given:
        raise ServiceError("没有要修改的项。用 clerk org edit --help 查看可改的项。")
    values = {**organisations.form_values(organisations.get(store, org_id)), **given}
    values.pop("parent_id")
    changed = organisations.update(store, org_id, values)
    console.print(
        "已保存修改：" + "、".join(rules.LABELS.get(k, k) for k in changed if k in rules.LABELS)
        if changed
        else "没有改动。"
    )


@org.command("move")
@click.argument("ref", metavar="工会")
@click.option("--parent", required=True, help="新的上级工会（编号或完整名称）")
@click.pass_context
def org_move(ctx: click.Context, ref: str, parent: str) -> None:
    """把一个工会组织（连同它的下级）移到另一个上级工会下面。"""
    store = store_from(ctx)
    org_id = organisations.find(store, ref)
    parent_id = organisations.find(store, parent)
    moved = organisations.move(store, org_id, parent_id)
    record = organisations.get(store, org_id)
    console.print(f"已把“{record['name']}”移到“{record['parent_name']}”下面。" if moved else "上级没有变化。")


@org.command("dissolve")
@click.argument("ref", metavar="工会")
@click.option("--date", "on", default="", help="撤销日期（默认今天）")
@click.option(
    "--move-members-to", "move_to", default=None, help="先把在册会员全部转接到这个工会（编号或完整名称），再撤销"
)
@click.pass_context
def org_dissolve(ctx: click.Context, ref: str, on: str, move_to: str | None) -> None:
    """撤销一个工会组织（记录保留，标为已撤销）。还有在册会员或在用下级组织时不能撤销。"""
    store = store_from(ctx)
    org_id = organisations.find(store, ref)
    name = organisations.get(store, org_id)["name"]
    moved = 0
    with store.write():
        if move_to:
            target = organisations.find(store, move_to)
            moved = transfers.transfer_all(store, org_id, target, on, f"原工会“{name}”撤销")
        try:
            organisations.dissolve(store, org_id, on)
        except organisations.HasMembers as exc:
            raise ServiceError(f"{exc} 可加 --move-members-to 其他工会，一次全部转接后撤销。") from None
    console.print((f"已转接 {moved} 名会员，" if moved else "") + f"已撤销“{name}”。")


@org.command("reinstate")
@click.argument("ref", metavar="工会")
@click.pass_context
def org_reinstate(ctx: click.Context, ref: str) -> None:
    """恢复一个已撤销的工会组织。"""
    store = store_from(ctx)
    org_id = organisations.find(store, ref)
    organisations.reinstate(store, org_id)
    console.print(f"已恢复“{organisations.get(store, org_id)['name']}”。")


@org.command("summary")
@click.option("--per-org", is_flag=True, help="同时列出每个工会的会员、农民工、新就业形态人数。")
@click.pass_context
def org_summary(ctx: click.Context, per_org: bool) -> None:
    """建会入会统计：按类型、按行业的工会数；会员、农民工、新就业形态人数；25 人以上企业入会率。"""
    store = store_from(ctx)
    s = coverage.summary(store)
    console.print(
        f"在用工会组织 {s.organisations:,} 个；在册会员 {s.members:,} 人，其中农民工 {s.migrant:,} 人、"
        f"新就业形态 {s.new_form:,} 人" + (f"；未分配工会 {s.unassigned:,} 人" if s.unassigned else "") + "。"
    )
    kinds = Table(title="按组织类型")
    kinds.add_column("类型")
    kinds.add_column("个数", justify="right")
    for kind, count in s.by_kind:
        kinds.add_row(kind, _num(count))
    console.print(kinds)
    industries = Table(title="按行业")
    industries.add_column("行业")
    industries.add_column("个数", justify="right")
    for industry, count in s.by_industry:
        industries.add_row(industry, _num(count))
    console.print(industries)
    console.print(
        f"25 人以上企业（已建工会）{len(s.big):,} 家，职工 {s.big_employees:,} 人，"
        f"会员 {s.big_members:,} 人，入会率 {s.big_rate_label}。"
    )
    if per_org:
        table = Table(title="各工会会员")
        for col in ("编号", "名称", "会员", "农民工", "新就业形态", "职工", "入会率"):
            table.add_column(col, justify="left" if col == "名称" else "right")
        for o in s.per_org:
            table.add_row(
                str(o.id), o.name, _num(o.members), _num(o.migrant), _num(o.new_form), _num(o.employees), o.rate_label
            )
        console.print(table)
