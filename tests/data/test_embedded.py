"""Embedded default data: loads without a path, matches its provenance, and is rebuilt byte for byte."""

import hashlib

import pandas as pd
import pytest

from marketalign.data.build_embedded import build
from marketalign.data.embedded import (
    EMBEDDED_DIR,
    embedded_provenance,
    load_embedded_ethics,
    load_embedded_movielens,
)
from marketalign.data.ethics import load_ethics
from marketalign.data.movielens import load_movielens
from marketalign.data.tables import validate_table


def test_embedded_ethics_is_the_short_commonsense_set_plus_train_samples():
    ethics = load_embedded_ethics()
    assert ethics.available() == [
        ("commonsense", "test"),
        ("commonsense", "test_hard"),
        ("deontology", "train"),
        ("justice", "train"),
        ("utilitarianism", "train"),
        ("virtue", "train"),
    ]
    table = ethics.table()
    assert len(table) == 3813 and set(table["length"]) == {"short"}
    assert ethics.table(short_only=True).equals(table)  # the is_short flags survive the compressed copy
    h, _, _ = validate_table(table.assign(bob=0.0))
    assert set(h) == {0.0, 1.0} and 0.45 < h.mean() < 0.6
    for subset in ("deontology", "justice", "utilitarianism", "virtue"):
        assert len(ethics.frame(subset, "train")) == 3000


def test_embedded_movielens_is_ml_latest_small():
    data = load_embedded_movielens()
    assert data.source == "embedded"
    assert (len(data.ratings), len(data.users), len(data.movies), len(data.tags)) == (100836, 610, 9742, 3683)
    assert len(data.alice_table(414)) == 2698


def test_shipped_files_match_provenance_and_stay_small():
    provenance = embedded_provenance()
    total = 0
    for part in ("ethics", "movielens", "llmbar"):
        for name, entry in provenance[part]["files"].items():
            data = (EMBEDDED_DIR / name).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
            total += len(data)
    assert total < 3_000_000
    assert "MIT License" in (EMBEDDED_DIR / "ethics" / "LICENSE").read_text()
    assert "Usage License" in (EMBEDDED_DIR / "movielens" / "README.txt").read_text()


def test_rebuild_from_the_sources_is_byte_identical(shared_data, tmp_path):
    movielens = shared_data / "movielens" / "ml-latest-small"
    build(shared_data / "ethics", movielens, shared_data / "panels" / "llmbar", tmp_path)
    # ethics_llm/ and movielens_llm/ are a language model's output, not copies of a source:
    # tests/data/test_llm_scores.py checks them
    model_output = {"ethics_llm", "movielens_llm"}
    shipped = sorted(p.relative_to(EMBEDDED_DIR) for p in EMBEDDED_DIR.rglob("*")
                     if p.is_file() and not model_output & set(p.parts))
    rebuilt = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert rebuilt == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (EMBEDDED_DIR / name).read_bytes(), name


def test_embedded_equals_the_full_data(shared_data):
    full = load_ethics(shared_data / "ethics", subsets=["commonsense", "virtue"])
    embedded = load_embedded_ethics()
    pd.testing.assert_frame_equal(
        embedded.table(), full.table("commonsense", ["test", "test_hard"], short_only=True)
    )
    sample = embedded.frame("virtue", "train")
    source = full.frame("virtue", "train").set_index("row").loc[sample["row"]].reset_index()
    pd.testing.assert_frame_equal(sample, source[sample.columns])
    movielens = load_movielens(shared_data / "movielens" / "ml-latest-small")
    pd.testing.assert_frame_equal(load_embedded_movielens().ratings, movielens.ratings)
    pd.testing.assert_frame_equal(load_embedded_movielens().movies, movielens.movies)


@pytest.mark.parametrize("subset", ["deontology", "justice", "utilitarianism", "virtue"])
def test_embedded_bob_subsets_make_valid_tables(subset):
    table = load_embedded_ethics().table(subset)
    assert table["instance"].is_unique and table["text"].str.len().min() > 0
