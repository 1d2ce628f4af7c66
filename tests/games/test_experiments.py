"""The game experiments and the ``marketalign game`` commands: tables, summaries, figures, reproducibility,
violation dumps and exit codes. Full-count runs (10,000 conversation games, 1,000 selection samples x 4
committee sizes) are marked slow."""

import filecmp
import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

import marketalign.games.checks as checks_module
from marketalign.cli import main
from marketalign.errors import BoundViolation, InputError
from marketalign.experiments import games_conversation, games_quantal, games_selection
from marketalign.experiments.game_configs import FAMILIES
from marketalign.experiments.protocol import RunContext, write_outcome
from marketalign.games.bounds import MarketEpsilon, market_epsilon, raise_if_violated
from marketalign.games.model import load_game
from marketalign.hull.epsilon import EpsilonResult
from marketalign.parallel import ExecutionConfig
from marketalign.report.game_figures import plot_conversation, plot_quantal, plot_selection

SUMMARY_KEYS = {"violations", "games", "equilibria", "min_slack", "slack", "config", "about"}
IN_PROCESS = RunContext(execution=ExecutionConfig(workers=1))


def test_selection_experiment_table_summary_and_reproducibility(tmp_path):
    config = games_selection.SelectionConfig(ks=(2, 3), samples=3, starts=2, chunk=2)
    first = games_selection.run(config, IN_PROCESS)
    again = games_selection.run(config, RunContext(execution=ExecutionConfig(workers=2)))
    table = first.tables["equilibria.csv"]
    pd.testing.assert_frame_equal(table, again.tables["equilibria.csv"])
    assert len(table) == 6 and set(table["k"]) == {2, 3}
    assert {"k", "epsilon", "opt", "min_alice_utility", "n_equilibria", "converged"} <= set(table.columns)
    assert SUMMARY_KEYS <= first.summary.keys() and first.summary["violations"] == 0
    assert (table["min_alice_utility"] <= table["opt"] + 1e-12).all()
    assert table["opt"].nunique() == 1  # one fixed Alice game
    assert first.verdict.status == "held" and first.verdict.lines[0].startswith("selection-misaligned: 6 games")
    assert first.files == {}  # no violation, no violations folder
    paths = write_outcome(first, tmp_path / "first")
    assert list(paths) == ["equilibria.csv", "equilibrium_list.csv", "summary.json", "fig5.png"]
    assert paths["fig5.png"].stat().st_size > 0
    assert not (tmp_path / "first" / "violations").exists()
    write_outcome(again, tmp_path / "again")
    names = list(paths)
    assert filecmp.cmpfiles(tmp_path / "first", tmp_path / "again", names, shallow=False)[0] == names


def test_shared_bias_drags_alice_below_opt():
    config = games_selection.SelectionConfig(family="shared-bias", ks=(2,), samples=5, starts=2)
    outcome = games_selection.run(config, IN_PROCESS)
    assert list(outcome.figures) == ["shared_bias.png"]
    table = outcome.tables["equilibria.csv"].sort_values("bias")
    assert table["bias"].iloc[0] == 0.0 and table["bias"].iloc[-1] == 1.0
    assert table["epsilon"].iloc[-1] > table["epsilon"].iloc[0]
    worst = table.iloc[-1]
    assert worst["min_alice_utility"] < worst["opt"] - 0.1  # far below OPT ...
    assert worst["min_alice_utility"] >= worst["bound"] - 1e-9  # ... but not below OPT - 2 eps


def test_conversation_experiment():
    config = games_conversation.ConversationConfig(games=6, chunk=4)
    result = games_conversation.run(config, IN_PROCESS)
    table, histogram = result.tables["equilibria.csv"], result.tables["slack_histogram.csv"]
    assert len(table) == 6 and SUMMARY_KEYS <= result.summary.keys()
    assert result.summary["games_condition_holds"] == 6 and result.summary["violations"] == 0
    assert result.summary["equilibria"] == table["n_equilibria"].sum() == histogram["equilibria"].sum()
    assert result.summary["min_slack"] >= 0 and (table["min_slack"] >= 0).all()
    assert result.verdict.status == "held"
    assert result.verdict.lines[1] == ("  the Identical Induced Distribution condition holds in 6 of 6 games; only "
                                       "their equilibria are held to the bound")


def test_quantal_experiment():
    config = games_quantal.QuantalConfig(games=2, betas=(1.0, 30.0))
    result = games_quantal.run(config, IN_PROCESS)
    table = result.tables["quantal.csv"]
    assert len(table) == 4 and result.summary["violations"] == 0
    assert set(result.summary["per_beta"]) == {"1", "30"}
    assert ((table["delta"] >= 0) & (table["delta"] <= 1)).all()
    assert list(result.figures) == ["quantal.png"] and result.verdict.status == "held"


def _lying_epsilon(game):
    """ε reported as −0.5: every equilibrium then 'breaks' OPT − 2ε, exercising the violation path."""
    true = market_epsilon(game)
    fake = EpsilonResult(-0.5, true.nonneg.weights, true.nonneg.offset, true.nonneg.binding, "nonneg")
    return MarketEpsilon(fake, true.simplex)


def test_violations_are_dumped_and_fail_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr(checks_module, "market_epsilon", _lying_epsilon)
    result = CliRunner().invoke(
        main,
        [
            "game",
            "selection",
            "--out",
            str(tmp_path),
            "--k",
            "2",
            "--samples",
            "1",
            "--starts",
            "1",
            "--quiet",
            "--workers",
            "1",  # the patched ε lives in this process only
        ],
    )
    assert result.exit_code == 1
    assert "BOUND VIOLATED" in result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["violations"] > 0
    dumps = sorted((tmp_path / "violations").glob("*.json"))
    assert len(dumps) == summary["violations"]
    game = load_game(dumps[0])
    assert game.k == 2
    details = json.loads(dumps[0].read_text())["violation"]
    assert details["check"]["violated"] and details["k"] == 2 and "policies" in details["equilibrium"]


def test_a_violated_bound_is_the_verdict_and_its_games_are_files_of_the_outcome(tmp_path, monkeypatch):
    monkeypatch.setattr(checks_module, "market_epsilon", _lying_epsilon)
    outcome = games_selection.run(games_selection.SelectionConfig(ks=(2,), samples=1, starts=1), IN_PROCESS)
    assert outcome.verdict.status == "violated" and list(outcome.files) == ["violations"]
    written = write_outcome(outcome, tmp_path)
    assert list(written)[-1] == "violations" and written["violations"] == tmp_path / "violations"
    assert len(list(written["violations"].glob("*.json"))) == outcome.summary["violations"] > 0


def test_raise_if_violated():
    raise_if_violated({"violations": 0}, "x")
    with pytest.raises(BoundViolation, match="2 equilibria"):
        raise_if_violated({"violations": 2, "min_slack": -0.1}, "x")


def test_list_options_are_comma_separated_and_given_once(tmp_path):
    base = ["game", "selection", "--out", str(tmp_path), "--samples", "1", "--starts", "1", "--quiet"]
    for args, fragment in [(["--k", "2", "3"], "unexpected extra argument"), (["--k", "2", "--k", "3"], "once"),
                           (["--k", "2,x"], "'x' is not an integer")]:
        result = CliRunner().invoke(main, [*base, *args])
        assert result.exit_code == 2 and fragment in result.output, result.output


def test_selection_command_contract(tmp_path):
    out = tmp_path / "sel"
    result = CliRunner().invoke(
        main,
        [
            "game",
            "selection",
            "--out",
            str(out),
            "--k",
            "2,3",
            "--samples",
            "2",
            "--starts",
            "1",
            "--seed",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "violations 0" in result.output
    table = pd.read_csv(out / "equilibria.csv")
    assert {"k", "epsilon", "opt", "min_alice_utility", "n_equilibria", "converged"} <= set(table.columns)
    assert sorted(table["k"].unique()) == [2, 3] and len(table) == 4
    assert {"violations", "games", "equilibria", "min_slack"} <= json.loads(
        (out / "summary.json").read_text()
    ).keys()
    assert (out / "fig5.png").exists()
    again = tmp_path / "again"
    CliRunner().invoke(
        main,
        [
            "game",
            "selection",
            "--out",
            str(again),
            "--k",
            "2,3,3",
            "--samples",
            "2",
            "--starts",
            "1",
            "--seed",
            "4",
        ],
    )
    for name in ("equilibria.csv", "equilibrium_list.csv", "fig5.png"):
        assert (out / name).read_bytes() == (again / name).read_bytes()


def test_conversation_and_quantal_commands(tmp_path):
    runner = CliRunner()
    conv = runner.invoke(
        main, ["game", "conversation", "--out", str(tmp_path / "c"), "--games", "3", "--json"]
    )
    assert conv.exit_code == 0, conv.output
    assert json.loads(conv.output)["games"] == 3
    quant = runner.invoke(
        main,
        ["game", "quantal", "--out", str(tmp_path / "q"), "--games", "1", "--beta", "2,20", "--quiet"],
    )
    assert quant.exit_code == 0, quant.output
    assert set(pd.read_csv(tmp_path / "q" / "quantal.csv")["beta"]) == {2.0, 20.0}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["selection", "--k", "0"], "--k"),
        (["selection", "--tie-rule", "coin"], "--tie-rule"),
        (["selection", "--max-bias", "2"], "No such option"),
        (["conversation", "--bob-obs", "4", "--messages", "3", "--games", "1"], "exhaustive limit"),
        (["quantal", "--messages", "1", "--games", "1"], "n_messages >= n_actions"),
    ],
)
def test_bad_command_input_exits_2(tmp_path, args, fragment):
    result = CliRunner().invoke(main, ["game", args[0], "--out", str(tmp_path), *args[1:]])
    assert result.exit_code == 2
    assert fragment in result.output


@pytest.mark.slow
def test_ten_thousand_conversation_games_have_no_violation():
    result = games_conversation.run(games_conversation.ConversationConfig(), RunContext())
    assert result.summary["games"] == 10_000
    assert result.summary["violations"] == 0
    assert result.summary["games_condition_holds"] >= 9_900
    assert result.summary["min_slack"] >= -1e-9


@pytest.mark.slow
def test_thousand_selection_samples_times_four_committee_sizes_have_no_violation():
    for family in FAMILIES:
        config = games_selection.SelectionConfig(family=family, samples=1000)
        result = games_selection.run(config, RunContext())
        assert result.summary["games"] == 4_000
        assert result.summary["violations"] == 0
        assert np.isfinite(result.tables["equilibria.csv"]["min_alice_utility"]).all()


def test_the_figures_draw_into_the_callers_axes():
    config = games_conversation.ConversationConfig(games=3)
    conversation = games_conversation.run(config, IN_PROCESS)
    quantal = games_quantal.run(games_quantal.QuantalConfig(games=1, betas=(1.0, 10.0)), IN_PROCESS)
    selection = games_selection.run(games_selection.SelectionConfig(family="shared-bias", ks=(2,), samples=2,
                                                                    starts=1), IN_PROCESS)
    figure = Figure()
    axes = figure.subplots(3, 2)
    tables = conversation.tables
    assert plot_conversation(tables["equilibria.csv"], tables["slack_histogram.csv"], conversation.summary,
                             axes[0]) is figure
    assert plot_quantal(quantal.tables["quantal.csv"], quantal.summary, axes[1]) is figure
    assert plot_selection(selection.tables["equilibria.csv"], selection.summary, axes[2]) is figure
    assert all(ax.has_data() for ax in axes.flat) and plt.get_fignums() == []
    with pytest.raises(InputError, match="draws into 2 axes; got 1"):
        plot_selection(selection.tables["equilibria.csv"], selection.summary, [axes[0, 0]])
