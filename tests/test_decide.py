"""Certified decisions: coprime bases, exact zero test, canonical forms, signs, compare_sides.

Oracles are independent of ``exactdlm.arith.decide``: zero tests against prime factorizations
(sympy ``factorint``, or integers built from known primes), signs and verdicts against
100-digit mpmath evaluations written out term by term.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exactdlm.arith import (
    Comparison,
    canonical,
    certified_sign,
    compare_sides,
    format_bounds,
    log_form_is_zero,
)
from exactdlm.arith.coprime import coprime_base, exponents_over_base
from exactdlm.arith import LogForm
from exactdlm.laws.joint import exact_array

# --- integers with known factorizations ---------------------------------------------------

SMALL = [2, 3, 5, 7, 11, 13, 97, 1021]
LARGE = [1031, 1033, 65537, 10**9 + 7, 2**61 - 1, 2**89 - 1]
assert all(sp.isprime(p) for p in SMALL + LARGE)
#: factorizations of random integers up to 10^6 (sympy), drawn as cofactors
COFACTORS = [{int(p): int(e) for p, e in sp.factorint(n).items()}
             for n in random.Random(11).sample(range(2, 10**6), 300)]


@st.composite
def known_ints(draw, large_power=3):
    """``(n, {p: e})``: small primes to any power, large primes to at most ``large_power``."""
    fac = {}
    for p in draw(st.lists(st.sampled_from(SMALL), max_size=4)):
        fac[p] = fac.get(p, 0) + draw(st.integers(1, 4))
    for p in draw(st.lists(st.sampled_from(LARGE), max_size=2, unique=True)):
        fac[p] = draw(st.integers(1, large_power))
    if draw(st.booleans()):  # a random cofactor, factored by sympy
        for p, e in draw(st.sampled_from(COFACTORS)).items():
            fac[p] = fac.get(p, 0) + e
    n = math.prod(p**e for p, e in fac.items())
    return n, fac


coefs = st.builds(Fraction, st.integers(-30, 30), st.integers(1, 12))


@st.composite
def known_forms(draw, large_power=3, max_terms=6):
    """``(form, terms, const, prime_totals)`` for ``const + sum c log(n/d)``."""
    terms, totals = [], {}
    for _ in range(draw(st.integers(0, max_terms))):
        (n, fn), (d, fd), c = draw(known_ints(large_power)), draw(known_ints(large_power)), draw(coefs)
        terms.append((Fraction(n, d), c))
        for p, e in fn.items():
            totals[p] = totals.get(p, 0) + c * e
        for p, e in fd.items():
            totals[p] = totals.get(p, 0) - c * e
    const = draw(coefs) if draw(st.booleans()) else Fraction(0)
    totals = {p: t for p, t in totals.items() if t}
    return LogForm(terms, const=const), terms, const, totals


@st.composite
def disguised_zeros(draw):
    """Forms that are exactly zero though no two arguments coincide."""
    z = LogForm()
    for _ in range(draw(st.integers(1, 4))):
        (a, _), (b, _), c = draw(known_ints()), draw(known_ints()), draw(coefs)
        assume(a > 1 and b > 1)
        kind = draw(st.sampled_from(["product", "power", "ratio"]))
        if kind == "product":  # log(ab) - log a - log b
            z = z + (LogForm.log(a * b) - LogForm.log(a) - LogForm.log(b)) * c
        elif kind == "power":  # (1/k) log(a^k) - log a
            k = draw(st.integers(2, 5))
            z = z + (LogForm.log(a**k, Fraction(1, k)) - LogForm.log(a)) * c
        else:  # log(a/b) - log a + log b
            z = z + (LogForm.log(Fraction(a, b)) - LogForm.log(a) + LogForm.log(b)) * c
    return z


def ref(terms, const=Fraction(0), dps=100):
    with mpmath.workdps(dps):
        total = mpmath.mpf(const.numerator) / const.denominator
        for r, c in terms:
            total += mpmath.mpf(c.numerator) / c.denominator * (mpmath.log(r.numerator) - mpmath.log(r.denominator))
        return total


def ref_form(f: LogForm, dps=100):
    return ref(list(f.terms.items()), f.const, dps)


def mp_sign(v, floor=mpmath.mpf(10) ** -90):
    return 0 if abs(v) <= floor else (1 if v > 0 else -1)


def parse_bounds(s: str) -> tuple[Fraction, Fraction]:
    a, b = s.strip("[]").split(", ")
    return Fraction(a), Fraction(b)


# --- coprime bases ------------------------------------------------------------------------


def test_coprime_base_examples():
    assert coprime_base([6]) == [6]
    assert coprime_base([12, 18]) == [2, 3]
    assert coprime_base([4]) == [4]
    assert coprime_base([4, 2]) == [2]
    p, q = 1031, 1033
    assert coprime_base([p * p * q, p * q]) == [p, q]
    assert coprime_base([p * q, p * 7, 35]) == [5, 7, p, q]
    assert coprime_base([10**9 + 7, 2**61 - 1]) == [10**9 + 7, 2**61 - 1]
    assert coprime_base([]) == []
    assert coprime_base(np.array([6, 10])) == [2, 3, 5]


@given(st.lists(known_ints(), min_size=1, max_size=8))
@settings(max_examples=60, deadline=None)
def test_coprime_base_properties(items):
    nums = [n for n, _ in items if n > 1]
    assume(nums)
    base = coprime_base(nums)
    assert all(b > 1 for b in base) and base == sorted(set(base))
    for i, a in enumerate(base):
        for b in base[i + 1 :]:
            assert math.gcd(a, b) == 1
    for n in nums:
        exps = exponents_over_base(n, base)
        assert math.prod(b**e for b, e in exps.items()) == n
    # every element comes from the inputs (divides one of them)
    assert all(any(n % b == 0 for n in nums) for b in base)
    # the order of the inputs does not matter
    shuffled = list(nums)
    random.Random(len(nums)).shuffle(shuffled)
    assert coprime_base(shuffled) == base


@given(st.lists(known_ints(), min_size=1, max_size=10), st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None)
def test_refinement_paths_agree(items, rnd):
    """The base does not depend on the order of insertion nor on the isolate-first shortcut."""
    from exactdlm.arith import coprime as decide  # the coprime-base machinery

    nums = sorted({n for n, _ in items if n > 1})
    assume(nums)
    base, fact = decide._factor_over_base(nums)
    shuffled = list(nums)
    rnd.shuffle(shuffled)
    assert sorted(decide._refine(shuffled)) == sorted(decide._refine(nums))
    old = decide._ISOLATE_BUDGET
    try:
        decide._ISOLATE_BUDGET = 0  # no isolate pass: everything through the refinement
        base2, fact2 = decide._factor_over_base(shuffled)
    finally:
        decide._ISOLATE_BUDGET = old
    assert base2 == base and fact2 == fact
    for m in nums:
        assert math.prod(b**e for b, e in fact[m].items()) == m


def test_exponents_over_base_of_rationals_and_errors():
    assert exponents_over_base(Fraction(12, 35), [2, 3, 5, 7]) == {2: 2, 3: 1, 5: -1, 7: -1}
    assert exponents_over_base(1, [2, 3]) == {}
    with pytest.raises(ValueError, match="does not factor over the base"):
        exponents_over_base(Fraction(11, 2), [2, 3])
    with pytest.raises(ValueError, match="pairwise coprime"):
        exponents_over_base(8, [2, 4])
    with pytest.raises(ValueError, match="positive rational"):
        exponents_over_base(0, [2])
    with pytest.raises(ValueError, match="positive rational"):
        exponents_over_base(2.5, [2])
    for bad in ([1], [0], [-3], [2.5], [True], ["6"]):
        with pytest.raises(ValueError, match="integers > 1"):
            coprime_base(bad)


# --- exact zero test ----------------------------------------------------------------------


def test_zero_in_disguise_examples():
    L = LogForm.log
    assert log_form_is_zero(L(12) - L(2, 2) - L(3))
    assert log_form_is_zero(L(Fraction(9, 4), Fraction(1, 2)) - L(Fraction(3, 2)))
    assert log_form_is_zero(L(1031**2 * 1033) - L(1031, 2) - L(1033))
    assert log_form_is_zero(L((2**61 - 1) ** 3, Fraction(1, 3)) - L(2**61 - 1))
    assert log_form_is_zero(LogForm()) and log_form_is_zero(0) and log_form_is_zero(Fraction(0))
    assert not log_form_is_zero(Fraction(1, 10**40))
    # a zero log part plus a nonzero constant is not zero
    assert not log_form_is_zero(L(12) - L(2, 2) - L(3) + Fraction(1, 10**30))
    for k in (10, 100, 1000):  # nonzero but tiny: log(1 + 2^-k) ~ 2^-k
        assert not log_form_is_zero(L(2**k + 1) - L(2**k))
        assert not log_form_is_zero((L(2**k + 1) - L(2, k)) * Fraction(1, 10**6))


@given(known_forms(), disguised_zeros())
@settings(max_examples=80, deadline=None)
def test_zero_test_matches_prime_factorization(kf, z):
    f, terms, const, totals = kf
    truth = const == 0 and not totals
    assert log_form_is_zero(z)
    assert log_form_is_zero(f) == truth
    assert log_form_is_zero(f + z) == truth
    assert log_form_is_zero(f - f) and log_form_is_zero(f + z - f)


def test_zero_test_against_sympy_factorint():
    rng = random.Random(7)
    for _ in range(40):
        terms = [(Fraction(rng.randint(1, 5000), rng.randint(1, 5000)), Fraction(rng.randint(-6, 6), rng.randint(1, 4)))
                 for _ in range(rng.randint(1, 6))]
        # close it to zero in the prime basis half the time: add the negated prime totals
        totals = {}
        for r, c in terms:
            for p, e in sp.factorint(r.numerator).items():
                totals[p] = totals.get(p, 0) + c * e
            for p, e in sp.factorint(r.denominator).items():
                totals[p] = totals.get(p, 0) - c * e
        f = LogForm(terms)
        if rng.random() < 0.5:
            f = f - LogForm([(int(p), t) for p, t in totals.items()])
            truth = True
        else:
            truth = all(t == 0 for t in totals.values())
        assert log_form_is_zero(f) == truth


# --- canonical forms ----------------------------------------------------------------------


@given(known_forms(large_power=1), disguised_zeros())
@settings(max_examples=60, deadline=None)
def test_canonical_is_the_prime_grouping(kf, z):
    """With squarefree parts above the small primes, canonical = primes grouped by coefficient."""
    f, terms, const, totals = kf
    groups = {}
    for p, t in totals.items():
        groups[t] = groups.get(t, 1) * p
    expect = {Fraction(b): t for t, b in groups.items()}
    for g in (f, f + z):
        c = canonical(g)
        assert c.terms == expect and c.const == const


@given(known_forms(), disguised_zeros())
@settings(max_examples=60, deadline=None)
def test_canonical_structure_value_and_idempotence(kf, z):
    f, terms, const, _ = kf
    c = canonical(f + z)
    args = [int(r) for r in c.terms]
    assert all(r.denominator == 1 and r > 1 for r in c.terms)
    for i, a in enumerate(args):
        assert not sp.perfect_power(a)
        for b in args[i + 1 :]:
            assert math.gcd(a, b) == 1
    assert len(set(c.terms.values())) == len(c.terms)
    assert log_form_is_zero(c - f)
    with mpmath.workdps(100):
        assert abs(ref_form(c) - ref(terms, const)) < mpmath.mpf(10) ** -80
    cc = canonical(c)
    assert cc.terms == c.terms and cc.const == c.const


def test_canonical_examples():
    L = LogForm.log
    assert canonical(L(2) + L(3)).terms == canonical(L(6)).terms == {Fraction(6): 1}
    assert canonical(L(4)).terms == {Fraction(2): 2}
    assert canonical(L(12) - L(2, 2) - L(3) + Fraction(1, 2)).terms == {}
    c = canonical(L(Fraction(12, 35), Fraction(1, 2)) + 1)
    assert c.const == 1 and c.terms == {Fraction(2): 1, Fraction(3): Fraction(1, 2), Fraction(35): Fraction(-1, 2)}
    assert str(c) == "1 + log(2) + 1/2*log(3) - 1/2*log(35)"
    with pytest.raises(ValueError, match="exact value"):
        canonical(0.5)
    with pytest.raises(ValueError, match="exact value"):
        log_form_is_zero("log 2")


# --- certified sign -----------------------------------------------------------------------


def test_certified_sign_tiny_values():
    L = LogForm.log
    for k in (10, 100, 1000, 3000):
        t = L(2**k + 1) - L(2**k)
        assert certified_sign(t) == 1 and certified_sign(-t) == -1
        assert certified_sign(t * Fraction(1, 10**6)) == 1
    t = L(2**5000 + 1) - L(2**5000)
    assert certified_sign(t) is None  # 2^-5000 is below 4096 bits
    assert certified_sign(t, max_prec=8192) == 1
    assert certified_sign(L(2**200 + 1) - L(2**200), max_prec=128) is None
    assert certified_sign(L(12) - L(2, 2) - L(3)) == 0
    assert certified_sign(L(12) - L(2, 2) - L(3) - Fraction(1, 10**50)) == -1
    assert certified_sign(Fraction(-3, 7)) == -1 and certified_sign(0) == 0
    assert certified_sign(L(2) - Fraction(69, 100)) == 1


def test_certified_sign_bad_input():
    for kw in ({"start_prec": 8}, {"max_prec": 2.5}, {"start_prec": 128, "max_prec": 64}, {"start_prec": True}):
        with pytest.raises(ValueError, match="prec"):
            certified_sign(LogForm.log(2), **kw)
    with pytest.raises(ValueError, match="exact value"):
        certified_sign(0.5)


@given(known_forms(), known_forms(), disguised_zeros())
@settings(max_examples=50, deadline=None)
def test_certified_sign_never_contradicts_mpmath(a, b, z):
    fa, ta, ca, _ = a
    fb, tb, cb, _ = b
    with mpmath.workdps(100):
        v = ref(ta, ca) - ref(tb, cb)
    s = certified_sign(fa - fb + z)
    assert s is not None
    if s == 0:
        assert log_form_is_zero(fa - fb)
    else:
        assert s == mp_sign(v)


# --- compare_sides ------------------------------------------------------------------------


L2 = LogForm.log(2)


def test_comparison_interface():
    c = compare_sides(L2, Fraction(7, 10))
    assert isinstance(c, Comparison)
    assert (c.outcome, c.certified, c.kind) == ("holds", True, "le")
    assert c.lhs == pytest.approx(math.log(2), rel=1e-15) and c.rhs == 0.7
    assert c.slack == pytest.approx(0.7 - math.log(2), rel=1e-14)
    assert c.ratio == pytest.approx(math.log(2) / 0.7, rel=1e-14)
    assert c.lhs_exact == "log(2)" and c.rhs_exact == "7/10"
    lo, hi = parse_bounds(c.lhs_interval)
    assert lo < Fraction(6931471805599453094, 10**19) < hi
    assert parse_bounds(c.rhs_interval) == (Fraction(7, 10), Fraction(7, 10))
    with pytest.raises(Exception):
        c.outcome = "violated"  # frozen
    g = compare_sides(L2, Fraction(7, 10), "ge")
    assert (g.outcome, g.certified) == ("violated", True) and g.slack == pytest.approx(math.log(2) - 0.7, rel=1e-14)
    e = compare_sides(L2, Fraction(7, 10), "eq")
    assert (e.outcome, e.certified) == ("violated", True) and e.slack < 0


def test_exact_vs_exact():
    L = LogForm.log
    z = L(12) - L(2, 2) - L(3)
    for kind in ("le", "ge", "eq"):
        c = compare_sides(L(6), L(2) + L(3) + z, kind)
        assert (c.outcome, c.certified, c.slack) == ("holds", True, 0.0)
    k = 300
    big, small = L(2**k + 1), L(2, k)
    c = compare_sides(big, small, "le")
    assert (c.outcome, c.certified) == ("violated", True)
    with mpmath.workdps(200):
        gap = mpmath.log(1 + mpmath.mpf(2) ** -k)
        assert abs(-c.slack - gap) <= gap * 1e-15  # slack from the exact difference, not lhs - rhs
    assert compare_sides(big, small, "ge").outcome == "holds"
    assert compare_sides(big, small, "eq").outcome == "violated"
    u = compare_sides(big, small, "ge", max_prec=128)
    assert (u.outcome, u.certified) == ("undecided", False)
    c = compare_sides(Fraction(1, 3), Fraction(1, 3), "eq")
    assert (c.outcome, c.certified) == ("holds", True)
    assert compare_sides(np.int64(2), 3).outcome == "holds"
    assert compare_sides(np.array(LogForm.log(3), dtype=object), 1, "ge").outcome == "holds"
    assert compare_sides(L2, 0, "le").ratio is None


def test_exact_identities_of_a_rational_law():
    """E1 (closed form) against per-pattern enumeration, and EKL <= TC, on a random rational law."""
    from exactdlm.engine.info import total_correlation
    from exactdlm.engine.sampler import expected_kl, expected_kl_enumerated

    rng = np.random.default_rng(3)
    w = rng.integers(1, 40, size=2**4)
    law = exact_array([Fraction(int(x), int(w.sum())) for x in w], (2,) * 4)
    for sizes in ((1, 3), (2, 2), (1, 1, 2)):
        e, en = expected_kl(law, sizes), expected_kl_enumerated(law, sizes)
        assert not (e - en).is_trivially_zero()  # different arguments, same value
        c = compare_sides(e, en, "eq")
        assert (c.outcome, c.certified) == ("holds", True)
        assert compare_sides(e, total_correlation(law)).outcome == "holds"
        assert compare_sides(e, e + Fraction(1, 10**30), "ge").outcome == "violated"


def test_float_sides_use_tolerances():
    c = compare_sides(1.0, 1.0 - 1e-13)
    assert (c.outcome, c.certified) == ("holds", False)  # within atol: not a violation
    assert compare_sides(1.0, 0.99).outcome == "violated"
    assert compare_sides(1e6, 1e6 * (1 - 1e-10)).outcome == "holds"  # within rtol
    assert compare_sides(1e6, 1e6 * (1 - 1e-8)).outcome == "violated"
    assert compare_sides(1.0, 0.99, float_atol=0.02).outcome == "holds"
    assert compare_sides(1e6, 1e6 * (1 - 1e-8), float_rtol=1e-7).outcome == "holds"
    assert compare_sides(0.1 + 0.2, 0.3, "eq").outcome == "holds"
    assert compare_sides(0.1, 0.3, "eq").outcome == "violated"
    assert compare_sides(0.3, 0.1, "ge").outcome == "holds"
    assert compare_sides(0.1, 0.3, "ge").outcome == "violated"
    c = compare_sides(np.float64(0.5), L2)
    assert (c.outcome, c.certified, c.lhs_exact, c.lhs_interval) == ("holds", False, None, None)
    assert c.rhs_exact == "log(2)" and c.rhs_interval is not None
    m = compare_sides(mpmath.mpf("0.693147180559945309417232121458"), L2, "eq")
    assert (m.outcome, m.certified) == ("holds", False)
    assert compare_sides(np.array(0.25), 0.5).outcome == "holds"
    assert compare_sides(float("inf"), 1.0).outcome == "violated"
    assert compare_sides(1.0, float("inf")).outcome == "holds"
    # float against an interval: the most favourable endpoint counts
    assert compare_sides(0.7, mpmath.iv.mpf([0.69, 0.71])).outcome == "holds"
    assert compare_sides(0.8, mpmath.iv.mpf([0.69, 0.71])).outcome == "violated"


def test_interval_sides():
    iv = mpmath.iv
    c = compare_sides(L2, iv.mpf([0.6, 0.65]), "ge")
    assert (c.outcome, c.certified) == ("holds", True)
    assert compare_sides(L2, iv.mpf([0.6, 0.65]), "le").outcome == "violated"
    u = compare_sides(L2, iv.mpf([0.6, 0.7]), "le")
    assert (u.outcome, u.certified) == ("undecided", False)
    assert compare_sides(iv.mpf([1, 2]), iv.mpf([3, 4])).outcome == "holds"
    assert compare_sides(iv.mpf([1, 2]), iv.mpf([3, 4]), "eq").outcome == "violated"
    assert compare_sides(iv.mpf([1, 2]), iv.mpf([2, 4])).outcome == "holds"  # touching: <= holds
    assert compare_sides(iv.mpf([1, 3]), iv.mpf([2, 4])).outcome == "undecided"
    assert compare_sides(iv.mpf(0.5), Fraction(1, 2), "eq").outcome == "holds"
    z = LogForm.log(12) - LogForm.log(2, 2) - LogForm.log(3) + Fraction(1, 2)  # = 1/2 in disguise
    assert compare_sides(z, iv.mpf(0.5), "eq").outcome == "holds"
    assert compare_sides(z, iv.mpf(0.5), "le").outcome == "holds"
    # a transcendental exact value never equals a (dyadic) point
    assert compare_sides(L2, L2.interval(64).a, "eq").outcome == "violated"
    # infinite endpoints
    assert compare_sides(L2, iv.mpf(["1", "inf"])).outcome == "holds"
    c = compare_sides(L2, iv.mpf(["-inf", "inf"]))
    assert c.outcome == "undecided" and c.rhs_interval == "[-inf, inf]"
    # a narrow interval forces the exact side to a higher precision
    k = 200
    t = LogForm.log(2**k + 1) - LogForm.log(2**k)
    with mpmath.workprec(400):
        eps = iv.mpf(mpmath.mpf(2) ** -(k + 1))
    assert compare_sides(t, eps, "ge").outcome == "holds"


@given(known_forms(), known_forms(), st.sampled_from([16, 40, 64, 128]), st.sampled_from(["le", "ge", "eq"]))
@settings(max_examples=50, deadline=None)
def test_interval_verdicts_never_contradict_mpmath(a, b, prec, kind):
    fa, ta, ca, _ = a
    fb, tb, cb, _ = b
    with mpmath.workdps(100):
        va, vb = ref(ta, ca), ref(tb, cb)
    for lhs, rhs in ((fa, fb.interval(prec)), (fa.interval(prec), fb.interval(prec))):
        c = compare_sides(lhs, rhs, kind)
        if c.outcome == "undecided":
            assert not c.certified
            continue
        assert c.certified
        d = mp_sign(va - vb, floor=0)
        truth = {"le": d <= 0, "ge": d >= 0, "eq": d == 0}[kind]
        assert (c.outcome == "holds") == truth
        for s, v in ((c.lhs_interval, va), (c.rhs_interval, vb)):
            lo, hi = parse_bounds(s)
            with mpmath.workdps(100):
                assert mpmath.mpf(lo.numerator) / lo.denominator <= v <= mpmath.mpf(hi.numerator) / hi.denominator


@given(known_forms(), known_forms(), disguised_zeros(), st.sampled_from(["le", "ge", "eq"]))
@settings(max_examples=50, deadline=None)
def test_exact_verdicts_match_mpmath(a, b, z, kind):
    fa, ta, ca, _ = a
    fb, tb, cb, _ = b
    c = compare_sides(fa, fb + z, kind)
    assert c.certified and c.outcome != "undecided"
    with mpmath.workdps(100):
        va, vb = ref(ta, ca), ref(tb, cb)
    d = 0 if log_form_is_zero(fa - fb) else mp_sign(va - vb, floor=0)
    assert (c.outcome == "holds") == {"le": d <= 0, "ge": d >= 0, "eq": d == 0}[kind]
    assert c.lhs_exact == str(canonical(fa)) and c.rhs_exact == str(canonical(fb + z))
    for s, v in ((c.lhs_interval, va), (c.rhs_interval, vb)):
        lo, hi = parse_bounds(s)
        with mpmath.workdps(100):
            assert mpmath.mpf(lo.numerator) / lo.denominator <= v <= mpmath.mpf(hi.numerator) / hi.denominator
    slack = {"le": vb - va, "ge": va - vb, "eq": -abs(va - vb)}[kind]
    with mpmath.workdps(100):
        assert abs(c.slack - slack) <= abs(slack) * 1e-14 + 1e-300


def test_compare_sides_bad_input():
    with pytest.raises(ValueError, match="kind must be one of"):
        compare_sides(1, 2, "lt")
    with pytest.raises(ValueError, match="NaN"):
        compare_sides(float("nan"), 1.0)
    with pytest.raises(ValueError, match="bool"):
        compare_sides(True, 1)
    with pytest.raises(ValueError, match="has type str"):
        compare_sides("0.5", 1)
    with pytest.raises(ValueError, match="has type complex"):
        compare_sides(1j, 1)
    with pytest.raises(ValueError, match="max_prec"):
        compare_sides(L2, 1, max_prec=32)
    with pytest.raises(ValueError, match="float_rtol"):
        compare_sides(0.5, 1.0, float_rtol=-1e-9)
    with pytest.raises(ValueError, match="float_atol"):
        compare_sides(0.5, 1.0, float_atol=float("inf"))
    with pytest.raises(ValueError, match="NaN endpoint"):
        compare_sides(mpmath.iv.make_mpf((mpmath.libmp.fnan, mpmath.libmp.fnan)), 1)


# --- printing of enclosures ---------------------------------------------------------------


@given(st.fractions(), st.fractions(min_value=0, max_value=10))
@settings(max_examples=60, deadline=None)
def test_format_bounds_round_outward(x, w):
    lo, hi = x, x + w * Fraction(1, 10**12)
    plo, phi = parse_bounds(format_bounds(lo, hi))
    assert plo <= lo and hi <= phi
    if w:  # enough digits to show the width
        assert phi - plo <= 2 * (hi - lo) + abs(hi) * Fraction(1, 10**15)


def test_format_bounds_examples():
    assert format_bounds(Fraction(1, 2), Fraction(1, 2)) == "[0.5, 0.5]"
    assert format_bounds(Fraction(0), Fraction(0)) == "[0, 0]"
    s = format_bounds(Fraction(1, 10**30), Fraction(2, 10**30))
    assert "e-30" in s and parse_bounds(s) == (Fraction(1, 10**30), Fraction(2, 10**30))
    assert format_bounds(float("-inf"), Fraction(1)) == "[-inf, 1]"


@given(st.integers(2, 10**40), st.sampled_from([2, 3, 5, 7, 13, 31, 97, 211, 1021]), st.integers(-3, 3))
@settings(max_examples=200, deadline=None)
def test_integer_root_is_the_floor_root(a, k, delta):
    from exactdlm.arith.decide import _iroot

    n = max(1, a**k + delta)
    x = _iroot(n, k)
    assert x**k <= n < (x + 1) ** k


BIG_PRIMES = [1031, 1033, 1039, 1049, 1051, 1061, 1063, 1069, 10007, 1000003]


@given(st.lists(st.sampled_from(BIG_PRIMES), min_size=1, max_size=3),
       st.lists(st.sampled_from([2, 3, 5, 7, 11, 13]), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_perfect_root_finds_every_power_past_the_residue_screen(factors, ks):
    import math

    from exactdlm.arith.decide import _perfect_root

    a = math.prod(factors)  # free of primes below 1024, as the canonical form's cofactors are
    k = math.prod(ks)
    b, k_found = _perfect_root(a**k)
    assert b**k_found == a**k and k_found % k == 0  # a itself may be a power: k_found is a multiple
    assert _perfect_root(a**k * 1033 + 1)[0] ** _perfect_root(a**k * 1033 + 1)[1] == a**k * 1033 + 1
