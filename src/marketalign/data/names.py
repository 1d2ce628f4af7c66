"""The names the loaders and the command line share: the table layout's columns (:mod:`marketalign.data.tables`),
the ETHICS subsets and splits, the missing-cell policies, the published LLM panels' folders. Free of imports, so
that the command line's help can show them without loading pandas."""

INSTANCE = "instance"
TEXT = "text"
TARGET = "alice"

ETHICS_PREFIXES = {
    "commonsense": "cm",
    "deontology": "deontology",
    "justice": "justice",
    "utilitarianism": "util",
    "virtue": "virtue",
}
"""ETHICS subset -> the prefix of its instance ids."""
ETHICS_SPLITS = ("train", "test", "test_hard", "ambig")

MISSING_POLICIES = ("error", "drop-items", "drop-judges", "fill-mean")
"""What a panel loader does with Bob cells missing for a human item (:mod:`marketalign.data.panels.missing`)."""
OUT_OF_RANGE_POLICIES = ("error", "missing")
"""What the qrels loader does with grades outside 0-3: refuse, or treat them as missing cells."""

PANEL_FOLDERS = {
    "tjuatja": "panels/tjuatja2024_biasmonkey",
    "meister": "panels/meister2024_opinionqa",
    "hwang": "panels/hwang2023_personalized",
}
"""A published LLM panel (``reproduce fig4-llm --source``) -> its release folder under the data root (docs/data.md)."""
