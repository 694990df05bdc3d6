"""Bad input to the structured laws: each gets a ValueError naming the problem and the fix."""

from fractions import Fraction as F

import numpy as np
import pytest

from exactdlm.laws import families
from exactdlm.schedules import BernoulliReveal, CutPoints, SemiAR, balanced
import exactdlm.structured as S
import exactdlm.structured.exchangeable as exch_mod
from exactdlm.structured._numerics import MAX_L


@pytest.mark.parametrize("call,match", [
    (lambda: S.noisy_repetition(10, F(3, 2)), r"eta .*\[0, 1\]"),
    (lambda: S.noisy_repetition(10, "x/y"), "rational"),
    (lambda: S.noisy_repetition(0, F(1, 10)), "L must be >= 1"),
    (lambda: S.noisy_repetition(MAX_L + 1, F(1, 10)), "beyond what the structured numerics certify"),
    (lambda: S.noisy_repetition(2.5, F(1, 10)), "positive integer"),
    (lambda: S.exchangeable_mixture(5, [F(1, 2), F(1, 2)], [[F(1, 2), F(1, 2)]]), "one theta per weight"),
    (lambda: S.exchangeable_mixture(5, [F(1, 2), F(1, 3)], [[1, 0], [0, 1]]), "sums to 5/6"),
    (lambda: S.exchangeable_mixture(5, [1], [[F(1, 2), F(2, 3)]]), "sums to 7/6"),
    (lambda: S.exchangeable_mixture(5, [1], [[-0.5, 1.5]]), "negative"),
    (lambda: S.exchangeable_mixture(5, [F(1, 2), F(1, 2)], [[1, 0], [0, 0, 1]]), "same length"),
    (lambda: S.exchangeable_from_counts(4, [F(1, 4)] * 4), "L\\+1 = 5 entries"),
    (lambda: S.exchangeable_from_counts(4, [F(1, 5)] * 5, V=3), "for V = 2"),
    (lambda: S.exchangeable_from_counts(4, {(1, 2): F(1)}, V=2), "not a composition"),
    (lambda: S.weight_class(5, 6), "w must be an integer in 0..L=5"),
    (lambda: S.parity(1), "L >= 2"),
    (lambda: S.parity(5, 1), "V .* >= 2"),
    (lambda: S.repeated_symbol(5, 1.5), "V .* >= 2"),
    (lambda: S.mds_code(5, 2, 6), "q must be prime"),
    (lambda: S.mds_code(8, 2, 7), "q must be >= L"),
    (lambda: S.mds_code(5, 6, 5), "k must lie in 1..L=5"),
    (lambda: S.mds_code(5, 0, 5), "k must lie in 1..L=5"),
    (lambda: S.markov_chain(5, [[F(1, 2), F(1, 3)], [0, 1]]), "sums to"),
    (lambda: S.markov_chain(5, [[1, 0, 0], [0, 1, 0]]), "square"),
    (lambda: S.markov_chain(5, [[1, 0], [0, 1]]), "no unique stationary law"),
    (lambda: S.markov_chain(5, [[F(1, 2), F(1, 2)], [0, 1]], [F(1, 2)]), "initial"),
])
def test_bad_parameters(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_schedules():
    law = S.noisy_repetition(6, F(1, 10))
    with pytest.raises(ValueError, match="sum to 5, not L=6"):
        law.expected_kl((2, 3))
    with pytest.raises(ValueError, match="positive"):
        law.mixture_kl((7, -1))
    with pytest.raises(ValueError, match="schedule is for L=5"):
        law.mixture_kl(CutPoints(5, 3, "tc"))
    with pytest.raises(ValueError, match="position-uniform"):
        law.expected_kl(SemiAR(3, 1, L=6))
    with pytest.raises(ValueError, match="sequence of sizes"):
        law.expected_kl("balanced:3")
    with pytest.raises(ValueError, match="steps must be an integer in 1..L=6"):
        law.optimal_schedule(7)
    with pytest.raises(ValueError, match="rational rates"):
        law.mixture_kl(BernoulliReveal(6, [0.3]), exact=True)


def test_exact_paths_need_rational_parameters_and_small_L():
    with pytest.raises(ValueError, match="rational parameters"):
        S.noisy_repetition(5, 0.1).entropy_profile(exact=True)
    with pytest.raises(ValueError, match="exact path is limited"):
        S.noisy_repetition(300, F(1, 10)).mixture_kl((150, 150), exact=True)
    with pytest.raises(ValueError, match="outcomes"):
        S.noisy_repetition(40, F(1, 10)).to_joint()


def test_cost_and_memory_caps(monkeypatch):
    law = S.noisy_repetition(300, F(1, 10))
    monkeypatch.setattr(exch_mod, "MAX_DP_OPS", 1000)
    with pytest.raises(ValueError, match="count DP .* needs about"):
        law.mixture_kl(balanced(300, 4))
    monkeypatch.setattr(exch_mod, "MAX_DP_OPS", 5_000_000_000)
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "1000")
    with pytest.raises(ValueError, match="memory cap"):
        S.noisy_repetition(300, F(1, 10)).entropy_profile()
    monkeypatch.delenv("EXACTDLM_MEMORY_CAP")
    with pytest.raises(ValueError, match=r"\(L\+1\)\^\(V-1\)"):
        S.exchangeable_mixture(4096, [1], [[F(1, 4)] * 4])
    with pytest.raises(ValueError, match="count DP costs O\\(K L\\^4\\)"):
        S.noisy_repetition(1024, F(1, 10)).mixture_kl(BernoulliReveal(1024, [F(1, 2)] * 4))


def test_declared_structure_is_checked():
    with pytest.raises(ValueError, match="swapping positions 0 and 1"):
        S.exchangeable_from_joint(families.markov_chain(4, [[F(3, 4), F(1, 4)], [F(1, 3), F(2, 3)]], [1, 0]))
    # time-inhomogeneous chain: differs between steps
    arr = np.zeros((2, 2, 2), dtype=object)
    arr[...] = F(0)
    arr[0, 0, 0], arr[0, 1, 1], arr[1, 1, 1], arr[1, 0, 0] = F(1, 4), F(1, 4), F(1, 4), F(1, 4)
    with pytest.raises(ValueError, match="differs between steps"):
        S.markov_from_joint(arr)
    # a law that is not Markov at all (parity of 3 bits)
    with pytest.raises(ValueError, match="not a Markov chain"):
        S.markov_from_joint(families.parity(3))


def test_markov_mp_reference_is_limited_for_nonstationary_chains():
    law = S.markov_chain(600, [[F(1, 2), F(1, 2)], [F(1, 3), F(2, 3)]], [1, 0])
    with pytest.raises(ValueError, match="limited to L <= 512"):
        law.entropy_profile_mp(20, [3])
    with pytest.raises(ValueError, match="0..L=600"):
        law.entropy_profile_mp(20, [601])
