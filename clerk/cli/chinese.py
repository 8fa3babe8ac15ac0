"""click in Chinese: the command classes every `clerk` command is built from."""

from __future__ import annotations

import click


class ClerkCommand(click.Command):
    """A `clerk` command."""


class ClerkGroup(click.Group):
    """A group of `clerk` commands; its commands and subgroups are built the same way."""

    command_class = ClerkCommand
    group_class = type
