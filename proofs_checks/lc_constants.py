"""The LC-T1 / SH-1 / LC-tight / LC-C1 constants (docs/theory.md §5) and the lower-bound side.

* **LC-T1 vs SH-1.** LC-T1 has the factor ``f(s) = 2^ceil(log2 s) - 1``, SH-1 the factor
  ``s - 1``. For ``m >= 1`` and ``2^(m-1) < s <= 2^m``, ``ceil(log2 s) = m`` and
  ``f(s) - (s-1) = 2^m - s >= 0``, zero exactly at ``s = 2^m``; on that range
  ``f(s)/(s-1) <= (2^m - 1)/2^(m-1) = 2 - 2^(1-m)``, so the ratio has supremum 2, not attained.
* **LC-tight / SH-1 attained.** The repeated symbol (docs/theory.md §6) with first block ``s_1``:
  ``EKL = (s_1 - 1) log V = Σ_k (s_k - 1)[Ī(t_k - 1) - Ī(t_{k-1})]`` and
  ``(s_max - 1)/L · Σ I = (s_max - 1) log V``: SH-1 holds with equality iff ``s_1 = s_max``,
  and LC-T1 iff moreover ``s_max`` is a power of two.
* **LC-C1.** Balanced sizes have ``s_max = ceil(L/K)``. With ``m = ceil(log2 s)``, ``s >= 2``:
  ``2^m <= 2(s-1)`` and ``K(s-1) <= L-1``, so
  ``2L - K - 2 - K f(s) = 2(L - 1 - K(s-1)) + K(2(s-1) - 2^m) >= 0``, i.e.
  ``K f(s)/L <= 2 - (K+2)/L < 2``, with equality on the family ``L = K 2^(m-1) + 1``, whose
  ratio ``2 - (K+2)/L -> 2``. The least C making LC-T1 imply LC-C1 is therefore **2**
  (LC's C = 4 holds, loose). Through SH-1 instead, ``K(s_max - 1)/L <= (L-1)/L < 1`` with
  ``L = K s`` approaching 1; and since (E4) gives ``sup_p EKL/Σ I = max_j N_j/L = (s_max-1)/L``
  (attained by an MDS code with ``k`` the first index of a largest block), **1** is the true
  constant of the EKL bound of LC-C1.
* **Lower-bound side.** ``EKL / ((s_max - 1)/L · Σ I)`` on the witness families, as functions
  of the sizes: repeated symbol ``(s_1-1)/(s_max-1)``, MDS ``(t_i - k)/(s_max - 1)``, parity
  ``[s_K >= 2]/(s_max - 1)``, noisy repetition below 1 and tending to 1 as ``eta -> 0``.
  Supremum 1, attained for every schedule with ``s_max >= 2``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath
import sympy as sp

from exactdlm.engine.info import ekl_from_curve
from exactdlm.schedules import compositions, cumulative

from .exactness import DPS, fmt50


def lc_factor(s: int) -> int:
    """``2^ceil(log2 s) - 1`` for an integer ``s >= 1`` (exact: ``ceil(log2 s)`` is ``(s-1).bit_length()``)."""
    if s < 1:
        raise ValueError(f"a block size must be a positive integer, got {s}")
    return (1 << (s - 1).bit_length()) - 1


def is_power_of_two(s: int) -> bool:
    return s >= 1 and s & (s - 1) == 0


# --- LC-T1 factor against SH-1 factor ----------------------------------------------------

m_ = sp.Symbol("m", integer=True, positive=True)
d_ = sp.Symbol("d", integer=True, nonnegative=True)
K_, L_, s_ = sp.symbols("K L s", integer=True, positive=True)


def factor_gap_symbolic() -> dict[str, sp.Expr]:
    """On ``s = 2^m - d``, ``0 <= d < 2^(m-1)``: the gap, the ratio at the left end, its limit."""
    s = 2**m_ - d_
    worst = (2**m_ - 1) / (2 ** (m_ - 1))  # ratio at s = 2^(m-1) + 1, the left end of the range
    return {
        "gap f(s) - (s-1)": sp.simplify((2**m_ - 1) - (s - 1)),  # = d: >= 0, zero iff s = 2^m
        "ratio at s = 2^(m-1)+1 minus (2 - 2^(1-m))": sp.simplify(worst - (2 - 2 ** (1 - m_))),
        "sup ratio (m -> oo)": sp.limit(worst, m_, sp.oo),
    }


def factor_exhaustive(max_s: int = 1 << 16) -> dict:
    """``f(s) >= s - 1`` with equality iff s is a power of two, every ``s <= max_s``; sup of the ratio."""
    bad, best, arg = [], Fraction(0), None
    for s in range(1, max_s + 1):
        f = lc_factor(s)
        if f < s - 1 or (f == s - 1) != is_power_of_two(s):
            bad.append(s)
        if s >= 2 and Fraction(f, s - 1) > best:
            best, arg = Fraction(f, s - 1), s
    return {"violations": bad, "max ratio": best, "at s": arg}


# --- repeated symbol attains SH-1 and LC-T1 ------------------------------------------------


def sh1_middle(Ibar, sizes):
    """SH-1's middle term ``Σ_k (s_k - 1)[Ī(t_k - 1) - Ī(t_{k-1})]``."""
    t = cumulative(sizes)
    return sum(((s - 1) * (Ibar[b - 1] - Ibar[a]) for s, a, b in zip(sizes, t, t[1:])), 0 * Ibar[0])


def repeated_symbol_attainment(max_L: int = 12) -> dict:
    """Every schedule of every ``L <= max_L``, ``log V`` symbolic: who attains SH-1 and LC-T1.

    EKL (E2, from the closed-form Ī) must equal SH-1's middle term always; equal SH-1's right
    side iff ``s_1 = s_max``; equal LC-T1's right side iff also ``s_max`` is a power of two.
    """
    logV = sp.Symbol("logV", positive=True)
    counts = {"schedules": 0, "middle == EKL": 0, "SH-1 equality": 0, "LC-T1 equality": 0}
    wrong = []
    for L in range(1, max_L + 1):
        Ibar = [sp.Integer(0)] + [logV] * (L - 1)
        mi = L * Ibar[-1]
        for sizes in compositions(L):
            smax = max(sizes)
            ekl = ekl_from_curve(Ibar, sizes)
            sh1 = Fraction(smax - 1, L) * mi
            lct1 = Fraction(lc_factor(smax), L) * mi
            counts["schedules"] += 1
            eq_mid, eq_sh1, eq_lc = (sp.expand(ekl - x) == 0 for x in (sh1_middle(Ibar, sizes), sh1, lct1))
            counts["middle == EKL"] += eq_mid
            counts["SH-1 equality"] += eq_sh1
            counts["LC-T1 equality"] += eq_lc
            if not eq_mid or eq_sh1 != (sizes[0] == smax) or eq_lc != (sizes[0] == smax and is_power_of_two(smax)):
                wrong.append(sizes)
    counts["wrong"] = wrong
    return counts


def repeated_symbol_attainment_symbolic() -> dict[str, sp.Expr]:
    """Symbolic s: first block s = s_max; EKL, SH-1 middle and right side, LC-T1 at s = 2^m."""
    V = sp.Symbol("V", integer=True, positive=True)
    L = sp.Symbol("L", integer=True, positive=True)
    s = sp.Symbol("s", integer=True, positive=True)
    ekl = (s - 1) * sp.log(V)  # docs/theory.md §6, derived in closed_forms.ekl_symbolic
    middle = (s - 1) * (sp.log(V) - 0)  # first block: Ī(s-1) - Ī(0) (s >= 2; the factor s-1 kills s = 1)
    rhs_sh1 = (s - 1) / L * (L * sp.log(V))
    rhs_lct1_pow2 = (2**m_ - 1) / L * (L * sp.log(V))
    return {
        "EKL - middle": sp.simplify(ekl - middle),
        "EKL - SH-1 rhs": sp.simplify(ekl - rhs_sh1),
        "EKL - LC-T1 rhs at s = 2^m": sp.simplify(ekl.subs(s, 2**m_) - rhs_lct1_pow2),
    }


# --- LC-C1 --------------------------------------------------------------------------------


def balanced_smax(L: int, K: int) -> int:
    if not 1 <= K <= L:
        raise ValueError(f"a balanced schedule needs 1 <= K <= L, got K={K}, L={L}")
    return -(-L // K)


def lc_c1_ratio(L: int, K: int) -> Fraction:
    """``K (2^ceil(log2 s_max) - 1)/L``: the C that LC-T1 gives for balanced sizes at (L, K)."""
    return Fraction(K * lc_factor(balanced_smax(L, K)), L)


def lc_c1_bound_symbolic() -> dict[str, sp.Expr]:
    """The algebra behind ``K f(s)/L <= 2 - (K+2)/L`` and the approaching family."""
    s, L, K, m = s_, L_, K_, m_
    slack = 2 * L - K - 2 - K * (2**m - 1)  # L (2 - (K+2)/L) - K f(s)
    decomposition = 2 * (L - 1 - K * (s - 1)) + K * (2 * (s - 1) - 2**m)
    fam_ratio = K * (2**m - 1) / (K * 2 ** (m - 1) + 1)
    return {
        "slack - decomposition": sp.simplify(slack - decomposition),
        "family ratio - (2 - (K+2)/L)": sp.simplify(fam_ratio - (2 - (K + 2) / (K * 2 ** (m - 1) + 1))),
        "family limit m -> oo": sp.limit(fam_ratio, m, sp.oo),
        "SH-1 family L = K s: ratio": sp.simplify(K * (s - 1) / (K * s)),
        "SH-1 family limit s -> oo": sp.limit(K * (s - 1) / (K * s), s, sp.oo),
    }


@lru_cache(maxsize=None)
def lc_c1_exhaustive(max_L: int = 512) -> dict:
    """Every ``1 <= K <= L <= max_L``: the bound ``2 - (K+2)/L``, its equality cases, the max."""
    bad_bound, bad_equality = [], []
    best, arg = Fraction(0), None
    best_sh1, arg_sh1 = Fraction(0), None
    for L in range(1, max_L + 1):
        for K in range(1, L + 1):
            s = balanced_smax(L, K)
            r = lc_c1_ratio(L, K)
            if s == 1:
                if r != 0:
                    bad_bound.append((L, K))
                continue
            bound = 2 - Fraction(K + 2, L)
            if r > bound:
                bad_bound.append((L, K))
            on_family = is_power_of_two(s - 1) and K * (s - 1) == L - 1
            if (r == bound) != on_family:
                bad_equality.append((L, K))
            if r > best:
                best, arg = r, (L, K)
            r1 = Fraction(K * (s - 1), L)
            if r1 >= 1:
                bad_bound.append((L, K, "SH-1"))
            if r1 > best_sh1:
                best_sh1, arg_sh1 = r1, (L, K)
    return {"bound violations": bad_bound, "equality mismatches": bad_equality, "max": best, "at": arg,
            "max SH-1": best_sh1, "at SH-1": arg_sh1}


def lc_c1_witness(C) -> tuple[int, int]:
    """For ``C < 2``, an (L, K) on the family ``L = K 2^(m-1) + 1`` whose ratio exceeds C."""
    C = Fraction(C)
    if C >= 2:
        raise ValueError(f"every C >= 2 is valid (the ratio is < 2), got C={C}; pass a C below 2")
    K = 1
    for m in range(1, 200):
        L = K * 2 ** (m - 1) + 1
        if lc_c1_ratio(L, K) > C:
            return L, K
    raise AssertionError("unreachable: the family's ratio tends to 2")


# --- lower-bound side -----------------------------------------------------------------------


def witness_ratios_symbolic() -> dict[str, sp.Expr]:
    """``EKL / ((s_max - 1)/L · Σ I)`` on each witness family (closed forms of docs/theory.md §6)."""
    L, smax, s1, ti, k, sK = sp.symbols("L s_max s_1 t_i k s_K", integer=True, positive=True)
    V, q = sp.symbols("V q", integer=True, positive=True)

    def ratio(ekl, mi):
        return sp.simplify(ekl / ((smax - 1) / L * mi))

    return {
        "repeated symbol": ratio((s1 - 1) * sp.log(V), L * sp.log(V)),
        "MDS [L,k]_q": ratio((ti - k) * sp.log(q), L * sp.log(q)),
        "parity (s_K >= 2)": ratio(sp.log(V), L * sp.log(V)),
    }


def witness_ratio_exhaustive(max_L: int = 10) -> dict:
    """Every schedule with ``s_max >= 2``: max ratio over repeated symbol, every MDS k, parity is 1."""
    not_one, above = [], []
    for L in range(2, max_L + 1):
        for sizes in compositions(L):
            smax = max(sizes)
            if smax < 2:
                continue
            t = cumulative(sizes)
            cands = [Fraction(sizes[0] - 1, smax - 1), Fraction(int(sizes[-1] >= 2), smax - 1)]
            for k in range(1, L):
                ekl = next((b - k for a, b in zip(t, t[1:]) if a < k < b), 0)
                cands.append(Fraction(ekl, smax - 1))
            if max(cands) > 1:
                above.append(sizes)
            if max(cands) != 1:
                not_one.append(sizes)
    return {"max above 1": above, "max not attained": not_one}


def noisy_ratio(L: int, eta, first: int, dps: int = DPS):
    """Noisy repetition, schedule ``(first, 1, ..., 1)``: ``EKL / ((first-1)/L · Σ I)`` at ``dps`` digits.

    ``h_t`` of docs/theory.md §6 in mpmath; EKL by (E1), ``Σ I = L Ī(L-1)``.
    """
    if not 2 <= first <= L:
        raise ValueError(f"first block must be in 2..L={L}, got {first}")
    with mpmath.workdps(dps + 20):
        e = mpmath.mpf(eta.numerator) / eta.denominator if isinstance(eta, Fraction) else mpmath.mpf(eta)

        def h(t):
            total = mpmath.mpf(0)
            for w in range(t + 1):
                p = (e**w * (1 - e) ** (t - w) + e ** (t - w) * (1 - e) ** w) / 2
                total -= mpmath.binomial(t, w) * p * mpmath.log(p)
            return total

        g = [h(t) for t in range(L + 1)]
        sizes = (first,) + (1,) * (L - first)
        ekl, t = mpmath.mpf(0), 0
        for s in sizes:
            ekl += s * (g[t + 1] - g[t])
            t += s
        ekl -= g[L]
        Ibar_last = g[1] + g[L - 1] - g[L]
        return +(ekl / ((first - 1) * Ibar_last))


NOISY_ETAS = (Fraction(1, 4), Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000), Fraction(1, 10**6))


# --- table rows ---------------------------------------------------------------------------


def rows() -> list[dict]:
    from .table import row

    gap = factor_gap_symbolic()
    ex = factor_exhaustive(1 << 12)
    ok_factor = gap["gap f(s) - (s-1)"] == d_ and gap["sup ratio (m -> oo)"] == 2 and not ex["violations"]
    att = repeated_symbol_attainment(10)
    att_sym = repeated_symbol_attainment_symbolic()
    ok_att = not att["wrong"] and all(v == 0 for v in att_sym.values())
    c1 = lc_c1_exhaustive(512)
    c1_sym = lc_c1_bound_symbolic()
    ok_c1 = (not c1["bound violations"] and not c1["equality mismatches"] and c1_sym["family limit m -> oo"] == 2
             and c1_sym["slack - decomposition"] == 0 and c1_sym["SH-1 family limit s -> oo"] == 1)
    wit = witness_ratio_exhaustive(10)
    ok_wit = not wit["max above 1"] and not wit["max not attained"]
    noisy = [noisy_ratio(8, e, 4) for e in NOISY_ETAS]
    ok_noisy = all(x < 1 for x in noisy) and all(a < b for a, b in zip(noisy, noisy[1:]))
    L, K = c1["at"]
    return [
        row("LC-T1 vs SH-1", "factor 2^ceil(log2 s) - 1 against s - 1",
            "2^ceil(log2 s) - 1", "s - 1 suffices (SH-1); equal iff s is a power of 2; ratio sup 2, not attained "
            f"(max over s <= 4096: {ex['max ratio']} at s = {ex['at s']})", "2",
            "holds (loose)" if ok_factor else "FAILED"),
        row("LC-tight", "repeated symbol, first block s_max = 2^m attains LC-T1",
            "equality", f"equality iff s_1 = s_max and s_max a power of 2 ({att['LC-T1 equality']} of "
            f"{att['schedules']} schedules, L <= 10); SH-1 equality iff s_1 = s_max ({att['SH-1 equality']})",
            "", "verified" if ok_att else "FAILED"),
        row("LC-C1", "least C with (2^ceil(log2 s_max) - 1)/L <= C/K for balanced sizes, all K <= L",
            "C = 4 suffices", f"C = 2 (sup, not attained; K f(s)/L <= 2 - (K+2)/L, equality iff L = K 2^(m-1) + 1); "
            f"max over L <= 512: {c1['max']} at (L, K) = ({L}, {K}); through SH-1 and (E4) the true constant "
            f"of the EKL bound is 1 (sup; max over L <= 512: {c1['max SH-1']})",
            fmt50(Fraction(c1["max"])), "holds (loose)" if ok_c1 else "FAILED"),
        row("LC lower side", "sup EKL / ((s_max-1)/L · Σ I) over the witness families",
            "SH-1 tight", "1, attained for every schedule with s_max >= 2 (MDS k = first index of a largest "
            "block; repeated symbol when s_1 = s_max); against LC-T1 the worst-case ratio is "
            "(s-1)/(2^ceil(log2 s)-1), in (1/2, 1]; noisy repetition (L=8, (4,1,1,1,1)) < 1, -> 1 as eta -> 0",
            "; ".join(f"eta={e}: {mpmath.nstr(x, 20)}" for e, x in zip(NOISY_ETAS, noisy)),
            "verified" if ok_wit and ok_noisy else "FAILED"),
    ]
