"""Click groups whose commands are imported on first use (click's "lazy loading subcommands" pattern), so that a
``--help`` imports only the command it shows."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

import click


class LazyGroup(click.Group):
    """A group that knows its commands by name and imports one only when it runs or shows its help.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`click.Group`.
    lazy_commands : Mapping[str, tuple[str or Callable[[], click.Command], str]]
        Command name -> (``"module:attribute"`` of the click command, or a function of no argument that builds
        it; its short help). The group's own help lists the commands from these short help texts, importing
        none of them.
    """

    def __init__(self, *args: Any,
                 lazy_commands: Mapping[str, tuple[str | Callable[[], click.Command], str]] | None = None,
                 **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            target = self.lazy_commands[cmd_name][0]
            if callable(target):
                self.add_command(target(), cmd_name)
            else:
                module, _, attribute = target.partition(":")
                self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands from their registered short help, importing none that is not loaded yet."""
        listed = [self.commands.get(name) or click.Command(name, help=self.lazy_commands[name][1])
                  for name in self.list_commands(ctx)]
        click.Group(commands=listed).format_commands(ctx, formatter)
