"""The ``marketalign`` command line: thin wrappers that parse, call the library and print.

Exit codes: 0 success; 1 a theorem's bound was violated; 2 bad input or a usage error (one line saying what
and how to fix); 3 ``bobs generate`` finished but some scores failed (re-run to retry them); 4 an internal error
(a bug: the traceback goes to stderr with a request to report it); 5 a numerical solver failed on valid input
(:class:`~marketalign.errors.SolverError`: one line naming the solver; rescaling the data or dropping
near-duplicate Bobs usually helps, else report the data set).

Commands are registered by name and imported only when run or asked for their help, so that ``marketalign --help``
and ``marketalign COMMAND --help`` start about as fast as ``import numpy``.
"""

from __future__ import annotations

import os
import sys
import traceback

import click

from marketalign.cli.lazy import LazyGroup
from marketalign.errors import BoundViolation, InputError, SolverError

INTERNAL_ERROR_EXIT = 4
SOLVER_ERROR_EXIT = 5

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
    "game": ("marketalign.cli.games:game_group",
             "The paper's games: Best-AI selection (Figure 5), conversation games, quantal response."),
    "fit": ("marketalign.cli.hull:fit_command",
            "Fit Alice's utility as a constrained combination of the Bobs: weights, offset, training and CV MSE."),
    "network": ("marketalign.cli.network:network_group",
                "Networked information aggregation on DAGs: one command per experiment (a)-(e)."),
    "report": ("marketalign.cli.report:report_command", "Render RESULTS_DIR..."),
    "reproduce": ("marketalign.cli.reproduce:reproduce_group",
                  "The papers' figures: the data figures one command each (honest offline Bobs; docs/figures.md), "
                  "and ``all``, every figure and experiment of both papers at full scale with one report."),
}
"""Command name -> (``module:attribute`` of the click command, its short help as ``marketalign --help`` lists it)."""

class _MarketAlignGroup(LazyGroup):
    """Turns the package's exceptions into the documented exit codes with a one-line message.

    Click's own exceptions (usage errors, ``Exit``, ``Abort``) keep click's behaviour; any other exception is a
    bug and exits with :data:`INTERNAL_ERROR_EXIT`, so a script can tell a crash from a violated bound.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as err:
            click.echo(f"error: {_one_line(err)}", err=True)
            ctx.exit(2)
        except BoundViolation as err:
            click.echo(f"BOUND VIOLATED: {_one_line(err)}", err=True)
            ctx.exit(1)
        except SolverError as err:  # valid input the numerics could not handle: not a bug in our code
            click.echo(f"solver failed: {_one_line(err)}", err=True)
            ctx.exit(SOLVER_ERROR_EXIT)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as err:  # a bug: exit code 1 stays reserved for violated bounds
            click.echo(traceback.format_exc().rstrip(), err=True)
            click.echo(
                f"internal error: {type(err).__name__}: {_one_line(err)}. This is a bug in marketalign; please "
                "report it to its maintainers with the command you ran and the traceback above.",
                err=True,
            )
            ctx.exit(INTERNAL_ERROR_EXIT)


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


@click.group(cls=_MarketAlignGroup, lazy_commands=COMMANDS)
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

