"""A click group whose commands are imported on first use: `qayd --help` lists them without loading any."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click


class LazyGroup(click.Group):
    """click's documented lazy-loading group: `lazy` maps a command's name to ("module:attribute", one-line help).

    The module is imported when the command runs (or its own help is asked for); the group's help lists the names
    and one-line helps from the mapping, so answering `--help` or `--version` imports no command module. A unit
    test loads every entry and checks its name and help, so the mapping cannot go stale."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            self.add_command(self.load(cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def load(self, cmd_name: str) -> click.Command:
        """Import the command named `cmd_name` from the module its mapping entry names."""
        module_name, attribute = self.lazy[cmd_name][0].split(":")
        # __import__ rather than importlib.import_module: the same import, but `python -X importtime` sees it
        command = getattr(__import__(module_name, fromlist=[attribute]), attribute)
        if not isinstance(command, click.Command):  # a wrong mapping is our bug, caught by the unit test
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The same table click prints, with each lazy command's help taken from the mapping (nothing imported)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, self._short_help(ctx, name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, ctx: click.Context, name: str, limit: int) -> str:
        if name in self.lazy and name not in self.commands:
            # shortened the way click shortens any command's help (a throwaway Command: click's public API)
            return click.Command(name, help=self.lazy[name][1]).get_short_help_str(limit)
        command = super().get_command(ctx, name)
        return command.get_short_help_str(limit) if command is not None else ""
