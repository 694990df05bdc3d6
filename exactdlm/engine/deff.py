"""D_eff of Dmitriev, Huang & Wei (COLT 2026, arXiv 2602.15008) on the rays of the profile cone
(docs/theory.md §5 [DHW-Deff], §8).

**The statement as read (secondary: the paper's text was not available; the formula is the one of
issue 21).** With the Bernoulli-masked process ``Y(t)`` (``λ = e^{-t}``),

    D_eff = ∫_0^∞ min{1,t} · L(L-1) e^{-2t} Σ_{s=0}^{L-2} C(L-2,s) e^{-st} (1-e^{-t})^{L-2-s} Δ_s dt,
    Δ_s = f(s) - f(s+1),

and the information profile is read as ``f(s) = mean H(X_i | X_S)`` over a position ``i`` and an
``s``-subset ``S`` of the others, i.e. ``f(s) = g(s+1) - g(s) = H̄ - Ī(s)`` (docs/theory.md §3). Then
``Δ_s = Ī(s+1) - Ī(s)`` is the mean conditional mutual information ``E I(X_i; X_j | X_S)`` of a
pair given ``s`` others, ``>= 0``, and ``D_eff`` is linear in the profile:
``D_eff = Σ_{k=1}^{L-1} ΔĪ(k) d_k``, with ``d_k`` its value on the ray ``r_k`` (0 on ``r_0``).

**The ray values.** With ``u = e^{-t}``, ``L(L-1) C(L-2,k-1) u^k (1-u)^{L-1-k}`` is ``k`` times
the Beta(k+1, L-k) density, so ``d_k = k E[min(1, -ln U)]``, ``U ~ Beta(k+1, L-k)``. Dropping the
``min`` gives ``k`` (DTC on the ray), replacing it by ``t`` gives ``T_k = k (H_L - H_k) <= L - k``
(TC on the ray): ``D_eff <= min(TC, DTC)`` for every law, the claim. Exactly,
``1 - E[min(1, -ln U)] = ∫_0^1 P(U >= e^{-s}) ds = ∫_0^1 P(Bin(L, e^{-s}) <= k) ds`` and
``∫_0^1 C(L,j) e^{-js} (1-e^{-s})^{L-j} ds = P(Bin(L, 1/e) <= j-1) / j`` (``j >= 1``), so

    d_k = k - G_k,   G_k = k [ J_L + Σ_{j=1}^{k} F(j-1)/j ],
    F(i) = P(Bin(L, 1/e) <= i),   J_L = ∫_0^1 (1-e^{-s})^L ds = Σ_{i > L} c^i / i,   c = 1 - 1/e,

a polynomial in ``e^{-1}`` with rational coefficients (``J_L = 1 - Σ_{i<=L} c^i/i``), every term
of ``G_k`` positive. ``d_k`` is irrational (``e`` is transcendental), so no comparison with a
rational ray value is a tie.

**Certified enclosures** (the representation used). Every quantity above is a sum of products of
positive numbers, so it is enclosed by outward-rounded float intervals (docs/theory.md §7,
:mod:`exactdlm.arith.outward`): ``1/e`` from a 96-bit ``mpmath`` enclosure; the binomial row
``P(Bin(L, 1/e) = m)`` by Pascal's rule from the row of ``L - 1`` (additions and products of
positive intervals, relative width about ``2L`` ulps); prefix sums of positive terms widened by the
standard bound ``|fl(Σ) - Σ| <= γ_n Σ`` (``γ_n = n u / (1 - n u)``); ``J_L`` by 80 terms of its
series plus the geometric tail bound ``c^{L+81} / ((L+81)(1-c))``. ``G_k`` is enclosed with tiny
*relative* width (``d_1 = 1 - G_1`` with ``G_1 ≈ c^L ≈ 1e-204`` at ``L = 1024``), and floored
by the rational ``k 2^{-L} / (L+1) <= k J_L`` (``1 - e^{-s} >= s/2`` on ``[0, 1]``), which keeps
it positive where the floats underflow (``L`` beyond about 1500). The upper end of ``d_k`` is
also capped by the exact ``k`` and ``T_k``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..arith import outward as ow

#: terms of J_L's series summed before the tail bound (c^80 ~ 1e-16 relative)
J_TERMS = 80


@lru_cache(maxsize=1)
def _inv_e() -> tuple[float, float]:
    import mpmath

    with mpmath.workprec(96):
        x = mpmath.iv.exp(mpmath.iv.mpf(-1))
        lo, hi = float(mpmath.mpf(x.a)), float(mpmath.mpf(x.b))
    return float(ow.down(lo)), float(ow.up(hi))


def _cumsum_pos(a):
    """Prefix sums of nonnegative intervals: ``fl`` cumsum widened by ``γ_n`` (no underflow in sums)."""
    n = len(a[0])
    g = (n + 2) * 2.0**-52
    lo = ow.down(np.cumsum(a[0]) * ow.down(1.0 - g))
    hi = ow.up(np.cumsum(a[1]) * ow.up(1.0 + 2 * g))
    return np.maximum(lo, 0.0), hi


class _Rows:
    """The rows ``P(Bin(L, 1/e) = m)``, ``m = 0..L``, built by Pascal's rule and kept for reuse."""

    def __init__(self):
        xlo, xhi = _inv_e()
        self.x = (np.float64(xlo), np.float64(xhi))
        self.c = (ow.down(np.float64(1.0) - xhi), ow.up(np.float64(1.0) - xlo))
        self.L = 0
        self.row = (np.ones(1), np.ones(1))

    def get(self, L: int):
        if L < self.L:
            self.__init__()
        while self.L < L:
            lo, hi = self.row
            z = np.zeros(1)
            a = ow.mul(self.c, (np.concatenate([lo, z]), np.concatenate([hi, z])))
            b = ow.mul(self.x, (np.concatenate([z, lo]), np.concatenate([z, hi])))
            new = ow.add(a, b)
            self.row = (np.maximum(new[0], 0.0), np.minimum(new[1], 1.0))
            self.L += 1
        return self.row


_ROWS = _Rows()


@lru_cache(maxsize=1)
def _J_parts():
    """``c^0..c^{J_TERMS-1}`` enclosed once (repeated outward products)."""
    c = (np.array([_ROWS.c[0]]), np.array([_ROWS.c[1]]))
    geo = [(np.ones(1), np.ones(1))]
    for _ in range(J_TERMS - 1):
        geo.append(ow.mul(geo[-1], c))
    return (np.concatenate([x[0] for x in geo]), np.concatenate([x[1] for x in geo])), c


def _J_bounds(L: int) -> tuple[float, float]:
    """``J_L = Σ_{i>L} c^i / i`` enclosed: ``J_TERMS`` terms plus the tail bound ``c^n/(n(1-c))``."""
    geo, c = _J_parts()
    i = np.arange(L + 1, L + 1 + J_TERMS, dtype=np.float64)
    inv = (ow.down(1.0 / i), ow.up(1.0 / i))
    pw = ow.power(c, L + 1)
    terms = ow.mul(ow.mul(geo, (np.repeat(pw[0], J_TERMS), np.repeat(pw[1], J_TERMS))), inv)
    lo, hi = ow.total(terms)
    n = L + 1 + J_TERMS
    tail = ow.mul(ow.power(c, n), (np.array([ow.down(1.0 / n)]), np.array([ow.up(1.0 / n)])))
    x_lo = _inv_e()[0]  # 1 - c >= x_lo
    hi = float(ow.up(hi + float(ow.up(tail[1][0] / x_lo))))
    return max(lo, 0.0), hi


@lru_cache(maxsize=2048)
def gap_bounds(L: int) -> tuple[np.ndarray, np.ndarray]:
    """Float enclosures of ``G_k = k - d_k``, ``k = 1..L-1`` (index ``k - 1``)."""
    L = int(L)
    if L < 2:
        return np.zeros(0), np.zeros(0)
    b = _ROWS.get(L)
    F = _cumsum_pos(b)  # F[i] = P(Bin <= i)
    j = np.arange(1, L, dtype=np.float64)
    inv = (ow.down(1.0 / j), ow.up(1.0 / j))
    S = _cumsum_pos(ow.mul((F[0][: L - 1], F[1][: L - 1]), inv))  # S[k-1] = Σ_{j<=k} F(j-1)/j
    Jlo, Jhi = _J_bounds(L)
    G = ow.mul(ow.add(S, (np.float64(Jlo), np.float64(Jhi))), (j, j))
    return np.maximum(G[0], 0.0), np.minimum(G[1], j)


def tc_bound(L: int, k: int) -> Fraction:
    """``T_k = k (H_L - H_k)``: ``∫`` with ``t`` in place of ``min{1, t}`` on the ray ``r_k`` (exact)."""
    return k * sum((Fraction(1, m) for m in range(k + 1, L + 1)), Fraction(0))


def floor_gap(L: int, k: int) -> Fraction:
    """A rational lower bound of ``G_k``: ``k 2^{-L}/(L+1) <= k J_L``."""
    return Fraction(k, (L + 1) * 2**L)


@lru_cache(maxsize=2048)
def ray_bounds(L: int) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """Rational enclosures ``lo_k <= d_k <= hi_k`` of D_eff on the rays ``r_0..r_{L-1}`` (``d_0 = 0``)."""
    L = int(L)
    glo, ghi = gap_bounds(L)
    lo, hi = [Fraction(0)], [Fraction(0)]
    H = [Fraction(0)]
    for m in range(1, L + 1):
        H.append(H[-1] + Fraction(1, m))
    for k in range(1, L):
        g_lo = max(Fraction(float(glo[k - 1])), floor_gap(L, k))
        g_hi = Fraction(float(ghi[k - 1]))
        lo.append(max(Fraction(0), k - g_hi))
        hi.append(min(k - g_lo, k * (H[L] - H[k])))
    return tuple(lo), tuple(hi)


def grid_bounds(L: int, bits: int = 30) -> tuple[np.ndarray, np.ndarray, int]:
    """The enclosures rounded outwards to the grid ``2^-bits``: ``(lo numerators, hi numerators, 2^bits)``
    over the rays ``r_0..r_{L-1}`` (int64, so the profile cone decides them as one matrix). A float
    times a power of 2 is exact, so ``k 2^bits - ceil(2^bits G_hi)`` is a floor of ``2^bits d_k``."""
    den = 1 << bits
    glo, ghi = gap_bounds(L)
    k = np.arange(1, L, dtype=np.int64)
    lo = np.zeros(L, dtype=np.int64)
    hi = np.zeros(L, dtype=np.int64)
    lo[1:] = np.maximum(k * den - np.ceil(ghi * den).astype(np.int64), 0)
    hi[1:] = k * den - np.floor(glo * den).astype(np.int64)
    return lo, hi, den


def ray_value_float(L: int, k: int) -> float:
    """``d_k`` in floats (midpoint of the enclosure), for figures."""
    if k == 0:
        return 0.0
    glo, ghi = gap_bounds(L)
    return k - 0.5 * (float(glo[k - 1]) + float(ghi[k - 1]))


def ray_value_mp(L: int, k: int, dps: int = 50):
    """``d_k`` from the closed form in ``mpmath`` at ``dps`` digits (independent of the enclosures):
    ``k [Σ_{i<=L} c^i/i - Σ_{j<=k} F(j-1)/j]``."""
    import mpmath

    with mpmath.workdps(dps + L // 2):
        x = mpmath.e**-1
        c = 1 - x
        A = mpmath.fsum(c**i / i for i in range(1, L + 1))
        pm = [mpmath.binomial(L, m) * x**m * c ** (L - m) for m in range(k)]
        F = [mpmath.fsum(pm[: i + 1]) for i in range(k)]
        B = mpmath.fsum(F[j - 1] / j for j in range(1, k + 1))
        return +(k * (A - B))


def ray_value_quad(L: int, k: int, dps: int = 30):
    """``d_k`` from the integral itself (``mpmath.quad``, split at ``t = 1``): the definition, as a twin."""
    import mpmath

    with mpmath.workdps(dps):
        n = L * (L - 1) * mpmath.binomial(L - 2, k - 1)

        def f(t):
            return min(1, t) * mpmath.e ** (-(k + 1) * t) * (1 - mpmath.e**-t) ** (L - 1 - k)

        return n * (mpmath.quad(f, [0, 1]) + mpmath.quad(f, [1, mpmath.inf]))


def deff_interval(Ibar, exact: bool = True):
    """``D_eff = Σ_k ΔĪ(k) d_k`` of a law with info curve ``Ībar`` (``Ī(0..L-1)``): a certified
    ``mpmath.iv`` interval when the curve is exact (LogForms / rationals), else a float."""
    from ..arith import LogForm

    L = len(Ibar)
    if L < 2:
        return Fraction(0) if exact else 0.0
    glo, ghi = gap_bounds(L)
    k = np.arange(1, L, dtype=np.float64)
    if not exact:
        d = k - 0.5 * (glo + ghi)
        I = np.array([float(x) for x in Ibar])
        return float(np.dot(np.diff(I), d))
    import mpmath

    lo_q, hi_q = ray_bounds(L)
    d = ow.from_bounds(zip(lo_q[1:], hi_q[1:]))
    I = ow.from_bounds(x.bounds(96) if isinstance(x, LogForm) else (Fraction(x), Fraction(x)) for x in Ibar)
    dI = ow.sub((I[0][1:], I[1][1:]), (I[0][:-1], I[1][:-1]))
    dI = (np.maximum(dI[0], 0.0), dI[1])  # ΔĪ >= 0 (Han)
    lo, hi = ow.total(ow.mul(dI, d))
    return mpmath.iv.mpf((lo, hi))


__all__ = ["deff_interval", "gap_bounds", "grid_bounds", "ray_bounds", "ray_value_float", "ray_value_mp",
           "ray_value_quad", "tc_bound"]
