"""DHW-Deff (docs/theory.md §5): D_eff on the rays, the definition against the closed form and the package."""

from fractions import Fraction

import mpmath
import sympy as sp

from exactdlm.engine import deff as D

from . import deff


def test_closed_form_is_the_integral_symbolically():
    """The sympy integral of the definition equals the closed form exactly (as polynomials in 1/e)."""
    got = deff.symbolic_identity(max_L=5)
    assert got and all(ok for *_, ok in got), [g for g in got if not g[2]]


def test_symbolic_check_has_teeth():
    """A wrong closed form (the k-th F term dropped) is told apart."""
    d, x = deff.definition_sympy(4, 2)
    wrong = deff.closed_form_sympy(4, 1, x) * 2
    assert sp.simplify(d - wrong) != 0


def _mp(q: Fraction):
    return mpmath.mpf(q.numerator) / q.denominator


def test_package_enclosures_contain_the_closed_form():
    """exactdlm.engine.deff's rational enclosures contain the 60-digit closed form and the quadrature."""
    for L in (2, 3, 6, 17, 64, 300):
        lo, hi = D.ray_bounds(L)
        for k in sorted(k for k in {1, 2, L // 2, L - 1} if 1 <= k < L):
            with mpmath.workdps(80 + L // 2):
                v = deff.ray_value(L, k)
                assert _mp(lo[k]) <= v <= _mp(hi[k]), (L, k)
                assert hi[k] - lo[k] < Fraction(1, 10**9) * max(1, k)
    with mpmath.workdps(30):
        assert abs(D.ray_value_quad(9, 4) - deff.ray_value(9, 4)) < mpmath.mpf(10) ** -20


def test_tiny_gap_enclosed_with_relative_precision():
    """At L = 1024 the repeated symbol's 1 - d_1 ~ 1e-204 is enclosed within 1e-9 relative."""
    lo, hi = D.ray_bounds(1024)
    with mpmath.workdps(300):
        gap = 1 - deff.ray_value(1024, 1, dps=260)
        g_lo, g_hi = 1 - _mp(hi[1]), 1 - _mp(lo[1])
        assert g_lo <= gap <= g_hi and (g_hi - g_lo) / gap < mpmath.mpf(10) ** -9


def test_bounds_along_rays():
    res = deff.bounds_along_rays((2, 5, 16, 128))
    assert not res["violations"]
    assert all(r < 1 for r, _ in res["worst"].values())
    with mpmath.workdps(60):
        assert res["worst"][128][0] > 1 - mpmath.mpf(10) ** -20  # the sup approaches 1
        assert res["worst"][16][0] < 1 - mpmath.mpf(10) ** -5
