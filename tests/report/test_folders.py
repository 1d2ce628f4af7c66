"""Finding and reading result folders: recursive and sorted, hidden folders skipped, problems reported."""

import matplotlib.image as mpimg
import pytest

from marketalign.errors import InputError
from marketalign.report.folders import find_result_folders, png_size, read_result_folder


def _read(folder, label="x"):
    return read_result_folder(folder, label, max_rows=5, max_columns=10)


def test_every_result_folder_is_found_in_sorted_order_without_hidden_ones(results):
    found = [p.relative_to(results).as_posix() for p in find_result_folders(results)]
    assert found == ["curve_demo", "games/selection", "games/selection/violations", "large",
                     "network/paths/depth", "sparse_summary"]


def test_a_root_that_is_itself_a_result_folder_comes_first(results):
    assert find_result_folders(results / "games") == [results / "games" / "selection",
                                                      results / "games" / "selection" / "violations"]
    assert find_result_folders(results / "curve_demo") == [results / "curve_demo"]


@pytest.mark.parametrize("case, message", [("missing", "does not exist"), ("file", "is a file"),
                                           ("empty", "no results in")])
def test_bad_roots_are_input_errors(tmp_path, case, message):
    root = tmp_path / case
    if case == "file":
        root.write_text("x")
    elif case == "empty":
        (root / "sub" / ".hidden").mkdir(parents=True)
        (root / "sub" / ".hidden" / "t.csv").write_text("a\n1\n")
        (root / "notes.txt").write_text("no results here")
    with pytest.raises(InputError, match=message):
        find_result_folders(root)


def test_a_folder_is_read_whole(results):
    folder = _read(results / "games" / "selection")
    assert folder.summary["experiment"] == "selection-misaligned"
    assert [f.name for f in folder.figures] == ["fig5.png"]
    assert [t.name for t in folder.tables] == ["equilibria.csv"]
    assert folder.tables[0].n_rows == 12 and len(folder.tables[0].head) == 5
    assert folder.problems == () and folder.json_files == () and folder.other_files == ()


def test_figure_size_matches_the_decoded_image(results):
    figure = _read(results / "sparse_summary").figures[0]
    height, width = mpimg.imread(results / "sparse_summary" / "only.png").shape[:2]
    assert (figure.width, figure.height) == (width, height)
    assert figure.png == (results / "sparse_summary" / "only.png").read_bytes()


def test_numbers_beside_a_figure_are_the_data_files_of_the_same_name(tmp_path, results):
    (tmp_path / "fig.png").write_bytes((results / "sparse_summary" / "only.png").read_bytes())
    (tmp_path / "fig.csv").write_text("x\n1\n")
    (tmp_path / "fig.json").write_text("{}")
    (tmp_path / "other.csv").write_text("x\n1\n")
    assert _read(tmp_path).figures[0].numbers == ("fig.csv", "fig.json")


def test_other_files_are_listed_with_their_size(results):
    folder = _read(results / "sparse_summary")
    assert folder.other_files == (("only.pdf", len(b"%PDF-1.4 not really rendered\n")),)


def test_unreadable_files_become_problems_not_crashes(broken):
    folder = _read(broken)
    assert folder.summary is None
    assert [f.name for f in folder.figures] == ["fine.png"]
    problems = "\n".join(folder.problems)
    assert "figure.png: not a PNG image" in problems
    assert "summary.json: not valid JSON" in problems
    assert "empty.csv: the file is empty" in problems
    assert "other.json: not valid JSON" in problems
    assert _read(broken / "listed").problems == ("gone.png: listed in summary.json but missing",)


def test_png_size_rejects_non_png_bytes():
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a" + bytes(30))
    with pytest.raises(ValueError, match="zero size"):
        png_size(b"\x89PNG\r\n\x1a\n" + bytes(4) + b"IHDR" + bytes(8))
