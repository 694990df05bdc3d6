"""The masked lattice (docs/theory.md §7): every partial assignment of ``[V]^L`` and its probability.

A state is a digit string ``d_0..d_{L-1}``, ``d_j in 0..V``, ``d_j = V`` meaning position
``j`` is masked; its flat index is ``sum_j d_j (V+1)^(L-1-j)``. ``M[state] = p(x_R)`` with
``R`` the revealed positions, so ``M[all masked] = 1`` and the unmasked states hold ``p``.
All ``(V+1)^L`` marginals come from ``L`` summation passes (``_kernels.lattice_sum_passes``).
An exact law's lattice is computed in integers, ``p(x_R) = N[state] / W`` over the common
denominator ``W`` (``integer_lattice``), and only then turned into ``Fraction``s.

Conditionals ``p(x_j = v | x_R) = M[x_R, x_j = v] / M[x_R]``; at a context with
``M[x_R] = 0`` the convention of docs/theory.md §1 applies: uniform on ``[V]``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from . import _kernels
from ..laws.joint import EXACT_ENTRY_BYTES, check_fits, lattice_bytes
from ..laws import JointLaw, as_law


def n_states(L: int, V: int) -> int:
    return (V + 1) ** L


def state_index(L: int, V: int, revealed) -> int:
    """Flat index of the state revealing ``revealed`` (a dict position -> value, or pairs)."""
    items = dict(revealed.items() if isinstance(revealed, dict) else revealed)
    idx = 0
    for j in range(L):
        v = items.get(j, V)
        if not 0 <= v <= V:
            raise ValueError(f"value {v} at position {j} is outside 0..{V - 1}")
        idx = idx * (V + 1) + int(v)
    if any(not 0 <= j < L for j in items):
        raise ValueError(f"positions must lie in 0..{L - 1}, got {sorted(items)}")
    return idx


def state_digits(L: int, V: int, index: int) -> tuple[int, ...]:
    """Digits of a flat state index (``V`` = masked), position 0 first."""
    if not 0 <= index < (V + 1) ** L:
        raise ValueError(f"state index {index} outside 0..{(V + 1) ** L - 1}")
    digits = []
    for _ in range(L):
        index, d = divmod(index, V + 1)
        digits.append(d)
    return tuple(reversed(digits))


def state_revealed(L: int, V: int, index: int) -> dict[int, int]:
    """The (position -> value) assignment of a state."""
    return {j: d for j, d in enumerate(state_digits(L, V, index)) if d < V}


def embed(p: np.ndarray, V: int) -> np.ndarray:
    """The law placed in the unmasked states of a zero lattice, flat (dtype of ``p``)."""
    L = p.ndim
    M = np.zeros((V + 1,) * L, dtype=p.dtype)
    if p.dtype == object:
        M[...] = Fraction(0)
    M[(slice(0, V),) * L] = p
    return M.reshape(-1)


def integer_lattice(p) -> tuple[np.ndarray, int]:
    """``(N, W)`` for an exact law: ``p(x_R) = N[state] / W`` with integer ``N`` (object array of
    Python ints), ``W`` the least common denominator of ``p`` (``JointLaw.as_counts``).

    Sums of integers below ``2^53`` are exact in float64, so when ``W < 2^53`` the float
    kernel fills the lattice; otherwise the pure-Python passes add Python ints.
    """
    law = as_law(p)
    L, V = law.L, law.V
    check_fits(lattice_bytes(L, V, itemsize=EXACT_ENTRY_BYTES), f"the exact masked lattice (V+1)^L with L={L}, V={V}")
    counts, W = law.as_counts()
    if W < 2**53:
        N = _kernels.lattice_sum_passes(embed(counts.astype(np.float64), V), L, V)
        flat = np.empty(N.size, dtype=object)
        flat[:] = N.astype(np.int64).tolist()
        return flat, W
    return _kernels.lattice_sum_passes_py(embed(counts.astype(object), V), L, V), W


def marginal_lattice(p) -> np.ndarray:
    """``M`` of shape ``((V+1)^L,)``: float64 for a float law, ``Fraction`` objects for an exact one."""
    law = as_law(p)
    L, V = law.L, law.V
    if law.exact:
        N, W = integer_lattice(law)
        M = np.empty(N.size, dtype=object)
        M[:] = [Fraction(n, W) for n in N]
        return M
    check_fits(lattice_bytes(L, V, copies=1), f"the masked lattice (V+1)^L with L={L}, V={V}")
    return _kernels.lattice_sum_passes(embed(law.array, V), L, V)


class Lattice:
    """All marginals of one law, with conditional look-ups. ``Lattice(p).M`` is the flat array."""

    def __init__(self, p):
        self.law: JointLaw = as_law(p)
        self.L, self.V, self.exact = self.law.L, self.law.V, self.law.exact
        self.M = marginal_lattice(self.law)

    def prob(self, revealed) -> float | Fraction:
        """``p(x_R)`` for a (position -> value) assignment."""
        return self.M[state_index(self.L, self.V, revealed)]

    def conditional(self, j: int, revealed) -> np.ndarray:
        """``p(x_j = . | x_R)``, length V; uniform at a context of probability 0."""
        items = dict(revealed.items() if isinstance(revealed, dict) else revealed)
        if j in items:
            raise ValueError(f"position {j} is already revealed in the context {items}")
        L, V = self.L, self.V
        if not 0 <= j < L:
            raise ValueError(f"position j={j} must lie in 0..{L - 1}")
        base = state_index(L, V, items)
        stride = (V + 1) ** (L - 1 - j)
        ctx = self.M[base]
        if ctx == 0:
            return np.full(V, Fraction(1, V), dtype=object) if self.exact else np.full(V, 1.0 / V)
        vals = [self.M[base - (V - v) * stride] for v in range(V)]
        if self.exact:
            out = np.empty(V, dtype=object)
            out[:] = [x / ctx for x in vals]
            return out
        return np.array(vals) / ctx
