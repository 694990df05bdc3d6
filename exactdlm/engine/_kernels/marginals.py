"""Kernels on the law's own array ``(V,)*L`` (no lattice): the one-site marginals (for TC)
and the entropies of the ``L`` marginals that drop one position, ``H(X_{-i})`` (for DTC and
the MI sum), docs/theory.md §3.
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


@njit(cache=True, parallel=True)
def _site_marginals(p, L, V):
    out = np.zeros((L, V))
    n = V**L
    for i in prange(L):
        stride = V ** (L - 1 - i)
        for o in range(0, n, V * stride):
            for v in range(V):
                acc = 0.0
                start = o + v * stride
                for r in range(stride):
                    acc += p[start + r]
                out[i, v] += acc
    return out


def site_marginals(p, L, V):
    """``out[i, v] = P(X_i = v)`` for a flat float64 law ``p`` (C order)."""
    with threads_for(p.size):
        return _site_marginals(p, L, V)


def site_marginals_py(p, L, V):
    """Pure-Python twin of :func:`site_marginals`."""
    out = np.zeros((L, V))
    for idx in range(V**L):
        rem = idx
        for i in range(L - 1, -1, -1):
            out[i, rem % V] += float(p[idx])
            rem //= V
    return out
