"""Outward-rounded float intervals (exactdlm.arith.outward) and the certified E[N_j] enclosures
built on them: every enclosure contains the exact rational value."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.arith import outward as ow
from exactdlm.schedules import theorem_rules as rules

rats = st.builds(Fraction, st.integers(-10**12, 10**12), st.integers(1, 10**12))
pos = st.builds(Fraction, st.integers(0, 10**12), st.integers(1, 10**12))


def _inside(iv, exact):
    lo, hi = iv
    return all(Fraction(float(a)) <= x <= Fraction(float(b)) for a, b, x in zip(np.ravel(lo), np.ravel(hi), exact))


@given(st.lists(st.tuples(rats, rats), min_size=1, max_size=20))
@settings(max_examples=100, deadline=None)
def test_sums_differences_and_products_enclose_the_exact_results(pairs):
    xs, ys = [a for a, _ in pairs], [b for _, b in pairs]
    X, Y = ow.from_rationals(xs), ow.from_rationals(ys)
    assert _inside(X, xs)
    assert _inside(ow.add(X, Y), [a + b for a, b in pairs])
    assert _inside(ow.sub(X, Y), [a - b for a, b in pairs])
    assert _inside(ow.mul(X, Y), [a * b for a, b in pairs])
    lo, hi = ow.total(ow.mul(X, Y))
    assert Fraction(lo) <= sum(a * b for a, b in pairs) <= Fraction(hi)


@given(st.lists(pos, min_size=1, max_size=10), st.integers(0, 70))
@settings(max_examples=100, deadline=None)
def test_powers_enclose_the_exact_power(xs, e):
    xs = [x / (1 + x) for x in xs]  # in [0, 1), where E[N_j] needs them
    assert _inside(ow.power(ow.from_rationals(xs), e), [x**e for x in xs])


@given(st.integers(2, 60), st.integers(1, 40), st.sampled_from(["uniform", "tc", "dtc"]))
@settings(max_examples=60, deadline=None)
def test_expected_N_cut_bounds_contain_the_exact_sums(L, K, kind):
    w = rules.cut_pmf(L, kind)
    exact = rules.expected_N_cuts(L, K, w)
    lo, hi = rules.expected_N_cuts_bounds(L, K, w)
    assert _inside((lo, hi), exact)
    assert np.all(hi - lo <= 1e-12 * np.maximum(hi, 1.0))  # and they are tight


def test_expected_N_cut_bounds_at_the_large_suite_length():
    w = rules.cut_pmf(256, "dtc")
    exact = rules.expected_N_cuts(256, 32, w)
    lo, hi = rules.expected_N_cuts_bounds(256, 32, w)
    assert _inside((lo, hi), exact)
