"""`clerk export`, `clerk merge`, `clerk report` and `clerk conflicts list|resolve`.

Thin faces over clerk/sync/export.py, sync_merge.py and report.py; refusals are
ServiceErrors that the main group prints in Chinese (clerk/cli/main.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from clerk.cli import secrets
from clerk.cli.chinese import Choices, ClerkCommand, ClerkGroup, Count
from clerk.cli.common import console, db_path, fail, full_path, progress_bar, store_from
from clerk.domain import idcard
from clerk.store import folders
from clerk.store.store import ServiceError


def _target(ctx: click.Context, url: str | None):
    """The district's SQLite store, or the PostgreSQL hub a URL names (clerk/hub/service.py)."""
    if not url:
        return store_from(ctx)
    from clerk.hub import service as hub

    opened = hub.open_hub(url)
    ctx.call_on_close(opened.close)
    return opened


def _hub_option(*names: str):
    return click.option(
        *names,
        "hub_url",
        envvar="CLERK_HUB_URL",
        default=None,
        metavar="地址",
        help="PostgreSQL 汇总库地址 postgresql://用户:密码@主机:端口/库名（也可用环境变量 CLERK_HUB_URL）；"
        "不填则用本机数据库。",
    )


# How a conflict is settled: the word merge.resolve takes, and what a clerk types for it.
RESOLUTIONS = {
    "transfer": "转接",
    "keep-incoming": "保留来文",
    "keep-existing": "保留本区",
    "township": "乡镇版本",
    "district": "区县版本",
}


@click.command("export", cls=ClerkCommand)
@click.option("--full", is_flag=True, help="导出完整数据（默认只导出上次导出以来的修改）。")
@secrets.password_option(new=True)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    help="保存到哪个文件夹（默认：导出文件夹，见 clerk config show）。",
)
@click.pass_context
def export_command(ctx: click.Context, full: bool, password: str | None, out_dir: Path | None) -> None:
    """导出同步文件（.xlsx），交给区县总工会合并。"""
    from clerk.sync import export as sync_export

    store = store_from(ctx)
    with progress_bar() as bar:
        task = bar.add_task("正在导出", total=None)
        result = sync_export.export(
            store,
            full=full,
            password=password,
            out_dir=out_dir,
            progress=lambda done, total, label: bar.update(
                task, completed=done, total=total, description=f"正在导出 {label}"
            ),
        )
    console.print(result.message)
    _warn_open_problems(store)


def _warn_open_problems(store) -> None:
    from clerk.reports import completeness

    count = completeness.open_problems(store)
    if count:
        console.print(
            f"[yellow]注意：还有 {count:,} 个数据问题没有处理（缺手机号、缺入会日期等），上报的数据不完整。"
            "用 clerk check 查看。[/]"
        )


@click.command("merge", cls=ClerkCommand)
@click.argument("files", metavar="文件...", nargs=-1, required=True, type=click.Path(path_type=Path))
@secrets.password_option(new=False)
@click.option("--force-gap", is_flag=True, help="缺少中间的同步文件时仍然合并（会记录在案）。")
@_hub_option("--into")
@click.option(
    "--jobs",
    type=Count(1, 64),
    default=1,
    show_default=True,
    help="汇总库：同时合并的进程数，1 到 64（不同单位的文件同时合并；同一单位的文件仍按序号依次合并）。",
)
@click.pass_context
def merge_command(
    ctx: click.Context, files: tuple[Path, ...], password: str | None, force_gap: bool, hub_url: str | None, jobs: int
) -> None:
    """在区县数据库中合并乡镇的同步文件（可一次合并多个，按乡镇和序号排序）。

    加 --into postgresql://... 则合并到市级 PostgreSQL 汇总库（乡镇或区县的同步文件均可）。"""
    from clerk.hub import service as hub
    from clerk.sync import merge as sync_merge

    if jobs > 1 and not hub_url:
        raise ServiceError("--jobs 只用于 PostgreSQL 汇总库（--into）；本机数据库一次只能由一个进程写入。")
    store = _target(ctx, hub_url)
    if jobs > 1:
        from clerk.hub import parallel as hub_parallel

        def run(_hub, files, **kw):
            return hub_parallel.merge(hub_url, files, jobs=jobs, **kw)
    else:
        run = hub.merge if hub_url else sync_merge.merge
    with progress_bar() as bar:
        task = bar.add_task("正在合并", total=None)
        report = run(
            store,
            files,
            password=password,
            force_gap=force_gap,
            progress=lambda done, total, label: bar.update(
                task, completed=done, total=total, description=f"正在合并 {label}"
            ),
        )
    if report.backup:
        console.print(f"合并前已自动备份：{full_path(report.backup)}")
    for outcome in report.outcomes:
        style = {"merged": "green", "duplicate": "yellow", "refused": "red"}[outcome.status]
        console.print(f"[{style}]{outcome.label}[/]  {outcome.message}")
    open_count = len(hub.conflicts(store) if hub_url else sync_merge.conflicts(store))
    if open_count:
        where = " --from 汇总库地址" if hub_url and not os.environ.get("CLERK_HUB_URL") else ""
        console.print(f"有 {open_count} 条冲突待处理：clerk conflicts list{where}")
    if report.refused:
        sys.exit(1)


@click.command("report", cls=ClerkCommand)
@click.option("--period", default=None, help="统计期间：2026、2026-11、2026-Q3 或 2026-01-01:2026-06-30（默认今年）。")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    help="报表文件或文件夹（默认：导出文件夹，见 clerk config show）。",
)
@click.option("--force", is_flag=True, help="--out 指定的文件已经存在时，替换它（默认不覆盖任何已有文件）。")
@click.option("--as-of", "as_of", help="会员人数按哪一天统计（如 2026-06-30，按修改记录重建；默认今天）。")
@_hub_option("--from")
@click.pass_context
def report_command(
    ctx: click.Context,
    period: str | None,
    out_path: Path | None,
    force: bool,
    as_of: str | None,
    hub_url: str | None,
) -> None:
    """生成会员和组织统计报表（.xlsx，可直接打印上报）。

    加 --from postgresql://... 则统计市级汇总库：全市、各区县、各乡镇。"""
    from clerk.reports import statistics as report

    if hub_url:
        from clerk.hub import report as hub_report

        if as_of:
            fail("市级汇总库不能按历史日期统计（--as-of 要从乡镇的修改记录重建）。请去掉 --as-of。")
        # The hub has no database file here to sit beside: the exports folder of this computer's database.
        out = out_path or folders.ensure(folders.beside(db_path(ctx), folders.EXPORTS))
        path = hub_report.write_report(_target(ctx, hub_url), period=period, out=out, force=force)
        console.print(f"统计报表已生成：{path}")
        return
    path = report.write_report(store_from(ctx), period=period, out=out_path, force=force, as_of=as_of)
    console.print(f"统计报表已生成：{path}")


@click.group("conflicts", cls=ClerkGroup)
def conflicts_group() -> None:
    """区县合并时的冲突：查看、处理。"""


@conflicts_group.command("list")
@click.option("--all", "show_all", is_flag=True, help="也列出已处理的冲突。")
@_hub_option("--into", "--from")
@click.pass_context
def conflicts_list(ctx: click.Context, show_all: bool, hub_url: str | None) -> None:
    """列出待处理（或全部）冲突。"""
    from clerk.hub import service as hub
    from clerk.sync import merge as sync_merge

    target = _target(ctx, hub_url)
    rows = (hub.conflicts if hub_url else sync_merge.conflicts)(target, None if show_all else "open")
    if not rows:
        console.print("没有待处理的冲突。" if not show_all else "没有冲突记录。")
        return
    for c in rows:
        if c.kind == "live_twice":
            other = f"另一方：{c.extra.get('other_unit_name') or ''}（{c.extra.get('other_status') or ''}）"
        else:
            other = "两边都改了：" + "、".join(c.fields)
        done = RESOLUTIONS.get(c.resolution or "", c.resolution)
        status = "待处理" if c.status == "open" else f"已处理（{done}）：{c.note or ''}"
        masked = (
            idcard.mask(c.id_number)
            if c.tbl == "members" and c.id_number and len(c.id_number) == 18
            else (c.id_number or "")
        )
        console.print(f"[bold]#{c.id}[/] {c.kind_label}  {c.name}  {masked}", highlight=False)
        console.print(f"    来自：{c.extra.get('source_name') or c.source_code}；{other}", highlight=False)
        console.print(f"    {status}", highlight=False)
    console.print(
        "处理：clerk conflicts resolve 编号 方式（同一人两处在册：转接 / 保留来文 / 保留本区；"
        "双方都修改：乡镇版本 / 区县版本）",
        highlight=False,
    )


@conflicts_group.command("resolve")
@click.argument("conflict_id", metavar="冲突编号")
@click.argument("choice", metavar="方式", type=Choices(RESOLUTIONS))
@_hub_option("--into", "--from")
@click.pass_context
def conflicts_resolve(ctx: click.Context, conflict_id: str, choice: str, hub_url: str | None) -> None:
    """处理一条冲突。

    \b
    同一人在两处在册：
      转接      按组织关系转接处理：较新的记录在册，较早的转出
      保留来文  保留新合并来的记录在册，区县已有的另一条转出
      保留本区  保留区县已有的记录在册，新合并来的转出
    双方都修改了同一记录：
      乡镇版本  采用乡镇的版本
      区县版本  保留区县的版本
    （也可写 transfer、keep-incoming、keep-existing、township、district。）"""
    from clerk.hub import service as hub
    from clerk.sync import merge as sync_merge

    target = _target(ctx, hub_url)
    message = (hub.resolve if hub_url else sync_merge.resolve)(target, conflict_id, choice)
    console.print(f"已处理：{message}")
