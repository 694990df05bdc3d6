"""LZ-sqrt (docs/theory.md §5): optimal-schedule DP against the square-root-rule prediction, 50 digits."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest

from exactdlm.decoding import optimal_schedule
from exactdlm.schedules import compositions

from . import lz


@pytest.mark.parametrize("name", list(lz.CURVES))
def test_sqrt_integral_closed_form(name):
    c = lz.constants(name)
    with mpmath.workdps(50):
        assert abs(c["A50"] - c["quad"]) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize("name", list(lz.CURVES))
def test_hull_dp_against_quadratic_dp_and_all_compositions(name):
    for L, m in ((12, 3), (40, 5), (100, 10), (150, 1), (150, 150), (200, 37)):
        I = lz.curve_values(name, L)
        a, b = lz.optimal_knots(I, m), lz.optimal_knots_quadratic(I, m)
        assert len(a) == m and sum(a) == L
        assert abs(lz.ekl_of(a, I) - lz.ekl_of(b, I)) <= 1e-12 * max(1.0, lz.ekl_of(b, I))
    I = lz.curve_values(name, 11)
    for m in range(1, 12):
        best = min(lz.ekl_of(s, I) for s in compositions(11) if len(s) == m)
        assert abs(lz.ekl_of(lz.optimal_knots(I, m), I) - best) <= 1e-12


class _CurveLaw:
    """A structured 'law' given by its profile: g(t+1) = g(t) + 1 - Ī(t) (H̄ = 1)."""

    def __init__(self, Ibar):
        self.L = len(Ibar)
        self._g = np.concatenate([[0.0], np.cumsum(1.0 - np.asarray(Ibar))])

    def entropy_profile(self):
        return self._g


@pytest.mark.parametrize("name", list(lz.CURVES))
def test_hull_dp_against_exactdlm_optimal_schedule(name):
    I = lz.curve_values(name, 30)
    for m in (2, 5, 9):
        sizes, ekl = optimal_schedule(_CurveLaw(I), m)
        ours = lz.optimal_knots(I, m)
        assert abs(float(ekl) - lz.ekl_of(ours, I)) <= 1e-12 * max(1.0, float(ekl))


def test_ekl50_against_exact_rationals():
    """φ(u) = u + u² gives rational Ī(t) = t/L + t²/L²: the 50-digit EKL equals the exact Fraction."""
    L = 97
    sizes = lz.optimal_knots(lz.curve_values("u + u^2", L), 9)
    exact = lz.ekl_of(sizes, [Fraction(t, L) + Fraction(t * t, L * L) for t in range(L)])
    with mpmath.workdps(50):
        assert abs(lz.ekl50("u + u^2", L, sizes) - mpmath.mpf(exact.numerator) / exact.denominator) < mpmath.mpf(10) ** -45


@pytest.mark.slow
@pytest.mark.parametrize("name", list(lz.CURVES))
def test_convergence_m_two_thirds(name):
    """m = L^(2/3): EKL_opt - P -> 0 (rate about L^(-1/3)); dropping LZ's -½Δφ leaves an error -> -½Δφ."""
    res = lz.convergence(name, "m = L^(2/3)")
    pts = res["points"]
    errs = [abs(float(p["err"])) for p in pts]
    assert errs[-1] < errs[1] and errs[-1] < 0.02
    assert res["rate err"] < -0.25
    half = float(lz.constants(name)["dphi"]) / 2
    assert abs(float(pts[-1]["err no correction"]) + half) < 0.02


@pytest.mark.slow
@pytest.mark.parametrize("name", list(lz.CURVES))
def test_convergence_m_sqrt(name):
    """m = sqrt(L): relative error ~ L^(-1/2), but EKL_opt - P -> -(L/(12 m²)) A² ln(φ'(1)/φ'(0)) ≠ 0;
    EKL_opt - P₂ -> 0."""
    res = lz.convergence(name, "m = sqrt(L)")
    pts = res["points"]
    limit = float(res["predicted limit of err"])
    assert abs(limit) > 0.1
    assert res["rate rel"] < -0.4
    gaps = [abs(float(p["err"]) - limit) for p in pts]
    assert all(a > b for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 0.005
    curv = [abs(float(p["err curv"])) for p in pts]
    assert all(a > b for a, b in zip(curv, curv[1:])) and res["rate err curv"] < -0.3


@pytest.mark.parametrize("bad", [0, 31])
def test_bad_steps(bad):
    with pytest.raises(ValueError, match="steps m"):
        lz.optimal_knots(lz.curve_values("u + u^2", 30), bad)


def test_decreasing_curve_refused():
    with pytest.raises(ValueError, match="non-decreasing"):
        lz.optimal_knots([0.0, 0.5, 0.2], 2)


def test_unknown_curve_and_regime():
    with pytest.raises(ValueError, match="unknown curve"):
        lz.curve_values("sin", 10)
    with pytest.raises(ValueError, match="unknown regime"):
        lz.convergence("u + u^2", "m = L")
