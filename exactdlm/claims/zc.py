"""Zhao & Cai (ZC): adaptation to TC and DTC with random sizes from i.i.d. cut points (docs/theory.md §5).

ZC give rates Õ(TC/K) and Õ(DTC/K) (abstract); the constants below are for our construction
(derived). With ``K-1`` i.i.d. cuts of pmf ``w`` on ``1..L-1``, (E4) gives
``E EKL = sum_j ΔĪ(j) E[N_j]`` with the closed form of ``E[N_j]`` (itself checked by (E4)
against enumerating the cuts).
"""

from __future__ import annotations

from fractions import Fraction

from . import Check, Claim, register_catalogue
from ..arith import LogForm
from ..schedules import theorem_rules as rules
from .common import prov


#: longest law whose E[N_j] is summed in exact rationals (beyond, the harmonic pmfs' powers
#: explode: at L = 256, K = 64 the numerators have 23,000 bits and the sums take seconds)
EXACT_CUTS_MAX_L = 256
#: the same limit in the profile cone (``Suite.cone_cuts_max_L`` overrides it): the cone scans
#: every L of its range, and exact sums at every L up to 256 cost minutes (up to 64: seconds);
#: beyond, the cone compares certified enclosures of E[N_k] on each ray (``ConeEnclosure``), to the
#: end of the suite's range
CONE_CUTS_MAX_L = 64
#: the cone's enclosure scan stops here (the default suite's range; every L to 1024 costs about
#: 6 s of CPU, to 2048 about 30 s, so the large suite's range to 4096 is left to its laws)
CONE_ENCLOSURE_MAX_L = 1024


def _mode(ctx) -> str:
    """How ``E EKL`` is summed: ``"exact"`` (exact law, ``L`` within the limit), ``"interval"``
    (an exact law past it: certified float enclosures of ``E[N_j]`` and ``Ī``, so the comparison
    stays certified), or ``"float"`` (a float law; and the cone past its limit, where a
    value leaves the fragment)."""
    if not ctx.exact:
        return "float"
    limit = EXACT_CUTS_MAX_L
    if getattr(ctx, "symbolic", False):
        limit = min(limit, int(getattr(ctx.suite, "cone_cuts_max_L", CONE_CUTS_MAX_L) or CONE_CUTS_MAX_L))
    return "exact" if ctx.L <= limit else "interval"


def _expected_ekl(ctx, K: int, kind: str, mode: str | None = None, max_K: int | None = None):
    """``E EKL = sum_j ΔĪ(j) E[N_j]`` summed as :func:`_mode` says (``mode`` overrides it; ``max_K``:
    the largest K asked at this L, so the enclosures share one table)."""
    mode = _mode(ctx) if mode is None else mode
    if mode == "interval":
        if getattr(ctx, "symbolic", False) and ctx.L > CONE_ENCLOSURE_MAX_L:
            from ..structured.cone import NotInFragment

            raise NotInFragment(f"the enclosures of E[N_k] on the cone are scanned to L = {CONE_ENCLOSURE_MAX_L} "
                                "(cost grows like L^2 over the range); longer laws are checked one by one")
        EN = rules.expected_N_cuts_bounds_kind(ctx.L, K, kind, max_K)
        if getattr(ctx, "symbolic", False):  # the cone: E[N_k] enclosed on each ray r_k (E4)
            return ctx.law.expected_kl_enclosure(*EN)
        return _expected_ekl_interval(ctx, K, EN)
    w = rules.cut_pmf(ctx.L, kind)
    exact = mode == "exact"
    I = ctx.Ibar
    if not exact:  # float arithmetic: the comparison is then uncertified
        w = [float(x) for x in w]
        I = [float(x) for x in I]
    EN = rules.expected_N_cuts(ctx.L, K, w)
    total = ctx.zero() if exact else 0.0
    for j, n in enumerate(EN, start=1):
        total = total + (I[j] - I[j - 1]) * (ctx.num(n) if exact else n)
    return total


#: bits of the enclosures of Ī(t) taken from their exact forms in interval mode
INTERVAL_PREC = 96


def _expected_ekl_interval(ctx, K: int, EN):
    """``sum_j ΔĪ(j) E[N_j]`` as a certified interval (``mpmath.iv``): ``Ī`` enclosed from its
    exact forms, ``E[N_j]`` by outward-rounded floats (``EN``; docs/theory.md §7)."""
    import mpmath

    from ..arith import outward as ow

    I = ow.from_bounds(x.bounds(INTERVAL_PREC) if isinstance(x, LogForm) else (Fraction(x), Fraction(x))
                       for x in ctx.Ibar)
    dI = ow.sub((I[0][1:], I[1][1:]), (I[0][:-1], I[1][:-1]))
    lo, hi = ow.total(ow.mul(dI, EN))
    return mpmath.iv.mpf((lo, hi))


def _bound(ctx, T, factor):
    """``factor · T``: exact for an exact law (its ``T`` is exact), else float."""
    if ctx.exact:
        return T * ctx.num(factor)
    return float(T) * float(factor)


def zc_tc_factor(L: int, K: int) -> Fraction:
    H = rules.harmonic(L - 1)
    return 2 * H / (K - 1 + H)


def zc_dtc_factor(L: int, K: int) -> Fraction | None:
    H = rules.harmonic(L - 1)
    return H / (K - 1 - H) if K > 1 + H else None


def _zc_tc(ctx):
    if ctx.L < 2:
        return
    for K in ctx.suite.ks:
        yield Check(_expected_ekl(ctx, K, "tc", max_K=max(ctx.suite.ks)), _bound(ctx, ctx.tc, zc_tc_factor(ctx.L, K)), "le", None,
                    f"K={K} (K-1 cuts, w ∝ 1/(L-c))", note={"K": K, "w": "1/(L-c)"})


def dtc_step_grid(L: int, ks) -> list[int]:
    """The suite's K grid plus ``m, 2m, 4m`` with ``m`` the least K allowed (``K > 1 + H_{L-1}``)."""
    m = int(1 + rules.harmonic(L - 1)) + 1
    return sorted(set(ks) | {m, 2 * m, 4 * m})


def _zc_dtc(ctx):
    if ctx.L < 2:
        return
    grid = dtc_step_grid(ctx.L, ctx.suite.ks)
    for K in grid:
        f = zc_dtc_factor(ctx.L, K)
        if f is None:
            continue
        yield Check(_expected_ekl(ctx, K, "dtc", max_K=max(grid)), _bound(ctx, ctx.dtc, f), "le", None,
                    f"K={K} (K-1 cuts, w ∝ 1/c)", note={"K": K, "w": "1/c"})


register_catalogue(Claim(
    id="ZC-TC", source="ZC", provenance=prov("ZC", "rate Õ(TC/K) (abstract); constant for our construction", "derived"),
    kind="le",
    statement="random sizes from K-1 i.i.d. cut points with pmf w(c) ∝ 1/(L-c) give an expected EKL of at most "
              "2 H_{L-1}/(K-1+H_{L-1}) TC",
    formula="E EKL <= 2 H_{L-1}/(K - 1 + H_{L-1}) · TC",
    hypotheses="every law (profile cone) with L >= 2 at every L of the suite's cone range, K in the suite's grid (on the cone: exact sums up to L = 64, certified float enclosures of E[N_k] on each ray to L = 1024; on laws exact sums up to L = 256, certified enclosures beyond)",
    quantifier="named schedule family", case_checks=_zc_tc, profile_only=True))

register_catalogue(Claim(
    id="ZC-DTC", source="ZC", provenance=prov("ZC", "rate Õ(DTC/K) (abstract); constant for our construction",
                                              "derived"),
    kind="le",
    statement="random sizes from K-1 i.i.d. cut points with pmf w(c) ∝ 1/c give an expected EKL of at most "
              "H_{L-1}/(K-1-H_{L-1}) DTC when K > 1 + H_{L-1}",
    formula="E EKL <= H_{L-1}/(K - 1 - H_{L-1}) · DTC,  K > 1 + H_{L-1}",
    hypotheses="every law of the suite with L >= 2, K in the suite's grid and K = m, 2m, 4m (m the least K with "
               "K > 1 + H_{L-1}), where K > 1 + H_{L-1}, for every law (profile cone) at every L of the suite's cone range (on the cone: "
               "exact sums up to L = 64, certified float enclosures of E[N_k] on each ray to L = 1024; on laws exact sums up to "
               "L = 256, certified enclosures beyond)",
    quantifier="named schedule family", case_checks=_zc_dtc, profile_only=True))
