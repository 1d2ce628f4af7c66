"""``marketalign reproduce`` end to end: exit codes, one-line errors, files written."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.cli import main


def _run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def test_fig3_command_on_movielens(tmp_path):
    result = _run("reproduce", "fig3", "--out", tmp_path, "--orderings", 2, "--quiet")
    assert result.exit_code == 0, result.output
    assert "nnls vs single" in result.output and "MovieLens" in result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["config"]["orderings"] == 2 and summary["n_bobs"] == 100


def test_the_written_scores_give_the_same_curves_through_marketalign_curve(tmp_path):
    figure = tmp_path / "fig3"
    assert _run("reproduce", "fig3", "--out", figure, "--orderings", 3, "--seed", 4, "--quiet").exit_code == 0
    scores = json.loads((figure / "summary.json").read_text())["about"]["scores"]
    data = figure / scores["file"]
    assert hashlib.sha256(data.read_bytes()).hexdigest() == scores["sha256"]
    command = scores["same_curves"].split()
    assert command[:3] == ["marketalign", "curve", "scores.parquet"] and "--seed" in command
    args = [str(data), *command[3:]]
    args[args.index("DIR")] = str(tmp_path / "again")
    assert _run("curve", *args, "--quiet").exit_code == 0
    key = ["K", "method"]
    ours = pd.read_csv(figure / "curve.csv").set_index(key).sort_index()
    again = pd.read_csv(tmp_path / "again" / "curve.csv").set_index(key).sort_index()
    np.testing.assert_allclose(again["mse_mean"], ours["mse_mean"], rtol=1e-12)


def test_unknown_user_and_bad_options_exit_2(tmp_path):
    result = _run("reproduce", "fig3", "--out", tmp_path, "--user", 99999, "--orderings", 2, "--quiet")
    assert result.exit_code == 2 and "user 99999" in result.output
    result = _run("reproduce", "fig3", "--out", tmp_path, "--user", 257, "--orderings", 2, "--quiet")
    assert result.exit_code == 2 and "has 20 ratings" in result.output
    result = _run("reproduce", "fig3", "--out", tmp_path, "--user", 53, "--orderings", 2, "--quiet")
    assert result.exit_code == 2 and "every movie" in result.output
    result = _run("reproduce", "many-humans", "--out", tmp_path, "--k", "ten")
    assert result.exit_code == 2 and "--k" in result.output
    result = _run("reproduce", "fig1", "--out", tmp_path, "--data", tmp_path / "nowhere")
    assert result.exit_code == 2 and "no such folder" in result.output


def test_fig4_without_survey_data_is_reported_unavailable(tmp_path):
    result = _run("reproduce", "fig4", "--out", tmp_path / "out", "--data", tmp_path)
    assert result.exit_code == 0, result.output
    assert "unavailable" in result.output
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["available"] is False


def test_reproduce_fig1_with_llm_bobs_draws_the_embedded_matrix(tmp_path):
    from marketalign.data.llm_scores import ETHICS_LLM_DIR

    if not (ETHICS_LLM_DIR / "scores.csv.gz").is_file():
        pytest.skip("no embedded LLM matrix")
    out = tmp_path / "fig1_llm"
    result = CliRunner().invoke(main, ["reproduce", "fig1", "--bobs", "llm", "--out", str(out), "--orderings", "5",
                                       "--quiet"])
    assert result.exit_code == 0, result.output
    about = json.loads((out / "summary.json").read_text())["about"]
    assert about["model"]["sha256"] == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert len(about["prompts"]) == 16 and about["seed"] == 0
    quality = pd.read_csv(out / "bob_quality.csv")
    assert len(quality) == 16 and quality["auc"].between(0, 1).all()
    scores = pd.read_parquet(out / "scores.parquet")
    assert list(scores.columns) == ["alice", *quality["bob"]] and len(scores) == about["items"]["rows"]
    curve = pd.read_csv(out / "curve.csv")
    at_max = curve[curve["K"] == 16].set_index("method")
    assert at_max.loc["nnls", "mse_mean"] < at_max.loc["constant", "mse_mean"]
