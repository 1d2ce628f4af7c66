"""The two screening experiments end to end on small families: the synthetic-Bob curve and the family table."""

import json

import pandas as pd
import pytest

from marketalign.bobs.classifiers import ClassifierBobs
from marketalign.bobs.communities import CommunityBobs
from marketalign.bobs.synthetic import SyntheticBobs
from marketalign.data.embedded import load_embedded_ethics
from marketalign.experiments import families, synthetic_curve
from marketalign.experiments.protocol import RunContext, write_outcome
from marketalign.hull.curves import CurveConfig


def _synthetic(shared: float) -> synthetic_curve.SyntheticCurveConfig:
    family = SyntheticBobs(n_bobs=8, misalignment=1.5, shared=shared, noise=1.0, scale_spread=0.3, seed=2)
    return synthetic_curve.SyntheticCurveConfig(family=family, curve=CurveConfig(orderings=3, seed=2))


def test_the_synthetic_curve_writes_the_same_bytes_twice_and_says_its_bobs_are_synthetic(tmp_path):
    contents = []
    for name in ("a", "b"):
        write_outcome(synthetic_curve.run(_synthetic(shared=0.5), RunContext()), tmp_path / name)
        contents.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert contents[0] == contents[1]
    assert {"curve.csv", "summary.json"} <= set(contents[0])
    about = json.loads(contents[0]["summary.json"])["about"]
    assert about["bobs"].startswith("SYNTHETIC") and about["family"]["n_bobs"] == 8
    assert about["n_instances"] == len(load_embedded_ethics().table("commonsense", short_only=True))


def test_independent_misalignment_is_averaged_away_and_shared_misalignment_is_not():
    """With misalignments independent across Bobs, a fitted combination of 8 beats the best single Bob by far;
    when all of it is shared, combining cannot remove it (docs/theory.md §1.2, the convex-hull condition)."""
    gains = {}
    for shared in (0.0, 1.0):
        table = synthetic_curve.run(_synthetic(shared), RunContext()).tables["curve.csv"]
        at_k = table[table["K"] == 8].set_index("method")["mse_mean"]
        gains[shared] = at_k["nnls"] / at_k["single"]
    assert gains[0.0] < 0.6
    assert gains[1.0] > gains[0.0] + 0.2


def test_the_family_table_has_one_row_per_family_and_user_with_consistent_effects(small_root, tmp_path,
                                                                                    monkeypatch):
    monkeypatch.setattr(families, "ETHICS_FAMILIES", {
        "tfidf_slice": ClassifierBobs(n_bobs=4, family="slice", slice_rows=(30, 60)),
        "minilm_slice": ClassifierBobs(n_bobs=4, family="slice", slice_rows=(30, 60), features="minilm"),
    })
    monkeypatch.setattr(families, "MOVIE_FAMILIES", {"community_5nn": CommunityBobs(n_bobs=6, neighbours=5)})
    monkeypatch.setattr(families, "minilm_available", lambda: False)
    config = families.FamiliesConfig(orderings=2, seed=1, users=(3, 5))
    outcome = families.run(config, RunContext(data=small_root))
    table = outcome.tables["families.csv"]
    write_outcome(outcome, tmp_path)

    assert list(zip(table["domain"], table["family"], table["alice"], strict=True)) == [
        ("ethics", "tfidf_slice", "label"),
        ("movies", "community_5nn", "user:3"),
        ("movies", "community_5nn", "user:5"),
    ]
    assert list(table["quality"]) == ["auc", "pearson", "pearson"]
    for row in table.itertuples():
        assert row.nnls_vs_single_pct == pytest.approx(100 * (row.mse_nnls - row.mse_single) / row.mse_single)
        assert row.quality_median <= row.quality_max
    assert pd.read_csv(tmp_path / "families.csv").shape == table.shape
    assert len(outcome.verdict.lines) == 3 and outcome.verdict.lines[1].split()[:3] == ["movies", "community_5nn",
                                                                                       "user:3"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["skipped"]) == {"minilm_slice"} and "[local]" in summary["skipped"]["minilm_slice"]
    assert summary["config"]["users"] == [3, 5] and set(summary["families"]) == {"ethics", "movies"}
