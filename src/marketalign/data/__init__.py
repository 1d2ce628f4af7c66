"""Loaders for Alice's data (MovieLens, ETHICS, survey panels, any user table) and the embedded defaults.

Every loader ends in the shared table layout of :mod:`marketalign.data.tables`: one row per instance, an
``instance`` id, an optional ``text``, Alice's utility in a target column and numeric Bob columns.
"""

from marketalign._lazy import attach

_PUBLIC = {
    "Ethics": "marketalign.data.ethics",
    "Loaded": "marketalign.data.sources",
    "MovieLens": "marketalign.data.movielens",
    "SurveyPanel": "marketalign.data.surveys",
    "bob_columns": "marketalign.data.tables",
    "embedded_provenance": "marketalign.data.embedded",
    "ethics_data": "marketalign.data.sources",
    "list_panels": "marketalign.data.surveys",
    "llm_score_matrix": "marketalign.data.sources",
    "llmbar_data": "marketalign.data.sources",
    "llmjudge_folder": "marketalign.data.sources",
    "load_embedded_ethics": "marketalign.data.embedded",
    "load_embedded_movielens": "marketalign.data.embedded",
    "load_ethics": "marketalign.data.ethics",
    "load_market": "marketalign.data.sources",
    "load_movielens": "marketalign.data.movielens",
    "load_panel": "marketalign.data.surveys",
    "load_responses": "marketalign.data.surveys",
    "movielens_data": "marketalign.data.sources",
    "opinionqa_folder": "marketalign.data.sources",
    "panel_folder": "marketalign.data.sources",
    "read_table": "marketalign.data.tables",
    "validate_table": "marketalign.data.tables",
    "write_layout_table": "marketalign.data.tables",
}

__getattr__, __dir__ = attach(__name__, _PUBLIC)

__all__ = [
    "Ethics",
    "Loaded",
    "MovieLens",
    "SurveyPanel",
    "bob_columns",
    "embedded_provenance",
    "ethics_data",
    "list_panels",
    "llm_score_matrix",
    "llmbar_data",
    "llmjudge_folder",
    "load_embedded_ethics",
    "load_embedded_movielens",
    "load_ethics",
    "load_market",
    "load_movielens",
    "load_panel",
    "load_responses",
    "movielens_data",
    "opinionqa_folder",
    "panel_folder",
    "read_table",
    "validate_table",
    "write_layout_table",
]
