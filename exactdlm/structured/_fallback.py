"""Reference mixture laws by listing every ordered partition (THEORY §2), for small L.

Used when a structured law has no structured mixture-law algorithm (Markov chains) and the
sampler's lattice DP (``exactdlm.sampler.sampler_law``) is not available, and by the tests
as an independent check of the count DP.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..exact import LogForm
from ..laws import as_law
from ..sampler import PATTERN_CAP, ordered_partitions, pattern_law_enumerated
from ..schedules import pattern_count, validate_sizes


def sampler_law_enumerated(p, sizes) -> np.ndarray:
    """``q = E_S q_S`` averaged over all ordered partitions with these sizes (fixed sizes)."""
    law = as_law(p)
    sizes = validate_sizes(sizes, law.L)
    n = pattern_count(sizes)
    if n > PATTERN_CAP:
        raise ValueError(f"sizes {sizes} have {n:,} ordered partitions, over the cap {PATTERN_CAP:,}; use a shorter law")
    total = None
    for part in ordered_partitions(law.L, sizes):
        q = pattern_law_enumerated(law, part)
        total = q if total is None else total + q
    if law.exact:
        return total / Fraction(n)
    return total / n


def mixture_kl_enumerated(p, sizes):
    """``KL(p || E_S q_S)``: LogForm for exact laws, float otherwise (``inf`` where q = 0 < p)."""
    law = as_law(p)
    q = sampler_law_enumerated(law, sizes)
    pa = law.array.reshape(-1)
    qa = q.reshape(-1)
    if law.exact:
        form = LogForm()
        for x, y in zip(pa, qa):
            if x > 0:
                if y == 0:
                    return float("inf")
                form._add_term(x / y, x)
        return form
    mask = pa > 0
    if np.any(qa[mask] == 0):
        return float("inf")
    return float(np.sum(pa[mask] * (np.log(pa[mask]) - np.log(qa[mask]))))
