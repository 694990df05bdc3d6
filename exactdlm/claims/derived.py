"""Identities (E2)-(E5), (E7) and the derived bounds SH-1, G-DTC, G-TC, G-MIN, WC, IMP, MIX (docs/theory.md §4-§5).

Every identity is checked against an independent computation: (E1) values come from the
entropy profile ``g``; the right sides of (E2)-(E4) use ``Ī`` straight from its definition
(mean ``I(X_i; X_T)`` over the subset entropies) and ``TC`` from the one-site marginals.
Schedules named by a rule (G-*) are built from the rule as stated (``rules.py``); the
library's constructors are checked against it where they exist. Existence parts (WC attained,
IMP, G-DTC optimality) exhibit their witnesses: uniform laws on Reed–Solomon codes.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from ..engine import info
from ..arith import compare_sides
from ..schedules import compositions, cumulative
from . import Check, Claim, register_catalogue
from ..schedules import theorem_rules as rules
from .common import log, mds_law, mds_profile, prov, smallest_prime_at_least
from .context import COSTLY_RULE, COSTLY_SPARSE_CELLS

ANY = "every law and every schedule of the suite"
#: witnesses are checked on every composition up to this length, on the named schedules beyond
ALL_COMPOSITIONS_L = 8


def witness_lengths(suite):
    """``2..`` the longest witness length: lattice witnesses, and structured ones when available."""
    return range(2, max(suite.witness_L, suite.witness_L_structured) + 1)


def witness_schedules(L: int):
    if L <= ALL_COMPOSITIONS_L:
        return list(compositions(L))
    from ..suites import named_schedules

    return list(named_schedules(L))


# ----------------------------------------------------------------------------------------
# identities
# ----------------------------------------------------------------------------------------
def _e2(ctx, sizes):
    yield Check(ctx.ekl(sizes), info.ekl_from_curve(ctx.Ibar_def, sizes), "eq", sizes, "E1 value = left-Riemann error of Ī")


register_catalogue(Claim(
    id="E2", source="derived", provenance=prov("THEORY", "(E2)", "derived"), kind="eq",
    statement="EKL is the left-Riemann error of the information curve Ī",
    formula="EKL = sum_k sum_{t=t_{k-1}}^{t_k-1} [Ī(t) - Ī(t_{k-1})]",
    hypotheses=ANY + " (Ī from its definition on lattice laws)", schedule_checks=_e2))


def _e3(ctx, sizes):
    t = cumulative(sizes)
    I = ctx.Ibar_def
    rhs = ctx.tc_def
    for k, s in enumerate(sizes):
        rhs = rhs - I[t[k]] * s
    yield Check(ctx.ekl(sizes), rhs, "eq", sizes, "E1 value = TC - sum_k s_k Ī(t_{k-1})")


register_catalogue(Claim(
    id="E3", source="derived", provenance=prov("THEORY", "(E3)", "derived"), kind="eq",
    statement="EKL is TC minus the Ī-weighted step sizes",
    formula="EKL = TC - sum_k s_k Ī(t_{k-1})",
    hypotheses=ANY + " (TC from the marginals, Ī from its definition)", schedule_checks=_e3))


def _delta(I):
    return [I[j] - I[j - 1] for j in range(1, len(I))]


def _e4(ctx, sizes):
    dI = _delta(ctx.Ibar_def)
    rhs = ctx.zero()
    for d, n in zip(dI, rules.N_counts(sizes)):
        if n:
            rhs = rhs + d * n
    yield Check(ctx.ekl(sizes), rhs, "eq", sizes, "E1 value = sum_j ΔĪ(j) N_j")


#: most cut tuples (L-1)^(K-1) the random-size part of (E4) enumerates
CUT_TUPLES_CAP = 700


def _e4_random(ctx):
    L = ctx.L
    if L < 2:
        return
    dI = _delta(ctx.Ibar_def)
    # a symbolic context (every law at once) takes every K: a superset of what each law gets
    ks = ctx.suite.ks if getattr(ctx, "symbolic", False) or ctx.V**L <= COSTLY_SPARSE_CELLS else ctx.suite.ks[:1]
    for K in ks:
        if (L - 1) ** (K - 1) > CUT_TUPLES_CAP:
            continue
        for kind in ("uniform", "tc", "dtc"):
            w = rules.cut_pmf(L, kind)
            lhs = ctx.zero()
            for sizes, p in rules.cut_law(L, K, w).items():
                lhs = lhs + ctx.ekl(sizes) * ctx.num(p)
            EN = rules.expected_N_cuts(L, K, w)
            rhs = ctx.zero()
            for d, n in zip(dI, EN):
                rhs = rhs + d * ctx.num(n)
            yield Check(lhs, rhs, "eq", None, f"i.i.d. cuts K={K}, w {kind}: E EKL = sum_j ΔĪ(j) E[N_j]",
                        note={"K": K, "w": kind})
            if ctx.lattice:  # the sampler's own random-size EKL (schedules.CutPoints) against the formula
                from ..engine.sampler import expected_kl
                from ..schedules import CutPoints

                yield Check(expected_kl(ctx.law, CutPoints(L, K, kind)), rhs, "eq", None,
                            f"sampler.expected_kl(CutPoints(L, {K}, {kind!r})) = sum_j ΔĪ(j) E[N_j]",
                            note={"K": K, "w": kind})


register_catalogue(Claim(
    id="E4", source="derived", provenance=prov("THEORY", "(E4)", "derived"), kind="eq",
    statement="EKL is the ΔĪ-weighted count of tokens revealed with and after each token; with random "
              "sizes independent of the values, N_j becomes E[N_j] (closed form for i.i.d. cut points)",
    formula="EKL = sum_{j=1}^{L-1} ΔĪ(j) N_j;  E[N_j] = sum_{m=j}^{L-1} (1 - sum_{c=j}^{m} w(c))^(K-1)",
    hypotheses=ANY + "; i.i.d. cut points with pmf uniform, ∝1/(L-c), ∝1/c and K-1 cuts (K in the suite's grid; "
               f"its first value only when V^L > {COSTLY_SPARSE_CELLS}), "
               f"enumerated exactly when (L-1)^(K-1) <= {CUT_TUPLES_CAP}",
    schedule_checks=_e4, case_checks=_e4_random))


# (E5) ------------------------------------------------------------------------------------
#: laws with at most this many outcomes get every rule on every schedule; larger ones one rule per schedule
E5_ALL_RULES_CELLS = 27
#: laws with more outcomes than this are skipped by (E5) (the decision tree grows with V^L)
E5_MAX_CELLS = 729
_E5_RULES = ("confidence", "margin", "entropy")


def _e5(ctx, sizes):
    from ..adaptive import adaptive_chain_rule, adaptive_kl

    if not ctx.lattice or ctx.V**ctx.L > E5_MAX_CELLS or not ctx.costly(sizes):
        return
    if ctx.V**ctx.L <= E5_ALL_RULES_CELLS:
        chosen = _E5_RULES
    else:  # one rule per schedule, rotating, so every rule meets the large laws too
        chosen = (_E5_RULES[ctx.case.schedules.index(sizes) % 3],)
    p = ctx.law.base
    for rule in chosen:
        yield Check(adaptive_kl(p, rule, sizes), adaptive_chain_rule(p, rule, sizes), "eq", sizes,
                    f"rule {rule}", note={"rule": rule})


def _e5_threshold(ctx):
    from ..adaptive import adaptive_chain_rule, adaptive_kl

    if not ctx.lattice or ctx.V**ctx.L > E5_MAX_CELLS:
        return
    p = ctx.law.base
    for tau in (Fraction(1, 2), Fraction(9, 10)):
        yield Check(adaptive_kl(p, "threshold", tau=tau), adaptive_chain_rule(p, "threshold", tau=tau), "eq",
                    None, f"rule threshold tau={tau}", note={"rule": "threshold", "tau": str(tau)})


register_catalogue(Claim(
    id="E5", source="WLL", provenance=prov("WLL", "Thm 1", "derived"), kind="eq",
    statement="per-pattern chain rule: for any deterministic policy, value-adaptive ones included, the KL of its "
              "output law is the expected conditional total correlation of the blocks it reveals",
    formula="KL(p || q_π) = E_{x~p} sum_k condTC(X_{S_k} | x_{R_k})",
    hypotheses=f"lattice laws with V^L <= {E5_MAX_CELLS}; rules confidence, margin, entropy with the suite's "
               f"schedules ({COSTLY_RULE}; all three when V^L <= {E5_ALL_RULES_CELLS}, else one per schedule in turn), "
               "and threshold with tau = 1/2, 9/10",
    schedule_checks=_e5, case_checks=_e5_threshold, requires=("exactdlm.adaptive:adaptive_chain_rule",)))


# (E7) ------------------------------------------------------------------------------------
def _abs_diff_total(p, q, exact: bool):
    if exact:
        return sum((abs(a - b) for a, b in zip(p.reshape(-1), q.reshape(-1))), Fraction(0))
    import numpy as np

    return float(np.abs(p.astype(float) - q.astype(float)).sum())


def _e7(ctx, sizes):
    ekl = ctx.ekl(sizes)
    mix = ctx.mixture_kl(sizes) if ctx.costly(sizes) else None
    if mix is not None:
        yield Check(mix, ekl, "le", sizes, "KL(p||q) <= EKL")
    if len(sizes) == 1:
        yield Check(ekl, ctx.tc_def, "eq", sizes, "one step: EKL = TC")
    if all(s == 1 for s in sizes):
        yield Check(ekl, 0, "eq", sizes, "unit steps: EKL = 0")
        if ctx.lattice and ctx.costly(sizes):
            from ..engine.sampler import sampler_law

            q = sampler_law(ctx.law.base, sizes)
            yield Check(_abs_diff_total(ctx.law.array, q, ctx.law.exact), 0, "eq", sizes, "unit steps: q = p exactly "
                        "(sum_x |q(x) - p(x)| = 0)")


register_catalogue(Claim(
    id="E7", source="derived", provenance=prov("THEORY", "(E7)", "derived"), kind="le",
    statement="the output law's KL is at most the expected KL; one step gives EKL = TC; unit steps give EKL = 0 "
              "and q = p exactly",
    formula="KL(p||q) <= EKL;  K = 1: EKL = TC;  s = (1,...,1): EKL = 0, q = p",
    hypotheses=ANY + f"; the output law (KL(p||q), q = p) on {COSTLY_RULE}, for laws with a mixture-law "
               "algorithm (lattice laws; structured laws except long Markov chains)", schedule_checks=_e7,
    requires=("exactdlm.engine.sampler:mixture_kl", "exactdlm.engine.sampler:sampler_law")))


# ----------------------------------------------------------------------------------------
# SH-1
# ----------------------------------------------------------------------------------------
def sh1_middle(ctx, sizes):
    """``Σ_k (s_k - 1)[Ī(t_k - 1) - Ī(t_{k-1})]`` (the profile cone has its own O(L) form of it)."""
    if hasattr(ctx, "block_rise"):
        return ctx.block_rise(sizes)
    return plain_block_rise(ctx, sizes)


def plain_block_rise(ctx, sizes):
    """:func:`sh1_middle` summed term by term from ``ctx.Ibar`` (any context with ``Ibar``, ``zero``)."""
    t = cumulative(sizes)
    I = ctx.Ibar
    mid = ctx.zero()
    for k, s in enumerate(sizes):
        if s > 1:
            mid = mid + (I[t[k + 1] - 1] - I[t[k]]) * (s - 1)
    return mid


def _sh1(ctx, sizes):
    mid = sh1_middle(ctx, sizes)
    rhs = ctx.mi * ctx.num(Fraction(max(sizes) - 1, ctx.L))
    ekl = ctx.ekl(sizes)
    yield Check(ekl, mid, "le", sizes, "EKL <= sum_k (s_k-1)[Ī(t_k-1) - Ī(t_{k-1})]")
    yield Check(mid, rhs, "le", sizes, "sum_k (s_k-1)[...] <= (s_max-1)/L MI")


register_catalogue(Claim(
    id="SH-1", source="derived", provenance=prov("THEORY", "SH-1", "derived"), kind="le",
    statement="a sharper form of LC-T1: each block pays (s_k - 1) times the rise of Ī across it",
    formula="EKL <= sum_k (s_k - 1)[Ī(t_k - 1) - Ī(t_{k-1})] <= (s_max - 1)/L · sum_i I(X_i; X_{-i})",
    hypotheses=ANY, schedule_checks=_sh1, profile_only=True))


# ----------------------------------------------------------------------------------------
# geometric and two-sided schedules
# ----------------------------------------------------------------------------------------
def _library_rule(name: str):
    from .. import schedules

    return getattr(schedules, name, None)


def _library_agreement(name: str, rule, lengths, rhos):
    """Checks that ``exactdlm.schedules.<name>`` builds the sizes of the stated rule (if it exists)."""
    lib = _library_rule(name)
    if lib is None:
        return
    for L in lengths:
        for rho in rhos:
            ours = rule(L, rho)
            theirs = tuple(int(s) for s in lib(L, rho))
            yield Check(int(theirs == ours), 1, "eq", ours, f"schedules.{name}({L}, {rho}) = {theirs} follows the rule",
                        note={"L": L, "rho": str(rho), "library": list(theirs)}, rated=False)


@lru_cache(maxsize=None)
def rule_sizes(name: str, L: int, rho) -> tuple:
    """``rules.<name>(L, rho)``, built once per (L, rho): the cone asks for every L up to thousands."""
    return getattr(rules, name)(L, rho)


def _gdtc_case(ctx):
    for rho in ctx.suite.rhos:
        sizes = rule_sizes("geometric_dtc", ctx.L, rho)
        yield Check(ctx.ekl(sizes), ctx.dtc * ctx.num(rho), "le", sizes, f"EKL <= rho DTC, rho={rho}",
                    note={"rho": str(rho)})


def _fewer_steps_witness_checks(L: int, rho, greedy_steps: int):
    """Every schedule with fewer steps than the greedy one fails on an MDS code: EKL > rho DTC."""
    q = smallest_prime_at_least(L)
    for sizes in witness_schedules(L):
        if len(sizes) >= greedy_steps:
            continue
        k_step = rules.wc_argmax(sizes, "dtc")
        k = cumulative(sizes)[k_step] + 1
        g = mds_profile(L, k, q)
        ekl = info.ekl_from_profile(g, sizes)
        dtc = g[L - 1] * L - g[L] * (L - 1)
        yield Check(ekl, dtc * Fraction(rho), "gt", sizes, f"{len(sizes)} < {greedy_steps} steps: MDS [{L},{k}]_{q} "
                    f"has EKL > rho DTC, rho={rho}", law=mds_law(L, k, q), note={"rho": str(rho), "k": k, "q": q})


def wc_min(sizes) -> Fraction:
    """``sup_p EKL / min(TC, DTC)`` of a fixed schedule: on the rays (§8) ``max_k N_k / min(k, L-k)``."""
    from ..structured.cone import fixed_counts

    N = fixed_counts(sizes)
    L = len(N)
    best = Fraction(0)
    for k in range(1, L):
        if N[k] and Fraction(int(N[k]), min(k, L - k)) > best:
            best = Fraction(int(N[k]), min(k, L - k))
    return best


_SUP = {"geometric_tc": rules.wc_tc, "geometric_dtc": rules.wc_dtc, "two_sided": wc_min}


def every_rho_checks(rule: str, max_L: int | None = None, grid_lengths=()):
    """The rule's guarantee ``sup_p EKL/T <= rho`` for every rho in (0, 1]: by its pieces for
    L <= PIECES_MAX_L (``rho_pieces``: left end, one-sided limit at 0), on the dense grid j/32 at
    ``grid_lengths``; for G-DTC also the step bound at each piece's right end (one-sided limit)."""
    from .rho_pieces import PIECES_MAX_L, grid, pieces, step_bound_limit

    sup = _SUP[rule]
    checks = []
    for L in range(1, (max_L or PIECES_MAX_L) + 1):
        for lo, hi, sizes in pieces(rule, L):
            where = f"[{lo}, {hi if hi is not None else '1]'}" + (")" if hi is not None else "")
            if lo == 0:
                where = f"(0, {hi})" if hi is not None else "(0, 1]"
            checks.append(Check(sup(sizes), lo, "le", sizes, f"L={L}, every rho in {where}: sup_p EKL/T <= rho "
                                "(left end; limit at 0)", note={"L": L, "rho_piece": where}, rated=False))
            if rule == "geometric_dtc":
                checks.append(Check(len(sizes), step_bound_limit(L, hi), "le", sizes,
                                    f"L={L}, every rho in {where}: steps <= ceil(ln(L+1)/ln(1+rho)) (right end)",
                                    note={"L": L, "rho_piece": where}, rated=False))
    for L in grid_lengths:
        for rho in grid():
            sizes = rule_sizes(rule, L, rho)
            checks.append(Check(sup(sizes), rho, "le", sizes, f"L={L}, rho={rho} (dense grid j/32 beyond "
                                f"L = {PIECES_MAX_L}): sup_p EKL/T <= rho", note={"L": L, "rho": str(rho)}, rated=False))
    return checks


#: beyond the pieces, the dense rho grid is checked at these lengths
GRID_LENGTHS = (128, 256, 512, 1024)


def _gdtc_global(suite):
    checks, figures = every_rho_checks("geometric_dtc", grid_lengths=GRID_LENGTHS), {}
    lengths = range(1, max(witness_lengths(suite).stop - 1, 8) + 1)
    for L in lengths:
        for rho in suite.rhos:
            sizes = rules.geometric_dtc(L, rho)
            bound = rules.steps_bound_dtc(L, rho)
            checks.append(Check(len(sizes), bound, "le", sizes, f"L={L}, rho={rho}: steps <= ceil(ln(L+1)/ln(1+rho))",
                                note={"L": L, "rho": str(rho)}, rated=False))
            if L in witness_lengths(suite):
                checks.extend(_fewer_steps_witness_checks(L, rho, len(sizes)))
    checks.extend(_library_agreement("geometric_dtc", rules.geometric_dtc, lengths, suite.rhos))
    return checks, figures


register_catalogue(Claim(
    id="G-DTC", source="derived", provenance=prov("THEORY", "G-DTC", "derived"), kind="le",
    statement="the revealed-count geometric schedule guarantees EKL <= rho DTC in at most ceil(ln(L+1)/ln(1+rho)) "
              "steps, and no schedule with fewer steps guarantees it for all laws",
    formula="b = min(L, max(a+1, floor((1+rho)(a+1)))):  EKL <= rho DTC,  K <= ceil(ln(L+1)/ln(1+rho))",
    hypotheses="every law (profile cone, every L of the suite's cone range) with rho in the suite's grid; every rho in "
               "(0, 1] by the rule's pieces for L <= 64 (guarantee at each piece's left end, step bound at its right "
               "end, one-sided limits at open ends), the dense grid rho = j/32 at L = 128, 256, 512, 1024; "
               "the step bound for L <= 8; optimality against "
               f"every schedule with fewer steps (every composition up to L = {ALL_COMPOSITIONS_L}, named schedules "
               "beyond) on Reed–Solomon witnesses for L up to the suite's witness length",
    quantifier="named schedule family", case_checks=_gdtc_case, global_checks=_gdtc_global, global_kind="exact", profile_only=True))


def _gtc_case(ctx):
    for rho in ctx.suite.rhos:
        sizes = rule_sizes("geometric_tc", ctx.L, rho)
        yield Check(ctx.ekl(sizes), ctx.tc * ctx.num(rho), "le", sizes, f"EKL <= rho TC, rho={rho}",
                    note={"rho": str(rho)})


def _gtc_global(suite):
    lengths = range(1, max(suite.witness_L, 8) + 1)
    checks = every_rho_checks("geometric_tc", grid_lengths=GRID_LENGTHS) + [Check(rules.wc_tc(rules.geometric_tc(L, rho)), Fraction(rho), "le", rules.geometric_tc(L, rho),
                    f"L={L}: sup_p EKL/TC of the schedule <= rho={rho}", note={"L": L, "rho": str(rho)}, rated=False)
              for L in lengths for rho in suite.rhos]
    checks.extend(_library_agreement("geometric_tc", rules.geometric_tc, lengths, suite.rhos))
    return checks, {}


register_catalogue(Claim(
    id="G-TC", source="derived", provenance=prov("THEORY", "G-TC", "derived"), kind="le",
    statement="the masked-count geometric schedule guarantees EKL <= rho TC",
    formula="s = 1 + floor(rho (L - a - 1)):  EKL <= rho TC",
    hypotheses="every law (profile cone, every L of the suite's cone range) with rho in the suite's grid; every rho in "
               "(0, 1] by the rule's pieces for L <= 64 (sup_p EKL/TC at each piece's left end, limit at 0), the "
               "dense grid rho = j/32 at L = 128, 256, 512, 1024; the worst-case ratio of the schedule for L <= 8",
    quantifier="named schedule family", case_checks=_gtc_case, global_checks=_gtc_global, global_kind="exact", profile_only=True))


def _gmin_case(ctx):
    for rho in ctx.suite.rhos:
        sizes = rule_sizes("two_sided", ctx.L, rho)
        ekl, r = ctx.ekl(sizes), ctx.num(rho)
        yield Check(ekl, ctx.tc * r, "le", sizes, f"EKL <= rho TC, rho={rho}", note={"rho": str(rho)})
        yield Check(ekl, ctx.dtc * r, "le", sizes, f"EKL <= rho DTC, rho={rho}", note={"rho": str(rho)})


def _gmin_global(suite):
    lengths = range(1, max(suite.witness_L, 8) + 1)
    checks = every_rho_checks("two_sided", grid_lengths=GRID_LENGTHS)
    for L in lengths:
        for rho in suite.rhos:
            sizes = rules.two_sided(L, rho)
            checks.append(Check(rules.wc_tc(sizes), Fraction(rho), "le", sizes,
                                f"L={L}: sup_p EKL/TC of the schedule <= rho={rho}", note={"L": L, "rho": str(rho)},
                                rated=False))
            checks.append(Check(rules.wc_dtc(sizes), Fraction(rho), "le", sizes,
                                f"L={L}: sup_p EKL/DTC of the schedule <= rho={rho}", note={"L": L, "rho": str(rho)},
                                rated=False))
    checks.extend(_library_agreement("two_sided", rules.two_sided, lengths, suite.rhos))
    return checks, {}


register_catalogue(Claim(
    id="G-MIN", source="derived", provenance=prov("THEORY", "G-MIN", "derived"), kind="le",
    statement="the two-sided schedule guarantees EKL <= rho min(TC, DTC)",
    formula="grow the block while t_k - j <= rho j (L-j)/L for all j in it:  EKL <= rho min(TC, DTC)",
    hypotheses="every law (profile cone, every L of the suite's cone range) with rho in the suite's grid; every rho in "
               "(0, 1] by the rule's pieces for L <= 64 (sup_p EKL/min(TC, DTC) on the rays at each piece's left end, "
               "limit at 0), the dense grid rho = j/32 at L = 128, 256, 512, 1024; the worst-case ratios of the "
               "schedule for L <= 8",
    quantifier="named schedule family", case_checks=_gmin_case, global_checks=_gmin_global, global_kind="exact", profile_only=True))


# ----------------------------------------------------------------------------------------
# WC and IMP: Reed–Solomon witnesses
# ----------------------------------------------------------------------------------------
def _wc_case(ctx, sizes):
    ekl = ctx.ekl(sizes)
    yield Check(ekl, ctx.dtc * ctx.num(rules.wc_dtc(sizes)), "le", sizes, "EKL <= max_k (s_k-1)/(t_{k-1}+1) DTC")
    yield Check(ekl, ctx.tc * ctx.num(rules.wc_tc(sizes)), "le", sizes, "EKL <= max_k (s_k-1)/(L-t_{k-1}-1) TC")


def _wc_global(suite):
    checks = []
    for L in witness_lengths(suite):
        q = smallest_prime_at_least(L)
        for sizes in witness_schedules(L):
            t = cumulative(sizes)
            for which in ("dtc", "tc"):
                k = t[rules.wc_argmax(sizes, which)] + 1
                if k > L:
                    continue
                g = mds_profile(L, k, q)
                ekl = info.ekl_from_profile(g, sizes)
                if which == "dtc":
                    bound = (g[L - 1] * L - g[L] * (L - 1)) * rules.wc_dtc(sizes)
                else:
                    bound = (g[1] * L - g[L]) * rules.wc_tc(sizes)
                checks.append(Check(ekl, bound, "eq", sizes, f"sup attained: MDS [{L},{k}]_{q} has EKL = "
                                    f"{'max (s_k-1)/(t_{k-1}+1) DTC' if which == 'dtc' else 'max (s_k-1)/(L-t_{k-1}-1) TC'}",
                                    law=mds_law(L, k, q), note={"k": k, "q": q, "ratio": which}))
    return checks, {}


register_catalogue(Claim(
    id="WC", source="derived", provenance=prov("THEORY", "WC", "derived"), kind="le",
    statement="worst case over laws for a fixed schedule: EKL/DTC and EKL/TC are at most the stated maxima, "
              "attained by uniform laws on Reed–Solomon codes",
    formula="sup_p EKL/DTC = max_k (s_k-1)/(t_{k-1}+1);  sup_p EKL/TC = max_{t_{k-1} <= L-2} (s_k-1)/(L-t_{k-1}-1)",
    hypotheses=ANY + f"; attainment on every composition of L up to {ALL_COMPOSITIONS_L} (named schedules beyond), "
               "L up to the suite's witness length",
    schedule_checks=_wc_case, global_checks=_wc_global, global_kind="exact", profile_only=True))


def _imp_global(suite):
    checks = []
    for L in witness_lengths(suite):
        q = smallest_prime_at_least(L)
        logq = log(q)
        for k in range(1, L + 1):
            sizes = (k, L - k) if k < L else (L,)
            checks.append(Check(info.ekl_from_profile(mds_profile(L, k, q), sizes), 0, "eq", sizes,
                                f"[{L},{k}]_{q}: the 2-step schedule (k, L-k) has EKL 0", law=mds_law(L, k, q),
                                note={"k": k, "q": q}))
        for sizes in witness_schedules(L):
            if len(sizes) >= L:
                continue
            first = cumulative(sizes)[rules.wc_argmax(sizes, "dtc")] + 1
            order = [first] + [k for k in range(1, L + 1) if k != first]
            chosen = None
            for k in order:
                ekl = info.ekl_from_profile(mds_profile(L, k, q), sizes)
                if compare_sides(ekl, logq, "ge").outcome == "holds":
                    chosen = (k, ekl)
                    break
            k, ekl = chosen if chosen else (first, info.ekl_from_profile(mds_profile(L, first, q), sizes))
            checks.append(Check(ekl, logq, "ge", sizes, f"{len(sizes)} < L steps: some k has EKL >= log q (k={k})",
                                law=mds_law(L, k, q), note={"k": k, "q": q}))
    return checks, {}


register_catalogue(Claim(
    id="IMP", source="derived", provenance=prov("CCL", "impossibility (our instance)", "derived"), kind="ge",
    statement="on the Reed–Solomon family [L,k]_q every member has a 2-step schedule with EKL 0, yet every fixed "
              "schedule with fewer than L steps has EKL >= log q on some member",
    formula="EKL_{[L,k]_q}((k, L-k)) = 0;  m < L steps => max_k EKL_{[L,k]_q}(s) >= log q",
    hypotheses="Reed–Solomon codes [L,k]_q, q the least prime >= L, k = 1..L, every composition of L up to "
               f"L = {ALL_COMPOSITIONS_L} (named schedules beyond), for L up to the suite's witness length",
    quantifier="exists", global_checks=_imp_global, global_kind="exact"))


# ----------------------------------------------------------------------------------------
# MIX
# ----------------------------------------------------------------------------------------
def _mix(ctx, sizes):
    if not ctx.costly(sizes):
        return
    mix, ekl = ctx.mixture_kl(sizes), ctx.ekl(sizes)
    if mix is None:  # a structured law without a mixture algorithm at this length
        return
    fe = float(ekl)
    figures = {"smallest KL(p||q)/EKL": ("min", float(mix) / fe)} if fe > 1e-12 else None
    yield Check(mix, ekl, "le", sizes, "KL(p||q) <= EKL", figures=figures)


def _mix_global(suite):
    from ..laws.families import noisy_repetition

    p = noisy_repetition(5, Fraction(1, 10))
    sizes = (1, 4)
    from .context import SharedLaw

    law = SharedLaw(p)
    from ..engine.sampler import expected_kl

    ekl = expected_kl(law, sizes)
    mix = law.mixture_kl(sizes)
    checks = []
    for value, quoted, what in ((ekl, Fraction(2900, 10**4), "EKL"), (mix, Fraction(448, 10**4), "KL(p||q)")):
        half = Fraction(5, 10**5)
        checks.append(Check(value, quoted + half, "le", sizes, f"the theory doc's example: {what} rounds to {float(quoted)}", law=p,
                                rated=False))
        checks.append(Check(value, quoted - half, "ge", sizes, f"the theory doc's example: {what} rounds to {float(quoted)}", law=p,
                                rated=False))
    return checks, {"example (noisy repeated bit L=5, eta=1/10, sizes (1,4))": {"EKL": float(ekl), "KL(p||q)": float(mix)}}


register_catalogue(Claim(
    id="MIX", source="derived", provenance=prov("THEORY", "MIX", "derived"), kind="le",
    statement="the sampler's output law is closer to p than the expected per-pattern KL says; the ratio can be far "
              "below 1 (how small is open: the table reports the smallest ratio seen)",
    formula="KL(p || q) <= EKL = E_S KL(p || q_S)",
    hypotheses=ANY + f" ({COSTLY_RULE}; laws with a mixture-law algorithm); plus the theory doc's quoted example (noisy repeated bit, L=5, eta=1/10, sizes (1,4): 0.0448 vs 0.2900)",
    schedule_checks=_mix, global_checks=_mix_global,
    requires=("exactdlm.engine.sampler:mixture_kl",)))
