"""docs/theory.md §6 closed forms: symbolic derivations (sympy) and exact agreement with the engine."""

from fractions import Fraction

import pytest
import sympy as sp

from exactdlm.arith import LogForm

from . import closed_forms as cf
from .exactness import forms_equal, prime_exponents, sympy_to_logform

FAMILY_NAMES = sorted(cf.FAMILIES)


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_info_curve_derived_from_profile(name):
    """docs/theory.md §3/§6: Ī(t) = g(1) + g(t) - g(t+1) equals the claimed Ī on every piece, symbolic L, k."""
    residuals = cf.curve_residuals(cf.FAMILIES[name])
    assert residuals, "a family with no case would prove nothing"
    assert all(res == 0 for _, res in residuals), residuals


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_tc_dtc_identities_symbolic(name):
    """docs/theory.md §3: TC = L g(1) - g(L) = Σ Ī = claimed; DTC = Σ[Ī(L-1) - Ī]; Σ I = L Ī(L-1) = TC + DTC."""
    fam = cf.FAMILIES[name]
    assert cf.totals_agree(fam)
    for case in range(len(fam.generic)):
        d = cf.derived_totals(fam, case)
        assert sp.simplify(d["TC = sum Ibar"] - d["TC claimed"]) == 0
        assert sp.simplify(d["DTC = sum [Ibar(L-1) - Ibar]"] - d["DTC claimed"]) == 0


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_ekl_symbolic_block_sizes(name):
    """(E3) with symbolic block sizes gives the claimed EKL of docs/theory.md §6."""
    for case, derived, claimed in cf.ekl_symbolic(name):
        assert sp.simplify(derived - claimed) == 0, case


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_ekl_every_schedule_symbolic_parameters(name):
    """(E1) on the symbolic g equals the claimed EKL for every schedule of every L <= 10."""
    checked, failures = cf.ekl_all_schedules(name, max_L=10)
    n_schedules = sum(2 ** (L - 1) for L in range(2, 11))
    expected = sum((L - 1) * 2 ** (L - 1) for L in range(2, 11)) if name == "mds_code" else n_schedules
    assert checked == expected
    assert failures == []


@pytest.mark.parametrize(
    "name,index", [(name, i) for name in FAMILY_NAMES for i in range(len(cf.FAMILIES[name].instances))],
)
def test_closed_forms_equal_engine_exactly(name, index):
    """g, Ī, TC, DTC, Σ I and EKL of every schedule: closed form == exact engine (log-forms)."""
    result = cf.engine_check(name, index)
    assert all(result.values()), result


def test_wrong_closed_form_is_caught():
    """The comparisons have teeth: a claimed DTC of L log V for parity fails, symbolically and exactly."""
    fam = cf.FAMILIES["parity"]
    d = cf.derived_totals(fam)
    wrong = (cf.L * sp.log(cf.V)).subs(cf.L, 2 + cf.m)
    assert sp.simplify(d["DTC from g"] - wrong) != 0
    from exactdlm.engine.info import dual_total_correlation

    law = cf.parity_law(4, 2)
    assert not forms_equal(dual_total_correlation(law), LogForm.log(2, 4))
    assert forms_equal(dual_total_correlation(law), LogForm.log(2, 3))


@pytest.mark.parametrize("L", range(2, 13))
def test_noisy_repetition_identities_symbolic_eta(L):
    """docs/theory.md §6 noisy repetition: Ī = log 2 + h_t - h_{t+1} from g = h_t; TC, DTC, Σ I identities."""
    for what, res in cf.noisy_identities(L).items():
        assert sp.simplify(res) == 0, what


@pytest.mark.parametrize("L", range(2, 8))
def test_noisy_repetition_marginal_formula(L):
    """π_t(w) is the marginal of the joint law on any t positions, symbolic eta."""
    residuals = cf.noisy_marginal_residuals(L)
    assert len(residuals) == sum(t + 1 for t in range(1, L + 1))
    assert all(res == 0 for _, res in residuals)


def test_noisy_repetition_at_half_is_independent():
    """eta = 1/2 makes the bits independent: h_t = t log 2 and Ī ≡ 0 (docs/theory.md §6, independent positions)."""
    for t in range(7):
        assert sp.simplify(cf.h_sym(t).subs(cf.eta, sp.Rational(1, 2)) - t * sp.log(2)) == 0
    assert all(sp.simplify(v.subs(cf.eta, sp.Rational(1, 2))) == 0 for v in cf.noisy_curve(6))


@pytest.mark.parametrize("inst", cf.NOISY_INSTANCES, ids=lambda i: f"L{i['L']}-eta{i['eta']}")
def test_noisy_repetition_equals_engine_exactly(inst):
    result = cf.noisy_compare_with_engine(inst["L"], inst["eta"])
    assert all(result.values()), result


# --- the exact comparison itself ----------------------------------------------------------


def test_forms_equal_decides_by_prime_exponents():
    assert forms_equal(LogForm.log(4), LogForm.log(2, 2))
    assert forms_equal(LogForm.log(6), LogForm.log(2) + LogForm.log(3))
    assert forms_equal(LogForm.log(Fraction(9, 4), Fraction(1, 2)), LogForm.log(Fraction(3, 2)))
    assert not forms_equal(LogForm.log(6), LogForm.log(5))
    assert not forms_equal(LogForm.log(2, Fraction(1, 3)), LogForm.log(3, Fraction(1, 5)))  # close, not equal
    assert prime_exponents(LogForm.log(Fraction(12, 5), 2)) == {2: 4, 3: 2, 5: -2}


def test_sympy_to_logform():
    form = sympy_to_logform(3 * sp.log(5) - sp.Rational(1, 2) * sp.log(sp.Rational(3, 7)))
    assert forms_equal(form, LogForm.log(5, 3) - LogForm.log(Fraction(3, 7), Fraction(1, 2)))
    assert sympy_to_logform(sp.Integer(0)).is_trivially_zero()


@pytest.mark.parametrize("bad", [sp.log(cf.V), sp.sqrt(2) * sp.log(3), sp.log(sp.pi), sp.Integer(1)])
def test_sympy_to_logform_refuses_non_log_forms(bad):
    with pytest.raises(ValueError, match="rational|substitute|positive"):
        sympy_to_logform(bad)


def test_forms_equal_refuses_floats():
    with pytest.raises(ValueError, match="LogForm"):
        forms_equal(LogForm.log(2), 0.693)


def test_mds_law_refuses_bad_field():
    with pytest.raises(ValueError, match="prime q >= L"):
        cf.mds_law(5, 2, 4)
    with pytest.raises(ValueError, match="prime q >= L"):
        cf.mds_law(5, 2, 3)
