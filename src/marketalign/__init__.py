"""marketalign: market alignment of AI models with a human, on data and in games; aggregation on DAGs."""

from marketalign.errors import BoundViolation, InputError, MarketAlignError
from marketalign.hull.epsilon import EpsilonResult, epsilon_sup

__version__ = "0.1.0"

__all__ = [
    "BoundViolation",
    "EpsilonResult",
    "InputError",
    "MarketAlignError",
    "epsilon_sup",
]
