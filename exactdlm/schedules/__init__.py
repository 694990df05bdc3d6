"""Schedules: what the engine reads about when tokens are revealed (docs/theory.md §1, §2, §5).

Pure data, below the engine: it imports nothing of the package but the exact numbers.

* ``sizes``   -- fixed schedules (tuples of step sizes) and the named rules that make them
  (``balanced``, ``floor_last``, noise schedules, ``geometric_dtc`` ...);
* ``chains``  -- random-size and semi-autoregressive schedules (the chain interface the
  sampler DP runs on), ``E[N_j]`` and the law of the sizes, and :class:`DecodingRule`, the
  base of rules that compute their own law;
* ``theorem_rules`` -- the schedules and constants the theorems are stated with (worst-case
  coefficients, balanced sizes large-first, cut-point laws of (E4)).

Rules that need the law (``optimal:K``) and the spec strings sit above the engine, in
:mod:`exactdlm.decoding`.
"""

from .chains import (
    BernoulliReveal,
    CutPoints,
    DecodingRule,
    FixedSizes,
    Move,
    Partition,
    Schedule,
    SemiAR,
    as_schedule,
    chain_probabilities,
    expected_N,
    is_fixed,
    reveals_by_context,
    size_law,
)
from .sizes import (
    balanced,
    compositions,
    cosine,
    cumulative,
    floor_last,
    geometric_dtc,
    geometric_tc,
    linear,
    loglinear,
    pattern_count,
    sizes_from_cuts,
    two_sided,
    validate_sizes,
)

__all__ = [
    "BernoulliReveal", "CutPoints", "DecodingRule", "FixedSizes", "Move", "Partition", "Schedule", "SemiAR",
    "as_schedule", "balanced", "chain_probabilities", "compositions", "cosine", "cumulative", "expected_N",
    "floor_last", "geometric_dtc", "geometric_tc", "is_fixed", "linear", "loglinear", "pattern_count",
    "reveals_by_context", "size_law", "sizes_from_cuts", "two_sided", "validate_sizes",
]
