"""`clerk check`: what is missing or doubtful in the records, and each organisation's completeness.

Thin face over clerk/reports/completeness.py.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich import box
from rich.table import Table

from clerk.cli.chinese import ClerkCommand
from clerk.cli.common import console, full_path, store_from
from clerk.reports import completeness
from clerk.store.store import ServiceError

SHOWN = 20


def _org_id(store, ref: str) -> int | None:
    from clerk.registry import organisations

    if ref.strip() in ("未归属", "无"):
        return None
    return organisations.find(store, ref)


@click.command("check", cls=ClerkCommand)
@click.option(
    "--org",
    "org_ref",
    default=None,
    metavar="工会",
    help="只看一个工会（编号、完整名称或信用代码；“未归属”为不在任何工会的会员）。",
)
@click.option("--write", is_flag=True, help="把这个工会的问题写成 .xlsx（默认保存在导出文件夹），发给单位补充。")
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    default=None,
    metavar="文件",
    help="问题清单的文件名或文件夹。",
)
@click.option("--force", is_flag=True, help="问题清单文件已存在时替换它。")
@click.pass_context
def check_command(ctx: click.Context, org_ref: str | None, write: bool, out_path: Path | None, force: bool) -> None:
    """数据检查：缺手机号、缺入会日期、未归属工会、一个手机号多人共用，会员多于职工、没有会员的工会、
    企业工会未填职工人数；各工会信息完整率。

    加 --org 工会 --write 把该工会的问题写成 .xlsx 发回单位。"""
    store = store_from(ctx)
    if (write or out_path) and org_ref is None:
        raise ServiceError("请用 --org 指定要写问题清单的工会。")
    if org_ref is not None:
        _one_org(store, _org_id(store, org_ref), write or out_path is not None, out_path, force)
        return
    result = completeness.check(store)
    rate = "—" if result.rate is None else f"{result.rate:.1%}"
    console.print(f"在册会员 {result.members:,} 人，信息完整 {result.complete:,} 人（{rate}）。")
    if not result.total:
        console.print("没有发现问题。")
        return
    summary = Table(title="发现的问题", box=box.SIMPLE_HEAD, pad_edge=False)
    summary.add_column("问题")
    summary.add_column("数量", justify="right")
    for problem in completeness.PROBLEMS:
        if result.counts[problem]:
            unit = "人" if problem in completeness.MEMBER_PROBLEMS else "个工会"
            summary.add_row(problem, f"{result.counts[problem]:,} {unit}")
    console.print(summary)
    table = Table(title="问题最多的工会", box=box.SIMPLE_HEAD, pad_edge=False)
    for label, justify in (
        ("编号", "right"),
        ("工会", "left"),
        ("会员", "right"),
        ("完整率", "right"),
        ("问题", "left"),
    ):
        table.add_column(label, justify=justify, no_wrap=label != "问题")  # type: ignore[arg-type]
    for o in result.per_org[:SHOWN]:
        if not o.open:
            break
        parts = [f"{k}\u00a0{n}" for k, n in o.counts.items()] + o.problems
        table.add_row(
            "" if o.org_id is None else str(o.org_id), o.name, f"{o.members:,}", o.rate_label, "、".join(parts)
        )
    console.print(table)
    if result.shared_phones:
        top = "、".join(f"{phone}（{n} 人）" for phone, n in result.shared_phones[:5])
        console.print(f"多人共用的手机号：{top}")
    console.print("用 clerk check --org 工会 查看一个工会的问题会员；加 --write 写成 .xlsx 发给单位补充。")


def _one_org(store, org_id: int | None, write: bool, out: Path | None, force: bool) -> None:
    result = completeness.check(store)
    org = result.org(org_id)
    if org is None:
        console.print("这个工会没有在册会员，也没有发现问题。")
        return
    console.print(f"{org.name}：在册会员 {org.members:,} 人，信息完整 {org.complete:,} 人（{org.rate_label}）。")
    for problem in org.problems:
        console.print(f"单位问题：{problem}")
    issues = completeness.member_issues(store, org_id)
    if issues:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
        for label in ("姓名", "身份证号", "手机号码", "入会日期"):
            table.add_column(label, no_wrap=True)
        table.add_column("问题")
        for issue in issues[:SHOWN]:
            table.add_row(issue.name, issue.id_masked, issue.phone, issue.joined_on, "、".join(issue.problems))
        console.print(table)
        if len(issues) > SHOWN:
            console.print(f"……共 {len(issues):,} 人，全部见 --write 写出的清单。")
    if write:
        path = completeness.write_org_report(store, org_id, out, force=force)
        console.print(f"问题清单已写出：{full_path(path)}")
