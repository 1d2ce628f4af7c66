"""Compiled inner loops of the active-set solver (numba): one problem's path over K, and many in parallel.

The algorithm is Lawson–Hanson on the Gram matrix (Bro & de Jong, 1997). Each problem keeps the inverse of
its *system matrix* in slot order: for NNLS the Gram block G_PP of the passive set; for the simplex the
bordered KKT matrix [[0, a_P'], [a_P, G_PP]], whose leading row and column hold the constraint a'w = c (it is
invertible even when G_PP is not, e.g. for collinear Bobs on different scales or a constant Bob). Adding a
variable borders that inverse (a rank-one update); dropping one is a downdate followed by moving the last slot
into the freed one. Every passive solve is refined against G itself, and prices and stationarity are always
computed from G, so the stopping test is the KKT test whatever rounding the updates accumulate; an inverse
whose stationarity error drifts is rebuilt from scratch. A variable that enters with a negative price and is
dropped again by the very next feasibility step would have a positive weight in exact arithmetic: it is
numerically dependent on the passive set and is refused for the rest of that step, which is what keeps a
rank-deficient Gram matrix from cycling.

The caller passes the problem in diagonally scaled variables w'_i = w_i / d_i, d_i = 1/√G_ii, so that the
scaled Gram has a unit diagonal and every relative tolerance means the same for every Bob whatever its scale;
the simplex Σw = 1 then reads a'w' = c with a = d / max(d) and c = 1 / max(d). Recorded weights are unscaled
(w = d·w').
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

ENTER_TOLERANCE = 1e-12  # relative price below which a variable enters
DRIFT_TOLERANCE = 1e-11  # relative stationarity error that triggers a fresh inverse
PIVOT_TOLERANCE = 1e-14  # relative Schur complement below which a variable lies in the passive span
REFINEMENT_STEPS = 8  # iterative refinement of each passive solve against G ...
REFINE_BELOW = 1e-4  # ... always for the simplex, and for NNLS once a Schur complement this small has entered
WEIGHT_THRESHOLD = 1e-6  # a weight counts as non-zero above this (Figure 2's sparsity threshold)
SOLVED, FAILED_INNER, FAILED_OUTER, NOT_RUN = 0.0, 1.0, 2.0, 3.0  # kkt[2]: a problem's status; the caller
# starts every problem at NOT_RUN and the kernels never raise, since an exception inside a parallel loop can
# leave the other problems of its thread unsolved without a word


@njit(cache=True, nogil=True)
def _system_entry(gram, a, slots, off, r, var):
    """Entry (r, var) of the system matrix: the constraint row a for r < off, else the Gram row of slot r."""
    return a[var] if r < off else gram[slots[r - off], var]


@njit(cache=True, nogil=True)
def _solve_system(gram, a, c, rhs, inverse, m, slots, off, refine, x):
    """x[:off+m] solves the system [ν; z] = [c; b_P] (NNLS: z = b_P) through the inverse, refined against G
    when ``refine`` (the passive block may be ill-conditioned)."""
    n = off + m
    target = np.empty(n)
    residual = np.empty(n)
    if off:
        target[0] = c
    for i in range(m):
        target[off + i] = rhs[slots[i]]
    for i in range(n):
        acc = 0.0
        for j in range(n):
            acc += inverse[i, j] * target[j]
        x[i] = acc
    if not refine:
        return
    size = 0.0
    for i in range(off, n):
        size = max(size, abs(target[i]))
    size = size if size > 0 else 1.0  # relative to the passive right-hand side, whatever its units
    previous = np.inf
    for _ in range(REFINEMENT_STEPS):
        worst = 0.0  # each residual relative to its own row's size: the constraint row has size c
        if off:  # constraint row: a'z
            acc = target[0]
            for j in range(m):
                acc -= a[slots[j]] * x[off + j]
            residual[0] = acc
            worst = abs(acc) / c
        for i in range(m):  # Gram rows: a_i ν (constraint column) + G_iP z
            row = slots[i]
            acc = target[off + i]
            if off:
                acc -= a[row] * x[0]
            for j in range(m):
                acc -= gram[row, slots[j]] * x[off + j]
            residual[off + i] = acc
            worst = max(worst, abs(acc) / size)
        if worst <= 1e-15 or worst >= 0.5 * previous:
            break
        previous = worst
        for i in range(n):
            acc = 0.0
            for j in range(n):
                acc += inverse[i, j] * residual[j]
            x[i] += acc


@njit(cache=True, nogil=True)
def _border(gram, a, inverse, m, slots, off, var):
    """Add ``var`` in slot m by bordering the inverse and return its relative Schur complement (how far it
    lies from the span of the passive set); −1 if it lies in that span numerically (then nothing changes)."""
    n = off + m
    u = np.empty(n)
    mu = np.empty(n)
    for r in range(n):
        u[r] = _system_entry(gram, a, slots, off, r, var)
    for i in range(n):
        acc = 0.0
        for j in range(n):
            acc += inverse[i, j] * u[j]
        mu[i] = acc
    d = gram[var, var]
    schur = d
    for i in range(n):
        schur -= u[i] * mu[i]
    reference = d + (a[var] ** 2 * abs(inverse[0, 0]) if off else 0.0)
    ratio = schur / max(reference, 1e-300)
    if not ratio > PIVOT_TOLERANCE:
        return -1.0
    inv_schur = 1.0 / schur
    for i in range(n):
        f = mu[i] * inv_schur
        for j in range(n):
            inverse[i, j] += f * mu[j]
        inverse[i, n] = -f
        inverse[n, i] = -f
    inverse[n, n] = inv_schur
    slots[m] = var
    return ratio


@njit(cache=True, nogil=True)
def _unborder(inverse, m, slots, off, position):
    """Drop the variable in slot ``position`` (downdate), then move the last slot into it."""
    n = off + m
    row = off + position
    column = inverse[:n, row].copy()
    pivot = column[row]
    for i in range(n):
        f = column[i] / pivot
        for j in range(n):
            inverse[i, j] -= f * column[j]
    last = n - 1
    if row != last:
        for j in range(n):
            inverse[row, j] = inverse[last, j]
        for i in range(n):
            inverse[i, row] = inverse[i, last]
        slots[position] = slots[m - 1]
    for j in range(n):
        inverse[last, j] = 0.0
        inverse[j, last] = 0.0


@njit(cache=True, nogil=True)
def _rebuild(gram, a, inverse, m, slots, off):
    """Recompute the inverse of the system matrix from G (and a)."""
    n = off + m
    block = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i >= off and j >= off:
                block[i, j] = gram[slots[i - off], slots[j - off]]
            elif i >= off:
                block[i, j] = a[slots[i - off]]
            elif j >= off:
                block[i, j] = a[slots[j - off]]
    inverse[:n, :n] = np.linalg.pinv(block)


@njit(cache=True, nogil=True)
def _gradient_entry(gram, rhs, w, slots, m, var):
    """(Gw − b)_var over the passive set."""
    g = -rhs[var]
    for i in range(m):
        g += gram[var, slots[i]] * w[slots[i]]
    return g


@njit(cache=True, nogil=True)
def _gradient(gram, rhs, w, slots, m, order, n_available, grad):
    """grad[j] = (Gw − b)_j for the available variables, recomputed from the Gram matrix."""
    for j in range(n_available):
        var = order[j]
        grad[var] = _gradient_entry(gram, rhs, w, slots, m, var)


@njit(cache=True, nogil=True)
def _tolerance_scale(w, slots, m, rhs_size, gram_size):
    """The size of the terms of the scaled gradient G'w' − b': max|b'| + max|G'|·‖w'‖₁, in Alice's units (so
    every tolerance it multiplies is relative, and scaling Alice and the Bobs together changes no decision);
    1 when all of them are 0 (every price is then exactly 0)."""
    total = 0.0
    for i in range(m):
        total += abs(w[slots[i]])
    size = rhs_size + gram_size * total
    return size if size > 0 else 1.0


@njit(cache=True, nogil=True)
def _make_feasible(gram, rhs, a, c, off, refine, inverse, m, slots, w, passive, x):
    """Lawson–Hanson inner loop from a feasible w; returns (m, ν, True) once the passive minimiser is feasible,
    (m, ν, False) when it is not within its iteration limit."""
    n_vars = rhs.shape[0]
    for _ in range(n_vars + 2):
        _solve_system(gram, a, c, rhs, inverse, m, slots, off, refine, x)
        nu = x[0] if off else 0.0
        alpha = 2.0
        hit = -1
        for i in range(m):
            zi = x[off + i]
            if zi <= 0.0:
                wi = w[slots[i]]
                ratio = wi / (wi - zi)
                if ratio < alpha:
                    alpha = ratio
                    hit = i
        if hit < 0:
            for i in range(m):
                w[slots[i]] = x[off + i]
            return m, nu, True
        alpha = min(max(alpha, 0.0), 1.0)
        for i in range(m):
            v = slots[i]
            w[v] += alpha * (x[off + i] - w[v])
        w[slots[hit]] = 0.0
        for i in range(m - 1, -1, -1):  # downward, so compaction never skips a slot
            v = slots[i]
            if w[v] <= 0.0:
                w[v] = 0.0
                passive[v] = False
                _unborder(inverse, m, slots, off, i)
                m -= 1
        if off:  # restore a'w = c exactly after the drops
            total = 0.0
            for i in range(m):
                total += a[slots[i]] * w[slots[i]]
            for i in range(m):
                w[slots[i]] *= c / total
    return m, 0.0, False


@njit(cache=True, nogil=True)
def _start_at_vertex(gram, a, c, inverse, slots, var, w, passive):
    """Simplex start: all weight on ``var``; the 2x2 system [[0, a], [a, G]] inverted in closed form."""
    inverse[0, 0] = -gram[var, var] / a[var] ** 2
    inverse[0, 1] = 1.0 / a[var]
    inverse[1, 0] = 1.0 / a[var]
    inverse[1, 1] = 0.0
    slots[0] = var
    passive[var] = True
    w[var] = c / a[var]


@njit(cache=True, nogil=True)
def solve_one_path(gram, rhs, scale, order, simplex, ev_gram, ev_rhs, ev_const, evaluate, sse, nnz, wsum, w, kkt):
    """Exact solutions for K = 1..len(order), adding ``order[K−1]`` at step K, warm-started.

    ``gram``/``rhs`` are in scaled variables with column scales ``scale`` (see the module docstring). At every
    K, records the evaluation ``w'E w − 2e'w + c`` of the unscaled weights (if ``evaluate``), the number of
    weights above the sparsity threshold and Σw. Leaves the final unscaled solution in ``w``. ``kkt`` receives
    the largest relative KKT violation met at the end of any step over the variables the solver could use,
    and the largest over variables it refused as numerically dependent on the passive set (near-duplicates of
    a combination of other Bobs), and the problem's status (:data:`SOLVED`, or which iteration limit stopped
    it: the other outputs are then incomplete).

    The gradient of the available variables is recomputed from G whenever the weights change, so a step whose
    new Bob does not enter costs O(m) and every KKT test uses exact prices.
    """
    n_vars = rhs.shape[0]
    off = 1 if simplex else 0
    top = scale.max()
    a = scale / top
    c = 1.0 / top
    ws = np.zeros(n_vars)  # scaled weights
    passive = np.zeros(n_vars, np.bool_)
    refused = np.zeros(n_vars, np.bool_)
    slots = np.empty(n_vars, np.int64)
    inverse = np.zeros((n_vars + 2, n_vars + 2))
    x = np.empty(n_vars + 1)
    grad = np.zeros(n_vars)
    unscaled = np.empty(n_vars)  # the passive weights in the original variables, for the evaluation
    rhs_size = np.abs(rhs).max()
    gram_size = np.abs(gram).max()
    m = 0
    nu = 0.0
    worst = 0.0
    worst_refused = 0.0
    conditioning = 1.0  # smallest relative Schur complement met since the inverse was last rebuilt
    value = ev_const
    for step in range(order.shape[0]):
        newest = order[step]
        changed = step == 0
        if step == 0 and simplex:
            _start_at_vertex(gram, a, c, inverse, slots, newest, ws, passive)
            m = 1
            nu = (rhs[newest] - gram[newest, newest] * ws[newest]) / a[newest]
        grad[newest] = _gradient_entry(gram, rhs, ws, slots, m, newest)
        rebuilt = False
        for _ in range(10 * n_vars + 10):
            tol = _tolerance_scale(ws, slots, m, rhs_size, gram_size)
            if not rebuilt:
                drift = 0.0
                for i in range(m):
                    drift = max(drift, abs(grad[slots[i]] + nu * a[slots[i]]))
                if drift > DRIFT_TOLERANCE * tol:
                    rebuilt = True
                    _rebuild(gram, a, inverse, m, slots, off)
                    m, nu, feasible = _make_feasible(gram, rhs, a, c, off, True, inverse, m, slots, ws, passive, x)
                    if not feasible:
                        kkt[2] = FAILED_INNER
                        return
                    _gradient(gram, rhs, ws, slots, m, order, step + 1, grad)
                    changed = True
                    continue
            best = -ENTER_TOLERANCE * tol
            enter = -1
            for j in range(step + 1):
                var = order[j]
                if passive[var] or refused[var]:
                    continue
                price = grad[var] + nu * a[var]
                if price < best:
                    best = price
                    enter = var
            if enter < 0:
                break
            ratio = _border(gram, a, inverse, m, slots, off, enter)
            if ratio < 0.0:
                refused[enter] = True
                continue
            conditioning = min(conditioning, ratio)
            m += 1
            passive[enter] = True
            refine = simplex or conditioning < REFINE_BELOW
            m, nu, feasible = _make_feasible(gram, rhs, a, c, off, refine, inverse, m, slots, ws, passive, x)
            if not feasible:
                kkt[2] = FAILED_INNER
                return
            if not passive[enter]:  # dropped at once: in exact arithmetic its weight would be positive, so it
                refused[enter] = True  # is numerically dependent on the passive set, and trying it again cycles
            _gradient(gram, rhs, ws, slots, m, order, step + 1, grad)
            changed = True
        else:
            kkt[2] = FAILED_OUTER
            return
        tol = _tolerance_scale(ws, slots, m, rhs_size, gram_size)
        for i in range(m):
            worst = max(worst, abs(grad[slots[i]] + nu * a[slots[i]]) / tol)
        for j in range(step + 1):
            var = order[j]
            if not passive[var]:
                violation = -(grad[var] + nu * a[var]) / tol
                if refused[var]:
                    worst_refused = max(worst_refused, violation)
                else:
                    worst = max(worst, violation)
        if evaluate and changed:
            for i in range(m):
                unscaled[i] = scale[slots[i]] * ws[slots[i]]
            value = ev_const
            for i in range(m):
                p = slots[i]
                wp = unscaled[i]
                inner = 0.0
                for j in range(m):
                    inner += ev_gram[p, slots[j]] * unscaled[j]
                value += wp * (inner - 2.0 * ev_rhs[p])
        count = 0
        total = 0.0
        for i in range(m):
            weight = scale[slots[i]] * ws[slots[i]]
            if weight > WEIGHT_THRESHOLD:
                count += 1
            total += weight
        sse[step] = value
        nnz[step] = count
        wsum[step] = total
    total = 0.0
    for i in range(n_vars):
        w[i] = scale[i] * ws[i]
        total += w[i]
    if simplex:  # Σw = 1 to the last bit in the original variables
        for i in range(n_vars):
            w[i] /= total
    kkt[0] = worst
    kkt[1] = worst_refused
    kkt[2] = SOLVED


@njit(cache=True, parallel=True)
def solve_paths(grams, scales, gram_of, rhs, orders, simplex, ev_grams, ev_of, ev_rhs, ev_const, sse, nnz, wsum, w,
                kkt):
    """:func:`solve_one_path` for every problem p (in parallel); ``ev_of[p] < 0`` skips the evaluation."""
    for p in prange(rhs.shape[0]):
        e = max(ev_of[p], 0)
        solve_one_path(
            grams[gram_of[p]], rhs[p], scales[gram_of[p]], orders[p], simplex, ev_grams[e], ev_rhs[p], ev_const[p],
            ev_of[p] >= 0, sse[p], nnz[p], wsum[p], w[p], kkt[p],
        )


@njit(cache=True, nogil=True)
def solve_paths_serial(grams, scales, gram_of, rhs, orders, simplex, ev_grams, ev_of, ev_rhs, ev_const, sse, nnz,
                       wsum, w, kkt):
    """:func:`solve_paths` on one thread: for batches too small to repay starting the parallel workers."""
    for p in range(rhs.shape[0]):
        e = max(ev_of[p], 0)
        solve_one_path(
            grams[gram_of[p]], rhs[p], scales[gram_of[p]], orders[p], simplex, ev_grams[e], ev_rhs[p], ev_const[p],
            ev_of[p] >= 0, sse[p], nnz[p], wsum[p], w[p], kkt[p],
        )
