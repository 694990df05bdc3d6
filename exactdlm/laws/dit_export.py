"""A law on ``[V]^L`` as a ``dit.Distribution``: the way back of :mod:`exactdlm.laws.dit_interop`
(docs/theory.md §1).

``to_dit(q, symbols)``: any law (the sampler's output law of a law read from dit, say) as a dit
Distribution over the user's symbols, validated on the way in as every law is (``as_law``).
"""

from __future__ import annotations

import numpy as np

from .joint import as_law


def to_dit(p, symbols=None):
    """The law ``p`` (an array of shape ``(V,)*L`` or a JointLaw) as a ``dit.Distribution`` whose
    outcomes are tuples of the user's symbols (``symbols[i][v]``; default ``p.symbols`` of a law
    read from dit, else the indices). ``p`` is validated as every law entering the package is
    (``as_law``: non-negative, finite, summing to 1; ``ValueError`` naming the problem).
    Outcomes of probability 0 are left out; exact entries become floats (dit stores floats).
    Needs dit installed (``pip install 'exactdlm[test]'``)."""
    try:
        import dit
    except ImportError:
        raise ValueError("to_dit needs dit; install it with pip install dit (or 'exactdlm[test]')") from None
    law = as_law(p)
    arr = law.array
    L, V = arr.ndim, arr.shape[0]
    symbols = law.symbols if symbols is None else symbols
    if symbols is None:
        symbols = tuple(tuple(range(V)) for _ in range(L))
    try:
        ok = len(symbols) == L and all(len(s) >= V for s in symbols)
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"symbols must give {V} symbols for each of the {L} positions, e.g. [('a', 'b')] * {L}")
    outcomes, pmf = [], []
    for idx in np.ndindex(*arr.shape):
        q = arr[idx]
        if q == 0:
            continue
        outcome = tuple(symbols[i][v] for i, v in enumerate(idx))
        if any(s is None for s in outcome):
            raise ValueError(f"outcome {idx} has positive probability on a padding symbol (no user symbol)")
        outcomes.append(outcome)
        pmf.append(float(q))
    return dit.Distribution(outcomes, pmf)
