"""Defaults the figure commands show in their help, free of imports so that ``marketalign reproduce --help``
loads none of the experiments; each is also importable from the module that uses it."""

FIG1_BOBS = ("classifiers", "llm")
"""Figure 1's Bobs: trained classifiers (the default) or a language model's prompt Bobs from a score matrix."""

DEFAULT_USER = 414
"""Figure 3's Alice: a MovieLens user id."""

FIG3_BOBS = ("communities", "llm")
"""Figure 3's Bobs: taste-community recommenders (the default) or a language model's taste-community persona
Bobs from a score matrix."""

DEFAULT_PANELS = ("W27", "W29", "W32", "W34")
"""Figure 4's survey waves."""

HUMANS_PER_TASK = 25
"""Users per chunk of ``reproduce many-humans``: enough for the curve engine to batch across them, few enough that a
lost worker or a kill costs little and two workers share the load evenly (benchmarks/bench_figures.py)."""

FIG4_LLM_SOURCE = "hwang"
"""The default market of ``reproduce fig4-llm``."""

FIG4_LLM_MISSING = "drop-items"
"""The default missing-cell policy of ``reproduce fig4-llm`` (one of ``data.names.MISSING_POLICIES``)."""

COVERAGE_SOURCES = ("meister", "tjuatja")
"""Markets whose rows are a question's options, as ``reproduce coverage`` needs."""

COVERAGE_SAMPLES = 1000
"""Sampled removals per k of ``reproduce coverage`` beyond the exact limit."""

COVERAGE_ROBUST = (1, 5)
"""k values of the k-robust coverage of ``reproduce coverage``."""

FIG4_HUMANS = 50
"""Figure 4: sampled groups per panel (at most)."""

FIG4_MODELS = 8
"""Figure 4: models (other groups) per human."""

MANY_HUMANS_K = (12, 100)
"""``reproduce many-humans``: the K_max values."""

MANY_HUMANS_ORDERINGS = 20
"""``reproduce many-humans``: random orderings of the Bobs."""

MANY_HUMANS_MIN_RATINGS = 1
"""``reproduce many-humans``: users with fewer ratings are left out."""

FAMILIES_ORDERINGS = 20
"""``reproduce families``: random orderings of the Bobs per curve."""
