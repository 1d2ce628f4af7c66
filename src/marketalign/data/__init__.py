"""Loaders for Alice's data (MovieLens, ETHICS, survey panels, any user table) and the embedded defaults.

Every loader ends in the shared table layout of :mod:`marketalign.data.tables`: one row per instance, an
``instance`` id, an optional ``text``, Alice's utility in a target column and numeric Bob columns.
"""

from marketalign._lazy import attach

_PUBLIC = {
    "Ethics": "marketalign.data.ethics",
    "MovieLens": "marketalign.data.movielens",
    "SurveyPanel": "marketalign.data.surveys",
    "bob_columns": "marketalign.data.tables",
    "embedded_provenance": "marketalign.data.embedded",
    "list_panels": "marketalign.data.surveys",
    "load_embedded_ethics": "marketalign.data.embedded",
    "load_embedded_movielens": "marketalign.data.embedded",
    "load_ethics": "marketalign.data.ethics",
    "load_movielens": "marketalign.data.movielens",
    "load_panel": "marketalign.data.surveys",
    "load_responses": "marketalign.data.surveys",
    "read_table": "marketalign.data.tables",
    "validate_table": "marketalign.data.tables",
    "write_layout_table": "marketalign.data.tables",
}

__getattr__, __dir__ = attach(__name__, _PUBLIC)

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
