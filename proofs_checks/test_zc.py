"""ZC-TC / ZC-DTC (docs/theory.md §5, (E4)): E[N_j] of the cut-point construction and the coefficients."""


import mpmath
import numpy as np
import pytest
import sympy as sp

from . import zc


@pytest.mark.parametrize("kind", ["tc", "dtc", "uniform"])
def test_expected_N_formula_against_enumeration(kind):
    """(E4) E[N_j] = Σ_m (1 - Σ_{c=j}^m w(c))^(K-1) equals the exact enumeration of every cut tuple."""
    for L in range(2, 7):
        for K in range(1, 5):
            w = zc.weights(L, kind)
            assert zc.expected_N(L, K, w) == zc.expected_N_enumerated(L, K, w), (L, K)


def test_one_step_and_many_cuts():
    """K = 1 (no cut): N_j = L - j; the enumeration has teeth (a wrong pmf changes E[N_j])."""
    assert zc.expected_N(6, 1, zc.weights(6, "tc")) == [5, 4, 3, 2, 1]
    w = zc.weights(5, "tc")
    assert zc.expected_N_enumerated(5, 3, w) != zc.expected_N_enumerated(5, 3, zc.weights(5, "dtc"))


@pytest.mark.parametrize("kind", ["tc", "dtc"])
def test_harmonic_closed_forms_symbolic_K(kind):
    """The harmonic-number closed forms equal the general (E4) formula for symbolic K, each L <= 10."""
    for L in range(2, 11):
        general, closed = zc.closed_form_sympy(L, kind)
        assert all(sp.simplify(a - b) == 0 for a, b in zip(general, closed)), L


@pytest.mark.parametrize("kind", ["tc", "dtc"])
def test_float_ratios_against_exact(kind):
    for L in (2, 5, 17, 40):
        rf = zc.ratios_float(L, kind, (2, 3, 8, 64))
        for K in (2, 3, 8, 64):
            exact = zc.expected_N(L, K, zc.weights(L, kind))
            ref = [float(e / (L - j if kind == "tc" else j)) for j, e in zip(range(1, L), exact)]
            assert np.allclose(rf[K], ref, rtol=1e-12, atol=0)


@pytest.mark.parametrize("kind", ["tc", "dtc"])
def test_fifty_digit_ratio_against_exact(kind):
    L, K = 23, 8
    exact = zc.expected_N(L, K, zc.weights(L, kind))
    with mpmath.workdps(50):
        for j in (1, 7, 22):
            e = exact[j - 1] / (L - j if kind == "tc" else j)
            ref = mpmath.mpf(e.numerator) / e.denominator
            assert abs(zc.ratio_mp(L, K, kind, j) - ref) < mpmath.mpf(10) ** -48


def test_claimed_coefficients():
    H = zc.harmonic(9)
    assert zc.claimed_coefficient(10, 8, "tc") == 2 * H / (7 + H)
    assert zc.claimed_coefficient(10, 8, "dtc") == H / (7 - H)
    assert zc.claimed_coefficient(1000, 8, "dtc") is None  # K <= 1 + H_999: not applicable


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["tc", "dtc"])
def test_coefficients_hold_every_L_up_to_512_and_grid_to_4096(kind):
    """ZC-TC, ZC-DTC: max_j ratio <= coefficient on every L <= 512 and L in {768, ..., 4096}, K in {8,..,64}."""
    res = zc.sweep(kind, zc.SWEEP_LS)
    assert res["violations"] == []
    assert res["checked"] + res["not applicable"] == len(zc.SWEEP_LS) * len(zc.KS)
    w = res["tightest"]
    assert w["holds50"] and w["ratio50"] < w["claimed50"]
    if kind == "tc":
        # loose: the maximum stays below H/(K-1+H), half the claimed coefficient
        assert res["sharper tc violations"] == []
        assert res["max over H/(K-1+H)"] < 1 and w["tightness50"] < mpmath.mpf("0.5")
    else:
        # nearly tight: within 3% of the coefficient at L = 4096, K = 64
        assert w["tightness50"] > mpmath.mpf("0.97") and (w["L"], w["K"]) == (4096, 64)
        assert res["not applicable"] > 0


def test_a_smaller_dtc_coefficient_fails():
    """The DTC coefficient cannot be cut by 5%: at L = 4096, K = 64 the ratio exceeds 0.95 x it."""
    res = zc.check_L(4096, "dtc")[64]
    assert res["max ratio"] > 0.95 * float(res["claimed"])


@pytest.mark.parametrize("bad", [("tc", 1), ("x", 5)])
def test_bad_input(bad):
    kind, L = bad
    with pytest.raises(ValueError):
        zc.weights(L, kind)
    with pytest.raises(ValueError, match="K"):
        zc.expected_N(5, 0, zc.weights(5, "tc"))
    with pytest.raises(ValueError, match="K in 2..64"):
        zc.ratios_float(5, "tc", (1,))
