"""`clerk config show|set`: where the inbox (imports/) and the outbox (exports/) of this database are."""

from __future__ import annotations

import click
from rich.table import Table

from clerk.cli.chinese import Choices, ClerkGroup
from clerk.cli.common import console, store_from
from clerk.store import folders

NAMES = {folders.IMPORTS: "收件", folders.EXPORTS: "导出"}


@click.group(cls=ClerkGroup)
def config() -> None:
    """设置：收件文件夹（花名册、乡镇同步文件）和导出文件夹（同步文件、报表、错误报告）放在哪里。

    默认都在数据库旁边（imports/ 和 exports/），第一次用到时自动建立。"""


@config.command("show")
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """显示数据库和两个文件夹的完整路径。"""
    store = store_from(ctx)
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("数据库", str(store.path.absolute()))
    for folder in folders.all_folders(store):
        table.add_row(folder.key, str(folder.path), f"{folder.label}，{folder.source_label}")
    console.print(table, highlight=False)
    console.print('修改：clerk config set imports 文件夹；恢复默认：clerk config set imports ""', highlight=False)


@config.command("set")
@click.argument("name", metavar="设置项", type=Choices(NAMES))
@click.argument("value", metavar="文件夹")
@click.pass_context
def config_set(ctx: click.Context, name: str, value: str) -> None:
    """把收件（imports）或导出（exports）文件夹换到另一个位置；给空字符串 "" 恢复为数据库旁边。

    \b
    例：clerk config set exports D:/工会/导出
        clerk config set 收件 ""
    """
    folder = folders.choose(store_from(ctx), name, value)
    console.print(f"{folder.label}：{folder.path}（{folder.source_label}）", highlight=False)
    if folder.source == "env":
        console.print(f"注意：环境变量 {folders.ENV[folder.key]} 已指定文件夹，它优先于这里的设置。", highlight=False)
