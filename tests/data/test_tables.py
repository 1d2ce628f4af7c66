"""The shared table layout: reading, validation errors, and exact round trips."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from marketalign.data.tables import (
    bob_columns,
    check_target_varies,
    layout_table,
    read_table,
    unused_columns,
    validate_table,
    write_layout_table,
)
from marketalign.errors import InputError


def _table(**extra) -> pd.DataFrame:
    base = {
        "instance": ["a", "b", "c"],
        "text": ["x", "y", "z"],
        "alice": [1.0, 0.0, 0.5],
        "bob_1": [0.9, 0.1, 0.4],
        "bob_2": [1, 2, 3],
    }
    return pd.DataFrame({**base, **extra})


def test_validate_returns_target_scores_and_numeric_bobs_only():
    table = _table(flag=[True, False, True], note=["p", "q", "r"])
    h, scores, names = validate_table(table)
    assert names == ["bob_1", "bob_2"]
    np.testing.assert_array_equal(h, [1.0, 0.0, 0.5])
    np.testing.assert_array_equal(scores, [[0.9, 1], [0.1, 2], [0.4, 3]])
    assert scores.dtype == np.float64 and h.dtype == np.float64


def test_named_bobs_and_target():
    h, scores, names = validate_table(_table(), target="bob_1", bobs=["alice"])
    np.testing.assert_array_equal(h, [0.9, 0.1, 0.4])
    assert names == ["alice"] and scores.shape == (3, 1)


@pytest.mark.parametrize(
    ("table", "kwargs", "message"),
    [
        (_table().iloc[:0], {}, "no rows"),
        (_table().drop(columns="instance"), {}, "no 'instance' column"),
        (_table(instance=["a", "a", "b"]), {}, "share an 'instance' id"),
        (_table().drop(columns="alice"), {}, "no target column 'alice'"),
        (_table(alice=["1", "0", "x"]), {}, "not numeric"),
        (_table(), {"bobs": ["bob_9"]}, "no Bob column(s) 'bob_9'"),
        (_table(), {"bobs": ["text"]}, "not numeric"),
        (_table(), {"bobs": ["bob_1", "bob_1"]}, "more than once"),
        (_table().drop(columns=["bob_1", "bob_2"]), {}, "no Bob columns"),
        (_table(bob_1=[0.1, np.nan, np.inf]), {}, "column 'bob_1' has 2 of 3 rows with NaN or inf"),
        (_table(alice=[np.nan, 1.0, 1.0]), {}, "column 'alice' has 1 of 3 rows"),
        (_table(bob_1=["0.9", "0,1", "0.4"]), {}, "column 'bob_1' holds numbers except in 1 of 3 rows (row 2: '0,1')"),
        (_table(bob_1=["0.9", "x", "0.4"]), {"bobs": ["bob_1"]}, "row 2: 'x'"),
    ],
)
def test_bad_tables_raise_input_error_naming_the_problem(table, kwargs, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_table(table, **kwargs)


def test_read_table_keeps_ids_and_texts_verbatim(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("instance,text,alice,bob\nNA,null,1,2\n007,,0.5,\n")
    table = read_table(path)
    assert table["instance"].tolist() == ["NA", "007"]
    assert table["text"].tolist() == ["null", ""]
    assert np.isnan(table["bob"].iloc[1])
    with pytest.raises(InputError, match="column 'bob' has 1 of 2 rows"):
        validate_table(table)


def test_read_table_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("instance,alice,bob\na,1,2\n".encode("utf-8-sig"))
    assert validate_table(read_table(path))[2] == ["bob"]


@pytest.mark.parametrize("name", ["missing.csv", "table.xlsx"])
def test_read_table_rejects_missing_files_and_unknown_formats(tmp_path, name):
    with pytest.raises(InputError):
        read_table(tmp_path / name)


def test_read_table_rejects_garbage(tmp_path):
    path = tmp_path / "t.parquet"
    path.write_bytes(b"not parquet")
    with pytest.raises(InputError, match="cannot be read"):
        read_table(path)


@given(
    values=arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(2, 5)),
        elements=st.floats(-1e12, 1e12, allow_nan=False, allow_subnormal=False),
    ),
    suffix=st.sampled_from([".csv", ".parquet"]),
)
def test_write_then_read_round_trips_exactly(tmp_path_factory, values, suffix):
    n, k = values.shape
    table = pd.DataFrame(values, columns=["alice"] + [f"bob_{j}" for j in range(k - 1)])
    table.insert(0, "instance", [f"i:{i}" for i in range(n)])
    path = write_layout_table(table, tmp_path_factory.mktemp("rt") / f"t{suffix}")
    h, scores, names = validate_table(read_table(path))
    np.testing.assert_array_equal(h, values[:, 0])
    np.testing.assert_array_equal(scores, values[:, 1:])
    assert names == bob_columns(table)


def test_layout_table_orders_columns_and_keeps_labels_as_strings():
    table = layout_table(["a", "b"], [1, 0], ["t1", "t2"], target="y", split=["test", "test"])
    assert list(table.columns) == ["instance", "text", "y", "split"]
    assert bob_columns(table, "y") == []
    with pytest.raises(InputError, match="share an 'instance' id"):
        layout_table(["a", "a"], [1, 0])


def test_write_rejects_compressed_or_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match="unknown table format"):
        write_layout_table(_table(), tmp_path / "t.csv.gz")


def test_read_table_refuses_a_repeated_header_and_a_semicolon_separator(tmp_path):
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("instance,alice,bob,alice\na,1,2,1\nb,0,1,0\n")
    with pytest.raises(InputError, match="'alice' more than once"):
        read_table(repeated)
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("instance;alice;bob\na;1,5;2\n")
    with pytest.raises(InputError, match="separator looks like ';'"):
        read_table(semicolons)


def test_unused_columns_say_why():
    table = _table(flag=[True, False, True], note=["p", "q", "r"])
    assert unused_columns(table, "alice", ["bob_1"]) == {
        "instance": "row id", "text": "instance text", "bob_2": "numeric, but not among the Bobs asked for",
        "flag": "boolean (a flag, not a score)", "note": "not numeric (str)",
    }


def test_a_constant_target_is_refused():
    check_target_varies(np.array([1.0, 2.0]), "alice", "t")
    with pytest.raises(InputError, match="'alice' is constant"):
        check_target_varies(np.array([3.0, 3.0]), "alice", "t")
