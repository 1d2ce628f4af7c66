"""Where every random draw of the package comes from: three rules, one function each.

- :func:`stream` — a unit of work (a game, a Bob, a survey panel, a transfer subset) draws from the generator
  seeded by the entropy ``[seed, len(key), *key]``, its key being its index in the whole run; ``stream(seed)`` is
  ``numpy.random.default_rng(seed)``. So a result never depends on how units are chunked or where a chunk runs.
  The key's length is part of the entropy because numpy's ``SeedSequence`` ignores trailing zeros (``[s, 1, 0]``
  seeds the same generator as ``[s, 1]``): without it, game 0's search would replay game 1's draw.
- :func:`child` — the curve engine's folds and orderings (:mod:`marketalign.hull.curves`) are spawned children of
  ``SeedSequence(seed)``, addressed by their path: ``child(seed, 0)`` the folds, ``child(seed, 1)`` the
  orderings, ``child(seed, 0, i)`` the folds of data set i (the same as ``SeedSequence(seed).spawn(2)[0]
  .spawn(n)[i]``), so one data set's folds do not depend on which others are in the batch.
- :func:`integer_seeds` — tasks that hand a seed to a library taking an integer (scikit-learn's
  ``random_state``) get 32-bit integers drawn from ``SeedSequence(seed)``.

A run is fixed by its config's seed alone; the same seed gives the same output bytes.
"""

from __future__ import annotations

import numpy as np


def stream(seed: int, *key: int) -> np.random.Generator:
    """The generator of one unit of work.

    Parameters
    ----------
    seed : int
        The run's seed (non-negative).
    *key : int
        The unit's index (or indices) in the run (non-negative).

    Returns
    -------
    numpy.random.Generator
        ``numpy.random.default_rng([seed, len(key), *key])``: distinct keys give distinct streams, and no key
        gives ``numpy.random.default_rng(seed)``.

    Raises
    ------
    ValueError
        When the seed or a key is negative (numpy's message).
    """
    return np.random.default_rng([seed, len(key), *key])


def child(seed: int, *path: int) -> np.random.SeedSequence:
    """The spawned child of ``SeedSequence(seed)`` at ``path``.

    Parameters
    ----------
    seed : int
        The run's seed (non-negative).
    *path : int
        The child's spawn path: ``child(seed, i)`` is ``SeedSequence(seed).spawn(n)[i]``, ``child(seed, i, j)``
        the j-th child of that one.

    Returns
    -------
    numpy.random.SeedSequence
        A seed for ``numpy.random.default_rng``.

    Raises
    ------
    ValueError
        When the seed is negative (numpy's message).
    """
    return np.random.SeedSequence(seed, spawn_key=path)


def integer_seeds(seed: int, count: int) -> list[int]:
    """``count`` independent 32-bit seeds drawn from ``SeedSequence(seed)``, one per task.

    Parameters
    ----------
    seed : int
        The run's seed (non-negative).
    count : int
        How many.

    Returns
    -------
    list of int
        In ``[0, 2**32)``.

    Raises
    ------
    ValueError
        When the seed is negative (numpy's message).
    """
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count)]
