"""ETHICS classifier Bobs: trained and calibrated on population data only, never on Alice's labels."""

import numpy as np
import pandas as pd
import pytest

from marketalign.bobs.backends.sentences import minilm_available
from marketalign.bobs.classifiers import ClassifierBobs, classifier_scores
from marketalign.data.embedded import load_embedded_ethics
from marketalign.data.ethics import Ethics
from marketalign.data.tables import INSTANCE, TARGET
from marketalign.errors import InputError


@pytest.fixture(scope="module")
def ethics() -> Ethics:
    """The embedded data, cut to 600 short commonsense items and 400 rows of two other subsets (fast)."""
    full = load_embedded_ethics()
    frames = {}
    for (subset, split), frame in full.frames.items():
        if subset == "commonsense":
            frames[(subset, split)] = frame[frame["is_short"]].head(300)
        elif subset in ("justice", "deontology"):
            frames[(subset, split)] = frame.head(400)
    return Ethics(frames=frames, source="embedded cut")


def _flip_alice(ethics: Ethics, alice_ids: set[str]) -> Ethics:
    frames = dict(ethics.frames)
    for split in ("test", "test_hard"):
        frame = frames[("commonsense", split)].copy()
        ids = f"cm_{split}:" + frame["row"].astype(str)
        mine = ids.isin(alice_ids).to_numpy()
        frame.loc[mine, "label"] = (1 - frame.loc[mine, "label"]).astype(np.int8)
        frames[("commonsense", split)] = frame
    return Ethics(frames=frames, source="flipped")


@pytest.mark.parametrize("family", ["slice", "transfer", "mix"])
def test_flipping_alice_labels_changes_no_bob(ethics, family):
    config = ClassifierBobs(n_bobs=4, family=family, slice_rows=(60, 120), transfer_rows=200, seed=3)
    before = classifier_scores(ethics, config)
    names = list(before.bobs["bob"])
    after = classifier_scores(_flip_alice(ethics, set(before.table[INSTANCE])), config)
    np.testing.assert_array_equal(before.table[names].to_numpy(), after.table[names].to_numpy())
    np.testing.assert_array_equal(before.table[TARGET].to_numpy(), 1 - after.table[TARGET].to_numpy())


def test_split_kinds_range_and_reproducibility(ethics):
    config = ClassifierBobs(n_bobs=6, family="mix", slice_rows=(60, 120), transfer_rows=200, seed=1)
    first, second = classifier_scores(ethics, config), classifier_scores(ethics, config)
    pd.testing.assert_frame_equal(first.table, second.table)
    assert list(first.bobs["kind"]) == ["slice", "transfer"] * 3
    assert len(first.table) + first.pool_rows == 600 and len(first.table) == 300
    scores = first.table[list(first.bobs["bob"])].to_numpy()
    assert ((scores > 0) & (scores < 1)).all()
    assert set(first.bobs.loc[first.bobs["kind"] == "transfer", "source"]) <= {"justice", "deontology"}


def test_bad_settings_are_input_errors(ethics):
    with pytest.raises(InputError, match="family"):
        ClassifierBobs(family="llm")
    with pytest.raises(InputError, match="alice_share"):
        ClassifierBobs(alice_share=1.0)
    only_cm = Ethics(frames={k: v for k, v in ethics.frames.items() if k[0] == "commonsense"}, source="cm only")
    with pytest.raises(InputError, match="family='slice'"):
        classifier_scores(only_cm, ClassifierBobs(n_bobs=2, family="transfer"))


def _letter_counts(texts):
    """A stand-in sentence encoder: normalised letter counts (deterministic, no model needed)."""
    counts = np.array([[text.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for text in texts], float)
    return counts / np.maximum(np.linalg.norm(counts, axis=1, keepdims=True), 1e-12)


def test_embedding_features_go_through_the_encoder_and_never_see_alice(ethics):
    config = ClassifierBobs(n_bobs=4, family="mix", features="minilm", slice_rows=(60, 120), transfer_rows=200)
    seen = []

    def encoder(texts):
        seen.append(len(texts))
        return _letter_counts(texts)

    before = classifier_scores(ethics, config, encoder=encoder)
    names = list(before.bobs["bob"])
    after = classifier_scores(_flip_alice(ethics, set(before.table[INSTANCE])), config, encoder=_letter_counts)
    np.testing.assert_array_equal(before.table[names].to_numpy(), after.table[names].to_numpy())
    assert seen[:2] == [300, 300] and len(seen) == 4  # pool, Alice, then each transfer subset once


def test_minilm_without_the_extra_is_an_input_error(ethics):
    if minilm_available():
        pytest.skip("the [local] extra and the model package are installed")
    with pytest.raises(InputError, match="local"):
        classifier_scores(ethics, ClassifierBobs(n_bobs=2, features="minilm"))
