"""``marketalign curve-by-human``: outputs over humans, the scores join, and one-line exit-2 errors."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from parallel_helpers import long_table, make_humans

from marketalign.cli import main

HUMANS = make_humans(5, 4, rows=(20, 40), seed=3)


@pytest.fixture()
def table(tmp_path):
    path = tmp_path / "humans.csv"
    long_table(HUMANS).to_csv(path, index=False)
    return path


def run(*args, env=None):
    return CliRunner().invoke(main, ["curve-by-human", *map(str, args)], env=env)


def test_writes_curves_over_humans(table, tmp_path):
    out = tmp_path / "out"
    result = run(table, "--out", out, "--orderings", 3, "--workers", 1)
    assert result.exit_code == 0, result.output
    assert "5 humans, 4 Bobs: 1 local workers" in result.output
    over = pd.read_csv(out / "curve_over_targets.csv")
    assert set(over["n_targets"]) == {5}
    assert sorted(pd.read_csv(out / "curve.csv")["target"].unique()) == [f"user:{i}" for i in range(5)]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["about"]["humans"] == 5 and summary["n_targets"] == 5
    assert (out / "mse_vs_k.png").stat().st_size > 0


def test_scores_joined_on_instance_give_the_same_curves(tmp_path):
    """Bobs that score instances (not humans): the long table holds only ratings, a scores table the Bobs."""
    humans = make_humans(4, 3, rows=(25, 26), seed=1)
    items = humans[0][0]  # every human rated the same 25 items, scored once per item
    frame = long_table([(items, alice) for _, alice in humans])
    scores = frame[frame["human"] == "user:0"].drop(columns=["human", "alice"])
    frame[["human", "instance", "alice"]].to_csv(tmp_path / "ratings.csv", index=False)
    scores.to_csv(tmp_path / "scores.csv", index=False)
    frame.to_csv(tmp_path / "wide.csv", index=False)
    joined = run(tmp_path / "ratings.csv", "--scores", tmp_path / "scores.csv", "--out", tmp_path / "j",
                 "--orderings", 3, "--workers", 1, "--quiet")
    direct = run(tmp_path / "wide.csv", "--out", tmp_path / "d", "--orderings", 3, "--workers", 1, "--quiet")
    assert joined.exit_code == 0 and direct.exit_code == 0, joined.output + direct.output
    assert (tmp_path / "j" / "curve.csv").read_bytes() == (tmp_path / "d" / "curve.csv").read_bytes()


@pytest.mark.parametrize(
    ("change", "options", "message"),
    [
        (lambda f: f.drop(columns="human"), ["--workers", "1"], "no 'human' column"),
        (lambda f: f[(f["human"] != "user:2") | f["instance"].isin(["item:0", "item:1"])], ["--workers", "1"],
         "fewer rows than --folds"),
        (lambda f: f.assign(bob_1=f["bob_1"].where(f.index != 7)), ["--workers", "1"], "NaN"),
        (lambda f: f, ["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "workers applies to local runs"),
        (lambda f: f, ["--scheduler", "not-an-address"], "tcp://HOST:PORT"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, change, options, message):
    path = tmp_path / "bad.csv"
    change(long_table(HUMANS)).to_csv(path, index=False)
    result = run(path, "--out", tmp_path / "o", *options)
    assert result.exit_code == 2, result.output
    assert message in result.output and result.output.count("\n") == 1


def test_scores_missing_an_instance_is_an_error(table, tmp_path):
    scores = long_table(HUMANS).drop(columns=["human", "alice"]).drop_duplicates("instance").iloc[1:]
    scores.to_csv(tmp_path / "scores.csv", index=False)
    ratings = tmp_path / "ratings.csv"
    long_table(HUMANS)[["human", "instance", "alice"]].to_csv(ratings, index=False)
    result = run(ratings, "--scores", tmp_path / "scores.csv", "--out", tmp_path / "o", "--workers", 1)
    assert result.exit_code == 2 and "no row in the scores table" in result.output


def test_the_scheduler_can_come_from_the_environment(table, tmp_path):
    result = run(table, "--out", tmp_path / "o", env={"MARKETALIGN_SCHEDULER": "nonsense"})
    assert result.exit_code == 2 and "tcp://HOST:PORT" in result.output


def test_groups_are_never_split_and_never_a_bob(tmp_path):
    frame = long_table(HUMANS)
    frame["cluster"] = [f"c{i // 4}" for i in range(len(frame))]
    path = tmp_path / "grouped.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "out"
    result = run(path, "--out", out, "--orderings", 3, "--workers", 1, "--groups", "cluster")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["folds_by"] == "group" and summary["about"]["groups"] == "cluster"
    assert "cluster" not in summary["about"]["bobs"]


def test_an_unknown_groups_column_exits_2(table, tmp_path):
    result = run(table, "--out", tmp_path / "out", "--groups", "nope")
    assert result.exit_code == 2 and "--groups 'nope'" in result.output
