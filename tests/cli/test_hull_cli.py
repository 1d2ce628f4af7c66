"""The fit / curve / epsilon / demo commands end to end: files written, exit codes, same seed same bytes."""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.bobs.synthetic import SyntheticBobs, synthetic_bobs
from marketalign.cli import main
from marketalign.experiments.registry import STEPS


@pytest.fixture
def table_path(tmp_path):
    rng = np.random.default_rng(0)
    alice = rng.normal(size=300)
    scores = synthetic_bobs(alice, SyntheticBobs(n_bobs=6, shared=0.3, seed=1))
    table = pd.DataFrame(scores, columns=[f"model_{i}" for i in range(6)])
    table.insert(0, "rating", alice)
    table.insert(0, "instance", [f"item:{i}" for i in range(300)])
    table["note"] = "free text is ignored"
    path = tmp_path / "scores.csv"
    table.to_csv(path, index=False)
    return path


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_curve_writes_every_file_and_is_reproducible(table_path, tmp_path):
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = _run("curve", table_path, "--target", "rating", "--out", out, "--orderings", 5, "--folds", 3,
                      "--quiet")
        assert result.exit_code == 0, result.output
        outputs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert set(outputs[0]) == {"curve.csv", "summary.json", "mse_vs_k.png", "sparsity_vs_k.png"}
    assert outputs[0] == outputs[1]
    curve = pd.read_csv(tmp_path / "a" / "curve.csv")
    assert {"K", "method", "mse_mean", "mse_std", "mse_se", "nnz_mean"} <= set(curve.columns)
    assert set(curve["method"]) == {"single", "average", "simplex", "nnls", "constant", "single_scaled"}
    assert curve["K"].max() == 6
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["about"]["bobs"] == [f"model_{i}" for i in range(6)]


def test_curve_with_listed_bobs_and_all_subsets(table_path, tmp_path):
    result = _run("curve", table_path, "--target", "rating", "--bobs", "model_0,model_2", "--bobs", "model_4",
                  "--all-subsets", "--out", tmp_path / "o", "--quiet")
    assert result.exit_code == 0, result.output
    curve = pd.read_csv(tmp_path / "o" / "curve.csv")
    assert curve.groupby("K")["n_curves"].first().tolist() == [3, 3, 1]


def test_fit_reports_weights_by_name(table_path, tmp_path):
    out = tmp_path / "fit.json"
    result = _run("fit", table_path, "--target", "rating", "--constraint", "nonneg", "--out", out)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert set(report["weights"]) == {f"model_{i}" for i in range(6)}
    assert report["cv_mse"] < report["constant_cv_mse"]
    assert {"offset", "training_mse", "cv_mse"} <= set(report)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--target", "missing"], "no target column 'missing'"),
        (["--target", "rating", "--bobs", "nope"], "no Bob column"),
        (["--target", "rating", "--folds", "1"], "at least 2 folds"),
    ],
)
def test_fit_bad_input_exits_2_with_one_line(table_path, args, fragment):
    result = CliRunner().invoke(main, ["fit", str(table_path), *args])
    assert result.exit_code == 2
    assert fragment in result.output and result.output.count("\n") == 1


def test_nan_in_a_bob_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"alice": [1.0, 2.0, 3.0, 4.0], "b": [1.0, np.nan, 2.0, 3.0]}).to_csv(path, index=False)
    result = CliRunner().invoke(main, ["curve", str(path), "--out", str(tmp_path / "o"), "--folds", "2"])
    assert result.exit_code == 2 and "NaN" in result.output


def test_epsilon_command(tmp_path):
    path = tmp_path / "tables.json"
    path.write_text(json.dumps({"alice": [[1, 0], [0, 1]], "bobs": [[[1, 0], [0, 0]], [[0, 0], [0, 1]]]}))
    result = _run("epsilon", path, "--weights", "simplex")
    payload = json.loads(result.output)
    assert payload["epsilon"] == pytest.approx(0.25) and payload["weights"] == pytest.approx([0.5, 0.5])
    path.write_text("{not json")
    bad = CliRunner().invoke(main, ["epsilon", str(path)])
    assert bad.exit_code == 2 and "not valid JSON" in bad.output


def test_demo_quick_runs_on_embedded_data(tmp_path):
    result = _run("demo", "--out", tmp_path, "--quick")
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    summary = json.loads((tmp_path / "synthetic_ethics" / "summary.json").read_text())
    assert "SYNTHETIC" in summary["about"]["bobs"]
    steps = (tmp_path / "steps.csv").read_text()
    needs_data = [step for step in STEPS if step.needs is not None]  # not embeddable: skipped on embedded data
    assert steps.count(",done,") == len(STEPS) - len(needs_data) and "--data embedded" in steps
    assert steps.count(",skipped: needs data,") == len(needs_data)
    assert (tmp_path / "report.html").exists() and "report:" in result.output


@pytest.fixture
def grouped_table_path(table_path, tmp_path):
    table = pd.read_csv(table_path)
    table["user"] = np.arange(len(table)) % 12  # numeric: it would be a Bob without --groups
    path = tmp_path / "grouped.csv"
    table.to_csv(path, index=False)
    return path


def test_fit_and_curve_with_groups_never_use_the_group_column_as_a_bob(grouped_table_path, tmp_path):
    result = CliRunner().invoke(main, ["fit", str(grouped_table_path), "--target", "rating", "--groups", "user",
                                       "--out", str(tmp_path / "fit.json")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "column 'user' is used as groups" in result.stderr
    report = json.loads((tmp_path / "fit.json").read_text())
    assert "user" not in report["weights"] and report["n_groups"] == 12 and report["folds_by"] == "group"
    result = _run("curve", grouped_table_path, "--target", "rating", "--groups", "user", "--orderings", 2,
                  "--out", tmp_path / "c", "--quiet")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "c" / "summary.json").read_text())
    assert summary["folds_by"] == "group" and summary["n_groups"] == 12
    assert "user" not in summary["about"]["bobs"] and summary["about"]["groups"] == "user"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(["--groups", "nobody"], "no group column 'nobody'"),
     (["--groups", "user", "--folds", "13"], "12 groups cannot be split into 13 folds"),
     (["--groups", "user", "--bobs", "user,model_0"], "also the target, the id or a Bob")],
)
def test_bad_groups_exit_2_with_one_line(grouped_table_path, args, fragment):
    result = CliRunner().invoke(main, ["fit", str(grouped_table_path), "--target", "rating", *args])
    assert result.exit_code == 2
    assert fragment in result.output
    assert len(result.stderr.strip().splitlines()) <= 2
