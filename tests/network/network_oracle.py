"""Independent oracles for the network tests: least squares on explicit vectors with numpy's lstsq.

Every random variable is an explicit vector (data rows, or a factor of the covariance with the constant as an
extra coordinate), so projections are plain least-squares problems, solved without the package's code.
"""

import numpy as np

from marketalign.network import Network


def population_vectors(cov: np.ndarray, mean: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectors (x columns, y, constant) whose inner products are E[x_j x_k], E[x_j y], E[x_j], ..."""
    eigval, eigvec = np.linalg.eigh(cov)
    factor = (eigvec * np.sqrt(np.clip(eigval, 0, None))).T  # factor.T @ factor == cov
    rows = np.vstack([factor, mean[None, :]])
    constant = np.zeros(rows.shape[0])
    constant[-1] = 1.0
    return rows[:, :-1], rows[:, -1], constant


def sample_vectors(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows scaled by 1/sqrt(n) so that sums of products are sample means."""
    scale = 1.0 / np.sqrt(X.shape[0])
    return X * scale, y * scale, np.full(X.shape[0], scale)


def oracle_predictions(network: Network, xs, y, constant, intercept=True, ridge=0.0, extra=None):
    """Each agent's prediction vector (and, when ``extra`` = (xs, constant) is given, on those rows too)."""
    preds, extra_preds = [], []
    for features, parents in zip(network.features, network.parents, strict=True):
        cols = [xs[:, j] for j in features] + [preds[p] for p in parents]
        design = np.column_stack(cols) if cols else np.zeros((len(y), 0))
        coef, offset = _fit(design, y, constant, intercept, ridge)
        preds.append(design @ coef + offset * constant)
        if extra is not None:
            exs, econst = extra
            ecols = [exs[:, j] for j in features] + [extra_preds[p] for p in parents]
            edesign = np.column_stack(ecols) if ecols else np.zeros((len(econst), 0))
            extra_preds.append(edesign @ coef + offset * econst)
    return preds, extra_preds


def _fit(design, y, constant, intercept, ridge):
    k = design.shape[1]
    full = np.column_stack([design, constant]) if intercept else design
    target = y
    if ridge > 0:  # augmented rows: sqrt(ridge) * I on the slopes only
        penalty = np.zeros((k, full.shape[1]))
        penalty[:, :k] = np.sqrt(ridge) * np.eye(k)
        full, target = np.vstack([full, penalty]), np.concatenate([y, np.zeros(k)])
    if full.shape[1] == 0:
        return np.zeros(0), 0.0
    # unit-norm columns and a relative cut on singular values: rounding-level directions carry nothing
    norms = np.linalg.norm(full, axis=0)
    norms[norms == 0] = 1.0
    solution = np.linalg.lstsq(full / norms, target, rcond=1e-10)[0] / norms
    return solution[:k], (solution[k] if intercept else 0.0)


def mse(y, prediction):
    return float(np.sum((y - prediction) ** 2))
