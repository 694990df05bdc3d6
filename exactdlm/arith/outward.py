"""Float intervals with outward rounding: certified enclosures at float speed (docs/theory.md §7).

IEEE 754 addition, subtraction and multiplication are correctly rounded (to nearest), so the
exact result of an operation on two floats lies within half an ulp of the computed one; moving
the lower end one ulp down and the upper end one ulp up (``numpy.nextafter``) therefore
encloses it, whatever the rounding did. ``math.fsum`` is the correctly rounded sum of its
inputs, so the same widening encloses a whole sum. An interval is a pair ``(lo, hi)`` of float
arrays (or floats) with ``lo <= x <= hi`` for the exact ``x``; every function here keeps that.

This serves sums with millions of terms whose exact rationals would have tens of thousands of
bits (expected step counts of long random-size schedules), where a slack of 1e-12 is plenty.
"""

from __future__ import annotations

import math

import numpy as np


def down(x):
    return np.nextafter(x, -np.inf)


def up(x):
    return np.nextafter(x, np.inf)


def from_rationals(xs) -> tuple[np.ndarray, np.ndarray]:
    """Enclosures of rationals (``float(Fraction)`` is correctly rounded: within half an ulp)."""
    f = np.array([float(x) for x in xs], dtype=np.float64)
    return down(f), up(f)


def from_bounds(pairs) -> tuple[np.ndarray, np.ndarray]:
    """Enclosures from rational bounds ``(lo_q, hi_q)`` (e.g. ``LogForm.bounds``)."""
    pairs = list(pairs)
    lo = np.array([float(a) for a, _ in pairs], dtype=np.float64)
    hi = np.array([float(b) for _, b in pairs], dtype=np.float64)
    return down(lo), up(hi)


def add(a, b):
    return down(a[0] + b[0]), up(a[1] + b[1])


def sub(a, b):
    return down(a[0] - b[1]), up(a[1] - b[0])


def mul(a, b):
    """The product of intervals (any signs)."""
    c = (a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1])
    return down(np.minimum(np.minimum(c[0], c[1]), np.minimum(c[2], c[3]))), \
        up(np.maximum(np.maximum(c[0], c[1]), np.maximum(c[2], c[3])))


def clip(a, lo: float, hi: float):
    """``a`` intersected with ``[lo, hi]``, for a quantity known to lie there."""
    return np.clip(a[0], lo, hi), np.clip(a[1], lo, hi)


def power(a, e: int):
    """``a^e`` for an interval of nonnegative numbers and an integer ``e >= 0`` (square and multiply)."""
    if e < 0:
        raise ValueError(f"power takes an exponent >= 0, got {e}")
    lo0, hi0 = np.maximum(a[0], 0.0), a[1]
    out = (np.ones_like(lo0), np.ones_like(hi0))
    base = (lo0, hi0)
    while e:
        if e & 1:
            out = (down(out[0] * base[0]), up(out[1] * base[1]))
        e >>= 1
        if e:
            base = (down(base[0] * base[0]), up(base[1] * base[1]))
    return np.maximum(out[0], 0.0), out[1]


def total(a) -> tuple[float, float]:
    """The sum of every entry of an interval array."""
    return float(down(math.fsum(np.ravel(a[0])))), float(up(math.fsum(np.ravel(a[1]))))
