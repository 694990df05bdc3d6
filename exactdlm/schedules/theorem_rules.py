"""The schedule rules and constants the claims are stated with (docs/theory.md §4-§5), in exact arithmetic.

These are the claims' own definitions, kept next to the claims: a claim about "the
revealed-count geometric schedule" is about the rule written here, and the catalogue also
checks that the library's constructors (``exactdlm.schedules``) follow it.

* ``balanced(L, K)``: sizes in ``{floor(L/K), ceil(L/K)}``, the larger ones first
  (``balanced(L, K, large_first=False)`` puts them last);
* ``geometric_dtc(L, rho)``: from ``a`` revealed, ``b = min(L, max(a+1, floor((1+rho)(a+1))))`` (G-DTC);
* ``geometric_tc(L, rho)``: ``s = 1 + floor(rho (L - a - 1))`` (G-TC);
* ``two_sided(L, rho)``: grow the block while ``t_k - j <= rho j (L - j) / L`` for all ``j`` in it (G-MIN);
* ``wc_dtc``/``wc_tc``: ``max_k (s_k-1)/(t_{k-1}+1)`` and ``max_{t_{k-1} <= L-2} (s_k-1)/(L-t_{k-1}-1)`` (WC);
* ``lc_constant(s_max)``: ``2^ceil(log2 s_max) - 1`` (LC-T1);
* ``N_counts``: ``N_j`` of (E4); ``expected_N_cuts``: ``E[N_j]`` for i.i.d. cut points (E4);
* ``cut_law``: the law of the sizes when ``K-1`` i.i.d. cuts with pmf ``w`` split ``1..L``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from itertools import product

import numpy as np

from .sizes import cumulative


def _rho(rho) -> Fraction:
    r = Fraction(rho)
    if r <= 0:
        raise ValueError(f"rho must be positive, got {rho}")
    return r


def balanced(L: int, K: int, large_first: bool = True) -> tuple[int, ...]:
    """``K`` sizes in ``{floor(L/K), ceil(L/K)}`` summing to ``L`` (``1 <= K <= L``)."""
    if not 1 <= K <= L:
        raise ValueError(f"K must lie in 1..L={L}, got {K}")
    q, r = divmod(L, K)
    sizes = [q + 1] * r + [q] * (K - r)
    return tuple(sizes if large_first else sizes[::-1])


def geometric_dtc(L: int, rho) -> tuple[int, ...]:
    """Revealed-count geometric rule: ``b = min(L, max(a+1, floor((1+rho)(a+1))))``."""
    r, a, out = _rho(rho), 0, []
    n, d = (1 + r).numerator, (1 + r).denominator
    while a < L:
        b = min(L, max(a + 1, n * (a + 1) // d))  # floor((1+rho)(a+1)) in integers
        out.append(b - a)
        a = b
    return tuple(out)


def geometric_tc(L: int, rho) -> tuple[int, ...]:
    """Masked-count geometric rule: ``s = 1 + floor(rho (L - a - 1))`` (capped at the masked count)."""
    r, a, out = _rho(rho), 0, []
    n, d = r.numerator, r.denominator
    while a < L:
        s = min(L - a, 1 + n * (L - a - 1) // d)  # 1 + floor(rho (L-a-1)) in integers
        out.append(s)
        a += s
    return tuple(out)


def _two_sided_ok(L: int, r: Fraction, a: int, b: int) -> bool:
    # b - j <= r j (L-j)/L in integers: den (b - j) L <= num j (L - j)
    n, d = r.numerator, r.denominator
    return all(d * (b - j) * L <= n * j * (L - j) for j in range(a + 1, b + 1))


def two_sided(L: int, rho) -> tuple[int, ...]:
    """Two-sided rule: from ``a`` revealed, the largest ``b`` with ``b - j <= rho j (L-j)/L`` for ``j = a+1..b``.

    With ``rho = n/d`` the block ``(a, b]`` is allowed iff ``d b L <= min_{a<j<=b} [n j (L-j) + d j L]``;
    the minimum is kept as the block grows, so the rule costs O(L) (``_two_sided_ok`` is the
    definition, term by term)."""
    r, a, out = _rho(rho), 0, []
    n, d = r.numerator, r.denominator
    while a < L:
        b = a + 1
        m = n * b * (L - b) + d * b * L
        while b < L:
            m2 = min(m, n * (b + 1) * (L - b - 1) + d * (b + 1) * L)
            if d * (b + 1) * L > m2:
                break
            b, m = b + 1, m2
        out.append(b - a)
        a = b
    return tuple(out)


def steps_bound_dtc(L: int, rho) -> int:
    """``ceil(ln(L+1) / ln(1+rho))``, exactly: the least ``K`` with ``(1+rho)^K >= L+1``."""
    r, K = _rho(rho), 0
    while (1 + r) ** K < L + 1:
        K += 1
    return K


def wc_dtc(sizes) -> Fraction:
    """``max_k (s_k - 1)/(t_{k-1} + 1)``: ``sup_p EKL/DTC`` for this schedule (WC)."""
    if len(sizes) > 32:
        s = np.asarray(sizes, dtype=np.int64)
        return _max_ratio_arrays(s - 1, np.cumsum(s) - s + 1)
    t = cumulative(sizes)
    return _max_ratio((s - 1, t[k] + 1) for k, s in enumerate(sizes))


def _max_ratio_arrays(num, den, default=None) -> Fraction:
    """``max num/den`` (``den > 0``) of integer arrays: float preselection, exact among near-ties."""
    if not len(num):
        return default
    r = num / den
    top = r.max()
    cand = np.flatnonzero(r >= top - 1e-9 * max(1.0, abs(top)))
    return _max_ratio((int(num[i]), int(den[i])) for i in cand)


def _max_ratio(pairs, default=None) -> Fraction:
    """``max num/den`` over positive ``den``, compared in integers (one Fraction at the end)."""
    best = None
    for num, den in pairs:
        if best is None or num * best[1] > best[0] * den:
            best = (num, den)
    if best is None:
        return default
    return Fraction(best[0], best[1])


def wc_tc(sizes) -> Fraction:
    """``max over t_{k-1} <= L-2 of (s_k - 1)/(L - t_{k-1} - 1)`` (0 if no step qualifies)."""
    t = cumulative(sizes)
    L = t[-1]
    if len(sizes) > 32:
        s = np.asarray(sizes, dtype=np.int64)
        start = np.cumsum(s) - s
        keep = start <= L - 2
        return _max_ratio_arrays((s - 1)[keep], (L - start - 1)[keep], Fraction(0))
    return _max_ratio(((s - 1, L - t[k] - 1) for k, s in enumerate(sizes) if t[k] <= L - 2), Fraction(0))


def wc_argmax(sizes, which: str) -> int:
    """Index ``k`` (0-based) of the step attaining :func:`wc_dtc` (``"dtc"``) or :func:`wc_tc` (``"tc"``)."""
    t = cumulative(sizes)
    L = t[-1]
    if which == "dtc":
        vals = [(Fraction(s - 1, t[k] + 1), k) for k, s in enumerate(sizes)]
    else:
        vals = [(Fraction(s - 1, L - t[k] - 1), k) for k, s in enumerate(sizes) if t[k] <= L - 2]
    return max(vals, key=lambda v: (v[0], -v[1]))[1] if vals else 0


def lc_constant(s_max: int) -> int:
    """``2^ceil(log2 s_max) - 1`` (LC-T1's factor before ``/L``)."""
    return (1 << (int(s_max) - 1).bit_length()) - 1


_HARMONIC = [Fraction(0)]


def harmonic(n: int) -> Fraction:
    """``H_n = 1 + 1/2 + ... + 1/n`` (``H_0 = 0``); the partial sums are kept, so a scan over every
    ``L`` costs one addition per length."""
    n = int(n)
    while len(_HARMONIC) <= n:
        _HARMONIC.append(_HARMONIC[-1] + Fraction(1, len(_HARMONIC)))
    return _HARMONIC[max(n, 0)]


def N_counts(sizes) -> list[int]:
    """``N_j``, ``j = 1..L-1`` (index ``j-1``): tokens revealed in the step of the ``j``-th one, after it."""
    out, t = [], 0
    for s in sizes:
        for j in range(t + 1, t + s + 1):
            out.append(t + s - j)
        t += s
    return out[:-1]


def pmf(weights) -> list[Fraction]:
    """Normalize positive rationals into a pmf."""
    w = [Fraction(x) for x in weights]
    total = sum(w, Fraction(0))
    if total <= 0 or any(x < 0 for x in w):
        raise ValueError(f"a pmf needs non-negative weights with a positive sum, got {weights}")
    return [x / total for x in w]


def cut_pmf(L: int, kind: str) -> list[Fraction]:
    """Cut-point pmf on ``c = 1..L-1``: ``"uniform"``, ``"tc"`` (``∝ 1/(L-c)``) or ``"dtc"`` (``∝ 1/c``)."""
    if L < 2:
        raise ValueError("cut points need L >= 2")
    if kind == "uniform":
        return pmf([1] * (L - 1))
    if kind == "tc":
        return pmf([Fraction(1, L - c) for c in range(1, L)])
    if kind == "dtc":
        return pmf([Fraction(1, c) for c in range(1, L)])
    raise ValueError(f"unknown cut pmf {kind!r}; use uniform, tc or dtc")


def expected_N_cuts(L: int, K: int, w) -> list[Fraction]:
    """(E4) ``E[N_j] = sum_{m=j}^{L-1} (1 - sum_{c=j}^{m} w(c))^(K-1)``, ``j = 1..L-1``; ``w[c-1] = w(c)``.

    Computed over integers: with ``D`` the common denominator of ``w``, ``W_m = D sum_{c<=m} w(c)``,
    ``y_m = D - W_m`` and ``e = K - 1``, ``D^e E[N_j] = sum_{m>=j} (y_m + W_{j-1})^e
    = sum_k C(e,k) W_{j-1}^(e-k) S_k(j)`` with the suffix power sums ``S_k(j) = sum_{m>=j} y_m^k``
    (``O(e L)`` products instead of ``O(L^2)`` powers). Cached: suites ask the same schedules
    for every law."""
    return list(_expected_N_cuts(int(L), int(K), tuple(Fraction(x) for x in w)))


def _cut_prefix(L: int, w: tuple) -> tuple[int, list[int]]:
    """``(D, W)``: the common denominator of ``w`` and ``W_m = D sum_{c<=m} w(c)``, ``m = 0..L-1``."""
    D = math.lcm(*(x.denominator for x in w)) if w else 1
    cum = [0]
    for x in w[: L - 1]:
        cum.append(cum[-1] + x.numerator * (D // x.denominator))
    return D, cum


@lru_cache(maxsize=64)
def _expected_N_cuts(L: int, K: int, w: tuple) -> tuple:
    D, cum = _cut_prefix(L, w)
    e = K - 1
    binom = [math.comb(e, k) for k in range(e + 1)]
    S = [0] * (e + 1)
    top = [0] * L
    for j in range(L - 1, 0, -1):
        y, power = D - cum[j], 1
        for k in range(e + 1):
            S[k] += power
            power *= y
        c, cpow, total = cum[j - 1], 1, 0
        for k in range(e, -1, -1):
            total += binom[k] * cpow * S[k]
            cpow *= c
        top[j] = total
    den = D**e
    return tuple(Fraction(top[j], den) for j in range(1, L))


def expected_N_cuts_bounds(L: int, K: int, w) -> tuple[np.ndarray, np.ndarray]:
    """Certified float enclosures ``lo[j-1] <= E[N_j] <= hi[j-1]`` (``j = 1..L-1``) of
    :func:`expected_N_cuts`, by outward-rounded float intervals (``arith.outward``): for long
    schedules, where the exact rationals have tens of thousands of bits. Relative width about
    ``(K + L) 2^-52``."""
    return _expected_N_cuts_bounds(int(L), int(K), tuple(Fraction(x) for x in w))


@lru_cache(maxsize=64)
def _expected_N_cuts_bounds(L: int, K: int, w: tuple):
    from ..arith import outward as ow

    D, cum = _cut_prefix(L, w)
    return _bounds_from_prefix(L, K, ow.from_rationals(Fraction(n, D) for n in cum))


def expected_N_cuts_bounds_kind(L: int, K: int, kind: str, max_K: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`expected_N_cuts_bounds` for ``w = cut_pmf(L, kind)``, without building the pmf's
    rationals: ``C_m = W_m / T`` with integer ``W_m`` (``T`` the sum of the integer weights
    ``lcm(1..L-1)/c``), and ``W_m / T`` as a float is correctly rounded (Python's integer true
    division), so one ulp either way encloses it. For scans over every ``L`` to 1024 and beyond;
    ``max_K``: the largest ``K`` that will be asked at this ``L`` (the power tables are built once)."""
    return _expected_N_cuts_bounds_kind(int(L), int(K), str(kind), int(max_K or K))


@lru_cache(maxsize=256)
def _expected_N_cuts_bounds_kind(L: int, K: int, kind: str, max_K: int):
    e = K - 1
    if e > 56:
        from ..arith import outward as ow

        T, cum = _kind_prefix(L, kind)
        f = np.array([n / T for n in cum], dtype=np.float64)
        return _expected_N_cuts_bounds_direct(L, K, (ow.down(f), ow.up(f)))
    Cp, S = _kind_tables(L, kind, max(e, min(max_K - 1, 56)))  # one table for every K up to max_K
    return _combine(L, e, Cp, S)


@lru_cache(maxsize=16)
def _kind_prefix(L: int, kind: str) -> tuple[int, list[int]]:
    """``(T, W)``: integer weights of ``cut_pmf(L, kind)`` (``lcm(1..L-1)/c`` for dtc, ``/(L-c)`` for
    tc, 1 for uniform), ``T`` their sum and ``W_m`` their prefix sums, so ``C_m = W_m / T``."""
    if L < 2:
        raise ValueError("cut points need L >= 2")
    if kind == "uniform":
        weights = [1] * (L - 1)
    elif kind in ("tc", "dtc"):
        D = math.lcm(*range(1, L))
        weights = [D // (L - c) for c in range(1, L)] if kind == "tc" else [D // c for c in range(1, L)]
    else:
        raise ValueError(f"unknown cut pmf {kind!r}; use uniform, tc or dtc")
    cum = [0]
    for x in weights:
        cum.append(cum[-1] + x)
    return cum[-1], cum


_TABLES: dict = {}


def _kind_tables(L: int, kind: str, emax: int):
    """Enclosures, as ``(lo, hi)`` 2-D arrays with rows ``0..emax``, of ``C_{j-1}^i`` and of the
    suffix power sums ``S_k(j) = sum_{m>=j} y_m^k`` (``j = 1..L-1``), shared by every ``K`` at this
    ``L`` (one table per (L, kind); the last few kept)."""
    from ..arith import outward as ow

    key = (L, kind)
    got = _TABLES.get(key)
    if got is not None:
        if got[0][0].shape[0] > emax:
            return got
        emax = max(emax, 2 * (got[0][0].shape[0] - 1))
    emax = max(emax, 8)
    T, cum = _kind_prefix(L, kind)
    f = np.array([n / T for n in cum], dtype=np.float64)
    c = (np.maximum(ow.down(f), 0.0), np.minimum(ow.up(f), 1.0))  # C_m in [0, 1], m = 0..L-1
    y = (np.maximum(ow.down(1.0 - c[1]), 0.0), np.minimum(ow.up(1.0 - c[0]), 1.0))  # y_m = 1 - C_m
    Ylo, Yhi = _powers(y[0][1:], emax, -1), _powers(y[1][1:], emax, 1)  # y_m^i, m = 1..L-1
    Clo, Chi = _powers(c[0][:-1], emax, -1), _powers(c[1][:-1], emax, 1)  # C_{j-1}^i, j = 1..L-1
    slack = 2.0 * L * 2.0**-52  # nonnegative suffix sums: |fl(sum) - sum| <= gamma_{n-1} sum
    Slo = np.maximum(ow.down(np.cumsum(Ylo[:, ::-1], axis=1)[:, ::-1] * (1.0 - slack)), 0.0)
    Shi = ow.up(np.cumsum(Yhi[:, ::-1], axis=1)[:, ::-1] * (1.0 + slack))
    out = ((Clo, Chi), (Slo, Shi))
    if len(_TABLES) > 8:
        _TABLES.clear()
    _TABLES[key] = out
    return out


def _powers(x: np.ndarray, emax: int, side: int) -> np.ndarray:
    """Rows ``x^0 .. x^emax`` of ``x`` in [0, 1], as a lower (``side = -1``) or upper (``+1``) bound:
    ``numpy.cumprod`` makes ``i`` correctly rounded products, so ``fl = x^i (1 + d) + a`` with
    ``|d| <= gamma_i`` and ``|a| <= i 2^-1075`` (underflow; factors at most 1); the rows are widened
    by ``2 i 2^-52`` relative and ``i 2^-1074`` absolute."""
    from ..arith import outward as ow

    rows = np.empty((emax + 1, len(x)))
    rows[0] = 1.0
    if emax:
        rows[1:] = np.cumprod(np.broadcast_to(x, (emax, len(x))), axis=0)
    i = np.arange(emax + 1, dtype=np.float64)[:, None]
    if side < 0:
        return np.maximum(ow.down(rows * (1.0 - 2.0 * i * 2.0**-52) - i * 2.0**-1074), 0.0)
    return ow.up(rows * (1.0 + 2.0 * i * 2.0**-52) + i * 2.0**-1074)


def _combine(L: int, e: int, Cp, S):
    """``E[N_j] = sum_k C(e,k) C_{j-1}^(e-k) S_k(j)`` from the tables (nonnegative terms; the sum
    over ``k`` widened by ``gamma_{e+1}`` like the suffix sums)."""
    from ..arith import outward as ow

    b = np.array([float(math.comb(e, k)) for k in range(e + 1)])[:, None]  # exact below 2^53
    lo = ow.down(ow.down(Cp[0][e::-1] * S[0][: e + 1]) * b)
    hi = ow.up(ow.up(Cp[1][e::-1] * S[1][: e + 1]) * b)
    slack = 2.0 * (e + 2) * 2.0**-52
    return (np.maximum(ow.down(lo.sum(axis=0) * (1.0 - slack)), 0.0), ow.up(hi.sum(axis=0) * (1.0 + slack)))


def _bounds_from_prefix(L: int, K: int, c):
    """The binomial form of :func:`expected_N_cuts` in outward-rounded floats, ``O(e L)``: with
    ``C_m = sum_{c<=m} w(c)`` and ``y_m = 1 - C_m`` (both in [0, 1]),
    ``E[N_j] = sum_k C(e,k) C_{j-1}^(e-k) S_k(j)``, ``S_k(j) = sum_{m>=j} y_m^k``; every term is
    nonnegative, so the suffix sums (``numpy.cumsum``) are enclosed by the classical bound
    ``|fl(sum) - sum| <= gamma_{n-1} sum`` (``gamma_n = n u/(1 - n u)``, ``u = 2^-53``, nonnegative
    terms; Higham, Accuracy and Stability, §4.2), widened to ``2 n 2^-52``. Binomials up to
    ``e = 56`` are exact floats; beyond, the direct ``O(L^2)`` sum."""
    from ..arith import outward as ow

    e = K - 1  # c[m] encloses C_m, m = 0..L-1
    if e > 56:
        return _expected_N_cuts_bounds_direct(L, K, c)
    one = (np.ones(L), np.ones(L))
    y = ow.clip(ow.sub(one, c), 0.0, 1.0)  # y_m, m = 0..L-1
    slack = 2.0 * L * 2.0**-52
    # S_k(j) for j = 1..L-1: suffix sums of y_m^k over m = j..L-1
    S, yk = [], (np.ones(L), np.ones(L))
    for k in range(e + 1):
        lo_t, hi_t = yk[0][1:][::-1], yk[1][1:][::-1]  # m = L-1 down to 1
        lo_s = ow.down(np.cumsum(lo_t)[::-1] * (1.0 - slack))
        hi_s = ow.up(np.cumsum(hi_t)[::-1] * (1.0 + slack))
        S.append((np.maximum(lo_s, 0.0), hi_s))
        if k < e:
            yk = ow.mul(yk, y)
    cprev = (np.maximum(c[0][:-1], 0.0), c[1][:-1])  # C_{j-1}, j = 1..L-1
    total = (np.zeros(L - 1), np.zeros(L - 1))
    cpow = (np.ones(L - 1), np.ones(L - 1))
    for k in range(e, -1, -1):  # C(e,k) C_{j-1}^(e-k) S_k(j)
        b = float(math.comb(e, k))
        term = ow.mul(cpow, S[k])
        total = ow.add(total, (ow.down(term[0] * b), ow.up(term[1] * b)))
        if k:
            cpow = ow.mul(cpow, cprev)
    return np.maximum(total[0], 0.0), total[1]


def _expected_N_cuts_bounds_direct(L: int, K: int, c):
    from ..arith import outward as ow

    one = (np.ones(1), np.ones(1))
    lo, hi = np.empty(L - 1), np.empty(L - 1)
    for j in range(1, L):
        part = (c[0][j:L], c[1][j:L])  # m = j..L-1
        prev = (c[0][j - 1: j], c[1][j - 1: j])
        y = ow.clip(ow.sub(one, ow.sub(part, prev)), 0.0, 1.0)  # 1 - sum_{c=j}^{m} w(c), in [0, 1]
        lo[j - 1], hi[j - 1] = ow.total(ow.power(y, K - 1))
    return lo, hi


def sizes_from_cut_set(L: int, cuts) -> tuple[int, ...]:
    """Sizes when a new step starts after each revealed count in ``cuts`` (subset of ``1..L-1``)."""
    knots = [0] + sorted(set(cuts)) + [L]
    return tuple(knots[i + 1] - knots[i] for i in range(len(knots) - 1))


def cut_law(L: int, K: int, w) -> dict[tuple[int, ...], Fraction]:
    """Law of the sizes when ``K-1`` i.i.d. cuts with pmf ``w`` on ``1..L-1`` split the reveal order."""
    out: dict[tuple[int, ...], Fraction] = {}
    for cuts in product(range(1, L), repeat=K - 1):
        p = Fraction(1)
        for c in cuts:
            p *= w[c - 1]
        if p:
            key = sizes_from_cut_set(L, cuts)
            out[key] = out.get(key, Fraction(0)) + p
    return out
