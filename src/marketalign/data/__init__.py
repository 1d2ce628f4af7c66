"""Loaders for Alice's data (MovieLens, ETHICS, survey panels, any user table) and the embedded defaults.

Every loader ends in the shared table layout of :mod:`marketalign.data.tables`: one row per instance, an
``instance`` id, an optional ``text``, Alice's utility in a target column and numeric Bob columns.
"""

from marketalign.data.embedded import embedded_provenance, load_embedded_ethics, load_embedded_movielens
from marketalign.data.ethics import Ethics, load_ethics
from marketalign.data.movielens import MovieLens, load_movielens
from marketalign.data.surveys import SurveyPanel, list_panels, load_panel, load_responses
from marketalign.data.tables import bob_columns, read_table, validate_table, write_layout_table

__all__ = [
    "Ethics",
    "MovieLens",
    "SurveyPanel",
    "bob_columns",
    "embedded_provenance",
    "list_panels",
    "load_embedded_ethics",
    "load_embedded_movielens",
    "load_ethics",
    "load_movielens",
    "load_panel",
    "load_responses",
    "read_table",
    "validate_table",
    "write_layout_table",
]
