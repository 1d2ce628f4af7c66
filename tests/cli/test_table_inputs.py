"""Inputs that cannot be silently misread: `fit`, `curve` and `data check` refuse broken tables with exit code 2
and one line saying where and how to fix, and name every column they leave out."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from marketalign.cli import main

ROWS = 30


def _cells() -> dict[str, list[str]]:
    rng = np.random.default_rng(0)
    alice = rng.normal(size=ROWS)
    columns = {"instance": [f"i{r}" for r in range(ROWS)], "alice": alice,
               "b1": alice + rng.normal(size=ROWS), "b2": rng.normal(size=ROWS)}
    cells = {name: [v if isinstance(v, str) else repr(float(v)) for v in values] for name, values in columns.items()}
    cells["label"] = [f"cat{r % 3}" for r in range(ROWS)]
    return cells


def _write(path, cells: dict[str, list[str]], header=None, sep=",") -> str:
    lines = [sep.join(header or cells)] + [sep.join(row) for row in zip(*cells.values(), strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _refused(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error: "), result.output
    for fragment in fragments:
        assert fragment in result.output, result.output


@pytest.fixture(params=["fit", "curve"])
def command(request, tmp_path):
    """Each command with the arguments it needs besides the table."""
    return [request.param] + (["--out", tmp_path / "out", "--orderings", "2", "--quiet"] if request.param == "curve"
                              else [])


def test_a_text_cell_in_a_score_column_is_named_with_its_row(tmp_path, command):
    cells = _cells()
    cells["b1"][3], cells["b1"][7] = "oops", "n.a."
    result = _invoke(command[0], _write(tmp_path / "t.csv", cells), *command[1:])
    _refused(result, "column 'b1'", "2 of 30 rows", "row 4: 'oops'", "row 8: 'n.a.'")


def test_a_decimal_comma_is_named_and_explained(tmp_path, command):
    cells = _cells()
    cells["b2"][4] = '"0,5"'
    _refused(_invoke(command[0], _write(tmp_path / "t.csv", cells), *command[1:]),
             "column 'b2'", "row 5: '0,5'", "decimal comma")


def test_a_repeated_header_name_is_refused(tmp_path, command):
    cells = _cells()
    header = ["instance", "alice", "b1", "alice", "label"]
    _refused(_invoke(command[0], _write(tmp_path / "t.csv", cells, header), *command[1:]),
             "'alice' more than once")


def test_a_semicolon_separated_file_is_refused_with_the_fix(tmp_path, command):
    cells = {k: [v.replace(".", ",") for v in vals] for k, vals in _cells().items()}
    _refused(_invoke(command[0], _write(tmp_path / "t.csv", cells, sep=";"), *command[1:]),
             "separator looks like ';'", "sep=';'")


@pytest.mark.parametrize("option", [("--bobs", "b1,label"), ("--target", "label")])
def test_a_categorical_column_named_explicitly_is_refused(tmp_path, command, option):
    _refused(_invoke(command[0], _write(tmp_path / "t.csv", _cells()), *option, *command[1:]),
             "'label'", "not numeric")


def test_a_constant_target_is_refused(tmp_path, command):
    cells = _cells()
    cells["alice"] = ["2.5"] * ROWS
    _refused(_invoke(command[0], _write(tmp_path / "t.csv", cells), *command[1:]), "'alice' is constant")


def test_values_near_1e300_are_refused_without_numpy_warnings(tmp_path, command):
    cells = {k: [repr(float(v) * 1e300) for v in vals] if k in ("alice", "b1", "b2") else vals
             for k, vals in _cells().items()}
    with np.errstate(all="raise"):
        _refused(_invoke(command[0], _write(tmp_path / "t.csv", cells), *command[1:]), "cannot be represented")


def test_every_column_left_out_is_named_with_the_reason(tmp_path, command):
    cells = {**_cells(), "flag": ["True", "False"] * (ROWS // 2)}
    result = _invoke(command[0], _write(tmp_path / "t.csv", cells), "--bobs", "b1", *command[1:])
    assert result.exit_code == 0, result.output
    for line in ("column 'instance' not used: row id", "column 'b2' not used: numeric, but not among the Bobs",
                 "column 'label' not used: not numeric", "column 'flag' not used: boolean"):
        assert line in result.output


def test_data_check_names_the_columns_it_leaves_out(tmp_path):
    result = _invoke("data", "check", _write(tmp_path / "t.csv", _cells()), "--bob", "b2")
    assert result.exit_code == 0, result.output
    assert "1 Bobs (b2)" in result.output and "column 'b1' not used" in result.output
    assert "column 'label' not used: not numeric" in result.output


def test_fit_in_micro_units_still_reports_the_bobs_it_uses(tmp_path):
    cells = _cells()
    plain = json.loads(_invoke("fit", _write(tmp_path / "a.csv", cells), "--constraint", "nonneg").stdout)
    cells = {k: [repr(float(v) * 1e-6) for v in vals] if k in ("b1", "b2") else vals for k, vals in cells.items()}
    micro = json.loads(_invoke("fit", _write(tmp_path / "b.csv", cells), "--constraint", "nonneg").stdout)
    assert plain["used"] and micro["used"] == plain["used"]
    assert micro["cv_mse"] == pytest.approx(plain["cv_mse"], rel=1e-9)
    assert micro["weights"]["b1"] == pytest.approx(plain["weights"]["b1"] * 1e6, rel=1e-9)
