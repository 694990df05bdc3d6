"""False statements a few percent from true ones (docs/theory.md §8, §10): every one must come out
``violated``, certified, on the default suite (``tests/test_false_variants.py``)::

    exactdlm verify --claims tests/data/false_variants.py --only fv-...

Each variant names the catalogue claim it is a neighbour of and how it was broken: a constant a
few percent too small (or large), or a hypothesis dropped. The first three are the statements
quoted in issue 12, which the suite alone (L <= 8) let through. LC-T2 is incomplete (nothing to
vary) and LZ-sqrt is a limit claim with float evidence only (no certified refutation exists for it).
"""

from fractions import Fraction

import exactdlm as ed
from exactdlm.claims import claim, min_of
from exactdlm.engine import predictors
from exactdlm.engine.info import ekl_from_curve
from exactdlm.engine.sampler import epsilon_train, expected_kl_enumerated
from exactdlm.schedules import CutPoints, theorem_rules as rules

F = Fraction


def _balanced(sizes):
    L, K = sum(sizes), len(sizes)
    return set(sizes) <= {L // K, -(-L // K)}


def _vacuous():
    return 0, 0


# ----------------------------------------------------------------------------------------
# the three statements of the issue
# ----------------------------------------------------------------------------------------
@claim(id="fv-LC-C1-0.99", statement="balanced sizes: K·EKL <= 0.99·Σ_i I(X_i; X_-i) [LC-C1 with C = 0.99]")
def lc_c1_099(law, sizes):
    if not _balanced(sizes):
        return _vacuous()
    return len(sizes) * ed.expected_kl(law, sizes), 0.99 * ed.mi_sum(law)


@claim(id="fv-LC-C1-two-steps-0.95", statement="two balanced steps: 2·EKL <= 0.95·Σ I [LC-C1, K = 2, C = 0.95]")
def lc_c1_two(law, sizes):
    if len(sizes) != 2 or not _balanced(sizes):
        return _vacuous()
    return 2 * ed.expected_kl(law, sizes), 0.95 * ed.mi_sum(law)


@claim(id="fv-DTC-40TC", statement="DTC <= 40·TC [true neighbour: TC <= (L-1)·DTC and DTC <= (L-1)·TC]")
def dtc_40tc(law, sizes):
    return ed.dual_total_correlation(law), 40 * ed.total_correlation(law)


# ----------------------------------------------------------------------------------------
# identities (E1)-(E7), each with a coefficient 1-3% off
# ----------------------------------------------------------------------------------------
@claim(id="fv-E1", statement="EKL = 1.01·(Σ_k s_k [g(t_{k-1}+1) - g(t_{k-1})] - H(X)) [E1 off by 1%]", kind="eq")
def e1(law, sizes):
    g, t, total = ed.entropy_profile(law), 0, 0
    for s in sizes:
        total = total + (g[t + 1] - g[t]) * s
        t += s
    return ed.expected_kl(law, sizes), F(101, 100) * (total - g[t])


@claim(id="fv-E2", statement="EKL = 0.99·left-Riemann error of Ī [E2 off by 1%]", kind="eq")
def e2(law, sizes):
    return ed.expected_kl(law, sizes), F(99, 100) * ekl_from_curve(ed.info_curve(law), sizes)


@claim(id="fv-E3", statement="EKL = TC - 1.02·Σ_k s_k Ī(t_{k-1}) [E3 off by 2%]", kind="eq")
def e3(law, sizes):
    I, t, acc = ed.info_curve(law), 0, 0
    for s in sizes:
        acc = acc + I[t] * s
        t += s
    return ed.expected_kl(law, sizes), ed.total_correlation(law) - F(102, 100) * acc


@claim(id="fv-E4-random", statement="i.i.d. cuts (K = 3, w ∝ 1/(L-c)): E EKL = 0.98·Σ_j ΔĪ(j) E[N_j] [E4 off by 2%]",
       kind="eq")
def e4(law, sizes):
    if law.L < 3:
        return _vacuous()
    from exactdlm.schedules import expected_N

    sched = CutPoints(law.L, 3, "tc")
    I, EN = ed.info_curve(law), expected_N(sched)
    rhs = 0
    for j in range(1, law.L):
        rhs = rhs + (I[j] - I[j - 1]) * EN[j - 1]
    return ed.expected_kl(law, sched), F(98, 100) * rhs


@claim(id="fv-E5", statement="confidence rule: KL(p||q_π) <= 0.97·E Σ_k condTC [E5 off by 3%]")
def e5(law, sizes):
    from exactdlm.adaptive import adaptive_chain_rule, adaptive_kl

    if law.V**law.L > 64:
        return _vacuous()
    return adaptive_kl(law, "confidence", sizes), F(97, 100) * adaptive_chain_rule(law, "confidence", sizes)


@claim(id="fv-E6", statement="learned predictor: E_S KL(p||q̂_S) = EKL + 0.97·ε_train [E6's coefficient 1 -> 0.97]",
       kind="eq")
def e6(law, sizes):
    if law.V**law.L > 27 or len(sizes) > 3:
        return _vacuous()
    pred = predictors.mix_uniform(F(1, 4))
    return expected_kl_enumerated(law, sizes, pred), ed.expected_kl(law, sizes) + F(97, 100) * epsilon_train(law, sizes, pred)


@claim(id="fv-E7-one-step", statement="one step: EKL = 1.01·TC [E7 off by 1%]", kind="eq")
def e7(law, sizes):
    if len(sizes) != 1:
        return _vacuous()
    return ed.expected_kl(law, sizes), F(101, 100) * ed.total_correlation(law)


# ----------------------------------------------------------------------------------------
# bounds: constants 2-5% too small, hypotheses dropped
# ----------------------------------------------------------------------------------------
@claim(id="fv-LC-T1-0.97", statement="EKL <= 0.97·(2^ceil(log2 s_max) - 1)/L·Σ I [LC-T1's constant 3% smaller]")
def lc_t1(law, sizes):
    return ed.expected_kl(law, sizes), F(97, 100) * F(rules.lc_constant(max(sizes)), law.L) * ed.mi_sum(law)


@claim(id="fv-LC-tight-0.98", statement="first block 2^m then unit steps: EKL <= 0.98·(2^m - 1)/L·Σ I "
       "[LC-tight says the repeated symbol attains (2^m - 1)/L]")
def lc_tight(law, sizes):
    s1 = sizes[0]
    if s1 & (s1 - 1) or any(s != 1 for s in sizes[1:]):
        return _vacuous()
    return ed.expected_kl(law, sizes), F(98, 100) * F(s1 - 1, law.L) * ed.mi_sum(law)


@claim(id="fv-SH-1-0.97", statement="EKL <= 0.97·(s_max - 1)/L·Σ I [SH-1's outer bound 3% smaller]")
def sh1(law, sizes):
    return ed.expected_kl(law, sizes), F(97, 100) * F(max(sizes) - 1, law.L) * ed.mi_sum(law)


@claim(id="fv-SH-1-no-minus-one", statement="EKL <= Σ_k (s_k - 1)[Ī(t_k - 2) - Ī(t_{k-1})] [SH-1 with the "
       "rise taken one knot short]")
def sh1_short(law, sizes):
    I, t, mid = ed.info_curve(law), 0, 0
    for s in sizes:
        if s > 1:
            mid = mid + (I[t + s - 2] - I[t]) * (s - 1)
        t += s
    return ed.expected_kl(law, sizes), mid


@claim(id="fv-CCL-1.9-fixed", statement="CCL-1.9 with the schedule fixed in advance: balanced sizes with the "
       "step budget 2 + (1 + ln L)(1 + 8) reach EKL <= TC/8 [hypothesis 'some schedule' (law-dependent) dropped]")
def ccl(law, sizes):
    from exactdlm.claims.ccl import step_budget

    K = min(law.L, step_budget(law.L, F(1, 8)))
    if tuple(sizes) != (law.L,):  # one comparison per law, on the budget's balanced schedule
        return _vacuous()
    return ed.expected_kl(law, rules.balanced(law.L, K, large_first=False)), ed.total_correlation(law) / 8


@claim(id="fv-G-DTC-0.97", statement="revealed-count geometric schedule: EKL <= 0.97·rho·DTC, rho = 1/2 "
       "[G-DTC's constant 3% smaller]")
def gdtc(law, sizes):
    if tuple(sizes) != rules.geometric_dtc(law.L, F(1, 2)):
        return _vacuous()
    return ed.expected_kl(law, sizes), F(97, 100) * F(1, 2) * ed.dual_total_correlation(law)


@claim(id="fv-G-TC-0.97", statement="masked-count geometric schedule: EKL <= 0.97·rho·TC, rho = 1/2 "
       "[G-TC's constant 3% smaller]")
def gtc(law, sizes):
    if tuple(sizes) != rules.geometric_tc(law.L, F(1, 2)):
        return _vacuous()
    return ed.expected_kl(law, sizes), F(97, 100) * F(1, 2) * ed.total_correlation(law)


@claim(id="fv-G-MIN-geometric", statement="the revealed-count geometric schedule gives EKL <= rho·min(TC, DTC), "
       "rho = 1/2 [G-MIN's two-sided rule replaced by the one-sided one]")
def gmin(law, sizes):
    if tuple(sizes) != rules.geometric_dtc(law.L, F(1, 2)):
        return _vacuous()
    return ed.expected_kl(law, sizes), F(1, 2) * min_of(ed.total_correlation(law), ed.dual_total_correlation(law))


@claim(id="fv-WC-0.98", statement="EKL <= 0.98·max_k (s_k - 1)/(t_{k-1} + 1)·DTC [WC's sup 2% smaller]")
def wc(law, sizes):
    return ed.expected_kl(law, sizes), F(98, 100) * rules.wc_dtc(sizes) * ed.dual_total_correlation(law)


@claim(id="fv-IMP-0.97", statement="a schedule with fewer than L steps has EKL <= 0.97·Σ I / L on every law "
       "[IMP: some Reed–Solomon code has EKL >= log q = Σ I / L]")
def imp(law, sizes):
    if len(sizes) >= law.L:
        return _vacuous()
    return ed.expected_kl(law, sizes), F(97, 100) * ed.mi_sum(law) / law.L


@claim(id="fv-ZC-TC-0.46", statement="one cut with w ∝ 1/(L-c) (K = 2): E EKL <= 0.46·2 H_{L-1}/(1+H_{L-1})·TC "
       "[ZC-TC sharpened past its exact sup over all laws: 0.4776 at L = 64]")
def zc_tc(law, sizes):
    if law.L < 2 or law.L > 64 or tuple(sizes) != (law.L,):  # one comparison per law
        return _vacuous()
    from exactdlm.claims.zc import zc_tc_factor

    return (ed.expected_kl(law, CutPoints(law.L, 2, "tc")),
            F(46, 100) * zc_tc_factor(law.L, 2) * ed.total_correlation(law))


@claim(id="fv-ZC-DTC-tc-cuts", statement="cuts with w ∝ 1/(L-c) (ZC-TC's pmf), K = 8: E EKL <= H_{L-1}/(K-1-H_{L-1})·DTC "
       "[ZC-DTC with the other pmf: hypothesis dropped]")
def zc_dtc(law, sizes):
    from exactdlm.claims.zc import zc_dtc_factor

    f = zc_dtc_factor(law.L, 8) if law.L >= 3 else None
    if f is None or law.L > 64:
        return _vacuous()
    return ed.expected_kl(law, CutPoints(law.L, 8, "tc")), f * ed.dual_total_correlation(law)


@claim(id="fv-MIX-0.97", statement="KL(p||q) <= 0.97·EKL [E7/MIX with a 3% smaller constant; one step has "
       "KL(p||q) = TC = EKL]")
def mix(law, sizes):
    if law.V**law.L > 64:
        return _vacuous()
    return ed.mixture_kl(law, sizes), F(97, 100) * ed.expected_kl(law, sizes)


@claim(id="fv-MIX-floor", statement="KL(p||q) >= EKL/10 [MIX: the ratio can be far below 1; the suite meets 0.05]",
       kind="ge")
def mix_floor(law, sizes):
    if law.V**law.L > 64:
        return _vacuous()
    return ed.mixture_kl(law, sizes), ed.expected_kl(law, sizes) / 10


# ----------------------------------------------------------------------------------------
# semi-AR blocks (decided on the entropic symbolic law, docs/theory.md §8a)
# ----------------------------------------------------------------------------------------
def _sar_law(law):
    """Lattice laws and the entropic symbolic law (structured laws have no semi-AR path)."""
    from exactdlm.laws import JointLaw

    return law.L >= 2 and law.L % 2 == 0 and (isinstance(law, JointLaw) or hasattr(type(law), "mean_entropy"))


@claim(id="fv-SAR", statement="semi-AR, 2 blocks, 1 step each: EKL = 1.02·Σ_b blockwise conditional (E3) "
       "[SAR off by 2%]", kind="eq")
def sar(law, sizes):
    from exactdlm.claims.sar import blockwise_rhs
    from exactdlm.schedules import SemiAR

    if not _sar_law(law) or len(sizes) != 1:
        return _vacuous()
    blocks = (law.L // 2, law.L // 2)
    return ed.expected_kl(law, SemiAR(list(blocks), 1)), F(102, 100) * blockwise_rhs(law, blocks, 1)


@claim(id="fv-SAR-TC", statement="semi-AR, 2 blocks, 1 step each: EKL <= 0.98·TC [SAR-TC with a 2% smaller "
       "constant: independent blocks have EKL = TC]")
def sar_tc(law, sizes):
    from exactdlm.schedules import SemiAR

    if not _sar_law(law) or len(sizes) != 1:
        return _vacuous()
    return ed.expected_kl(law, SemiAR([law.L // 2, law.L // 2], 1)), F(98, 100) * ed.total_correlation(law)


# ----------------------------------------------------------------------------------------
# the 2026 statements (issue 21): DHW, ParallelBench, Fast-dLLM, Feng et al., DEMASK, LC-T2 readings
# ----------------------------------------------------------------------------------------
def _law_only(law):
    """Touch ``law.V``: on the profile cone this raises NotInFragment, so the variant is checked on laws."""
    return law.V


@claim(id="fv-DHW-Deff-0.99", statement="D_eff <= 0.99·min(TC, DTC) [DHW-Deff and DHW-sup with a 1% smaller "
                                        "constant; D_eff's lower enclosure, so a violation is proven]")
def dhw_099(law, sizes):
    from exactdlm.claims.dhw import deff_of

    if law.L < 2:
        return _vacuous()
    tc, dtc = ed.total_correlation(law), ed.dual_total_correlation(law)
    return deff_of(law, side="lower"), F(99, 100) * min_of(tc, dtc)


@claim(id="fv-FENG-TER-0.99", statement="K balanced steps: EKL/L <= 0.99·Ī(L-1)/K [FENG-TER 1% smaller]")
def feng_ter(law, sizes):
    if not _balanced(sizes):
        return _vacuous()
    return ed.expected_kl(law, sizes), F(99, 100) * ed.mi_sum(law) / len(sizes)


def _lc_t2_variant(reading):
    def sides(law, sizes):
        from exactdlm.claims.lc import lc_t2_rhs, lc_t2_schedule

        s = max(sizes)
        if law.L < 2 or s < 2 or tuple(sizes) != lc_t2_schedule(law.L, s):
            return _vacuous()
        return ed.expected_kl(law, sizes), lc_t2_rhs(ed.info_curve(law), law.L, s, reading)
    return sides


for _r in (1, 2, 3):
    claim(id=f"fv-LC-T2-r{_r}", kind="ge",
          statement=f"LC-T2 under the reading of LC-T2-r{_r}: EKL >= (s_max/16) Σ_j 2^-j Ī(m_j) for the largest-block-"
                    "first schedule [the reading itself, which LC-T2-r{_r} refutes]".replace("{_r}", str(_r)))(
        _lc_t2_variant(_r))


@claim(id="fv-PB-1-1.01", kind="ge", statement="one step: KL(p || prod_i p_i) >= 1.01·TC [PB-1 1% larger]")
def pb1(law, sizes):
    from exactdlm.claims.pbench import _kl_of

    _law_only(law)
    if tuple(sizes) != (law.L,):
        return _vacuous()
    return _kl_of(law, (tuple(range(law.L)),)), F(101, 100) * ed.total_correlation(law)


@claim(id="fv-PB-T-1.01", kind="ge", statement="two blocks S: KL(p || q_S) >= 1.01·L_T(S) [PB-T 1% larger]")
def pbT(law, sizes):
    from exactdlm.claims.pbench import _kl_of, lt_value
    from exactdlm.engine.info import subset_entropies

    _law_only(law)
    if len(sizes) != 2:
        return _vacuous()
    part = (tuple(range(sizes[0])), tuple(range(sizes[0], law.L)))
    return _kl_of(law, part), F(101, 100) * lt_value(subset_entropies(law), part, law.L)


@claim(id="fv-PB-mono-strict", statement="L*_{T+1} <= L*_T - TC/100 for T < L [PB-mono made strict by 1% of TC]")
def pb_mono(law, sizes):
    from exactdlm.claims.pbench import optimal_costs
    from exactdlm.engine.info import subset_entropies

    _law_only(law)
    T = len(sizes)
    if not 2 <= law.L <= 4 or T >= law.L or tuple(sizes) != rules.balanced(law.L, T):
        return _vacuous()
    opt = optimal_costs(subset_entropies(law), law.L)
    return opt[T + 1][0], opt[T][0] - ed.total_correlation(law) / 100


def _fd_sides(law, C, a_factor):
    from exactdlm.claims.fastdllm import tight_family

    _law_only(law)
    n = law.L
    a = a_factor * C / (n + 1)
    arr = tight_family(n, 2, a)
    return max(x for x in arr.reshape(-1) if x != arr[(0,) * n]), arr[(0,) * n]


@claim(id="fv-FD-T1-1.01", statement="FD-T1 with (n+1)ε <= 1.01: marginals > 1 - ε force the joint argmax x* "
                                     "[the tight family at a = 0.999·1.01/(n+1) refutes it]")
def fd_101(law, sizes):
    return _fd_sides(law, F(101, 100), F(999, 1000))


@claim(id="fv-FD-T1-no-n", statement="FD-T1 without (n+1)ε <= 1: marginals > 1/2 force the joint argmax x* "
                                     "[hypothesis dropped]")
def fd_no_n(law, sizes):
    if law.L < 2:
        _law_only(law)
        return _vacuous()
    return _fd_sides(law, F(law.L + 1, 2), F(999, 1000))


@claim(id="fv-FD-T1-tight-0.99", kind="ge", statement="FD-T1-tight at ε = 0.99·(1 + 1/100)/(n+1): the tight family "
                                                      "has p(x*) <= a [a counterexample below the boundary: none]")
def fd_tight(law, sizes):
    from exactdlm.claims.fastdllm import tight_family

    _law_only(law)
    n = law.L
    a = F(99, 100) * (1 + F(1, 200)) / (n + 1)
    return a, tight_family(n, 2, a)[(0,) * n]


@claim(id="fv-FENG-SER-1.01", kind="ge", statement="golden-mean 2-gram, one step: SER >= 1.01·(1 - Z(L, L)) "
                                                   "[FENG-SER 1% larger; one step makes it an equality]")
def feng_ser(law, sizes):
    from exactdlm.claims.feng import GOLDEN, first_step_clean, ser
    from exactdlm.engine.sampler import sampler_law
    from exactdlm.laws.families import markov_chain

    _law_only(law)
    if law.L < 2 or tuple(sizes) != (law.L,):
        return _vacuous()
    p = markov_chain(law.L, GOLDEN)
    return ser(p, sampler_law(p, (law.L,))), F(101, 100) * (1 - first_step_clean(law.L, law.L))


@claim(id="fv-DEMASK-sub-0.49", statement="TV(p, ⊗ p_j) <= Σ_{i<j} TV(p_ij, p_i ⊗ p_j) + 0.49 [DEMASK-sub with "
                                          "slack 0.49: parity still breaks it, TV = 1/2]")
def demask(law, sizes):
    from exactdlm.claims.demask import block_and_pairs

    _law_only(law)
    if law.L < 3 or not law.exact or len(sizes) != 1:
        return _vacuous()
    block, pairs = block_and_pairs(law.array)
    return block, pairs + F(49, 100)


@claim(id="fv-DEMASK-assumption", statement="TV(p, ⊗ p_j) <= Σ_{i<j} TV(p_ij, p_i ⊗ p_j) on every law [DEMASK-sub's "
                                            "assumption taken as a theorem: parity breaks it]")
def demask_assumption(law, sizes):
    from exactdlm.claims.demask import block_and_pairs

    _law_only(law)
    if law.L < 3 or not law.exact or len(sizes) != 1:
        return _vacuous()
    return block_and_pairs(law.array)


# ----------------------------------------------------------------------------------------
# the 2026 samplers (issue 21): EB-step, EB-KL, CL-step, CL-KL, CL-iter, each a constant 1% off.
# Each is checked once per law (on its one-step schedule), on laws with V^L <= 16. The threshold
# of the step variants sits just above the smallest first-step entropy (so two positions can be
# accepted together), where a repeated symbol makes condTC = H_(1), 1% above 0.99·γ.
# ----------------------------------------------------------------------------------------
def _entropy_sum_case(law, sizes):
    return law.V**law.L <= 16 and tuple(sizes) == (law.L,) and law.exact


def _first_entropy(law):
    from exactdlm.adaptive.entropy_sum import entropy

    a = law.array
    best = None
    for j in range(law.L):
        row = [sum(a[(slice(None),) * j + (v,)].reshape(-1)) for v in range(law.V)]
        h = float(entropy(row, True))
        best = h if best is None else min(best, h)
    return F(best).limit_denominator(10**9) + F(1, 10**6) if best is not None else F(0)


@claim(id="fv-EB-step-0.99", statement="EB at γ just above the smallest entropy: every step has condTC <= 0.99·γ [EB-step off by 1%]")
def eb_step(law, sizes):
    from exactdlm.adaptive.entropy_sum import entropy_sum_chain

    if not _entropy_sum_case(law, sizes):
        return _vacuous()
    gamma = _first_entropy(law)
    return entropy_sum_chain(law, gamma, "entropy", "uniform")["max_tc"], F(99, 100) * gamma


@claim(id="fv-EB-KL-0.99", statement="EB, γ = 1/2, lowest-index ties: KL(p||q_EB) <= 0.99·E_p Σ_t condTC_t [EB-KL's (E5) half off by 1%]")
def eb_kl(law, sizes):
    from exactdlm.adaptive.core import kl
    from exactdlm.adaptive.eb import EB
    from exactdlm.adaptive.entropy_sum import entropy_sum_chain

    if not _entropy_sum_case(law, sizes):
        return _vacuous()
    q = EB(law.L, F(1, 2), F(1), law.L, "lowest").law(law)
    return kl(law.array, q, True), F(99, 100) * entropy_sum_chain(law, F(1, 2), "entropy", "lowest")["tc_sum"]


@claim(id="fv-CL-step-0.99", statement="Cai-Li at ε just above the smallest entropy: every iteration has condTC <= 0.99·ε [CL-step off by 1%]")
def cl_step(law, sizes):
    from exactdlm.adaptive.entropy_sum import entropy_sum_chain

    if not _entropy_sum_case(law, sizes):
        return _vacuous()
    eps = _first_entropy(law)
    return entropy_sum_chain(law, eps, "random", "uniform")["max_tc"], F(99, 100) * eps


@claim(id="fv-CL-KL-0.99", statement="Cai-Li at ε just above the smallest entropy: KL(p||q) <= 0.99·ε·E[#iterations] [CL-KL off by 1%]")
def cl_kl(law, sizes):
    from exactdlm.adaptive.core import kl
    from exactdlm.adaptive.eb import CaiLi
    from exactdlm.adaptive.entropy_sum import entropy_sum_chain

    if not _entropy_sum_case(law, sizes):
        return _vacuous()
    eps = _first_entropy(law)
    q = CaiLi(law.L, eps, "random", F(1), "uniform").law(law)
    return kl(law.array, q, True), F(99, 100) * eps * entropy_sum_chain(law, eps, "random", "uniform")["steps"]


@claim(id="fv-CL-iter-0.99", statement="Cai-Li, ε = 1/2: E Σ_t Σ_{S_t} H_j <= 0.99·(H(X) + E Σ_t condTC_t) [CL-iter's identity off by 1%]")
def cl_iter(law, sizes):
    from exactdlm.adaptive.entropy_sum import entropy_sum_chain

    if not _entropy_sum_case(law, sizes):
        return _vacuous()
    c = entropy_sum_chain(law, F(1, 2), "random", "uniform")
    return c["revealed"], F(99, 100) * (ed.entropy(law) + c["tc_sum"])
