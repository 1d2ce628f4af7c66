"""Per-Bob quality: AUC against brute-force pair counting, correlations against numpy, Platt calibration against
Newton's method on the same likelihood."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from marketalign import InputError
from marketalign.bobs.calibration import platt_calibrate
from marketalign.bobs.quality import AGREEMENT_COLUMNS, bob_agreement, bob_quality, split_population
from marketalign.cli import main


def brute_force_auc(scores, labels):
    pos, neg = scores[labels == 1], scores[labels == 0]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


@given(st.integers(0, 2**32 - 1))
def test_auc_and_correlations_match_direct_computations(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 40).astype(float)
    y[:2] = [0.0, 1.0]
    s = np.round(y + rng.normal(0, 1, 40), 1)  # rounding creates ties
    s[5] = np.nan
    table = pd.DataFrame({"y": y, "bob_0": s})
    row = bob_quality(table, "y", ["bob_0"]).iloc[0]
    ok = np.isfinite(s)
    assert row["auc"] == pytest.approx(brute_force_auc(s[ok], y[ok]), abs=1e-12)
    assert row["pearson"] == pytest.approx(np.corrcoef(s[ok], y[ok])[0, 1], abs=1e-12)
    assert row["n"] == 39 and row["missing"] == 1


def test_platt_calibration_matches_a_newton_solve_of_the_same_likelihood():
    """Platt scaling = 1-D logistic regression: compare with Newton's method on its log-likelihood."""
    rng = np.random.default_rng(0)
    score = rng.normal(size=400)
    labels = (rng.random(400) < 1 / (1 + np.exp(-(0.8 * score - 0.3)))).astype(int)
    ab = np.zeros(2)
    x = np.column_stack([score, np.ones_like(score)])
    for _ in range(50):
        p = 1 / (1 + np.exp(-x @ ab))
        ab += np.linalg.solve(x.T @ (x * (p * (1 - p))[:, None]), x.T @ (labels - p))
    new = np.array([-1.0, 0.0, 2.0])
    expected = 1 / (1 + np.exp(-(ab[0] * new + ab[1])))
    np.testing.assert_allclose(platt_calibrate(score, labels, new), expected, atol=1e-7)


def test_bob_agreement_against_direct_formulas():
    rng = np.random.default_rng(5)
    target = (rng.random(80) < 0.4).astype(float)
    scores = target[:, None] * rng.random(4) + rng.normal(size=(80, 4))
    scores[:, 3] = 0.5  # a constant Bob: no correlations, and left out of the others' means
    table = bob_agreement(scores, target, ["a", "b", "c", "d"])
    between = np.corrcoef(scores[:, :3].T)
    for j in range(3):
        assert table["pearson"][j] == pytest.approx(np.corrcoef(scores[:, j], target)[0, 1], abs=1e-12)
        assert table["auc"][j] == pytest.approx(brute_force_auc(scores[:, j], target), abs=1e-12)
        assert table["corr_with_other_bobs"][j] == pytest.approx((between[j].sum() - 1) / 2, abs=1e-12)
        assert table["std"][j] == pytest.approx(scores[:, j].std())
    assert np.isnan(table.loc[3, ["pearson", "spearman", "corr_with_other_bobs"]].astype(float)).all()
    assert table["auc"][3] == 0.5 and list(table.columns) == list(AGREEMENT_COLUMNS)


def test_bob_agreement_leaves_out_missing_scores_pairwise():
    rng = np.random.default_rng(6)
    target = rng.normal(size=60)
    scores = target[:, None] + rng.normal(size=(60, 2))
    scores[:10, 0] = np.nan
    row = bob_agreement(scores, target, ["a", "b"]).iloc[0]
    assert row["n"] == 50 and row["missing"] == 10 and np.isnan(row["auc"])
    assert row["pearson"] == pytest.approx(np.corrcoef(scores[10:, 0], target[10:])[0, 1], abs=1e-12)
    assert row["corr_with_other_bobs"] == pytest.approx(np.corrcoef(scores[10:, 0], scores[10:, 1])[0, 1])
    with pytest.raises(InputError, match="K names"):
        bob_agreement(scores, target, ["a"])


def test_the_scale_check_exposes_a_bob_that_ranks_well_on_the_wrong_scale():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400).astype(float)
    good, noise = 10 * y + rng.normal(0, 8, 400), rng.normal(size=400)
    table = pd.DataFrame({"y": y, "bob_good": good, "bob_noise": noise})
    q = bob_quality(table, "y", ["bob_good", "bob_noise"]).set_index("bob")
    assert q.loc["bob_good", "auc"] > 0.7
    assert q.loc["bob_good", "mse_raw"] > 10 * q.loc["bob_good", "mse_constant"]  # wrong scale
    assert q.loc["bob_good", "mse_calibrated"] < q.loc["bob_good", "mse_constant"]  # real signal
    assert q.loc["bob_noise", "mse_calibrated"] >= q.loc["bob_noise", "mse_constant"] - 0.01


def test_population_split_is_seeded_and_disjoint_from_alice():
    a, b = split_population(100, 0.5, 3), split_population(100, 0.5, 3)
    assert (a == b).all() and a.sum() == 50
    with pytest.raises(InputError, match="between 0 and 1"):
        split_population(10, 1.0, 0)


def test_quality_command_prints_a_summary_and_writes_the_table(tmp_path):
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 100)
    table = pd.DataFrame({"instance": [str(i) for i in range(100)], "text": ["t"] * 100, "label": y,
                          "bob_000": y + rng.normal(0, 1, 100), "bob_001": rng.random(100)})
    table.to_csv(tmp_path / "scores.csv", index=False)
    result = CliRunner().invoke(main, ["bobs", "quality", str(tmp_path / "scores.csv"), "--target", "label",
                                       "--out", str(tmp_path / "q.csv")])
    assert result.exit_code == 0, result.output
    assert "2 Bobs scored against 'label'" in result.output and "auc" in result.output
    assert pd.read_csv(tmp_path / "q.csv")["bob"].tolist() == ["bob_000", "bob_001"]
    missing = CliRunner().invoke(main, ["bobs", "quality", str(tmp_path / "scores.csv"), "--target", "nope"])
    assert missing.exit_code == 2 and "no target column" in missing.output
