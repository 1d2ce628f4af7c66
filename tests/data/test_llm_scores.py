"""The score-matrix layout: packing a generation, reading it back, refusing what does not match."""

import gzip
import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from marketalign.bobs.runner import provenance_path
from marketalign.data.llm_scores import ETHICS_LLM_DIR, MOVIELENS_LLM_DIR, load_llm_scores, pack_generation
from marketalign.errors import InputError


def _generation(tmp_path, n=12, bobs=3, hole=False):
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"instance": [f"cm_test:{i}" for i in range(n)], "text": [f"story {i}" for i in range(n)],
                          "alice": rng.integers(0, 2, n).astype(float), "length": np.arange(n)})
    names = [f"llm_{b:03d}" for b in range(bobs)]
    for name in names:
        table[name] = rng.random(n)
    if hole:
        table.loc[3, names[1]] = np.nan
    out = tmp_path / "scored.csv"
    table.to_csv(out, index=False)
    provenance = {"bobs": [{"column": c} for c in names], "data": {"rows": n, "sha256": "ab" * 32}, "seed": 0,
                  "family": {"name": "t"}, "counts": {"cells": n * bobs}}
    provenance_path(out).write_text(json.dumps(provenance))
    return out, table, names


def test_a_packed_generation_reads_back_with_the_model_and_the_dropped_columns(tmp_path):
    scored, table, names = _generation(tmp_path)
    record = pack_generation(scored, tmp_path / "matrix", "qwen2.5-coder-1.5b")
    assert record["model"]["sha256"] == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert record["columns_dropped"] == ["text", "length"]
    matrix = load_llm_scores(tmp_path / "matrix")
    assert matrix.bobs == names
    pd.testing.assert_frame_equal(matrix.table, table[["instance", "alice", *names]])
    again = tmp_path / "again"
    pack_generation(scored, again, "qwen2.5-coder-1.5b")
    assert (again / "scores.csv.gz").read_bytes() == (tmp_path / "matrix" / "scores.csv.gz").read_bytes()


def test_an_incomplete_generation_or_an_unknown_model_is_refused(tmp_path):
    scored, _, _ = _generation(tmp_path, hole=True)
    with pytest.raises(InputError, match="a score in every Bob cell"):
        pack_generation(scored, tmp_path / "matrix", "qwen2.5-coder-1.5b")
    with pytest.raises(InputError, match="not registered|Unknown|known"):
        pack_generation(scored, tmp_path / "matrix", "gpt-17")


def test_a_matrix_whose_columns_do_not_match_its_provenance_is_refused(tmp_path):
    scored, _, _ = _generation(tmp_path)
    folder = tmp_path / "matrix"
    pack_generation(scored, folder, "qwen2.5-coder-1.5b")
    frame = pd.read_csv(folder / "scores.csv.gz").assign(extra=1.0)
    (folder / "scores.csv.gz").write_bytes(gzip.compress(frame.to_csv(index=False).encode()))
    with pytest.raises(InputError, match=r"not named \['extra'\]"):
        load_llm_scores(folder)
    with pytest.raises(InputError, match="is missing"):
        load_llm_scores(tmp_path / "nowhere")


def test_the_embedded_matrices_are_complete_match_their_hash_and_name_their_model_and_prompts():
    for screen, name in ((False, "scores.csv.gz"), (True, "screen.csv.gz")):
        matrix = load_llm_scores(screen=screen)
        assert hashlib.sha256((ETHICS_LLM_DIR / name).read_bytes()).hexdigest() == matrix.provenance["file_sha256"]
        assert matrix.provenance["model"]["name"] == "qwen2.5-coder-1.5b"
        assert len(matrix.table) == matrix.provenance["data"]["rows"]
        assert all(b["template"].startswith("{text}") and b["persona"] for b in matrix.provenance["bobs"])
        assert set(matrix.table["alice"].unique()) <= {0.0, 1.0}
    assert len(load_llm_scores().bobs) == 16


def test_the_embedded_figure_3_matrix_is_user_414s_ratings_against_16_persona_bobs():
    matrix = load_llm_scores(MOVIELENS_LLM_DIR)
    assert hashlib.sha256((MOVIELENS_LLM_DIR / "scores.csv.gz").read_bytes()).hexdigest() == (
        matrix.provenance["file_sha256"])
    assert matrix.provenance["model"]["name"] == "qwen2.5-coder-1.5b" and len(matrix.bobs) == 16
    assert matrix.source == "embedded score matrix (movielens_llm)"
    personas = [b["persona"] for b in matrix.provenance["bobs"]]
    assert len(set(personas)) == 16 and all(p.startswith("You are a movie lover.") for p in personas)
    assert len(matrix.table) == matrix.provenance["data"]["rows"] == 300
    assert matrix.table[matrix.bobs].stack().between(1, 5).all()

