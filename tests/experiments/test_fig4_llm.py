"""Figure 4 with real LLMs: the three published markets as topic panels, their counts, and honest comparisons."""

import json

import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.data.panels.hwang import load_hwang
from marketalign.data.sources import PANEL_SOURCES, panel_folder
from marketalign.errors import InputError
from marketalign.experiments import fig4_llm
from marketalign.experiments.fig4 import panel_comparison
from marketalign.experiments.protocol import RunContext


@pytest.fixture
def root(shared_data):
    """The data root; skips the test when a release it reads is not under it."""
    absent = [str(folder) for folder in PANEL_SOURCES.values() if not (shared_data / folder).is_dir()]
    if absent:
        pytest.skip(f"{', '.join(absent)} not found under {shared_data}")
    return shared_data


def test_individual_respondents_are_the_humans_and_their_missing_cells_are_counted(root):
    topic = "Views on gender"
    config = fig4_llm.Fig4LLMConfig(source="hwang", panels=(topic,))
    outcome = fig4_llm.run(config, RunContext(data=root))
    summary = outcome.summary
    table = load_hwang(root / PANEL_SOURCES["hwang"]).table
    rows = table[table["topic"] == topic]
    bobs = summary["about"]["models"]
    incomplete = rows[bobs].isna()
    counted = summary["about"]["missing"][topic]
    assert counted["humans"] == rows["human"].nunique() == 35
    assert counted["missing_cells"] == int(incomplete.to_numpy().sum())
    assert counted["dropped_items"] == int(incomplete.any(axis=1).sum())
    complete = rows[~incomplete.any(axis=1)].groupby("human").size()
    assert summary["panels"][topic]["humans"] == int((complete >= config.min_questions).sum())
    assert summary["about"]["subsets"] == "every K-combination of the models" and len(bobs) == 12
    humans = outcome.tables["humans.csv"]
    assert set(humans["human"]) == set(complete[complete >= config.min_questions].index)
    assert set(outcome.figures) == {"fig4.png"} and "effect_random_row_folds" not in summary["panels"][topic]
    assert outcome.verdict.lines[0].startswith("Figure 4 with real LLMs: 12 prompt variants")
    assert outcome.verdict.lines[1].startswith(f"  {topic}, ")


def test_group_distributions_hold_out_whole_questions_and_report_the_random_fold_number(tmp_path, root):
    result = CliRunner().invoke(main, ["reproduce", "fig4-llm", "--source", "meister", "--orderings", "5",
                                       "--data", str(root), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "summary.json").read_text())
    panel = summary["panels"]["14 groups"]
    assert panel["humans"] == 14 and panel["effect"]["K"] == 16
    assert summary["about"]["folds"].startswith("whole questions")
    assert panel["effect_random_row_folds"]["mse"] != panel["effect"]["mse"]
    assert "random row folds" in result.output and summary["comparison_with_paper"]["reproduced_50_70_pct"] is False


def test_an_unknown_panel_or_a_missing_release_is_a_clear_error(tmp_path, root):
    result = CliRunner().invoke(main, ["reproduce", "fig4-individuals", "--panels", "Cats", "--data", str(root),
                                       "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown panels ['Cats']; choose from Guns" in result.output
    with pytest.raises(InputError, match="never embedded"):
        panel_folder(tmp_path, "meister")


def test_the_comparison_says_when_no_model_beats_the_constant():
    def panel(single, constant):
        mse = {"single": single, "constant": constant, "nnls": 0.9 * single, "average": single}
        return {"effect": {"mse": mse, "nnls_vs_single_pct": -10.0, "nnls_vs_average_pct": -10.0,
                           "nnls_vs_constant_pct": 100 * (0.9 * single / constant - 1)}}

    weak = panel_comparison({"a": panel(0.3, 0.2), "b": panel(0.25, 0.2)}, 12, "unused")
    assert "on no panel does one model predict these humans better than a constant" in weak["why"]
    strong = panel_comparison({"a": panel(0.1, 0.2)}, 12, "the models agree")
    assert "already removes 50.0% to 50.0% (the models agree)" in strong["why"]
    mixed = panel_comparison({"a": panel(0.1, 0.2), "b": panel(0.3, 0.2)}, 12, "unused")
    assert "on 1 of 2 panels it does worse than a constant" in mixed["why"] and mixed["panels_at_50_pct"] == "0 of 2"
