"""Schedules: named rules (docs/theory.md §5), random sizes and their exact E[N_j] (E4), semi-AR blocks,
the spec parser, and bad input."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.laws import families
from exactdlm.engine.info import info_curve
from exactdlm.engine.sampler import expected_kl, sampler_law
from exactdlm.decoding import AdaptiveSpec, optimal, parse_schedule_spec
from exactdlm.schedules import (
    BernoulliReveal,
    CutPoints,
    FixedSizes,
    SemiAR,
    as_schedule,
    balanced,
    chain_probabilities,
    compositions,
    cosine,
    cumulative,
    expected_N,
    floor_last,
    geometric_dtc,
    geometric_tc,
    linear,
    loglinear,
    pattern_count,
    size_law,
    two_sided,
    validate_sizes,
)


def N_of(sizes):
    """N_j for j = 1..L-1 of a fixed schedule: tokens after j in j's step."""
    t = cumulative(sizes)
    out = []
    for j in range(1, t[-1]):
        k = next(k for k in range(1, len(t)) if t[k - 1] < j <= t[k])
        out.append(t[k] - j)
    return out


# ----------------------------------------------------------------------------------------
# fixed-size rules
# ----------------------------------------------------------------------------------------
def test_validate_and_helpers():
    assert validate_sizes([2, 1, 1], 4) == (2, 1, 1)
    assert cumulative((2, 1, 1)) == (0, 2, 3, 4)
    assert pattern_count((2, 1, 1)) == 12
    assert len(list(compositions(5))) == 16 and all(sum(c) == 5 for c in compositions(5))


@pytest.mark.parametrize("L", range(1, 13))
def test_balanced_and_floor_last(L):
    for K in range(1, L + 1):
        b = balanced(L, K)
        assert len(b) == K and sum(b) == L
        assert set(b) <= {L // K, -(-L // K)}
        assert list(b) == sorted(b, reverse=True)  # remainder on the first steps (LLaDA)
        f = floor_last(L, K)
        assert len(f) == K and sum(f) == L and all(s == L // K for s in f[:-1])  # Dream


def test_noise_schedules_known_values():
    # cosine by hand: revealed after step k = floor(8 (1 - mu(1 - k/4)) + 1/2) = 3, 6, 7, then 8
    assert cosine(8, 4) == (3, 3, 1, 1)
    # loglinear: mu(u) = 0.999 u -> revealed 10(1 - 0.999(1 - k/4)) = 2.5075, 5.005, 7.5025 -> 3, 5, 8
    assert loglinear(10, 4) == (3, 2, 3, 2)
    # linear in sigma (sigma_max = 20): almost everything stays masked until the end; the clamp
    # keeps one token per step
    assert linear(10, 4) == (1, 1, 1, 7)


@pytest.mark.parametrize("rule", [cosine, linear, loglinear])
@pytest.mark.parametrize("L", [1, 2, 5, 16, 33])
def test_noise_schedules_shape(rule, L):
    for K in range(1, L + 1):
        sizes = rule(L, K)
        assert len(sizes) == K and sum(sizes) == L and min(sizes) >= 1


@pytest.mark.parametrize("rho", [Fraction(1, 10), Fraction(1, 3), Fraction(1, 2), 0.25, 1])
@pytest.mark.parametrize("L", [1, 2, 7, 20, 64])
def test_geometric_rules_guarantees(rho, L):
    r = Fraction(repr(rho)) if isinstance(rho, float) else Fraction(rho)
    d = geometric_dtc(L, rho)
    assert sum(d) == L and all(n <= r * j for j, n in enumerate(N_of(d), 1))
    assert len(d) <= math.ceil(math.log(L + 1) / math.log(1 + r)) + 1e-9  # G-DTC step count
    t = geometric_tc(L, rho)
    assert sum(t) == L and all(n <= r * (L - j) for j, n in enumerate(N_of(t), 1))
    m = two_sided(L, rho)
    assert sum(m) == L and all(n <= r * j * (L - j) / L for j, n in enumerate(N_of(m), 1))
    # greedy: merging any step with the next token's step would break the condition
    tt = cumulative(m)
    for k in range(1, len(tt) - 1):
        a, b = tt[k - 1], tt[k] + 1
        assert any(b - j > r * j * (L - j) / L for j in range(a + 1, b + 1))


def test_geometric_dtc_follows_formula():
    # b = min(L, max(a+1, floor((1+rho)(a+1)))) with rho = 1/2, L = 20:
    # a: 0->1, 1->3, 3->6, 6->10, 10->16, 16->20
    assert geometric_dtc(20, Fraction(1, 2)) == (1, 2, 3, 4, 6, 4)
    assert geometric_tc(10, Fraction(1, 2)) == (5, 3, 1, 1)  # s = 1 + floor((L-a-1)/2)
    assert geometric_dtc(5, 0.1) == geometric_dtc(5, Fraction(1, 10))  # floats read by repr


def test_optimal_uses_info_dp():
    p = families.noisy_repetition(6, Fraction(1, 5))
    for K in range(1, 7):
        sizes = optimal(p, K)
        assert len(sizes) == K and sum(sizes) == 6
        best = min(expected_kl(p, s) for s in compositions(6) if len(s) == K)
        assert expected_kl(p, sizes) == best


# ----------------------------------------------------------------------------------------
# random sizes
# ----------------------------------------------------------------------------------------
def test_cutpoints_expected_N_matches_theory_formula():
    """(E4): E[N_j] = sum_{m=j}^{L-1} (1 - sum_{c=j}^{m} w(c))^(K-1)."""
    for L in (2, 5, 8):
        for K in (1, 2, 3, 5):
            for kind in ("uniform", "tc", "dtc"):
                cp = CutPoints(L, K, kind)
                w = cp.w
                want = [sum((1 - sum(w[c - 1] for c in range(j, m + 1))) ** (K - 1) for m in range(j, L))
                        for j in range(1, L)]
                assert expected_N(cp) == want


def test_cutpoints_size_law_by_enumerating_draws():
    L, K = 5, 3
    w = [Fraction(1), Fraction(2), Fraction(0), Fraction(3)]
    cp = CutPoints(L, K, w)
    tot = sum(w)
    want = {}
    for draws in np.ndindex(*(L - 1,) * (K - 1)):
        cuts = sorted({c + 1 for c in draws})
        pr = math.prod(w[c] / tot for c in draws)
        sizes = tuple(b - a for a, b in zip([0] + cuts, cuts + [L]))
        want[sizes] = want.get(sizes, 0) + pr
    got = size_law(cp)
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}


def test_bernoulli_size_law_by_enumerating_coins():
    L, rates = 4, [Fraction(1, 3), Fraction(1, 2)]
    br = BernoulliReveal(L, rates)
    want = {}
    # each token's reveal step: 1 w.p. r1, 2 w.p. (1-r1) r2, clean-up 3 otherwise
    probs = [rates[0], (1 - rates[0]) * rates[1], (1 - rates[0]) * (1 - rates[1])]
    for steps in np.ndindex(*(3,) * L):
        pr = math.prod(probs[s] for s in steps)
        counts = [sum(1 for s in steps if s == k) for k in range(3)]
        sizes = tuple(c for c in counts if c)
        want[sizes] = want.get(sizes, 0) + pr
    assert size_law(br) == want


@pytest.mark.parametrize(
    "sched",
    [BernoulliReveal.mdlm(5, 3), BernoulliReveal(5, [Fraction(1, 4)] * 3), CutPoints(5, 3, "tc"),
     CutPoints(5, 4, "dtc"), FixedSizes((2, 1, 2))],
    ids=repr,
)
def test_expected_N_equals_size_law_average(sched):
    law = size_law(sched)
    assert sum(law.values()) == 1
    avg = [sum(pr * N_of(s)[j] for s, pr in law.items()) for j in range(sched.L - 1)]
    assert expected_N(sched) == avg


@pytest.mark.parametrize(
    "sched",
    [BernoulliReveal.mdlm(4, 2), BernoulliReveal(4, [Fraction(2, 5), Fraction(1, 3)]), CutPoints(4, 3),
     CutPoints(4, 3, "tc"), CutPoints(4, 2, [0, 1, 1])],
    ids=repr,
)
def test_random_sizes_e4_and_mixture_law_exact(sched):
    """(E4) with exact E[N_j] equals the size-law average of fixed-size EKLs, and the DP with the
    chain state in W equals the size-law average of fixed-size mixture laws."""
    p = families.random_rational(4, 2, seed=3, max_denominator=7, support="any")
    law = size_law(sched)
    ekl = expected_kl(p, sched)
    assert ekl == sum((expected_kl(p, s) * pr for s, pr in law.items()), 0 * ekl)
    Ibar = info_curve(p)
    assert ekl == sum(((Ibar[j] - Ibar[j - 1]) * n for j, n in enumerate(expected_N(sched), 1)), 0 * ekl)
    q = sampler_law(p, sched)
    mix = sum(pr * sampler_law(p, s) for s, pr in law.items())
    assert bool(np.all(q == mix))


def test_random_sizes_float_rates():
    p = families.random_rational(4, 3, seed=1).float_array()
    br = BernoulliReveal(4, [0.3, 0.6])
    law = size_law(br)
    assert abs(sum(law.values()) - 1) < 1e-12
    mix = sum(pr * sampler_law(p, s) for s, pr in law.items())
    np.testing.assert_allclose(sampler_law(p, br), mix, atol=1e-15)
    e = sum(pr * expected_kl(p, s) for s, pr in law.items())
    assert abs(expected_kl(p, br) - e) < 1e-12


def test_chain_probabilities_final_mass_is_one():
    for sched in (BernoulliReveal.mdlm(6, 4), CutPoints(6, 4, "dtc"), SemiAR(2, 2, L=6)):
        probs = chain_probabilities(sched)
        assert sum(v for (t, a), v in probs.items() if t == sched.L) == 1


# ----------------------------------------------------------------------------------------
# semi-autoregressive blocks
# ----------------------------------------------------------------------------------------
def semiar_partitions(lengths, subs):
    """Every ordered partition a semi-AR schedule can produce (fixed sub-sizes), equally likely."""
    from exactdlm.engine.sampler import ordered_partitions

    out = [()]
    start = 0
    for n, sizes in zip(lengths, subs):
        block = [tuple(tuple(start + j for j in b) for b in part) for part in ordered_partitions(n, sizes)]
        out = [a + b for a in out for b in block]
        start += n
    return out


@pytest.mark.parametrize(
    "lengths,subs",
    [([2, 2], [(2,), (1, 1)]), ([1, 3], [(1,), (2, 1)]), ([3, 2], [(1, 2), (2,)]), ([2, 1, 2], [(2,), (1,), (1, 1)])],
)
def test_semiar_law_and_ekl_against_listing(lengths, subs):
    from exactdlm.engine.sampler import expected_kl_enumerated, pattern_law_enumerated
    from exactdlm.engine.divergence import kl

    L = sum(lengths)
    p = families.random_rational(L, 2, seed=L, max_denominator=7, support="any")
    sched = SemiAR(lengths, list(subs))
    parts = semiar_partitions(lengths, subs)
    qs = [pattern_law_enumerated(p, part) for part in parts]
    assert bool(np.all(sampler_law(p, sched) == sum(qs) / len(qs)))
    want = sum((kl(p, q) for q in qs), 0 * expected_kl(p, (L,))) / len(qs)
    assert expected_kl(p, sched) == want
    # one block = the whole sequence: the plain schedule
    assert bool(np.all(sampler_law(p, SemiAR([L], [subs[0] + tuple(s for sub in subs[1:] for s in sub)]))
                       == sampler_law(p, subs[0] + tuple(s for sub in subs[1:] for s in sub))))
    assert expected_kl_enumerated(p, (L,)) == expected_kl(p, SemiAR([L], [(L,)]))


def test_semiar_block_length_and_random_sub_schedule():
    s = SemiAR(3, 2, L=8)
    assert s.lengths == [3, 3, 2] and [x.sizes for x in s.subs] == [(2, 1), (2, 1), (1, 1)]
    p = families.random_rational(4, 2, seed=9, max_denominator=5)
    # a random sub-schedule inside each block: average over the blocks' size laws
    sched = SemiAR([2, 2], [BernoulliReveal(2, [Fraction(1, 2)]), (1, 1)])
    law = size_law(BernoulliReveal(2, [Fraction(1, 2)]))
    want = sum(pr * sampler_law(p, SemiAR([2, 2], [sz, (1, 1)])) for sz, pr in law.items())
    assert bool(np.all(sampler_law(p, sched) == want))


# ----------------------------------------------------------------------------------------
# the spec parser
# ----------------------------------------------------------------------------------------
def test_parse_schedule_spec_forms():
    L = 8
    p = families.noisy_repetition(L, Fraction(1, 5))
    assert parse_schedule_spec("sizes:2,1,5", L) == (2, 1, 5)
    assert parse_schedule_spec("balanced:3", L) == balanced(8, 3)
    assert parse_schedule_spec("floor_last:3", L) == floor_last(8, 3)
    assert parse_schedule_spec("cosine:4", L) == cosine(8, 4)
    assert parse_schedule_spec("linear:4", L) == linear(8, 4)
    assert parse_schedule_spec("loglinear:4", L) == loglinear(8, 4)
    assert parse_schedule_spec("geometric_dtc:0.5", L) == geometric_dtc(8, Fraction(1, 2))
    assert parse_schedule_spec("geometric_tc:1/3", L) == geometric_tc(8, Fraction(1, 3))
    assert parse_schedule_spec("two_sided:0.5", L) == two_sided(8, Fraction(1, 2))
    assert parse_schedule_spec("optimal:3", L, p) == optimal(p, 3)
    b = parse_schedule_spec("bernoulli:4", L)
    assert isinstance(b, BernoulliReveal) and b.rates == [Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), 1]
    b2 = parse_schedule_spec("bernoulli:1/2,1/3", L)
    assert b2.rates == [Fraction(1, 2), Fraction(1, 3)]
    c = parse_schedule_spec("cutpoints:4:tc", L)
    assert isinstance(c, CutPoints) and c.K == 4 and c.w == CutPoints(8, 4, "tc").w
    s = parse_schedule_spec("semiar:4/2", L)
    assert isinstance(s, SemiAR) and s.lengths == [4, 4] and [x.sizes for x in s.subs] == [(2, 2), (2, 2)]
    a = parse_schedule_spec("confidence:4", L)
    assert a == AdaptiveSpec("confidence", balanced(8, 4))
    assert parse_schedule_spec("threshold:0.9", L) == AdaptiveSpec("threshold", None, Fraction(9, 10))
    assert parse_schedule_spec("select:2", L).rule == "select"


@pytest.mark.parametrize(
    "spec,match",
    [("", "non-empty"), ("nope:3", "unknown schedule"), ("balanced:x", "integer"), ("balanced:0", "1..L"),
     ("balanced:9", "1..L"), ("sizes:3,3", "sum to"), ("sizes:0,8", "positive"), ("geometric_dtc:0", r"\(0, 1\]"),
     ("geometric_tc:1.5", r"\(0, 1\]"), ("two_sided:abc", "number"), ("optimal:2", "needs the law"),
     ("bernoulli:1.5", r"\[0, 1\]"), ("cutpoints:3:zz", "unknown cut-point"), ("semiar:0/2", "block_length")],
)
def test_parse_schedule_spec_bad(spec, match):
    with pytest.raises(ValueError, match=match):
        parse_schedule_spec(spec, 8)


# ----------------------------------------------------------------------------------------
# bad input of the constructors
# ----------------------------------------------------------------------------------------
def test_bad_constructor_input():
    with pytest.raises(ValueError, match="1..L"):
        balanced(4, 5)
    with pytest.raises(ValueError, match="1..L"):
        floor_last(4, 0)
    with pytest.raises(ValueError, match="1..L"):
        cosine(3, True)
    with pytest.raises(ValueError, match="positive integer"):
        balanced(0, 1)
    for rule in (geometric_dtc, geometric_tc, two_sided):
        with pytest.raises(ValueError, match=r"\(0, 1\]"):
            rule(5, 0)
        with pytest.raises(ValueError, match=r"\(0, 1\]"):
            rule(5, Fraction(3, 2))
        with pytest.raises(ValueError, match="number"):
            rule(5, float("nan"))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        BernoulliReveal(4, [0.5, -0.1])
    with pytest.raises(ValueError, match="at least one"):
        BernoulliReveal(4, [])
    with pytest.raises(ValueError, match="positive integer"):
        BernoulliReveal.mdlm(4, 0)
    with pytest.raises(ValueError, match=r"1..L-1 \(3 values\)"):
        CutPoints(4, 2, [1, 1])
    with pytest.raises(ValueError, match="sum to 0"):
        CutPoints(4, 2, [0, 0, 0])
    with pytest.raises(ValueError, match="non-negative"):
        CutPoints(4, 2, [1, -1, 1])
    with pytest.raises(ValueError, match="positive integer"):
        CutPoints(4, 0)
    with pytest.raises(ValueError, match="needs L"):
        SemiAR(2, 1)
    with pytest.raises(ValueError, match="sum to"):
        SemiAR([2, 2], 1, L=5)
    with pytest.raises(ValueError, match="one sub-schedule per block"):
        SemiAR([2, 2], [1])
    with pytest.raises(ValueError, match="sum to"):
        SemiAR([2, 2], [(1, 1), (3,)])
    with pytest.raises(ValueError, match="law has L=5"):
        as_schedule(CutPoints(4, 2), 5)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 9), st.integers(1, 4), st.sampled_from(["uniform", "tc", "dtc"]))
def test_cutpoints_property(L, K, kind):
    cp = CutPoints(L, K, kind)
    law = size_law(cp)
    assert sum(law.values()) == 1
    assert all(len(s) <= K and sum(s) == L for s in law)
    # 0 <= E[N_j] <= L - j (one step), and sum_j N_j = sum_k C(s_k, 2) on average
    EN = expected_N(cp)
    assert all(0 <= n <= L - j for j, n in enumerate(EN, 1))
    assert sum(EN) == sum(pr * sum(x * (x - 1) // 2 for x in s) for s, pr in law.items())
    if K == 1:
        assert EN == [L - j for j in range(1, L)]


def test_fixed_sizes_expected_N():
    assert expected_N((2, 1, 1)) == [1, 0, 0]
    assert expected_N((4,)) == [3, 2, 1]
    for sizes in compositions(6):
        assert expected_N(sizes) == N_of(sizes)


# ----------------------------------------------------------------------------------------
# learned predictors with random sizes and semi-AR blocks (E6)
# ----------------------------------------------------------------------------------------
def test_random_sizes_with_predictor_exact():
    from exactdlm.engine.predictors import mix_uniform

    p = families.random_rational(4, 2, seed=12, max_denominator=7, support="any")
    hat = families.random_rational(4, 2, seed=13, max_denominator=5, support="full")
    for sched in (BernoulliReveal(4, [Fraction(1, 3), Fraction(1, 2)]), CutPoints(4, 3, "dtc")):
        law = size_law(sched)
        for pred in (hat, mix_uniform(Fraction(1, 6))):
            got = expected_kl(p, sched, pred)
            assert got == sum((expected_kl(p, s, pred) * pr for s, pr in law.items()), 0 * got)
            q = sampler_law(p, sched, pred)
            assert bool(np.all(q == sum(pr * sampler_law(p, s, pred) for s, pr in law.items())))


def test_semiar_with_predictor_against_listing():
    from exactdlm.engine.divergence import kl
    from exactdlm.engine.sampler import learning_error, pattern_law_enumerated

    lengths, subs = [2, 2], [(2,), (1, 1)]
    p = families.random_rational(4, 2, seed=14, max_denominator=7, support="any")
    hat = families.random_rational(4, 2, seed=15, max_denominator=5, support="full")
    sched = SemiAR(lengths, list(subs))
    qs = [pattern_law_enumerated(p, part, hat) for part in semiar_partitions(lengths, subs)]
    want = sum((kl(p, q) for q in qs), 0 * expected_kl(p, (4,))) / len(qs)
    assert expected_kl(p, sched, hat) == want  # (E6) per pattern, averaged
    assert expected_kl(p, sched, hat) == expected_kl(p, sched) + learning_error(p, sched, hat)
    assert bool(np.all(sampler_law(p, sched, hat) == sum(qs) / len(qs)))


@settings(max_examples=10, deadline=None)
@given(st.lists(st.fractions(0, 1, max_denominator=6), min_size=1, max_size=3), st.integers(0, 10**6))
def test_bernoulli_e4_property(rates, seed):
    p = families.random_rational(4, 2, seed, max_denominator=6, support="any")
    sched = BernoulliReveal(4, rates)
    law = size_law(sched)
    assert sum(law.values()) == 1
    got = expected_kl(p, sched)
    assert got == sum((expected_kl(p, s) * pr for s, pr in law.items()), 0 * got)
