"""Numerics shared by the structured laws (issue 8, "Numerics").

At L = 4096 a probability such as ``C(L,k) eta^k (1-eta)^(L-k)`` underflows float64 and
``C(L,k)`` overflows it, so the kernels work with logarithms (``log_factorials``, log-sum-exp).
Quantities that are small differences of large ones are not computed as differences:
``Ī(t)`` comes from sums of nonnegative terms (``_kernels.structured.kl_atom``), and EKL,
TC, DTC come from ``Ī`` (E2-E4), never from ``g``, whose entries are of size ``L log V``:
(E1) on a float ``g`` loses about ``L · ulp(g(L))``, 1e-9 at L = 4096.

Reference values at 50 digits come from each law's mpmath path (``entropy_profile_mp``);
``error_report`` compares a float computation with them on a sample of points.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np

from ..arith import LogForm

#: largest L the structured float engines accept: cost is O(L^2) and the measured error
#: against 50-digit mpmath grows like L * 1e-16 (about 1e-12 relative at L = 4096);
#: beyond this the O(L^2) passes take minutes and the error is no longer certified by tests.
MAX_L = 16384

#: largest L of the exact (Fraction / LogForm) paths by default (a family may allow more:
#: ``StructuredLaw.exact_max_L``): denominators grow like V^L and the passes are O(L^2)
#: big-integer operations; the claims see each ``g(t)`` as one atom (docs/theory.md §7)
EXACT_MAX_L = 256


def check_length(L, what: str, limit: int = MAX_L) -> int:
    """``L`` as an int in ``1..limit``, or a ValueError naming the limit."""
    if isinstance(L, bool) or not isinstance(L, (int, np.integer)):
        raise ValueError(f"{what}: L must be a positive integer, got {L!r}")
    L = int(L)
    if L < 1:
        raise ValueError(f"{what}: L must be >= 1, got {L}")
    if L > limit:
        raise ValueError(
            f"{what}: L={L} is beyond what the structured numerics certify (L <= {limit}); "
            "use a smaller L"
        )
    return L


_LOG_FACTORIALS = np.zeros(1)


def log_factorials(n: int) -> np.ndarray:
    """``[log 0!, log 1!, ..., log n!]``, correctly rounded (mpmath at 30 digits, cached).

    ``math.lgamma`` is off by a few ulps, which at ``log 4096! ≈ 3e4`` is 1e-11 absolute and
    shows up as a relative error of that size in every count probability.
    """
    global _LOG_FACTORIALS
    if len(_LOG_FACTORIALS) <= n:
        m = max(n + 1, 2 * len(_LOG_FACTORIALS))
        with mpmath.workdps(30):
            vals, acc = [0.0], mpmath.mpf(0)
            for k in range(1, m):
                acc += mpmath.log(k)
                vals.append(float(acc))
        _LOG_FACTORIALS = np.array(vals)
    return _LOG_FACTORIALS[: n + 1].copy()


def is_rational(x) -> bool:
    return isinstance(x, (int, Fraction, np.integer)) and not isinstance(x, bool)


def to_fraction(x, what: str) -> Fraction:
    """Parse a rational parameter (int, Fraction, ``"p/q"`` string)."""
    if isinstance(x, bool):
        raise ValueError(f"{what} must be a number, got {x!r}")
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    if isinstance(x, Fraction):
        return x
    if isinstance(x, str):
        try:
            return Fraction(x.strip())
        except (ValueError, ZeroDivisionError):  # "1/0" raises the latter
            raise ValueError(f"{what} must be a rational like '1/10', got {x!r}") from None
    raise ValueError(f"{what} must be rational, got {type(x).__name__} {x!r}")


def parse_prob(x, what: str):
    """A probability parameter: Fraction if given exactly (int/Fraction/str), else float."""
    if isinstance(x, str) or is_rational(x):
        v = to_fraction(x, what)
    else:
        try:
            v = float(x)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be a number in [0, 1], got {x!r}") from None
        if not math.isfinite(v):
            raise ValueError(f"{what} must be finite, got {x!r}")
    if not 0 <= v <= 1:
        raise ValueError(f"{what} must lie in [0, 1], got {x}")
    return v


def parse_distribution(row, what: str, exact: bool | None = None):
    """A probability vector: list of Fractions if every entry is rational (or ``exact``),
    else a float array; checked nonnegative and summing to 1 (exactly, or within 1e-12)."""
    try:
        items = list(row)
    except TypeError:
        raise ValueError(f"{what} must be a sequence of probabilities, got {row!r}") from None
    if not items:
        raise ValueError(f"{what} must not be empty")
    rational = all(isinstance(x, str) or is_rational(x) for x in items)
    if exact is None:
        exact = rational
    if exact:
        if not rational:
            raise ValueError(f"{what} has non-rational entries; pass Fractions or 'p/q' strings")
        vals = [to_fraction(x, what) for x in items]
        if any(v < 0 for v in vals):
            raise ValueError(f"{what} has negative entries {vals}; probabilities must be >= 0")
        if sum(vals) != 1:
            raise ValueError(f"{what} sums to {sum(vals)}, not 1; normalize it")
        return vals
    vals = np.array([float(to_fraction(x, what)) if isinstance(x, str) else float(x) for x in items])
    if not np.all(np.isfinite(vals)):
        raise ValueError(f"{what} has non-finite entries")
    if np.any(vals < 0):
        raise ValueError(f"{what} has negative entries; probabilities must be >= 0")
    if abs(vals.sum() - 1.0) > 1e-12:
        raise ValueError(f"{what} sums to {vals.sum()!r}, not 1 (tolerance 1e-12); normalize it")
    return vals


# ----------------------------------------------------------------------------------------
# quantities from an information curve (docs/theory.md §3-4), float or exact
# ----------------------------------------------------------------------------------------
def ekl_from_curve_fast(Ibar, sizes) -> float:
    """(E2): ``EKL = sum_k sum_{t in block k} [Ī(t) - Ī(t_{k-1})]``, exactly summed (fsum)."""
    Ibar = np.asarray(Ibar, dtype=float)
    terms = []
    t = 0
    for s in sizes:
        seg = Ibar[t:t + s]
        terms.append(math.fsum(seg))
        terms.append(-s * Ibar[t])
        t += s
    return math.fsum(terms)


def ekl_from_expected_N(Ibar, EN) -> float:
    """(E4): ``EKL = sum_{j=1}^{L-1} ΔĪ(j) E[N_j]``; ``EN[j]`` for j = 1..L-1 (EN[0] unused)."""
    Ibar = np.asarray(Ibar, dtype=float)
    L = len(Ibar)
    return math.fsum((Ibar[j] - Ibar[j - 1]) * float(EN[j]) for j in range(1, L))


def exact_sum(forms):
    total = LogForm()
    for f in forms:
        total = total + f
    return total


# ----------------------------------------------------------------------------------------
# mpmath references
# ----------------------------------------------------------------------------------------
def error_report(float_values, mp_values) -> dict:
    """Max absolute and relative error of floats against mpmath references."""
    float_values, mp_values = list(float_values), list(mp_values)
    abs_err, rel_err = 0.0, 0.0
    for f, m in zip(float_values, mp_values):
        e = abs(mpmath.mpf(float(f)) - m)
        abs_err = max(abs_err, float(e))
        if m != 0:
            rel_err = max(rel_err, float(e / abs(m)))
    return {"max_abs_error": abs_err, "max_rel_error": rel_err, "points": len(mp_values)}
