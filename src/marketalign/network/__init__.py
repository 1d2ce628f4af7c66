"""Networked information aggregation (the second paper): agents on a DAG, each seeing a subset of the
features and its parents' predictions, trained in topological order; population and sample modes."""

from marketalign._lazy import attach

_PUBLIC = {
    "AggregationResult": "marketalign.network.results",
    "GreedyResidualRegressor": "marketalign.network.greedy",
    "LinearGaussianModel": "marketalign.network.distributions",
    "LinearLearner": "marketalign.network.linear",
    "Moments": "marketalign.network.moments",
    "Network": "marketalign.network.network",
    "aggregate_population": "marketalign.network.modes",
    "aggregate_sample": "marketalign.network.modes",
    "build_network": "marketalign.network.network",
    "chain_difference": "marketalign.network.distributions",
    "coverage_window": "marketalign.network.allocations",
    "cyclic_coverage_path": "marketalign.network.instances",
    "friedman_sample": "marketalign.network.distributions",
    "hub_and_spokes_network": "marketalign.network.instances",
    "lower_bound_ordering": "marketalign.network.instances",
    "moments_from_covariance": "marketalign.network.moments",
    "moments_from_rows": "marketalign.network.moments",
    "random_linear_gaussian": "marketalign.network.distributions",
}

__getattr__, __dir__ = attach(__name__, _PUBLIC, ("allocations", "graphs"))

__all__ = [
    "AggregationResult",
    "GreedyResidualRegressor",
    "LinearGaussianModel",
    "LinearLearner",
    "Moments",
    "Network",
    "aggregate_population",
    "aggregate_sample",
    "allocations",
    "build_network",
    "chain_difference",
    "coverage_window",
    "cyclic_coverage_path",
    "friedman_sample",
    "graphs",
    "hub_and_spokes_network",
    "lower_bound_ordering",
    "moments_from_covariance",
    "moments_from_rows",
    "random_linear_gaussian",
]
