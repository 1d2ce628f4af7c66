"""Survey Bobs: the answers of other demographic groups, none of which shares a respondent with Alice ([OURS]).

OpinionQA's ``human_resp`` release has answer counts per demographic group, not individual answers, and no
model answers. The honest "models" it allows are other groups: Bob = the expected answers of a group of
respondents. To keep Alice's own answers out of every Bob, a Bob group must be *disjoint* from Alice's:
the two groups disagree on an attribute they both fix (``SEX=Female`` vs ``POLPARTY_SEX=Democrat|Male``),
so no respondent belongs to both. Groups that only overlap (``SEX=Female`` vs ``CREGION=South``) are never
Bobs of each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from marketalign.errors import InputError


def group_attributes(group: str) -> dict[str, str]:
    """``"POLPARTY_SEX=Democrat|Male"`` -> ``{"POLPARTY": "Democrat", "SEX": "Male"}``."""
    attribute, sep, value = group.partition("=")
    names, values = attribute.split("_"), value.split("|")
    if not sep or len(names) != len(values):
        raise InputError(f"group {group!r} is not 'ATTR=value' or 'ATTR1_ATTR2=value1|value2'.")
    return dict(zip(names, values, strict=True))


def disjoint(first: Mapping[str, str], second: Mapping[str, str]) -> bool:
    """True when the groups fix some shared attribute to different values (so no respondent is in both)."""
    return any(first[name] != second[name] for name in first.keys() & second.keys())


@dataclass(frozen=True)
class GroupMarket:
    """One sampled Alice group with her Bob groups and their expected answers on the questions all answered.

    Attributes
    ----------
    alice : str
        Alice's group (``"ATTR=value"`` or ``"ATTR1_ATTR2=value1|value2"``).
    bobs : tuple of str
        The K Bob groups, each disjoint from Alice's.
    questions : tuple of str
        The N questions answered by Alice and every Bob.
    target : numpy.ndarray, shape (N,)
        Alice's expected answers in [0, 1].
    scores : numpy.ndarray, shape (N, K)
        The Bobs' expected answers in [0, 1].
    groups : numpy.ndarray, shape (N,), or None
        Row clusters that folds never split (docs/theory.md §1.7, Definition G1); None: every row on its own.
    """

    alice: str
    bobs: tuple[str, ...]
    questions: tuple[str, ...]
    target: np.ndarray  # (N,)
    scores: np.ndarray  # (N, K)
    groups: np.ndarray | None = None  # (N,) row clusters that folds never split (docs/theory.md §1.7, Definition G1)


def group_markets(answers: pd.DataFrame, sizes: Mapping[str, float], *, humans: int, models: int,
                  min_respondents: int, min_questions: int, rng: np.random.Generator,
                  ) -> tuple[list[GroupMarket], int]:
    """Sample up to ``humans`` Alice groups, each with ``models`` random disjoint Bob groups.

    ``answers``: groups x questions in [0, 1]; ``sizes``: respondents per group. Eligible groups have at least
    ``min_respondents`` respondents; an Alice also needs ``models`` eligible disjoint groups and at least
    ``min_questions`` questions answered by her and all her Bobs. Returns the markets and the number of
    eligible Alice groups (the sample is all of them when fewer than ``humans``).

    Parameters
    ----------
    answers : pandas.DataFrame
        Groups (index) x questions (columns), expected answers in [0, 1], NaN where not answered.
    sizes : Mapping of str to float
        Respondents per group; a group not listed has none.
    humans : int
        How many Alice groups to sample at most.
    models : int
        Bob groups per Alice.
    min_respondents : int
        Fewest respondents of an eligible group.
    min_questions : int
        Fewest questions answered by an Alice and all her Bobs; an Alice with fewer is dropped.
    rng : numpy.random.Generator
        The source of the samples.

    Returns
    -------
    markets : list of GroupMarket
        The sampled markets, in the order of the eligible groups (``groups`` is None).
    eligible : int
        The number of eligible Alice groups.

    Raises
    ------
    InputError
        When an eligible group's name is not ``ATTR=value`` or ``ATTR1_ATTR2=value1|value2``.
    """
    eligible = [g for g in answers.index if sizes.get(g, 0) >= min_respondents]
    attributes = {g: group_attributes(g) for g in eligible}
    candidates = {g: [h for h in eligible if disjoint(attributes[g], attributes[h])] for g in eligible}
    alices = [g for g in eligible if len(candidates[g]) >= models]
    chosen = sorted(rng.permutation(len(alices))[:humans]) if alices else []
    markets = []
    for at in chosen:
        alice = alices[at]
        bobs = tuple(candidates[alice][i] for i in sorted(rng.permutation(len(candidates[alice]))[:models]))
        block = answers.loc[[alice, *bobs]].T.dropna()
        if len(block) >= min_questions:
            values = block.to_numpy(dtype=float)
            markets.append(GroupMarket(alice, bobs, tuple(block.index), values[:, 0], values[:, 1:]))
    return markets, len(alices)


def slot_names(models: int) -> list[str]:
    """Column names for the Bob slots of :func:`group_markets` (each Alice fills them with her own groups)."""
    return [f"model_{j}" for j in range(models)]


def check_markets(markets: Sequence[GroupMarket], where: str) -> None:
    """Refuse an empty sample with a message that says which knob to turn."""
    if not markets:
        raise InputError(
            f"{where}: no group has enough respondents, disjoint groups and shared questions; lower "
            "min_respondents, models or min_questions."
        )
