"""Concave right sides the profile cone can decide (docs/theory.md §8): ``ρ·min(...)`` and ``c·sqrt(x·y)``.

On laws they are plain numbers: :func:`min_of` picks the smaller side by a certified comparison
(exact values stay exact); :func:`sqrt_of_product` is a float (a claim using it on laws is compared
in floating point). On the profile cone they are concave, positively homogeneous forms, so a claim
``lhs <= rho * min_of(TC, DTC)`` or ``lhs <= c * sqrt_of_product(TC, DTC)`` is decided on the rays
for every law. The built-in ``min`` cannot do this: it compares, and the cone refuses comparisons.
"""

from __future__ import annotations

import math

from ..arith import compare_sides
from ..structured.cone import concave_min, concave_sqrt_product, is_symbolic


def min_of(*xs):
    """The least of ``xs``: a number on laws, a concave form on the profile cone."""
    if not xs:
        raise ValueError("min_of needs at least one value, e.g. min_of(TC, DTC)")
    if any(is_symbolic(x) for x in xs):
        return concave_min(*xs)
    best = xs[0]
    for x in xs[1:]:
        if compare_sides(x, best, "le").outcome == "holds":
            best = x
    return best


def sqrt_of_product(x, y):
    """``sqrt(x·y)`` (``x, y >= 0``): a float on laws, a concave form on the profile cone."""
    if is_symbolic(x) or is_symbolic(y):
        return concave_sqrt_product(x, y)
    prod = float(x) * float(y)
    if prod < 0:
        raise ValueError(f"sqrt_of_product needs x·y >= 0, got {prod}")
    return math.sqrt(prod)


__all__ = ["min_of", "sqrt_of_product"]
