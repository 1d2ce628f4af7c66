"""marketalign: market alignment of AI models with a human, on data and in games; aggregation on DAGs."""

from marketalign.data import (
    Ethics,
    MovieLens,
    SurveyPanel,
    list_panels,
    load_embedded_ethics,
    load_embedded_movielens,
    load_ethics,
    load_movielens,
    load_panel,
    load_responses,
    read_table,
    validate_table,
)
from marketalign.errors import BoundViolation, InputError, MarketAlignError
from marketalign.hull.epsilon import EpsilonResult, epsilon_sup

__version__ = "0.1.0"

__all__ = [
    "BoundViolation",
    "EpsilonResult",
    "Ethics",
    "InputError",
    "MarketAlignError",
    "MovieLens",
    "SurveyPanel",
    "epsilon_sup",
    "list_panels",
    "load_embedded_ethics",
    "load_embedded_movielens",
    "load_ethics",
    "load_movielens",
    "load_panel",
    "load_responses",
    "read_table",
    "validate_table",
]
