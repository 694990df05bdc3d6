"""Exact output laws of the masked-diffusion sampler and its expected KL (THEORY.md §2, §4).

For an ordered partition ``S = (S_1..S_K)`` the output law is
``q_S(x) = prod_k prod_{j in S_k} p(x_j | x_{R_k})``; the expected KL is
``EKL = E_S KL(p || q_S)`` over uniformly random partitions with the given sizes.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from .exact import LogForm
from .info import ekl_from_profile, entropy_profile
from .laws import as_law
from .schedules import pattern_count, validate_sizes

#: most ordered partitions ``expected_kl_enumerated`` will list
PATTERN_CAP = 200_000


def _law_length(p) -> int:
    return p.L if hasattr(p, "L") else as_law(p).L


def expected_kl(p, sizes):
    """``EKL = E_S KL(p || q_S)`` by (E1) from the entropy profile; LogForm for exact laws."""
    g = entropy_profile(p)
    sizes = validate_sizes(sizes, len(g) - 1)
    return ekl_from_profile(g, sizes)


def ordered_partitions(L: int, sizes):
    """Every ordered partition of ``range(L)`` into blocks of the given sizes."""

    def rec(remaining, k):
        if k == len(sizes):
            yield ()
            return
        for block in combinations(remaining, sizes[k]):
            rest = tuple(j for j in remaining if j not in block)
            for tail in rec(rest, k + 1):
                yield (block,) + tail

    yield from rec(tuple(range(L)), 0)


def _conditional_factor(a: np.ndarray, R, j, V: int, exact: bool) -> np.ndarray:
    """``p(x_j | x_R)`` broadcast over ``[V]^L``; uniform ``1/V`` where ``p(x_R) = 0``."""
    L = a.ndim
    keep_num = sorted(set(R) | {j})
    num = a.sum(axis=tuple(i for i in range(L) if i not in keep_num), keepdims=True)
    den = a.sum(axis=tuple(i for i in range(L) if i not in R), keepdims=True) if R else None
    if den is None:
        return num
    num, den = np.broadcast_arrays(num, den)
    if exact:
        from fractions import Fraction

        out = np.empty(num.shape, dtype=object)
        flat_n, flat_d = num.reshape(-1), den.reshape(-1)
        out.reshape(-1)[:] = [n / d if d != 0 else Fraction(1, V) for n, d in zip(flat_n, flat_d)]
        return out
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0 / V)


def pattern_law_enumerated(p, partition) -> np.ndarray:
    """``q_S`` for one ordered partition, straight from the definition (the reference twin)."""
    law = as_law(p)
    a, V = law.array, law.V
    q = np.ones((V,) * law.L, dtype=object if law.exact else float)
    if law.exact:
        from fractions import Fraction

        q[...] = Fraction(1)
    R: list[int] = []
    for block in partition:
        for j in block:
            q = q * _conditional_factor(a, tuple(R), j, V, law.exact)
        R.extend(block)
    return q


def _kl_exact_or_float(p_arr, q_arr, exact: bool):
    if exact:
        form = LogForm()
        for x, y in zip(p_arr.reshape(-1), q_arr.reshape(-1)):
            if x > 0:
                form._add_term(x / y, x)
        return form
    mask = p_arr > 0
    return float(np.sum(p_arr[mask] * (np.log(p_arr[mask]) - np.log(q_arr[mask]))))


def expected_kl_enumerated(p, sizes):
    """``EKL`` by listing every ordered partition (the independent check of (E1)); small L only."""
    law = as_law(p)
    sizes = validate_sizes(sizes, law.L)
    n = pattern_count(sizes)
    if n > PATTERN_CAP:
        raise ValueError(
            f"sizes {sizes} have {n:,} ordered partitions, over the enumeration cap {PATTERN_CAP:,}; "
            "use expected_kl (closed form E1) or a shorter law"
        )
    total = LogForm() if law.exact else 0.0
    for part in ordered_partitions(law.L, sizes):
        total = total + _kl_exact_or_float(law.array, pattern_law_enumerated(law, part), law.exact)
    return total / n if law.exact else total / n
