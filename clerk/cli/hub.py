"""`clerk hub init|status`: set up and look at a PostgreSQL hub (clerk/hub/service.py).

Merging into the hub, its conflicts and its report are the sync commands with a URL:
`clerk merge --into URL`, `clerk conflicts list|resolve --into URL`, `clerk report --from URL`.
"""

from __future__ import annotations

import click
from rich.table import Table

from clerk.cli.chinese import ClerkGroup
from clerk.cli.common import console

URL_HELP = "PostgreSQL 汇总库地址 postgresql://用户:密码@主机:端口/库名（也可用环境变量 CLERK_HUB_URL）。"


@click.group("hub", cls=ClerkGroup)
def hub_group() -> None:
    """市级汇总库（PostgreSQL）：建库、查看。合并用 clerk merge --into 地址。"""


@hub_group.command("init")
@click.option("--into", "url", envvar="CLERK_HUB_URL", required=True, metavar="地址", help=URL_HELP)
@click.option("--code", required=True, help="汇总单位代码：市 4 位（如 5001）、省 2 位，或区县 6 位。")
@click.option("--name", required=True, help="单位名称，如 重庆市总工会。")
@click.option("--clerk", "clerk_name", required=True, help="经办人姓名（记入每条修改记录）。")
def hub_init(url: str, code: str, name: str, clerk_name: str) -> None:
    """在一个空的 PostgreSQL 数据库中建立汇总库（建表），并设置单位；已建过的库会按需升级。"""
    from clerk.hub import service as hub

    opened = hub.init(url, code, name, clerk_name)
    try:
        unit = opened.unit
        console.print(
            f"汇总库已就绪：{unit.name}（{unit.level_label} {unit.code}），经办人 {unit.clerk}。"
            f"数据库：{hub.describe_url(url)}"
        )
        console.print("合并同步文件：clerk merge --into 地址 文件...；统计报表：clerk report --from 地址")
    finally:
        opened.close()


@hub_group.command("status")
@click.option("--from", "url", envvar="CLERK_HUB_URL", required=True, metavar="地址", help=URL_HELP)
def hub_status(url: str) -> None:
    """汇总库概况：服务器版本、会员数、各单位合并到的序号、待处理冲突。"""
    from clerk.hub import service as hub

    opened = hub.open_hub(url)
    try:
        s = hub.status(opened)
    finally:
        opened.close()
    console.print(
        f"{s.unit.name}（{s.unit.level_label} {s.unit.code}）  PostgreSQL {s.server}  结构版本 {s.schema_version}",
        highlight=False,
    )
    console.print(
        f"会员 {s.members:,} 人，基层工会组织 {s.organisations:,} 个，待处理冲突 {s.open_conflicts} 条。",
        highlight=False,
    )
    table = Table(title="已合并的单位")
    for col in ("单位代码", "单位名称", "合并到序号", "文件数", "最近合并"):
        table.add_column(col, no_wrap=True)
    for src in s.sources:
        table.add_row(src.code, src.name, str(src.last_seq), str(src.files), src.updated_at)
    console.print(table)
