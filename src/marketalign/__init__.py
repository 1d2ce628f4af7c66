"""marketalign: market alignment of AI models with a human, on data and in games; aggregation on DAGs."""

from marketalign.errors import BoundViolation, InputError, MarketAlignError
from marketalign.games.checks import check_conversation_game, check_quantal_game, check_selection_game
from marketalign.games.model import ConversationGame, SelectionGame, load_game, save_game
from marketalign.hull.epsilon import EpsilonResult, epsilon_sup

__version__ = "0.1.0"

__all__ = [
    "BoundViolation",
    "ConversationGame",
    "EpsilonResult",
    "InputError",
    "MarketAlignError",
    "SelectionGame",
    "check_conversation_game",
    "check_quantal_game",
    "check_selection_game",
    "epsilon_sup",
    "load_game",
    "save_game",
]
