"""Naive row-by-row implementations used only as test oracles (independent of the Gram-matrix engine)."""

from __future__ import annotations

import itertools

import numpy as np
from scipy.optimize import nnls


def nnls_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """NNLS with a free offset, on the raw rows (scipy's Lawson-Hanson on centred data)."""
    xc, yc = x - x.mean(0), y - y.mean()
    return nnls(xc, yc, maxiter=50 * x.shape[1] + 100)[0]


def simplex_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Simplex least squares with a free offset by exhaustive support enumeration (small K only).

    For each support P, the equality-constrained minimiser solves the bordered KKT system; the optimum is
    the best feasible candidate. Exact, and independent of any active-set logic.
    """
    xc, yc = x - x.mean(0), y - y.mean()
    k = x.shape[1]
    norms = np.linalg.norm(xc, axis=0)
    scale = np.where(norms > 0, 1.0 / np.where(norms > 0, norms, 1.0), 1.0)  # solve in unit-norm columns
    xs = xc * scale
    gram, rhs = xs.T @ xs, xs.T @ yc
    best, best_w = np.inf, None
    for size in range(1, k + 1):
        for support in itertools.combinations(range(k), size):
            p = list(support)
            a = scale[p][:, None]  # sum w = 1 reads sum scale_i v_i = 1 in the scaled variables v = w / scale
            kkt = np.block([[gram[np.ix_(p, p)], a], [a.T, np.zeros((1, 1))]])
            sol = np.linalg.lstsq(kkt, np.r_[rhs[p], 1.0], rcond=None)[0][:size] * scale[p]
            if (sol < -1e-12).any():
                continue
            w = np.zeros(k)
            w[p] = np.clip(sol, 0, None)
            w /= w.sum()
            value = np.sum((yc - xc @ w) ** 2)
            if best_w is None or value < best - 1e-12 * max(1.0, abs(best)):
                best, best_w = value, w
    return best_w


def fit_predict(method: str, x_tr, y_tr, x_te) -> np.ndarray:
    """Fit one method on training rows (offset included) and predict the held-out rows."""
    if method == "constant":
        return np.full(len(x_te), y_tr.mean())
    if method == "average":
        pred_tr = x_tr.mean(1)
        return x_te.mean(1) + (y_tr - pred_tr).mean()
    if method == "single":
        errors = [np.sum(((y_tr - x_tr[:, i]) - (y_tr - x_tr[:, i]).mean()) ** 2) for i in range(x_tr.shape[1])]
        i = int(np.argmin(errors))
        return x_te[:, i] + (y_tr - x_tr[:, i]).mean()
    if method == "single_scaled":
        best = (np.inf, 0, 0.0)
        for i in range(x_tr.shape[1]):
            xc, yc = x_tr[:, i] - x_tr[:, i].mean(), y_tr - y_tr.mean()
            a = max(0.0, xc @ yc / (xc @ xc)) if xc @ xc > 0 else 0.0
            err = np.sum((yc - a * xc) ** 2)
            if err < best[0]:
                best = (err, i, a)
        _, i, a = best
        return a * x_te[:, i] + (y_tr - a * x_tr[:, i]).mean()
    w = nnls_rows(x_tr, y_tr) if method == "nnls" else simplex_rows(x_tr, y_tr)
    return x_te @ w + (y_tr - x_tr @ w).mean()


def curve_rows(scores, target, folds, orders, methods):
    """mse[c, K-1, m]: fold-averaged held-out MSE along each ordering, refitting from the rows every time."""
    n_folds = folds.max() + 1
    out = np.zeros((len(orders), orders.shape[1], len(methods)))
    for c, order in enumerate(orders):
        for k in range(1, orders.shape[1] + 1):
            x = scores[:, order[:k]]
            for m, method in enumerate(methods):
                errs = []
                for f in range(n_folds):
                    tr, te = folds != f, folds == f
                    pred = fit_predict(method, x[tr], target[tr], x[te])
                    errs.append(np.mean((target[te] - pred) ** 2))
                out[c, k - 1, m] = np.mean(errs)
    return out
