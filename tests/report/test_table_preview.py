"""Table heads and exact row counts (always what pandas finds when it parses the whole table)."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketalign.report.table_preview import count_csv_rows, preview_table

_text = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t;x1')), max_size=6)
_cells = st.one_of(st.floats(allow_nan=True, allow_infinity=False, width=32), st.integers(-5, 5), _text)


@given(rows=st.lists(st.lists(_cells, min_size=2, max_size=2), max_size=25),
       terminator=st.sampled_from(["\n", "\r\n"]))
def test_row_count_equals_pandas_on_any_table(tmp_path_factory, rows, terminator):
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    pd.DataFrame(rows, columns=["a", "b"]).to_csv(path, index=False, lineterminator=terminator)
    assert count_csv_rows(path) == len(pd.read_csv(path))


@given(lines=st.lists(st.sampled_from(["1,2", "3,4", "", "5,6"]), max_size=30), trailing_newline=st.booleans())
def test_row_count_equals_pandas_with_blank_lines_and_no_final_newline(tmp_path_factory, lines, trailing_newline):
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_text("x,y\n" + "\n".join(lines) + ("\n" if trailing_newline else ""))
    assert count_csv_rows(path) == len(pd.read_csv(path))


def test_row_count_sums_its_chunks(tmp_path, monkeypatch):
    import marketalign.report.table_preview as module

    monkeypatch.setattr(module, "_CHUNK_ROWS", 7)
    path = tmp_path / "t.csv"
    path.write_text("x,y\n" + "".join(f"{i},{i * i}\n" for i in range(50)))
    assert count_csv_rows(path) == 50
    path.write_text('x,y\n1,2\n3,"4\n5"\n\n' + "5,6\n" * 10)
    assert count_csv_rows(path) == len(pd.read_csv(path)) == 12


def test_header_only_table_has_zero_rows(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n")
    preview = preview_table(path, max_rows=5, max_columns=10)
    assert (preview.n_rows, preview.n_columns, list(preview.head.columns)) == (0, 2, ["a", "b"])


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        preview_table(path, max_rows=5, max_columns=10)


def test_head_is_capped_in_rows_and_columns_but_the_shape_is_full(tmp_path):
    table = pd.DataFrame({f"c{i}": range(100) for i in range(9)})
    for name in ("t.csv", "t.parquet"):
        path = tmp_path / name
        table.to_parquet(path, index=False) if name.endswith("parquet") else table.to_csv(path, index=False)
        preview = preview_table(path, max_rows=7, max_columns=4)
        assert (preview.n_rows, preview.n_columns) == (100, 9)
        pd.testing.assert_frame_equal(preview.head, table.iloc[:7, :4], check_dtype=False)


def test_empty_parquet_table(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": pd.Series([], dtype=float)}).to_parquet(path, index=False)
    preview = preview_table(path, max_rows=5, max_columns=10)
    assert (preview.n_rows, preview.n_columns, len(preview.head)) == (0, 1, 0)
