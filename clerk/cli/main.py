"""The `clerk` command: with no subcommand it opens the app; each command group lives in its own module."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from clerk.cli import backup, check, config, hub, importing, members, orgs, passphrase, printing, setup, sync, targets
from clerk.cli.chinese import ClerkGroup, show_usage_error
from clerk.cli.common import fail, run_app
from clerk.store import db, keys, paths
from clerk.store.store import ServiceError

TOO_BIG = "没有这个编号的记录（编号太大）。可用 list 命令查看已有的编号，如 clerk batches list、clerk member list。"


class RootGroup(ClerkGroup):
    """Turns every refusal from the services, and every usage error, into Chinese, never a traceback."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            show_usage_error(exc)
        except click.ClickException as exc:
            fail(exc.format_message())
        except click.Abort:
            fail("已取消，没有改动。")
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ServiceError, db.DatabaseError, keys.KeyProblem) as exc:
            fail(str(exc))
        except OverflowError:  # a number no record can have (SQLite's integers end at 2**63 - 1)
            fail(TOO_BIG)
        except click.Abort:
            fail("已取消，没有改动。")
        except KeyboardInterrupt:
            fail("已中断，未提交的改动没有写入。")


@click.group(
    "clerk", cls=RootGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(path_type=Path),
    envvar="CLERK_DB",
    help="数据库文件（默认：本机用户数据目录下的 clerk.store.db；也可用环境变量 CLERK_DB）。",
)
@click.option(
    "--passphrase-file",
    metavar="文件",
    type=click.Path(path_type=Path),
    help="从文件读数据库口令（脚本用；也可用环境变量 CLERK_PASSPHRASE；否则运行时输入）。",
)
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, passphrase_file: Path | None) -> None:
    """clerk：乡镇（街道）工会会员实名制管理，离线可用。

    不带子命令时打开界面。"""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db_path or paths.default_db()
    ctx.obj["passphrase_file"] = passphrase_file
    passphrase.install_unlocker(ctx)
    if ctx.invoked_subcommand is None:
        passphrase.unlock_if_given(ctx, ctx.obj["db"])  # else the app's own unlock screen asks
        run_app(ctx.obj["db"])


for command in (
    setup.setup,
    setup.demo,
    members.member,
    orgs.org,
    importing.import_command,
    importing.batches_group,
    sync.export_command,
    sync.merge_command,
    sync.report_command,
    sync.conflicts_group,
    hub.hub_group,
    printing.print_group,
    backup.backup,
    backup.restore,
    passphrase.encrypt,
    passphrase.passphrase,
    config.config,
    targets.target,
    check.check_command,
):
    main.add_command(command)
