"""Importing the library is light and polite: it loads no heavy dependency until a name needs it, and it changes
nothing in the user's process (matplotlib backend, warnings, logging, environment, numpy print options)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import click
import pytest

import marketalign
from marketalign.cli import main
from marketalign.cli.games import game_group
from marketalign.cli.network import network_group
from marketalign.cli.reproduce import reproduce_group

HEAVY = ("sklearn", "matplotlib", "pandas", "scipy", "numba")
PACKAGES = ("marketalign", "marketalign.bobs", "marketalign.data", "marketalign.experiments", "marketalign.games",
            "marketalign.hull", "marketalign.network", "marketalign.parallel", "marketalign.report")


def _run(code: str, **env: str) -> str:
    """Run ``code`` in a fresh interpreter (MPLBACKEND as given, else unset); its stdout."""
    environ = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"} | env
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _loaded(code: str) -> list[str]:
    """The heavy libraries in ``sys.modules`` after ``code`` ran in a fresh interpreter."""
    probe = f"{code}\nimport sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    return eval(_run(probe).strip().splitlines()[-1])


@pytest.mark.parametrize("name", PACKAGES)
def test_every_public_name_resolves_and_is_listed(name):
    package = importlib.import_module(name)
    for public in package.__all__:
        assert getattr(package, public) is not None, public
        exec(f"from {name} import {public}", {})
    assert set(package._PUBLIC) <= set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        package.not_a_name  # noqa: B018


def test_the_lazy_names_are_the_objects_of_their_modules():
    from marketalign.hull.curves import CurveConfig

    assert marketalign.CurveConfig is CurveConfig
    assert marketalign.load_bob_config is importlib.import_module("marketalign.bobs.config").load_config
    assert marketalign.report is importlib.import_module("marketalign.report")


def test_importing_the_package_loads_no_heavy_library():
    assert _loaded("import marketalign") == []


@pytest.mark.parametrize("name", PACKAGES[1:])
def test_importing_a_subpackage_loads_no_heavy_library(name):
    assert _loaded(f"import {name}") == []


def test_every_subpackage_exports_public_names():
    for name in PACKAGES:
        package = importlib.import_module(name)
        assert package.__all__ and package._PUBLIC, f"{name} exports nothing"
        assert package.__all__ == sorted(package.__all__), f"keep {name}.__all__ sorted"


def test_the_top_level_names_are_the_subpackages_names():
    """A name exported at the top and by its subpackage is the same object, so either import works."""
    for name in marketalign._PUBLIC:
        subpackage = importlib.import_module(".".join(marketalign._PUBLIC[name].split(".")[:2]))
        if name in getattr(subpackage, "_PUBLIC", {}):
            assert getattr(subpackage, name) is getattr(marketalign, name), name


@pytest.mark.parametrize("args", [["--help"], [*"curve --help".split()], [*"reproduce --help".split()],
                                  [*"reproduce fig1 --help".split()], [*"fit --help".split()],
                                  [*"coverage --help".split()], [*"curve-by-human --help".split()],
                                  [*"report --help".split()], [*"bobs generate --help".split()],
                                  [*"data ethics --help".split()], [*"game --help".split()],
                                  [*"network --help".split()], [*"game selection --help".split()],
                                  [*"game conversation --help".split()], [*"game quantal --help".split()],
                                  [*"network path --help".split()], [*"network lowerbound --help".split()],
                                  [*"network general --help".split()], [*"network train --help".split()]],
                         ids=" ".join)
def test_the_help_loads_no_heavy_library(args):
    code = f"from marketalign.cli import main\nmain({args!r}, standalone_mode=False)"
    assert _loaded(code) == []


@pytest.mark.parametrize("args", [["game", "selection", "--help"], ["network", "path", "--help"]], ids=" ".join)
def test_the_game_and_network_help_loads_not_even_numpy(args):
    code = f"from marketalign.cli import main\nmain({args!r}, standalone_mode=False)\n"
    code += "import sys\nprint('numpy' in sys.modules)"
    assert _run(code).strip().splitlines()[-1] == "False"


STATE = """
import logging, os, warnings
import numpy as np
{dependencies}
def state():
    return repr((warnings.filters, logging.root.handlers, logging.root.level, dict(os.environ),
                 np.get_printoptions()))
before = state()
import marketalign
{touch}
assert state() == before, "importing marketalign changed the process's global state"
import matplotlib
print(matplotlib.get_backend())
"""
# scikit-learn sets KMP_* variables and SciPy adds warnings filters when imported: their doing, not ours
DEPENDENCIES = ("import matplotlib.pyplot, numba, pandas, scipy.optimize, scipy.sparse, scipy.special, scipy.stats, "
                "sklearn")


def test_importing_and_using_light_names_changes_no_global_state():
    touch = "marketalign.CurveConfig, marketalign.report, marketalign.market_curve, marketalign.ExecutionConfig"
    assert _run(STATE.format(dependencies="", touch=touch), MPLBACKEND="svg").strip() == "svg"


def test_every_public_name_adds_nothing_to_what_the_dependencies_change():
    touch = "from marketalign import *\nimport marketalign.report.plots, marketalign.experiments.fig1"
    assert _run(STATE.format(dependencies=DEPENDENCIES, touch=touch), MPLBACKEND="svg").strip() == "svg"


def test_importing_the_library_keeps_the_users_matplotlib_backend():
    code = ("import matplotlib\nmatplotlib.use('svg')\n"
            "import marketalign, marketalign.report.outputs, marketalign.report.plots, marketalign.experiments.fig1\n"
            "import marketalign.report.game_figures, marketalign.report.network_figures\n"
            "print(matplotlib.get_backend())")
    assert _run(code).strip() == "svg"


PLOT_INTO_AX = """
import pandas as pd
from matplotlib.figure import Figure
import matplotlib, matplotlib.pyplot as plt
from marketalign.report.plots import plot_mse_vs_k, plot_sparsity_vs_k
curves = pd.DataFrame({"K": [1, 2, 1, 2], "method": ["nnls", "nnls", "simplex", "simplex"],
                       "mse_mean": [1.0, 0.5, 1.0, 0.7], "mse_std": 0.1, "nnz_mean": [1.0, 2.0, 1.0, 1.5],
                       "nnz_std": 0.2})
fig = Figure()
left, right = fig.subplots(1, 2)
assert plot_mse_vs_k(curves, ax=left) is fig and plot_sparsity_vs_k(curves, ax=right) is fig
assert left.lines and right.lines and plt.get_fignums() == []
print(matplotlib.get_backend())
"""


def test_the_curve_plots_draw_into_the_users_axes_without_touching_the_backend():
    assert _run(PLOT_INTO_AX, MPLBACKEND="svg").strip() == "svg"


@pytest.mark.parametrize("preimported", [True, False], ids=["matplotlib imported", "matplotlib not imported"])
def test_the_command_line_draws_without_a_display(preimported):
    code = ("import matplotlib\n" if preimported else "") + (
        "from marketalign.cli import main\nmain(['report', '--help'], standalone_mode=False)\n"
        "import matplotlib\nprint(matplotlib.get_backend())")
    assert _run(code, MPLBACKEND="svg").strip().splitlines()[-1].lower() == "agg"


@pytest.mark.parametrize("group", [main, game_group, network_group, reproduce_group], ids=lambda g: g.name)
def test_the_registered_commands_and_short_help_match_the_commands(group):
    ctx = click.Context(group)
    for name, (_, short_help) in group.lazy_commands.items():
        command = group.get_command(ctx, name)
        assert command.name == name and not command.hidden
        assert command.get_short_help_str(limit=10**6) == short_help, f"update the short help of {name!r}"
