"""marketalign: market alignment of AI models with a human, on data and in games; aggregation on DAGs."""

from marketalign.bobs.cache import ScoreCache
from marketalign.bobs.classifiers import ClassifierBobs, classifier_scores
from marketalign.bobs.communities import CommunityBobs, community_scores
from marketalign.bobs.config import load_config as load_bob_config
from marketalign.bobs.groups import group_markets
from marketalign.bobs.prompts import PromptFamily
from marketalign.bobs.runner import generate_bobs
from marketalign.bobs.scale import RatingScale
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
from marketalign.games.checks import check_conversation_game, check_quantal_game, check_selection_game
from marketalign.games.model import ConversationGame, SelectionGame, load_game, save_game
from marketalign.hull.by_human import curves_by_human
from marketalign.hull.coverage import CoverageResult, item_coverage
from marketalign.hull.curves import CurveConfig, CurveResult, market_curve, market_curves
from marketalign.hull.epsilon import EpsilonResult, epsilon_sup
from marketalign.hull.estimators import MarketAlignmentRegressor
from marketalign.hull.fit import FitReport, fit_with_cv
from marketalign.hull.solvers import kkt_violation, solve_gram, solve_paths
from marketalign.network import (
    AggregationResult,
    GreedyResidualRegressor,
    LinearLearner,
    Network,
    aggregate_population,
    aggregate_sample,
    build_network,
)
from marketalign.parallel import ExecutionConfig, chunk_mapper, iter_chunks, run_chunks
from marketalign.report.html import Report, build_report, write_report

__version__ = "0.1.0"

__all__ = [
    "AggregationResult",
    "BoundViolation",
    "ClassifierBobs",
    "CommunityBobs",
    "ConversationGame",
    "CoverageResult",
    "CurveConfig",
    "CurveResult",
    "EpsilonResult",
    "Ethics",
    "ExecutionConfig",
    "FitReport",
    "GreedyResidualRegressor",
    "InputError",
    "LinearLearner",
    "MarketAlignError",
    "MarketAlignmentRegressor",
    "MovieLens",
    "Network",
    "PromptFamily",
    "RatingScale",
    "Report",
    "ScoreCache",
    "SelectionGame",
    "SurveyPanel",
    "SyntheticBobs",
    "aggregate_population",
    "aggregate_sample",
    "build_network",
    "build_report",
    "check_conversation_game",
    "check_quantal_game",
    "check_selection_game",
    "chunk_mapper",
    "classifier_scores",
    "community_scores",
    "curves_by_human",
    "epsilon_sup",
    "fit_with_cv",
    "generate_bobs",
    "item_coverage",
    "group_markets",
    "iter_chunks",
    "kkt_violation",
    "list_panels",
    "load_bob_config",
    "load_embedded_ethics",
    "load_embedded_movielens",
    "load_ethics",
    "load_game",
    "load_movielens",
    "load_panel",
    "load_responses",
    "market_curve",
    "market_curves",
    "read_table",
    "run_chunks",
    "save_game",
    "solve_gram",
    "solve_paths",
    "synthetic_bobs",
    "validate_table",
    "write_report",
]
