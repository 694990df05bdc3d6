"""The independent re-derivations here against the package's own constructors and deciders.

proofs_checks builds its laws, schedule rules and cut-point expectations itself (docs/theory.md §5,
§6, (E4)); these tests compare them with ``exactdlm.families``, ``exactdlm.schedules``,
``exactdlm.structured`` and ``exactdlm.arith.decide`` (``LogForm ==``), so each side checks the other.
"""

from fractions import Fraction

import pytest
import sympy as sp

from exactdlm.laws import families
from exactdlm import schedules
from exactdlm.arith import LogForm
from exactdlm.engine.info import entropy_profile, total_correlation

from . import closed_forms as cf
from . import geometric as ge
from . import lc_constants as lc
from . import zc
from .exactness import forms_equal, sympy_to_logform


@pytest.mark.parametrize("ours,theirs", [
    (lambda: cf.repeated_symbol_law(4, 3), lambda: families.repeated_symbol(4, 3)),
    (lambda: cf.parity_law(5), lambda: families.parity(5)),
    (lambda: cf.parity_law(3, 3), lambda: families.parity(3, 3)),
    (lambda: cf.mds_law(5, 2, 5), lambda: families.mds_code(5, 2, 5)),
    (lambda: cf.mds_law(4, 3, 5), lambda: families.mds_code(4, 3, 5)),
    (lambda: cf.noisy_repetition_law(5, Fraction(1, 10)), lambda: families.noisy_repetition(5, Fraction(1, 10))),
    (lambda: cf.iid_law(4, [Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)]),
     lambda: families.iid(4, [Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)])),
], ids=["repeated", "parity2", "parity3", "mds52", "mds43", "noisy", "iid"])
def test_laws_equal_exactdlm_families(ours, theirs):
    a, b = ours(), theirs()
    assert b.exact and a == b


RHOS = [r for r in ge.RHO_GRID if r <= 1]


@pytest.mark.parametrize("rho", RHOS, ids=str)
def test_schedules_equal_exactdlm_constructors(rho):
    """G-DTC, G-TC, G-MIN of exactdlm.schedules equal the rules re-derived here (every L <= 120)."""
    for L in range(1, 121):
        assert schedules.geometric_dtc(L, rho) == ge.rule_schedule("dtc", L, rho)
        assert schedules.geometric_tc(L, rho) == ge.rule_schedule("tc", L, rho)
        assert schedules.two_sided(L, rho) == ge.rule_schedule("min", L, rho)


@pytest.mark.slow
def test_schedule_step_counts_every_L():
    """exactdlm's G-DTC / G-TC at every L <= 4096 (two ρ) and G-MIN at every L <= 300 have the step
    counts swept here, so the step-count bounds checked in test_geometric hold for them too."""
    for rho in (Fraction(1, 10), Fraction(1, 2)):
        nD, nT = ge.step_counts("dtc", rho), ge.step_counts("tc", rho)
        for L in range(1, 4097):
            assert len(schedules.geometric_dtc(L, rho)) == nD[L - 1]
            assert len(schedules.geometric_tc(L, rho)) == nT[L - 1]
    nM = ge.step_counts("min", Fraction(1, 10))
    assert all(len(schedules.two_sided(L, Fraction(1, 10))) == nM[L - 1] for L in range(1, 301))


def test_balanced_smax():
    for L in range(1, 80):
        for K in range(1, L + 1):
            sizes = schedules.balanced(L, K)
            assert len(sizes) == K and max(sizes) == lc.balanced_smax(L, K)


@pytest.mark.parametrize("w", ["tc", "dtc", "uniform"])
def test_cut_point_expected_N_equals_exactdlm(w):
    """(E4) E[N_j] here (closed sum) == exactdlm.schedules.expected_N(CutPoints) (a chain DP), exactly."""
    for L in (2, 3, 6, 11):
        for K in (1, 2, 3, 8):
            assert schedules.expected_N(schedules.CutPoints(L, K, w)) == zc.expected_N(L, K, zc.weights(L, w))


def test_forms_equal_agrees_with_logform_eq():
    """forms_equal (prime factorization) and LogForm == (exactdlm.arith.decide, coprime base) agree."""
    law = cf.noisy_repetition_law(5, Fraction(1, 10))
    g = entropy_profile(law)
    closed = [sympy_to_logform(cf.h_sym(x).subs(cf.eta, sp.Rational(1, 10))) for x in range(6)]
    pairs = [(a, b) for a in g for b in closed] + [(LogForm.log(4), LogForm.log(2, 2)),
                                                  (total_correlation(law), LogForm.log(2))]
    seen = set()
    for a, b in pairs:
        verdict = forms_equal(a, b)
        assert verdict == (a == b)
        seen.add(verdict)
    assert seen == {True, False}


def test_noisy_repetition_beyond_the_lattice():
    """g = h_t (docs/theory.md §6) against exactdlm.structured's count engine at L = 24 (no lattice), exactly."""
    from exactdlm import structured

    L, eta = 24, Fraction(1, 10)
    g = structured.noisy_repetition(L, eta)._exact_profile()
    for t in (0, 1, 2, 7, 12, 23, 24):
        assert forms_equal(g[t], sympy_to_logform(cf.h_sym(t).subs(cf.eta, sp.Rational(1, 10))))
