"""Schedules: step sizes in reveal order (THEORY.md §1-2).

A schedule of length ``L`` is a tuple of positive integers ``(s_1, ..., s_K)`` summing to
``L``; ``s_1`` tokens are revealed first. Cumulative counts ``t_k = s_1 + ... + s_k``.
"""

from __future__ import annotations

from math import factorial, prod

import numpy as np


def validate_sizes(sizes, L: int) -> tuple[int, ...]:
    """``sizes`` as a tuple of ints, checked to be positive and to sum to ``L``."""
    try:
        out = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        raise ValueError(f"sizes must be a sequence of positive integers, got {sizes!r}") from None
    if any(isinstance(s, (bool, np.bool_)) for s in sizes) or any(
        float(s) != int(s) for s in sizes
    ):
        raise ValueError(f"sizes must be integers, got {sizes!r}")
    if not out:
        raise ValueError(f"sizes must not be empty; give step sizes summing to L={L}")
    if any(s <= 0 for s in out):
        raise ValueError(f"sizes must all be positive, got {out}; drop the empty steps")
    if sum(out) != L:
        raise ValueError(f"sizes {out} sum to {sum(out)}, not L={L}; step sizes must sum to the length")
    return out


def cumulative(sizes) -> tuple[int, ...]:
    """``(t_0 = 0, t_1, ..., t_K = L)``."""
    t, out = 0, [0]
    for s in sizes:
        t += int(s)
        out.append(t)
    return tuple(out)


def pattern_count(sizes) -> int:
    """Number of ordered partitions with these sizes: ``L! / prod s_k!``."""
    return factorial(sum(sizes)) // prod(factorial(s) for s in sizes)


def compositions(L: int):
    """Every schedule of ``L`` (all ``2^(L-1)`` compositions), in lexicographic order."""
    if L < 1:
        raise ValueError(f"L must be >= 1, got {L}")
    for cuts in range(1 << (L - 1)):
        sizes, run = [], 1
        for i in range(L - 1):
            if cuts >> i & 1:
                sizes.append(run)
                run = 1
            else:
                run += 1
        sizes.append(run)
        yield tuple(sizes)
