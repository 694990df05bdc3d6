"""LogAtom: a value held as its own integer form and used as one term (docs/theory.md §7, "Atoms").

Atoms must change nothing but speed: every value, sign, zero decision and printed form of a
combination of atoms equals that of the same combination of the plain forms, and every
enclosure contains an independent 100-digit evaluation.
"""

from __future__ import annotations

import pickle
from fractions import Fraction

import mpmath
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.arith import LogForm, canonical, certified_sign, compare_sides
from exactdlm.arith.fixed import LogAtom, enclosure, expand_atoms
from exactdlm.arith.logform import integer_form

from test_exact import coefs, forms, ref


def _atom_sum(pairs):
    """``sum_i k_i atom(f_i)`` and the same sum of the plain forms."""
    atoms, plain = LogForm(), LogForm()
    for (form, _terms, _const), k in pairs:
        atoms = atoms + LogForm.atom(form) * k
        plain = plain + form * k
    return atoms, plain


pairs = st.lists(st.tuples(forms(), coefs), min_size=1, max_size=4)


@given(pairs)
@settings(max_examples=60, deadline=None)
def test_combinations_of_atoms_equal_the_plain_combination(ps):
    atoms, plain = _atom_sum(ps)
    assert (atoms - plain) == 0
    assert certified_sign(atoms - plain) == 0
    assert certified_sign(atoms) == certified_sign(plain)
    assert str(atoms) == str(plain) == str(canonical(plain))
    assert float(atoms) == float(plain)
    with mpmath.workdps(100):
        want = sum((ref(t, c) * (mpmath.mpf(k.numerator) / k.denominator) for (_f, t, c), k in ps), mpmath.mpf(0))
    for prec in (16, 64, 256):
        lo, hi = atoms.bounds(prec)
        with mpmath.workdps(100):
            slack = mpmath.mpf(2) ** -300  # the 100-digit reference's own rounding (a rational sum sits on an end)
            assert mpmath.mpf(lo.numerator) / lo.denominator - slack <= want
            assert want <= mpmath.mpf(hi.numerator) / hi.denominator + slack


@given(forms(), st.sampled_from([16, 53, 64, 100, 333, 1024]))
@settings(max_examples=60, deadline=None)
def test_atom_enclosure_is_at_most_three_units_and_contains_the_value(f, prec):
    form, terms, const = f
    A, C, D = integer_form((form, 1))
    if not A:
        return
    atom = LogAtom(A, C, D)
    lo, hi = atom.fixed(prec)
    assert hi - lo <= 3
    with mpmath.workdps(prec // 3 + 60):
        v = ref(terms, const, dps=prec // 3 + 60) * mpmath.mpf(2) ** prec
        assert lo <= v <= hi


def test_nested_atoms_expand_to_the_same_integer_form():
    a = LogForm.log(Fraction(3, 2), Fraction(1, 3)) + Fraction(1, 5)
    b = LogForm.log(7, -2) + LogForm.log(Fraction(5, 4))
    inner = LogForm.atom(a) * 3 + LogForm.atom(b)
    outer = LogForm.atom(inner) - 3 * a - b
    A, C, _D = integer_form((outer, 1))
    flat, C2, M = expand_atoms(A, C)
    assert M > 0 and not flat and C2 == 0
    assert outer == 0 and LogForm.atom(inner) == inner


def test_a_zero_value_with_a_nonzero_outer_constant_is_decided_zero():
    # the outer form is atom(log 2 + 1) - log 2 - 1: its own constant is -1, its value 0; the
    # Baker shortcut (a nonzero constant plus logs is never 0) must not apply through atoms
    x = LogForm.atom(LogForm.log(2) + 1) - LogForm.log(2) - 1
    assert x.const == -1
    assert x == 0 and certified_sign(x) == 0
    assert compare_sides(LogForm.atom(LogForm.log(2) + 1), LogForm.log(2) + 1, "eq").outcome == "holds"
    y = LogForm.atom(LogForm.log(2) + 1) - LogForm.log(2)
    assert y != 0 and certified_sign(y - 1) == 0 and certified_sign(y - Fraction(99, 100)) == 1


def test_atoms_of_rationals_are_rationals_and_an_atom_is_not_rewrapped():
    assert LogForm.atom(Fraction(3, 7)).terms == {} and LogForm.atom(Fraction(3, 7)) == Fraction(3, 7)
    a = LogForm.atom(LogForm.log(5))
    assert LogForm.atom(a) is a


def test_atoms_survive_pickling_and_keep_sharing():
    a = LogForm.atom(LogForm.log(Fraction(10, 3), Fraction(2, 7)))
    x, y = pickle.loads(pickle.dumps((a * 2, a + 1)))
    assert (x - 2 * (y - 1)) .terms == {}  # the same atom object on both sides after loading
    assert x == a * 2


def test_raw_printing_and_repr_show_the_expanded_value():
    a = LogForm.log(Fraction(3, 2), Fraction(1, 3)) + Fraction(1, 5)
    at = LogForm.atom(a)
    assert at.to_str(raw=True) == canonical(a).to_str(raw=True)
    assert "const='1/5'" in repr(at)
    assert at.in_base(2).to_str() == a.in_base(2).to_str()


def test_enclosure_of_a_form_over_atoms_matches_its_expansion():
    a = LogForm.atom(LogForm.log(Fraction(10**30 + 7, 3), Fraction(5, 11)))
    b = LogForm.atom(LogForm.log(13, Fraction(-1, 2)) + Fraction(1, 9))
    form = a * 7 - b * Fraction(3, 4)
    A, C, D = integer_form((form, 1))
    flat, C2, M = expand_atoms(A, C)
    for prec in (64, 200):
        lo, hi = enclosure(A, C, prec)
        lo2, hi2 = enclosure(flat, C2, prec)
        # the same value: the two enclosures (of D v and of D M v) overlap once scaled
        assert lo * M <= hi2 and lo2 <= hi * M


def test_log_part_of_an_atom_drops_the_constant_inside_it():
    a = LogForm.atom(LogForm.log(3) + Fraction(1, 2))
    assert a.const == 0  # the constant lives inside the atom
    assert a.log_part() == LogForm.log(3)
    assert a - a.log_part() == Fraction(1, 2)
