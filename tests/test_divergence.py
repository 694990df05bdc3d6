"""KL, TV and chi-square: exact forms for exact laws, floats otherwise, inf (never NaN) off support."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.laws import families
from exactdlm.engine.divergence import chi2, kl, tv
from exactdlm.arith import LogForm
from exactdlm.laws.joint import exact_array


def pair(seed, support="full"):
    p = families.random_rational(3, 2, seed, max_denominator=9, support=support)
    q = families.random_rational(3, 2, seed + 1, max_denominator=9, support="full")
    return p, q


def test_exact_values_by_hand():
    p = exact_array([Fraction(1, 2), Fraction(1, 2)], (2,))
    q = exact_array([Fraction(1, 4), Fraction(3, 4)], (2,))
    d = kl(p, q)
    assert isinstance(d, LogForm)
    # 1/2 log 2 + 1/2 log(2/3)
    assert d == LogForm.log(2, Fraction(1, 2)) + LogForm.log(Fraction(2, 3), Fraction(1, 2))
    assert tv(p, q) == Fraction(1, 4)
    assert chi2(p, q) == Fraction(1, 16) / Fraction(1, 4) + Fraction(1, 16) / Fraction(3, 4)


@pytest.mark.parametrize("seed", range(4))
def test_float_matches_exact(seed):
    p, q = pair(seed, support="any")
    for f in (kl, tv, chi2):
        e = f(p, q)
        assert not isinstance(e, float)
        assert abs(f(p.float_array(), q.float_array()) - float(e)) <= 1e-12
        assert abs(f(p, q.float_array()) - float(e)) <= 1e-12  # mixed: float


def test_infinite_off_support_never_nan():
    p = np.array([0.5, 0.5, 0.0])
    q = np.array([1.0, 0.0, 0.0])
    assert kl(p, q) == math.inf and chi2(p, q) == math.inf
    assert kl(q, p) == pytest.approx(math.log(2))
    assert tv(p, q) == 0.5
    pe = exact_array([Fraction(1, 2), Fraction(1, 2), 0], (3,))
    qe = exact_array([1, 0, 0], (3,))
    assert kl(pe, qe) == math.inf and chi2(pe, qe) == math.inf
    assert kl(qe, pe) == LogForm.log(2)
    # p = q = 0 entries count 0
    assert kl(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert chi2(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="shapes"):
        kl(np.full((2, 2), 0.25), np.full((4,), 0.25))
    with pytest.raises(ValueError, match="sums to"):
        tv(np.array([0.5, 0.6]), np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="negative"):
        chi2(np.array([0.5, 0.5]), np.array([1.5, -0.5]))


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10**6))
def test_inequalities(seed):
    p, q = pair(seed, support="any")
    d, t, c = kl(p, q), tv(p, q), chi2(p, q)
    assert d >= 0 and 0 <= t <= 1 and c >= 0
    assert float(t) <= math.sqrt(float(d) / 2) + 1e-15  # Pinsker
    assert float(d) <= math.log1p(float(c)) + 1e-15  # KL <= log(1 + chi2)
    assert kl(p, p) == 0 and tv(p, p) == 0 and chi2(p, p) == 0
