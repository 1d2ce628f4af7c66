"""Figure 3: alignment error (MSE) vs the number of Bobs K on movie ratings (MovieLens), ±1 std.

Alice = one MovieLens user's own ratings (default user 414, the most active user of ml-latest-small, who
wrote no tags). Two kinds of Bobs:

- ``communities``: :mod:`marketalign.bobs.communities` (shrunk mean ratings of taste communities, Alice
  excluded everywhere).
- ``llm``: a language model speaking for the first 16 of those communities (:mod:`marketalign.bobs.personas`:
  a persona naming the genres each community likes and dislikes most), asked to rate each movie from its title
  and genres, read from a score matrix that ``marketalign bobs generate`` produced (the embedded one: a seeded
  sample of user 414's movies); the matrix folder is ``--data`` as given, else the embedded one. The summary
  also gives the same 16 community Bobs on the same movies, so the two kinds compare on equal terms.

Protocol [SEED]: K up to 100 (all the Bobs there are), 100 orderings, 5-fold cross-validation, ±1 std.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

from marketalign.bobs.communities import CommunityBobs, bob_names, community_scores
from marketalign.bobs.personas import community_personas
from marketalign.bobs.quality import bob_agreement
from marketalign.data.llm_scores import LLMScores
from marketalign.data.location import data_root
from marketalign.data.sources import Loaded, llm_score_matrix, movielens_data
from marketalign.errors import InputError
from marketalign.experiments.defaults import DEFAULT_USER, FIG3_BOBS
from marketalign.experiments.figures import Computed, effect_at_kmax, figure_outcome, min_ratings, scores_table
from marketalign.experiments.protocol import Outcome, RunContext
from marketalign.hull.curves import CurveConfig, market_curve

TITLE = "Figure 3 (movie ratings): one MovieLens user vs taste-community Bobs"
LLM_TITLE = "Figure 3 (movie ratings): one MovieLens user vs taste-community persona Bobs of a language model"


@dataclass(frozen=True)
class Fig3Config:
    """Alice's user id, which Bobs (``communities`` or ``llm``), the community family and the curve protocol.

    Attributes
    ----------
    user : int
        Alice's MovieLens user id; default 414, the most active user of ml-latest-small (ours).
    family : CommunityBobs
        The taste-community Bobs (ours), Alice excluded; default 100 communities, prior = the community's mean.
        With ``bobs="llm"``, the first as many as the matrix has Bobs, on its movies, for comparison.
    curve : CurveConfig
        The curve protocol (docs/theory.md §1.3); default K up to every Bob, the paper's 100 orderings and 5 folds,
        seed 0, every method.
    bobs : {"communities", "llm"}
        The Bobs (module docstring).

    Raises
    ------
    InputError
        When ``bobs`` is not one of :data:`~marketalign.experiments.defaults.FIG3_BOBS`.
    """

    user: int = DEFAULT_USER
    family: CommunityBobs = field(default_factory=lambda: CommunityBobs(prior="community"))
    curve: CurveConfig = field(default_factory=CurveConfig)
    bobs: str = FIG3_BOBS[0]

    def __post_init__(self) -> None:
        if self.bobs not in FIG3_BOBS:
            raise InputError(f"unknown Bobs {self.bobs!r} for Figure 3; choose one of {', '.join(FIG3_BOBS)}.")


def configure(*, bobs: str, user: int, orderings: int, seed: int) -> Fig3Config:
    """The config of ``marketalign reproduce fig3``: which Bobs, Alice's user id, and the seed of the Bobs,
    folds and orderings."""
    return Fig3Config(user=user, family=replace(Fig3Config().family, seed=seed),
                      curve=CurveConfig(orderings=orderings, seed=seed), bobs=bobs)


def run(config: Fig3Config, context: RunContext) -> Outcome:
    """Figure 3 on the MovieLens release of ``context.data`` (``llm``: the score matrix folder ``context.data``
    and the embedded MovieLens); computes the curves and writes nothing.

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
        See :func:`compute` and :func:`compute_llm`.
    """
    if config.bobs == "llm":
        matrix = llm_score_matrix(context.data, "movielens_llm")
        computed, communities = compute_llm(matrix, movielens_data(None), config, context.quiet)
        at_kmax = effect_at_kmax(communities.result.table, communities.result.config.k_max)
        behind = communities.about["are_the_personas_communities"]
        which = "the communities behind the personas" if behind else "not the communities of the personas"
        line = (f"the first {len(matrix.bobs)} community Bobs (seed {config.family.seed}; {which}), on the same "
                f"movies: NNLS {at_kmax['nnls_vs_single_pct']:+.1f} % vs the best single, "
                f"{at_kmax['nnls_vs_average_pct']:+.1f} % vs the average")
        computed = replace(computed, about={**computed.about, "communities_on_the_same_movies": {
            **communities.about, "at_kmax": at_kmax, "bob_quality": communities.quality.to_dict(orient="records")}})
        intro = f"Figure 3 on {matrix.provenance['model']['name']}'s scores: {matrix.source} ..."
        return figure_outcome("fig3", computed, title=LLM_TITLE, intro=intro, notes=[line])
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


def compute_llm(matrix: LLMScores, loaded: Loaded, config: Fig3Config = Fig3Config(bobs="llm"),
                quiet: bool = True) -> tuple[Computed, Computed]:
    """Draw the curves of a language model's persona Bobs from their score matrix (no model is run), and those
    of as many community Bobs on the same movies.

    Parameters
    ----------
    matrix : LLMScores
        Instances ``movie:<id>``, ``alice`` = the user's rating, one column per persona Bob.
    loaded : Loaded
        The MovieLens release the matrix's movies and ratings come from.
    config : Fig3Config
        Alice's user id, the community family (its first ``len(matrix.bobs)`` Bobs) and the curve protocol.
    quiet : bool
        No progress bar.

    Returns
    -------
    (Computed, Computed)
        The persona Bobs' curves, then the community Bobs' on the same movies (its ``about`` says whether they
        are the communities the matrix's personas describe, :func:`marketalign.bobs.personas.community_personas`).

    Raises
    ------
    InputError
        When an instance is not a movie the user rated or its ``alice`` is not her rating of it.
    """
    family = replace(config.family, n_bobs=len(matrix.bobs))
    (alice,) = community_scores(loaded.data, [config.user], family)
    movies = _movie_ids(matrix)
    rows = np.searchsorted(alice.movies, movies)
    target = matrix.table["alice"].to_numpy(dtype=float)
    if not np.isin(movies, alice.movies).all() or not np.array_equal(alice.ratings[rows], target):
        raise InputError(f"{matrix.source}: its alice column is not user {config.user}'s ratings of its movies "
                         f"({loaded.source}); pass --user with the user the matrix was made for.")
    scores = matrix.table[matrix.bobs].to_numpy(dtype=float)
    names = bob_names(family)
    curves = [market_curve(s, target, config.curve, bob_names=n, target_names=[f"user:{alice.user}"], quiet=quiet)
              for s, n in ((scores, matrix.bobs), (alice.scores[rows], names))]
    provenance, model = matrix.provenance, matrix.provenance["model"]
    about = {
        "figure": "3",
        "label": f"MovieLens user {alice.user} vs {len(matrix.bobs)} persona Bobs of {model['name']}",
        "data": matrix.source,
        "alice": f"MovieLens user {alice.user}: her own ratings of {len(target)} of her movies (sample "
        f"{provenance['data']['sha256'][:12]})",
        "bobs": f"{len(matrix.bobs)} taste-community personas (the genres a community likes and dislikes most) "
        f"asked to rate each movie 1-5 from its title and genres, scored by the expected rating under "
        f"{model['name']}'s probabilities of the five digits; nobody's ratings are in a prompt",
        **matrix.generation(),
    }
    llm = Computed(curves[0], about, bob_agreement(scores, target, matrix.bobs),
                   scores_table(target, scores, matrix.bobs))
    personas = {bob.get("persona") for bob in provenance["bobs"]}
    same = personas == set(community_personas(loaded.data, config.user, family))
    community = Computed(curves[1], {"family": asdict(family), "are_the_personas_communities": same},
                         bob_agreement(alice.scores[rows], target, names),
                         scores_table(target, alice.scores[rows], names))
    return llm, community


def _movie_ids(matrix: LLMScores) -> np.ndarray:
    instances = matrix.table["instance"].astype(str)
    if not instances.str.fullmatch(r"movie:\d+").all():
        raise InputError(f"{matrix.source}: instances must be movie:<id> (marketalign data movielens --user).")
    return instances.str.removeprefix("movie:").astype(np.int64).to_numpy()
