"""WC (docs/theory.md §5): the worst-case ratios of a fixed schedule and their MDS witnesses.

By (E4) (proved in ``geometric.e_identities``), ``EKL = Σ_j N_j x_j``, ``DTC = Σ_j j x_j``,
``TC = Σ_j (L-j) x_j`` with ``x_j = ΔĪ(j) >= 0``; so ``EKL <= max_j (N_j/j) DTC`` and
``EKL <= max_{j <= L-1} (N_j/(L-j)) TC`` (the slack is a linear form with non-negative
coefficients; checked coefficient by coefficient for every schedule of every ``L <= 8``).
Within block ``(a, a+s]``, ``N_j = a + s - j``, so ``N_j/j`` and ``N_j/(L-j)`` decrease in ``j``
and peak at ``j = a + 1``: ``max_k (s_k-1)/(t_{k-1}+1)`` and ``max_{t_{k-1} <= L-2} (s_k-1)/(L-t_{k-1}-1)``.

The uniform law on an MDS code ``[L,k]_q`` has ``Ī(t) = log q [t >= k]`` (docs/theory.md §6), so all its
``ΔĪ`` sits at ``j = k``: ``EKL = N_k log q``, ``DTC = k log q``, ``TC = (L-k) log q``; with
``k = t_{i-1} + 1`` of the worst block it attains both suprema (sympy, symbolic ``a, s, L, q``).
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import sympy as sp

from exactdlm.schedules import compositions, cumulative


def wc_formulas(sizes) -> tuple[Fraction, Fraction]:
    """``(max_k (s_k-1)/(t_{k-1}+1), max_{k: t_{k-1} <= L-2} (s_k-1)/(L-t_{k-1}-1))``."""
    L = sum(sizes)
    t = cumulative(sizes)
    dtc = max(Fraction(s - 1, a + 1) for s, a in zip(sizes, t))
    tc = max((Fraction(s - 1, L - a - 1) for s, a in zip(sizes, t) if a <= L - 2), default=Fraction(0))
    return dtc, tc


def token_counts(sizes) -> dict[int, int]:
    """``N_j`` for ``j = 1..L``: tokens revealed in the same step as the j-th and after it."""
    t = cumulative(sizes)
    return {j: b - j for a, b in zip(t, t[1:]) for j in range(a + 1, b + 1)}


def wc_by_tokens(sizes) -> tuple[Fraction, Fraction]:
    """``(max_j N_j/j, max_{j <= L-1} N_j/(L-j))``, token by token."""
    L = sum(sizes)
    N = token_counts(sizes)
    return (max((Fraction(N[j], j) for j in range(1, L)), default=Fraction(0)),
            max((Fraction(N[j], L - j) for j in range(1, L)), default=Fraction(0)))


def worst_k(sizes, measure: str) -> int:
    """The MDS dimension ``k`` attaining the sup: ``t_{i-1} + 1`` of the worst block."""
    L = sum(sizes)
    N = token_counts(sizes)
    weight = (lambda j: j) if measure == "DTC" else (lambda j: L - j)
    if measure not in ("DTC", "TC"):
        raise ValueError(f"measure must be 'DTC' or 'TC', got {measure!r}")
    return max(range(1, L), key=lambda j: (Fraction(N[j], weight(j)), -j))


@lru_cache(maxsize=None)
def formulas_match_tokens(max_L: int = 14) -> list:
    """Every schedule of every ``L <= max_L``: block formulas == token maxima. Returns mismatches."""
    return [s for L in range(2, max_L + 1) for s in compositions(L) if wc_formulas(s) != wc_by_tokens(s)]


@lru_cache(maxsize=None)
def slack_coefficients_nonnegative(max_L: int = 8) -> list:
    """``max(N_j/w_j) Σ w_j x_j - Σ N_j x_j`` has non-negative coefficients (w = j, and w = L-j)."""
    bad = []
    for L in range(2, max_L + 1):
        x = sp.symbols(f"x1:{L}", nonnegative=True)
        for sizes in compositions(L):
            N = token_counts(sizes)
            rd, rt = wc_formulas(sizes)
            ekl = sum(N[j] * x[j - 1] for j in range(1, L))
            for ratio, w in ((rd, lambda j: j), (rt, lambda j: L - j)):
                slack = sp.Poly(sp.Rational(ratio.numerator, ratio.denominator)
                                * sum(w(j) * x[j - 1] for j in range(1, L)) - ekl, *x)
                if any(c < 0 for c in slack.coeffs()):
                    bad.append(sizes)
    return bad


def mds_attainment_symbolic() -> dict[str, sp.Expr]:
    """Block ``(a, a+s]``, MDS code with ``k`` in it: EKL by (E2) with ``Ī = log q [t >= k]``."""
    a, s, L, q, t, kk = sp.symbols("a s L q t k", integer=True, positive=True)
    # (E2) over the block: Ī(a) = 0 (a < k), Ī(t) = log q for t >= k
    ekl_k = sp.summation(sp.log(q), (t, kk, a + s - 1))
    ekl = ekl_k.subs(kk, a + 1)
    return {
        "EKL(k) - (a+s-k) log q": sp.simplify(ekl_k - (a + s - kk) * sp.log(q)),
        "EKL/DTC - (s-1)/(a+1)": sp.simplify(ekl / ((a + 1) * sp.log(q)) - (s - 1) / (a + 1)),
        "EKL/TC - (s-1)/(L-a-1)": sp.simplify(ekl / ((L - a - 1) * sp.log(q)) - (s - 1) / (L - a - 1)),
        "d/dk [(a+s-k)/k] + (a+s)/k^2": sp.simplify(sp.diff((a + s - kk) / kk, kk) + (a + s) / kk**2),
        "d/dk [(a+s-k)/(L-k)] - (a+s-L)/(L-k)^2": sp.simplify(
            sp.diff((a + s - kk) / (L - kk), kk) - (a + s - L) / (L - kk) ** 2),
    }


@lru_cache(maxsize=None)
def engine_attainment(L: int = 5, q: int = 5) -> dict:
    """Exact engine, every schedule of L: the worst MDS code attains each formula; no k exceeds it."""
    from exactdlm.engine.info import (
        dual_total_correlation,
        ekl_from_profile,
        entropy_profile,
        total_correlation,
    )

    from .closed_forms import mds_law
    from .exactness import certified_le, forms_equal

    data = {}
    for k in range(1, L):
        law = mds_law(L, k, q)
        data[k] = (entropy_profile(law), dual_total_correlation(law), total_correlation(law))
    attained, exceeded, checked = 0, [], 0
    for sizes in compositions(L):
        rd, rt = wc_formulas(sizes)
        for measure, ratio, idx in (("DTC", rd, 1), ("TC", rt, 2)):
            kstar = worst_k(sizes, measure)
            g, *meas = data[kstar]
            attained += forms_equal(ekl_from_profile(g, sizes), meas[idx - 1] * ratio)
            for k, (gk, *mk) in data.items():
                checked += 1
                if not certified_le(ekl_from_profile(gk, sizes), mk[idx - 1] * ratio):
                    exceeded.append((sizes, measure, k))
    return {"schedules": 2 ** (L - 1), "attained": attained, "exceeded": exceeded, "checked": checked}


def rows() -> list[dict]:
    from .table import row

    mism = formulas_match_tokens(12)
    slack = slack_coefficients_nonnegative(7)
    sym = mds_attainment_symbolic()
    eng = engine_attainment(5, 5)
    ok = not mism and not slack and all(v == 0 for v in sym.values()) and not eng["exceeded"] \
        and eng["attained"] == 2 * eng["schedules"]
    return [row("WC", "sup_p EKL/DTC and sup_p EKL/TC for a fixed schedule",
                "max_k (s_k-1)/(t_{k-1}+1); max_{t_{k-1} <= L-2} (s_k-1)/(L-t_{k-1}-1); attained by MDS codes",
                "upper bound: (E4) slack has non-negative coefficients (every schedule, L <= 7); block formulas = "
                "token maxima (L <= 12); MDS [L, t_{i-1}+1]_q attains both (sympy, symbolic a, s, L, q; exact "
                f"engine on all {eng['schedules']} schedules of L = 5, q = 5, no k exceeds)",
                "", "verified" if ok else "FAILED")]
