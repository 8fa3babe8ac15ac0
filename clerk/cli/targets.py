"""`clerk target set|list|remove`: yearly targets (年度目标任务) and the progress toward them.

Thin face over clerk/reports/targets.py. With --hub the targets are a city hub's (PostgreSQL).
"""

from __future__ import annotations

from datetime import date

import click
from rich import box
from rich.table import Table

from clerk.cli.chinese import ClerkGroup
from clerk.cli.common import console, store_from
from clerk.domain import targets as rules
from clerk.reports import targets


def _source(ctx: click.Context, url: str | None):
    if not url:
        return store_from(ctx)
    from clerk.hub import report as hub_report
    from clerk.hub import service as hub

    opened = hub.open_hub(url)
    ctx.call_on_close(opened.close)
    return hub_report.ReportSource(opened)


def _hub_option(func):
    return click.option(
        "--hub",
        "hub_url",
        envvar="CLERK_HUB_URL",
        default=None,
        metavar="地址",
        help="市级汇总库 postgresql://用户:密码@主机:端口/库名（也可用环境变量 CLERK_HUB_URL）；不填则用本机数据库。",
    )(func)


@click.group("target", cls=ClerkGroup)
def target() -> None:
    """年度目标任务：新入会会员、农民工、新就业形态劳动者、女职工、新建工会。

    区县给各乡镇（街道）定目标，市级给各区县定目标；没有上级下达的单位可以给自己定。"""


@target.command("set")
@click.option("--year", required=True, metavar="年份", help="年度，如 2026。")
@click.option("--category", required=True, metavar="类别", help="类别：" + "、".join(rules.CATEGORIES) + "。")
@click.option("--count", required=True, metavar="人数", help="目标数，如 830（也可写 8.3万）。")
@click.option(
    "--unit", default=None, metavar="单位代码", help="下属单位的代码（区县给乡镇、市级给区县）；不填则是本单位。"
)
@_hub_option
@click.pass_context
def target_set(ctx: click.Context, year: str, category: str, count: str, unit: str | None, hub_url: str | None) -> None:
    """设定（或修改）一项年度目标。"""
    source = _source(ctx, hub_url)
    t = targets.set_target(source, year=year, category=category, count=count, unit=unit)
    whom = "本单位" if t.unit_code == source.require_unit().code else t.unit_code
    console.print(f"已设定 {t.year} 年{whom}“{t.category}”目标：{t.count:,}。")


@target.command("remove")
@click.option("--year", required=True, metavar="年份", help="年度，如 2026。")
@click.option("--category", required=True, metavar="类别", help="类别：" + "、".join(rules.CATEGORIES) + "。")
@click.option("--unit", default=None, metavar="单位代码", help="下属单位的代码；不填则是本单位。")
@_hub_option
@click.pass_context
def target_remove(ctx: click.Context, year: str, category: str, unit: str | None, hub_url: str | None) -> None:
    """删除本单位设定的一项年度目标。"""
    source = _source(ctx, hub_url)
    removed = targets.remove_target(source, year=year, category=category, unit=unit)
    console.print("已删除。" if removed else "没有这项目标，没有改动。")


@target.command("list")
@click.option("--year", default=None, metavar="年份", help="年度（默认今年）。")
@_hub_option
@click.pass_context
def target_list(ctx: click.Context, year: str | None, hub_url: str | None) -> None:
    """列出年度目标和完成情况（本单位和各下属单位）。"""
    from clerk.store.store import ServiceError

    source = _source(ctx, hub_url)
    try:
        y = rules.year(year) if year else date.today().year
    except rules.InvalidTarget as exc:
        raise ServiceError(str(exc)) from None
    p = targets.progress(source, y)
    table = Table(title=f"{y} 年目标任务完成情况（截至 {p.through}）", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("单位", no_wrap=True, overflow="ellipsis", max_width=16)
    for category in rules.CATEGORIES:
        table.add_column(rules.SHORT[category], justify="right", no_wrap=True)
    for row in [p.unit, *p.below]:
        cells = []
        for item in row.progress():
            if item.target is None:
                cells.append(f"{item.done:,}")
            else:
                rate = "—" if item.rate is None else f"{item.rate:.0%}"
                cells.append(f"{item.done:,}/{item.target:,} {rate}")
        table.add_row(row.name + ("（合计）" if row is p.unit and p.below else ""), *cells)
    console.print(table)
    if p.targets_summed:
        console.print("本单位没有上级下达的目标，合计行的目标为各下属单位目标之和。")
    if not any(row.targets for row in [p.unit, *p.below]):
        console.print("还没有目标。用 clerk target set --year 年份 --category 类别 --count 人数 设定。")
