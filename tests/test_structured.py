"""Structured laws against the lattice engine: exact (LogForm / Fraction) equality at small L,
floats at 1e-12, the count-DP mixture law against the lattice mixture law, and the protocol."""

from fractions import Fraction as F
from itertools import islice

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.laws import families
from exactdlm.engine import info, sampler
from exactdlm.engine.divergence import kl, tv
from exactdlm.schedules import BernoulliReveal, CutPoints, balanced, compositions, size_law
import exactdlm.structured as S
from exactdlm.structured import sizes as ssizes
from exactdlm.decoding import optimal_schedule

P2 = [[F(3, 4), F(1, 4)], [F(1, 3), F(2, 3)]]
P3 = [[F(1, 2), F(1, 4), F(1, 4)], [F(1, 5), F(3, 5), F(1, 5)], [F(1, 3), F(1, 3), F(1, 3)]]


def pairs():
    """(structured law, the same law built by exactdlm.families) at lattice sizes."""
    return [
        ("noisy_repetition", S.noisy_repetition(6, F(1, 10)), families.noisy_repetition(6, F(1, 10))),
        ("mixture_v3", S.exchangeable_mixture(4, [F(1, 3), F(2, 3)], [[F(1, 2), F(1, 3), F(1, 6)], [F(1, 5), F(1, 5), F(3, 5)]]),
         families.mixture([families.iid(4, [F(1, 2), F(1, 3), F(1, 6)]), families.iid(4, [F(1, 5), F(1, 5), F(3, 5)])],
                          [F(1, 3), F(2, 3)])),
        ("parity", S.parity(6), families.parity(6)),
        ("parity_v3", S.parity(4, 3), families.parity(4, 3)),
        ("parity_v3_exch", S.parity(4, 3).as_exchangeable(), families.parity(4, 3)),
        ("parity_exch", S.parity(6).as_exchangeable(), families.parity(6)),
        ("repeated_v3", S.repeated_symbol(4, 3), families.repeated_symbol(4, 3)),
        ("repeated_v3_exch", S.repeated_symbol(4, 3).as_exchangeable(), families.repeated_symbol(4, 3)),
        ("markov_v2", S.markov_chain(7, P2), families.markov_chain(7, P2)),
        ("markov_v3", S.markov_chain(5, P3), families.markov_chain(5, P3)),
        ("markov_nonstationary", S.markov_chain(6, P2, [F(1), F(0)]), families.markov_chain(6, P2, [F(1), F(0)])),
        ("markov_v3_nonstationary", S.markov_chain(5, P3, [F(1, 2), F(1, 2), F(0)]),
         families.markov_chain(5, P3, [F(1, 2), F(1, 2), F(0)])),
        ("mds", S.mds_code(5, 2, 5), families.mds_code(5, 2, 5)),
        ("mds_k1", S.mds_code(4, 1, 5), families.mds_code(4, 1, 5)),
    ]


PAIRS = pairs()
IDS = [p[0] for p in PAIRS]


@pytest.mark.parametrize("name,law,joint", PAIRS, ids=IDS)
def test_profile_exact_equals_lattice(name, law, joint):
    g = law.entropy_profile(exact=True)
    g_lat = info.entropy_profile(joint)
    assert all(a == b for a, b in zip(g, g_lat))
    gf = law.entropy_profile()
    assert gf.dtype == np.float64 and gf.shape == (law.L + 1,)
    assert np.allclose(gf, [float(x) for x in g_lat], rtol=0, atol=1e-12)
    Ib = law.info_curve()
    assert np.allclose(Ib, [float(x) for x in info.info_curve(joint)], rtol=0, atol=1e-12)
    assert law.info_curve(exact=True)[-1] == info.info_curve(joint)[-1]


@pytest.mark.parametrize("name,law,joint", PAIRS, ids=IDS)
def test_tc_dtc_mi_and_every_ekl_exact(name, law, joint):
    assert law.total_correlation(exact=True) == info.total_correlation(joint)
    assert law.dual_total_correlation(exact=True) == info.dual_total_correlation(joint)
    assert law.mi_sum(exact=True) == info.mi_sum(joint)
    assert law.joint_entropy(exact=True) == info.joint_entropy(joint)
    for q_exact, q_float in ((law.total_correlation(exact=True), law.total_correlation()),
                             (law.dual_total_correlation(exact=True), law.dual_total_correlation()),
                             (law.mi_sum(exact=True), law.mi_sum())):
        assert abs(float(q_exact) - q_float) <= 1e-12 * max(1.0, abs(float(q_exact)))
    g_lat = info.entropy_profile(joint)
    for sizes in compositions(law.L):
        want = info.ekl_from_profile(g_lat, sizes)
        assert law.expected_kl(sizes, exact=True) == want
        assert abs(law.expected_kl(sizes) - float(want)) <= 1e-12


@pytest.mark.parametrize("name,law,joint", [p for p in PAIRS if p[1].V ** p[1].L <= 3125], ids=[p[0] for p in PAIRS if p[1].V ** p[1].L <= 3125])
def test_to_joint_is_the_family_law(name, law, joint):
    assert law.to_joint() == joint


# ----------------------------------------------------------------------------------------
# the sampler's mixture law
# ----------------------------------------------------------------------------------------
EXCH = [p for p in PAIRS if isinstance(p[1], S.Exchangeable)]
RANDOM = lambda L: [BernoulliReveal(L, [F(1, 3), F(1, 2)]), CutPoints(L, 3, "tc"), CutPoints(L, 3, "dtc"),
                    BernoulliReveal(L, [F(1, 2), F(0), F(1)])]


@pytest.mark.parametrize("name,law,joint", EXCH, ids=[p[0] for p in EXCH])
def test_count_dp_mixture_law_equals_lattice_mixture_law(name, law, joint):
    L = law.L
    scheds = list(islice(compositions(L), 0, None, 3)) + RANDOM(L)
    for s in scheds:
        q_struct = law.sampler_law(s, exact=True)
        q_lat = sampler.sampler_law(joint, s)
        assert np.all(q_struct == q_lat), s
        mk = law.mixture_kl(s, exact=True)
        assert mk == kl(joint, q_lat)
        assert abs(law.mixture_kl(s) - float(mk)) <= 1e-12
        t_exact = law.tv(s, exact=True)
        assert t_exact == tv(joint, q_lat)
        assert abs(law.tv(s) - float(t_exact)) <= 1e-12
        # the float DP law itself
        assert np.allclose(law.sampler_law(s), q_lat.astype(float), rtol=0, atol=1e-13)


def test_count_law_sums_and_mixture_kl_below_ekl():
    law = S.noisy_repetition(40, F(1, 10))
    for K in (1, 2, 5, 40):
        s = balanced(40, K)
        Q = law.sampler_count_law(s)
        assert abs(Q.sum() - 1) < 1e-12
        assert law.mixture_kl(s) <= law.expected_kl(s) + 1e-12
    assert law.mixture_kl((1,) * 40) < 1e-12  # unit steps: q = p
    assert abs(law.mixture_kl((40,)) - law.total_correlation()) > 0  # one step: q = product of marginals
    prod = law.sampler_count_law((40,))
    assert np.allclose(prod, [np.exp(x) for x in S.exchangeable_mixture(40, [1], [[0.5, 0.5]]).log_layer(40)])


CLOSED = [p for p in PAIRS if isinstance(p[1], (S.SumModV, S.RepeatedSymbol, S.MDSCode))]


@pytest.mark.parametrize("name,law,joint", CLOSED, ids=[p[0] for p in CLOSED])
def test_closed_form_mixture_kl_and_tv_equal_lattice(name, law, joint):
    L = law.L
    every = 4 if law.V > 3 else 1  # the exact lattice DP at V = 5 costs seconds per schedule
    for s in list(islice(compositions(L), 0, None, every)) + RANDOM(L)[: 4 // every + 1]:
        q_lat = sampler.sampler_law(joint, s)
        assert law.mixture_kl(s, exact=True) == kl(joint, q_lat), s
        assert law.tv(s, exact=True) == tv(joint, q_lat), s
        assert abs(law.mixture_kl(s) - float(kl(joint, q_lat))) <= 1e-12
        assert abs(law.tv(s) - float(tv(joint, q_lat))) <= 1e-12


def test_markov_mixture_kl_through_the_lattice():
    law, joint = S.markov_chain(4, P2), families.markov_chain(4, P2)
    want = sampler.mixture_kl(joint, (1, 3))
    assert law.mixture_kl((1, 3), exact=True) == want
    assert abs(float(law.mixture_kl((1, 3))) - float(want)) < 1e-12
    with pytest.raises(ValueError, match="no structured algorithm"):
        S.markov_chain(64, P2).mixture_kl(balanced(64, 4))


@settings(max_examples=12, deadline=None)
@given(st.data())
def test_random_rational_mixtures_count_dp(data):
    L = data.draw(st.integers(2, 5))
    M = data.draw(st.integers(1, 3))
    nums = data.draw(st.lists(st.integers(1, 6), min_size=M, max_size=M))
    w = [F(n, sum(nums)) for n in nums]
    thetas = [[1 - F(a, 7), F(a, 7)] for a in data.draw(st.lists(st.integers(0, 7), min_size=M, max_size=M))]
    sizes = data.draw(st.sampled_from(list(compositions(L))))
    law = S.exchangeable_mixture(L, w, thetas)
    joint = law.to_joint()
    q_lat = sampler.sampler_law(joint, sizes)
    assert np.all(law.sampler_law(sizes, exact=True) == q_lat)
    assert law.expected_kl(sizes, exact=True) == sampler.expected_kl(joint, sizes)
    assert law.mixture_kl(sizes, exact=True) <= law.expected_kl(sizes, exact=True)


# ----------------------------------------------------------------------------------------
# random sizes, the optimal schedule, floats at L <= 14
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,law,joint", PAIRS[:3] + PAIRS[8:9], ids=IDS[:3] + IDS[8:9])
def test_random_size_ekl_is_the_average_over_the_size_law(name, law, joint):
    g = info.entropy_profile(joint)
    for s in RANDOM(law.L):
        avg = sum((info.ekl_from_profile(g, sizes) * pr for sizes, pr in size_law(s).items()), 0)
        assert law.expected_kl(s, exact=True) == avg
        assert abs(law.expected_kl(s) - float(avg)) <= 1e-12
        assert law.expected_kl(s, exact=True) == sampler.expected_kl(joint, s)


def test_expected_N_matches_the_sampler_helper():
    from exactdlm.schedules import expected_N

    for s in RANDOM(7):
        mine = ssizes.expected_N(s, 7)
        theirs = expected_N(s)
        assert mine[1:] == list(theirs)
        floats = ssizes.expected_N(s, 7, exact=False)
        assert np.allclose(floats[1:], [float(x) for x in theirs], rtol=1e-13, atol=1e-15)


def test_first_passage_float_equals_exact():
    for L, k, K in ((9, 3, 4), (12, 5, 2), (7, 1, 3), (6, 6, 3)):
        for kind in ("tc", "dtc", "uniform"):
            c = CutPoints(L, K, kind)
            a = ssizes.first_passage(c, L, k, exact=True)
            b = ssizes.first_passage(c, L, k, exact=False)
            assert all(abs(float(a.get(x, 0)) - b.get(x, 0)) < 1e-14 for x in set(a) | set(b))
            assert sum(a.values()) == 1
    b = BernoulliReveal(8, [F(1, 3), F(1, 2)])
    a, f = ssizes.first_passage(b, 8, 3, exact=True), ssizes.first_passage(b, 8, 3, exact=False)
    assert sum(a.values()) == 1 and all(abs(float(a[x]) - f[x]) < 1e-14 for x in a)


@pytest.mark.parametrize("make", [lambda: (S.noisy_repetition(8, F(1, 5)), families.noisy_repetition(8, F(1, 5))),
                                  lambda: (S.markov_chain(8, P2), families.markov_chain(8, P2))])
def test_optimal_schedule_matches_lattice_dp(make):
    law, joint = make()
    for m in (2, 3, 5):
        sizes, ekl = law.optimal_schedule(m)
        sizes_lat, ekl_lat = optimal_schedule(joint, m)
        assert abs(ekl - float(ekl_lat)) <= 1e-12
        assert sum(sizes) == 8 and len(sizes) == m
        assert abs(law.expected_kl(sizes) - float(ekl_lat)) <= 1e-12


@pytest.mark.slow
@pytest.mark.parametrize("L", [12, 14])
def test_floats_against_lattice_at_L14(L):
    cases = [
        (S.noisy_repetition(L, 0.15), families.noisy_repetition(L, 0.15)),
        (S.markov_chain(L, [[0.8, 0.2], [0.35, 0.65]]), families.markov_chain(L, [[0.8, 0.2], [0.35, 0.65]])),
        (S.markov_chain(L, [[0.8, 0.2], [0.35, 0.65]], [0.1, 0.9]),
         families.markov_chain(L, [[0.8, 0.2], [0.35, 0.65]], [0.1, 0.9])),
    ]
    for law, joint in cases:
        g = info.entropy_profile(joint)
        assert np.allclose(law.entropy_profile(), g, rtol=0, atol=1e-11)
        assert np.allclose(law.info_curve(), info.info_curve(joint), rtol=0, atol=1e-11)
        for K in (2, 3, 5):
            s = balanced(L, K)
            assert abs(law.expected_kl(s) - sampler.expected_kl(joint, s)) <= 1e-11
    law, joint = cases[0]
    for s in (balanced(L, 3), (1, L - 1)):
        assert abs(law.mixture_kl(s) - sampler.mixture_kl(joint, s)) <= 1e-12


# ----------------------------------------------------------------------------------------
# protocol and checks of declared structure
# ----------------------------------------------------------------------------------------
def test_public_api_accepts_structured_laws():
    law = S.noisy_repetition(300, F(1, 10))
    g = info.entropy_profile(law)
    assert g.shape == (301,) and np.all(g == law.entropy_profile())
    # info's TC/DTC/EKL come from differences of g (entries ~ 100 here) multiplied by up to L:
    # they agree with the law's own (from Ī, no cancellation) to about L^2 ulp(g(L))
    tol = 300 * 300 * np.spacing(g[-1])
    assert abs(info.total_correlation(law) - law.total_correlation()) < tol
    assert abs(info.dual_total_correlation(law) - law.dual_total_correlation()) < tol
    assert abs(info.mi_sum(law) - law.mi_sum()) < tol
    assert np.allclose(info.info_curve(law), law.info_curve(), atol=300 * np.spacing(g[-1]))
    s = balanced(300, 10)
    assert abs(sampler.expected_kl(law, s) - law.expected_kl(s)) < tol
    assert sampler.mixture_kl(law, s) == law.mixture_kl(s)
    # the law's own values are the accurate ones (50-digit reference)
    ref = law.info_curve_mp(50, [299])[0]
    assert abs(law.mi_sum() / (300 * float(ref)) - 1) < 1e-13


def test_from_joint_round_trips_and_refuses():
    joint = families.noisy_repetition(5, F(1, 10))
    exch = S.exchangeable_from_joint(joint)
    assert all(a == b for a, b in zip(exch.entropy_profile(exact=True), info.entropy_profile(joint)))
    mk = S.markov_from_joint(families.markov_chain(5, P2, [F(1, 3), F(2, 3)]))
    assert all(a == b for a, b in zip(mk.entropy_profile(exact=True),
                                      info.entropy_profile(families.markov_chain(5, P2, [F(1, 3), F(2, 3)]))))
    with pytest.raises(ValueError, match="not exchangeable"):
        S.exchangeable_from_joint(families.markov_chain(4, P2))
    with pytest.raises(ValueError, match="not a .*Markov"):
        S.markov_from_joint(families.noisy_repetition(4, F(1, 10)))
    float_joint = families.noisy_repetition(5, 0.1)
    fe = S.exchangeable_from_joint(float_joint)
    assert np.allclose(fe.entropy_profile(), info.entropy_profile(float_joint), atol=1e-12)


def test_weight_class_profile():
    law = S.weight_class(6, 2)
    arr = np.zeros((2,) * 6, dtype=object)
    arr[...] = F(0)
    for idx in np.ndindex(*(2,) * 6):
        if sum(idx) == 2:
            arr[idx] = F(1, 15)
    from exactdlm.laws import JointLaw

    joint = JointLaw(arr)
    assert all(a == b for a, b in zip(law.entropy_profile(exact=True), info.entropy_profile(joint)))
