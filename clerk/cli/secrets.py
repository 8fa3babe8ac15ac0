"""Secrets never on the command line: every user of the machine can read a command's arguments
(the process list, the shell history). A sync-file password is typed without echo (twice when it
is being set), or read from a file or the environment by scripts.

    @secrets.password_option(new=True)       # export: sets a password
    def export_command(ctx, ..., password): ...   # password: the resolved text or None

`--password` alone asks for it; `--password VALUE` is refused with the way to do it instead.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import click

from clerk.store.errors import ServiceError

ENV = "CLERK_SYNC_PASSWORD"
_ASK = "\0ask"  # what --password gives when no value follows it

ON_COMMAND_LINE = (
    "密码不能写在命令行上（同一台电脑上的其他人能从进程列表和命令记录里看到它），这次没有执行。"
    "请只写 --password（不跟密码，放在最后），运行时会提示输入且不显示；"
    f"脚本里请用 --password-file 文件（文件里只写密码），或环境变量 {ENV}。"
)


class _PasswordOption(click.Option):
    """--password names its environment variable (help, the help checks) but click never reads it:
    sync_password() does, and only when --password was given."""

    def resolve_envvar_value(self, ctx: click.Context) -> str | None:
        return None


def password_option(*, new: bool):
    """Add --password (ask) and --password-file to a command; it receives `password` resolved."""

    def decorate(command):
        @functools.wraps(command)
        def run(*args, password: str | None = None, password_file: Path | None = None, **kwargs):
            return command(*args, password=sync_password(password, password_file, new=new), **kwargs)

        run = click.option(
            "--password-file",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help=f"从文件读密码（脚本用；文件里只写密码）。也可用环境变量 {ENV}。",
        )(run)
        what = "给同步文件加密码（Excel/WPS 打开时要输入）" if new else "同步文件有密码时加上"
        return click.option(
            "--password",
            cls=_PasswordOption,
            envvar=ENV,
            is_flag=False,
            flag_value=_ASK,
            default=None,
            metavar="",
            help=f"{what}：运行时输入{'两遍' if new else ''}，不显示。不要在后面写密码。",
        )(run)

    return decorate


def sync_password(given: str | None, file: Path | None, *, new: bool) -> str | None:
    """The password the clerk asked for: from the file, the environment, or typed; None if none."""
    if given not in (None, _ASK):
        raise ServiceError(ON_COMMAND_LINE)
    if file is not None:
        return _read(file)
    if given is None:
        return None
    if os.environ.get(ENV):
        return os.environ[ENV]
    return _typed(new)


def _read(file: Path) -> str:
    try:
        secret = file.read_text(encoding="utf-8-sig").rstrip("\r\n")
    except (OSError, UnicodeDecodeError):
        raise ServiceError(f"读不了密码文件“{file}”。请检查路径（文件应是 UTF-8 文本，只写密码）。") from None
    if not secret.strip():
        raise ServiceError(f"密码文件“{file}”是空的。")
    return secret


def _ask(prompt: str) -> str:
    try:
        return click.prompt(prompt, hide_input=True, err=True, default="", show_default=False)
    except (click.Abort, EOFError):
        raise ServiceError(f"没有输入密码，没有执行。脚本里请用 --password-file 文件，或环境变量 {ENV}。") from None


def _typed(new: bool) -> str:
    first = _ask("同步文件的密码（输入时不显示）")
    if not first.strip():
        raise ServiceError("密码不能为空，没有执行。不加密码请去掉 --password。")
    if new and _ask("再输入一遍密码") != first:
        raise ServiceError("两次输入的密码不一样，没有执行。请重新运行再输入。")
    return first
