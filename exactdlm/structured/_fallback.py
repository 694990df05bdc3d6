"""Mixture KL by listing every ordered partition (docs/theory.md §2), for small L: used when a
structured law has no structured mixture-law algorithm (Markov chains). The listing itself is
``exactdlm.engine.sampler.sampler_law_enumerated``.
"""

from __future__ import annotations

from ..engine.divergence import kl_arrays
from ..laws import as_law
from ..engine.sampler import sampler_law_enumerated


def mixture_kl_enumerated(p, sizes):
    """``KL(p || E_S q_S)``: LogForm for exact laws, float otherwise (``inf`` where q = 0 < p)."""
    law = as_law(p)
    q = sampler_law_enumerated(law, sizes)
    return kl_arrays(law.array if law.exact else law.float_array(), q, law.exact)
