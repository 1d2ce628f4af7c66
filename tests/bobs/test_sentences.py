"""The shared sentence encoder: each distinct text is encoded once, whoever asks."""

import numpy as np

from marketalign.bobs.backends.sentences import remembering


def _letter_counts(texts):
    counts = np.array([[text.lower().count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for text in texts], float)
    return counts / np.maximum(np.linalg.norm(counts, axis=1, keepdims=True), 1e-12)


def test_remembering_encodes_each_text_once():
    calls = []

    def encode(texts):
        calls.append(list(texts))
        return _letter_counts(texts)

    encoder = remembering(encode)
    first = encoder(["abc", "xyz", "abc"])
    second = encoder(["xyz", "new"])
    assert calls == [["abc", "xyz"], ["new"]]
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_array_equal(second, _letter_counts(["xyz", "new"]))
