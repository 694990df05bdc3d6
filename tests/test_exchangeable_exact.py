"""The exact paths of exchangeable laws in integer arithmetic (``structured.count_exact``)
against their ``Fraction`` twins (``engine="fraction"``), the float engine, and the guards."""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest

from exactdlm import schedules as sch
from exactdlm.laws.budget import ComputationTooLong
from exactdlm.structured import count_exact as C
from exactdlm.structured import exchangeable_from_counts, exchangeable_mixture, noisy_repetition, parity, weight_class
from exactdlm.structured import sizes as S

MIX5_W = [F(1, 5)] * 5
MIX5_TH = [[1 - F(k, 6), F(k, 6)] for k in range(1, 6)]
V3_W = [F(1, 2), F(1, 3), F(1, 6)]
V3_TH = [[F(1, 2), F(1, 3), F(1, 6)], [F(1, 5), F(3, 5), F(1, 5)], [F(0), F(1, 4), F(3, 4)]]


def _laws(L):
    """Mixtures (V = 2, 3), count-law laws (V = 2, 3, a point mass), parity: every kind of input."""
    v3_counts = {}
    for i, n in enumerate(C.compositions_of(L, 3)):
        v3_counts[n] = F(i % 4 + 1)
    tot = sum(v3_counts.values())
    return [
        ("noisy_repetition", noisy_repetition(L, F(1, 10))),
        ("mixture5", exchangeable_mixture(L, MIX5_W, MIX5_TH)),
        ("mixture_v3", exchangeable_mixture(L, V3_W, V3_TH)),
        ("weight_class", weight_class(L, L // 3)),
        ("from_counts", exchangeable_from_counts(L, [F(k * k + 1) / sum(F(j * j + 1) for j in range(L + 1))
                                                     for k in range(L + 1)])),
        ("from_counts_v3", exchangeable_from_counts(L, {n: p / tot for n, p in v3_counts.items()}, V=3)),
        ("parity", parity(L, 2).as_exchangeable()),
    ]


def _schedules(L):
    return [(L,), (1,) * L, sch.balanced(L, 2), sch.balanced(L, 3), (1, L - 1), (3, 1, 2) + (1,) * (L - 6),
            sch.BernoulliReveal(L, [F(1, 3), F(1, 2)]), sch.CutPoints(L, 3, "tc"), sch.CutPoints(L, 4, "dtc")]


@pytest.mark.parametrize("name,law", _laws(9))
def test_profile_and_layers_equal_the_fraction_twin(name, law):
    g, tw = law._exact_profile(), law._exact_profile(engine="fraction")
    assert all(a == b for a, b in zip(g, tw)), name
    assert law.exact_layers() == law.exact_layers("fraction")


@pytest.mark.parametrize("name,law", _laws(9))
def test_count_dp_equals_the_fraction_twin(name, law):
    for sizes in _schedules(law.L):
        Q = law.sampler_count_law(sizes, exact=True)
        tw = {n: q for n, q in law.sampler_count_law(sizes, exact=True, engine="fraction").items() if q}
        assert Q == tw, (name, sizes)
        assert all(q.denominator > 0 and math.gcd(q.numerator, q.denominator) == 1 for q in Q.values())
        assert sum(Q.values()) == 1


@pytest.mark.parametrize("name,law", _laws(8)[:4])
def test_mixture_kl_and_tv_equal_the_fraction_twin(name, law):
    for sizes in [(2, 3, 3), (1,) * 8, sch.CutPoints(8, 3, "tc")]:
        assert law.tv(sizes, exact=True) == law.tv(sizes, exact=True, engine="fraction")
        kl = law.mixture_kl(sizes, exact=True)
        assert kl == law.mixture_kl(sizes, exact=True, engine="fraction")
        assert abs(float(kl) - law.mixture_kl(sizes)) <= 1e-12 + 1e-9 * abs(float(kl))


def test_larger_fixed_schedules_equal_the_twin():
    law = exchangeable_mixture(24, MIX5_W, MIX5_TH)
    for sizes in [sch.balanced(24, 2), sch.balanced(24, 5), sch.geometric_dtc(24, F(1, 2))]:
        assert law.sampler_count_law(sizes, exact=True) == law.sampler_count_law(sizes, exact=True, engine="fraction")


def test_unit_steps_telescope_to_the_law_itself():
    law = noisy_repetition(40, F(1, 10))
    assert law.sampler_count_law((1,) * 40, exact=True) == law.exact_count_law()
    assert law.mixture_kl((1,) * 40, exact=True).is_trivially_zero()


def test_exact_profile_at_L256_matches_the_float_engine():
    for law in (noisy_repetition(256, F(1, 10)), exchangeable_mixture(256, MIX5_W, MIX5_TH)):
        g = law.entropy_profile(exact=True)
        gf = law.entropy_profile()
        for t in (1, 2, 64, 200, 255, 256):
            assert abs(float(g[t]) - gf[t]) <= 1e-12 * max(1.0, gf[t])


def test_exact_mixture_law_at_L128_matches_the_float_engine():
    law = noisy_repetition(128, F(1, 10))
    sizes = law.optimal_schedule(4)[0]
    Q = law.sampler_count_law(sizes, exact=True)
    lq = law.sampler_count_law(sizes, log=True)
    for k in (0, 1, 30, 64, 127, 128):
        q = Q[(128 - k, k)]
        exact_log = math.log(q.numerator) - math.log(q.denominator)
        assert abs(exact_log - lq[k]) <= 1e-9 * max(1.0, abs(exact_log))


def test_a_count_law_that_does_not_sum_to_one_is_refused(monkeypatch):
    law = noisy_repetition(10, F(1, 10))
    real = C._step

    def corrupted(*args):
        D, factors, out = real(*args)
        key = next(iter(out))
        out[key] += 1
        return D, factors, out

    monkeypatch.setattr(C, "_step", corrupted)
    with pytest.raises(AssertionError, match="does not sum to 1"):
        law.sampler_count_law((5, 5), exact=True)


@pytest.mark.parametrize("short_bits", [C.SHORT_GCD_BITS, 1])
def test_gcd_shortcut_and_coprime_fractions(monkeypatch, short_bits):
    monkeypatch.setattr(C, "SHORT_GCD_BITS", short_bits)  # 1: the plain-gcd branch
    D = 2**40 * 3**7 * 1009**5
    F_ = 2 * 3 * 1009
    for x in (1, 7, 2**3 * 11, 1009**7 * 5, 3**9 * 2**50 + 0, 2**40 * 3**7 * 1009**5 * 13, 2**41 * 1009**2 * 3):
        assert C._gcd_factored(x, D, F_) == math.gcd(x, D)
    q = C._coprime_fraction(6, 35)
    assert q == F(6, 35) and (q.numerator, q.denominator) == (6, 35)


def test_time_guard_refuses_with_the_estimate(monkeypatch):
    law = noisy_repetition(64, F(1, 10))
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "0.001")
    with pytest.raises(ComputationTooLong, match=r"exact count DP at L=64.*cell updates.*would take about"):
        law.sampler_count_law(sch.balanced(64, 4), exact=True)
    with pytest.raises(ComputationTooLong, match="exact profile"):
        exchangeable_mixture(64, V3_W, V3_TH).entropy_profile(exact=True)
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "300")
    big = noisy_repetition(256, F(1, 10))
    with pytest.raises(ComputationTooLong, match="4 cut points at L=256"):  # before the chain is built
        big.mixture_kl(sch.CutPoints(256, 4, "tc"), exact=True)
    with pytest.raises(ComputationTooLong, match="1,37[0-9],[0-9]{3} bits"):
        big.mixture_kl(sch.balanced(256, 2), exact=True)


def test_denominator_estimate_bounds_the_run():
    law = exchangeable_mixture(20, MIX5_W, MIX5_TH)
    counts = law._integer_counts()
    for sizes in [sch.balanced(20, 2), sch.balanced(20, 4), (1, 2, 3, 14)]:
        chain = S.size_chain(sizes, 20)
        _, detail = C.count_dp_seconds(counts, chain)
        bound = int(detail.split("up to ")[1].split(" bits")[0].replace(",", ""))
        D, factors, N = C.count_law_integers(counts, chain)
        assert D.bit_length() <= bound and D == math.prod(f**k for f, k in factors)
        Q = law.sampler_count_law(sizes, exact=True, engine="fraction")
        assert math.lcm(*(q.denominator for q in Q.values())).bit_length() >= bound - 64


def test_engine_is_validated():
    with pytest.raises(ValueError, match="engine must be one of"):
        noisy_repetition(6, F(1, 10)).sampler_count_law((3, 3), exact=True, engine="modular")


def test_profile_terms_are_canonical_logform_keys():
    g = exchangeable_mixture(12, V3_W, V3_TH).entropy_profile(exact=True)
    for form in g:
        for r, c in form.terms.items():
            assert r > 1 and c != 0 and math.gcd(r.numerator, r.denominator) == 1
    assert np.all([isinstance(x.terms, dict) for x in g])
