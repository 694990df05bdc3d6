"""LZ-sqrt (docs/theory.md §5): the optimal m-step schedule against the square-root-rule prediction.

For a curve ``Ī(t) = φ(t/L)``, ``t = 0..L-1``, the optimal m-step EKL is the DP of docs/theory.md §5,
``V_k(b) = min_{a<b} V_{k-1}(a) + c(a,b)``, ``c(a,b) = Σ_{t=a}^{b-1} [Ī(t) - Ī(a)]``. Writing
``S(x) = Σ_{t<x} Ī(t)``, ``c(a,b) = S(b) - S(a) - (b-a) Ī(a)``, so the inner minimum is a lower
envelope of lines in ``b`` with slopes ``-Ī(a)``, non-increasing in ``a``: a monotone
convex-hull DP, O(mL) per curve (cross-checked against the O(mL²) DP, against
``exactdlm.decoding.optimal_schedule`` and against all compositions for small L). The DP runs in
float64 to pick the knots; the EKL of the chosen schedule is evaluated at 50 digits.

The continuum prediction (LZ, docs/theory.md §5): local block size ``h(u) ∝ 1/sqrt(φ'(u))`` and

    P(L, m) = ½ [ (L/m) A² - (φ(1) - φ(0)) ],   A = ∫_0^1 sqrt(φ'(u)) du.

Second order (derived here, heuristically, and confirmed by the numbers): with ``R = φ'(1)/φ'(0)``
and ``B = (L/m²) A² ln R``, three terms of that order appear: the block cost's curvature part
``φ'' h³/(6L²)`` (``+B/6``), the left-Riemann error of summing ``φ'(u_k)(h_k-1)/2`` over blocks
(``-B/8``), and the same error in the block count, ``∫ L/h = m + ¼ ln R`` (``-B/8``). So

    P₂(L, m) = P(L, m) - (L/(12 m²)) A² ln(φ'(1)/φ'(0)).

P's O(1) correction ``-½Δφ`` is thus only meaningful when ``m >> sqrt(L)``: with ``m = sqrt(L)``
the error ``EKL_opt - P`` tends to the constant ``-B/12``, while ``EKL_opt - P₂ -> 0``; with
``m = L^(2/3)`` (``L = n³``, ``m = n²``) both errors tend to 0, ``EKL_opt - P`` like ``L^(-1/3)``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from exactdlm.engine.info import ekl_from_curve

from .exactness import DPS

_u = sp.Symbol("u", nonnegative=True)

#: three smooth increasing information curves φ on [0, 1] (φ(0) = 0)
CURVES = {
    "u + u^2": _u + _u**2,
    "exp(u) - 1": sp.exp(_u) - 1,
    "log(1 + 3u)": sp.log(1 + 3 * _u),
}
L_GRID = (64, 256, 1024, 4096)  # m = sqrt(L): 8, 16, 32, 64
L_GRID_CUBES = (64, 216, 729, 2744)  # m = L^(2/3): 16, 36, 81, 196


def _curve(name: str):
    if name not in CURVES:
        raise ValueError(f"unknown curve {name!r}; choose from {sorted(CURVES)}")
    return CURVES[name]


@lru_cache(maxsize=None)
def constants(name: str) -> dict:
    """A = ∫ sqrt φ' (sympy closed form, checked against mpmath.quad), Δφ, ln(φ'(1)/φ'(0))."""
    phi = _curve(name)
    dphi = sp.diff(phi, _u)
    A = sp.simplify(sp.integrate(sp.sqrt(dphi), (_u, 0, 1)))
    with mpmath.workdps(DPS + 10):
        f = sp.lambdify(_u, sp.sqrt(dphi), "mpmath")
        quad = mpmath.quad(f, [0, 1])
        A50 = mpmath.mpf(sp.N(A, DPS + 10))
        return {"A": A, "A50": A50, "quad": quad, "dphi": mpmath.mpf(sp.N(phi.subs(_u, 1) - phi.subs(_u, 0), DPS + 10)),
                "log slope ratio": mpmath.mpf(sp.N(sp.log(dphi.subs(_u, 1) / dphi.subs(_u, 0)), DPS + 10))}


def prediction(name: str, L: int, m: int, curvature: bool = False, correction: bool = True):
    """``P(L, m)`` at 50 digits; ``curvature=True`` gives ``P₂`` (adds ``-(L/(12 m²)) A² ln R``);
    ``correction=False`` drops LZ's ``-½Δφ`` (to show that term is needed)."""
    c = constants(name)
    with mpmath.workdps(DPS + 10):
        p = (mpmath.mpf(L) / m * c["A50"] ** 2 - (c["dphi"] if correction else 0)) / 2
        if curvature:
            p -= mpmath.mpf(L) / (12 * m * m) * c["A50"] ** 2 * c["log slope ratio"]
        return p


def curve_values(name: str, L: int) -> np.ndarray:
    """``Ī(t) = φ(t/L)``, t = 0..L-1, float64."""
    f = sp.lambdify(_u, _curve(name), "numpy")
    return np.asarray(f(np.arange(L) / L), dtype=float)


def optimal_knots(Ibar, m: int) -> tuple[int, ...]:
    """Exactly-m-step minimal ``Σ c(a,b)`` by the monotone convex-hull DP; sizes in reveal order.

    Layer k: ``V_k(b) = S(b) + min_a [V_{k-1}(a) - S(a) + a Ī(a) - b Ī(a)]``; lines enter in
    order of ``a`` with non-increasing slopes ``-Ī(a)`` and queries ``b`` increase, so a stack
    with a moving front pointer gives every layer in O(L).
    """
    I = [float(x) for x in Ibar]
    L = len(I)
    if not 1 <= m <= L:
        raise ValueError(f"steps m must be in 1..L={L}, got {m}")
    if any(b < a for a, b in zip(I, I[1:])):
        raise ValueError("the information curve must be non-decreasing (docs/theory.md §3)")
    S = [0.0]
    for x in I:
        S.append(S[-1] + x)
    inf = math.inf
    prev = [0.0] + [inf] * L
    args = []
    for k in range(1, m + 1):
        cur, arg = [inf] * (L + 1), [-1] * (L + 1)
        ms, cs, ids = [], [], []  # the hull: slopes (decreasing), intercepts, line ids
        ptr = 0
        for b in range(k, L + 1 - (m - k)):
            a = b - 1
            pa = prev[a]
            if pa < inf:
                m3, c3 = -I[a], pa - S[a] + a * I[a]
                skip = False
                while len(ms) > ptr and ms[-1] == m3:  # equal slopes: keep the lower line
                    if cs[-1] <= c3:
                        skip = True
                        break
                    ms.pop(), cs.pop(), ids.pop()
                if not skip:
                    while len(ms) - ptr >= 2:
                        m1, c1, m2, c2 = ms[-2], cs[-2], ms[-1], cs[-1]
                        if (c3 - c1) * (m1 - m2) <= (c2 - c1) * (m1 - m3):
                            ms.pop(), cs.pop(), ids.pop()
                        else:
                            break
                    ms.append(m3), cs.append(c3), ids.append(a)
                    if ptr > len(ms) - 1:
                        ptr = len(ms) - 1
            if not ms:
                continue
            n = len(ms)
            best = ms[ptr] * b + cs[ptr]
            while ptr + 1 < n:
                v = ms[ptr + 1] * b + cs[ptr + 1]
                if v > best:
                    break
                ptr, best = ptr + 1, v
            cur[b], arg[b] = S[b] + best, ids[ptr]
        args.append(arg)
        prev = cur
    knots, b = [L], L
    for k in range(m, 0, -1):
        b = args[k - 1][b]
        knots.append(b)
    knots.reverse()
    return tuple(knots[i + 1] - knots[i] for i in range(m))


def optimal_knots_quadratic(Ibar, m: int) -> tuple[int, ...]:
    """The plain O(mL²) DP (numpy over a) — the reference twin of ``optimal_knots``."""
    I = np.asarray(Ibar, dtype=float)
    L = len(I)
    S = np.concatenate([[0.0], np.cumsum(I)])
    prev = np.full(L + 1, np.inf)
    prev[0] = 0.0
    args = []
    for k in range(1, m + 1):
        cur, arg = np.full(L + 1, np.inf), np.full(L + 1, -1)
        for b in range(k, L + 1):
            a = np.arange(b)
            vals = prev[a] + S[b] - S[a] - (b - a) * I[a]
            i = int(np.argmin(vals))
            cur[b], arg[b] = vals[i], i
        args.append(arg)
        prev = cur
    knots, b = [L], L
    for k in range(m, 0, -1):
        b = int(args[k - 1][b])
        knots.append(b)
    knots.reverse()
    return tuple(knots[i + 1] - knots[i] for i in range(m))


def ekl_of(sizes, Ibar):
    """(E2) ``Σ_k Σ_{t in block} [Ī(t) - Ī(t_{k-1})]`` in the arithmetic of ``Ibar``'s entries."""
    return ekl_from_curve(Ibar, sizes)


def ekl50(name: str, L: int, sizes):
    """The EKL of a schedule on ``Ī(t) = φ(t/L)`` at 50 digits."""
    f = sp.lambdify(_u, _curve(name), "mpmath")
    with mpmath.workdps(DPS + 10):
        Ibar = [f(mpmath.mpf(t) / L) for t in range(L)]
        return ekl_of(sizes, Ibar)


REGIMES = {"m = sqrt(L)": (lambda L: round(math.sqrt(L)), L_GRID),
           "m = L^(2/3)": (lambda L: round(L ** (1 / 3)) ** 2, L_GRID_CUBES)}


@lru_cache(maxsize=None)
def convergence(name: str, regime: str) -> dict:
    """EKL_opt - P, - P₂ and - P without ``-½Δφ`` at each L (50 digits), and log-log slopes of the last 3."""
    if regime not in REGIMES:
        raise ValueError(f"unknown regime {regime!r}; choose from {sorted(REGIMES)}")
    rule, Ls = REGIMES[regime]
    pts = []
    for L in Ls:
        m = rule(L)
        sizes = optimal_knots(curve_values(name, L), m)
        opt = ekl50(name, L, sizes)
        with mpmath.workdps(DPS + 10):
            P, Pc = prediction(name, L, m), prediction(name, L, m, curvature=True)
            P0 = prediction(name, L, m, correction=False)
            pts.append({"L": L, "m": m, "opt": opt, "P": P, "err": opt - P, "rel": (opt - P) / opt,
                        "err curv": opt - Pc, "err no correction": opt - P0, "sizes": (min(sizes), max(sizes))})

    def slope(key):
        xs = [math.log(p["L"]) for p in pts[-3:]]
        ys = [math.log(abs(float(p[key]))) for p in pts[-3:]]
        return float(np.polyfit(xs, ys, 1)[0])

    c = constants(name)
    with mpmath.workdps(DPS + 10):
        limit = -c["A50"] ** 2 * c["log slope ratio"] / 12 if regime == "m = sqrt(L)" else mpmath.mpf(0)
    return {"points": pts, "rate rel": slope("rel"), "rate err": slope("err"), "rate err curv": slope("err curv"),
            "predicted limit of err": limit}


def rows() -> list[dict]:
    from .table import row

    out = []
    for name in CURVES:
        a = convergence(name, "m = sqrt(L)")
        b = convergence(name, "m = L^(2/3)")
        la, lb = a["points"][-1], b["points"][-1]
        ok = (a["rate rel"] < -0.4 and a["rate err curv"] < -0.3 and b["rate err"] < -0.25
              and abs(la["err"] - a["predicted limit of err"]) < abs(a["points"][0]["err"] - a["predicted limit of err"]))
        out.append(row(
            "LZ-sqrt", f"EKL_opt(L, m) against P = ½[(L/m) A² - Δφ], φ(u) = {name}",
            "EKL_opt ≈ P (block size ∝ 1/sqrt φ')",
            f"m = L^(2/3): EKL_opt - P ~ L^{b['rate err']:.2f} ({mpmath.nstr(lb['err'], 3)} at L = {lb['L']}, "
            f"m = {lb['m']}); m = sqrt(L): relative error ~ L^{a['rate rel']:.2f} but EKL_opt - P -> "
            f"-(L/(12m²)) A² ln(φ'(1)/φ'(0)) = {mpmath.nstr(a['predicted limit of err'], 5)} "
            f"({mpmath.nstr(la['err'], 5)} at L = {la['L']}); with that term the error ~ L^{a['rate err curv']:.2f}",
            f"EKL_opt({la['L']}, {la['m']}) = {mpmath.nstr(la['opt'], DPS)}",
            "verified" if ok else "FAILED"))
    return out
