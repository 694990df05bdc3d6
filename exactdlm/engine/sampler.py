"""Exact output laws of the masked-diffusion sampler, its expected KL and learning error
(docs/theory.md §2, §4, §7).

For an ordered partition ``S = (S_1..S_K)`` the output law is
``q_S(x) = prod_k prod_{j in S_k} p̂(x_j | x_{R_k})``. The sampler's output law is the mixture
``q = E_S q_S`` over the random partition of the schedule; :func:`sampler_law` computes it by the
layered DP of docs/theory.md §7, never listing patterns: ``W(R, x_R)`` = probability that after some
step the revealed set is ``R`` with values ``x_R``; a step of size ``s`` from ``R`` moves mass to
``(R ∪ S, x_{R∪S})`` with weight ``prob / C(m, s) · prod_{j in S} p̂(x_j | x_R)`` (every token of
a block drawn from the same context). Random sizes add the schedule's chain state to ``W``
(``schedules.Schedule``). Float laws run numba kernels (``_kernels.sampler``) on the mask-block
layout; exact laws with exact predictors run their pure-Python twins on ``Fraction`` arrays.

Error quantities (all ``LogForm`` for exact laws, floats otherwise):

* ``expected_kl``: ``EKL = E_S KL(p || q_S)`` by (E1) for fixed sizes, by (E4) with exact
  ``E[N_j]`` for random sizes, by the mask chain for semi-AR blocks
  (``sum_{R,j} P(step from R reveals j) [H(X_{R+j}) - H(X_R)] - H(X)``); with a predictor it
  adds ``E_learn`` (E6): ``E_S KL(p || q̂_S) = EKL + E_learn``;
* ``learning_error``: ``E_learn = sum_{R,j} P(step from R reveals j) D(R, j)``,
  ``D(R, j) = E_{x_R ~ p} KL(p(.|x_R) || p̂(.|x_R))``;
* ``epsilon_train``: LC's ``E_{τ,X,M_τ}[(L/|M_τ|) sum_{i in M_τ} log p*_i/p̂_i]`` with
  ``P(τ = k) = s_k/L`` and ``|M_τ| = L - t_{k-1}``, straight from its definition;
* ``mixture_kl``: ``KL(p || q)``.
"""

from __future__ import annotations

import heapq
import math
from fractions import Fraction
from itertools import combinations
from math import comb

import numpy as np

from ._kernels import sampler as ks
from .divergence import kl, kl_arrays
from . import cost, multimodular
from ..laws import budget
from .dp import DPEngine
from .rounding import clamp_nonnegative
from ..arith import LogForm
from .info import ekl_from_profile, entropy_profile, info_curve, subset_entropies
from ..laws.joint import check_fits, lattice_bytes
from ..laws import as_law
from .predictors import as_predictor
from ..schedules import (
    DecodingRule,
    Partition,
    as_schedule,
    cumulative,
    expected_N,
    is_fixed,
    pattern_count,
    reveals_by_context,
    validate_sizes,
)

#: most ordered partitions ``expected_kl_enumerated`` will list
PATTERN_CAP = 200_000
#: most rows evaluated by ``epsilon_train`` (it calls the predictor once per row)
TRAIN_ROW_CAP = 2_000_000


def _structured(p) -> bool:
    return hasattr(p, "entropy_profile") and not isinstance(p, np.ndarray)


def _as_dense(p):
    """A JointLaw; structured laws (``exactdlm.structured``) are expanded with ``to_joint()``."""
    if _structured(p) and not hasattr(p, "array"):
        if not hasattr(p, "to_joint"):
            raise ValueError(f"{type(p).__name__} has no dense form; this needs the law as an array")
        return as_law(p.to_joint())
    return as_law(p)


#: the exact DP's arithmetic: "auto" (multimodular where it applies), "modular" or "fraction"
EXACT_ENGINES = ("auto", "modular", "fraction")


def _run(p, schedule, predictor, engine="auto"):
    law = _as_dense(p)
    if engine not in EXACT_ENGINES:
        raise ValueError(f"engine must be one of {', '.join(EXACT_ENGINES)}, got {engine!r}")
    sched = as_schedule(schedule, law.L)
    eng = DPEngine(law, predictor)
    modular = eng.exact and engine != "fraction" and multimodular.supports(eng.pred)
    if engine == "modular" and not modular:
        raise ValueError("engine='modular' needs an exact law and an exact ratio, mix or table predictor")
    arithmetic = "modular" if modular else "fraction" if eng.exact else "float"
    secs, bar_total = _check_time(eng, sched, arithmetic)
    bar = budget.progress(bar_total, f"sampler law L={law.L}", secs, "prime" if modular else "op")
    try:
        if modular:
            q = multimodular.sampler_law_multimodular(law, sched, predictor, bar=bar)
        else:
            eng.bar = bar
            q = eng.run(sched)
    finally:
        bar.close()
    return q.reshape((law.V,) * law.L)


#: below this much DP work (multiply-adds) no estimate is made: every arithmetic takes < 10 s
QUICK_WORK = 20_000


def _check_time(eng, sched, arithmetic: str) -> tuple[float, float]:
    """Refuse a sampler DP estimated over the time cap (``laws.budget``); returns
    ``(estimated seconds, progress-bar total)``."""
    work = sum(eng.move_work(t, mv) for t, _, mv in eng.chain_moves(sched))
    if work < QUICK_WORK:
        return 0.0, 0  # no estimate: the bar (when forced) counts without a total
    secs, detail, steps = cost.sampler_seconds(eng, sched, arithmetic)
    kind = {"modular": "exact (multimodular)", "fraction": "exact (Fraction)", "float": "float"}[arithmetic]
    fixes = "use a smaller L" if arithmetic == "float" else (
        "use float mode (JointLaw(p.float_array())), a smaller L, or a schedule with fewer large steps")
    budget.check_time(secs, f"the {kind} sampler law with L={eng.L}, V={eng.V} ({detail})", fixes)
    return secs, steps


def sampler_law(p, sizes, predictor=None, *, engine="auto") -> np.ndarray:
    """The sampler's output law ``q`` (shape ``(V,)*L``): the mixture over all mask patterns.

    ``sizes``: a tuple of step sizes in reveal order, or a schedule object (``BernoulliReveal``,
    ``CutPoints``, ``SemiAR``; a :class:`~exactdlm.schedules.DecodingRule`, such as a value-adaptive
    rule, computes its own law and is handed ``p``).
    ``predictor``: ``None`` (exact conditionals), a joint law of the same shape, a conditional
    table or a perturbation (``exactdlm.engine.predictors``). Fractions when the law and the
    predictor are exact, float64 otherwise. At contexts of probability 0 the predictor is
    uniform (docs/theory.md §1).
    ``engine``: the exact arithmetic (``"auto"``: multimodular, ``engine.multimodular``, for the
    predictors it runs, else ``Fraction``; ``"fraction"``: the ``Fraction`` DP, the reference
    twin). Float laws ignore it.
    """
    if isinstance(sizes, DecodingRule):
        return sizes.law(p, predictor)
    return _run(p, sizes, predictor, engine)


def pattern_law(p, partition, predictor=None) -> np.ndarray:
    """``q_S`` for one ordered partition ``S = (S_1, ..., S_K)`` of the positions."""
    law = _as_dense(p)
    return _run(law, Partition(partition, law.L), predictor)


# ----------------------------------------------------------------------------------------
# expected KL and learning error
# ----------------------------------------------------------------------------------------
def _mask_weights(sched, L: int, exact: bool):
    """``w[R][j]`` = P(some step has context ``R`` and reveals ``j``), by the chain over masks."""
    one = Fraction(1) if exact else 1.0
    weights: dict = {}
    mass = {(0, sched.start()): {0: one}}
    heap = [(0, sched.start())]
    while heap:
        key = heapq.heappop(heap)
        dist = mass.pop(key)
        if key[0] == L:
            continue
        for mv in sched.moves(*key):
            if mv.prob == 0:
                continue
            k2 = (mv.t, mv.state)
            if k2 not in mass:
                mass[k2] = {}
                heapq.heappush(heap, k2)
            for R, pr in dist.items():
                allowed = (1 << L) - 1 if mv.allowed is None else mv.allowed
                cand = [j for j in range(L) if allowed >> j & 1 and not R >> j & 1]
                if len(cand) != mv.m:
                    raise ValueError(f"schedule move {mv} has m={mv.m} but {len(cand)} candidates at mask {R:b}")
                if mv.size == 0:
                    mass[k2][R] = mass[k2].get(R, 0) + pr * mv.prob
                    continue
                row = weights.setdefault(R, {})
                for j in cand:
                    row[j] = row.get(j, 0) + pr * mv.prob * mv.size / mv.m
                share = pr * mv.prob / comb(mv.m, mv.size)
                for S in combinations(cand, mv.size):
                    C = R | sum(1 << j for j in S)
                    mass[k2][C] = mass[k2].get(C, 0) + share
    return weights


def _ekl_masks(law, sched):
    """EKL as ``sum_{R,j} w(R,j) [H(X_{R+j}) - H(X_R)] - H(X)`` (any schedule; small L)."""
    H = subset_entropies(law)
    L = law.L
    total = LogForm() if law.exact else 0.0
    for R, row in _mask_weights(sched, L, law.exact).items():
        for j, w in row.items():
            total = total + (H[R | 1 << j] - H[R]) * w
    return total - H[(1 << L) - 1]


def _ekl(p, sizes):
    """EKL without a predictor: (E1), (E4) or the mask chain."""
    if _structured(p) and not hasattr(p, "array") and hasattr(type(p), "expected_kl"):
        return p.expected_kl(sizes)  # the law's own path works from Ī: ~1e-12 at L = 4096
    if is_fixed(sizes):
        g = entropy_profile(p)
        sizes = validate_sizes(sizes, len(g) - 1)
        value = ekl_from_profile(g, sizes)
        if isinstance(value, float):
            ts = cumulative(sizes)[:-1]
            scale = sum(s * abs(g[t + 1] - g[t]) for t, s in zip(ts, sizes)) + abs(g[-1])
            value = clamp_nonnegative(value, scale, len(g) - 1)
        return value
    if sizes.uniform_positions:
        Ibar = info_curve(p)
        L = len(Ibar)
        if sizes.L != L:
            raise ValueError(f"the schedule has length {sizes.L}, the law has L={L}")
        EN = expected_N(sizes)
        total = Ibar[0] * 0
        for j in range(1, L):
            total = total + (Ibar[j] - Ibar[j - 1]) * EN[j - 1]
        return total
    law = _as_dense(p)
    return _ekl_masks(law, as_schedule(sizes, law.L))


def expected_kl(p, sizes, predictor=None):
    """``E_S KL(p || q̂_S)``: the EKL of the schedule, plus ``E_learn`` with a predictor (E6).

    Without a predictor: (E1) for fixed sizes (structured laws supply ``entropy_profile``), (E4)
    with exact ``E[N_j]`` for random sizes, the mask chain for semi-AR blocks. ``LogForm`` for
    exact laws, float otherwise.
    """
    base = _ekl(p, sizes)
    if predictor is None:
        return base
    learn = learning_error(p, sizes, predictor)
    if isinstance(base, LogForm) and not isinstance(learn, LogForm):
        return float(base) + float(learn)  # an exact law with a float predictor: float result
    return base + learn


def _learning_D(law, predictor):
    """``D[R][j]`` for every mask and position: float array (or dict of LogForms when exact)."""
    eng = DPEngine(law, predictor)
    if eng.exact:
        secs, detail = cost.learning_seconds(law.L, law.V)
        budget.check_time(secs, f"the exact learning error with L={law.L}, V={law.V} ({detail})",
                          "use float mode (a float law or predictor), a smaller L")
    check_fits(lattice_bytes(law.L, law.V, copies=2 + (eng.pred.table is not None) * law.L * law.V,
                             itemsize=eng.item_bytes()), f"the learning error with L={law.L}, V={law.V}")
    code, Mp, Tab, params, seed = eng.predictor_data()
    args = (eng.masks_all, eng.mask_start, eng.block_off, eng.layer_start, law.L, law.V)
    if not eng.exact:
        M = eng.marginals(law)
        if M.dtype == object:
            M = np.array([float(x) for x in M])
        return ks.learning_terms(M, Mp, Tab, params, seed, code, *args), False
    return _learning_D_exact(eng, eng.marginals(law), (code, Mp, Tab, params, seed)), True


def _learning_D_exact(eng, M, data):
    code, Mp, Tab, params, seed = data
    L, V, bo, ls = eng.L, eng.V, eng.block_off, eng.layer_start
    D = {}
    row = [Fraction(0)] * V
    for t in range(L):
        for R in eng.layer_masks[t]:
            R = int(R)
            for j in range(L):
                if R >> j & 1:
                    continue
                P = V ** bin(R >> (j + 1)).count("1")
                form = LogForm()
                for a in range(V**t):
                    mR = M[ls[t] + bo[R] + a]
                    if mR == 0:
                        continue
                    ks.cond_row_py(code, Mp, Tab, params, seed, bo, ls, L, V, t, R, a, j, row)
                    hi = a // P
                    base = ls[t + 1] + bo[R | 1 << j] + hi * P * V + (a - hi * P)
                    for v in range(V):
                        mv = M[base + v * P]
                        if mv > 0:
                            if row[v] == 0:
                                return math.inf
                            form._add_term(mv / mR / row[v], mv)
                D[(R, j)] = form
    return D


def learning_error(p, sizes, predictor):
    """``E_learn = E_S sum_k sum_{j in S_k} E_x KL(p(.|x_{R_k}) || p̂(.|x_{R_k}))`` of (E6).

    ``inf`` when the predictor gives probability 0 to a value ``p`` can reach.
    """
    law = _as_dense(p)
    L = law.L
    D, exact = _learning_D(law, predictor)
    if isinstance(D, float):
        return D
    sched = as_schedule(sizes, L)
    total = LogForm() if exact else 0.0

    def term(R, j):
        return D[(R, j)] if exact else float(D[R, j])

    if sched.uniform_positions:
        n_t = reveals_by_context(sched)
        for t in range(L):
            if n_t[t] == 0:
                continue
            cells = [(int(R), j) for R in _layer_masks(L, t) for j in range(L) if not int(R) >> j & 1]
            mean = sum((term(R, j) for R, j in cells), LogForm() if exact else 0.0) / len(cells)
            total = total + mean * (Fraction(n_t[t]) if exact else float(n_t[t]))
        return total
    for R, row in _mask_weights(sched, L, exact).items():
        for j, w in row.items():
            total = total + term(R, j) * (w if exact else float(w))
    return total


def _layer_masks(L: int, t: int):
    return [R for R in range(1 << L) if bin(R).count("1") == t]


def epsilon_train(p, sizes, predictor):
    """LC's training error ``E_{τ,X,M_τ}[(L/|M_τ|) sum_{i in M_τ} log p*(x_i|x_U)/p̂(x_i|x_U)]``.

    ``P(τ = k) = s_k/L``, ``M_τ`` a uniform subset of ``L - t_{k-1}`` masked positions, ``U`` the
    rest, ``X ~ p``; computed from the definition with ``predictor.conditional`` (small L).
    Equals :func:`learning_error` exactly (the coefficient of ε_train in LC's bound is 1).
    """
    law = _as_dense(p)
    L, V = law.L, law.V
    sizes = validate_sizes(sizes, L)
    pred = as_predictor(predictor, law)
    exact = law.exact and pred.exact
    rows = sum(comb(L, t) * (L - t) * V**t for t in cumulative(sizes)[:-1])
    if rows > TRAIN_ROW_CAP:
        raise ValueError(f"epsilon_train would evaluate {rows:,} rows, over {TRAIN_ROW_CAP:,}; use learning_error")
    secs, detail = cost.train_seconds(rows, V, exact)
    budget.check_time(secs, f"epsilon_train with L={L}, V={V} ({detail})",
                      "use learning_error (equal to it), float mode or a smaller L")
    from .lattice import Lattice

    lat = Lattice(law)
    total = LogForm() if exact else 0.0
    for t, s in zip(cumulative(sizes)[:-1], sizes):
        m = L - t
        weight = Fraction(s, L) * Fraction(L, m) / comb(L, t)  # P(τ) · (L/|M|) · P(M)
        for U in combinations(range(L), t):
            for xU in np.ndindex(*(V,) * t):
                ctx = dict(zip(U, xU))
                pU = lat.prob(ctx)
                if pU == 0:
                    continue
                for i in range(L):
                    if i in ctx:
                        continue
                    true = lat.conditional(i, ctx)
                    hat = pred.conditional(i, ctx)
                    for v in range(V):
                        if true[v] == 0:
                            continue
                        if hat[v] == 0:
                            return math.inf
                        if exact:
                            total._add_term(true[v] / hat[v], weight * pU * true[v])
                        else:
                            total += float(weight) * float(pU) * float(true[v]) * math.log(float(true[v]) / float(hat[v]))
    return total


def mixture_kl(p, sizes, predictor=None, *, engine="auto"):
    """``KL(p || q)`` with ``q = sampler_law(p, sizes, predictor)``; structured laws use their own.
    ``engine``: as in :func:`sampler_law`."""
    if predictor is None and hasattr(p, "mixture_kl") and not isinstance(p, np.ndarray):
        return p.mixture_kl(sizes)
    law = _as_dense(p)
    q = sampler_law(law, sizes, predictor, engine=engine)
    value = kl(law, q)
    if isinstance(value, float) and value < 0:
        a, b = law.float_array().reshape(-1), np.asarray(q, dtype=float).reshape(-1)
        pos = a > 0
        scale = float(np.sum(a[pos] * (np.abs(np.log(a[pos])) + np.abs(np.log(b[pos])))))
        value = clamp_nonnegative(value, scale, law.L)
    return value


def step_breakdown(p, sizes, predictor=None) -> list[dict]:
    """Per step of a fixed schedule: ``size``, ``t`` (context size), ``ekl`` (its share of (E1):
    ``s (g(t+1) - g(t)) - (g(t+s) - g(t))``, the mean conditional TC of the block) and, with a
    predictor, ``learn`` (``s`` times the mean ``D(R, j)`` over ``|R| = t``, its share of E_learn)."""
    g = entropy_profile(p)
    L = len(g) - 1
    sizes = validate_sizes(sizes, L)
    out = []
    for t, s in zip(cumulative(sizes)[:-1], sizes):
        out.append({"size": s, "t": t, "ekl": (g[t + 1] - g[t]) * s - (g[t + s] - g[t])})
    if predictor is not None:
        D, exact = _learning_D(_as_dense(p), predictor)
        for row in out:
            if isinstance(D, float):
                row["learn"] = D
                continue
            cells = [(R, j) for R in _layer_masks(L, row["t"]) for j in range(L) if not R >> j & 1]
            vals = [D[(R, j)] if exact else float(D[R, j]) for R, j in cells]
            row["learn"] = sum(vals, LogForm() if exact else 0.0) * row["size"] / len(cells)
    return out


# ----------------------------------------------------------------------------------------
# references by listing patterns (small L)
# ----------------------------------------------------------------------------------------
def ordered_partitions(L: int, sizes):
    """Every ordered partition of ``range(L)`` into blocks of the given sizes."""

    def rec(remaining, k):
        if k == len(sizes):
            yield ()
            return
        for block in combinations(remaining, sizes[k]):
            rest = tuple(j for j in remaining if j not in block)
            for tail in rec(rest, k + 1):
                yield (block,) + tail

    yield from rec(tuple(range(L)), 0)


def _conditional_factor(a: np.ndarray, R, j, V: int, exact: bool) -> np.ndarray:
    """``p(x_j | x_R)`` broadcast over ``[V]^L``; uniform ``1/V`` where ``p(x_R) = 0``."""
    L = a.ndim
    keep_num = sorted(set(R) | {j})
    num = a.sum(axis=tuple(i for i in range(L) if i not in keep_num), keepdims=True)
    den = a.sum(axis=tuple(i for i in range(L) if i not in R), keepdims=True) if R else None
    if den is None:
        return num
    num, den = np.broadcast_arrays(num, den)
    if exact:
        out = np.empty(num.shape, dtype=object)
        flat_n, flat_d = num.reshape(-1), den.reshape(-1)
        out.reshape(-1)[:] = [n / d if d != 0 else Fraction(1, V) for n, d in zip(flat_n, flat_d)]
        return out
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0 / V)


def pattern_law_enumerated(p, partition, predictor=None) -> np.ndarray:
    """``q_S`` for one ordered partition, straight from the definition (the reference twin).

    With a predictor, every factor is ``predictor.conditional(j, x_R)`` evaluated per sequence.
    """
    law = as_law(p)
    a, V, L = law.array, law.V, law.L
    if predictor is not None:
        pred = as_predictor(predictor, law)
        exact = law.exact and pred.exact
        q = np.empty((V,) * L, dtype=object if exact else float)
        for x in np.ndindex(*q.shape):
            val = Fraction(1) if exact else 1.0
            R: dict = {}
            for block in partition:
                for j in block:
                    r = pred.conditional(j, R)[x[j]]
                    val = val * (r if exact else float(r))
                R.update({j: x[j] for j in block})
            q[x] = val
        return q
    q = np.ones((V,) * L, dtype=object if law.exact else float)
    if law.exact:
        q[...] = Fraction(1)
    R: list[int] = []
    for block in partition:
        for j in block:
            q = q * _conditional_factor(a, tuple(R), j, V, law.exact)
        R.extend(block)
    return q


def expected_kl_enumerated(p, sizes, predictor=None):
    """``E_S KL(p || q̂_S)`` by listing every ordered partition (the check of (E1)/(E6)); small L."""
    law = as_law(p)
    sizes = validate_sizes(sizes, law.L)
    n = pattern_count(sizes)
    if n > PATTERN_CAP:
        raise ValueError(
            f"sizes {sizes} have {n:,} ordered partitions, over the enumeration cap {PATTERN_CAP:,}; "
            "use expected_kl (closed form E1) or a shorter law"
        )
    exact = law.exact and (predictor is None or as_predictor(predictor, law).exact)
    total = LogForm() if exact else 0.0
    arr = law.array if exact else law.float_array()
    for part in ordered_partitions(law.L, sizes):
        q = pattern_law_enumerated(law, part, predictor)
        term = kl_arrays(arr, q, exact)
        if isinstance(term, float) and math.isinf(term):
            return math.inf
        total = total + term
    return total / n


def sampler_law_enumerated(p, sizes, predictor=None) -> np.ndarray:
    """The mixture law by listing every ordered partition (the brute-force reference); small L."""
    law = as_law(p)
    sizes = validate_sizes(sizes, law.L)
    n = pattern_count(sizes)
    if n > PATTERN_CAP:
        raise ValueError(f"sizes {sizes} have {n:,} ordered partitions, over the cap {PATTERN_CAP:,}; use sampler_law")
    total = None
    for part in ordered_partitions(law.L, sizes):
        q = pattern_law_enumerated(law, part, predictor)
        total = q if total is None else total + q
    return total / n
