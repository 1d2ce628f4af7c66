"""Train a network in population mode (exact, from moments) or in sample mode (train rows, held-out rows).

Linear learners run on sufficient statistics in both modes: population moments, or the moments of the
training rows read once. Any other scikit-learn regressor runs on the rows (:mod:`.general`).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from marketalign.errors import InputError
from marketalign.network.general import fit_agents_on_rows
from marketalign.network.linear import (
    LinearLearner,
    check_dimensions,
    fit_all_features,
    fit_linear_agents,
    prediction_mse,
)
from marketalign.network.moments import Moments, moments_from_rows, validate_rows
from marketalign.network.network import Network
from marketalign.network.results import AggregationResult
from marketalign.network.threads import single_blas_thread


@single_blas_thread
def aggregate_population(
    network: Network, moments: Moments, learner: LinearLearner | None = None
) -> AggregationResult:
    """Exact population errors of every linear agent and of the all-features benchmark (cost independent of
    any sample size).

    Parameters
    ----------
    network : Network
        The DAG with its feature allocation (docs/theory.md §2.1).
    moments : Moments
        The first and second moments of (1, x, y).
    learner : LinearLearner, optional
        The linear learner (default: ``LinearLearner()``).

    Returns
    -------
    AggregationResult
        Per-agent errors and the all-features benchmark.

    Raises
    ------
    InputError
        Moments that do not match the network's features, or a non-linear ``learner``.
    SolverError
        A least-squares solve failed.
    """
    learner = LinearLearner() if learner is None else learner
    if not isinstance(learner, LinearLearner):
        raise InputError(
            "Population mode needs a LinearLearner (it works from the covariance alone); run other learners "
            "in sample mode with aggregate_sample."
        )
    coef = fit_linear_agents(network, moments, learner)
    benchmark = prediction_mse(fit_all_features(moments, learner), moments)[0]
    return AggregationResult(
        network=network,
        mse=prediction_mse(coef, moments),
        benchmark_mse=float(benchmark),
        mode="population",
        coef=coef,
    )


@single_blas_thread
def aggregate_sample(
    network: Network,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    learner: LinearLearner | RegressorMixin | None = None,
    *,
    crossfit: int = 0,
    seed: int = 0,
) -> AggregationResult:
    """Train every agent on the training rows; report held-out errors when a test set is given.

    A :class:`LinearLearner` reads the rows once into moments and solves per agent on those; any other
    scikit-learn regressor is fitted on the rows (``crossfit`` >= 2 feeds children out-of-fold parent
    predictions during training, ``seed`` fixes the folds).

    Parameters
    ----------
    network : Network
        The DAG with its feature allocation (docs/theory.md §2.2).
    X_train, y_train : array_like, shapes (N, d) and (N,)
        The training rows.
    X_test, y_test : array_like, optional
        Held-out rows for the reported errors (default: the training rows).
    learner : LinearLearner or scikit-learn regressor, optional
        Every agent's learner (default: ``LinearLearner()``).
    crossfit : int
        Folds of out-of-fold parent predictions (0 or 1: none).
    seed : int
        Seed of those folds.

    Returns
    -------
    AggregationResult
        Per-agent errors and the all-features benchmark.

    Raises
    ------
    InputError
        Shapes that do not match the network, non-finite values, or a bad ``crossfit``.
    SolverError
        A least-squares solve failed.
    """
    learner = LinearLearner() if learner is None else learner
    X_train, y_train = validate_rows(X_train, y_train, "training data")
    has_test = X_test is not None or y_test is not None
    if has_test:
        if X_test is None or y_test is None:
            raise InputError("Give both X_test and y_test, or neither.")
        X_test, y_test = validate_rows(X_test, y_test, "test data")
        if X_test.shape[1] != X_train.shape[1]:
            raise InputError(
                f"The test data has {X_test.shape[1]} features but the training data has {X_train.shape[1]}."
            )
    if isinstance(learner, LinearLearner):
        return _sample_linear(network, X_train, y_train, X_test, y_test, learner)
    if X_train.shape[1] != network.n_features:
        raise InputError(
            f"The network has {network.n_features} features but the data has {X_train.shape[1]}; "
            "build the network with n_features equal to the number of data columns."
        )
    fit = fit_agents_on_rows(network, X_train, y_train, X_test, y_test, learner, crossfit=crossfit, seed=seed)
    return AggregationResult(
        network=network,
        mse=fit.test_mse if has_test else fit.train_mse,
        benchmark_mse=fit.benchmark_test_mse if has_test else fit.benchmark_train_mse,
        mode="sample",
        train_mse=fit.train_mse,
        benchmark_train_mse=fit.benchmark_train_mse,
    )


def _sample_linear(
    network: Network,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray | None,
    y_test: np.ndarray | None,
    learner: LinearLearner,
) -> AggregationResult:
    train = moments_from_rows(X_train, y_train)
    check_dimensions(network, train)
    parameters = network.n_features + int(learner.intercept)
    if learner.ridge == 0 and train.n_rows <= parameters:
        raise InputError(
            f"Singular design: {train.n_rows} training rows cannot identify least squares on {parameters} "
            "parameters (all features plus intercept). Add rows, drop features, or use ridge > 0."
        )
    coef = fit_linear_agents(network, train, learner)
    benchmark = fit_all_features(train, learner)
    train_mse = prediction_mse(coef, train)
    benchmark_train = float(prediction_mse(benchmark, train)[0])
    if X_test is None:
        mse, benchmark_mse = train_mse, benchmark_train
    else:
        test = moments_from_rows(X_test, y_test)
        mse, benchmark_mse = prediction_mse(coef, test), float(prediction_mse(benchmark, test)[0])
    return AggregationResult(
        network=network,
        mse=mse,
        benchmark_mse=benchmark_mse,
        mode="sample",
        train_mse=train_mse,
        benchmark_train_mse=benchmark_train,
        coef=coef,
    )
