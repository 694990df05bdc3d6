"""Float values that are nonnegative in exact arithmetic (KL, EKL, Ī), clamped at 0 only
within rounding.

A float sum ``sum_i t_i`` of ``n`` rounded terms is off by at most about ``n eps sum_i |t_i|``
(``eps = 2^-52``); the sampler's ``q`` and the entropies feeding these values carry relative
errors of the same order per position. So a computed value ``v < 0`` whose true value is ``>= 0``
satisfies ``|v| <= TOLERANCE_ULPS (L + 1) eps S`` with ``S`` the sum of the magnitudes of the terms
combined; only such ``v`` become ``0.0``. A more negative value is returned as it is: it is not
rounding, and hiding it would hide a bug or an input that is not a law.
"""

from __future__ import annotations

import math

#: rounding allowance in units of ``(L + 1) eps S`` (see the module docstring)
TOLERANCE_ULPS = 4.0


def rounding_tolerance(scale: float, L: int) -> float:
    """``TOLERANCE_ULPS (L + 1) eps scale``: the largest rounding error accepted as such."""
    return TOLERANCE_ULPS * (L + 1) * 2.0**-52 * abs(scale)


def clamp_nonnegative(value, scale: float, L: int):
    """``0.0`` for a float ``value`` in ``[-tolerance, 0)``; anything else unchanged."""
    if isinstance(value, float) and not math.isnan(value) and -rounding_tolerance(scale, L) <= value < 0.0:
        return 0.0
    return value
