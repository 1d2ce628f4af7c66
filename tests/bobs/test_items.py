"""Reading the input table: CSV and Parquet, ids and texts kept as strings, clear errors."""

import pandas as pd
import pytest

from marketalign import InputError
from marketalign.bobs.items import data_sha256, read_items


def test_csv_keeps_ids_and_texts_as_written_and_other_columns_typed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("instance,text,score\n007,NA,1.5\n008,null,NA\n")
    table = read_items(path)
    assert table["instance"].tolist() == ["007", "008"] and table["text"].tolist() == ["NA", "null"]
    assert table["score"].isna().tolist() == [False, True]


def test_parquet_round_trip_and_data_hash_depends_on_text_and_order(tmp_path):
    table = pd.DataFrame({"instance": ["a", "b"], "text": ["x", "y"], "label": [0, 1]})
    table.to_parquet(tmp_path / "t.parquet")
    read = read_items(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(read, table)
    assert data_sha256(read) == data_sha256(table)
    assert data_sha256(table) != data_sha256(table.iloc[::-1])
    assert data_sha256(table) != data_sha256(table.assign(text=["x", "z"]))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("t.tsv", "instance\ttext\n", "must be a .csv or .parquet"),
     ("missing.csv", None, "does not exist")],
)
def test_unreadable_tables_are_input_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message):
        read_items(path)


def test_non_string_ids_in_parquet_are_rejected(tmp_path):
    pd.DataFrame({"instance": [1, 2], "text": ["x", "y"]}).to_parquet(tmp_path / "t.parquet")
    with pytest.raises(InputError, match="non-empty strings"):
        read_items(tmp_path / "t.parquet")
