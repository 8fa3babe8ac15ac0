"""`clerk encrypt`, `clerk passphrase change|reset|sheet`, and how every command gets the passphrase.

The passphrase is never on the command line: it is typed without echo (twice when it is being
set), or read from `--passphrase-file` or the CLERK_PASSPHRASE environment variable (scripts).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from clerk.cli.chinese import ClerkCommand, ClerkGroup
from clerk.cli.common import console, db_path, err_console, full_path
from clerk.registry import recovery_sheet
from clerk.store import db, encryption, folders, keys
from clerk.store.store import Store, open_store

ENV = "CLERK_PASSPHRASE"

SKIP_WARNING = encryption.PLAIN_WARNING


def interactive() -> bool:
    return sys.stdin.isatty()


def hidden(prompt: str) -> str:
    """Typed without echo (an empty answer is allowed: the caller says what it means)."""
    return click.prompt(prompt, hide_input=True, err=True, default="", show_default=False)


def _read_secret_file(path: Path, what: str) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise click.ClickException(f"读不了{what}文件“{path}”。请检查路径（文件应是 UTF-8 文本）。") from None
    secret = text.rstrip("\r\n")
    if not secret:
        raise click.ClickException(f"{what}文件“{path}”是空的。")
    return secret


def given(ctx: click.Context) -> str | None:
    """The passphrase a script gave: --passphrase-file, else CLERK_PASSPHRASE."""
    root = ctx.find_root().obj or {}
    if root.get("passphrase_file"):
        return _read_secret_file(root["passphrase_file"], "口令")
    return os.environ.get(ENV) or None


def install_unlocker(ctx: click.Context) -> None:
    """Every command that opens an encrypted database gets its passphrase the same way."""

    def unlock(path: Path) -> None:
        passphrase = given(ctx)
        if passphrase is not None:
            keys.unlock(path, passphrase)
            return
        if not interactive():
            return  # db raises Locked, which says how to give the passphrase
        for attempt in range(3):
            typed = click.prompt(
                f"数据库“{path.name}”的口令", hide_input=True, err=True, default="", show_default=False
            )
            try:
                keys.unlock(path, typed)
                return
            except keys.WrongPassphrase as exc:
                if attempt == 2:
                    raise
                err_console.print(f"[red]{exc}[/]")

    keys.set_unlocker(unlock)


def unlock_if_given(ctx: click.Context, path: Path) -> None:
    """A script's passphrase opens the database before the app starts (no unlock screen then)."""
    secret = given(ctx) if keys.needs_key(path) else None
    if secret is not None:
        keys.unlock(path, secret)


def new_passphrase(ctx: click.Context, file: Path | None, *, may_skip: bool, use_given: bool = True) -> str | None:
    """A passphrase being set: from a file (or the script's), else typed twice. None: skipped."""
    if file is not None:
        chosen: str | None = _read_secret_file(file, "新口令")
    else:
        chosen = given(ctx) if use_given else None
    if chosen is not None:
        problem = keys.check_passphrase(chosen)
        if problem:
            raise click.ClickException(problem)
        return chosen
    if not interactive():
        if may_skip:
            return None
        raise click.ClickException("请用 --new-passphrase-file 文件 给出新口令（脚本里不能输入）。")
    return typed_twice(may_skip)


def typed_twice(may_skip: bool) -> str | None:
    hint = "（直接回车表示不设口令）" if may_skip else ""
    while True:
        first = hidden(f"设置口令{hint}")
        if not first and may_skip:
            err_console.print(f"[yellow]注意：{SKIP_WARNING}[/]")
            if click.confirm("确定不设口令？", default=False, err=True):
                return None
            continue
        problem = keys.check_passphrase(first)
        if problem:
            err_console.print(f"[red]{problem}[/]")
            continue
        if first == hidden("再输入一次口令"):
            return first
        err_console.print("[red]两次输入的口令不一样，请重新设置。[/]")


def show_recovery(recovery: keys.RecoveryKey, store: Store) -> None:
    """Write the recovery key sheet and tell the clerk to print it."""
    sheet = recovery_sheet.write(recovery, store.unit, store.path, folders.exports_dir(store))
    if interactive():
        console.print(f"\n[bold]恢复密钥：{recovery.text}[/]")
    console.print(
        f"恢复密钥单已写入：{full_path(sheet)}\n"
        "[bold yellow]请现在把它打印出来（一页），锁进柜子，然后删除这个文件。[/]"
        "忘记口令时，只有它能打开数据库和备份。"
    )


def encrypt_if_new(ctx: click.Context, path: Path) -> keys.RecoveryKey | None:
    """`clerk setup` of a new database: a passphrase (or, warned, none) before anything is written."""
    if not is_new_database(path):
        return None
    chosen = new_passphrase(ctx, None, may_skip=True)
    if chosen is None:
        err_console.print(f"[bold yellow]数据库没有加密（没有设置口令）。[/]{SKIP_WARNING}")
        return None
    return encryption.encrypt_new(path, chosen)


def before_restore(backup_file: Path, target: Path, recovery_key_file: Path | None) -> keys.RecoveryKey | None:
    """The keys a restore needs: the backup's (from its recovery key) and the current database's."""
    recovery = read_recovery(recovery_key_file) if recovery_key_file else None
    if recovery is not None:
        keys.remember(backup_file, recovery.data_key)
    if keys.needs_key(target):
        keys.ask_to_unlock(target)  # the restored database keeps the current passphrase
    return recovery


def after_restore(ctx: click.Context, target: Path, recovery: keys.RecoveryKey | None) -> None:
    """A restored encrypted database with no key file here (a new laptop) gets a passphrase now."""
    if recovery is None or not keys.is_encrypted(target) or keys.key_file(target).exists():
        return
    console.print("恢复的数据库是加密的。请为它设置口令：")
    chosen = new_passphrase(ctx, None, may_skip=False)
    assert chosen is not None
    encryption.reset_passphrase(target, recovery, chosen)
    console.print("口令已设置。原来的恢复密钥单仍然有效。")


NEW_FILE_HELP = "从文件读新口令（脚本用；否则输入两遍）。"


@click.command(cls=ClerkCommand)
@click.option("--new-passphrase-file", metavar="文件", type=click.Path(path_type=Path), help=NEW_FILE_HELP)
@click.pass_context
def encrypt(ctx: click.Context, new_passphrase_file: Path | None) -> None:
    """加密现有的（未加密的）数据库和它的备份，并生成恢复密钥单。"""
    path = db_path(ctx)
    if not path.exists():
        raise click.ClickException(f"找不到数据库“{path}”。新数据库请用 clerk setup 设置口令。")
    if keys.is_encrypted(path):
        raise click.ClickException(f"数据库“{path}”已经加密了。要换口令请用 clerk passphrase change。")
    chosen = new_passphrase(ctx, new_passphrase_file, may_skip=False)
    assert chosen is not None
    with console.status("正在加密……") as status:
        result = encryption.encrypt(path, chosen, progress=status.update)
    console.print(f"数据库已加密：{path}（口令文件：{keys.key_file(path)}）")
    if result.backup:
        console.print(f"加密后的备份：{result.backup}")
    if result.backups_encrypted:
        console.print(f"旧备份也已加密：{len(result.backups_encrypted)} 个（原来的明文文件已覆盖后删除）。")
    for path in result.backups_left_plain:
        console.print(f"[yellow]这个旧备份打不开（已损坏），仍是明文，请自行删除：{path}[/]")
    console.print(
        "原来的明文数据库已用零覆盖后删除。固态硬盘和某些文件系统可能仍留有旧数据块，"
        "详见 docs/security.md；最稳妥的是对整块硬盘加密。"
    )
    store = open_store(path)
    try:
        show_recovery(result.recovery, store)
    finally:
        store.close()


@click.group(cls=ClerkGroup)
def passphrase() -> None:
    """口令：修改口令、用恢复密钥重设口令、重新生成恢复密钥单。"""


@passphrase.command()
@click.option("--new-passphrase-file", metavar="文件", type=click.Path(path_type=Path), help=NEW_FILE_HELP)
@click.pass_context
def change(ctx: click.Context, new_passphrase_file: Path | None) -> None:
    """修改口令（先输入现在的口令，再输入两遍新口令）。数据库不需要重新加密。"""
    path = db_path(ctx)
    _require_encrypted(path)
    old = given(ctx)
    if old is None:
        if not interactive():
            raise db.Locked(path)
        old = hidden("现在的口令")
    keys.open_key_file(keys.key_file(path), old)  # a wrong one stops here, before the new is asked
    new = new_passphrase(ctx, new_passphrase_file, may_skip=False, use_given=False)
    assert new is not None
    encryption.change_passphrase(path, old, new)
    console.print("口令已修改。恢复密钥单仍然有效。")


@passphrase.command()
@click.option(
    "--recovery-key-file",
    metavar="文件",
    type=click.Path(path_type=Path),
    help="恢复密钥单文件（没有时输入纸上的恢复密钥）。",
)
@click.option("--new-passphrase-file", metavar="文件", type=click.Path(path_type=Path), help=NEW_FILE_HELP)
@click.pass_context
def reset(ctx: click.Context, recovery_key_file: Path | None, new_passphrase_file: Path | None) -> None:
    """忘记口令（或口令文件丢失）时，用恢复密钥设置新口令。"""
    path = db_path(ctx)
    _require_encrypted(path)
    recovery = read_recovery(recovery_key_file)
    if not encryption.opens(path, recovery.data_key):
        raise keys.BadRecoveryKey(f"这个恢复密钥打不开数据库“{path}”：它属于另一个数据库。数据库没有改动。")
    new = new_passphrase(ctx, new_passphrase_file, may_skip=False)
    assert new is not None
    encryption.reset_passphrase(path, recovery, new)
    console.print("新口令已设置。恢复密钥不变，原来的恢复密钥单仍然有效。")


@passphrase.command()
@click.pass_context
def sheet(ctx: click.Context) -> None:
    """重新生成恢复密钥单（恢复密钥不变；需要口令）。"""
    path = db_path(ctx)
    _require_encrypted(path)
    secret = given(ctx)
    if secret is None:
        if not interactive():
            raise db.Locked(path)
        secret = hidden("口令")
    recovery = keys.open_key_file(keys.key_file(path), secret)
    keys.remember(path, recovery.data_key)
    store = open_store(path)
    try:
        show_recovery(recovery, store)
    finally:
        store.close()


def read_recovery(file: Path | None) -> keys.RecoveryKey:
    if file is not None:
        return recovery_sheet.read_key_file(file)
    if not interactive():
        raise click.ClickException("请用 --recovery-key-file 文件 给出恢复密钥单。")
    typed = click.prompt("恢复密钥（32 个字母和数字，照纸上输入）", err=True)
    return recovery_sheet.find_key(typed)


def _require_encrypted(path: Path) -> None:
    if not path.exists():
        raise click.ClickException(f"找不到数据库“{path}”。")
    if not keys.is_encrypted(path):
        raise click.ClickException(f"数据库“{path}”没有加密（没有口令）。要加密请用 clerk encrypt。")


def is_new_database(path: Path) -> bool:
    """No database yet, or an empty plain one never set up (the app creates one when it starts)."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    if keys.is_encrypted(path):
        return False
    store = open_store(path)
    try:
        return store.unit is None and not store.conn.execute("SELECT 1 FROM members LIMIT 1").fetchone()
    finally:
        store.close()
