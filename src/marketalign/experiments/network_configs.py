"""The configurations of the network experiments (a)-(e) and of ``network train``, free of imports so that
``marketalign network ... --help`` shows their defaults without loading numpy, pandas, scikit-learn or
matplotlib. Each is also importable from its experiment module (``network_path.PathConfig``, ...)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from marketalign.errors import InputError
from marketalign.limits import check_size
from marketalign.network.sizes import network_bytes

DISTRIBUTIONS = ("random", "chain")
"""The data of experiment (a): random Gaussian linear models, or the chain-difference distribution."""

LEARNERS = ("linear", "greedy", "gbm", "forest")
"""The agents' learners of experiment (e) and ``network train``
(:func:`marketalign.experiments.network_general.make_learner`)."""


@dataclass(frozen=True)
class PathConfig:
    """Experiment (a), docs/theory.md §2.3: d features; windows M; paths of up to ``max_depth`` agents;
    ``instances`` draws per (distribution, M).

    "random" is a Gaussian linear model with unit feature scale, ‖w*‖₁ = ``weight_l1`` and noise ``noise``;
    "chain" is the chain-difference distribution (the same for every draw; only the feature split varies).
    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds.

    Attributes
    ----------
    n_features : int
        d, the features (20).
    windows : tuple of int
        Coverage windows M, each in 1..d (1, 2, 5, 10, 20).
    max_depth : int
        Agents on the longest path (400).
    instances : int
        Draws per (distribution, M) (10).
    distributions : tuple of str
        Among ``random`` and ``chain`` (both).
    weight_l1 : float
        ‖w*‖₁ of the random models (2.0).
    noise : float
        Standard deviation of the random models' label noise (0.5).
    correlation : float
        Shared factor structure mixed into the random models' features, in [0, 1) (0.3).
    seed : int
        Seeds every draw and feature split.

    Raises
    ------
    InputError
        When a size or window is out of range, a distribution unknown, or one path exceeds the memory limit.
    """

    n_features: int = 20
    windows: tuple[int, ...] = (1, 2, 5, 10, 20)
    max_depth: int = 400
    instances: int = 10
    distributions: tuple[str, ...] = DISTRIBUTIONS
    weight_l1: float = 2.0
    noise: float = 0.5
    correlation: float = 0.3
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_features < 1 or self.max_depth < 1 or self.instances < 1:
            raise InputError(
                "The number of features (--features), the longest path (--max-depth) and the draws per "
                f"(distribution, M) (--instances) must be at least 1; got {self.n_features}, {self.max_depth} "
                f"and {self.instances}."
            )
        if not self.windows or any(not 1 <= m <= self.n_features for m in self.windows):
            raise InputError(
                f"Every coverage window M (--windows) must lie in 1..d = {self.n_features} (the features); got "
                f"{self.windows}. With fewer features than the default windows, give --windows too, e.g. "
                f"--windows 1,{self.n_features}."
            )
        check_size(
            f"One covered path of {self.max_depth} agents on {self.n_features} features",
            network_bytes(self.max_depth, self.max_depth - 1, self.n_features, self.n_features + 1),
        )
        unknown = set(self.distributions) - set(DISTRIBUTIONS)
        if unknown or not self.distributions:
            raise InputError(
                f"distributions must be a non-empty subset of {DISTRIBUTIONS}; got {self.distributions}."
            )

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> PathConfig:
        """A run of seconds: d = 6, M in (1, 2, 6), paths of 40 agents, 2 draws."""
        return cls(n_features=6, windows=(1, 2, 6), max_depth=40, instances=2, seed=seed, **choices)


@dataclass(frozen=True)
class LowerBoundConfig:
    """Experiment (b), docs/theory.md §2.4: random DAGs, ``dags`` per (size, edge probability) on
    d = ``n_features``; the attaining ordering and hub-and-spokes for each d in ``hub_features``.

    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds.

    Attributes
    ----------
    n_features : int
        d of the random DAGs (10, at least 2).
    dag_sizes : tuple of int
        Agents per random DAG (10, 30, 100).
    edge_probs : tuple of float
        Edge probabilities of the random DAGs, in [0, 1] (0.05, 0.2, 0.5).
    dags : int
        Random DAGs per (size, probability) (20).
    hub_features : tuple of int
        The d of the attaining ordering and of hub-and-spokes, each at least 2 (3, 10, 50, 100).
    seed : int
        Seeds every random DAG and feature allocation.

    Raises
    ------
    InputError
        When a size or probability is out of range, or one network exceeds the memory limit.
    """

    n_features: int = 10
    dag_sizes: tuple[int, ...] = (10, 30, 100)
    edge_probs: tuple[float, ...] = (0.05, 0.2, 0.5)
    dags: int = 20
    hub_features: tuple[int, ...] = (3, 10, 50, 100)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.n_features < 2 or any(d < 2 for d in self.hub_features):
            raise InputError(
                f"d (--features) and every hub d (--hub-features) must be at least 2; got {self.n_features} and "
                f"{list(self.hub_features)}."
            )
        if self.dags < 1 or not self.dag_sizes or not self.edge_probs:
            raise InputError(
                f"The bound is checked on random DAGs: --dags must be at least 1 and --dag-sizes and --edge-probs "
                f"non-empty; got {self.dags} DAGs, sizes {list(self.dag_sizes)}, probabilities "
                f"{list(self.edge_probs)}."
            )
        if any(not 0 <= p <= 1 for p in self.edge_probs) or any(n < 1 for n in self.dag_sizes):
            raise InputError(
                f"Edge probabilities must lie in [0, 1] and DAG sizes be positive; got {list(self.edge_probs)} "
                f"and {list(self.dag_sizes)}."
            )
        n, p = max(self.dag_sizes), max(self.edge_probs)
        check_size(
            f"One random DAG of {n} agents with edge probability {p:g}",
            network_bytes(n, math.ceil(p * n * (n - 1) / 2), self.n_features, n + 1),
        )
        d = max(self.hub_features)
        check_size(f"The attaining ordering on d = {d} features", network_bytes(d + 1, d * d // 2, d, d + 1))

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> LowerBoundConfig:
        """A run of seconds: 3 random DAGs per (size in 10, 20; probability in 0.2, 0.5) on d = 5."""
        return cls(n_features=5, dag_sizes=(10, 20), edge_probs=(0.2, 0.5), dags=3, hub_features=(3, 10), seed=seed,
                   **choices)


@dataclass(frozen=True)
class CyclicConfig:
    """Experiment (c), docs/theory.md §2.5: numbers of features d to run, and the number of passes over the
    features along the path.

    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds.

    Attributes
    ----------
    n_features : tuple of int
        The d to run, each a path that cycles through x₁..x_d (5, 10, 20).
    passes : int
        Passes over the features along the path (60).
    seed : int
        Recorded only: the experiment is deterministic.

    Raises
    ------
    InputError
        When a d is not positive or there is no pass.
    """

    n_features: tuple[int, ...] = (5, 10, 20)
    passes: int = 60
    seed: int = 0  # the experiment is deterministic; the seed is recorded for uniformity

    def __post_init__(self) -> None:
        if not self.n_features or any(d < 1 for d in self.n_features) or self.passes < 1:
            raise InputError("n_features must be positive integers and passes at least 1.")

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> CyclicConfig:
        """A run of seconds: d = 10 for 20 passes (the fixtures up to p = 20)."""
        return cls(n_features=(10,), passes=20, seed=seed, **choices)


@dataclass(frozen=True)
class RealConfig:
    """Experiment (d), docs/theory.md §2.2: the data (a bundled set, or ``table`` + ``target``), the split
    protocol, and the topology grid.

    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds on the same data.

    Attributes
    ----------
    dataset : str
        The bundled data set used without ``table`` (``diabetes``, scikit-learn's).
    table : str or None
        A data table to use instead.
    target : str or None
        Its label column (given with ``table``).
    test_fraction : float
        Held-out share of each split, in (0, 1) (0.3).
    splits : int
        Random train/test splits (20).
    widths, depths : tuple of int
        The grid of layered DAGs: agents per layer (1, 2, 4, 8) and layers (1, 2, 3, 4, 6, 8, 12, 16).
    edge_prob : float
        Probability of each edge from the previous layer (0.5; every agent keeps at least one).
    features_per_agent : int
        Random features each agent sees (1).
    ridge : float
        Ridge penalty on the mean squared error of the linear agents (0: OLS).
    seed : int
        Seeds the splits, the DAGs and the feature allocations.

    Raises
    ------
    InputError
        When the split or the grid is empty or out of range, or only one of ``table`` and ``target`` is given.
    """

    dataset: str = "diabetes"
    table: str | None = None
    target: str | None = None
    test_fraction: float = 0.3
    splits: int = 20
    widths: tuple[int, ...] = (1, 2, 4, 8)
    depths: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16)
    edge_prob: float = 0.5
    features_per_agent: int = 1
    ridge: float = 0.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.test_fraction < 1:
            raise InputError(f"test_fraction must lie in (0, 1); got {self.test_fraction}.")
        if self.splits < 1 or not self.widths or not self.depths:
            raise InputError("splits must be >= 1 and widths/depths non-empty.")
        if (self.table is None) != (self.target is None):
            raise InputError("Give both a data table and its target column, or neither (bundled data).")

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> RealConfig:
        """A run of seconds: 3 splits, widths 1 and 4, depths 1, 3 and 8."""
        return cls(splits=3, widths=(1, 4), depths=(1, 3, 8), seed=seed, **choices)


@dataclass(frozen=True)
class GeneralConfig:
    """Experiment (e), docs/theory.md §2.6: data size and noise, the learners, the path length and features per
    agent, and repetitions.

    The defaults are the full-scale experiment; :meth:`quick` is a run of seconds.

    Attributes
    ----------
    n_features : int
        d of the Friedman #1 data (10, at least 5).
    train_rows, test_rows : int
        Rows per draw (2000 for training, at least 10; 5000 held out).
    noise : float
        Label noise standard deviation (1.0; the Bayes MSE is its square).
    learners : tuple of str
        Among ``linear``, ``greedy``, ``gbm`` and ``forest`` (the first three).
    max_depth : int
        Agents on the path (20).
    per_agent : int
        Features each agent sees, cycling through the d (2).
    instances : int
        Data draws (3).
    crossfit : int
        Folds of out-of-fold parent predictions (0 or 1: none).
    seed : int
        Seeds every data draw, path start and crossfit fold.

    Raises
    ------
    InputError
        When a learner is unknown or a size out of range.
    """

    n_features: int = 10
    train_rows: int = 2000
    test_rows: int = 5000
    noise: float = 1.0
    learners: tuple[str, ...] = ("linear", "greedy", "gbm")
    max_depth: int = 20
    per_agent: int = 2
    instances: int = 3
    crossfit: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.learners) - set(LEARNERS)
        if unknown or not self.learners:
            raise InputError(f"learners must be a non-empty subset of {LEARNERS}; got {self.learners}.")
        if self.n_features < 5 or not 1 <= self.per_agent <= self.n_features:
            raise InputError("Friedman #1 needs n_features >= 5, and per_agent must lie in 1..n_features.")
        if self.max_depth < 1 or self.instances < 1 or self.train_rows < 10 or self.test_rows < 1:
            raise InputError("max_depth and instances must be >= 1, train_rows >= 10 and test_rows >= 1.")

    @classmethod
    def quick(cls, seed: int = 0, **choices: Any) -> GeneralConfig:
        """A run of seconds: 300 training rows, 600 test rows, paths of 6 agents, one draw."""
        return cls(train_rows=300, test_rows=600, max_depth=6, instances=1, seed=seed, **choices)


@dataclass(frozen=True)
class TrainConfig:
    """``network train``: the network JSON, the data (a table + target, or a bundled set), the learner and the
    split.

    Attributes
    ----------
    network : str
        Path of the network's JSON description (:func:`marketalign.network.spec.read_network_spec`).
    table : str or None
        A data table; None = the bundled ``dataset``.
    target : str or None
        The table's label column (given with ``table``).
    dataset : str
        The bundled data set used without ``table`` (``diabetes``).
    learner : str
        The agents' learner: ``linear``, ``greedy``, ``gbm`` or ``forest``.
    test_fraction : float
        Held-out share of the rows, in [0, 1) (0.3; 0 holds out nothing).
    crossfit : int
        Folds of out-of-fold parent predictions (0 or 1: none).
    seed : int
        Seeds the split and the crossfit folds.

    Raises
    ------
    InputError
        When the learner is unknown, the held-out share out of [0, 1), or only one of ``table`` and ``target``
        is given.
    """

    network: str
    table: str | None = None
    target: str | None = None
    dataset: str = "diabetes"
    learner: str = "linear"
    test_fraction: float = 0.3
    crossfit: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.learner not in LEARNERS:
            raise InputError(f"Unknown learner {self.learner!r}; choose from {LEARNERS}.")
        if not 0 <= self.test_fraction < 1:
            raise InputError(f"test_fraction must lie in [0, 1); got {self.test_fraction}.")
        if (self.table is None) != (self.target is None):
            raise InputError("Give both a data table and its target column, or neither (bundled data).")
