"""CLI subcommands by feature, each registered in clerk/cli.py."""
