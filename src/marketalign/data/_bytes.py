"""Compiled helpers shared by the loaders that read a file's bytes in one pass (qrels, LLMBar): an 8-byte word at
every byte position, compared a word at a time. The passes inline them (``inline="always"``): a compiled call
per line costs more than the comparison itself."""

from __future__ import annotations

import numpy as np
from numba import njit

LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
"""``LOW_BYTES[n]`` keeps the low ``n`` bytes of a little-endian 8-byte word (n = 0..8)."""


@njit(cache=True, nogil=True, inline="always")
def same_bytes(words, start, other, length):
    """Whether the ``length`` bytes from ``start`` and from ``other`` are the same; ``words[i]`` is the 8-byte
    word at byte ``i`` (the buffer padded with eight bytes)."""
    for at in range(0, length, 8):
        if (words[start + at] ^ words[other + at]) & LOW_BYTES[min(length - at, 8)]:
            return False
    return True
