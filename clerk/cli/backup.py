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
    "--to", "target", type=click.Path(path_type=Path), help="备份文件路径（默认：数据库旁的 backups/ 文件夹）。"
)
@click.pass_context
def backup(ctx: click.Context, target: Path | None) -> None:
    """备份数据库（使用 SQLite 在线备份，可在使用中进行）。"""
    saved = store_from(ctx).backup(to=target)
    console.print(f"已备份到：{full_path(saved)}")


@click.command(cls=ClerkCommand)
@click.argument("backup_file", metavar="备份文件", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="不再询问，直接恢复。")
@click.option(
    "--recovery-key-file",
    metavar="文件",
    type=click.Path(path_type=Path),
    help="加密备份所属数据库的恢复密钥单（换电脑、或备份来自另一个数据库时用）。",
)
@click.pass_context
def restore(ctx: click.Context, backup_file: Path, yes: bool, recovery_key_file: Path | None) -> None:
    """用备份文件替换当前数据库（当前数据库会先另存一份备份）。恢复后的数据库沿用当前的口令。"""
    target = db_path(ctx)
    recovery = passphrase.before_restore(backup_file, target, recovery_key_file)
    if not yes and not click.confirm(
        f"用“{full_path(backup_file)}”覆盖当前数据库“{full_path(target)}”？", default=False
    ):
        fail("已取消，没有改动。")
    saved = db.restore(backup_file, target)
    console.print(f"已恢复。恢复前的数据库另存在：{full_path(saved)}")
    passphrase.after_restore(ctx, target, recovery)
