"""Networked information aggregation (the second paper): agents on a DAG, each seeing a subset of the
features and its parents' predictions, trained in topological order; population and sample modes."""

from marketalign.network import allocations, graphs
from marketalign.network.allocations import coverage_window
from marketalign.network.distributions import (
    LinearGaussianModel,
    chain_difference,
    friedman_sample,
    random_linear_gaussian,
)
from marketalign.network.greedy import GreedyResidualRegressor
from marketalign.network.instances import cyclic_coverage_path, hub_and_spokes_network, lower_bound_ordering
from marketalign.network.linear import LinearLearner
from marketalign.network.modes import aggregate_population, aggregate_sample
from marketalign.network.moments import Moments, moments_from_covariance, moments_from_rows
from marketalign.network.network import Network, build_network
from marketalign.network.results import AggregationResult

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
