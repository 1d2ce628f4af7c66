"""Sample mode for any scikit-learn regressor: agents fitted on the rows, in topological order.

An agent's inputs are its own feature columns followed by its parents' predictions. Predictions are kept only
until the last child that needs them has been trained, so memory follows the DAG's width, not its size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import KFold

from marketalign.errors import InputError
from marketalign.network.network import Network


@dataclass(frozen=True)
class RowFit:
    """Per-agent training MSE (out-of-fold when cross-fitted) and held-out MSE, with the benchmark's."""

    train_mse: np.ndarray
    test_mse: np.ndarray | None
    benchmark_train_mse: float
    benchmark_test_mse: float | None


def prepare_learner(learner: object, seed: int) -> object:
    """Check that ``learner`` is a scikit-learn regressor and pin an unset ``random_state`` to ``seed``."""
    if not (hasattr(learner, "fit") and hasattr(learner, "predict") and hasattr(learner, "get_params")):
        raise InputError(
            f"The learner {learner!r} is not a scikit-learn regressor (it needs fit, predict and get_params)."
        )
    learner = clone(learner)
    if "random_state" in learner.get_params(deep=False) and learner.get_params()["random_state"] is None:
        learner.set_params(random_state=seed)
    return learner


def _fit_predict(learner: object, inputs: np.ndarray, y: np.ndarray, targets: list[np.ndarray], name: str):
    """Fit a fresh clone on (inputs, y) and predict each array in ``targets``; wrap failures as InputError."""
    try:
        model = clone(learner).fit(inputs, y)
        predictions = [np.asarray(model.predict(t), dtype=float).reshape(-1) for t in targets]
    except Exception as err:  # any failure inside a user's learner is a bad-input condition for the caller
        raise InputError(f"The learner {learner!r} failed to fit agent {name}: {err}") from err
    for prediction, target in zip(predictions, targets, strict=True):
        if prediction.shape != (target.shape[0],) or not np.isfinite(prediction).all():
            raise InputError(
                f"The learner {learner!r} returned invalid predictions for agent {name} (wrong shape or "
                "NaN/inf); use a regressor that predicts one finite number per row."
            )
    return predictions


def _fit_agent(learner, train_in, y, test_in, folds, name):
    """(training-time predictions, test predictions) of one agent; out-of-fold training ones when folds."""
    if train_in.shape[1] == 0:  # no inputs at all: the best constant
        constant = float(y.mean())
        return np.full(y.shape[0], constant), None if test_in is None else np.full(test_in.shape[0], constant)
    targets = [train_in] if test_in is None else [train_in, test_in]
    predictions = _fit_predict(learner, train_in, y, targets, name)
    test_pred = None if test_in is None else predictions[1]
    if not folds:
        return predictions[0], test_pred
    out_of_fold = np.empty(y.shape[0])
    for fit_rows, held_rows in folds:
        out_of_fold[held_rows] = _fit_predict(
            learner, train_in[fit_rows], y[fit_rows], [train_in[held_rows]], name
        )[0]
    return out_of_fold, test_pred


def fit_agents_on_rows(
    network: Network,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray | None,
    y_test: np.ndarray | None,
    learner: object,
    *,
    crossfit: int = 0,
    seed: int = 0,
) -> RowFit:
    """Train every agent with a clone of ``learner`` on the rows and measure its errors.

    With ``crossfit`` = K >= 2 each agent also produces out-of-fold predictions on the training rows (K extra
    fits), and its children train on those, so that a parent's in-sample overfitting does not leak.
    """
    if isinstance(crossfit, bool) or not isinstance(crossfit, int) or crossfit < 0 or crossfit == 1:
        raise InputError(f"crossfit must be 0 (off) or a number of folds >= 2; got {crossfit!r}.")
    if crossfit > X_train.shape[0]:
        raise InputError(f"crossfit={crossfit} folds need as many training rows; got {X_train.shape[0]}.")
    learner = prepare_learner(learner, seed)
    folds = list(KFold(crossfit, shuffle=True, random_state=seed).split(X_train)) if crossfit else []
    n = network.n_agents
    children_left = np.zeros(n, dtype=int)
    for parents in network.parents:
        children_left[list(parents)] += 1
    train_pred: dict[int, np.ndarray] = {}
    test_pred: dict[int, np.ndarray] = {}
    train_mse = np.empty(n)
    test_mse = None if X_test is None else np.empty(n)
    for agent, (features, parents) in enumerate(zip(network.features, network.parents, strict=True)):
        name = repr(network.names[agent])
        train_in = np.column_stack([X_train[:, list(features)]] + [train_pred[p] for p in parents])
        test_in = None
        if X_test is not None:
            test_in = np.column_stack([X_test[:, list(features)]] + [test_pred[p] for p in parents])
        fitted, predicted = _fit_agent(learner, train_in, y_train, test_in, folds, name)
        train_mse[agent] = np.mean((y_train - fitted) ** 2)
        if predicted is not None:
            test_mse[agent] = np.mean((y_test - predicted) ** 2)
        for p in parents:  # release predictions no later agent needs
            children_left[p] -= 1
            if children_left[p] == 0:
                train_pred.pop(p)
                test_pred.pop(p, None)
        if children_left[agent] > 0:
            train_pred[agent] = fitted
            if predicted is not None:
                test_pred[agent] = predicted
    fitted, predicted = _fit_agent(learner, X_train, y_train, X_test, folds, "benchmark (all features)")
    return RowFit(
        train_mse=train_mse,
        test_mse=test_mse,
        benchmark_train_mse=float(np.mean((y_train - fitted) ** 2)),
        benchmark_test_mse=None if predicted is None else float(np.mean((y_test - predicted) ** 2)),
    )
