"""The `clerk` command: one module per command group, each a thin face over a capability."""

from clerk.cli.main import main

__all__ = ["main"]
