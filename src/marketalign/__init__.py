"""marketalign: market alignment of AI models with a human, on data and in games; aggregation on DAGs."""

from marketalign.bobs.classifiers import ClassifierBobs, classifier_scores
from marketalign.bobs.communities import CommunityBobs, community_scores
from marketalign.bobs.groups import group_markets
from marketalign.bobs.synthetic import SyntheticBobs, synthetic_bobs
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
from marketalign.hull.curves import CurveConfig, CurveResult, market_curve, market_curves
from marketalign.hull.epsilon import EpsilonResult, epsilon_sup
from marketalign.hull.estimators import MarketAlignmentRegressor
from marketalign.hull.fit import FitReport, fit_with_cv
from marketalign.hull.solvers import kkt_violation, solve_gram, solve_paths

__version__ = "0.1.0"

__all__ = [
    "BoundViolation",
    "ClassifierBobs",
    "CommunityBobs",
    "CurveConfig",
    "CurveResult",
    "EpsilonResult",
    "FitReport",
    "MarketAlignmentRegressor",
    "SyntheticBobs",
    "Ethics",
    "InputError",
    "MarketAlignError",
    "MovieLens",
    "SurveyPanel",
    "classifier_scores",
    "community_scores",
    "epsilon_sup",
    "fit_with_cv",
    "group_markets",
    "kkt_violation",
    "list_panels",
    "load_embedded_ethics",
    "load_embedded_movielens",
    "load_ethics",
    "load_movielens",
    "load_panel",
    "load_responses",
    "market_curve",
    "market_curves",
    "read_table",
    "solve_gram",
    "solve_paths",
    "synthetic_bobs",
    "validate_table",
]
