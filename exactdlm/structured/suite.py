"""The ``large`` suite (structured laws at L in the thousands) and the figures issue 8 asks for.

``large_suite(lengths)`` returns one dict per law and length, the shape ``exactdlm.suites``
reads: ``{"name", "law", "schedules", "family", "params"}`` with ``schedules`` a list of size
tuples (balanced ``K`` on a grid from 2 to L, the geometric rules G-DTC / G-TC / G-MIN for a
grid of rho, the optimal ``m``-step schedules), plus ``"schedule_names"`` (parallel to
``schedules``) and ``"random_schedules"`` (ZC's cut-point schedules, ``CutPoints`` objects)
for callers that take random sizes.

``figures(...)`` computes, on the same laws, what the issue's "checks at scale" report:

* ``ekl_vs_K``: EKL of balanced schedules against K and the fitted log-log slope (LC's 1/K
  rate is slope -1), with ``K · EKL / Σ I`` (LC-C1's constant);
* ``geometric_steps``: steps of G-DTC / G-TC against ``ceil(ln(L+1)/ln(1+rho))`` and the
  worst ``EKL/DTC``, ``EKL/TC`` against rho;
* ``zc_coefficients``: ``EKL/TC`` of i.i.d. cut points ``w ∝ 1/(L-c)`` against
  ``2 H_{L-1}/(K-1+H_{L-1})`` and ``EKL/DTC`` of ``w ∝ 1/c`` against
  ``H_{L-1}/(K-1-H_{L-1})`` (EKL by (E4));
* ``sqrt_rule``: the DP optimum against LZ's square-root prediction
  ``½[(sum_j sqrt ΔĪ(j))²/m - (Ī(L-1) - Ī(0))]`` and against the schedule that places knots at
  equal increments of ``sum sqrt ΔĪ`` (the local block size ∝ 1/sqrt(Ī')), as L grows;
* ``numerics`` (optional): errors of the float profile and curve against 50-digit mpmath.

``format_figures(fig)`` renders them as text tables.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .. import schedules as sch
from .closed import parity, repeated_symbol
from .exchangeable import exchangeable_mixture, noisy_repetition
from .markov import markov_chain
from .mds import mds_code, next_prime

F = Fraction
LENGTHS = (64, 256, 1024, 4096)
RHOS = (F(1), F(1, 2), F(1, 4), F(1, 8))
OPTIMAL_STEPS = (4, 8, 16, 32)
ZC_KS = (4, 16, 64)
#: two_sided (G-MIN) costs O(L s^2) Fraction steps; above this L it is left out
TWO_SIDED_MAX_L = 1024

_TRANSITION = [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]]
_TRANSITION3 = [[F(8, 10), F(1, 10), F(1, 10)], [F(1, 20), F(9, 10), F(1, 20)], [F(1, 4), F(1, 4), F(1, 2)]]
_MIX_W = [F(1, 5)] * 5
_MIX_THETA = [[1 - F(k, 6), F(k, 6)] for k in range(1, 6)]


def suite_laws(L: int) -> list[tuple[str, dict, object]]:
    """``(family, params, law)`` of the structured laws at length ``L`` (rational parameters)."""
    q = next_prime(L)
    return [
        ("noisy_repetition", {"L": L, "eta": "1/10"}, noisy_repetition(L, F(1, 10))),
        ("exchangeable_mixture", {"L": L, "weights": "1/5 x 5", "theta1": "k/6, k=1..5"},
         exchangeable_mixture(L, _MIX_W, _MIX_THETA)),
        ("parity", {"L": L, "V": 2}, parity(L, 2)),
        ("repeated_symbol", {"L": L, "V": 2}, repeated_symbol(L, 2)),
        ("markov_chain", {"L": L, "transition": [[str(x) for x in r] for r in _TRANSITION]},
         markov_chain(L, _TRANSITION)),
        ("markov_chain_v3", {"L": L, "transition": [[str(x) for x in r] for r in _TRANSITION3]},
         markov_chain(L, _TRANSITION3)),
        ("mds_code", {"L": L, "k": max(1, L // 4), "q": q}, mds_code(L, max(1, L // 4), q)),
    ]


def k_grid(L: int) -> list[int]:
    """Balanced step counts 2, 4, 8, ... and L itself."""
    ks, K = [], 2
    while K < L:
        ks.append(K)
        K *= 2
    ks.append(L)
    return ks


def named_schedules(law) -> tuple[list, list, dict]:
    """``(names, sizes list, random schedules)`` for one law (see the module docstring)."""
    L = law.L
    names, scheds = [], []

    def add(name, sizes):
        sizes = tuple(int(s) for s in sizes)
        if sizes not in scheds:
            names.append(name)
            scheds.append(sizes)

    for K in k_grid(L):
        add(f"balanced:{K}", sch.balanced(L, K))
    for rho in RHOS:
        add(f"geometric_dtc:{rho}", sch.geometric_dtc(L, rho))
        add(f"geometric_tc:{rho}", sch.geometric_tc(L, rho))
        if L <= TWO_SIDED_MAX_L:
            add(f"two_sided:{rho}", sch.two_sided(L, rho))
    for m in OPTIMAL_STEPS:
        if m <= L:
            add(f"optimal:{m}", law.optimal_schedule(m)[0])
    rand = {}
    for K in ZC_KS:
        if K <= L:
            rand[f"cutpoints_tc:{K}"] = sch.CutPoints(L, K, "tc")
            rand[f"cutpoints_dtc:{K}"] = sch.CutPoints(L, K, "dtc")
    return names, scheds, rand


def large_suite(lengths=LENGTHS) -> list[dict]:
    """The structured cases of ``exactdlm verify --suite large`` (see the module docstring)."""
    out = []
    for L in lengths:
        for family, params, law in suite_laws(int(L)):
            names, scheds, rand = named_schedules(law)
            out.append({
                "name": f"{family} L={L}",
                "law": law,
                "schedules": scheds,
                "schedule_names": names,
                "random_schedules": rand,
                "family": family,
                "params": params,
            })
    return out


def small_suite(max_L: int = 8) -> list[dict]:
    """The same structured laws at ``L = max_L`` for the lattice-sized suites (their named
    schedules come from the caller: ``schedules`` is None)."""
    return [{"name": f"structured {family} L={max_L}", "law": law, "schedules": None,
             "family": family, "params": params}
            for family, params, law in suite_laws(int(max_L))]


# ----------------------------------------------------------------------------------------
# figures
# ----------------------------------------------------------------------------------------
def _harmonic(n: int) -> float:
    return math.fsum(1.0 / i for i in range(1, n + 1))


def _fit_slope(xs, ys):
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if y > 0]
    if len(pts) < 2:
        return None
    X = np.array([p[0] for p in pts])
    Y = np.array([p[1] for p in pts])
    return float(np.polyfit(X, Y, 1)[0])


def sqrt_rule_schedule(Ibar, m: int) -> tuple[int, ...]:
    """Knots at equal increments of ``C(t) = sum_{j<=t} sqrt(ΔĪ(j))`` (LZ's block size ∝ 1/sqrt(Ī'))."""
    Ibar = np.asarray(Ibar, dtype=float)
    L = len(Ibar)
    inc = np.sqrt(np.clip(np.diff(Ibar), 0.0, None))  # ΔĪ(j), j = 1..L-1
    C = np.concatenate([[0.0], np.cumsum(inc)])  # C[t] at t = 0..L-1
    total = C[-1]
    knots = [0]
    for k in range(1, m):
        target = total * k / m
        t = int(np.searchsorted(C, target, side="left"))
        t = max(knots[-1] + 1, min(t, L - (m - k)))
        knots.append(t)
    knots.append(L)
    return tuple(knots[i + 1] - knots[i] for i in range(m))


def sqrt_prediction(Ibar, m: int) -> float:
    """LZ-sqrt: ``½[(sum_j sqrt ΔĪ(j))²/m - (Ī(L-1) - Ī(0))]`` (docs/theory.md §5, φ piecewise linear)."""
    Ibar = np.asarray(Ibar, dtype=float)
    s = math.fsum(np.sqrt(np.clip(np.diff(Ibar), 0.0, None)))
    return 0.5 * (s * s / m - (Ibar[-1] - Ibar[0]))


def figures(lengths=LENGTHS, numerics: bool = False, laws=None) -> dict:
    """The issue's figures on the suite laws at each length (see the module docstring).

    ``laws``: optional list of family names to keep. ``numerics``: add the 50-digit error
    reports (slower: mpmath at a handful of points per law).
    """
    fig = {"ekl_vs_K": [], "geometric_steps": [], "zc_coefficients": [], "sqrt_rule": [], "numerics": []}
    steps_seen = set()
    for L in lengths:
        L = int(L)
        for family, _params, law in suite_laws(L):
            if laws is not None and family not in laws:
                continue
            Ib = law.info_curve()
            tc, dtc, mi = law.total_correlation(), law.dual_total_correlation(), law.mi_sum()
            ks = [K for K in k_grid(L) if K < L]
            ekls = [law.expected_kl(sch.balanced(L, K)) for K in ks]
            fit_ks = [K for K in ks if K <= L // 4]
            fig["ekl_vs_K"].append({
                "family": family, "L": L, "K": ks, "ekl": ekls,
                "slope": _fit_slope(fit_ks, ekls[:len(fit_ks)]),
                "lc_c1_constant": max((K * e / mi for K, e in zip(ks, ekls)), default=0.0) if mi > 0 else None,
            })
            for rho in RHOS:
                for rule, fn, denom in (("geometric_dtc", sch.geometric_dtc, dtc), ("geometric_tc", sch.geometric_tc, tc)):
                    sizes = fn(L, rho)
                    bound = math.ceil(math.log(L + 1) / math.log(1 + float(rho)))
                    key = (rule, L, rho)
                    row = {"rule": rule, "family": family, "L": L, "rho": str(rho), "steps": len(sizes),
                           "log_bound": bound, "ekl": law.expected_kl(sizes),
                           "ratio": law.expected_kl(sizes) / denom if denom > 1e-300 else None}
                    fig["geometric_steps"].append(row)
                    steps_seen.add(key)
            H = _harmonic(L - 1)
            for K in ZC_KS:
                if K > L:
                    continue
                e_tc = law.expected_kl(sch.CutPoints(L, K, "tc"))
                e_dtc = law.expected_kl(sch.CutPoints(L, K, "dtc"))
                fig["zc_coefficients"].append({
                    "family": family, "L": L, "K": K,
                    "tc_ratio": e_tc / tc if tc > 1e-300 else None, "tc_bound": 2 * H / (K - 1 + H),
                    "dtc_ratio": e_dtc / dtc if dtc > 1e-300 else None,
                    "dtc_bound": H / (K - 1 - H) if K - 1 > H else None,
                })
            if family.startswith("markov") or family in ("noisy_repetition", "exchangeable_mixture"):
                for m in OPTIMAL_STEPS:
                    if m > L:
                        continue
                    opt_sizes, opt = law.optimal_schedule(m)
                    pred = sqrt_prediction(Ib, m)
                    rule_sizes = sqrt_rule_schedule(Ib, m)
                    fig["sqrt_rule"].append({
                        "family": family, "L": L, "m": m, "dp_optimum": opt, "prediction": pred,
                        "ratio": opt / pred if pred > 0 else None,
                        "sqrt_rule_ekl": law.expected_kl(rule_sizes),
                        "first_sizes": list(opt_sizes[:4]),
                    })
            if numerics:
                rep = law.numerics_report()
                fig["numerics"].append({"family": family, "L": L,
                                        "profile_rel": rep["profile"]["max_rel_error"],
                                        "curve_abs": rep["info_curve"]["max_abs_error"],
                                        "curve_rel": rep["info_curve"]["max_rel_error"]})
    return fig


def format_figures(fig: dict) -> str:
    """Plain-text tables of :func:`figures`."""
    lines = ["EKL vs K (balanced): fitted log-log slope (LC: -1) and max K·EKL/ΣI (LC-C1's C)"]
    for r in fig["ekl_vs_K"]:
        slope = "n/a" if r["slope"] is None else f"{r['slope']:+.3f}"
        c = "n/a" if r["lc_c1_constant"] is None else f"{r['lc_c1_constant']:.3f}"
        lines.append(f"  {r['family']:22s} L={r['L']:5d}  slope {slope:>7s}  C {c}")
    lines.append("Geometric schedules: steps vs ceil(ln(L+1)/ln(1+rho)), EKL/DTC (G-DTC) or EKL/TC (G-TC) vs rho")
    seen = set()
    for r in fig["geometric_steps"]:
        key = (r["rule"], r["L"], r["rho"])
        if key in seen:
            continue
        seen.add(key)
        worst = max((x["ratio"] for x in fig["geometric_steps"]
                     if (x["rule"], x["L"], x["rho"]) == key and x["ratio"] is not None), default=None)
        w = "n/a" if worst is None else f"{worst:.4f}"
        lines.append(f"  {r['rule']:14s} L={r['L']:5d} rho={r['rho']:>4s}  steps {r['steps']:5d} <= {r['log_bound']:5d}"
                     f"  worst ratio {w}")
    lines.append("ZC cut points: observed coefficient vs bound")
    for r in fig["zc_coefficients"]:
        def f(x):
            return "  n/a " if x is None else f"{x:.4f}"
        lines.append(f"  {r['family']:22s} L={r['L']:5d} K={r['K']:3d}  EKL/TC {f(r['tc_ratio'])} <= {f(r['tc_bound'])}"
                     f"   EKL/DTC {f(r['dtc_ratio'])} <= {f(r['dtc_bound'])}")
    lines.append("Square-root rule: DP optimum vs LZ prediction and vs the sqrt-rule schedule")
    for r in fig["sqrt_rule"]:
        ratio = "n/a" if r["ratio"] is None else f"{r['ratio']:.4f}"
        lines.append(f"  {r['family']:22s} L={r['L']:5d} m={r['m']:3d}  DP {r['dp_optimum']:.6g}  pred {r['prediction']:.6g}"
                     f"  DP/pred {ratio}  sqrt-rule EKL {r['sqrt_rule_ekl']:.6g}")
    if fig.get("numerics"):
        lines.append("Numerics: max error against 50-digit mpmath at sample points")
        for r in fig["numerics"]:
            lines.append(f"  {r['family']:22s} L={r['L']:5d}  g rel {r['profile_rel']:.2e}  Ī abs {r['curve_abs']:.2e}")
    return "\n".join(lines)
