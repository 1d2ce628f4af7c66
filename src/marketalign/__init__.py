"""marketalign: market alignment of AI models with a human, on data and in games; aggregation on DAGs."""

from marketalign.bobs.cache import ScoreCache
from marketalign.bobs.config import load_config as load_bob_config
from marketalign.bobs.prompts import PromptFamily
from marketalign.bobs.runner import generate_bobs
from marketalign.bobs.scale import RatingScale
from marketalign.errors import BoundViolation, InputError, MarketAlignError
from marketalign.hull.epsilon import EpsilonResult, epsilon_sup

__version__ = "0.1.0"

__all__ = [
    "BoundViolation",
    "EpsilonResult",
    "InputError",
    "MarketAlignError",
    "PromptFamily",
    "RatingScale",
    "ScoreCache",
    "epsilon_sup",
    "generate_bobs",
    "load_bob_config",
]
