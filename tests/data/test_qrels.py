"""The qrels loader and ``marketalign data qrels`` on small hand-written files."""

import json

import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.data.qrels import load_qrels_panel, read_qrels
from marketalign.errors import InputError

HUMAN = "q1 0 p1 3\nq1 0 p2 0\nq2 0 p3 1\nq2 0 p4 2\n"


def _panel(tmp_path, judges: dict[str, str], human: str = HUMAN):
    folder = tmp_path / "judges"
    folder.mkdir()
    for name, text in judges.items():
        (folder / f"{name}.txt").write_text(text)
    (tmp_path / "human.txt").write_text(human)
    return folder, tmp_path / "human.txt"


def test_a_clean_panel_has_the_curve_layout_with_queries_as_groups(tmp_path):
    folder, human = _panel(tmp_path, {"a-run": "q2 0 p3 2\nq1 0 p1 3\nq1 0 p2 1\nq2 0 p4 0\n", "b-run": HUMAN})
    table, report = load_qrels_panel(folder, human)
    assert list(table.columns) == ["instance", "alice", "group", "a-run", "b-run"]
    assert list(table["instance"]) == ["q1:p1", "q1:p2", "q2:p3", "q2:p4"]
    assert list(table["group"]) == ["q1", "q1", "q2", "q2"]
    assert list(table["a-run"]) == [3, 1, 2, 0] and list(table["b-run"]) == list(table["alice"])
    assert report["missing"]["missing_cells"] == 0 and report["items"] == 4 and report["queries"] == 2


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("q1 0 p1 3\nq1 0 p2\n", "line 2"),
        ("q1 0 p1 3\n\nq1 0 p2 1 extra\n", "line 3"),
        ("q1 0 p1 3\nq1 0 p2 high\n", "line 2"),
        ("q1 0 p1 3\nq1 0 p2 1.5\n", "line 2"),
        ("q1 0 p1 3 x\nq1 0 p2 1\n", "line 1"),
        ("q1 0 p1 3\nq1 0 p2 1\nq1 0 p1 2\n", "line 3"),
    ],
)
def test_malformed_lines_and_duplicates_name_file_and_line(tmp_path, text, where):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(InputError, match=where) as err:
        read_qrels(path)
    assert "bad.txt" in str(err.value) and "\n" not in str(err.value)


def test_out_of_range_grades_are_refused_by_default_or_made_missing(tmp_path):
    folder, human = _panel(tmp_path, {"a": "q1 0 p1 5\nq1 0 p2 0\nq2 0 p3 1\nq2 0 p4 2\n", "b": HUMAN})
    with pytest.raises(InputError, match=r"1 grades outside 0-3 \(a: q1:p1 = 5\)"):
        load_qrels_panel(folder, human)
    table, report = load_qrels_panel(folder, human, out_of_range="missing", missing="drop-items")
    assert report["out_of_range"]["cells"] == {"a": 1} and report["missing"]["dropped_items"] == 1
    assert list(table["instance"]) == ["q1:p2", "q2:p3", "q2:p4"]


def test_every_missing_policy_is_counted(tmp_path):
    folder, human = _panel(tmp_path, {"a": "q1 0 p1 3\nq1 0 p2 1\nq2 0 p3 1\n", "b": HUMAN})
    with pytest.raises(InputError, match=r"1 score cells are missing .* 1 judges: a \(1\)"):
        load_qrels_panel(folder, human)
    table, report = load_qrels_panel(folder, human, missing="drop-judges")
    assert list(table.columns)[3:] == ["b"] and report["missing"]["dropped_judges"] == ["a"]
    table, report = load_qrels_panel(folder, human, missing="fill-mean")
    assert table["a"].iloc[3] == pytest.approx(5 / 3) and report["missing"]["missing_cells"] == 1
    table, _ = load_qrels_panel(folder, human, missing="drop-items")
    assert len(table) == 3


def test_items_the_human_file_lacks_are_refused_or_dropped_and_counted(tmp_path):
    folder, human = _panel(tmp_path, {"a": HUMAN + "q3 0 p9 1\n"})
    with pytest.raises(InputError, match="1 judged items are not in human.txt"):
        load_qrels_panel(folder, human)
    table, report = load_qrels_panel(folder, human, missing="drop-items")
    assert len(table) == 4 and report["items_not_in_human_file"] == {"a": 1}


def test_the_command_writes_the_table_and_its_report_and_exits_2_on_bad_input(tmp_path):
    folder, human = _panel(tmp_path, {"a": "q1 0 p1 3\nq1 0 p2 1\nq2 0 p3 1\n"})
    runner = CliRunner()
    out = tmp_path / "t.csv"
    bad = runner.invoke(main, ["data", "qrels", str(folder), "--human", str(human), "--out", str(out)])
    assert bad.exit_code == 2 and "score cells are missing" in bad.output and not out.exists()
    good = runner.invoke(main, ["data", "qrels", str(folder), "--human", str(human), "--out", str(out),
                                "--missing", "fill-mean", "--json"])
    assert good.exit_code == 0, good.output
    report = json.loads(good.output)
    assert report == json.loads((tmp_path / "t.csv.summary.json").read_text())
    assert report["missing"]["missing_cells"] == 1 and out.exists()
