"""Dmitriev, Huang & Wei (DHW, COLT 2026, arXiv 2602.15008): ``D_eff <= min(TC, DTC)`` (docs/theory.md §5).

The statement is known second-hand (issue 21's restatement; the paper's text was not available).
The reading implemented (the information profile ``f(s) = mean H(X_i | X_S)``, so ``Δ_s`` is the
mean conditional pairwise information) and the ray values ``d_k`` of ``D_eff`` with their certified
enclosures are in :mod:`exactdlm.engine.deff`.

**Decision on the cone.** ``D_eff = Σ_k ΔĪ(k) d_k`` is linear in the profile, and
``D_eff <= min(TC, DTC)`` is ``D_eff <= TC`` and ``D_eff <= DTC``. On the cone the left side is the
*upper* enclosure of ``d_k`` rounded up to the grid ``2^-20`` (so ``holds`` is proven: the true
``D_eff`` is at most it, ray by ray, hence on every law); a false variant uses the *lower*
enclosure, so its ``violated`` is proven too. The reported worst ratio is that of the upper
enclosure: ``1`` at ``r_1`` (the exact value ``1 - G_1`` is below 1 by ``~c^L``,
``c = 1 - 1/e``). On a law the left side is a certified ``mpmath.iv`` interval.

**Sup = 1.** ``DHW-sup``: on the repeated bit of length ``L``, ``D_eff >= (1 - 2 (2/3)^L) DTC``
(``1 - d_1 = J_L + c^L <= 2 c^L``), so the sup over all laws of ``D_eff / min(TC, DTC)`` is 1,
approached and never attained.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..engine import deff as D
from . import Check, Claim, Provenance, register_catalogue

PAPER = "Dmitriev, Huang & Wei, arXiv 2602.15008 (COLT 2026)"
GRID_BITS = 20


def deff_of(law, side: str = "upper"):
    """``D_eff`` of a law (a certified interval when its profile is exact, else a float); on the
    profile cone the ``side`` (``"upper"``/``"lower"``) enclosure of its ray values as a ConeForm."""
    from ..structured.cone import ConeForm, ProfileCone

    if side not in ("upper", "lower"):
        raise ValueError(f"side must be 'upper' or 'lower', got {side!r}")
    if isinstance(law, ProfileCone):
        lo, hi, den = D.grid_bounds(law.L, GRID_BITS)
        return ConeForm(law.L, hi if side == "upper" else lo, den)._reduced()
    from ..engine import info
    from .context import as_case_law

    if hasattr(law, "info_curve") and not getattr(law, "exact", True):  # a float structured law: its own Ī
        Ibar = law.info_curve()
    else:  # a lattice law, or an exact structured law through its exact view (LogForms)
        Ibar = info.info_curve(as_case_law(law) if not isinstance(law, np.ndarray) else law)
    return D.deff_interval(Ibar, exact=_exact_curve(Ibar))


def _exact_curve(Ibar) -> bool:
    from ..arith import LogForm

    return all(isinstance(x, (LogForm, Fraction, int)) for x in Ibar)


def _deff_ctx(ctx, side="upper"):
    if getattr(ctx, "symbolic", False):
        return deff_of(ctx.law, side)
    return D.deff_interval(ctx.Ibar, exact=ctx.exact)


def _dhw(ctx):
    if ctx.L < 2:
        return
    lhs = _deff_ctx(ctx)
    yield Check(lhs, ctx.tc, "le", None, "D_eff <= TC")
    yield Check(lhs, ctx.dtc, "le", None, "D_eff <= DTC")


register_catalogue(Claim(
    id="DHW-Deff", source="DHW", provenance=Provenance(PAPER, "D_eff <= min(TC, DTC) (issue 21's restatement)",
                                                        "secondary"),
    kind="le",
    statement="the effective dimension D_eff = ∫ min{1,t} L(L-1) e^{-2t} Σ_s C(L-2,s) e^{-st}(1-e^{-t})^{L-2-s} "
              "Δ_s dt (Δ_s = f(s) - f(s+1), f(s) = mean H(X_i | X_S), |S| = s) is at most min(TC, DTC)",
    formula="D_eff = Σ_k ΔĪ(k) d_k <= min(TC, DTC),  d_k = k E[min(1, -ln U)], U ~ Beta(k+1, L-k)",
    hypotheses="every law of the suite with L >= 2; on the cone the upper enclosure of d_k (outward-rounded "
               "floats, on the grid 2^-20); on laws a certified interval",
    quantifier="each law and schedule", case_checks=_dhw, profile_only=True))


SUP_LENGTHS = (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)


def sup_factor(L: int) -> Fraction:
    """``1 - 2 (2/3)^L``: a rational lower bound of ``d_1 / 1`` on the repeated symbol (``c < 2/3``)."""
    return 1 - 2 * Fraction(2, 3) ** L


def _dhw_sup(suite):
    from ..structured import repeated_symbol

    checks = []
    top = max(int(getattr(suite, "cone_max_L", 0) or 0), 8)
    for L in SUP_LENGTHS:
        if L > top:
            break
        law = repeated_symbol(L, 2)
        I = law.info_curve(exact=True) if L <= 64 else None
        if I is not None:  # the witness's profile is log 2 · r_1, so D_eff = d_1 log 2
            from ..arith import LogForm

            want = [LogForm()] + [LogForm.log(2)] * (L - 1)
            from ..arith import is_zero

            if not all(is_zero(a - b) for a, b in zip(I, want)):
                raise AssertionError(f"repeated bit L={L}: its info curve is not log 2 · r_1")
        lo, _ = D.ray_bounds(L)
        checks.append(Check(lo[1], sup_factor(L), "ge", None,
                            f"repeated bit L={L}: D_eff/DTC = d_1 (lower enclosure) >= 1 - 2(2/3)^L", law=None,
                            note={"L": L},
                            figures={"D_eff/min(TC,DTC) on the repeated bit, longest L": ("max", float(lo[1]))}))
    return checks, {}


register_catalogue(Claim(
    id="DHW-sup", source="DHW", provenance=Provenance(PAPER, "D_eff <= min(TC, DTC) is sharp (derived)", "derived"),
    kind="ge", global_kind="exact",
    statement="the sup over all laws of D_eff/min(TC, DTC) is 1, approached by the repeated symbol as L grows: "
              "there D_eff >= (1 - 2(2/3)^L) min(TC, DTC)",
    formula="D_eff(repeated bit, L) >= (1 - 2 (2/3)^L) · min(TC, DTC)",
    hypotheses="the repeated bit at L = 2, 4, ..., up to the suite's cone length (1024 by default); certified "
               "intervals of D_eff against the exact DTC = log 2",
    quantifier="exists", global_checks=_dhw_sup))
