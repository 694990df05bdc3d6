"""Certified sequence-level error of random-order samplers on a stationary Markov chain (issue 22;
docs/theory.md §3, "Markov ground truths at real sizes").

For a stationary chain ``H(X_d | X_0) = H(pi) - I(d)`` with ``I(d) = I(X_0; X_d)``, and the
revealed set's entropy is a sum over its gaps. For a block of ``B`` positions whose left
neighbour is revealed (``anchor = 1``: every semi-AR block after the first) or not
(``anchor = 0``), the mean entropy of a uniform ``t``-subset of the block is
``g(t) = t H(pi) - sum_d nu_t(d) I(d)`` with

    nu_t(d) = [anchor C(B-d, t-1) + (B-d) C(B-d-1, t-2)] / C(B, t)

(``anchor`` pair: the subset's first element at ``d``; inner pairs ``(a, a+d)``: ``B-d`` places,
the other ``t-2`` elements outside ``[a, a+d]``). (E2) then gives, for fixed step sizes
``s_k`` with ``c_k`` revealed before step ``k`` (``H(pi)`` cancels),

    EKL = sum_k [ s_k (g(c_k+1) - g(c_k)) - (g(c_k+s_k) - g(c_k)) ],

and a semi-AR schedule is the sum of its blocks (a Markov block sees the past only through
its left neighbour). ``anchor = 0, B = L`` is the plain random order (``(B-d) nu`` is the
issue-8 ``beta_t(d) J(d)`` form).

**Certification.** ``I(d)`` is enclosed in outward-rounded float intervals (``arith/outward``):
``P^d`` by interval matrix products, each widened by the dot-product bound
``gamma_n = n u / (1 - n u)`` (any summation order, FMA or not), the ``log`` widened by 4 ulps
(libm's ``log`` is within 1 ulp), sums by ``math.fsum`` widened one ulp; cells of ``P^d`` that
are exactly zero are found by boolean powers of the support and contribute 0. The
coefficients ``nu_t(d)`` are exact integer ratios, rounded outward. The result is an interval
``[lo, hi]`` that contains the exact ``E_S KL(p || q_S)``; its midpoint is the float answer.
Random (Bernoulli) sizes — MDLM's per-position reveal times, Dream's ``origin`` — by
:func:`certified_ekl_bernoulli`: the same (E2) brackets weighted by enclosed binomial laws of the
revealed count and of each step's size (L <= 1024).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from math import comb

import numpy as np

from ..arith import outward as ow
from ..schedules import SemiAR, validate_sizes
from .markov import MarkovChain

_U = 2.0**-53


def _gamma(n: int) -> float:
    return (n * _U) / (1 - n * _U)


def _exact_chain(chain: MarkovChain):
    if not isinstance(chain, MarkovChain):
        raise ValueError(f"certified Markov EKL takes a structured MarkovChain, got {type(chain).__name__}")
    if not chain.stationary:
        raise ValueError("certified Markov EKL needs a stationary start (initial=None); "
                         "use chain.expected_kl(sizes) for a float value")
    P = [[Fraction(x) for x in row] for row in chain.P.tolist()]
    mu = [Fraction(x) for x in chain.mu.tolist()]
    return P, mu


def mutual_information_intervals(chain: MarkovChain, dmax: int | None = None):
    """Enclosures ``(lo, hi)`` of ``I(d) = I(X_0; X_d)``, ``d = 0..dmax`` (``I(0)`` = 0 by convention).

    Cached on the chain. O(dmax V^3) float operations.
    """
    dmax = chain.L - 1 if dmax is None else int(dmax)
    key = ("I_intervals", dmax)
    if key in chain._cache:
        return chain._cache[key]
    P, mu = _exact_chain(chain)
    V = chain.V
    Plo, Phi = ow.from_rationals([x for r in P for x in r])
    Plo, Phi = np.maximum(Plo, 0.0).reshape(V, V), np.minimum(Phi, 1.0).reshape(V, V)
    pilo, pihi = ow.from_rationals(mu)
    pilo = np.maximum(pilo, 0.0)
    support = np.array([[x > 0 for x in r] for r in P])
    logpi_lo = ow.down(ow.down(ow.down(ow.down(np.log(np.where(pilo > 0, pilo, 1.0))))))
    logpi_hi = ow.up(ow.up(ow.up(ow.up(np.log(np.where(pihi > 0, pihi, 1.0))))))
    g = _gamma(2 * V)
    lo = np.zeros(dmax + 1)
    hi = np.zeros(dmax + 1)
    Dlo, Dhi, S = Plo.copy(), Phi.copy(), support.copy()
    tiny = V * 5e-324  # underflow slack of one product row
    for d in range(1, dmax + 1):
        if d > 1:
            Dlo = np.maximum(ow.down(ow.down(Dlo @ Plo) * (1 - g)) - tiny, 0.0)
            Dhi = np.minimum(ow.up(ow.up(Dhi @ Phi) * (1 + g)) + tiny, 1.0)
            S = (S.astype(np.int64) @ support.astype(np.int64)) > 0
        if np.any(S & (Dlo <= 0)):
            raise ValueError(f"cannot certify I(X_0; X_{d}): a positive entry of P^{d} is below float range")
        mlo = ow.down(pilo[:, None] * Dlo)
        mhi = ow.up(pihi[:, None] * Dhi)
        Dl = np.where(S, Dlo, 1.0)
        Dh = np.where(S, Dhi, 1.0)
        llo = ow.down(ow.down(ow.down(ow.down(np.log(Dl))))) - logpi_hi[None, :]
        lhi = ow.up(ow.up(ow.up(ow.up(np.log(Dh))))) + (-logpi_lo[None, :])
        llo, lhi = ow.down(llo), ow.up(lhi)
        tlo, thi = ow.mul((mlo, mhi), (llo, lhi))
        tlo, thi = np.where(S, tlo, 0.0), np.where(S, thi, 0.0)
        a, b = ow.total((tlo, thi))
        lo[d], hi[d] = max(a, 0.0), b
    chain._cache[key] = (lo, hi)
    return lo, hi


def _nu_rows(B: int, ts, anchor: int, dmax: int) -> tuple[np.ndarray, np.ndarray]:
    """Enclosures of ``nu_t(d)`` for every ``t`` in ``ts`` (rows), ``d = 0..dmax`` (columns).

    By products along ``d`` (all factors ``>= 0``): the inner share ``r_t(d) = C(B-d-1, t-2) / C(B, t)``
    has ``r_t(1) = t (t-1) / (B (B-1))`` and ``r_t(d+1) = r_t(d) (B-d-t+1) / (B-d-1)``; the anchor
    share ``a_t(d) = C(B-d, t-1) / C(B, t)`` has ``a_t(1) = t / B`` and ``a_t(d+1) = a_t(d) (B-d-t+1) / (B-d)``.
    Each factor is rounded outward and a running product of ``n`` positive floats is within
    ``gamma_n`` of the product of its factors.
    """
    ts = np.asarray(ts, dtype=np.float64)[:, None]
    n = min(B, dmax)
    lo = np.zeros((ts.shape[0], dmax + 1))
    hi = np.zeros((ts.shape[0], dmax + 1))
    if n < 1:
        return lo, hi
    d = np.arange(1, n, dtype=np.float64)[None, :]  # factor from d to d+1
    g = np.array([_gamma(2 * k + 4) for k in range(1, n + 1)])[None, :]
    num = np.maximum(B - d - ts + 1, 0.0)

    def run(first, den):
        ok = den > 0  # den = 0 only past the last pair (d + 1 = B), where the share is 0
        f = np.where(ok, num / np.where(ok, den, 1.0), 0.0)
        flo, fhi = np.concatenate([ow.down(first), ow.down(f)], axis=1), np.concatenate([ow.up(first), ow.up(f)], axis=1)
        plo = ow.down(np.cumprod(flo, axis=1) * (1 - g))
        phi = ow.up(np.cumprod(fhi, axis=1) * (1 + g)) + 1e-300
        zero = np.cumsum(fhi == 0, axis=1) > 0  # an exact zero factor: zero from there on
        return np.where(zero, 0.0, plo), np.where(zero, 0.0, phi)

    if B >= 2:
        # integers below 2^53 are exact floats, so each quotient is one correctly rounded division
        ilo, ihi = run(ts * (ts - 1) / (B * (B - 1.0)), B - d - 1)
        scale_d = np.arange(1, n + 1, dtype=np.float64)[None, :]
        w = B - scale_d  # the (B - d) places
        rl, rh = ow.down(ilo * w), ow.up(ihi * w)
        if n == B:  # d = B has no inner pair
            rl[:, -1] = rh[:, -1] = 0.0
        lo[:, 1:n + 1] += rl
        hi[:, 1:n + 1] += rh
    if anchor:
        alo, ahi = run(ts / B, B - d)
        lo[:, 1:n + 1] = ow.down(lo[:, 1:n + 1] + alo)
        hi[:, 1:n + 1] = ow.up(hi[:, 1:n + 1] + ahi)
    lo[(ts[:, 0] == 0)] = 0.0
    hi[(ts[:, 0] == 0)] = 0.0
    return np.maximum(lo, 0.0), hi


@dataclass(frozen=True)
class CertifiedValue:
    """An enclosure ``lo <= x <= hi`` of an exact real ``x``; ``value`` is the midpoint."""

    lo: float
    hi: float

    @property
    def value(self) -> float:
        return 0.5 * (self.lo + self.hi)

    @property
    def error(self) -> float:
        """A certified bound on ``|value - x|``."""
        return 0.5 * (self.hi - self.lo)

    def __contains__(self, x) -> bool:
        return self.lo <= x <= self.hi

    def __str__(self):
        return f"{self.value:.12g} ± {self.error:.2g}"


def block_ekl(I, B: int, sizes, anchor: int) -> tuple[float, float]:
    """Enclosure of one block's EKL (sizes sum to ``B``), from the ``I(d)`` enclosure ``I``."""
    sizes = validate_sizes(sizes, B)
    dmax = len(I[0]) - 1
    steps = []
    c = 0
    for s in sizes:
        if s > 1:
            steps.append((c, s))
        c += s
    if not steps:
        return 0.0, 0.0
    ts = sorted({t for c, s in steps for t in (c, c + 1, c + s)})
    gam = _gamma(dmax + 2)
    # gbar(t) = -sum_d nu_t(d) I(d); nu, I >= 0, so the products' ends are the ends' products
    chunk = max(1, (1 << 22) // (dmax + 1))  # rows of nu per pass: at most ~32 MB per array
    slo, shi = np.empty(len(ts)), np.empty(len(ts))
    for k in range(0, len(ts), chunk):
        nlo, nhi = _nu_rows(B, ts[k:k + chunk], anchor, dmax)
        slo[k:k + chunk] = ow.down((nlo @ I[0]) * (1 - gam))
        shi[k:k + chunk] = ow.up((nhi @ I[1]) * (1 + gam))
    pos = {t: k for k, t in enumerate(ts)}
    terms_lo, terms_hi = [], []
    for c, s in steps:
        g0 = (-shi[pos[c]], -slo[pos[c]])
        d1 = ow.sub((-shi[pos[c + 1]], -slo[pos[c + 1]]), g0)
        ds = ow.sub((-shi[pos[c + s]], -slo[pos[c + s]]), g0)
        x = ow.sub(ow.mul((np.float64(s), np.float64(s)), d1), ds)
        terms_lo.append(float(x[0]))
        terms_hi.append(float(x[1]))
    return float(ow.down(math.fsum(terms_lo))), float(ow.up(math.fsum(terms_hi)))


def certified_ekl(chain: MarkovChain, schedule) -> CertifiedValue:
    """Enclosure of ``E_S KL(p || q_S)`` for fixed sizes (a tuple) or a :class:`SemiAR` with
    fixed sizes in each block, on a stationary :class:`MarkovChain`."""
    L = chain.L
    I = mutual_information_intervals(chain)
    if isinstance(schedule, SemiAR):
        lo_parts, hi_parts = [], []
        for b, (B, sub) in enumerate(zip(schedule.lengths, schedule.subs)):
            sizes = getattr(sub, "sizes", None)
            if sizes is None:
                raise ValueError(f"semi-AR block {b} has random sizes ({sub!r}); the certified path takes "
                                 "fixed sizes per block")
            a, h = block_ekl(I, B, sizes, 1 if b > 0 else 0)
            lo_parts.append(a)
            hi_parts.append(h)
        if schedule.L != L:
            raise ValueError(f"schedule is for L={schedule.L}, the chain has L={L}")
        return CertifiedValue(max(0.0, float(ow.down(math.fsum(lo_parts)))), float(ow.up(math.fsum(hi_parts))))
    if hasattr(schedule, "sizes") and not hasattr(schedule, "__iter__"):
        schedule = schedule.sizes
    if hasattr(schedule, "rates") or hasattr(schedule, "w"):
        raise ValueError("random-size schedules: use certified_ekl_bernoulli(chain, rates) (Bernoulli) or "
                         "chain.expected_kl(schedule) (float)")
    a, h = block_ekl(I, L, schedule, 0)
    return CertifiedValue(max(0.0, a), h)


# ----------------------------------------------------------------------------------------
# random (Bernoulli) sizes: MDLM's per-position reveal times, Dream's ``origin``
# ----------------------------------------------------------------------------------------
_EPS = 2.0**-52


def _log_interval(x: Fraction):
    """Enclosure of ``log x`` for a rational ``0 < x`` (libm log within 1 ulp; widened 4)."""
    lo, hi = ow.from_rationals([x])
    a, b = np.log(lo[0]), np.log(hi[0])
    for _ in range(4):
        a, b = ow.down(a), ow.up(b)
    return float(a), float(b)


def _binomial_rows(ns: np.ndarray, r: Fraction, lf: np.ndarray, width: int):
    """Enclosures of ``Bin(n, r)(s)`` for each ``n`` in ``ns`` (rows) and ``s = 0..width-1`` (zero past ``n``).

    In log space: ``log C(n, s) + s log r + (n-s) log(1-r)`` from correctly rounded log-factorials,
    the rounding of the sum bounded by ``8 eps`` times the sum of the terms' sizes, ``exp`` widened
    4 ulps; an ``exp`` that underflows to 0 has the smallest subnormal as its upper end.
    """
    n = ns[:, None].astype(np.float64)
    s = np.arange(width, dtype=np.float64)[None, :]
    valid = s <= n
    lo = np.zeros((len(ns), width))
    hi = np.zeros((len(ns), width))
    if r == 0 or r == 1:
        hit = np.broadcast_to((s == 0) if r == 0 else (s == n), lo.shape)
        lo[hit], hi[hit] = 1.0, 1.0
        return lo, hi
    lr = _log_interval(r)
    l1r = _log_interval(1 - r)
    ni = ns[:, None]
    si = np.arange(width)[None, :]
    m = np.where(valid, ni - si, 0)
    sc = np.where(valid, si, 0)
    lc = lf[ni] - lf[sc] - lf[m]
    mag = lf[ni] + lf[sc] + lf[m] + sc * abs(lr[0]) + m * abs(l1r[0])
    x_lo = lc + sc * lr[0] + m * l1r[0]
    x_hi = lc + sc * lr[1] + m * l1r[1]
    delta = 8 * _EPS * mag + 1e-300
    with np.errstate(over="ignore"):  # entries past n are discarded below
        e_lo = np.exp(np.where(valid, x_lo - delta, -np.inf))
        e_hi = np.exp(np.where(valid, x_hi + delta, -np.inf))
    for _ in range(4):
        e_lo, e_hi = ow.down(e_lo), ow.up(e_hi)
    lo = np.where(valid, np.maximum(e_lo, 0.0), 0.0)
    hi = np.where(valid, np.minimum(np.maximum(e_hi, 5e-324), 1.0), 0.0)
    return lo, hi


def _rowsum(lo, hi):
    """Enclosures of the row sums of interval matrices (any signs): ``gamma_n`` times the sum of sizes."""
    g = _gamma(lo.shape[1] + 1)
    a = lo.sum(axis=1)
    b = hi.sum(axis=1)
    return ow.down(a - g * np.abs(lo).sum(axis=1)), ow.up(b + g * np.abs(hi).sum(axis=1))


def certified_ekl_bernoulli(chain: MarkovChain, rates) -> CertifiedValue:
    """Enclosure of ``E_S KL(p || q_S)`` when at step ``k`` every masked position is revealed with
    probability ``rates[k]`` (independently), then one step reveals the rest (MDLM's reveal times).

    Before step ``k`` the revealed count is ``Bin(L, 1 - s_k)``, ``s_k = prod_{i<k} (1 - r_i)`` (exact),
    and the step reveals ``Bin(L - c, r_k)`` more, so by (E2)
    ``EKL = sum_k sum_c P(c) sum_s Bin(L-c, r_k)(s) [s (g(c+1) - g(c)) - (g(c+s) - g(c))]``, every
    factor enclosed. O(K L^2) float operations.
    """
    L = chain.L
    if L > 1024:
        raise ValueError(f"the certified Bernoulli path takes L <= 1024 (got L={L}); use chain.expected_kl for floats")
    rates = [Fraction(r) for r in rates]
    if any(not 0 <= r <= 1 for r in rates):
        raise ValueError("Bernoulli rates must lie in [0, 1]")
    from ._numerics import log_factorials

    I = mutual_information_intervals(chain)
    dmax = len(I[0]) - 1
    nlo, nhi = _nu_rows(L, list(range(L + 1)), 0, dmax)
    gam = _gamma(dmax + 2)
    glo = -ow.up((nhi @ I[1]) * (1 + gam))
    ghi = -ow.down((nlo @ I[0]) * (1 - gam))
    # bracket(c, s) = s (g(c+1) - g(c)) - (g(c+s) - g(c)) for s = 0..L-c, zero elsewhere
    c = np.arange(L + 1)[:, None]
    s = np.arange(L + 1)[None, :]
    ok = (c + s <= L) & (s >= 2)
    c1 = np.minimum(c + 1, L)
    cs = np.minimum(c + s, L)
    d1 = (ow.down(glo[c1] - ghi[c]), ow.up(ghi[c1] - glo[c]))
    ds = (ow.down(glo[cs] - ghi[c]), ow.up(ghi[cs] - glo[c]))
    sd = s.astype(np.float64)
    t1 = (ow.down(sd * d1[0]), ow.up(sd * d1[1]))
    br = (np.where(ok, ow.down(t1[0] - ds[1]), 0.0), np.where(ok, ow.up(t1[1] - ds[0]), 0.0))
    lf = log_factorials(L)
    ns = L - np.arange(L + 1)
    total_lo, total_hi = [], []
    surv = Fraction(1)
    big = float(ow.up(np.abs(br[0]).max() + np.abs(br[1]).max())) * (1 + 1e-9)  # |sum_s b(s) bracket| bound
    for r in rates + [Fraction(1)]:  # the last step reveals what is left
        pc_lo, pc_hi = _binomial_rows(np.array([L]), 1 - surv, lf, L + 1)
        pc_lo, pc_hi = pc_lo[0], pc_hi[0]
        # counts c of negligible probability: their whole contribution lies in +-P(c) * big
        rows = np.nonzero(pc_hi >= 1e-30)[0]
        rest = float(ow.up(math.fsum(pc_hi[pc_hi < 1e-30].tolist()) * (1 + 1e-9))) * big
        b_lo, b_hi = _binomial_rows(ns[rows], r, lf, L + 1)
        blo, bhi = br[0][rows], br[1][rows]
        # products of b >= 0 with the bracket (any sign)
        p_lo = ow.down(np.where(blo >= 0, b_lo * blo, b_hi * blo))
        p_hi = ow.up(np.where(bhi >= 0, b_hi * bhi, b_lo * bhi))
        in_lo, in_hi = _rowsum(p_lo, p_hi)
        plo, phi = pc_lo[rows], pc_hi[rows]
        q_lo = np.where(in_lo >= 0, plo * in_lo, phi * in_lo)
        q_hi = np.where(in_hi >= 0, phi * in_hi, plo * in_hi)
        a, b = _rowsum(ow.down(q_lo)[None, :], ow.up(q_hi)[None, :])
        total_lo.append(float(ow.down(a[0] - rest)))
        total_hi.append(float(ow.up(b[0] + rest)))
        surv *= 1 - r
    return CertifiedValue(max(0.0, float(ow.down(math.fsum(total_lo)))), float(ow.up(math.fsum(total_hi))))
