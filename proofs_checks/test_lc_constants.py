"""LC-T1, SH-1, LC-tight, LC-C1 constants and the LC lower-bound side (docs/theory.md §5)."""

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from exactdlm.arith import LogForm
from exactdlm.engine.info import info_curve, mi_sum
from exactdlm.engine.sampler import expected_kl
from exactdlm.schedules import compositions

from . import lc_constants as lc
from .closed_forms import mds_law, repeated_symbol_law
from .exactness import forms_equal


def test_lc_factor_matches_ceiling_log2_at_50_digits():
    """(s-1).bit_length() == ceil(log2 s), checked against mpmath at 50 digits (powers of two are exact:
    log2 of one is an integer, so it is compared without the ceiling)."""
    near_powers = {2**e + d for e in range(1, 60) for d in (-1, 0, 1)}
    with mpmath.workdps(50):
        for s in sorted(near_powers | set(range(1, 1025))):
            x = mpmath.log(s) / mpmath.log(2)
            c = int(mpmath.nint(x)) if lc.is_power_of_two(s) else int(mpmath.ceil(x))
            assert lc.lc_factor(s) == 2**c - 1


@pytest.mark.parametrize("bad", [0, -3])
def test_lc_factor_refuses_nonpositive(bad):
    with pytest.raises(ValueError, match="positive integer"):
        lc.lc_factor(bad)


def test_factor_gap_symbolic():
    """LC-T1 vs SH-1: f(s) - (s-1) = d on s = 2^m - d, and the ratio's sup is 2 (docs/theory.md §5 SH-1)."""
    res = lc.factor_gap_symbolic()
    assert res["gap f(s) - (s-1)"] == lc.d_
    assert res["ratio at s = 2^(m-1)+1 minus (2 - 2^(1-m))"] == 0
    assert res["sup ratio (m -> oo)"] == 2


def test_factor_exhaustive():
    """f(s) >= s - 1 with equality exactly at powers of two, every s <= 2^16; max ratio below 2."""
    res = lc.factor_exhaustive(1 << 16)
    assert res["violations"] == []
    assert res["max ratio"] == Fraction(2**16 - 1, 2**15) and res["at s"] == 2**15 + 1
    assert res["max ratio"] < 2


def test_repeated_symbol_attains_sh1_and_lct1_every_schedule():
    """LC-tight / SH-1: equality iff s_1 = s_max (SH-1) and also s_max a power of 2 (LC-T1), L <= 12."""
    res = lc.repeated_symbol_attainment(12)
    assert res["wrong"] == []
    assert res["schedules"] == 2**12 - 1 and res["middle == EKL"] == res["schedules"]
    # schedules with s_1 = s_max: counted independently
    n_first_max = sum(1 for L in range(1, 13) for s in compositions(L) if s[0] == max(s))
    n_pow2 = sum(1 for L in range(1, 13) for s in compositions(L) if s[0] == max(s) and lc.is_power_of_two(s[0]))
    assert res["SH-1 equality"] == n_first_max and res["LC-T1 equality"] == n_pow2


def test_repeated_symbol_attainment_symbolic():
    assert all(v == 0 for v in lc.repeated_symbol_attainment_symbolic().values())


@pytest.mark.parametrize("L,V", [(5, 2), (4, 3)])
def test_repeated_symbol_attainment_engine(L, V):
    """The same on the exact engine: EKL == SH-1 rhs iff s_1 = s_max; == LC-T1 rhs iff also a power of 2."""
    law = repeated_symbol_law(L, V)
    I, mi = info_curve(law), mi_sum(law)
    for sizes in compositions(L):
        smax = max(sizes)
        ekl = expected_kl(law, sizes)
        assert forms_equal(ekl, lc.sh1_middle(I, sizes))
        assert forms_equal(ekl, mi * Fraction(smax - 1, L)) == (sizes[0] == smax)
        lct1_eq = forms_equal(ekl, mi * Fraction(lc.lc_factor(smax), L))
        assert lct1_eq == (sizes[0] == smax and lc.is_power_of_two(smax))


def test_lc_c1_symbolic_bound_and_family():
    res = lc.lc_c1_bound_symbolic()
    assert res["slack - decomposition"] == 0
    assert res["family ratio - (2 - (K+2)/L)"] == 0
    assert res["family limit m -> oo"] == 2
    assert res["SH-1 family limit s -> oo"] == 1


@pytest.mark.slow
def test_lc_c1_exhaustive_512():
    """LC-C1: K f(ceil(L/K))/L <= 2 - (K+2)/L for all K <= L <= 512, equality iff L = K 2^(m-1) + 1.

    So the least C is 2, not LC's 4; the max below L = 512 is 511/257 at (L, K) = (257, 1).
    Through SH-1, K (s_max - 1)/L < 1 with max 511/512.
    """
    res = lc.lc_c1_exhaustive(512)
    assert res["bound violations"] == []
    assert res["equality mismatches"] == []
    assert res["max"] == Fraction(511, 257) and res["at"] == (257, 1)
    assert res["max SH-1"] == Fraction(511, 512) and res["at SH-1"] == (512, 1)


@pytest.mark.parametrize("C", [Fraction(3, 2), Fraction(199, 100), Fraction(19999, 10000)])
def test_lc_c1_no_constant_below_two(C):
    L, K = lc.lc_c1_witness(C)
    assert lc.lc_c1_ratio(L, K) > C
    assert lc.lc_c1_ratio(L, K) < 2


def test_lc_c1_witness_refuses_valid_constant():
    with pytest.raises(ValueError, match="C >= 2"):
        lc.lc_c1_witness(2)


def test_lc_c1_true_ekl_constant_attained_by_mds():
    """sup_p EKL/Σ I = (s_max-1)/L: the MDS code with k the first index of the largest block attains it."""
    L, q = 5, 5
    for sizes in [(2, 2, 1), (1, 3, 1), (1, 1, 3), (2, 3)]:
        smax = max(sizes)
        i = sizes.index(smax)
        k = sum(sizes[:i]) + 1
        law = mds_law(L, k, q)
        assert forms_equal(expected_kl(law, sizes), mi_sum(law) * Fraction(smax - 1, L))
        assert forms_equal(mi_sum(law), LogForm.log(q, L))


def test_witness_ratios_symbolic():
    res = lc.witness_ratios_symbolic()
    s1, smax, ti, k = sp.symbols("s_1 s_max t_i k", integer=True, positive=True)
    assert sp.simplify(res["repeated symbol"] - (s1 - 1) / (smax - 1)) == 0
    assert sp.simplify(res["MDS [L,k]_q"] - (ti - k) / (smax - 1)) == 0
    assert sp.simplify(res["parity (s_K >= 2)"] - 1 / (smax - 1)) == 0


def test_witness_ratio_sup_is_one_and_attained():
    res = lc.witness_ratio_exhaustive(11)
    assert res["max above 1"] == [] and res["max not attained"] == []


def test_noisy_repetition_ratio_below_one_tending_to_one():
    vals = [lc.noisy_ratio(8, e, 4) for e in lc.NOISY_ETAS]
    assert all(v < 1 for v in vals)
    assert all(a < b for a, b in zip(vals, vals[1:]))
    assert 1 - vals[-1] < mpmath.mpf("1e-5")


def test_noisy_ratio_matches_engine_exactly_evaluated():
    """The 50-digit mpmath ratio equals the exact engine's EKL/Σ I ratio (L = 5, eta = 1/10)."""
    from .closed_forms import noisy_repetition_law

    law = noisy_repetition_law(5, Fraction(1, 10))
    sizes = (3, 1, 1)
    with mpmath.workdps(50):
        exact = expected_kl(law, sizes).mpf(60) / ((mi_sum(law) * Fraction(2, 5)).mpf(60))
        assert abs(lc.noisy_ratio(5, Fraction(1, 10), 3) - exact) < mpmath.mpf(10) ** -45


def test_noisy_ratio_refuses_bad_first_block():
    with pytest.raises(ValueError, match="first block"):
        lc.noisy_ratio(5, Fraction(1, 10), 1)
