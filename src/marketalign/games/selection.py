"""The Best-AI selection game (the paper's Result 3; the formalisation is ours, docs/theory.md §1.6).

Bob i commits to a policy π_i : X → Δ(A). In an evaluation period Alice learns V_A(π_i) = E[u_A(π_i(x), y)]
(exactly, or estimated from T sampled rounds), selects i* ∈ argmax_i V_A(π_i) under a tie rule ("uniform"
among the maximisers or "lowest" index) and follows π_{i*}. Bob j is paid E[U_j(π_{i*}(x), y)].

Bob j's best response is the better of not being selected (his payoff is then fixed by the others) and being
selected: max E[U_j(π)] s.t. V_A(π) ≥ max_{i≠j} V_A(π_i), a linear program with one coupling constraint. We
solve it exactly with a Lagrangian sweep: as λ grows, the per-context argmax of Ū_j + λ·ū_A walks each
context along the upper hull of its points (ū_A(x, a), Ū_j(x, a)); merging the walks by λ gives every vertex
of the concave curve v ↦ LP_j(v) at once (:class:`BobPath`); the optimum at any level randomises one context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from marketalign.errors import InputError
from marketalign.games.model import SelectionGame
from marketalign.games.settings import TIE_RULES, TieRule

LEVEL_TOL = 1e-12  # two evaluations closer than this are a tie for Alice
_SLOPE_TOL = 1e-12


# ---------------------------------------------------------------------------------------- tables & policies
def context_tables(game: SelectionGame) -> tuple[np.ndarray, np.ndarray]:
    """Probability-weighted expected utilities per (context, action): Alice's (X, A) and the Bobs' (k, X, A).

    Entry [x, a] is Σ_y π(x, y)·u(a, y), so the value of a policy is the sum of these tables against π(a | x).
    """
    return game.prior @ game.alice.T, np.einsum("xy,kay->kxa", game.prior, game.bobs)


def check_policies(game: SelectionGame, policies: np.ndarray, count: int | None = None) -> np.ndarray:
    """Validate a stack of policies (n, X, A): non-negative rows summing to 1. Returns a float copy."""
    policies = np.array(policies, dtype=float)
    shape = (game.n_contexts, game.n_actions)
    wrong_count = count is not None and policies.shape[:1] != (count,)
    if policies.ndim != 3 or policies.shape[1:] != shape or wrong_count:
        want = f"({count if count is not None else 'n'}, {shape[0]}, {shape[1]})"
        raise InputError(f"policies must have shape {want} (Bob, context, action); got {policies.shape}.")
    if not np.isfinite(policies).all() or (policies < -1e-12).any():
        raise InputError("policies must be finite, non-negative probabilities.")
    if np.abs(policies.sum(axis=2) - 1.0).max() > 1e-9:
        raise InputError("Every policy row π(· | x) must sum to 1; normalise the rows.")
    return np.clip(policies, 0.0, None)


def check_tie_rule(tie_rule: str) -> str:
    if tie_rule not in TIE_RULES:
        raise InputError(f"tie_rule must be one of {TIE_RULES}; got {tie_rule!r}.")
    return tie_rule


def deterministic_policy(actions: np.ndarray, n_actions: int) -> np.ndarray:
    """The (X, A) policy that plays ``actions[x]`` in context x."""
    return np.eye(n_actions)[np.asarray(actions, dtype=int)]


def opt(game: SelectionGame) -> float:
    """OPT = E_x[max_a E[u_A(a, y) | x]], Alice's first-best utility in the selection game."""
    return float(context_tables(game)[0].max(axis=1).sum())


# ----------------------------------------------------------------------------------- evaluation & selection
def alice_values(game: SelectionGame, policies: np.ndarray) -> np.ndarray:
    """V_A(π_i) = E[u_A(π_i(x), y)] for each policy in the stack (exact evaluation)."""
    return np.einsum("nxa,xa->n", policies, context_tables(game)[0])


def estimate_alice_values(
    game: SelectionGame, policies: np.ndarray, rounds: int, rng: np.random.Generator
) -> np.ndarray:
    """V_A(π_i) estimated from ``rounds`` sampled rounds per Bob: x, y ~ prior, a ~ π_i(x); mean u_A(a, y)."""
    if not (isinstance(rounds, (int, np.integer)) and rounds >= 1):
        raise InputError(f"rounds must be an integer >= 1; got {rounds!r}.")
    policies = check_policies(game, policies)
    flat = game.prior.ravel()
    estimates = np.empty(policies.shape[0])
    for i, policy in enumerate(policies):
        cells = rng.choice(flat.size, size=rounds, p=flat / flat.sum())
        contexts, states = np.unravel_index(cells, game.prior.shape)
        cumulative = np.cumsum(policy[contexts], axis=1)
        actions = (rng.random(rounds)[:, None] > cumulative).sum(axis=1).clip(max=game.n_actions - 1)
        estimates[i] = game.alice[actions, states].mean()
    return estimates


def selection_probabilities(values: np.ndarray, tie_rule: TieRule = "uniform") -> np.ndarray:
    """Alice's selection: P(i* = i) for evaluations ``values``, maximisers within LEVEL_TOL tied."""
    check_tie_rule(tie_rule)
    values = np.asarray(values, dtype=float)
    top = values >= values.max() - LEVEL_TOL
    probs = np.zeros(values.size)
    if tie_rule == "uniform":
        probs[top] = 1.0 / top.sum()
    else:
        probs[np.flatnonzero(top)[0]] = 1.0
    return probs


@dataclass(frozen=True)
class SelectionOutcome:
    """Alice's evaluations, her selection, her expected utility and every Bob's payoff for one profile."""

    alice_values: np.ndarray
    selection: np.ndarray
    alice_utility: float
    bob_payoffs: np.ndarray


def outcome(game: SelectionGame, policies: np.ndarray, tie_rule: TieRule = "uniform") -> SelectionOutcome:
    """Play the profile with exact evaluation: who is selected and what everyone gets."""
    policies = check_policies(game, policies, game.k)
    alice_w, bobs_w = context_tables(game)
    values = np.einsum("nxa,xa->n", policies, alice_w)
    selection = selection_probabilities(values, tie_rule)
    bob_of_policy = np.einsum("nxa,kxa->kn", policies, bobs_w)  # [j, i] = E[U_j(π_i)]
    return SelectionOutcome(values, selection, float(selection @ values), bob_of_policy @ selection)


# ------------------------------------------------------------------------------- exact best responses (sweep)
@dataclass(frozen=True)
class BobPath:
    """Every vertex of v ↦ LP_j(v) = max{E[U_j(π)] : V_A(π) ≥ v}, from Bob j's favourite policy to OPT.

    The favourite plays argmax_a Ū_j(x, a) in each context (ties: Alice's preference). Step t moves context
    ``contexts[t]`` from ``sources[t]`` to ``targets[t]`` at Lagrange price ``prices[t]`` (non-decreasing);
    ``levels[t]`` and ``values[t]`` are V_A and E[U_j] after t steps. The last level is OPT.
    """

    bob: int
    start: np.ndarray
    contexts: np.ndarray
    sources: np.ndarray
    targets: np.ndarray
    prices: np.ndarray
    levels: np.ndarray
    values: np.ndarray
    n_actions: int = field(repr=False)

    @property
    def favourite_level(self) -> float:
        return float(self.levels[0])

    def value_at(self, level: float) -> float:
        """LP_j(level); −inf when no policy reaches ``level`` (above OPT)."""
        if level > self.levels[-1] + LEVEL_TOL:
            return -np.inf
        return float(np.interp(level, self.levels, self.values))

    def policy_at(self, level: float) -> np.ndarray:
        """An optimal policy of LP_j(level): a vertex of the path, one context randomised in between."""
        level = min(max(level, self.levels[0]), self.levels[-1])
        done = int(np.searchsorted(self.levels, level, side="right")) - 1  # steps fully applied
        actions = self.start.copy()
        last = np.full(actions.size, -1)
        np.maximum.at(last, self.contexts[:done], np.arange(done))
        moved = last >= 0
        actions[moved] = self.targets[last[moved]]
        policy = deterministic_policy(actions, self.n_actions)
        if done < self.contexts.size and level > self.levels[done]:
            theta = (level - self.levels[done]) / (self.levels[done + 1] - self.levels[done])
            context = self.contexts[done]
            policy[context] = 0.0
            policy[context, self.sources[done]] = 1.0 - theta
            policy[context, self.targets[done]] = theta
        return policy

    def utilities_along(self, tables: np.ndarray) -> np.ndarray:
        """Values of the path's vertex policies under weighted tables (m, X, A): shape (m, steps + 1)."""
        start = tables[:, np.arange(self.start.size), self.start].sum(axis=1)
        delta = tables[:, self.contexts, self.targets] - tables[:, self.contexts, self.sources]
        return np.concatenate([start[:, None], start[:, None] + np.cumsum(delta, axis=1)], axis=1)


def bob_path(game: SelectionGame, bob: int, tables: tuple[np.ndarray, np.ndarray] | None = None) -> BobPath:
    """The Lagrangian sweep for Bob ``bob``: per-context upper hulls merged by price (exact, O(X·A²))."""
    if not 0 <= bob < game.k:
        raise InputError(f"bob must index one of the {game.k} Bobs; got {bob!r}.")
    alice_w, bobs_w = context_tables(game) if tables is None else tables
    return _sweep(alice_w, bobs_w[bob], bob)


def _sweep(alice_w: np.ndarray, own_w: np.ndarray, bob: int) -> BobPath:
    n_contexts, n_actions = alice_w.shape
    rows = np.arange(n_contexts)
    top = own_w >= own_w.max(axis=1, keepdims=True) - _SLOPE_TOL
    start = np.argmax(np.where(top, alice_w, -np.inf), axis=1)
    current = start.copy()
    found: list[tuple[np.ndarray, ...]] = []
    for order in range(n_actions - 1):
        d_alice = alice_w - alice_w[rows, current][:, None]
        d_own = own_w - own_w[rows, current][:, None]
        better = d_alice > 0
        live = better.any(axis=1)
        if not live.any():
            break
        slope = np.where(better, d_own / np.where(better, d_alice, 1.0), -np.inf)
        best = slope.max(axis=1)
        tied = better & (slope >= best[:, None] - _SLOPE_TOL)
        nxt = np.argmax(np.where(tied, alice_w, -np.inf), axis=1)
        idx = np.flatnonzero(live)
        price = np.maximum(-best[idx], 0.0)
        found.append((idx, current[idx], nxt[idx], price, np.full(idx.size, order)))
        current[idx] = nxt[idx]
    if found:
        contexts, sources, targets, prices, orders = (np.concatenate(p) for p in zip(*found, strict=True))
        perm = np.lexsort((orders, contexts, prices))
        contexts, sources, targets, prices = contexts[perm], sources[perm], targets[perm], prices[perm]
    else:
        contexts = sources = targets = np.zeros(0, dtype=int)
        prices = np.zeros(0)
    level0 = alice_w[rows, start].sum()
    value0 = own_w[rows, start].sum()
    gains = alice_w[contexts, targets] - alice_w[contexts, sources]
    costs = own_w[contexts, targets] - own_w[contexts, sources]
    levels = np.concatenate([[level0], level0 + np.cumsum(gains)])
    values = np.concatenate([[value0], value0 + np.cumsum(costs)])
    return BobPath(bob, start, contexts, sources, targets, prices, levels, values, n_actions)


def constrained_best_response(
    game: SelectionGame, bob: int, threshold: float, tables: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[float, np.ndarray] | None:
    """Exact solution of max E[U_bob(π)] s.t. V_A(π) ≥ threshold: (value, policy), or None if infeasible."""
    path = bob_path(game, bob, tables)
    value = path.value_at(threshold)
    if not np.isfinite(value):
        return None
    return value, path.policy_at(threshold)


# ---------------------------------------------------------------------------------- deviations and equilibria
@dataclass(frozen=True)
class Deviation:
    """The supremum of Bob j's payoff over all his policies, the others fixed.

    ``kind``: "drop" (let another Bob be selected), "favourite" (selected with his unconstrained favourite),
    "overbid" (selected at the others' best level; a supremum approached by beating that level by a hair) or
    "tie" (the others are already Alice-optimal; only a tie at OPT is possible). ``policy`` attains the value
    (for "overbid": the optimal policy at exactly the others' level).
    """

    value: float
    kind: str
    policy: np.ndarray
    level: float


@dataclass(frozen=True)
class SelectionSolver:
    """Per-game data every equilibrium computation needs: weighted tables, each Bob's sweep, cross values.

    Build it with :meth:`build`, which computes every field from the game (docs/theory.md §1.6).

    Attributes
    ----------
    game : SelectionGame
        The game.
    tie_rule : {"uniform", "lowest"}
        How Alice breaks ties between equally valued Bobs.
    alice_w : numpy.ndarray, shape (X, A)
        Σ_y π(x, y)·u_A(a, y).
    bobs_w : numpy.ndarray, shape (k, X, A)
        Σ_y π(x, y)·U_j(a, y) for each Bob.
    paths : tuple of BobPath
        Each Bob's Lagrangian sweep: every vertex of LP_j(v) from his favourite policy to OPT.
    cross : tuple of numpy.ndarray
        ``cross[i][j, t]``: E[U_j] at vertex t of Bob i's path.
    opt : float
        OPT = E_x[max_a E[u_A | x]].
    worst : float
        Alice's lowest value of any policy, E_x[min_a E[u_A | x]].
    """

    game: SelectionGame
    tie_rule: str
    alice_w: np.ndarray
    bobs_w: np.ndarray
    paths: tuple[BobPath, ...]
    cross: tuple[np.ndarray, ...]  # cross[i][j, t]: E[U_j] at vertex t of Bob i's path
    opt: float
    worst: float

    @classmethod
    def build(cls, game: SelectionGame, tie_rule: TieRule = "uniform") -> SelectionSolver:
        """The solver of ``game`` under ``tie_rule``; raises InputError for an unknown tie rule."""
        alice_w, bobs_w = context_tables(game)
        paths = tuple(_sweep(alice_w, bobs_w[j], j) for j in range(game.k))
        cross = tuple(path.utilities_along(bobs_w) for path in paths)
        return cls(game, check_tie_rule(tie_rule), alice_w, bobs_w, paths, cross,
                   float(alice_w.max(axis=1).sum()), float(alice_w.min(axis=1).sum()))

    def outcome(self, policies: np.ndarray) -> SelectionOutcome:
        return outcome(self.game, policies, self.tie_rule)

    def deviation(self, policies: np.ndarray, bob: int) -> Deviation:
        """Bob ``bob``'s best deviation against the others' policies (exact; see :class:`Deviation`)."""
        path = self.paths[bob]
        if self.game.k == 1:  # alone, he is always selected
            return Deviation(float(path.values[0]), "favourite", path.policy_at(-np.inf), -np.inf)
        values = np.einsum("nxa,xa->n", policies, self.alice_w)
        others = np.delete(np.arange(self.game.k), bob)
        top = values[others].max()
        tied = others[values[others] >= top - LEVEL_TOL]
        among = selection_probabilities(values[others], self.tie_rule)
        dropped = float(among @ np.einsum("nxa,xa->n", policies[others], self.bobs_w[bob]))
        options: list[Deviation] = []
        if self.worst < top - LEVEL_TOL:
            worst = deterministic_policy(np.argmin(self.alice_w, axis=1), self.game.n_actions)
            options.append(Deviation(dropped, "drop", worst, top))
        elif self.tie_rule == "lowest" and bob > tied[0]:
            options.append(Deviation(dropped, "drop", policies[tied[0]].copy(), top))
        if top < self.opt - LEVEL_TOL:
            if path.favourite_level > top + LEVEL_TOL:
                options.append(Deviation(float(path.values[0]), "favourite", path.policy_at(-np.inf), top))
            else:
                options.append(Deviation(path.value_at(top), "overbid", path.policy_at(top), top))
        else:
            own = float(path.values[-1])
            if self.tie_rule == "uniform":
                tie_value = (own + tied.size * dropped) / (tied.size + 1)
            else:
                tie_value = own if bob < tied[0] else dropped
            options.append(Deviation(tie_value, "tie", path.policy_at(np.inf), top))
        return max(options, key=lambda option: option.value)

    def regrets(self, policies: np.ndarray) -> np.ndarray:
        """For each Bob: (sup over his deviations) − (his payoff); an equilibrium has all regrets ≤ tol."""
        payoffs = self.outcome(policies).bob_payoffs
        return np.array([self.deviation(policies, j).value - payoffs[j] for j in range(self.game.k)])

    def clock(self, start_level: float, tol: float) -> tuple[float, int]:
        """Ascending clock: the lowest level u ≥ ``start_level`` at which some Bob i's optimal policy at u
        leaves every other Bob j at most ``tol`` to gain by overbidding it, LP_j(u) − E[U_j(π_i(u))] ≤ tol.

        Exact: every gap is linear between consecutive path vertices. Returns (u, i); u = OPT if none lower.
        """
        k = self.game.k
        grid = np.unique(np.concatenate([[start_level, self.opt], *(p.levels for p in self.paths)]))
        grid = grid[(grid >= start_level) & (grid <= self.opt)]
        if grid.size < 2:
            return self.opt, 0
        own = np.stack([np.interp(grid, p.levels, p.values) for p in self.paths])  # LP_j at grid: (k, T)
        offered = np.stack([  # [i, j, t] = E[U_j(π_i(grid_t))]
            np.stack([np.interp(grid, self.paths[i].levels, self.cross[i][j]) for j in range(k)])
            for i in range(k)
        ])
        gaps = own[None, :, :] - offered
        gaps[np.arange(k), np.arange(k), :] = -np.inf  # a leader does not deter himself
        a, b = gaps[:, :, :-1], gaps[:, :, 1:]
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = b - a
            cut = np.where(slope != 0, (tol - a) / slope, 0.0)
        lower = np.where(slope < 0, cut, np.where((slope == 0) | np.isinf(a), 0.0, -np.inf))
        upper = np.where(slope > 0, cut, np.inf)
        blocked = (slope == 0) & (a > tol)
        lo = np.maximum(lower.max(axis=1), 0.0)
        hi = np.minimum(upper.min(axis=1), 1.0)
        favourite = np.array([p.favourite_level for p in self.paths])
        allowed = grid[None, :-1] >= favourite[:, None] - LEVEL_TOL
        feasible = (lo <= hi) & ~blocked.any(axis=1) & allowed
        if not feasible.any():
            return self.opt, 0
        width = np.diff(grid)
        level = np.where(feasible, grid[None, :-1] + lo * width[None, :], np.inf)
        first = np.unravel_index(np.argmin(level.T), level.T.shape)  # earliest segment, then lowest Bob
        return float(level[first[1], first[0]]), int(first[1])

    def common_profile(self, leader: int, level: float) -> np.ndarray:
        """Every Bob plays Bob ``leader``'s optimal policy at ``level``."""
        return np.repeat(self.paths[leader].policy_at(level)[None], self.game.k, axis=0)


@dataclass(frozen=True)
class DynamicsResult:
    """Where best-response dynamics stopped: the profile, whether it converged, passes and clock jumps."""

    policies: np.ndarray
    converged: bool
    passes: int
    clock_jumps: int


def best_response_dynamics(
    solver: SelectionSolver, start: np.ndarray, tol: float = 1e-9, max_passes: int = 50
) -> DynamicsResult:
    """Round-robin best responses from ``start`` until no Bob gains more than ``tol``.

    A Bob whose best response is an overbid would start a war of ever smaller overbids; its limit is resolved
    by :meth:`SelectionSolver.clock` (ours): all Bobs move to the policy at which the war first stops.
    """
    policies = check_policies(solver.game, start, solver.game.k)
    jumps = 0
    for passes in range(1, max_passes + 1):
        moved = False
        for j in range(solver.game.k):
            payoff = solver.outcome(policies).bob_payoffs[j]
            deviation = solver.deviation(policies, j)
            if deviation.value <= payoff + tol:
                continue
            moved = True
            if deviation.kind == "overbid":
                level, leader = solver.clock(deviation.level, tol / 2)  # margin against round-off
                policies = solver.common_profile(leader, level)
                jumps += 1
            else:
                policies[j] = deviation.policy
        if not moved:
            return DynamicsResult(policies, True, passes, jumps)
    return DynamicsResult(policies, False, max_passes, jumps)


def random_start(solver: SelectionSolver, rng: np.random.Generator) -> np.ndarray:
    """A random profile: each Bob plays a random point of his own path or a uniformly random pure policy."""
    game = solver.game
    policies = np.empty((game.k, game.n_contexts, game.n_actions))
    for j, path in enumerate(solver.paths):
        if rng.random() < 0.5:
            policies[j] = path.policy_at(rng.uniform(path.favourite_level, solver.opt))
        else:
            actions = rng.integers(game.n_actions, size=game.n_contexts)
            policies[j] = deterministic_policy(actions, game.n_actions)
    return policies


def favourites_start(solver: SelectionSolver) -> np.ndarray:
    """Every Bob starts at his unconstrained favourite policy."""
    return np.stack([path.policy_at(-np.inf) for path in solver.paths])


@dataclass(frozen=True)
class SelectionEquilibrium:
    """A verified equilibrium: the profile, Alice's utility, the Bobs' payoffs and the largest regret.

    Attributes
    ----------
    policies : numpy.ndarray, shape (k, X, A)
        Each Bob's policy π_i(a | x).
    alice_utility : float
        V_A of the followed policy (in expectation over ties).
    bob_payoffs : numpy.ndarray, shape (k,)
        E[U_j] of each Bob under the followed policy.
    max_regret : float
        The largest gain of a deviation (exact best response); at most the tolerance.
    """

    policies: np.ndarray
    alice_utility: float
    bob_payoffs: np.ndarray
    max_regret: float


@dataclass(frozen=True)
class EquilibriumSearch:
    """Distinct verified equilibria reached from the starts, and how many runs converged."""

    equilibria: tuple[SelectionEquilibrium, ...]
    runs: int
    converged: int

    @property
    def min_alice_utility(self) -> float:
        return min((eq.alice_utility for eq in self.equilibria), default=float("nan"))


def find_equilibria(
    solver: SelectionSolver,
    starts: int,
    rng: np.random.Generator,
    tol: float = 1e-9,
    max_passes: int = 50,
    extra_starts: Sequence[np.ndarray] = (),
) -> EquilibriumSearch:
    """Best-response dynamics from the favourites' profile, ``extra_starts`` and ``starts`` random profiles.

    A final profile counts only if its no-profitable-deviation check passes (every regret ≤ tol).

    Parameters
    ----------
    solver : SelectionSolver
        The game's solver (docs/theory.md §1.6).
    starts : int
        Random starting profiles, >= 0 (each Bob at a random point of his path or a random pure policy).
    rng : numpy.random.Generator
        Draws the random starts.
    tol : float
        Largest regret of an equilibrium.
    max_passes : int
        Round-robin passes before a run counts as not converged.
    extra_starts : sequence of numpy.ndarray
        More starting profiles, each (k, X, A).

    Returns
    -------
    EquilibriumSearch
        The distinct equilibria found (profiles equal to 9 decimals are one), by increasing Alice utility;
        the number of runs (1 + len(extra_starts) + starts) and of converged runs.

    Raises
    ------
    InputError
        When ``starts`` is not an integer >= 0, or an extra start is not a valid profile.
    """
    if not (isinstance(starts, (int, np.integer)) and starts >= 0):
        raise InputError(f"starts must be an integer >= 0; got {starts!r}.")
    profiles = [favourites_start(solver), *extra_starts, *(random_start(solver, rng) for _ in range(starts))]
    found: dict[bytes, SelectionEquilibrium] = {}
    converged = 0
    for start in profiles:
        result = best_response_dynamics(solver, start, tol, max_passes)
        converged += result.converged
        regret = float(solver.regrets(result.policies).max())
        if regret > tol:
            continue
        key = np.round(result.policies, 9).tobytes()
        if key not in found:
            played = solver.outcome(result.policies)
            found[key] = SelectionEquilibrium(
                result.policies, played.alice_utility, played.bob_payoffs, regret
            )
    ordered = sorted(found.values(), key=lambda eq: eq.alice_utility)
    return EquilibriumSearch(tuple(ordered), len(profiles), converged)
