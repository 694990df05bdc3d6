"""The law-dependent optimal schedule: the fewest-EKL ``K``-step sizes of one law (docs/theory.md §5, §7).

A dynamic program over knots on the law's information curve ``Ī`` (from the engine); a
structured law brings its own numba DP, which is used instead. It sits above the engine
because it asks the engine for the curve and then chooses a schedule from it.
"""

from __future__ import annotations

import numpy as np

from ..arith import LogForm
from ..engine.info import _own_method, ekl_from_curve, info_curve


def _as_numbers(Ibar):
    if Ibar.dtype == object:
        import mpmath

        with mpmath.workdps(50):
            return [x.mpf(50) if isinstance(x, LogForm) else mpmath.mpf(x) for x in Ibar]
    return [float(x) for x in Ibar]


def optimal_schedule(p, steps: int):
    """Minimal-EKL schedule with exactly ``steps`` steps (docs/theory.md §5): DP over knots, O(m L²).

    ``c(a,b) = sum_{t=a}^{b-1} [Ī(t) - Ī(a)]``, ``V_m(b) = min_{a<b} V_{m-1}(a) + c(a,b)``.
    Exact laws are optimized on 50-digit values and the EKL of the chosen schedule is
    returned exactly. Returns ``(sizes, ekl)``, sizes in reveal order.
    """
    if _own_method(p, "optimal_schedule"):
        return p.optimal_schedule(steps)  # numba DP on the structured law's curve
    Ibar = info_curve(p)
    L = len(Ibar)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= L:
        raise ValueError(f"steps must be an integer in 1..L={L}, got {steps!r}")
    steps = int(steps)
    vals = _as_numbers(Ibar)
    # prefix sums of Ī for c(a,b) = (S(b) - S(a)) - (b - a) Ī(a)
    prefix = [0 * vals[0]]
    for v in vals:
        prefix.append(prefix[-1] + v)

    def cost(a, b):
        return (prefix[b] - prefix[a]) - (b - a) * vals[a]

    INF = float("inf")
    best = [[INF] * (L + 1) for _ in range(steps + 1)]
    arg = [[-1] * (L + 1) for _ in range(steps + 1)]
    best[0][0] = 0
    for m in range(1, steps + 1):
        for b in range(m, L + 1):
            for a in range(m - 1, b):
                if best[m - 1][a] == INF:
                    continue
                c = best[m - 1][a] + cost(a, b)
                if c < best[m][b]:
                    best[m][b], arg[m][b] = c, a
    knots, b = [L], L
    for m in range(steps, 0, -1):
        b = arg[m][b]
        knots.append(b)
    knots.reverse()
    sizes = tuple(knots[i + 1] - knots[i] for i in range(steps))
    return sizes, ekl_from_curve(Ibar, sizes)


def optimal(p, K: int) -> tuple[int, ...]:
    """The sizes of the minimal-EKL ``K``-step schedule of the law ``p`` (:func:`optimal_schedule`)."""
    return tuple(optimal_schedule(p, K)[0])
