"""The profile cone (docs/theory.md §8): rays, the reduction both ways, the fragment's refusals."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactdlm as ed
from exactdlm import strategies
from exactdlm.arith import LogForm, compare_sides
from exactdlm.claims import Check, Claim, claim, min_of, sqrt_of_product
from exactdlm.claims import runner
from exactdlm.claims.decided import ConeContext, per_law_checks, run_cone
from exactdlm.engine import info
from exactdlm.laws import families
from exactdlm.laws.joint import JointLaw
from exactdlm.schedules import BernoulliReveal, CutPoints, SemiAR
from exactdlm.schedules import theorem_rules as rules
from exactdlm.structured.cone import NotInFragment, ProfileCone, decide, decide_all, recording_floats, sup_ratio
from exactdlm.suites import Suite, SuiteCase, all_compositions, get_suite


def _mds(L, k):
    q = {2: 2, 3: 3, 4: 5, 5: 5}[L]
    return families.mds_code(L, k, q), q


@pytest.mark.parametrize("L", [2, 3, 4])
def test_rays_are_the_profiles_of_mds_codes(L):
    """Ray r_k times log q is the profile of [L,k]_q: every quantity, every composition (exact)."""
    cone = ProfileCone(L)
    g, I = cone.entropy_profile(), cone.info_curve()
    for k in range(1, L):
        law, q = _mds(L, k)
        lq = LogForm.log(q)
        def same(form, value):
            assert compare_sides(lq * form.ray(k), value, "eq").outcome == "holds"
        for t in range(L + 1):
            same(g[t], info.entropy_profile(law)[t])
        for t in range(L):
            same(I[t], info.info_curve(law)[t])
        same(cone.total_correlation(), ed.total_correlation(law))
        same(cone.dual_total_correlation(), ed.dual_total_correlation(law))
        same(cone.mi_sum(), ed.mi_sum(law))
        same(cone.joint_entropy(), ed.joint_entropy(law))
        for sizes in all_compositions(L):
            same(ed.expected_kl(cone, sizes), ed.expected_kl(law, sizes))
    # r_0: the i.i.d. uniform bit
    iid = families.iid(L, [Fraction(1, 2), Fraction(1, 2)])
    assert compare_sides(LogForm.log(2) * cone.joint_entropy().ray(0), ed.joint_entropy(iid), "eq").outcome == "holds"
    assert cone.total_correlation().ray(0) == 0 and cone.mi_sum().ray(0) == 0


def _coordinates(law):
    """c_0 = H̄ - Ī(L-1), c_k = ΔĪ(k): exact LogForms."""
    I = info.info_curve(law)
    hbar = info.entropy_profile(law)[1]
    return [hbar - I[-1]] + [I[k] - I[k - 1] for k in range(1, law.L)]


def _at(form, c):
    total = LogForm() + form.const
    for k, ck in enumerate(c):
        total = total + ck * form.ray(k)
    return total


@pytest.mark.parametrize("name", ["markov_chain", "hmm", "random_rational", "noisy_repetition", "mixture"])
def test_every_law_is_a_nonnegative_combination_of_rays(name):
    """The reduction's premise: c >= 0 and every quantity is its cone form evaluated at c (exactly)."""
    suite = get_suite("quick")
    laws = [case.law for case in suite.cases if case.family == name and case.law.L >= 2]
    assert laws
    for law in laws:
        c = _coordinates(law)
        assert all(compare_sides(x, 0, "ge").outcome == "holds" for x in c)
        cone = ProfileCone(law.L)
        for form, value in ((cone.total_correlation(), ed.total_correlation(law)),
                            (cone.dual_total_correlation(), ed.dual_total_correlation(law)),
                            (cone.joint_entropy(), ed.joint_entropy(law))):
            assert compare_sides(_at(form, c), value, "eq").outcome == "holds"
        for sizes in all_compositions(law.L):
            assert compare_sides(_at(ed.expected_kl(cone, sizes), c), ed.expected_kl(law, sizes), "eq").outcome == "holds"
        sched = CutPoints(law.L, 3, "tc")
        assert compare_sides(_at(ed.expected_kl(cone, sched), c), ed.expected_kl(law, sched), "eq").outcome == "holds"


# ----------------------------------------------------------------------------------------
# the reduction, both ways, on the default suite's lattice laws
# ----------------------------------------------------------------------------------------
def _ratio_claims():
    """Linear statements near the truth: (name, fn(law, sizes) -> (lhs, rhs))."""
    return {
        "EKL <= (s_max-1)/L MI": lambda p, s: (ed.expected_kl(p, s), ed.mi_sum(p) * Fraction(max(s) - 1, p.L)),
        "EKL <= 0.9 (s_max-1)/L MI": lambda p, s: (ed.expected_kl(p, s), ed.mi_sum(p) * Fraction(9 * (max(s) - 1), 10 * p.L)),
        "EKL <= TC/2": lambda p, s: (ed.expected_kl(p, s), ed.total_correlation(p) / 2),
        "DTC <= 2 TC": lambda p, s: (ed.dual_total_correlation(p), 2 * ed.total_correlation(p)),
        "TC <= (L-1) DTC": lambda p, s: (ed.total_correlation(p), (p.L - 1) * ed.dual_total_correlation(p)),
        "H(X) >= EKL": lambda p, s: (ed.expected_kl(p, s), ed.joint_entropy(p)),
    }


@pytest.fixture(scope="module")
def default_lattice_laws():
    suite = get_suite("default")
    return [case.law for case in suite.cases if isinstance(case.law, JointLaw) and 2 <= case.law.L <= 5
            and case.law.V**case.law.L <= 64]


def test_rays_hold_implies_suite_holds_and_suite_violation_is_ray_violation(default_lattice_laws):
    seen_violation = seen_hold = 0
    for name, fn in _ratio_claims().items():
        for law in default_lattice_laws:
            cone = ProfileCone(law.L)
            for sizes in all_compositions(law.L):
                d = decide(*fn(cone, sizes), "le")
                on_law = compare_sides(*fn(law, sizes), "le").outcome
                if d.holds:
                    seen_hold += 1
                    assert on_law == "holds", (name, law, sizes)
                if on_law == "violated":
                    seen_violation += 1
                    assert not d.holds, (name, law, sizes)
    assert seen_violation > 0 and seen_hold > 0


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_no_drawn_law_exceeds_the_ray_sup(data):
    law = data.draw(strategies.laws(L=(2, 4), V=(2, 3), max_cells=81))
    sizes = data.draw(strategies.schedules(law.L))
    cone = ProfileCone(law.L)
    for lhs_of, rhs_of in ((lambda p: ed.expected_kl(p, sizes), ed.mi_sum),
                           (lambda p: ed.expected_kl(p, sizes), ed.total_correlation),
                           (ed.dual_total_correlation, ed.total_correlation)):
        sup, _ = sup_ratio(lhs_of(cone), rhs_of(cone), "le")
        rhs = rhs_of(law)
        if sup is None or compare_sides(rhs, 0, "eq").outcome == "holds":
            continue
        assert compare_sides(lhs_of(law), rhs * sup, "le").outcome == "holds"


def test_sup_is_attained_on_its_ray():
    cone = ProfileCone(7)
    sizes = (3, 1, 3)
    sup, k = sup_ratio(ed.expected_kl(cone, sizes), ed.dual_total_correlation(cone), "le")
    assert sup == rules.wc_dtc(sizes)  # WC: max (s_k-1)/(t_{k-1}+1)
    assert sup == ed.expected_kl(cone, sizes).ray(k) / ed.dual_total_correlation(cone).ray(k)


def test_decide_all_agrees_with_decide():
    L = 9
    cone = ProfileCone(L)
    sides = []
    for sizes in list(all_compositions(L))[::7]:
        e = ed.expected_kl(cone, sizes)
        sides += [(e, ed.total_correlation(cone) * rules.wc_tc(sizes), "le"), (e, ed.mi_sum(cone) / 3, "le"),
                  (ed.mi_sum(cone) / 2, e, "ge"), (e, e + 0, "eq")]
    bad, sup, i, k = decide_all(sides, L, group="le")
    singles = [decide(a, b, kd, L).holds for a, b, kd in sides]
    assert bad == (singles.index(False) if False in singles else None)
    assert bad is not None


# ----------------------------------------------------------------------------------------
# constants, concave right sides, floats
# ----------------------------------------------------------------------------------------
def test_constant_terms():
    cone = ProfileCone(4)
    tc = ed.total_correlation(cone)
    assert decide(tc, tc + 1, "le").holds
    assert not decide(tc + 1, tc, "le").holds and decide(tc + 1, tc, "le").ray is None  # a point mass
    d = decide(2 * tc, tc + 1, "le")  # fails for large multiples of a ray
    assert not d.holds and d.ray is not None


def test_concave_min_and_sqrt_decided_on_rays():
    L = 10
    cone = ProfileCone(L)
    tc, dtc = ed.total_correlation(cone), ed.dual_total_correlation(cone)
    for rho in (Fraction(1), Fraction(1, 2), Fraction(1, 4)):
        sizes = rules.two_sided(L, rho)
        ekl = ed.expected_kl(cone, sizes)
        d = decide(ekl, rho * min_of(tc, dtc), "le")  # G-MIN for every law
        assert d.holds and d.ratio <= 1
        # the sup over laws is exact: rho·sup·min(TC, DTC) still holds, a hair less does not
        assert decide(ekl, d.ratio * rho * min_of(tc, dtc), "le").holds
        if d.ratio > 0:  # rho = 1/4 at L = 10 gives unit steps: EKL = 0
            assert not decide(ekl, d.ratio * rho * Fraction(999, 1000) * min_of(tc, dtc), "le").holds
    # min(TC, DTC) <= sqrt(TC DTC) for every law, but not 0.99 sqrt(TC DTC) (equal when TC = DTC)
    with pytest.raises(NotInFragment):  # concave on both sides is not a ray question
        decide(min_of(tc, dtc), sqrt_of_product(tc, dtc), "le")
    # TC <= c sqrt(TC DTC) for every law iff c >= sqrt(L-1) (the repeated symbol: TC = (L-1) DTC); exact signs
    assert decide(tc, 3 * sqrt_of_product(tc, dtc), "le").holds
    d = decide(tc, Fraction(299, 100) * sqrt_of_product(tc, dtc), "le")
    assert not d.holds and d.ray == 1
    with pytest.raises(NotInFragment):
        decide(min_of(tc, dtc), tc, "le")  # concave on the smaller side


def test_min_of_on_laws_is_the_exact_minimum():
    law = families.repeated_symbol(4, 2)
    tc, dtc = ed.total_correlation(law), ed.dual_total_correlation(law)
    assert min_of(tc, dtc) is dtc
    assert math.isclose(sqrt_of_product(tc, dtc), math.sqrt(float(tc) * float(dtc)))


def test_floats_are_read_as_printed_decimals():
    cone = ProfileCone(5)
    with recording_floats() as seen:
        form = 0.99 * ed.mi_sum(cone)
    assert form.ray(1) == Fraction(99, 100) * 5
    assert seen == [(0.99, Fraction(99, 100))]


@pytest.mark.parametrize("what", [
    lambda p: float(ed.total_correlation(p)),
    lambda p: bool(ed.total_correlation(p)),
    lambda p: min(ed.total_correlation(p), ed.dual_total_correlation(p)),
    lambda p: ed.total_correlation(p) < 1,
    lambda p: ed.total_correlation(p) * ed.dual_total_correlation(p),
    lambda p: math.log(ed.total_correlation(p)),
    lambda p: p.V,
    lambda p: ed.mixture_kl(p, (2, 2)),
    lambda p: ed.sampler_law(p, (2, 2)),
    lambda p: ed.expected_kl(p, (2, 2), ed.engine.predictors.mix_uniform(Fraction(1, 4))),
    lambda p: ed.expected_kl(p, SemiAR([2, 2])),
    lambda p: ed.expected_kl(p, BernoulliReveal(4, [0.5, 0.5, 0.5, 0.5])),
    lambda p: np.asarray(p),
    lambda p: ed.optimal_schedule(p, 2),
    lambda p: ed.subset_entropies(p) if hasattr(ed, "subset_entropies") else info.subset_entropies(p),
])
def test_outside_the_fragment_raises(what):
    with pytest.raises(NotInFragment):
        what(ProfileCone(4))


def test_value_independent_random_sizes_are_exact():
    cone = ProfileCone(6)
    from exactdlm.schedules import expected_N

    for sched in (CutPoints(6, 3, "dtc"), BernoulliReveal(6, [Fraction(1, 3)] * 6)):
        form = ed.expected_kl(cone, sched)
        assert form.rays() == [0] + [Fraction(x) for x in expected_N(sched)]


# ----------------------------------------------------------------------------------------
# the runner: decided verdicts, counterexamples, strict checks, consistent-float
# ----------------------------------------------------------------------------------------
def _tiny_suite(cone_max_L=16):
    laws = [families.repeated_symbol(3, 2), families.parity(3, 2), families.markov_chain(4, [[Fraction(3, 4), Fraction(1, 4)], [Fraction(1, 3), Fraction(2, 3)]])]
    cases = [SuiteCase(f"law{i}", "x", {}, all_compositions(p.L), lambda p=p: p, None, p) for i, p in enumerate(laws)]
    return Suite("tiny", "test", cases, cone_max_L=cone_max_L)


def _user(cid, fn, kind="le"):
    return Claim(id=cid, statement=cid, sides=fn, kind=kind, origin="test")


def test_runner_decides_true_claim_for_all_laws_and_refutes_false_one_with_a_ray_law():
    true = _user("tc-le-L-1-dtc", lambda p, s: (ed.total_correlation(p), (p.L - 1) * ed.dual_total_correlation(p)))
    false = _user("dtc-le-5tc", lambda p, s: (ed.dual_total_correlation(p), 5 * ed.total_correlation(p)))
    rep = runner.run([true, false], _tiny_suite())
    t, f = rep.results
    assert (t.verdict, t.scope, t.lengths, t.certified) == ("holds", "all laws", (1, 16), True)
    assert t.worst_ratio == 1.0  # attained on r_1 (repeated symbol: TC = (L-1) DTC)
    assert f.verdict == "violated" and f.certified
    cx = f.counterexample
    assert cx["ray_law"]["family"] == "parity" and cx["ray_law"]["L"] == 7  # DTC = L-1 > 5 TC = 5 first at L = 7
    assert cx["recheck"]["outcome"] == "violated"
    law = JointLaw.from_json(cx["law"])  # the dense law `exactdlm law --law` reads
    assert compare_sides(ed.dual_total_correlation(law), 5 * ed.total_correlation(law), "le").outcome == "violated"


def test_claim_outside_the_fragment_stays_on_the_suite():
    mix = _user("mix", lambda p, s: (ed.mixture_kl(p, s), ed.expected_kl(p, s)))
    (r,) = runner.run([mix], _tiny_suite()).results
    assert r.verdict == "holds" and r.scope == "suite" and r.lengths is None and r.laws == 3


def test_violated_strict_check_with_exact_sides_builds_its_counterexample():
    law = families.repeated_symbol(3, 2)

    def glob(suite):
        return [Check(ed.total_correlation(law), 2 * ed.dual_total_correlation(law), "gt", (3,), "TC > 2 DTC", law=law)], {}

    c = Claim(id="strict", statement="TC > 2 DTC", global_checks=glob, kind="ge", origin="test")
    (r,) = runner.run([c], _tiny_suite()).results
    assert r.verdict == "violated" and r.certified  # a tie: TC = 2 log 2 = 2 DTC
    assert r.counterexample["lhs"] == r.counterexample["rhs"]


def test_float_only_comparison_is_consistent_float(tmp_path):
    c = _user("float-mix", lambda p, s: (float(ed.mixture_kl(p, s)), float(ed.expected_kl(p, s)) + 1e-9))
    (r,) = runner.run([c], _tiny_suite()).results
    assert r.verdict == "consistent-float" and not r.certified
    from exactdlm.claims import VERDICTS

    assert "consistent-float" in VERDICTS


def test_catalogue_profile_claims_decided_on_a_short_range():
    suite = _tiny_suite(cone_max_L=20)
    out = run_cone([c for c in ed.claims.catalogue() if c.id in ("SH-1", "WC", "G-MIN", "LC-C1", "E2", "MIX")], suite)
    for cid in ("SH-1", "WC", "G-MIN", "LC-C1"):
        assert out[cid].lengths == (1, 20) and out[cid].counterexample is None, (cid, out[cid].stopped)
    assert out["E2"].lengths is None and out["MIX"].lengths is None
    assert out["WC"].worst_ratio == 1


def test_two_sided_rule_matches_its_definition():
    for L in range(1, 60):
        for rho in (Fraction(1), Fraction(1, 2), Fraction(1, 3), Fraction(2, 7), Fraction(1, 50)):
            a, out = 0, []
            while a < L:
                b = a + 1
                while b < L and rules._two_sided_ok(L, rho, a, b + 1):
                    b += 1
                out.append(b - a)
                a = b
            assert rules.two_sided(L, rho) == tuple(out)


def test_lz_two_term_form_is_tested_and_its_o1_term_matters():
    """LZ-sqrt's corrected two-term form passes against the DP optimum; dropping or tripling the O(1)
    term fails the same checks (the one-term checks alone let both through)."""
    from exactdlm.claims.lz import TWO_TERM_CURVES, two_term_checks, two_term_rows

    lengths = (16, 32, 64, 128)
    for name, (phi, _d) in TWO_TERM_CURVES.items():
        half = 0.5 * (phi(1) - phi(0))
        for o1, passes in ((1.0, True), (0.0, False), (3.0, False)):
            rows = two_term_rows(name, lengths, o1)
            outcomes = [runner.compare(ch, 256)[1] for ch in two_term_checks(name, rows, half)]
            assert all(o == "holds" for o in outcomes) == passes, (name, o1, outcomes)


@pytest.mark.parametrize("rule", ["geometric_tc", "geometric_dtc", "two_sided"])
def test_rho_pieces_cover_every_rho(rule):
    from exactdlm.claims.rho_pieces import pieces

    fn = getattr(rules, rule)
    for L in range(1, 25):
        ps = pieces(rule, L)
        assert ps[0][0] == 0 and ps[-1][1] is None
        for (lo, hi, s), nxt in zip(ps, ps[1:] + [None]):
            if nxt is not None:
                assert nxt[0] == hi and nxt[2] != s
            top = hi if hi is not None else Fraction(1)
            for x in ((lo if lo > 0 else top / 1000), (lo + top) / 2, (top - (top - lo) / 1000) if hi else top):
                assert fn(L, x) == s, (rule, L, lo, hi, x)


def test_every_rho_checks_hold_and_a_rule_too_strong_by_a_percent_fails():
    from exactdlm.claims.derived import every_rho_checks

    for rule in ("geometric_tc", "geometric_dtc", "two_sided"):
        checks = every_rho_checks(rule, max_L=24)
        assert all(runner.compare(c, 256)[1] == "holds" for c in checks), rule
    tight = [c for c in every_rho_checks("geometric_tc", max_L=24) if c.kind == "le" and c.rhs > 0]
    # claiming sup <= 0.99 rho at the left end fails on some piece: the pieces' left ends are attained
    assert any(compare_sides(c.lhs, c.rhs * Fraction(99, 100), "le").outcome == "violated" for c in tight)


def test_law_oblivious_ccl_reading_least_steps_by_enumeration():
    from exactdlm.claims.ccl import RATIOS, oblivious_checks, oblivious_schedule

    for L in range(2, 10):
        for ratio in RATIOS:
            for which, sup in (("TC", rules.wc_tc), ("DTC", rules.wc_dtc)):
                least = min(len(s) for s in all_compositions(L) if sup(s) <= ratio)
                assert len(oblivious_schedule(L, ratio, which)) == least
    checks, worst = oblivious_checks(range(2, 80))
    assert all(runner.compare(c, 256)[1] == "holds" for c in checks) and 0 < worst <= 1


def test_geometric_rules_in_integers_match_the_fraction_definition():
    for L in range(1, 120):
        for rho in (Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 8), Fraction(3, 7), Fraction(5, 2)):
            a, out = 0, []
            while a < L:
                b = min(L, max(a + 1, math.floor((1 + rho) * (a + 1))))
                out.append(b - a)
                a = b
            assert rules.geometric_dtc(L, rho) == tuple(out)
            a, out = 0, []
            while a < L:
                s = min(L - a, 1 + math.floor(rho * (L - a - 1)))
                out.append(s)
                a += s
            assert rules.geometric_tc(L, rho) == tuple(out)
