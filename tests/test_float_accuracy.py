"""Float information quantities against an extended-precision reference (numpy longdouble) at
L = 16, and g, Ī against their exact twins at L = 12; nonnegative values clamped only within
rounding."""

import math
from fractions import Fraction

import numpy as np
import pytest

from exactdlm import families
from exactdlm.engine import _kernels, info
from exactdlm.engine.rounding import clamp_nonnegative, rounding_tolerance
from exactdlm.engine.sampler import expected_kl, mixture_kl

TOL = 1e-13  # nats


def _H(a):
    a = a[a > 0]
    return -(a * np.log(a)).sum()


def _reference(p):
    """H, TC, DTC, Σ I from marginals and logs in long double (x86: 64-bit mantissa); where long
    double is plain double, ``math.fsum`` keeps the sums correctly rounded instead."""
    L = p.ndim
    if np.finfo(np.longdouble).nmant >= 63:
        pl = p.astype(np.longdouble)
        H = _H
    else:
        pl = p

        def H(a):
            a = a[a > 0]
            return math.fsum(-(a * np.log(a)))
    HX = H(pl.reshape(-1))
    singles = sum(H(pl.sum(axis=tuple(j for j in range(L) if j != i))) for i in range(L))
    loo = sum(H(pl.sum(axis=i).reshape(-1)) for i in range(L))
    return {"H": HX, "TC": singles - HX, "DTC": loo - (L - 1) * HX, "MI": singles + loo - L * HX}


@pytest.mark.parametrize("L,seed,power", [(16, 0, 3), (17, 1, 1), (16, 2, 8)])
def test_information_quantities_match_extended_precision(L, seed, power):
    rng = np.random.default_rng(seed)
    p = rng.random((2,) * L) ** power  # power 8: a spread of magnitudes
    p /= p.sum()
    ref = _reference(p)
    got = {"H": info.joint_entropy(p), "TC": info.total_correlation(p),
           "DTC": info.dual_total_correlation(p), "MI": info.mi_sum(p)}
    for k in ref:
        assert abs(float(np.longdouble(got[k]) - ref[k])) <= TOL, (k, got[k], float(ref[k]))


def test_kernel_twins_of_compensated_sums():
    rng = np.random.default_rng(5)
    p = rng.random(3**6) ** 4
    p /= p.sum()
    assert abs(_kernels.entropy_flat(p) - _kernels.entropy_flat_py(p)) <= 1e-15
    np.testing.assert_allclose(_kernels.leave_one_out_entropies(p, 6, 3),
                               _kernels.leave_one_out_entropies_py(p, 6, 3), rtol=0, atol=1e-15)


def test_profile_and_info_curve_match_exact_twins_at_L12():
    p = families.random_rational(12, 2, seed=1)
    g_exact, I_exact = info.entropy_profile(p), info.info_curve(p)
    g, Ibar = info.entropy_profile(p.float_array()), info.info_curve(p.float_array())
    assert max(abs(float(a) - b) for a, b in zip(g_exact, g)) <= TOL
    assert max(abs(float(a) - b) for a, b in zip(I_exact, Ibar)) <= TOL


def test_clamp_only_within_rounding():
    tol = rounding_tolerance(10.0, 8)
    assert clamp_nonnegative(-tol / 2, 10.0, 8) == 0.0
    assert clamp_nonnegative(-2 * tol, 10.0, 8) == -2 * tol  # not rounding: kept, visible
    assert clamp_nonnegative(3e-17, 10.0, 8) == 3e-17
    assert clamp_nonnegative(Fraction(-1, 10**30), 10.0, 8) == Fraction(-1, 10**30)  # exact: never touched


@pytest.mark.parametrize("L,V", [(8, 2), (10, 2), (6, 3)])
def test_iid_laws_give_nonnegative_float_kl(L, V):
    """An i.i.d. law's sampler law is itself: KL = EKL = Ī = 0 exactly; floats must not go below 0."""
    marg = [Fraction(1, 3), Fraction(2, 3)] if V == 2 else [Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)]
    p = families.iid(L, marg).float_array()
    for sizes in ((L // 2, L - L // 2), (L,), (2,) * (L // 2)):
        assert 0.0 <= mixture_kl(p, sizes) < 1e-13
        assert 0.0 <= expected_kl(p, sizes) < 1e-13
    assert (info.info_curve(p) >= 0).all()
