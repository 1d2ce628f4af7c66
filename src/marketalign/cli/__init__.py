"""The ``marketalign`` command line: thin wrappers that parse, call the library and print.

Exit codes: 0 success; 1 a theorem's bound was violated; 2 bad input or a usage error (one line saying what
and how to fix); 3 ``bobs generate`` finished but some scores failed (re-run to retry them); 4 an internal error
(a bug: the traceback goes to stderr with a request to report it).
"""

from __future__ import annotations

import traceback

import click

from marketalign.cli.bobs import bobs_group
from marketalign.cli.by_human import curve_by_human_command
from marketalign.cli.coverage import coverage_command
from marketalign.cli.data import data_group
from marketalign.cli.demo import demo_command
from marketalign.cli.games import game_group
from marketalign.cli.hull import curve_command, epsilon_command, fit_command
from marketalign.cli.network import network_group
from marketalign.cli.report import report_command
from marketalign.cli.reproduce import reproduce_group
from marketalign.errors import BoundViolation, InputError

INTERNAL_ERROR_EXIT = 4


class _MarketAlignGroup(click.Group):
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


@click.group(cls=_MarketAlignGroup)
@click.version_option(package_name="marketalign")
def main() -> None:
    """Market alignment of AI models with a human: fits, curves over K, games, and DAG aggregation."""
    import matplotlib

    matplotlib.use("Agg")  # the command line draws into files; the library leaves the backend to its user


for command in (
    demo_command,
    fit_command,
    curve_command,
    curve_by_human_command,
    epsilon_command,
    coverage_command,
    data_group,
    bobs_group,
    reproduce_group,
    game_group,
    network_group,
    report_command,
):
    main.add_command(command)
