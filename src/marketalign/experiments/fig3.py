"""Figure 3: alignment error (MSE) vs the number of Bobs K on movie ratings (MovieLens), ±1 std.

Alice = one MovieLens user's own ratings (default user 414, the most active user of ml-latest-small, who
wrote no tags). Bobs = :mod:`marketalign.bobs.communities` (shrunk mean ratings of taste communities, Alice
excluded everywhere). Protocol [SEED]: K up to 100, 100 orderings, 5-fold cross-validation, ±1 std.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

from marketalign.bobs.communities import CommunityBobs, bob_names, community_scores
from marketalign.bobs.quality import bob_agreement
from marketalign.data.location import data_root
from marketalign.data.sources import Loaded, movielens_data
from marketalign.errors import InputError
from marketalign.experiments.defaults import DEFAULT_USER
from marketalign.experiments.figures import Computed, figure_outcome, min_ratings, scores_table
from marketalign.experiments.protocol import Outcome, RunContext
from marketalign.hull.curves import CurveConfig, market_curve

TITLE = "Figure 3 (movie ratings): one MovieLens user vs taste-community Bobs"


@dataclass(frozen=True)
class Fig3Config:
    """Alice's user id, the Bob family and the curve protocol.

    Attributes
    ----------
    user : int
        Alice's MovieLens user id; default 414, the most active user of ml-latest-small (ours).
    family : CommunityBobs
        The taste-community Bobs (ours), Alice excluded; default 100 communities, prior = the community's mean.
    curve : CurveConfig
        The curve protocol (docs/theory.md §1.3); default K up to every Bob, the paper's 100 orderings and 5 folds,
        seed 0, every method.
    """

    user: int = DEFAULT_USER
    family: CommunityBobs = field(default_factory=lambda: CommunityBobs(prior="community"))
    curve: CurveConfig = field(default_factory=CurveConfig)


def configure(*, user: int, orderings: int, seed: int) -> Fig3Config:
    """The config of ``marketalign reproduce fig3``: Alice's user id, and the seed of the Bobs, folds and
    orderings."""
    return Fig3Config(user=user, family=replace(Fig3Config().family, seed=seed),
                      curve=CurveConfig(orderings=orderings, seed=seed))


def run(config: Fig3Config, context: RunContext) -> Outcome:
    """Figure 3 on the MovieLens release of ``context.data``; computes the curves and writes nothing.

    Parameters
    ----------
    config : Fig3Config
        Alice's user id, the Bob family and the curve protocol.
    context : RunContext
        Where the data are.

    Returns
    -------
    Outcome
        ``curve.csv``, ``bob_quality.csv``, ``scores.parquet``, ``summary.json``, ``mse_vs_k.png`` and
        ``sparsity_vs_k.png`` (:func:`marketalign.experiments.figures.figure_outcome`).

    Raises
    ------
    InputError
        See :func:`compute`.
    """
    loaded = movielens_data(data_root(context.data))
    computed = compute(loaded, config, context.quiet)
    return figure_outcome("fig3", computed, title=TITLE, intro=f"Figure 3 on the {loaded.source} ...")


def compute(loaded: Loaded, config: Fig3Config = Fig3Config(), quiet: bool = True) -> Computed:
    """Build the Bobs for Alice and draw the curves (Figure 2 and the family screen reuse it).

    Parameters
    ----------
    loaded : Loaded
        The MovieLens data (:func:`marketalign.data.sources.movielens_data`).
    config : Fig3Config
        Alice's user id, the Bob family and the curve protocol.
    quiet : bool
        No progress bar.

    Returns
    -------
    Computed
        The curves, what they are about, the per-Bob quality and the scores.

    Raises
    ------
    InputError
        When the user is unknown, gives every movie the same rating, or has too few ratings for K_max.
    """
    (alice,) = community_scores(loaded.data, [config.user], config.family)
    if np.ptp(alice.ratings) == 0:
        raise InputError(f"user {alice.user} gives every movie {alice.ratings[0]} stars; there is nothing to fit.")
    k_max = config.curve.k_max or config.family.n_bobs
    need = min_ratings(k_max, config.curve.folds)
    if len(alice.ratings) < need:
        raise InputError(
            f"user {alice.user} has {len(alice.ratings)} ratings; curves up to K = {k_max} with "
            f"{config.curve.folds} folds need at least {need} (more training rows than Bobs). Pick a user with "
            "more ratings (e.g. 414) or lower K."
        )
    names = bob_names(config.family)
    result = market_curve(alice.scores, alice.ratings, config.curve, bob_names=names,
                          target_names=[f"user:{alice.user}"], quiet=quiet)
    about = {
        "figure": "3",
        "label": f"MovieLens user {alice.user} vs {len(names)} taste-community Bobs",
        "data": loaded.source,
        "alice": f"MovieLens user {alice.user}: her own ratings of the {len(alice.ratings)} movies she rated",
        "bobs": f"{len(names)} taste-community recommenders: the shrunk mean rating of the "
        f"{config.family.neighbours} users most similar to a random anchor user, with Alice's ratings left "
        "out of every community, anchor and prior; not language models",
        "family": asdict(config.family),
    }
    return Computed(result, about, bob_agreement(alice.scores, alice.ratings, names),
                    scores_table(alice.ratings, alice.scores, names))
