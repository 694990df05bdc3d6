"""Certified structured laws past L = 64 (issue 14 item 4; docs/theory.md §7 "Atoms").

The Markov chain's exact profile (regrouped J(d) over atoms) equals the plain formula and the
lattice at small L, agrees with the float engine and 50-digit mpmath at L = 256 and 1024, and
``verify`` on an L = 256 chain certifies the true claims and refutes false variants with
exact sides.
"""

from __future__ import annotations

from fractions import Fraction as F
import mpmath
import pytest

import exactdlm as ed
from exactdlm.claims import Claim, get, load_catalogue
from exactdlm.claims import runner
from exactdlm.engine import info
from exactdlm.structured import markov_chain
from exactdlm.structured.suite import _TRANSITION, _TRANSITION3, named_schedules
from exactdlm.suites import Suite, SuiteCase

CHAINS = [
    (_TRANSITION, None),
    (_TRANSITION, [F(1), F(0)]),
    (_TRANSITION3, [F(1, 3), F(1, 2), F(1, 6)]),
    ([[F(1), F(0)], [F(1, 2), F(1, 2)]], None),  # an absorbing state: zero entries of P^d
    ([[F(1, 2), F(1, 2)], [F(1, 2), F(1, 2)]], None),  # i.i.d.: every J(d) = 0
]


@pytest.mark.parametrize("transition,initial", CHAINS)
def test_regrouped_exact_profile_equals_the_plain_formula_and_the_lattice(transition, initial):
    for L in (1, 2, 3, 6, 11):
        chain = markov_chain(L, transition, initial)
        g = chain.entropy_profile(exact=True)
        assert all(a == b for a, b in zip(g, chain.exact_profile_plain()))
        if chain.V**L <= 4096:
            lat = info.entropy_profile(chain.to_joint())
            assert all(a == b for a, b in zip(g, lat))


@pytest.mark.parametrize("transition", [_TRANSITION, _TRANSITION3])
def test_large_suite_chains_at_the_old_limit_equal_the_plain_formula(transition):
    chain = markov_chain(64, transition)  # L = 64: where the plain formula was the exact path
    assert all(a == b for a, b in zip(chain.entropy_profile(exact=True), chain.exact_profile_plain()))


@pytest.mark.parametrize("L,transition", [(256, _TRANSITION), (256, _TRANSITION3), (1024, _TRANSITION)])
def test_long_exact_profile_matches_float_and_mpmath(L, transition):
    chain = markov_chain(L, transition)
    g = chain.entropy_profile(exact=True)
    gf = chain.entropy_profile()
    ts = [1, 2, L // 3, L - 1, L]
    ref = chain.entropy_profile_mp(50, ts)
    for t, r in zip(ts, ref):
        lo, hi = g[t].bounds(128)
        with mpmath.workdps(50):
            assert mpmath.mpf(lo.numerator) / lo.denominator <= r <= mpmath.mpf(hi.numerator) / hi.denominator
        assert abs(float(g[t]) - gf[t]) <= 1e-12 * max(1.0, abs(gf[t]))
    tc, dtc = chain.total_correlation(exact=True), chain.dual_total_correlation(exact=True)
    assert abs(float(tc) - chain.total_correlation()) <= 1e-11 * chain.total_correlation()
    assert abs(float(dtc) - chain.dual_total_correlation()) <= 1e-11 * chain.dual_total_correlation()


def test_exact_limit_names_the_family_limit():
    with pytest.raises(ValueError, match="limited to L <= 1024"):
        markov_chain(1025, _TRANSITION).entropy_profile(exact=True)


def _one_step_claim(factor: F) -> Claim:
    def sides(law, sizes):
        return ed.expected_kl(law, (law.L,)), ed.total_correlation(law) * factor

    return Claim(id=f"one-step-{factor.numerator}-{factor.denominator}", statement=f"EKL(one step) <= {factor} TC", kind="le", sides=sides)


def test_verify_certifies_an_L256_chain_and_refutes_false_variants():
    chain = markov_chain(256, _TRANSITION3)
    names, scheds, _ = named_schedules(chain)
    case = SuiteCase("markov_chain_v3 L=256", "markov_chain", {"L": 256}, tuple(scheds), lambda: chain, None, chain)
    suite = Suite("long", "one long chain", [case], witness_L=0, lz_lengths=(16,), ccl_lengths=(32,), cone_max_L=0)
    load_catalogue()
    true_ids = ["E2", "E3", "E7", "LC-T1", "SH-1", "G-DTC"]
    false = [_one_step_claim(F(999, 1000))]
    rep = runner.run([get(i) for i in true_ids] + false + [_one_step_claim(F(1))], suite)
    by = {r.claim.id: r for r in rep.results}
    for cid in true_ids:
        assert by[cid].verdict == "holds" and by[cid].certified, (cid, by[cid].verdict)
    bad = by["one-step-999-1000"]
    assert bad.verdict == "violated" and bad.certified
    assert by["one-step-1-1"].verdict == "holds" and by["one-step-1-1"].certified  # E7: equality, decided exactly


def test_a_refused_exact_mixture_law_is_compared_in_floats_not_dropped(monkeypatch):
    from exactdlm.claims.context import CaseContext
    from exactdlm.structured import noisy_repetition

    from exactdlm.laws.budget import ComputationTooLong

    law = noisy_repetition(64, F(1, 10))
    floats = law.mixture_kl

    def refusing(sizes, exact=False, **kw):  # as at L = 256, where Q's rationals reach millions of bits
        if exact:
            raise ComputationTooLong("the exact count DP", 1e4, 300.0)
        return floats(sizes, **kw)

    monkeypatch.setattr(law, "mixture_kl", refusing)
    case = SuiteCase("noisy L=64", "noisy_repetition", {"L": 64}, ((32, 32),), lambda: law, None, law)
    ctx = CaseContext(case)
    assert ctx.exact  # the profile is still exact
    kl = ctx.mixture_kl((32, 32))
    assert isinstance(kl, float) and kl == pytest.approx(law.mixture_kl((32, 32)), rel=1e-12)
    load_catalogue()
    suite = Suite("one", "one law", [case], witness_L=0, lz_lengths=(16,), ccl_lengths=(32,), cone_max_L=0)
    rep = runner.run([get("MIX")], suite)
    (mix,) = rep.results
    assert mix.verdict == "consistent-float"  # the float comparison is made and reported as such


def test_zc_past_the_exact_sums_stays_certified_and_refutes_a_tighter_constant():
    import mpmath

    from exactdlm.claims import Check, zc
    from exactdlm.claims.context import CaseContext

    load_catalogue()
    chain = markov_chain(1024, _TRANSITION)
    case = SuiteCase("markov L=1024", "markov_chain", {"L": 1024}, ((1024,),), lambda: chain, None, chain)
    ctx = CaseContext(case, Suite("s", "s", [case]))
    assert ctx.exact and zc._mode(ctx) == "interval"
    for K in (3, 18):
        lhs = zc._expected_ekl(ctx, K, "dtc")
        assert isinstance(lhs, mpmath.ctx_iv.ivmpf)
        assert abs(float(lhs.mid) - zc._expected_ekl(ctx, K, "dtc", mode="float")) <= 1e-9 * float(lhs.mid)
        f = zc.zc_dtc_factor(1024, K)
        if f is None:
            continue
        cmp, outcome, _ = runner.compare(Check(lhs, ctx.dtc * f, "le", None, "ZC-DTC"), 4096)
        assert outcome == "holds" and cmp.certified
        ratio = F(float(lhs.mid) / float(ctx.dtc * f))
        for scale, want in ((ratio * F(99, 100), "violated"), (ratio * F(101, 100), "holds")):
            cmp, outcome, _ = runner.compare(Check(lhs, ctx.dtc * f * scale, "le", None, "scaled"), 4096)
            assert outcome == want and cmp.certified
