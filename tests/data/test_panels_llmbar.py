import numpy as np
import pandas as pd
import pytest

from marketalign.data.embedded import load_embedded_llmbar
from marketalign.data.panels.llmbar import llmbar_panel, load_llmbar
from marketalign.data.panels.missing import apply_missing
from marketalign.errors import InputError


def _verdicts(rows):
    columns = ["subset", "item", "label", "base_llm", "strategy", "winner_noswap", "winner_swap", "score_1", "score_2"]
    return pd.DataFrame(rows, columns=columns)


def test_scores_average_the_two_orders_and_ratings_use_the_difference():
    nan = np.nan
    verdicts = _verdicts([
        ("S", 0, 1, "A", "Vanilla", 1, 2, nan, nan),
        ("S", 1, 2, "A", "Vanilla", 1, 1, nan, nan),
        ("S", 2, 2, "A", "Vanilla", 2, nan, nan, nan),
        ("S", 0, 1, "A", "Rating", nan, nan, 8.0, 2.0),
        ("S", 1, 2, "A", "Rating", nan, nan, 3.0, 3.0),
        ("S", 2, 2, "A", "Rating", nan, nan, 1.0, 7.0),
    ])
    panel = llmbar_panel(verdicts, subsets=["S"])
    assert panel.bobs == ["A/Rating", "A/Vanilla"]
    assert list(panel.table.columns[:3]) == ["instance", "alice", "group"]
    np.testing.assert_array_equal(panel.table["alice"], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(panel.table["A/Vanilla"], [0.5, 1.0, 0.0])
    np.testing.assert_allclose(panel.table["A/Rating"], [6 / 9, 0.0, -6 / 9])
    assert panel.missing["missing_cells"] == 0


def test_unparseable_verdicts_are_an_error_naming_the_judge():
    verdicts = _verdicts([("S", 0, 1, "A", "Vanilla", np.nan, np.nan, np.nan, np.nan),
                          ("S", 1, 1, "A", "Vanilla", 1, 1, np.nan, np.nan)])
    with pytest.raises(InputError, match="1 score cells .* A/Vanilla"):
        llmbar_panel(verdicts, subsets=["S"])


def test_each_missing_policy():
    wide = pd.DataFrame({"alice": [1.0, 0.0, 1.0], "a": [1.0, np.nan, 0.0], "b": [0.5, 0.5, 1.0]})
    with pytest.raises(InputError, match="1 score cells are missing .* a \\(1\\)"):
        apply_missing(wide, ["a", "b"], "error")
    rows, report = apply_missing(wide, ["a", "b"], "drop-items")
    assert len(rows) == 2 and report["dropped_items"] == 1
    judges, report = apply_missing(wide, ["a", "b"], "drop-judges")
    assert list(judges.columns) == ["alice", "b"] and report["dropped_judges"] == ["a"]
    filled, report = apply_missing(wide, ["a", "b"], "fill-mean")
    assert filled["a"].tolist() == [1.0, 0.5, 0.0] and report["missing_cells"] == 1
    with pytest.raises(InputError, match="unknown missing-value policy"):
        apply_missing(wide, ["a", "b"], "zero")


def test_embedded_market_has_419_items_and_65_evaluators():
    with pytest.raises(InputError, match="score cells are missing"):
        load_embedded_llmbar()
    panel = load_embedded_llmbar(missing="fill-mean")
    assert panel.table.shape == (419, 3 + 65)
    assert set(panel.table["alice"]) == {0.0, 1.0}
    assert panel.table["group"].nunique() == 5
    assert panel.missing["missing_cells"] == 37


def test_embedded_equals_the_full_verdicts(shared_data):
    full = load_llmbar(shared_data / "panels" / "llmbar", missing="drop-items")
    pd.testing.assert_frame_equal(full.table, load_embedded_llmbar(missing="drop-items").table)


def test_cli_writes_the_embedded_market_and_rejects_a_bad_policy(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from marketalign.cli import main

    monkeypatch.setenv("MARKETALIGN_DATA", str(tmp_path / "absent"))
    runner = CliRunner()
    result = runner.invoke(main, ["data", "llmbar", "--missing", "fill-mean", "--out", str(tmp_path / "t.csv")])
    assert result.exit_code == 0, result.output
    assert "embedded copy" in result.output
    assert pd.read_csv(tmp_path / "t.csv").shape == (419, 68)
    bad = runner.invoke(main, ["data", "llmbar", "--missing", "zero", "--out", str(tmp_path / "u.csv")])
    assert bad.exit_code == 2
