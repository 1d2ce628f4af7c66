"""``marketalign data``: tables written in the layout, per-human folders, one-line errors with exit code 2."""

import pandas as pd
import pytest
from click.testing import CliRunner

from marketalign.cli import main
from marketalign.data.movielens import load_movielens
from marketalign.data.tables import read_table, validate_table


def run(*args: str):
    return CliRunner().invoke(main, ["data", *map(str, args)])


def test_movielens_one_user_from_the_embedded_copy(tmp_path):
    out = tmp_path / "alice.csv"
    result = run("movielens", "embedded", "--out", out, "--user", 414)
    assert result.exit_code == 0, result.output
    assert "2698 rows (user 414)" in result.output
    table = read_table(out)
    h, _, _ = validate_table(table.assign(bob=1.0))
    assert len(h) == 2698 and table["instance"].is_unique and set(table.columns) >= {"text", "alice"}


def test_movielens_all_writes_one_table_per_user_and_an_index(fixtures, tmp_path):
    folder = fixtures / "movielens" / "csv"
    result = run("movielens", folder, "--out", tmp_path / "users", "--all", "--min-ratings", 2)
    assert result.exit_code == 0, result.output
    index = pd.read_csv(tmp_path / "users" / "index.csv")
    assert index.values.tolist() == [["user:1", "user_1.csv", 3], ["user:2", "user_2.csv", 2]]
    data = load_movielens(folder)
    for user in (1, 2):
        written = read_table(tmp_path / "users" / f"user_{user}.csv")
        pd.testing.assert_frame_equal(written, read_table_roundtrip(data.alice_table(user), tmp_path))


def read_table_roundtrip(table: pd.DataFrame, tmp_path) -> pd.DataFrame:
    path = tmp_path / "expected.csv"
    table.to_csv(path, index=False, float_format="%.17g")
    return read_table(path)


def test_movielens_long_parquet(fixtures, tmp_path):
    out = tmp_path / "long.parquet"
    assert run("movielens", fixtures / "movielens" / "dat", "--out", out, "--long").exit_code == 0
    assert pd.read_parquet(out).columns.tolist() == ["human", "instance", "alice"]


def test_ethics_tables(fixtures, tmp_path):
    out = tmp_path / "util.csv"
    result = run("ethics", fixtures / "ethics", "--out", out, "--subset", "utilitarianism")
    assert result.exit_code == 0, result.output
    assert read_table(out)["alice"].tolist() == [1, 0, 1, 0]
    result = run("ethics", fixtures / "ethics", "--out", tmp_path / "amb.csv", "--split", "ambig")
    assert result.exit_code == 0 and "alice" not in read_table(tmp_path / "amb.csv")
    assert run("ethics", "embedded", "--out", tmp_path / "cm.parquet").exit_code == 0
    assert len(pd.read_parquet(tmp_path / "cm.parquet")) == 3813


def test_opinionqa_group_wide_all_and_responses(fixtures, tmp_path):
    root = fixtures / "opinionqa" / "human_resp"
    result = run("opinionqa", root, "--panel", "W7", "--group", "SEX=Male", "--out", tmp_path / "m.csv")
    assert result.exit_code == 0, result.output
    assert read_table(tmp_path / "m.csv")["alice"].tolist() == [0.75, 1.0, 0.0]
    assert run("opinionqa", root, "--panel", "W7", "--wide", "--out", tmp_path / "w.csv").exit_code == 0
    wide = read_table(tmp_path / "w.csv")
    h, scores, names = validate_table(wide.dropna(axis=1), target="SEX=Female")
    assert wide["instance"].tolist() == ["q:SAFE_W7", "q:WORLD_W7", "q:NOTSURE_W7"] and names == ["SEX=Male"]
    assert run("opinionqa", root, "--panel", "W7", "--all", "--out", tmp_path / "groups").exit_code == 0
    assert len(pd.read_csv(tmp_path / "groups" / "index.csv")) == 6
    responses = fixtures / "opinionqa" / "responses.csv"
    result = run("opinionqa", root, "--responses", responses, "--human", "r1", "--out", tmp_path / "r1.csv")
    assert result.exit_code == 0, result.output
    assert read_table(tmp_path / "r1.csv")["alice"].tolist() == [0.0, 0.5]
    result = run("opinionqa", root, "--responses", responses, "--all", "--out", tmp_path / "people")
    assert pd.read_csv(tmp_path / "people" / "index.csv")["human"].tolist() == ["r1", "r2"]
    listing = run("opinionqa", root, "--list")
    assert listing.exit_code == 0 and "W7" in listing.output


def test_check_a_table_of_your_own(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("instance,text,alice,gpt,claude\na,x,1,0.9,0.8\nb,y,0,0.2,0.1\n")
    result = run("check", path)
    assert (
        result.exit_code == 0 and "2 instances, target alice in [0, 1], 2 Bobs (gpt, claude)" in result.output
    )
    assert "1 Bobs (claude)" in run("check", path, "--bob", "claude").output
    path.write_text("instance,alice,gpt\na,1,0.9\na,0,\n")
    result = run("check", path)
    assert result.exit_code == 2 and "share an 'instance' id" in result.output


def test_same_input_same_bytes(tmp_path):
    for name in ("a.csv", "b.csv"):
        assert run("movielens", "embedded", "--out", tmp_path / name, "--user", 68).exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["movielens", "/no/such/folder", "--out", "x.csv", "--user", "1"], "does not exist"),
        (["movielens", "embedded", "--out", "x.csv", "--user", "1", "--all"], "choose exactly one"),
        (["movielens", "embedded", "--out", "x.csv", "--user", "100000"], "has no ratings"),
        (["movielens", "embedded", "--out", "x.csv", "--user", "alice"], "user ids are integers"),
        (["movielens", "embedded", "--out", "x.csv", "--all"], "must be a folder"),
        (["ethics", "embedded", "--out", "x.txt"], "unknown table format"),
        (
            ["ethics", "embedded", "--out", "x.csv", "--subset", "justice", "--split", "test"],
            "no justice split",
        ),
        (["opinionqa", "embedded", "--out", "x.csv"], "not embedded"),
        (["opinionqa", "FIXTURE", "--panel", "W7", "--human", "r1", "--out", "x.csv"], "--responses"),
        (["opinionqa", "FIXTURE", "--panel", "W9", "--group", "SEX=Male", "--out", "x.csv"], "no wave W9"),
        (["opinionqa", "FIXTURE", "--panel", "W7", "--group", "SEX=Male"], "--out is required"),
    ],
)
def test_bad_input_exits_2_with_one_line(fixtures, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    args = [str(fixtures / "opinionqa" / "human_resp") if a == "FIXTURE" else a for a in args]
    result = run(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
