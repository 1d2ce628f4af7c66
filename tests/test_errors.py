"""Solver failures raise :class:`SolverError` (one family with the package's other errors), and the command line
turns them into exit code 5 with one line naming the solver."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner

import marketalign.hull.epsilon as epsilon_module
import marketalign.hull.solvers as solvers_module
from marketalign import MarketAlignError, SolverError
from marketalign.cli import SOLVER_ERROR_EXIT, main
from marketalign.games.model import ConversationGame


def _failed_lp(*args, **kwargs):
    return SimpleNamespace(status=4, message="Numerical difficulties encountered", x=None)


def test_solver_error_is_in_the_family_and_still_a_runtime_error():
    assert issubclass(SolverError, MarketAlignError) and issubclass(SolverError, RuntimeError)
    assert not issubclass(SolverError, ValueError)  # not an InputError: the input was valid


def test_a_failed_epsilon_lp_raises_solver_error(monkeypatch):
    monkeypatch.setattr(epsilon_module, "linprog", _failed_lp)
    with pytest.raises(SolverError, match="HiGHS failed on the epsilon LP .*Numerical difficulties"):
        epsilon_module.epsilon_sup(np.eye(2), np.eye(2)[None])


def test_a_failed_obedience_lp_raises_solver_error(monkeypatch):
    import marketalign.games.persuasion as persuasion

    monkeypatch.setattr(persuasion, "linprog", _failed_lp)
    prior = np.zeros((1, 2, 2))
    prior[0, 0, 0], prior[0, 1, 1] = 0.7, 0.3
    game = ConversationGame(prior, np.eye(2), np.array([[[0.0, 0.0], [1.0, 1.0]]]), n_messages=2, rounds=1)
    with pytest.raises(SolverError, match="obedience LP"):
        persuasion.optimal_persuasion(game)


@pytest.mark.parametrize("kernel", ["solve_paths", "solve_paths_serial"])
def test_a_problem_the_kernel_did_not_finish_raises_solver_error(monkeypatch, kernel):
    def stuck(*args):
        args[-1][:, 2] = solvers_module._kernels.FAILED_OUTER  # the status a kernel leaves at its iteration limit

    monkeypatch.setattr(solvers_module._kernels, kernel, stuck)
    monkeypatch.setattr(solvers_module, "SERIAL_WORK", 10**9 if kernel == "solve_paths_serial" else 0)
    with pytest.raises(SolverError, match="did not finish 1 of 1 problems .* outer loop's iteration limit"):
        solvers_module.solve_gram(np.eye(2), np.ones(2))


def test_a_problem_the_kernel_never_reached_raises_solver_error(monkeypatch):
    monkeypatch.setattr(solvers_module._kernels, "solve_paths_serial", lambda *args: None)  # leaves every output
    with pytest.raises(SolverError, match="never reached"):
        solvers_module.solve_gram(np.eye(2), np.ones(2))


def test_a_kkt_violation_raises_solver_error(monkeypatch):
    def inexact(*args):
        args[-1][:, 0] = 1.0  # the kernel reports a relative KKT violation of 1
        args[-1][:, 2] = solvers_module._kernels.SOLVED

    monkeypatch.setattr(solvers_module._kernels, "solve_paths_serial", inexact)
    with pytest.raises(SolverError, match="relative KKT violation of 1"):
        solvers_module.solve_gram(np.eye(2), np.ones(2))


def test_a_least_squares_failure_in_a_network_raises_solver_error(monkeypatch):
    from marketalign.network import LinearLearner, aggregate_population, build_network, graphs
    from marketalign.network.distributions import random_linear_gaussian

    def diverged(*args, **kwargs):
        raise np.linalg.LinAlgError("SVD did not converge in Linear Least Squares")

    rng = np.random.default_rng(0)
    moments = random_linear_gaussian(2, rng).moments()
    network = build_network(graphs.path(2), {0: (0,), 1: (1,)}, 2)
    monkeypatch.setattr(np.linalg, "lstsq", diverged)
    with pytest.raises(SolverError, match="SVD did not converge"):
        aggregate_population(network, moments, LinearLearner())


def test_the_command_line_exits_5_with_one_line_on_a_solver_failure(monkeypatch, tmp_path):
    monkeypatch.setattr(epsilon_module, "linprog", _failed_lp)
    table = tmp_path / "t.json"
    table.write_text(json.dumps({"alice": [[1.0, 0.0]], "bobs": [[[1.0, 0.0]]]}))
    result = CliRunner().invoke(main, ["epsilon", str(table)], catch_exceptions=False)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == SOLVER_ERROR_EXIT == 5, result.output
    assert lines == ["solver failed: HiGHS failed on the epsilon LP (status 4): Numerical difficulties encountered"]
    assert "Traceback" not in result.output


def test_the_solver_exit_code_is_documented():
    from pathlib import Path

    import marketalign.cli

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert "5 a numerical solver failed" in marketalign.cli.__doc__
    assert "`marketalign.SolverError`) exits with 5" in readme
