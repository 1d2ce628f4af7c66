"""Compiled inner loops of the active-set solver (numba): one problem's path over K, and many in parallel.

The algorithm is Lawson–Hanson on the Gram matrix (Bro & de Jong, 1997). Each problem keeps the inverse of
the Gram block of its passive set in *slot* order (slots 0..m−1 hold the passive variables); adding a
variable borders that inverse (a rank-one update), dropping one is a rank-one downdate followed by moving
the last slot into the freed one. Prices and stationarity are always computed from the Gram matrix itself,
so the stopping test is the KKT test, whatever rounding the updates accumulate; an inverse whose
stationarity error drifts is rebuilt from scratch.

For the simplex the caller passes G + α11' (α > 0): on the simplex the objective only changes by a constant,
every price g_i + ν is unchanged, and passive blocks holding a constant Bob stay invertible.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

ENTER_TOLERANCE = 1e-12  # relative price below which a variable enters
DRIFT_TOLERANCE = 1e-11  # relative stationarity error that triggers a fresh inverse
PIVOT_TOLERANCE = 1e-10  # relative Schur complement below which a variable lies in the passive span
WEIGHT_THRESHOLD = 1e-6  # a weight counts as non-zero above this (Figure 2's sparsity threshold)


@njit(cache=True, nogil=True)
def _passive_minimiser(inverse, m, slots, rhs, simplex, z):
    """z[:m] = argmin on the passive set (with Σz = 1 for the simplex); returns the multiplier ν."""
    for i in range(m):
        acc = 0.0
        for j in range(m):
            acc += inverse[i, j] * rhs[slots[j]]
        z[i] = acc
    if not simplex:
        return 0.0
    total_z = 0.0
    total_v = 0.0
    v = np.empty(m)
    for i in range(m):
        acc = 0.0
        for j in range(m):
            acc += inverse[i, j]
        v[i] = acc
        total_z += z[i]
        total_v += acc
    nu = (total_z - 1.0) / total_v
    for i in range(m):
        z[i] -= nu * v[i]
    return nu


@njit(cache=True, nogil=True)
def _border(gram, inverse, m, slots, var):
    """Add ``var`` in slot m by bordering the inverse; False if it lies (numerically) in the passive span."""
    u = np.empty(m)
    mu = np.empty(m)
    for i in range(m):
        u[i] = gram[slots[i], var]
    for i in range(m):
        acc = 0.0
        for j in range(m):
            acc += inverse[i, j] * u[j]
        mu[i] = acc
    d = gram[var, var]
    schur = d
    for i in range(m):
        schur -= u[i] * mu[i]
    if not schur > PIVOT_TOLERANCE * max(d, 1e-300):
        return False
    inv_schur = 1.0 / schur
    for i in range(m):
        f = mu[i] * inv_schur
        for j in range(m):
            inverse[i, j] += f * mu[j]
        inverse[i, m] = -f
        inverse[m, i] = -f
    inverse[m, m] = inv_schur
    slots[m] = var
    return True


@njit(cache=True, nogil=True)
def _unborder(inverse, m, slots, position):
    """Drop the variable in ``position`` (downdate), then move the last slot into it."""
    column = inverse[:m, position].copy()
    pivot = column[position]
    for i in range(m):
        f = column[i] / pivot
        for j in range(m):
            inverse[i, j] -= f * column[j]
    last = m - 1
    if position != last:
        for j in range(m):
            inverse[position, j] = inverse[last, j]
        for i in range(m):
            inverse[i, position] = inverse[i, last]
        slots[position] = slots[last]
    for j in range(m):
        inverse[last, j] = 0.0
        inverse[j, last] = 0.0


@njit(cache=True, nogil=True)
def _rebuild(gram, inverse, m, slots):
    """Recompute the passive-block inverse from the Gram matrix."""
    block = np.empty((m, m))
    for i in range(m):
        for j in range(m):
            block[i, j] = gram[slots[i], slots[j]]
    inverse[:m, :m] = np.linalg.pinv(block)


@njit(cache=True, nogil=True)
def _price(gram, rhs, w, slots, m, nu, var):
    """Reduced cost (Gw − b)_var + ν."""
    g = nu - rhs[var]
    for i in range(m):
        g += gram[var, slots[i]] * w[slots[i]]
    return g


@njit(cache=True, nogil=True)
def _scale_of(w, slots, m, base):
    total = 0.0
    for i in range(m):
        total += abs(w[slots[i]])
    return base * max(1.0, total)


@njit(cache=True, nogil=True)
def _make_feasible(gram, rhs, simplex, inverse, m, slots, w, passive, z):
    """Lawson–Hanson inner loop from a feasible w; returns (m, ν) once the passive minimiser is feasible."""
    n_vars = rhs.shape[0]
    for _ in range(n_vars + 2):
        nu = _passive_minimiser(inverse, m, slots, rhs, simplex, z)
        alpha = 2.0
        hit = -1
        for i in range(m):
            if z[i] <= 0.0:
                wi = w[slots[i]]
                ratio = wi / (wi - z[i])
                if ratio < alpha:
                    alpha = ratio
                    hit = i
        if hit < 0:
            for i in range(m):
                w[slots[i]] = z[i]
            return m, nu
        alpha = min(max(alpha, 0.0), 1.0)
        for i in range(m):
            v = slots[i]
            w[v] += alpha * (z[i] - w[v])
        w[slots[hit]] = 0.0
        for i in range(m - 1, -1, -1):  # downward, so compaction never skips a slot
            v = slots[i]
            if w[v] <= 0.0:
                w[v] = 0.0
                passive[v] = False
                _unborder(inverse, m, slots, i)
                m -= 1
        if simplex:
            total = 0.0
            for i in range(m):
                total += w[slots[i]]
            for i in range(m):
                w[slots[i]] /= total
    raise RuntimeError("active-set inner loop did not terminate")


@njit(cache=True, nogil=True)
def _gradient(gram, rhs, w, slots, m, order, n_available, grad):
    """grad[j] = (Gw − b)_j for the available variables, recomputed from the Gram matrix."""
    for j in range(n_available):
        var = order[j]
        grad[var] = _price(gram, rhs, w, slots, m, 0.0, var)


@njit(cache=True, nogil=True)
def solve_one_path(gram, rhs, order, simplex, ev_gram, ev_rhs, ev_const, evaluate, sse, nnz, wsum, w):
    """Exact solutions for K = 1..len(order), adding ``order[K−1]`` at step K, warm-started.

    At every K, records the evaluation ``w'E w − 2e'w + c`` (if ``evaluate``), the number of weights above
    the sparsity threshold and Σw. Leaves the final solution in ``w``. Returns the largest relative KKT
    violation met at the end of any step (it stays below the stopping tolerances unless a variable had to
    be refused as numerically dependent).

    The gradient of the available variables is recomputed from G whenever w changes, so a step whose new Bob
    does not enter costs O(m) and every KKT test uses exact prices.
    """
    n_vars = rhs.shape[0]
    w[:] = 0.0
    passive = np.zeros(n_vars, np.bool_)
    refused = np.zeros(n_vars, np.bool_)
    slots = np.empty(n_vars, np.int64)
    inverse = np.zeros((n_vars + 1, n_vars + 1))
    z = np.empty(n_vars)
    grad = np.zeros(n_vars)
    base = np.abs(gram).max() + np.abs(rhs).max()
    base = base if base > 0 else 1.0
    m = 0
    nu = 0.0
    worst = 0.0
    value = ev_const
    for step in range(order.shape[0]):
        newest = order[step]
        changed = step == 0
        if step == 0 and simplex:
            _border(gram, inverse, 0, slots, newest)
            m = 1
            passive[newest] = True
            w[newest] = 1.0
            nu = rhs[newest] - gram[newest, newest]
        grad[newest] = _price(gram, rhs, w, slots, m, 0.0, newest)
        rebuilt = False
        for _ in range(10 * n_vars + 10):
            scale = _scale_of(w, slots, m, base)
            if not rebuilt:
                drift = 0.0
                for i in range(m):
                    drift = max(drift, abs(grad[slots[i]] + nu))
                if drift > DRIFT_TOLERANCE * scale:
                    rebuilt = True
                    _rebuild(gram, inverse, m, slots)
                    m, nu = _make_feasible(gram, rhs, simplex, inverse, m, slots, w, passive, z)
                    _gradient(gram, rhs, w, slots, m, order, step + 1, grad)
                    changed = True
                    continue
            best = -ENTER_TOLERANCE * scale
            enter = -1
            for j in range(step + 1):
                var = order[j]
                if passive[var] or refused[var]:
                    continue
                if grad[var] + nu < best:
                    best = grad[var] + nu
                    enter = var
            if enter < 0:
                break
            if not _border(gram, inverse, m, slots, enter):
                refused[enter] = True
                continue
            m += 1
            passive[enter] = True
            m, nu = _make_feasible(gram, rhs, simplex, inverse, m, slots, w, passive, z)
            _gradient(gram, rhs, w, slots, m, order, step + 1, grad)
            changed = True
        else:
            raise RuntimeError("active-set outer loop did not terminate")
        scale = _scale_of(w, slots, m, base)
        for i in range(m):
            worst = max(worst, abs(grad[slots[i]] + nu) / scale)
        for j in range(step + 1):
            var = order[j]
            if refused[var] and not passive[var]:
                worst = max(worst, -(grad[var] + nu) / scale)
        if evaluate and changed:
            value = ev_const
            for i in range(m):
                a = slots[i]
                value -= 2.0 * ev_rhs[a] * w[a]
                for j in range(m):
                    value += w[a] * ev_gram[a, slots[j]] * w[slots[j]]
        count = 0
        total = 0.0
        for i in range(m):
            if w[slots[i]] > WEIGHT_THRESHOLD:
                count += 1
            total += w[slots[i]]
        sse[step] = value
        nnz[step] = count
        wsum[step] = total
    return worst


@njit(cache=True, parallel=True)
def solve_paths(grams, gram_of, rhs, orders, simplex, ev_grams, ev_of, ev_rhs, ev_const, sse, nnz, wsum, w, kkt):
    """:func:`solve_one_path` for every problem p (in parallel); ``ev_of[p] < 0`` skips the evaluation."""
    for p in prange(rhs.shape[0]):
        e = max(ev_of[p], 0)
        kkt[p] = solve_one_path(
            grams[gram_of[p]], rhs[p], orders[p], simplex, ev_grams[e], ev_rhs[p], ev_const[p], ev_of[p] >= 0,
            sse[p], nnz[p], wsum[p], w[p],
        )
