"""G-DTC, G-TC, G-MIN and CCL-1.9 (docs/theory.md §5): identities, per-block inequalities, step counts."""

from fractions import Fraction
from math import ceil, log

import mpmath
import numpy as np
import pytest

from exactdlm.engine.info import dual_total_correlation, ekl_from_profile, entropy_profile, total_correlation

from . import geometric as ge
from .closed_forms import mds_law, noisy_repetition_law, parity_law, repeated_symbol_law
from .exactness import certified_le, forms_equal

RHOS_SMALL = ("1/10", "1/4", "1/3", "1/2", "1", "2")


@pytest.mark.parametrize("L", range(1, 10))
def test_e1_to_e4_identities_symbolic(L):
    """(E1)=(E2)=(E3)=(E4), TC = Σ (L-j)ΔĪ(j), DTC = Σ j ΔĪ(j): symbolic g, every schedule of L."""
    assert ge.e_identities(L) == []


def test_per_block_inequalities_symbolic():
    res = ge.per_block_symbolic()
    assert len(res) >= 15 and all(res.values()), [k for k, v in res.items() if not v]


def test_ccl_inequalities_symbolic():
    assert all(ge.ccl_symbolic().values())


@pytest.mark.parametrize("rule", ["dtc", "tc", "min", "lbmin"])
def test_literal_greedy_is_the_closed_form_rule(rule):
    """'grow the block while every token meets its budget' == the rule b = a + 1 + floor(ρ f(a+1))."""
    for L in range(1, 31):
        for rho in RHOS_SMALL:
            sizes = ge.greedy_schedule(rule, L, rho)
            assert sizes == ge.rule_schedule(rule, L, rho)
            assert len(sizes) == ge.step_counts(rule, Fraction(rho), 40)[L - 1]
            assert sum(sizes) == L and min(sizes) >= 1


@pytest.mark.parametrize("rule", ["dtc", "tc", "min", "lbmin"])
def test_rule_meets_its_budget_and_no_block_can_grow(rule):
    for L in range(2, 41):
        for rho in RHOS_SMALL:
            sizes = ge.rule_schedule(rule, L, rho)
            assert ge.max_ratio(sizes, rule) <= Fraction(rho)
            t = np.cumsum(sizes)
            for k in range(len(sizes) - 1):  # move the next token into block k: the budget breaks
                grown = list(sizes)
                grown[k] += 1
                grown[k + 1] -= 1
                grown = tuple(s for s in grown if s)
                assert ge.max_ratio(grown, rule) > Fraction(rho), (L, rho, sizes, k, t)


@pytest.mark.parametrize("rule", ["dtc", "tc", "min", "lbmin"])
def test_greedy_has_fewest_steps(rule):
    """Shortest path over knots (literal budget check) == greedy count: no schedule with fewer steps."""
    for L in (1, 2, 5, 9, 16, 27):
        for rho in ("1/10", "1/3", "1", "2"):
            assert ge.min_steps_search(rule, L, rho) == len(ge.rule_schedule(rule, L, rho))


def test_one_step_breaks_every_budget():
    for rule in ("dtc", "tc", "min"):
        assert ge.max_ratio((10,), rule) > Fraction(1, 2)


@pytest.mark.slow
@pytest.mark.parametrize("rho", ge.RHO_GRID, ids=str)
def test_step_count_bounds_every_L(rho):
    """Every L <= 4096: G-DTC in [lower_D, ceil(ln(L+1)/ln(1+ρ))], G-TC in [lower_T, U_T], G-MIN <= U_M,
    and G-MIN >= the greedy count under the necessary budget ρ min(j, L-j) >= max(G-DTC, G-TC)."""
    res = ge.sweep(rho)
    for key in ge.CLAIMED_ZERO:
        assert res[key] == 0, key


def test_g_dtc_bound_is_loose_for_small_rho():
    """The catalogue's bound is not a lower bound: at ρ = 1/100 G-DTC uses far fewer steps."""
    res = ge.sweep(Fraction(1, 100))
    nD, UD = res["G-DTC, G-TC, G-MIN at max L"][0], res["U_D, U_T, U_M at max L"][0]
    assert UD - nD > 300 and res["max U_D - G-DTC"] >= UD - nD
    assert res["lower_D, lower_T, lbmin at max L"][0] <= nD


def test_g_min_exceeds_the_g_dtc_bound():
    """Not claimed, recorded: G-MIN can need more than ceil(ln(L+1)/ln(1+ρ)) steps."""
    assert ge.sweep(Fraction(1, 10))["G-MIN > U_D (count)"] > 0
    assert ge.sweep(Fraction(1, 10))["max G-MIN / U_D"] > 1.4


@pytest.mark.parametrize("rho", ["1/10", "1/3", "1", "3/2"])
def test_exact_bounds_match_their_log_formulas(rho):
    r = Fraction(rho)
    with mpmath.workdps(50):
        for L in (1, 2, 3, 7, 100, 1000, 4096):
            x = mpmath.log(L + 1) / mpmath.log(1 + mpmath.mpf(r.numerator) / r.denominator)
            n = int(mpmath.ceil(x - mpmath.mpf(10) ** -40))
            assert ge.upper_dtc(L, r) == n
            y = mpmath.log(1 + mpmath.mpf(r.numerator) / r.denominator * L / (1 + mpmath.mpf(r.numerator) / r.denominator))
            assert ge.lower_dtc(L, r) == max(1, int(mpmath.ceil(y / mpmath.log(1 + mpmath.mpf(r.numerator) / r.denominator) - mpmath.mpf(10) ** -40)))


def test_step_counts_match_literal_rule_at_large_L():
    for rule in ("dtc", "tc", "min"):
        counts = ge.step_counts(rule, Fraction(1, 10), 4096)
        for L in (1000, 2047, 4096):
            assert len(ge.rule_schedule(rule, L, "1/10")) == counts[L - 1]


@pytest.mark.parametrize("rule,measure", [("dtc", dual_total_correlation), ("tc", total_correlation)])
def test_guarantee_on_exact_laws(rule, measure):
    """EKL <= ρ·DTC (G-DTC) and <= ρ·TC (G-TC), certified, on every MDS [5,k]_5 and three other laws;
    EKL = (max_j N_j/f(j))·measure exactly on the MDS code with k the worst token j (WC)."""
    L = 5
    laws = {f"mds{k}": mds_law(L, k, 5) for k in range(1, L)}
    laws |= {"parity": parity_law(L), "repeated": repeated_symbol_law(L, 2),
             "noisy": noisy_repetition_law(L, Fraction(1, 10))}
    profiles = {name: (entropy_profile(law), measure(law)) for name, law in laws.items()}
    for rho in ("1/2", "1", "2"):
        sizes = ge.rule_schedule(rule, L, rho)
        for name, (g, meas) in profiles.items():
            assert certified_le(ekl_from_profile(g, sizes), meas * Fraction(rho)), (name, rho)
        worst = ge.max_ratio(sizes, rule)
        t = np.cumsum((0,) + sizes)
        ratios = {j: Fraction(int(b) - j) / ge._budget(rule, j, L)
                  for a, b in zip(t, t[1:]) for j in range(int(a) + 1, int(b) + 1) if j < L}
        k = max(ratios, key=ratios.get)
        g, meas = profiles[f"mds{k}"]
        assert forms_equal(ekl_from_profile(g, sizes), meas * worst)


@pytest.mark.parametrize("bad", [0.1, "x", -1, 0])
def test_rho_validation(bad):
    with pytest.raises(ValueError, match="rho"):
        ge.rule_schedule("dtc", 5, bad)


def test_unknown_rule():
    with pytest.raises(ValueError, match="unknown rule"):
        ge.rule_schedule("cosine", 5, "1/2")


def test_bad_length():
    with pytest.raises(ValueError, match="L must be"):
        ge.greedy_schedule("dtc", 0, "1/2")


@pytest.mark.parametrize("r", ge.R_GRID, ids=str)
def test_ccl_step_count(r):
    """CCL-1.9: our G-DTC and G-TC with ρ = ε/T̂ use fewer than 2 + (1 + ln L)(1 + ceil(T̂/ε)) steps, L <= 4096."""
    res = ge.ccl_sweep(r)
    for name in ("G-DTC", "G-TC"):
        assert res[name]["violations"] == 0
        assert res[name]["margin there"] > 0
        assert res[name]["max ratio n/K"] < 1


def test_ccl_proof_chain_numerically():
    """The chain U_D <= 1 + (r+1) ln(L+1) <= 1 + (1 + ceil r)(1 + ln L) < K_CCL, every L <= 4096."""
    for r in ge.R_GRID:
        c = ceil(r)
        for L in range(1, 4097, 7):
            ud = ge.upper_dtc(L, 1 / r)
            assert ud <= 1 + (float(r) + 1) * log(L + 1) + 1e-9
            assert (float(r) + 1) * log(L + 1) <= (1 + c) * (1 + log(L)) + 1e-9
