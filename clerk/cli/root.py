"""Command line: `clerk` opens the app; subcommands do the same work in bulk or in scripts."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich import box
from rich.console import Console
from rich.table import Table

from clerk.store import db, paths
from clerk.store.store import ServiceError, Store, open_store

console = Console()
err_console = Console(stderr=True)


def fail(message: str) -> None:
    err_console.print(f"[bold red]错误：[/]{message}")
    sys.exit(1)


class ClerkGroup(click.Group):
    """Turns every refusal from the services into its Chinese message, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ServiceError, db.DatabaseError) as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            fail("已中断，未提交的改动没有写入。")


def store_from(ctx: click.Context) -> Store:
    return open_store(ctx.obj["db"])


@click.group(cls=ClerkGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path),
    envvar="CLERK_DB",
    help="数据库文件（默认：本机用户数据目录下的 clerk.store.db；也可用环境变量 CLERK_DB）。",
)
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """clerk：乡镇（街道）工会会员实名制管理，离线可用。

    不带子命令时打开界面。"""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db_path or paths.default_db()
    if ctx.invoked_subcommand is None:
        run_app(ctx.obj["db"])


def run_app(db_path: Path) -> None:
    from clerk.tui.app import make_app

    store = open_store(db_path)
    make_app(db_path, store=store).run()


@main.command()
@click.option("--code", required=True, help="单位代码：乡镇/街道 9 位，区县 6 位。")
@click.option("--name", required=True, help="单位名称，如 某某镇总工会。")
@click.option("--clerk", "clerk_name", required=True, help="经办人姓名（记入每条修改记录）。")
@click.pass_context
def setup(ctx: click.Context, code: str, name: str, clerk_name: str) -> None:
    """设置本数据库所属单位和经办人（代替首次使用界面）。"""
    from clerk.registry import setup as setup_service

    errors = setup_service.validate_unit(code, name, clerk_name)
    if errors:  # before opening: a refused setup must not leave an empty database behind
        fail(" ".join(errors.values()))
    store = store_from(ctx)
    unit = setup_service.set_up(store, code, name, clerk_name)
    console.print(f"已设置：{unit.name}（{unit.level_label} {unit.code}），经办人 {unit.clerk}。数据库：{store.path}")


@main.command()
@click.option("--reset", is_flag=True, help="删除旧的演示数据库，重新生成。")
@click.option("--members", "count", default=300, show_default=True, help="生成多少名演示会员。")
@click.option("--no-open", is_flag=True, help="只生成，不打开界面。")
def demo(reset: bool, count: int, no_open: bool) -> None:
    """打开演示数据库（单独的文件，不会混入真实数据）；第一次运行时自动生成演示数据。"""
    from clerk.registry import demo as demo_service

    path = paths.demo_db()
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(path)
    if store.unit is None:
        with console.status("正在生成演示数据……"):
            demo_service.build(store, count=count)
        console.print(f"演示数据库已生成：{path}")
    store.close()
    if not no_open:
        run_app(path)


@main.command()
@click.option(
    "--to", "target", type=click.Path(path_type=Path), help="备份文件路径（默认：数据库旁的 backups/ 文件夹）。"
)
@click.pass_context
def backup(ctx: click.Context, target: Path | None) -> None:
    """备份数据库（使用 SQLite 在线备份，可在使用中进行）。"""
    store = store_from(ctx)
    saved = store.backup(to=target)
    console.print(f"已备份到：{saved}")


@main.command()
@click.argument("backup_file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="不再询问，直接恢复。")
@click.pass_context
def restore(ctx: click.Context, backup_file: Path, yes: bool) -> None:
    """用备份文件替换当前数据库（当前数据库会先另存一份备份）。"""
    target = ctx.obj["db"]
    if not yes and not click.confirm(f"用“{backup_file}”覆盖当前数据库“{target}”？", default=False):
        fail("已取消，没有改动。")
    saved = db.restore(backup_file, target)
    console.print(f"已恢复。恢复前的数据库另存在：{saved}")


@main.group()
def member() -> None:
    """会员：登记、查找、查看。"""


@member.command("list")
@click.argument("query", required=False, default="")
@click.option("--limit", default=30, show_default=True, help="最多显示多少条。")
@click.pass_context
def member_list(ctx: click.Context, query: str, limit: int) -> None:
    """按身份证号开头、姓名或拼音查找会员（身份证号脱敏显示）。"""
    from clerk.registry import search

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
@click.argument("member_id", type=int)
@click.pass_context
def member_show(ctx: click.Context, member_id: int) -> None:
    """显示一名会员的完整信息和修改记录。"""
    from clerk.registry import members

    store = store_from(ctx)
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
    console.print(table)
    for change in members.history(store, member_id):
        console.print(f"{change.at.replace('T', ' ')}  {change.clerk}  {change.summary}")
    _orgs.print_org_history(store, member_id)


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
def member_add(ctx: click.Context, **fields) -> None:
    """登记一名会员。"""
    from clerk.registry import members

    member_id = members.register(store_from(ctx), fields)
    console.print(f"已登记，会员编号 {member_id}。")


from clerk.cli import orgs as _orgs  # noqa: E402  (the feature modules attach their commands)

_orgs.register(main, member)

from clerk.cli import sync as _sync  # noqa: E402

_sync.register(main)

from clerk.cli import importing as _importing  # noqa: E402

_importing.register(main)

from clerk.cli import hub as _hub  # noqa: E402

_hub.register(main)
