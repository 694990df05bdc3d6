"""The sampler's exact output law by the DP against brute-force pattern listing, and the
identities of docs/theory.md §4 it must satisfy: q = p for unit steps, product of marginals for one
step, KL(p||q) <= EKL, (E1) and (E6) by enumeration, ε_train = E_learn."""

from fractions import Fraction
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.laws import families
from exactdlm.engine.divergence import kl
from exactdlm.arith import LogForm
from exactdlm.laws import JointLaw
from exactdlm.laws.joint import exact_array
from exactdlm.engine.predictors import mix_uniform, noisy, temperature
from exactdlm.engine.sampler import (
    epsilon_train,
    expected_kl,
    expected_kl_enumerated,
    learning_error,
    mixture_kl,
    ordered_partitions,
    pattern_law,
    pattern_law_enumerated,
    sampler_law,
    sampler_law_enumerated,
    step_breakdown,
)
from exactdlm.schedules import compositions, pattern_count


def rational_law(L, V, seed, support="any"):
    return families.random_rational(L, V, seed, max_denominator=9, support=support)


def other_law(L, V, seed):
    """A second rational law of the same shape, full support, as a learned predictor."""
    return families.random_rational(L, V, seed + 1000, max_denominator=5, support="full")


def exact_eq(a, b):
    return a.shape == b.shape and bool(np.all(a == b))


# ----------------------------------------------------------------------------------------
# DP against brute-force pattern listing
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("L,V", [(2, 3), (3, 2), (3, 3), (4, 2), (4, 3), (5, 2)])
def test_dp_equals_pattern_listing_exact_every_composition(L, V):
    p = rational_law(L, V, seed=10 * L + V)
    for sizes in compositions(L):
        q = sampler_law(p, sizes)
        assert q.dtype == object
        assert exact_eq(q, sampler_law_enumerated(p, sizes)), sizes


@pytest.mark.parametrize("L,V", [(5, 3)])
def test_dp_equals_pattern_listing_float_every_composition(L, V):
    p = rational_law(L, V, seed=3).float_array()
    for sizes in compositions(L):
        q = sampler_law(p, sizes)
        assert q.dtype == np.float64
        np.testing.assert_allclose(q, sampler_law_enumerated(p, sizes), rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    "make_pred",
    [
        lambda L, V: other_law(L, V, 7),
        lambda L, V: mix_uniform(Fraction(1, 4)),
        lambda L, V: noisy(Fraction(1, 2), seed=5),
        lambda L, V: temperature(Fraction(1, 2)),
    ],
    ids=["law", "mix", "noisy", "temperature-power-2"],
)
@pytest.mark.parametrize("L,V", [(3, 3), (4, 2)])
def test_dp_equals_pattern_listing_with_predictors_exact(make_pred, L, V):
    p = rational_law(L, V, seed=L * V)
    pred = make_pred(L, V)
    for sizes in compositions(L):
        q = sampler_law(p, sizes, pred)
        assert q.dtype == object, "rational law and rational predictor give an exact law"
        assert exact_eq(q, sampler_law_enumerated(p, sizes, pred)), sizes


@pytest.mark.parametrize("pred", [temperature(0.7), noisy(0.3, seed=2), mix_uniform(0.2)], ids=str)
def test_dp_equals_pattern_listing_with_predictors_float(pred):
    p = rational_law(5, 2, seed=4).float_array()
    for sizes in compositions(5):
        np.testing.assert_allclose(
            sampler_law(p, sizes, pred), sampler_law_enumerated(p, sizes, pred), rtol=0, atol=1e-15
        )


def test_float_run_matches_exact_run():
    law = rational_law(4, 3, seed=11)
    for sizes in [(1, 1, 1, 1), (2, 2), (1, 3), (4,)]:
        qe = sampler_law(law, sizes)
        qf = sampler_law(law.float_array(), sizes)
        np.testing.assert_allclose(qf, np.array(qe, dtype=float), rtol=1e-12, atol=1e-15)
        assert abs(mixture_kl(law.float_array(), sizes) - float(mixture_kl(law, sizes))) <= 1e-12


def test_pattern_law_equals_definition():
    p = rational_law(4, 2, seed=1)
    pred = other_law(4, 2, 2)
    for part in [((2,), (0, 3), (1,)), ((0, 1, 2, 3),), ((3,), (2,), (1,), (0,))]:
        assert exact_eq(pattern_law(p, part), pattern_law_enumerated(p, part))
        assert exact_eq(pattern_law(p, part, pred), pattern_law_enumerated(p, part, pred))


def test_mixture_is_mean_of_pattern_laws():
    p = rational_law(4, 2, seed=2)
    sizes = (1, 2, 1)
    parts = list(ordered_partitions(4, sizes))
    assert len(parts) == pattern_count(sizes) == 12
    mean = sum(pattern_law(p, part) for part in parts) / len(parts)
    assert exact_eq(sampler_law(p, sizes), mean)


# ----------------------------------------------------------------------------------------
# closed cases
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("L,V,seed", [(3, 3, 0), (4, 2, 1), (5, 2, 2)])
def test_unit_steps_reproduce_p_exactly(L, V, seed):
    p = rational_law(L, V, seed)  # support "any": zero-probability contexts occur
    assert (p.array == 0).any()
    assert exact_eq(sampler_law(p, (1,) * L), p.array)
    assert mixture_kl(p, (1,) * L) == 0


def test_unit_steps_reproduce_p_float_at_L12():
    rng = np.random.default_rng(0)
    p = rng.random((2,) * 12) ** 4
    p[rng.random(p.shape) < 0.3] = 0
    p /= p.sum()
    np.testing.assert_allclose(sampler_law(p, (1,) * 12), p, rtol=1e-12, atol=1e-17)


@pytest.mark.parametrize("L,V,seed", [(3, 3, 5), (4, 2, 6)])
def test_one_step_gives_product_of_marginals(L, V, seed):
    p = rational_law(L, V, seed)
    margs = [p.marginal([i]) for i in range(L)]
    prod = np.empty((V,) * L, dtype=object)
    for x in np.ndindex(*prod.shape):
        val = Fraction(1)
        for i, xi in enumerate(x):
            val *= margs[i][xi]
        prod[x] = val
    assert exact_eq(sampler_law(p, (L,)), prod)
    # EKL of one step is TC (E7), and the mixture is that one pattern
    assert mixture_kl(p, (L,)) == expected_kl(p, (L,))


def test_block_step_reaching_zero_context_uses_uniform():
    """Repeated bit, L=3, sizes (2,1): the block draws two fair bits independently; the context
    (0,1) has probability 0, where the predictor is uniform (docs/theory.md §1). By hand:
    q(000) = q(111) = 1/4 and every other string gets (0 + 1/8 + 1/8)/3 = 1/12."""
    p = families.repeated_symbol(3, 2)
    q = sampler_law(p, (2, 1))
    assert q[0, 0, 0] == q[1, 1, 1] == Fraction(1, 4)
    for x in np.ndindex(2, 2, 2):
        if len(set(x)) == 2:
            assert q[x] == Fraction(1, 12)
    assert exact_eq(q, sampler_law_enumerated(p, (2, 1)))
    # the float run (and its unit-step fast path) follows the same convention
    np.testing.assert_allclose(sampler_law(p.float_array(), (2, 1)), np.array(q, dtype=float), atol=1e-15)
    # a unit step after the block reads the zero-probability context through the fast path
    q4 = sampler_law(families.repeated_symbol(4, 2).float_array(), (2, 1, 1))
    np.testing.assert_allclose(q4, np.array(sampler_law(families.repeated_symbol(4, 2), (2, 1, 1)), dtype=float),
                               atol=1e-15)


def test_noisy_repetition_numbers_of_theory():
    """docs/theory.md §2: noisy repeated bit, L=5, eta=0.1, schedule (1,4): EKL 0.2900, mixture 0.0448."""
    p = families.noisy_repetition(5, Fraction(1, 10))
    assert abs(float(expected_kl(p, (1, 4))) - 0.2900) < 5e-5
    assert abs(float(mixture_kl(p, (1, 4))) - 0.0448) < 5e-5


# ----------------------------------------------------------------------------------------
# EKL identities
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("L,V", [(3, 3), (4, 2)])
def test_e1_equals_enumeration_exactly(L, V):
    p = rational_law(L, V, seed=21)
    for sizes in compositions(L):
        assert expected_kl(p, sizes) == expected_kl_enumerated(p, sizes), sizes


@pytest.mark.parametrize(
    "pred",
    [None, mix_uniform(Fraction(1, 3)), noisy(Fraction(1, 3), seed=1), "law"],
    ids=["exact", "mix", "noisy", "law"],
)
def test_e6_and_epsilon_train_exactly(pred):
    L, V = 4, 2
    p = rational_law(L, V, seed=33)
    if pred == "law":
        pred = other_law(L, V, 3)
    for sizes in compositions(L):
        ekl_hat = expected_kl(p, sizes, pred)
        assert ekl_hat == expected_kl_enumerated(p, sizes, pred), sizes  # (E6) against listing
        if pred is None:
            continue
        e_learn = learning_error(p, sizes, pred)
        assert ekl_hat == expected_kl(p, sizes) + e_learn
        assert epsilon_train(p, sizes, pred) == e_learn  # LC's form, coefficient 1
        assert e_learn > 0


def test_e6_float_matches_exact():
    p = rational_law(4, 3, seed=2)
    pred = other_law(4, 3, 4)
    for sizes in [(2, 2), (1, 1, 2), (4,)]:
        e_exact = learning_error(p, sizes, pred)
        e_float = learning_error(p.float_array(), sizes, pred.float_array())
        assert abs(e_float - float(e_exact)) <= 1e-12
        assert abs(epsilon_train(p.float_array(), sizes, pred.float_array()) - e_float) <= 1e-12


def test_learning_error_infinite_when_predictor_misses_support():
    p = families.random_rational(3, 2, seed=1, support="full")
    hat = np.zeros((2, 2, 2))
    hat[0, 0, 0] = 1.0  # predicts only zeros
    assert learning_error(p.float_array(), (1, 2), hat) == float("inf")
    assert learning_error(p, (1, 2), JointLaw(exact_array([1] + [0] * 7, (2, 2, 2)))) == float("inf")
    assert mixture_kl(p, (1, 2), hat) == float("inf")


def test_step_breakdown_sums_to_totals():
    p = rational_law(5, 2, seed=8)
    pred = other_law(5, 2, 9)
    sizes = (2, 1, 2)
    rows = step_breakdown(p, sizes, pred)
    assert [r["size"] for r in rows] == [2, 1, 2] and [r["t"] for r in rows] == [0, 2, 3]
    assert sum((r["ekl"] for r in rows), LogForm()) == expected_kl(p, sizes)
    assert sum((r["learn"] for r in rows), LogForm()) == learning_error(p, sizes, pred)


# ----------------------------------------------------------------------------------------
# properties (hypothesis; few examples: exact arithmetic is slow)
# ----------------------------------------------------------------------------------------
@st.composite
def law_and_sizes(draw, max_L=4):
    L = draw(st.integers(2, max_L))
    V = draw(st.integers(2, 3 if L <= 3 else 2))
    seed = draw(st.integers(0, 10**6))
    sizes = draw(st.sampled_from(list(compositions(L))))
    return rational_law(L, V, seed), sizes


@settings(max_examples=12, deadline=None)
@given(law_and_sizes())
def test_mixture_kl_at_most_ekl(case):
    p, sizes = case
    m, e = mixture_kl(p, sizes), expected_kl(p, sizes)
    assert m <= e  # certified comparison of exact log-forms
    q = sampler_law(p, sizes)
    assert sum(q.reshape(-1)) == 1 and all(x >= 0 for x in q.reshape(-1))


@settings(max_examples=8, deadline=None)
@given(law_and_sizes(max_L=4), st.integers(0, 10**6))
def test_mixture_kl_at_most_ekl_with_predictor(case, seed):
    p, sizes = case
    pred = other_law(p.L, p.V, seed)
    assert mixture_kl(p, sizes, pred) <= expected_kl(p, sizes, pred)


@settings(max_examples=8, deadline=None)
@given(law_and_sizes(max_L=4))
def test_float_dp_matches_exact_dp(case):
    p, sizes = case
    np.testing.assert_allclose(
        sampler_law(p.float_array(), sizes), np.array(sampler_law(p, sizes), dtype=float), rtol=1e-12, atol=1e-15
    )


def test_memory_cap_refused(monkeypatch):
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", str(10_000))
    p = np.full((2,) * 8, 1 / 256)
    with pytest.raises(ValueError, match="memory cap"):
        sampler_law(p, (1,) * 8)


def test_bad_sizes_refused():
    p = np.full((2,) * 3, 1 / 8)
    with pytest.raises(ValueError, match="sum to"):
        sampler_law(p, (1, 1))
    with pytest.raises(ValueError, match="positive"):
        sampler_law(p, (0, 3))
    with pytest.raises(ValueError, match="positive"):
        sampler_law(p, (4, -1))
    with pytest.raises(ValueError, match="integers"):
        sampler_law(p, (1.5, 1.5))
    with pytest.raises(ValueError, match="split range"):
        pattern_law(p, ((0,), (0, 1, 2)))


def test_pattern_count_cap_refused(monkeypatch):
    import exactdlm.engine.sampler as sampler

    monkeypatch.setattr(sampler, "PATTERN_CAP", 10)
    p = np.full((2,) * 4, 1 / 16)
    with pytest.raises(ValueError, match="ordered partitions"):
        expected_kl_enumerated(p, (1, 1, 1, 1))
    with pytest.raises(ValueError, match="ordered partitions"):
        sampler_law_enumerated(p, (1, 1, 1, 1))


def test_epsilon_train_row_cap(monkeypatch):
    import exactdlm.engine.sampler as sampler

    monkeypatch.setattr(sampler, "TRAIN_ROW_CAP", 5)
    p = np.full((2,) * 4, 1 / 16)
    with pytest.raises(ValueError, match="learning_error"):
        epsilon_train(p, (2, 2), mix_uniform(0.1))


def test_comb_weights_sum_to_one_for_every_layer():
    """Sanity of the DP's normalisation: sum of q equals 1 for random float laws and schedules."""
    rng = np.random.default_rng(3)
    for L, V in [(6, 2), (5, 3)]:
        p = rng.random((V,) * L)
        p /= p.sum()
        for sizes in [(2, 2, 2)[: L // 2] + ((L % 2,) if L % 2 else ()), (L,), (1, L - 1)]:
            assert abs(sampler_law(p, sizes).sum() - 1) < 1e-12


# ----------------------------------------------------------------------------------------
# structured laws supply their own profile and mixture KL
# ----------------------------------------------------------------------------------------
def test_structured_laws_dispatch():
    from exactdlm import structured

    law = structured.repeated_symbol(5, 3)
    dense = law.to_joint()
    for sizes in [(2, 3), (1, 1, 3), (5,)]:
        assert mixture_kl(law, sizes) == law.mixture_kl(sizes)  # dispatched, not recomputed
        assert abs(float(mixture_kl(law, sizes)) - float(mixture_kl(dense, sizes))) <= 1e-12
        assert abs(float(expected_kl(law, sizes)) - float(expected_kl(dense, sizes))) <= 1e-12
    # random sizes through (E4) on the structured profile
    from exactdlm.schedules import CutPoints

    cp = CutPoints(5, 3, "tc")
    assert abs(float(expected_kl(law, cp)) - float(expected_kl(dense, cp))) <= 1e-12


@settings(max_examples=8, deadline=None)
@given(law_and_sizes(max_L=4), st.integers(0, 10**6))
def test_e6_property(case, seed):
    p, sizes = case
    hat = families.random_rational(p.L, p.V, seed, max_denominator=5, support="full")
    e = expected_kl(p, sizes, hat)
    assert e == expected_kl_enumerated(p, sizes, hat)
    assert epsilon_train(p, sizes, hat) == learning_error(p, sizes, hat) == e - expected_kl(p, sizes)


def test_structured_law_expanded_for_the_dp():
    from exactdlm import structured

    law = structured.repeated_symbol(4, 2)
    dense = law.to_joint()
    for sizes in [(2, 2), (1, 3)]:
        assert bool(np.all(sampler_law(law, sizes) == sampler_law(dense, sizes)))
        assert learning_error(law, sizes, mix_uniform(Fraction(1, 3))) == learning_error(
            dense, sizes, mix_uniform(Fraction(1, 3)))


def test_exact_law_with_float_predictor_gives_float_ekl_plus_learning_error():
    import exactdlm as ed

    p = ed.families.noisy_repetition(4, "1/10")
    pred = ed.temperature(0.8)
    value = ed.expected_kl(p, (2, 2), pred)
    assert isinstance(value, float)
    expected = float(ed.expected_kl(p, (2, 2))) + float(ed.learning_error(p, (2, 2), pred))
    assert value == pytest.approx(expected, rel=1e-12)
    # the float law gives the same number
    assert ed.expected_kl(p.to_float(), (2, 2), pred) == pytest.approx(value, rel=1e-10)
