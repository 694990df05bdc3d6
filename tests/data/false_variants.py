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
