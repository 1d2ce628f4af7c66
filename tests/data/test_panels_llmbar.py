import gzip

import numpy as np
import pandas as pd
import pytest

from marketalign.data.embedded import load_embedded_llmbar
from marketalign.data.panels import llmbar
from marketalign.data.panels.llmbar import llmbar_panel, load_llmbar
from marketalign.data.panels.missing import apply_missing, resolve_missing
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


def _policy(resolve):
    try:
        return resolve()
    except InputError as err:
        return str(err)


@pytest.mark.parametrize("policy", ["error", "drop-items", "drop-judges", "fill-mean", "zero"])
@pytest.mark.parametrize("holes", [0, 3, 12, 120])
def test_the_policy_on_an_array_resolves_as_on_a_table(policy, holes):
    rng = np.random.default_rng(holes)
    cells = rng.integers(-9, 10, (4, 30)) / 9.0
    cells.flat[rng.choice(cells.size, holes, replace=False)] = np.nan
    bobs = ["a", "b", "c", "d"]
    wide = pd.DataFrame(cells.T, columns=bobs, index=range(100, 130))
    table = _policy(lambda: apply_missing(wide, bobs, policy))
    array = _policy(lambda: resolve_missing(cells, bobs, policy))
    if isinstance(table, str):
        assert array == table
        return
    resolved, kept, names, report = array
    assert report == table[1] and names == list(table[0].columns)
    assert kept.tolist() == wide.index.isin(table[0].index).tolist()
    np.testing.assert_array_equal(resolved.T, table[0].to_numpy())


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


HEADER = "subset,item,label,base_llm,strategy,sample,winner_noswap,winner_swap,score_1,score_2\n"
LINES = [
    "S,0,1,A,Vanilla,1,1,2,,", "S,1,2,A,Vanilla,1,1,1,,", "S,2,2,A,Vanilla,1,2,,,", "S,10,1,A,Vanilla,1,,,,",
    "S,0,1,A,Rating,1,,,8,2", "S,1,2,A,Rating,1,,,3.5,3", "S,2,2,A,Rating,1,,,1,7", "S,10,1,A,Rating,1,,,.5,9.",
    "T,3,2,B,Vanilla,1,2.0,1.0,,", "T,1,1,B,Vanilla,1,1,1,,", "T,3,2,A,Vanilla,1,2,2,,", "T,1,1,A,Rating,1,,,0,0",
    "U,0,1,A,Vanilla,1,3,,,",
]


def _release(tmp_path, lines=LINES, header=HEADER, end="\n"):
    folder = tmp_path / "llmbar"
    folder.mkdir()
    (folder / "verdicts_long.csv.gz").write_bytes(gzip.compress((header + end.join(lines) + end).encode()))
    return folder


def _routes(monkeypatch, folder, **options):
    """The panel (or the error) by the plain-file route and by ``pandas.read_csv`` and :func:`llmbar_panel`."""
    results = []
    for plain in (True, False):
        with monkeypatch.context() as patch:
            if not plain:
                patch.setattr(llmbar, "_plain_columns", lambda path: None)
            try:
                panel = load_llmbar(folder, **options)
                results.append((panel.table, panel.bobs, panel.missing, panel.ignored_columns))
            except Exception as err:  # noqa: BLE001 - both routes must fail alike, whatever the failure
                results.append((type(err), str(err)))
    return results


def _assert_same(plain, reference):
    assert len(plain) == len(reference)
    if len(reference) == 2:
        assert plain == reference
        return
    pd.testing.assert_frame_equal(plain[0], reference[0], check_exact=True)
    assert plain[1:] == reference[1:]


@pytest.mark.parametrize("missing", ["error", "drop-items", "drop-judges", "fill-mean", "zero"])
@pytest.mark.parametrize("subsets", [("S", "T"), ("T", "S"), ("S",), ["T"], ("S", "S"), ("S", "V"), ()])
def test_the_plain_route_builds_what_read_csv_builds(tmp_path, monkeypatch, missing, subsets):
    folder = _release(tmp_path)
    assert llmbar._plain_columns(folder / "verdicts_long.csv.gz") is not None
    _assert_same(*_routes(monkeypatch, folder, subsets=subsets, missing=missing))


def _edit(line: int, field: int, value: str) -> list[str]:
    lines = [row.split(",") for row in LINES]
    lines[line][field] = value
    return [",".join(row) for row in lines]


@pytest.mark.parametrize(
    ("lines", "header", "end"),
    [
        (LINES, HEADER, "\r\n"),  # CRLF, as the release
        (LINES, HEADER.replace("\n", "\r\n"), "\n"),
        (LINES, HEADER, "\r"),  # lone carriage returns
        (LINES[:3] + [""] + LINES[3:], HEADER, "\n"),  # a blank line
        (LINES, "\ufeff" + HEADER, "\n"),  # a byte-order mark
        (LINES, HEADER.replace("sample", "item"), "\n"),  # a column named twice
        (LINES, HEADER.replace(",score_2", ""), "\n"),  # a column short
        (LINES, HEADER.replace("score_2", "score_2,extra"), "\n"),  # a field short on every line
        ([row + ",x" for row in LINES], HEADER.replace("score_2", "score_2,extra"), "\n"),  # an extra column
        (LINES[:2] + [LINES[2] + ","] + LINES[3:], HEADER, "\n"),  # a line too long
        (LINES[:2] + [LINES[2][:-1]] + LINES[3:], HEADER, "\n"),  # a line too short
        (_edit(0, 0, '"S"'), HEADER, "\n"),  # quotes
        (_edit(0, 3, "\u00c4"), HEADER, "\n"),  # not ASCII
        (_edit(0, 3, "A\0"), HEADER, "\n"),  # a NUL byte
        (_edit(12, 0, "NA"), HEADER, "\n"),  # a text pandas reads as missing
        (_edit(12, 0, ""), HEADER, "\n"),
        (_edit(12, 3, "True"), HEADER, "\n"),  # a boolean
        (_edit(12, 4, "1e3"), HEADER, "\n"),  # a number among texts
        ([row.replace(",A,", ",7,").replace(",B,", ",8,") for row in LINES], HEADER, "\n"),  # numbers as texts
        (_edit(12, 1, ""), HEADER, "\n"),  # an empty item
        (_edit(12, 1, "1.0"), HEADER, "\n"),
        (_edit(12, 1, "-1"), HEADER, "\n"),
        (_edit(12, 1, "1234567890123456"), HEADER, "\n"),  # sixteen digits
        (_edit(0, 1, "007"), HEADER, "\n"),
        (_edit(0, 2, "3"), HEADER, "\n"),  # a label other than 1 or 2
        (_edit(12, 2, "3"), HEADER, "\n"),  # outside the subsets kept
        (_edit(0, 2, "2"), HEADER, "\n"),  # an item's rows disagree on its label
        (_edit(0, 6, "3"), HEADER, "\n"),  # a winner other than 1 or 2
        (_edit(0, 6, "x"), HEADER, "\n"),
        (_edit(0, 6, "NaN"), HEADER, "\n"),
        (_edit(0, 6, "1e0"), HEADER, "\n"),
        (_edit(4, 8, "-8"), HEADER, "\n"),  # a signed score
        (_edit(4, 8, "0.10000000000000001"), HEADER, "\n"),  # more digits than a double holds
        (_edit(4, 8, "inf"), HEADER, "\n"),
        (_edit(4, 8, "n/a"), HEADER, "\n"),
        (LINES + [LINES[0]], HEADER, "\n"),  # a repeated row
        (LINES + [f"V{i},0,1,A,Vanilla,1,1,1,," for i in range(300)], HEADER, "\n"),  # many distinct texts
        ([], HEADER, "\n"),  # no lines
    ],
)
def test_unusual_files_are_built_as_read_csv_builds_them(tmp_path, monkeypatch, lines, header, end):
    folder = _release(tmp_path, lines, header, end)
    for missing in ("error", "fill-mean"):
        _assert_same(*_routes(monkeypatch, folder, subsets=("S", "T"), missing=missing))


def test_a_file_without_a_final_newline_takes_the_plain_route(tmp_path, monkeypatch):
    folder = tmp_path / "llmbar"
    folder.mkdir()
    (folder / "verdicts_long.csv.gz").write_bytes(gzip.compress((HEADER + "\n".join(LINES)).encode()))
    assert llmbar._plain_columns(folder / "verdicts_long.csv.gz") is not None
    _assert_same(*_routes(monkeypatch, folder, subsets=("S", "T"), missing="fill-mean"))


def test_the_embedded_verdicts_take_the_plain_route(monkeypatch):
    from marketalign.data.embedded import EMBEDDED_DIR

    folder = EMBEDDED_DIR / "llmbar"
    assert llmbar._plain_columns(folder / "verdicts_long.csv.gz") is not None
    for missing in ("error", "fill-mean", "drop-judges"):
        _assert_same(*_routes(monkeypatch, folder, missing=missing))
