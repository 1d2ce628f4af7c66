"""The greedy residual learner: scikit-learn compliance and the orthogonality it promises."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from marketalign.network import GreedyResidualRegressor, friedman_sample


@parametrize_with_checks([GreedyResidualRegressor(n_rounds=5)])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_residual_is_orthogonal_to_inputs_and_own_prediction():
    X, y = friedman_sample(400, 6, 0.5, np.random.default_rng(0))
    model = GreedyResidualRegressor(n_rounds=30, tol=0.0, random_state=0).fit(X, y)
    residual = y - model.predict(X)
    scale = np.linalg.norm(residual) * len(y) ** 0.5
    assert abs(residual.sum()) / scale < 1e-10
    assert np.abs(X.T @ residual).max() / (np.linalg.norm(X, axis=0).max() * np.linalg.norm(residual)) < 1e-10
    fitted = model.predict(X)
    assert abs(fitted @ residual) / (np.linalg.norm(fitted) * np.linalg.norm(residual)) < 1e-10


def test_stops_when_the_class_finds_nothing_and_beats_linear_on_nonlinear_data():
    rng = np.random.default_rng(1)
    X, y = friedman_sample(1000, 5, 0.3, rng)
    Xt, yt = friedman_sample(2000, 5, 0.3, rng)
    greedy = GreedyResidualRegressor(n_rounds=200, tol=1e-3, random_state=0).fit(X, y)
    assert len(greedy.estimators_) < 200 and greedy.last_gain_ <= 1e-3
    linear = LinearRegression().fit(X, y)
    assert np.mean((yt - greedy.predict(Xt)) ** 2) < 0.7 * np.mean((yt - linear.predict(Xt)) ** 2)
    # on purely linear data nothing is added beyond least squares
    Xl = rng.normal(size=(500, 3))
    lin = GreedyResidualRegressor(tol=1e-2, random_state=0).fit(Xl, Xl @ [1.0, -2.0, 0.5])
    assert lin.estimators_ == [] and lin.coef_[1:] == pytest.approx([1.0, -2.0, 0.5])
