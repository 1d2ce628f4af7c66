"""Defaults the figure commands show in their help, free of imports so that ``marketalign reproduce --help``
loads none of the experiments; each is also importable from the module that uses it."""

DATA_ENV = "MARKETALIGN_SHARED_DATA"
"""Environment variable naming the folder of the full data sets (``ethics/``, ``movielens/``, ``opinionqa/``)."""

EMBEDDED = "embedded"
"""``--data embedded``: the subsets shipped with the package, even where the full data sets are present."""

DEFAULT_USER = 414
"""Figure 3's Alice: a MovieLens user id."""

DEFAULT_PANELS = ("W27", "W29", "W32", "W34")
"""Figure 4's survey waves."""

HUMANS_PER_TASK = 25
"""Users per chunk of ``reproduce many-humans``: enough for the curve engine to batch across them, few enough that a
lost worker or a kill costs little and two workers share the load evenly (benchmarks/bench_figures.py)."""
