"""The ``marketalign`` command line: thin wrappers that parse, call the library and print.

Exit codes: 0 success; 1 a theorem's bound was violated; 2 bad input (one line saying what and how to fix).

Commands are registered by name and imported only when run or asked for their help, so that ``marketalign --help``
and ``marketalign COMMAND --help`` start about as fast as ``import numpy`` (issue 10).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from marketalign.errors import BoundViolation, InputError

COMMANDS: dict[str, tuple[str, str]] = {
    "bobs": ("marketalign.cli.bobs:bobs_group",
             "Produce Bob utilities (one score column per Bob) from language models."),
    "coverage": ("marketalign.cli.coverage:coverage_command",
                 "Per item: is Alice's centred utility a non-negative combination of the Bobs'? "
                 "(coverage.csv, summary.json)"),
    "curve": ("marketalign.cli.hull:curve_command",
              "Held-out MSE and sparsity vs the number of Bobs K for every method (Figures 1-4)."),
    "curve-by-human": ("marketalign.cli.by_human:curve_by_human_command",
                       "Curves over K for every human in TABLE (columns human, instance, target, Bobs), averaged "
                       "over humans."),
    "data": ("marketalign.cli.data:data_group",
             "Write Alice's data as tables: one row per instance, her utility in a target column."),
    "demo": ("marketalign.cli.demo:demo_command",
             "Run the embedded demonstrations, write the report and say where the results are."),
    "epsilon": ("marketalign.cli.hull:epsilon_command",
                "Exact sup-norm epsilon of Definition 1 for the utility tables in TABLE.json."),
    "fit": ("marketalign.cli.hull:fit_command",
            "Fit Alice's utility as a constrained combination of the Bobs: weights, offset, training and CV MSE."),
    "game": ("marketalign.cli.games:game_group",
             "The paper's games: Best-AI selection (Figure 5), conversation games, quantal response."),
    "network": ("marketalign.cli.network:network_group",
                "Networked information aggregation on DAGs: one command per experiment (a)-(e)."),
    "report": ("marketalign.cli.report:report_command", "Render RESULTS_DIR..."),
    "reproduce": ("marketalign.cli.reproduce:reproduce_group",
                  "The papers' figures: the data figures one command each (honest offline Bobs; docs/figures.md), "
                  "and ``all``, every figure and experiment of both papers at full scale with one report."),
}
"""Command name -> (``module:attribute`` of the click command, its short help as ``marketalign --help`` lists it)."""


class _MarketAlignGroup(click.Group):
    """Imports a command on first use and turns the package's exceptions into the documented exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attribute = COMMANDS[cmd_name][0].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands from their registered short help, importing none that is not loaded yet."""
        listed = [self.commands.get(name) or click.Command(name, help=COMMANDS[name][1])
                  for name in self.list_commands(ctx)]
        click.Group(commands=listed).format_commands(ctx, formatter)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as err:
            click.echo(f"error: {_one_line(err)}", err=True)
            ctx.exit(2)
        except BoundViolation as err:
            click.echo(f"BOUND VIOLATED: {_one_line(err)}", err=True)
            ctx.exit(1)


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


@click.group(cls=_MarketAlignGroup)
@click.version_option(package_name="marketalign")
def main() -> None:
    """Market alignment of AI models with a human: fits, curves over K, games, and DAG aggregation."""
    # The command line draws into files; the library leaves the backend to its user. Before matplotlib is
    # imported, MPLBACKEND chooses Agg without importing it (a --help needs no matplotlib).
    if "matplotlib" in sys.modules:
        import matplotlib

        matplotlib.use("Agg")
    else:
        os.environ["MPLBACKEND"] = "Agg"
