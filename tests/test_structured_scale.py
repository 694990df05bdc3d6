"""Structured laws at L = 4096: closed forms against the structured engines (1e-10 relative),
float results against 50-digit mpmath, and the large suite / figures."""

from fractions import Fraction as F
import math

import mpmath
import numpy as np
import pytest

from exactdlm.schedules import BernoulliReveal, CutPoints, balanced, geometric_dtc
import exactdlm.structured as S
from exactdlm.structured import suite

L = 4096
LOG2 = math.log(2)


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


@pytest.fixture(scope="module")
def parity_pair():
    return S.parity(L), S.parity(L).as_exchangeable()


@pytest.fixture(scope="module")
def repeated_pair():
    return S.repeated_symbol(L, 2), S.repeated_symbol(L, 2).as_exchangeable()


SCHEDULES = [balanced(L, 64), balanced(L, 7), (3,) + (1,) * (L - 3), (1,) * (L - 2) + (2,), geometric_dtc(L, F(1, 2))]


@pytest.mark.slow
def test_parity_closed_form_equals_count_engine_at_4096(parity_pair):
    closed, exch = parity_pair
    Ib = exch.info_curve()
    assert np.max(np.abs(Ib[:-1])) < 1e-10 * LOG2  # Ī = (0, ..., 0, log 2)
    assert rel(Ib[-1], LOG2) < 1e-10
    for q in ("total_correlation", "dual_total_correlation", "mi_sum"):
        assert rel(getattr(exch, q)(), getattr(closed, q)()) < 1e-10
    assert rel(exch.total_correlation(), LOG2) < 1e-10 and rel(exch.dual_total_correlation(), (L - 1) * LOG2) < 1e-10
    for s in SCHEDULES:
        want = LOG2 if s[-1] >= 2 else 0.0  # EKL = log 2 [s_K >= 2]
        assert abs(exch.expected_kl(s) - want) <= 1e-10 * LOG2
        assert abs(closed.expected_kl(s) - want) <= 1e-12
    for s in SCHEDULES[:2] + [SCHEDULES[3]]:
        assert abs(exch.mixture_kl(s) - closed.mixture_kl(s)) <= 1e-10 * LOG2
        assert abs(exch.tv(s) - closed.tv(s)) <= 1e-10


@pytest.mark.slow
def test_repeated_symbol_closed_form_equals_count_engine_at_4096(repeated_pair):
    closed, exch = repeated_pair
    assert np.allclose(exch.info_curve()[1:], LOG2, rtol=1e-10, atol=0)
    assert rel(exch.total_correlation(), (L - 1) * LOG2) < 1e-10
    assert rel(exch.dual_total_correlation(), LOG2) < 1e-10
    for s in SCHEDULES:
        want = (s[0] - 1) * LOG2  # EKL = (s_1 - 1) log V
        assert abs(exch.expected_kl(s) - want) <= 1e-10 * max(want, LOG2)
        assert abs(closed.expected_kl(s) - want) <= 1e-12 * max(want, LOG2)
    for s in (balanced(L, 64), balanced(L, 2)):
        assert rel(exch.mixture_kl(s), closed.mixture_kl(s)) < 1e-10
        assert rel(exch.mixture_kl(s), (s[0] - 1) * LOG2) < 1e-10  # KL(p||q) = EKL here


@pytest.mark.slow
def test_markov_special_chains_equal_closed_forms_at_4096():
    sticky = S.markov_chain(L, [[1, 0], [0, 1]], [F(1, 2), F(1, 2)])  # the repeated symbol
    assert np.allclose(sticky.info_curve()[1:], LOG2, rtol=1e-10, atol=0)
    assert rel(sticky.total_correlation(), (L - 1) * LOG2) < 1e-10
    assert rel(sticky.dual_total_correlation(), LOG2) < 1e-10
    for s in SCHEDULES:
        assert abs(sticky.expected_kl(s) - (s[0] - 1) * LOG2) <= 1e-10 * max(1, s[0]) * LOG2
    iid = S.markov_chain(L, [[F(1, 3), F(2, 3)], [F(1, 3), F(2, 3)]])  # independent positions
    assert np.max(np.abs(iid.info_curve())) < 1e-15
    assert abs(iid.expected_kl(balanced(L, 3))) < 1e-12
    # a non-stationary start of the same sticky chain: p(x) = mu(x_0) [x constant]
    skew = S.markov_chain(L, [[1, 0], [0, 1]], [F(1, 4), F(3, 4)])
    h = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    assert np.allclose(skew.info_curve()[1:], h, rtol=1e-10, atol=0)


@pytest.mark.slow
def test_mds_closed_form_ekl_and_mixture_at_4096():
    k = 1000
    law = S.mds_code(L, k)
    assert law.q == 4099
    lq = math.log(4099)
    g = law.entropy_profile(exact=True)
    from exactdlm.engine.info import ekl_from_profile

    for s in SCHEDULES:
        t = np.cumsum(s)
        T = int(t[np.searchsorted(t, k)])
        want = (T - k) * lq
        assert ekl_from_profile(g, s) == S.mds_code(L, k).mixture_kl(s, exact=True)  # exact, E1 on exact g
        assert abs(law.expected_kl(s) - want) <= 1e-10 * max(want, lq)
        assert abs(law.mixture_kl(s) - want) <= 1e-10 * max(want, lq)
    r = law.mixture_kl(CutPoints(L, 16, "tc"))
    assert 0 < r < law.expected_kl(CutPoints(L, 16, "tc"))


def h_noisy(t, eta):
    """docs/theory.md §6: ``h_t = -sum_w C(t,w) π_t(w) log π_t(w)``, ``π_t(w) = ½[η^w (1-η)^(t-w) + η^(t-w) (1-η)^w]``."""
    if t == 0:
        return mpmath.mpf(0)
    e = mpmath.mpf(eta)
    tot = mpmath.mpf(0)
    C = mpmath.mpf(1)
    for w in range(t + 1):
        pi = (e**w * (1 - e) ** (t - w) + e ** (t - w) * (1 - e) ** w) / 2
        tot -= C * pi * mpmath.log(pi)
        C = C * (t - w) / (w + 1)
    return tot


@pytest.mark.slow
def test_noisy_repetition_against_theory_closed_form_at_4096():
    eta = F(1, 10)
    law = S.noisy_repetition(L, eta)
    Ib = law.info_curve()
    with mpmath.workdps(50):
        for t in (1, 2, 5, 64, 1000, 4095):
            want = mpmath.log(2) + h_noisy(t, mpmath.mpf(1) / 10) - h_noisy(t + 1, mpmath.mpf(1) / 10)
            assert rel(Ib[t], float(want)) < 1e-10, t


@pytest.mark.slow
def test_float_errors_against_50_digits():
    for law in (S.noisy_repetition(1024, F(1, 10)), S.markov_chain(1024, [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]]),
                S.markov_chain(100, [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]], [F(1), F(0)]),
                S.exchangeable_mixture(120, [F(1, 2), F(1, 2)], [[F(1, 2), F(1, 4), F(1, 4)], [F(1, 10), F(3, 10), F(3, 5)]])):
        ts = [1, 2, law.L // 3, law.L - 1]
        rep = law.numerics_report(ts=ts)
        assert rep["profile"]["max_rel_error"] < 1e-11, (law, rep)
        assert rep["info_curve"]["max_rel_error"] < 1e-10, (law, rep)
        assert rep["info_curve"]["max_abs_error"] < 1e-12, (law, rep)


@pytest.mark.slow
def test_mixture_law_and_random_sizes_at_4096():
    law = S.noisy_repetition(L, F(1, 10))
    s = balanced(L, 64)
    Q = law.sampler_count_law(s)
    assert abs(Q.sum() - 1) < 1e-10
    mk, ekl = law.mixture_kl(s), law.expected_kl(s)
    assert 0 < mk < ekl
    assert 0 <= law.tv(s) <= 1
    # (E4) with cut points and Bernoulli reveal at full length
    e_cut = law.expected_kl(CutPoints(L, 16, "tc"))
    assert 0 < e_cut < law.total_correlation()
    e_ber = law.expected_kl(BernoulliReveal.mdlm(L, 8))
    assert 0 < e_ber < law.total_correlation()


def test_large_suite_shape():
    cases = suite.large_suite((64,))
    fams = {c["family"] for c in cases}
    assert {"noisy_repetition", "parity", "repeated_symbol", "markov_chain", "mds_code", "exchangeable_mixture"} <= fams
    for c in cases:
        law = c["law"]
        assert law.L == 64 and set(c) >= {"name", "law", "schedules", "family", "params"}
        assert len(c["schedules"]) == len(c["schedule_names"])
        for s in c["schedules"]:
            assert isinstance(s, tuple) and sum(s) == 64 and min(s) >= 1
        assert any(n.startswith("optimal:") for n in c["schedule_names"])
        assert all(r.L == 64 for r in c["random_schedules"].values())
    small = suite.small_suite(6)
    assert all(c["law"].L == 6 for c in small)


def test_figures_at_64_and_256():
    fig = suite.figures(lengths=(64, 256), laws=("noisy_repetition", "markov_chain", "parity"))
    text = suite.format_figures(fig)
    assert "EKL vs K" in text and "Square-root rule" in text
    slopes = {(r["family"], r["L"]): r["slope"] for r in fig["ekl_vs_K"]}
    assert slopes[("noisy_repetition", 256)] < -0.8 and slopes[("markov_chain", 256)] < -0.8
    for r in fig["geometric_steps"]:
        assert r["steps"] <= r["log_bound"] or r["rule"] == "geometric_tc"
        if r["rule"] == "geometric_dtc" and r["ratio"] is not None:
            assert r["ratio"] <= float(F(r["rho"])) + 1e-12  # G-DTC
    for r in fig["zc_coefficients"]:
        if r["tc_ratio"] is not None:
            assert r["tc_ratio"] <= r["tc_bound"]
        if r["dtc_ratio"] is not None and r["dtc_bound"] is not None:
            assert r["dtc_ratio"] <= r["dtc_bound"]
    mk = [r for r in fig["sqrt_rule"] if r["family"] == "markov_chain" and r["m"] == 16]
    assert all(r["dp_optimum"] <= r["sqrt_rule_ekl"] + 1e-12 for r in fig["sqrt_rule"])
    # the continuum prediction improves with L for the Markov chain
    assert abs(mk[1]["ratio"] - 1) < abs(mk[0]["ratio"] - 1)
