"""`clerk setup` (the unit and clerk of a database, instead of the first-run screen) and `clerk demo`."""

from __future__ import annotations

from pathlib import Path

import click

from clerk.cli import passphrase
from clerk.cli.chinese import ClerkCommand
from clerk.cli.common import console, db_path, fail, run_app, store_from
from clerk.registry import demo as demo_service
from clerk.registry import setup as setup_service
from clerk.store import paths
from clerk.store.store import open_store


@click.command(cls=ClerkCommand)
@click.option("--code", required=True, help="单位代码：乡镇/街道 9 位，区县 6 位。")
@click.option("--name", required=True, help="单位名称，如 某某镇总工会。")
@click.option("--clerk", "clerk_name", required=True, help="经办人姓名（记入每条修改记录）。")
@click.pass_context
def setup(ctx: click.Context, code: str, name: str, clerk_name: str) -> None:
    """设置本数据库所属单位和经办人（代替首次使用界面）；新数据库同时设置口令（加密）。

    口令：运行时输入两遍；脚本用 --passphrase-file 或环境变量 CLERK_PASSPHRASE。
    脚本里没有给口令时，建立的是不加密的数据库（会提示）。"""
    errors = setup_service.validate_unit(code, name, clerk_name)
    if errors:  # before opening: a refused setup must not leave an empty database behind
        fail(" ".join(errors.values()))
    recovery = passphrase.encrypt_if_new(ctx, db_path(ctx))
    store = store_from(ctx)
    unit = setup_service.set_up(store, code, name, clerk_name)
    console.print(
        f"已设置：{unit.name}（{unit.level_label} {unit.code}），经办人 {unit.clerk}。数据库：{store.path.absolute()}"
    )
    if recovery is not None:
        console.print("数据库已加密。")
        passphrase.show_recovery(recovery, store)


@click.command(cls=ClerkCommand)
@click.option("--reset", is_flag=True, help="删除旧的演示数据库，重新生成。")
@click.option("--members", "count", default=300, show_default=True, help="生成多少名演示会员。")
@click.option("--no-open", is_flag=True, help="只生成，不打开界面。")
def demo(reset: bool, count: int, no_open: bool) -> None:
    """打开演示数据库（单独的文件，不会混入真实数据）；第一次运行时自动生成演示数据。"""
    path = paths.demo_db()
    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(path)
    if store.unit is None:
        with console.status("正在生成演示数据……"):
            demo_service.build(store, count=count)
        console.print(f"演示数据库已生成：{path.absolute()}")
    store.close()
    if not no_open:
        run_app(path)
