"""The five experiments on small configs: their checks, and the same seed giving the same bytes however the
chunks run (in this process, or on two worker processes with a checkpoint folder)."""

import filecmp
import json

import matplotlib.pyplot as plt
import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

from marketalign.cli import main
from marketalign.experiments import (
    network_cyclic,
    network_general,
    network_lowerbound,
    network_path,
    network_real,
)
from marketalign.experiments.protocol import RunContext, write_outcome
from marketalign.network import (
    aggregate_population,
    allocations,
    build_network,
    graphs,
    random_linear_gaussian,
)
from marketalign.parallel import ExecutionConfig
from marketalign.report.network_figures import plot_cyclic, plot_path

IN_PROCESS = RunContext(execution=ExecutionConfig(workers=1))
# each small enough for seconds, yet cut into at least two chunks
SMALL = {
    network_path: network_path.PathConfig(n_features=5, windows=(1, 2, 5), max_depth=30, instances=2),
    network_lowerbound: network_lowerbound.LowerBoundConfig(
        n_features=4, dag_sizes=(8,), edge_probs=(0.3,), dags=8, hub_features=(3, 10)
    ),
    network_cyclic: network_cyclic.CyclicConfig(n_features=(5, 10), passes=10),
    network_real: network_real.RealConfig(splits=4, widths=(1, 3), depths=(1, 2, 4, 8)),
    network_general: network_general.GeneralConfig(
        learners=("linear", "greedy"), train_rows=200, test_rows=300, max_depth=4, instances=1
    ),
}


@pytest.mark.parametrize("module", list(SMALL), ids=lambda m: m.__name__.rsplit("_", 1)[-1])
def test_same_bytes_in_process_and_on_two_workers(module, tmp_path):
    config = SMALL[module]
    here = module.run(config, IN_PROCESS)
    checkpoint = tmp_path / "ckpt"
    there = module.run(config, RunContext(execution=ExecutionConfig(workers=2, checkpoint=checkpoint)))
    first = write_outcome(here, tmp_path / "a")
    write_outcome(there, tmp_path / "b")
    names = list(first)
    assert names == ["results.csv", "summary.json", f"{here.name}.png"]
    assert filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)[0] == names
    assert len(list(checkpoint.glob("chunk-*.pkl"))) >= 2
    summary = json.loads(first["summary.json"].read_text())
    assert summary["seed"] == config.seed and summary["config"]
    assert {"data", "agents"} <= summary["about"].keys()


def test_experiment_checks_hold_on_small_runs():
    path = network_path.run(SMALL[network_path], IN_PROCESS)
    table = path.tables["results.csv"]
    assert path.summary["checks"]["violations"] == 0 and path.verdict.status == "held"
    assert (table[table["window"] == 1]["excess"] <= 1e-10).all()  # one agent sees everything
    low = network_lowerbound.run(SMALL[network_lowerbound], IN_PROCESS)
    checks = low.summary["checks"]
    assert checks["violations"] == 0 and checks["ordering_attains_bound"] and low.verdict.status == "held"
    assert checks["hub_errors"] == {3: pytest.approx(0.5), 10: pytest.approx(0.5)}
    cyclic = network_cyclic.run(SMALL[network_cyclic], IN_PROCESS)
    checks = cyclic.summary["checks"]
    assert checks["fixtures_match"] and checks["monotone"] and len(checks["fixtures"]) == 5
    assert cyclic.verdict.status == "held" and len(cyclic.verdict.lines) == 6
    real = network_real.run(SMALL[network_real], IN_PROCESS)
    table = real.tables["results.csv"]
    assert real.summary["data"]["rows"] == 442 and len(table) == 4 * (2 * 4 + 1)
    assert real.verdict.status == "measured" and real.verdict.lines[0] == "442 rows, 10 features"
    # a hub whose spokes each see one feature spans all features: linear agents reach the benchmark
    assert np.allclose(table[table["topology"] == "hub"]["excess"], 0, atol=1e-6)


def test_cyclic_without_the_fixtures_d_checks_nothing():
    outcome = network_cyclic.run(network_cyclic.CyclicConfig(n_features=(5,), passes=3), IN_PROCESS)
    assert outcome.summary["checks"]["fixtures"] == [] and outcome.verdict.status == "measured"


def test_results_do_not_depend_on_the_chunking(monkeypatch):
    config = SMALL[network_lowerbound]
    default = network_lowerbound.run(config, IN_PROCESS).tables["results.csv"]
    monkeypatch.setattr(network_lowerbound, "TASKS_PER_CHUNK", 1)
    one_per_chunk = network_lowerbound.run(config, IN_PROCESS).tables["results.csv"]
    assert default.equals(one_per_chunk)


def _invoke(*args):
    return CliRunner().invoke(main, ["network", *args])


def test_cli_commands_write_their_outputs(tmp_path):
    for command in ("path", "lowerbound", "cyclic"):
        out = tmp_path / command
        result = _invoke(command, "--quick", "--quiet", "--out", str(out))
        assert result.exit_code == 0, result.output
        assert {p.name for p in out.iterdir()} == {"results.csv", "summary.json", f"{command}.png"}
    result = _invoke("cyclic", "--quick", "--json", "--out", str(tmp_path / "j"))
    assert json.loads(result.output)["checks"]["fixtures_match"] is True


def test_cli_execution_options_and_quick_sizes(tmp_path):
    args = ["lowerbound", "--quick", "--dags", "6", "--quiet"]
    local = _invoke(*args, "--workers", "1", "--out", str(tmp_path / "local"))
    assert local.exit_code == 0, local.output
    config = json.loads((tmp_path / "local" / "summary.json").read_text())["config"]
    quick = network_lowerbound.LowerBoundConfig.quick()
    assert config["dags"] == 6 and config["n_features"] == quick.n_features  # --dags wins over --quick
    ckpt = tmp_path / "ckpt"
    pool = _invoke(*args, "--workers", "2", "--checkpoint", str(ckpt), "--out", str(tmp_path / "pool"))
    assert pool.exit_code == 0, pool.output
    names = sorted(path.name for path in (tmp_path / "local").iterdir())
    assert filecmp.cmpfiles(tmp_path / "local", tmp_path / "pool", names, shallow=False)[0] == names
    assert len(list(ckpt.glob("chunk-*.pkl"))) == 3  # 24 random DAGs + 4 others, 10 per chunk


def test_cli_train_on_a_user_network_and_table(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    table = tmp_path / "data.csv"
    lines = ["a,b,c,y"] + [f"{r[0]},{r[1]},{r[2]},{r[0] - r[2]}" for r in X]
    table.write_text("\n".join(lines) + "\n")
    spec = tmp_path / "net.json"
    spec.write_text(
        json.dumps({"agents": {"s": {"features": [0]}, "t": {"features": [2], "parents": ["s"]}}})
    )
    result = _invoke(
        "train", "--network", str(spec), "--table", str(table), "--target", "y", "--out", str(tmp_path / "o")
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["best_agent"] == "t" and summary["best_mse"] == pytest.approx(0.0, abs=1e-12)  # exact but rounding


@pytest.mark.parametrize(
    ("agents", "fragment"),
    [
        ({"a": {"features": [0], "parents": ["b"]}, "b": {"features": [1], "parents": ["a"]}}, "acyclic"),
        ({"a": {"features": [0, 12]}}, "unknown feature index 12"),
        ({"a": {"features": [0], "parents": ["ghost"]}}, "unknown parent"),
    ],
)
def test_cli_bad_networks_exit_2(agents, fragment, tmp_path):
    spec = tmp_path / "net.json"
    spec.write_text(json.dumps({"agents": agents}))
    result = _invoke("train", "--network", str(spec), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and fragment in result.output


def test_cli_singular_design_and_failing_learner_exit_2(tmp_path):
    table = tmp_path / "tiny.csv"
    table.write_text("a,b,c,y\n1,2,3,1\n2,1,0,2\n0,0,1,3\n4,1,2,5\n")
    spec = tmp_path / "net.json"
    spec.write_text(json.dumps({"agents": {"a": {"features": [0, 1, 2]}}}))
    args = ["train", "--network", str(spec), "--table", str(table), "--target", "y", "--test-fraction", "0"]
    result = _invoke(*args, "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "Singular design" in result.output
    result = _invoke(*args, "--learner", "forest", "--crossfit", "5", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "crossfit" in result.output
    assert _invoke("general", "--learners", "magic", "--out", str(tmp_path / "o")).exit_code == 2
    assert _invoke("path", "--windows", "0", "--out", str(tmp_path / "o")).exit_code == 2


def test_cli_violated_bound_exits_1(tmp_path, monkeypatch):
    monkeypatch.setattr(
        network_path, "covered_path_bound", lambda moments, window, depth: 0.0 * depth + 1e-12
    )
    result = _invoke("path", "--quick", "--quiet", "--workers", "1", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1 and "BOUND VIOLATED" in result.output
    assert (tmp_path / "o" / "results.csv").exists()


@pytest.mark.slow
def test_default_size_theory_experiments_pass_their_checks():
    path = network_path.run(network_path.PathConfig(), RunContext()).summary["checks"]
    assert path["violations"] == 0
    low = network_lowerbound.run(network_lowerbound.LowerBoundConfig(), RunContext()).summary["checks"]
    assert low["violations"] == 0 and low["ordering_attains_bound"]
    assert all(e == pytest.approx(0.5, abs=1e-12) for e in low["hub_errors"].values())
    assert network_cyclic.run(network_cyclic.CyclicConfig(), RunContext()).summary["checks"]["fixtures_match"]


@pytest.mark.slow
def test_population_mode_invariants_hold_on_a_10000_agent_dag():
    rng = np.random.default_rng(5)
    d = 200
    moments = random_linear_gaussian(d, rng, weight_l1=2.0).moments()
    graph = graphs.random_dag(10_000, rng, in_degree=3)
    network = build_network(graph, allocations.random_subsets(graph, d, 5, rng), d)
    result = aggregate_population(network, moments)
    assert (result.excess >= -1e-9).all()
    worst_edge = max(result.mse[c] - result.mse[p] for c, ps in enumerate(network.parents) for p in ps)
    assert worst_edge <= 1e-9  # no agent is worse than any of its parents


def test_the_figures_draw_into_the_callers_axes():
    path = network_path.run(SMALL[network_path], IN_PROCESS)
    cyclic = network_cyclic.run(SMALL[network_cyclic], IN_PROCESS)
    figure = Figure()
    axes = figure.subplots(1, 3)
    assert plot_path(path.tables["results.csv"], axes[:2]) is figure  # one panel per distribution
    assert plot_cyclic(cyclic.tables["results.csv"], cyclic.summary, axes[2]) is figure
    assert all(ax.has_data() for ax in axes) and plt.get_fignums() == []
