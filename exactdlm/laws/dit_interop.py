"""A ``dit.Distribution`` as a law on ``[V]^L`` (docs/theory.md §1).

dit stores a joint distribution as a list of outcomes (tuples or strings of one symbol per
variable) and a probability for each. The law on ``[V]^L`` puts ``p(outcome)`` at the index
tuple of its symbols: variable ``i``'s alphabet (dit's ``d.alphabet[i]``, in dit's order) is
numbered ``0, 1, ...``, and ``V`` is the largest alphabet size, the smaller alphabets padded
with symbols of probability 0. ``symbols[i][v]`` is the dit symbol at index ``v`` of position
``i`` (``None`` for a padding symbol), so results can be read back in the user's symbols.

Exact when every probability is a ``Fraction`` (or an int); a float law otherwise (dit 2.x
stores floats; ``JointLaw.to_exact(max_denominator=...)`` recovers the rationals). dit's flat
``d.pmf`` is *not* a law on ``[V]^L``: it lists the outcomes' probabilities in one axis, so
passing it reads the distribution as one variable; pass the Distribution itself.

``to_dit(q, symbols)`` (in :mod:`exactdlm.laws.dit_export`, which may import the law class
this module is imported by) goes back: any law on ``[V]^L`` as a dit Distribution.

dit is never imported by the way in: ``joint.is_dit_distribution`` recognises a Distribution by its
class's module, and this module only reads its attributes.
"""

from __future__ import annotations

from fractions import Fraction
from numbers import Rational

import numpy as np


def dit_to_array(d) -> tuple[np.ndarray, tuple[tuple, ...]]:
    """``(array, symbols)``: the law of ``d`` as an array of shape ``(V,)*L`` (float64, or an
    object array of Fractions when every probability is rational) and the symbol of each index."""
    if d.is_log():
        d = d.copy(base="linear")
    outcomes = list(d.outcomes)
    if not outcomes:
        raise ValueError("the dit Distribution has no outcomes; give a distribution with positive total")
    L = d.outcome_length()
    if L < 1:
        raise ValueError("the dit Distribution has outcomes of length 0; a law needs L >= 1 positions")
    alphabets = [tuple(a) for a in d.alphabet]
    V = max(2, max(len(a) for a in alphabets))
    index = [{s: v for v, s in enumerate(a)} for a in alphabets]
    probs = list(d.pmf)
    exact = all(isinstance(q, (Fraction, int, np.integer)) or
                (isinstance(q, Rational) and not isinstance(q, bool)) for q in probs)
    arr = np.zeros((V,) * L, dtype=object if exact else np.float64)
    if exact:
        arr.reshape(-1)[:] = Fraction(0)
    for outcome, q in zip(outcomes, probs):
        if len(outcome) != L:
            raise ValueError(f"dit outcome {outcome!r} has length {len(outcome)}, not {L}")
        idx = tuple(index[i][s] for i, s in enumerate(outcome))
        arr[idx] += Fraction(q) if exact else float(q)
    symbols = tuple(tuple(a) + (None,) * (V - len(a)) for a in alphabets)
    return arr, symbols
