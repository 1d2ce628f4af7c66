"""The figure experiments end to end on small data: files, honest labels, the paper comparison, same bytes."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from marketalign.bobs.classifiers import ClassifierBobs
from marketalign.bobs.communities import CommunityBobs
from marketalign.data.location import DATA_ENV, data_root
from marketalign.errors import InputError
from marketalign.experiments import fig1, fig2, fig3, fig4
from marketalign.experiments.figures import effect_at_kmax, paper_comparison
from marketalign.experiments.protocol import RunContext, write_outcome
from marketalign.hull.curves import CurveConfig


def _fig3_config(**curve):
    return fig3.Fig3Config(user=3, family=CommunityBobs(n_bobs=10, neighbours=5, seed=1),
                           curve=CurveConfig(orderings=3, **curve))


def test_fig3_writes_every_output_and_the_same_bytes_twice(movies_root, tmp_path):
    contents = []
    for name in ("a", "b"):
        outcome = fig3.run(_fig3_config(), RunContext(data=movies_root))
        assert not (tmp_path / name).exists()  # run writes nothing
        write_outcome(outcome, tmp_path / name)
        contents.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert contents[0] == contents[1]
    assert set(contents[0]) == {"curve.csv", "summary.json", "mse_vs_k.png", "sparsity_vs_k.png", "bob_quality.csv",
                                "scores.parquet"}
    summary = json.loads(contents[0]["summary.json"])
    about = summary["about"]
    assert about["scores"]["sha256"] == hashlib.sha256(contents[0]["scores.parquet"]).hexdigest()
    assert about["data"].startswith("full MovieLens data at") and "not language models" in about["bobs"]
    assert outcome.verdict.status == "measured" and outcome.verdict.lines[0].startswith("Figure 3 on the full")
    assert "  nnls vs single:" in "\n".join(outcome.verdict.lines)
    comparison = about["comparison_with_paper"]
    assert "50-70%" in comparison["paper"] and comparison["ours"]["K"] == 10
    quality = pd.read_csv(tmp_path / "a" / "bob_quality.csv")
    assert len(quality) == 10 and quality["pearson"].between(-1, 1).all()
    assert quality["corr_with_other_bobs"].between(-1, 1).all()


def test_fig1_and_fig2_on_a_cut_of_the_embedded_ethics(small_root, tmp_path):
    family = ClassifierBobs(n_bobs=5, family="slice", slice_rows=(40, 80))
    config = fig1.Fig1Config(family=family, curve=CurveConfig(orderings=3))
    outcome = fig1.run(config, RunContext(data=small_root))
    quality = outcome.tables["bob_quality.csv"]
    assert quality["auc"].between(0, 1).all() and len(quality) == 5
    assert outcome.summary["about"]["comparison_with_paper"]["ours"]["K"] == 5
    sparsity_run = fig2.run(fig2.Fig2Config(ethics=config, movies=_fig3_config()), RunContext(data=small_root))
    sparsity = sparsity_run.tables["sparsity.csv"]
    assert set(sparsity["domain"]) == {"ethics", "movies"} and set(sparsity["method"]) == {"nnls", "simplex"}
    assert (sparsity["nnz_mean"] <= sparsity["K"]).all() and (sparsity["nnz_mean"] >= 1).all()
    assert set(sparsity_run.summary["nonzero_at_kmax"]) == {"ethics", "movies"}
    assert [line.split()[:4] for line in sparsity_run.verdict.lines] == [
        ["ethics", "K", "=", "5:"], ["ethics", "K", "=", "5:"],
        ["movies", "K", "=", "10:"], ["movies", "K", "=", "10:"],
    ]
    written = write_outcome(sparsity_run, tmp_path / "fig2")
    assert list(written) == ["sparsity.csv", "summary.json", "fig2.png"] and written["fig2.png"].stat().st_size > 0


def test_fig1_with_llm_bobs_reads_the_embedded_matrix_whatever_the_data_root():
    config = fig1.Fig1Config(bobs="llm", curve=CurveConfig(orderings=2))
    outcome = fig1.run(config, RunContext(data=Path("embedded")))
    assert outcome.summary["n_bobs"] == 16 and outcome.verdict.lines[0].startswith("Figure 1 on qwen")
    with pytest.raises(InputError, match="unknown Bobs 'humans'"):
        fig1.Fig1Config(bobs="humans")


def test_paper_comparison_says_why_with_numbers():
    table = pd.DataFrame({"K": [4] * 4, "method": ["constant", "single", "average", "nnls"],
                          "mse_mean": [1.0, 0.9, 0.95, 0.8]})
    effect = effect_at_kmax(table, 4)
    assert effect["nnls_vs_single_pct"] == pytest.approx(-100 / 9)
    result = paper_comparison(effect, {"pearson": {"median": 0.2, "max": 0.5, "min": 0.0}})
    assert not result["reproduced_50_70_pct"] and "-11.1%" in result["why"] and "0.200" in result["why"]
    assert "removes 10.0%" in result["why"] and "remove 55.0%" in result["why"]
    strong = table.assign(mse_mean=[1.0, 0.9, 0.95, 0.3])
    assert paper_comparison(effect_at_kmax(strong, 4), {})["why"] is None


def test_fig4_without_opinionqa_says_unavailable(tmp_path):
    outcome = fig4.run(fig4.Fig4Config(), RunContext(data=tmp_path))
    assert outcome.summary["available"] is False and "never embedded" in outcome.summary["reason"]
    assert not outcome.tables and not outcome.figures
    assert outcome.verdict.lines == (f"Figure 4 unavailable: {fig4.UNAVAILABLE}",)
    write_outcome(outcome, tmp_path / "out")
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["available"] is False


def test_fig4_substitute_is_labelled_and_runs_the_protocol(movies_root):
    config = fig4.Fig4Config(humans=5, models=3, substitute_min_ratings=8, substitute=True)
    outcome = fig4.run(config, RunContext(data=movies_root))
    summary = outcome.summary
    assert summary["available"] is False and summary["substitute"] is True
    assert "SUBSTITUTE" in summary["about"]["bobs"] and "substitute" not in summary["config"]
    assert list(summary["panels"]) == list(fig4.SUBSTITUTE_GENRES)
    humans = outcome.tables["humans.csv"]
    assert (humans.groupby("panel").size() == 5).all() and (humans["questions"] >= 8).all()
    frame = outcome.tables["curve_over_humans.csv"]
    assert set(frame["K"]) == {1, 2, 3} and (frame["n_targets"] == 5).all()
    assert outcome.verdict.lines[:2] == (f"Figure 4 unavailable: {fig4.UNAVAILABLE}", fig4.SUBSTITUTE)
    assert len(outcome.verdict.lines) == 2 + len(fig4.SUBSTITUTE_GENRES)
    assert set(outcome.figures) == {"fig4.png"}


def test_fig4_on_one_real_panel(shared_data):
    if not (shared_data / "opinionqa" / "human_resp").is_dir():
        pytest.skip(f"OpinionQA not found under {shared_data}")
    config = fig4.Fig4Config(panels=("W27",), humans=4, models=3)
    outcome = fig4.run(config, RunContext(data=shared_data))
    summary = outcome.summary
    panel = summary["panels"]["W27"]
    assert panel["humans"] == 4 and panel["eligible"] >= 4
    humans = outcome.tables["humans.csv"]
    assert len(humans) == 4 and humans["models"].str.count(";").eq(2).all()
    frame = outcome.tables["curve_over_humans.csv"]
    assert set(frame["K"]) == {1, 2, 3} and (frame["n_targets"] == 4).all()
    assert "group" in summary["about"]["bobs"]
    comparison = summary["comparison_with_paper"]
    assert set(comparison["ours"]) == {"W27"} and (comparison["why"] is None) == comparison["reproduced_50_70_pct"]


def test_data_root_rules(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="no such folder"):
        data_root(tmp_path / "missing")
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    assert data_root(None) == tmp_path.resolve()
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "missing"))
    monkeypatch.chdir(tmp_path)
    assert data_root(None) is None
    # no implicit default: a neighbouring folder is never picked up without --data or the variable
    (tmp_path / "work").mkdir()
    (tmp_path / "shared" / "data").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.delenv(DATA_ENV)
    assert DATA_ENV == "MARKETALIGN_DATA" and data_root(None) is None
    assert data_root("embedded") is None


def test_across_humans_is_the_mean_and_standard_error_of_their_curves():
    from marketalign.hull.curves import market_curves
    from marketalign.report.curves import across_targets, stacked_tables

    rng = np.random.default_rng(6)
    data = []
    for n in (40, 55, 70):
        scores = rng.normal(size=(n, 3))
        data.append((scores, scores @ [0.5, 0.2, 0.0] + rng.normal(size=n)))
    results = market_curves(data, CurveConfig(orderings=2, folds=4))
    table = stacked_tables(results, ["x", "y", "z"])
    frame = across_targets(table).set_index(["K", "method"])
    for k in (1, 2, 3):
        values = np.array([r.table.set_index(["K", "method"]).loc[(k, "nnls"), "mse_mean"] for r in results])
        assert frame.loc[(k, "nnls"), "mse_mean"] == pytest.approx(values.mean())
        assert frame.loc[(k, "nnls"), "mse_se"] == pytest.approx(values.std(ddof=1) / np.sqrt(3))
    with pytest.raises(InputError):
        stacked_tables(results, ["x"])
