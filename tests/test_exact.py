"""LogForm: rational constant part, arithmetic, certified fixed-point evaluation, printing.

Every float or interval result is checked against an independent 100-digit mpmath
evaluation of ``const + sum c log r`` written out term by term.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import math

from exactdlm.arith import LogForm, canonical, to_logform
from exactdlm.arith.fixed import approx_value, enclosure, log_fixed
from exactdlm.arith.logform import integer_form

# --- strategies and the reference evaluation ------------------------------------------

ints = st.one_of(st.integers(1, 60), st.integers(1, 10**6), st.integers(1, 10**30))
rationals = st.builds(Fraction, ints, ints)
coefs = st.builds(Fraction, st.integers(-40, 40), st.integers(1, 24))


@st.composite
def forms(draw, max_terms=8, with_const=True):
    terms = draw(st.lists(st.tuples(rationals, coefs), max_size=max_terms))
    const = draw(coefs) if with_const and draw(st.booleans()) else Fraction(0)
    return LogForm(terms, const=const), terms, const


def ref(terms, const=Fraction(0), dps=100):
    """``const + sum c log r`` at ``dps`` digits, term by term (independent of LogForm)."""
    with mpmath.workdps(dps):
        total = mpmath.mpf(const.numerator) / const.denominator
        for r, c in terms:
            r, c = Fraction(r), Fraction(c)
            total += mpmath.mpf(c.numerator) / c.denominator * (mpmath.log(r.numerator) - mpmath.log(r.denominator))
        return total


def iv_ends(x) -> tuple[Fraction, Fraction]:
    """The endpoints of an ``mpmath.iv`` interval as exact rationals."""
    return tuple(Fraction(*mpmath.libmp.to_rational(t)) for t in x._mpi_)


# --- constant part and arithmetic -------------------------------------------------------


def test_constant_part_arithmetic_and_values():
    L2 = LogForm.log(2)
    f = L2 + Fraction(1, 3)
    assert f.const == Fraction(1, 3) and f.terms == {Fraction(2): Fraction(1)}
    assert (Fraction(1, 3) + L2).const == Fraction(1, 3)
    g = 1 - L2
    assert g.const == 1 and g.terms == {Fraction(2): Fraction(-1)}
    h = (L2 - 2) * Fraction(3, 2)
    assert h.const == -3 and h.terms == {Fraction(2): Fraction(3, 2)}
    k = h / 3
    assert k.const == -1 and k.terms == {Fraction(2): Fraction(1, 2)}
    assert (-f).const == Fraction(-1, 3)
    assert (f * 0).is_trivially_zero()
    assert LogForm.rational(Fraction(5, 7)).const == Fraction(5, 7)
    assert f.log_part().const == 0 and f.log_part().terms == f.terms
    with mpmath.workdps(60):
        assert abs(f.mpf(50) - (mpmath.log(2) + mpmath.mpf(1) / 3)) < mpmath.mpf(10) ** -48
        assert abs(g.mpf(50) - (1 - mpmath.log(2))) < mpmath.mpf(10) ** -48
    assert float(h) == pytest.approx(1.5 * 0.6931471805599453 - 3, rel=1e-15)


def test_copy_is_independent_and_adding_zero_keeps_value():
    f = LogForm.log(Fraction(3, 2), Fraction(1, 4)) + Fraction(1, 2)
    g = f.copy()
    g._add_term(Fraction(5), Fraction(1))
    g.const += 1
    assert Fraction(5) not in f.terms and f.const == Fraction(1, 2)
    assert (f + 0).terms == f.terms and (f - 0).const == f.const and (0 - f).const == -f.const


def test_terms_merge_and_inverse_arguments():
    f = LogForm([(Fraction(2, 3), 1), (Fraction(3, 2), 1)])
    assert f.terms == {} and f.is_trivially_zero()
    g = LogForm([(Fraction(1, 4), Fraction(1, 2))])
    assert g.terms == {Fraction(4): Fraction(-1, 2)}
    assert not (LogForm() + 1).is_trivially_zero()


@given(forms(), forms(), coefs)
@settings(max_examples=40, deadline=None)
def test_arithmetic_matches_reference(a, b, k):
    fa, ta, ca = a
    fb, tb, cb = b
    tol = mpmath.mpf(10) ** -40
    with mpmath.workdps(100):
        va, vb = ref(ta, ca), ref(tb, cb)
        assert abs((fa + fb).mpf(60) - (va + vb)) <= tol * (1 + abs(va) + abs(vb))
        assert abs((fa - fb).mpf(60) - (va - vb)) <= tol * (1 + abs(va) + abs(vb))
        assert abs((fa * k).mpf(60) - va * k.numerator / k.denominator) <= tol * (1 + abs(va) * 40)
        assert abs((fa + k).mpf(60) - (va + mpmath.mpf(k.numerator) / k.denominator)) <= tol * (1 + abs(va) + 40)
        assert abs((k - fa).mpf(60) - (mpmath.mpf(k.numerator) / k.denominator - va)) <= tol * (1 + abs(va) + 40)


def test_bad_input():
    with pytest.raises(ValueError, match="non-positive"):
        LogForm.log(0)
    with pytest.raises(ValueError, match="non-positive"):
        LogForm.log(Fraction(-1, 2))
    with pytest.raises(TypeError, match="rational"):
        LogForm.log(2, 0.5)
    with pytest.raises(TypeError, match="rational"):
        LogForm(const=0.5)
    with pytest.raises(ZeroDivisionError):
        LogForm.log(2) / 0
    with pytest.raises(TypeError):
        LogForm.log(2) + 0.5
    with pytest.raises(TypeError):
        LogForm.log(2) * LogForm.log(3)
    with pytest.raises(TypeError, match="not an exact log-form"):
        to_logform(0.5)
    assert to_logform(Fraction(1, 2)).const == Fraction(1, 2)


# --- certified evaluation ---------------------------------------------------------------


@given(ints, st.sampled_from([16, 53, 64, 200, 1000]))
@settings(max_examples=60, deadline=None)
def test_log_fixed_encloses(n, prec):
    lo, hi = log_fixed(n, prec)
    assert hi - lo == (0 if n == 1 else 3)
    with mpmath.workprec(prec + 128):
        v = mpmath.log(n) * mpmath.mpf(2) ** prec
        assert lo <= v <= hi


@given(forms())
@settings(max_examples=50, deadline=None)
def test_integer_form_reconstructs_value(a):
    f, terms, const = a
    A, C, D = integer_form((f, 1))
    assert all(n >= 2 and c != 0 for n, c in A.items())
    with mpmath.workdps(100):
        v = (mpmath.mpf(C) + sum(c * mpmath.log(n) for n, c in A.items())) / D
        assert abs(v - ref(terms, const)) < mpmath.mpf(10) ** -80
    # a difference of a form with itself is exactly empty
    A2, C2, _ = integer_form((f, 1), (f, -1))
    assert A2 == {} and C2 == 0


@given(forms(), st.sampled_from([16, 64, 128, 512]))
@settings(max_examples=50, deadline=None)
def test_bounds_and_interval_contain_the_value(a, prec):
    f, terms, const = a
    lo, hi = f.bounds(prec)
    iv = f.interval(prec)
    dps = prec // 3 + 60  # the reference resolves far below the enclosure's width
    with mpmath.workdps(dps):
        v = ref(terms, const, dps)
        assert mpmath.mpf(lo.numerator) / lo.denominator <= v <= mpmath.mpf(hi.numerator) / hi.denominator
        a_, b_ = iv_ends(iv)
        assert a_ <= lo and hi <= b_
    # the enclosure is as narrow as promised: (sum_n |A_n|) * 3 units of 2^-prec, over D
    A, _, D = integer_form((f, 1))
    assert hi - lo <= Fraction(3 * sum(abs(x) for x in A.values()), D << prec)


@given(forms())
@settings(max_examples=50, deadline=None)
def test_float_and_mpf_are_accurate(a):
    f, terms, const = a
    with mpmath.workdps(100):
        v = ref(terms, const)
        x = float(f)
        if abs(v) > mpmath.mpf(10) ** -90:
            assert abs(x - v) <= abs(v) * 2.0**-52
            assert abs(f.mpf(40) - v) <= abs(v) * mpmath.mpf(10) ** -39
        m = approx_value(*integer_form((f, 1)), 100)
        assert abs(mpmath.mpf(m.numerator) / m.denominator - v) <= abs(v) * mpmath.mpf(2) ** -99 + mpmath.mpf(10) ** -95


def test_zero_in_disguise_evaluates_to_exact_zero():
    z = LogForm.log(12) - LogForm.log(2, 2) - LogForm.log(3)
    assert not z.is_trivially_zero()
    assert float(z) == 0.0 and z.mpf(30) == 0
    lo, hi = z.bounds(64)
    assert lo <= 0 <= hi
    # a tiny but nonzero value is resolved to full relative accuracy
    k = 300
    t = LogForm.log(2**k + 1) - LogForm.log(2**k)
    with mpmath.workdps(200):
        v = mpmath.log(mpmath.mpf(2) ** k + 1) - k * mpmath.log(2)
        assert abs(float(t) - v) <= v * 2.0**-52
    A, C, _ = integer_form((t, 1))
    lo, hi = enclosure(A, C, 64)
    assert lo <= 0 <= hi  # 64 bits cannot see it; float() raised the precision


# --- comparisons, equality, printing ----------------------------------------------------


def test_equality_and_ordering_with_rationals():
    L2 = LogForm.log(2)
    assert LogForm.log(4) == 2 * L2
    assert LogForm.log(Fraction(9, 4), Fraction(1, 2)) == LogForm.log(Fraction(3, 2))
    assert L2 != LogForm.log(3)
    assert L2 < 1 and L2 > Fraction(69, 100) and L2 <= Fraction(7, 10) and L2 >= Fraction(693, 1000)
    assert L2 - L2 == 0 and (L2 + Fraction(1, 2)) - L2 == Fraction(1, 2)
    assert (L2 == 0.5) is False  # floats are never equal to an exact form


def test_str_is_readable():
    assert str(LogForm()) == "0"
    assert str(LogForm(const=Fraction(1, 2))) == "1/2"
    assert str(LogForm.log(2)) == "log(2)"
    assert str(-LogForm.log(2)) == "-log(2)"
    f = LogForm({Fraction(3, 2): Fraction(1, 4), Fraction(2): -1}, const=Fraction(1, 2))
    assert f.to_str(raw=True) == format(f, "raw") == "1/2 + 1/4*log(3/2) - log(2)"
    assert str(f) == "1/2 - 5/4*log(2) + 1/4*log(3)"  # canonical by default: over a coprime base
    g = LogForm({Fraction(7): 3, Fraction(5): Fraction(-2, 3)})
    assert str(g) == "-2/3*log(5) + 3*log(7)"


def test_str_is_canonical_by_default():
    assert str(LogForm.log(81)) == "4*log(3)"
    assert LogForm.log(81).to_str(raw=True) == "log(81)"
    assert str(LogForm({2: -3, 4: 2})) == "log(2)"
    assert str(LogForm({2: 1, 3: 1})) == "log(6)"  # equal coefficients merge into one product
    assert f"{LogForm.log(2):.4f}" == "0.6931"


def test_forms_in_bits_stay_exact():
    h = LogForm.log(2).in_base(2)  # H of a fair bit
    assert h.base == 2 and str(h) == "1" and float(h) == 1.0 and h == 1
    x = (LogForm.log(3) + LogForm.log(8) * Fraction(1, 2)).in_base(2)
    assert str(x) == "3/2 + log2(3)"
    assert abs(float(x) - (1.5 + math.log2(3))) <= 1e-15
    assert x.nats() == LogForm.log(3) + LogForm.log(8) / 2
    assert (x + 1).nats() == x.nats() + LogForm.log(2)  # a rational added in bits counts in bits
    assert x - x == 0 and (x * 2).base == 2 and (-x).base == 2
    assert x > Fraction(3) and x < 4  # 3/2 + 1.585
    lo, hi = x.bounds(64)
    assert lo <= x.exact_value(120) <= hi and hi - lo < Fraction(1, 2**50)
    assert abs(x.exact_value(120) - (Fraction(3, 2) + Fraction(math.log2(3)))) < Fraction(1, 2**50)
    assert str(LogForm(const=1).in_base(2)) == "1/log(2)"
    with pytest.raises(ValueError, match="base 2 with one in nats"):
        x + LogForm.log(3)
    with pytest.raises(ValueError, match="in nats"):
        canonical(x)


@pytest.mark.parametrize("bad", [1, 0, -2, "2", 0.5, float("nan"), True, None.__class__])
def test_bad_base_is_one_line(bad):
    with pytest.raises(ValueError, match="base must be"):
        LogForm.log(2).in_base(bad)


@given(forms())
@settings(max_examples=30, deadline=None)
def test_repr_round_trips(a):
    f, _, _ = a
    g = eval(repr(f), {"LogForm": LogForm})
    assert g.terms == f.terms and g.const == f.const


def test_pickle_and_deepcopy_keep_terms_and_constant():
    import copy
    import pickle

    f = LogForm.log(Fraction(3, 2), Fraction(1, 4)) + Fraction(1, 2)
    for g in (pickle.loads(pickle.dumps(f)), copy.deepcopy(f)):
        assert g.terms == f.terms and g.const == f.const and g is not f


def test_forms_with_integers_past_python_digit_limit_print_in_full():
    import sys

    before = sys.get_int_max_str_digits()
    x = LogForm.log(Fraction(3**9000, 2**7), Fraction(1, 7**6000))  # 5,071 digits, over the 4,300 default
    text, raw = str(x), repr(x)
    assert sys.get_int_max_str_digits() == before  # the guard is back after printing
    sys.set_int_max_str_digits(0)
    try:
        den = str(7**6000)
    finally:
        sys.set_int_max_str_digits(before)
    assert den in text and den in raw
