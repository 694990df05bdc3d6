"""Kernels on the law's own array ``(V,)*L`` (no lattice): entropies of the ``L`` marginals
that drop one position, ``H(X_{-i})``, which DTC and the MI sum need (THEORY.md §3).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .lattice import threads_for


@njit(cache=True, parallel=True)
def _leave_one_out(p, L, V):
    out = np.zeros(L)
    n = V**L
    for i in prange(L):
        stride = V ** (L - 1 - i)
        h = 0.0
        for o in range(0, n, V * stride):  # digits before i
            for r in range(stride):  # digits after i
                m = 0.0
                for v in range(V):
                    m += p[o + v * stride + r]
                if m > 0.0:
                    h -= m * math.log(m)
        out[i] = h
    return out


def leave_one_out_entropies(p, L, V):
    """``[H(X_{-i})]_{i<L}`` of a flat float64 law ``p`` (C order): one pass over ``p`` per position."""
    if L == 1:
        return np.zeros(1)
    with threads_for(p.size):
        return _leave_one_out(p, L, V)


def leave_one_out_entropies_py(p, L, V):
    """Pure-Python twin of :func:`leave_one_out_entropies`."""
    out = np.zeros(L)
    if L == 1:
        return out
    for i in range(L):
        stride = V ** (L - 1 - i)
        h = 0.0
        for o in range(0, V**L, V * stride):
            for r in range(stride):
                m = sum(float(p[o + v * stride + r]) for v in range(V))
                if m > 0:
                    h -= m * math.log(m)
        out[i] = h
    return out
