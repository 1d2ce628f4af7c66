"""The names of the weight constraints, free of imports so that the command line's help can list them without
loading SciPy or scikit-learn."""

FIT_CONSTRAINTS: tuple[str, ...] = ("simplex", "nonneg", "single", "single_scaled", "average")
"""Constraints of :class:`marketalign.hull.estimators.MarketAlignmentRegressor` and ``fit_with_cv``."""

WEIGHT_KINDS: tuple[str, ...] = ("simplex", "nonneg")
"""Weights of the sup-norm ε (:func:`marketalign.hull.epsilon.epsilon_sup`): the convex hull or w >= 0."""

CURVE_ORDERINGS = 100
"""Random orderings of the Bobs per curve (:class:`marketalign.hull.curves.CurveConfig`, ``--orderings``)."""

CURVE_FOLDS = 5
"""Cross-validation folds of a curve or a fit (``CurveConfig.folds``, ``--folds``)."""

CURVE_SEED = 0
"""Seed of the folds and orderings (``CurveConfig.seed``, ``--seed``)."""
