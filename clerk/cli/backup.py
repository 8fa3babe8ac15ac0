"""`clerk backup` and `clerk restore`: a copy of the database by SQLite's online backup, and putting one back."""

from __future__ import annotations

from pathlib import Path

import click

from clerk.cli import passphrase
from clerk.cli.chinese import ClerkCommand
from clerk.cli.common import console, db_path, fail, full_path, store_from
from clerk.store import db


@click.command(cls=ClerkCommand)
@click.option(
    "--to",
    "target",
    type=click.Path(path_type=Path),
    help="备份文件或文件夹（如 U 盘；默认：数据库旁的 backups/ 文件夹）。",
)
@click.option("--force", is_flag=True, help="--to 指定的文件是本单位以前的备份时，替换它（其他文件从不覆盖）。")
@click.pass_context
def backup(ctx: click.Context, target: Path | None, force: bool) -> None:
    """备份数据库（使用 SQLite 在线备份，可在使用中进行）。"""
    store = store_from(ctx)
    if target is not None:
        target = db.backup_target(target, store.path, store.unit.code if store.unit else "", force=force)
    saved = store.backup(to=target)
    console.print(f"已备份到：{full_path(saved)}")


@click.command(cls=ClerkCommand)
@click.argument("backup_file", metavar="备份文件", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="不再询问，直接恢复。")
@click.option("--force", is_flag=True, help="备份是另一个单位的数据库时，仍然恢复（这里就变成那个单位的数据）。")
@click.option(
    "--recovery-key-file",
    metavar="文件",
    type=click.Path(path_type=Path),
    help="加密备份所属数据库的恢复密钥单（换电脑、或备份来自另一个数据库时用）。",
)
@click.pass_context
def restore(ctx: click.Context, backup_file: Path, yes: bool, force: bool, recovery_key_file: Path | None) -> None:
    """用备份文件替换当前数据库（当前数据库会先另存一份备份）。恢复后的数据库沿用当前的口令。"""
    target = db_path(ctx)
    recovery = passphrase.before_restore(backup_file, target, recovery_key_file)
    if not yes and not click.confirm(
        f"用“{full_path(backup_file)}”覆盖当前数据库“{full_path(target)}”？", default=False
    ):
        fail("已取消，没有改动。")
    saved = db.restore(backup_file, target, force=force)
    console.print(f"已恢复。恢复前的数据库另存在：{full_path(saved)}")
    passphrase.after_restore(ctx, target, recovery)
