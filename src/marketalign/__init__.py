"""marketalign: market alignment of AI models with a human, on data and in games; aggregation on DAGs."""

from marketalign.errors import BoundViolation, InputError, MarketAlignError
from marketalign.hull.epsilon import EpsilonResult, epsilon_sup
from marketalign.network import (
    AggregationResult,
    GreedyResidualRegressor,
    LinearLearner,
    Network,
    aggregate_population,
    aggregate_sample,
    build_network,
)

__version__ = "0.1.0"

__all__ = [
    "AggregationResult",
    "BoundViolation",
    "EpsilonResult",
    "GreedyResidualRegressor",
    "InputError",
    "LinearLearner",
    "MarketAlignError",
    "Network",
    "aggregate_population",
    "aggregate_sample",
    "build_network",
    "epsilon_sup",
]
