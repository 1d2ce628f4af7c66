"""The generic long panel: pivoted against its labels, every column accounted for, bad cells named."""

import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.data.panels.long import load_long_panel
from marketalign.errors import InputError


def _files(tmp_path, scores, labels):
    s, lab = tmp_path / "scores.csv", tmp_path / "labels.csv"
    s.write_text(scores)
    lab.write_text(labels)
    return s, lab


SCORES = "item,judge,score,model_version\nq1,a,0.1,v1\nq1,b,0.3,v1\nq2,a,0.9,v1\nq2,b,0.7,v2\nq3,a,0.5,v1\n"
LABELS = "item,label,query,annotator\nq1,0,x,ann\nq2,1,x,ann\nq3,1,y,ann\nq4,0,y,ann\n"


def test_a_long_panel_pivots_by_judge_and_counts_what_it_left_out(tmp_path):
    scores, labels = _files(tmp_path, SCORES, LABELS)
    table, report = load_long_panel(scores, labels, group="query", missing="fill-mean")
    assert list(table.columns) == ["instance", "alice", "group", "a", "b"]
    assert list(table["instance"]) == ["q1", "q2", "q3"] and list(table["group"]) == ["x", "x", "y"]
    assert table.loc[2, "b"] == pytest.approx(0.5)  # judge b's mean fills its skipped item
    assert report["missing"]["missing_cells"] == 1 and report["labels_without_scores"] == 1
    assert set(report["columns_not_used"]) == {"model_version", "annotator"}


@pytest.mark.parametrize(
    ("scores", "labels", "message"),
    [
        (SCORES, LABELS, r"1 score cells are missing .* b \(1\)"),
        (SCORES.replace("0.3", '"0,3"'), LABELS, r"'score' has 1 cells that are not numbers \(lines \[3\]"),
        (SCORES + "q1,a,0.2,v1\n", LABELS, r"pairs occur twice, first \(q1, a\)"),
        (SCORES + "q9,a,0.2,v1\n", LABELS, r"1 scored items have no label .* \['q9'\]"),
        (SCORES, LABELS + "q1,1,x,ann\n", "items have more than one row, first 'q1'"),
        (SCORES, LABELS.replace("q3,1", "q3,"), "1 items have an empty label, first 'q3'"),
        (SCORES.replace("judge", "model"), LABELS, r"has no column \['judge'\]"),
    ],
)
def test_bad_input_is_an_error_that_names_it(tmp_path, scores, labels, message):
    scores, labels = _files(tmp_path, scores, labels)
    with pytest.raises(InputError, match=message):
        load_long_panel(scores, labels)


def test_the_command_writes_the_curve_layout_and_its_report(tmp_path):
    scores, labels = _files(tmp_path, SCORES, LABELS)
    out = tmp_path / "panel.csv"
    result = CliRunner().invoke(main, ["data", "panel", str(scores), "--labels", str(labels), "--group", "query",
                                       "--missing", "drop-items", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "column 'annotator' not used" in result.output
    assert list(pd.read_csv(out)["instance"]) == ["q1", "q2"] and (tmp_path / "panel.csv.summary.json").is_file()
    refused = CliRunner().invoke(main, ["data", "panel", str(scores), "--labels", str(labels), "--out", str(out)])
    assert refused.exit_code == 2 and "choose --missing" in refused.output
