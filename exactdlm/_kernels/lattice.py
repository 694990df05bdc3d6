"""Kernels of the masked lattice: all marginals by summation passes, all subset entropies.

Layout: see the package docstring (digit V = masked, C order, bit j <-> position j).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


# ----------------------------------------------------------------------------------------
# all marginals: L summation passes
# ----------------------------------------------------------------------------------------
@njit(cache=True, parallel=True)
def lattice_sum_passes(M, L, V):
    """In place: for each axis j, ``M[.., V, ..] = sum_{v<V} M[.., v, ..]`` (axis j).

    On entry ``M`` holds ``p`` in the states with no mask and zeros elsewhere; on exit
    ``M[state] = p(x_R)``, the marginal of the revealed values.
    """
    B = V + 1
    for j in range(L):
        stride = B ** (L - 1 - j)
        outer = B**j
        for o in prange(outer):
            base = o * B * stride
            for i in range(stride):
                acc = 0.0
                for v in range(V):
                    acc += M[base + v * stride + i]
                M[base + V * stride + i] = acc
    return M


def lattice_sum_passes_py(M, L, V):
    """Pure-Python twin of :func:`lattice_sum_passes` (works on object arrays too)."""
    B = V + 1
    for j in range(L):
        stride = B ** (L - 1 - j)
        for o in range(B**j):
            base = o * B * stride
            for i in range(stride):
                acc = M[base + i] * 0
                for v in range(V):
                    acc = acc + M[base + v * stride + i]
                M[base + V * stride + i] = acc
    return M


# ----------------------------------------------------------------------------------------
# entropies of all subsets in one pass
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _entropy_chunk(M, L, V, c, ch, acc_row):
    """Walk the states whose first ``c`` digits spell ``ch``, adding ``-m log m`` by revealed mask."""
    B = V + 1
    digits = np.zeros(L, dtype=np.int64)
    rem = ch
    for k in range(c - 1, -1, -1):
        digits[k] = rem % B
        rem //= B
    mask = 0
    for k in range(L):
        if digits[k] < V:
            mask |= 1 << k
    inner_len = B ** (L - c)
    start = ch * inner_len
    for s in range(start, start + inner_len):
        m = M[s]
        if m > 0.0:
            acc_row[mask] -= m * math.log(m)
        # increment digits c..L-1 (position L-1 fastest)
        k = L - 1
        while k >= c:
            d = digits[k] + 1
            if d == B:
                digits[k] = 0
                mask |= 1 << k  # digit 0 < V: revealed
                k -= 1
            else:
                digits[k] = d
                if d == V:
                    mask &= ~(1 << k)
                break


@njit(cache=True, parallel=True)
def subset_entropy_pass(M, L, V):
    """``H[mask] = -sum_{states with revealed set mask} M log M`` for every mask in 0..2^L-1.

    The pass is split into ``(V+1)^c`` chunks by the first ``c`` digits (parallel), each
    walking its states with a mixed-radix counter and keeping the revealed mask updated.
    """
    B = V + 1
    c = 2 if L >= 2 else L
    nchunks = B**c
    acc = np.zeros((nchunks, 1 << L))
    for ch in prange(nchunks):
        _entropy_chunk(M, L, V, c, ch, acc[ch])
    return acc.sum(axis=0)


def subset_entropy_pass_py(M, L, V):
    """Pure-Python twin of :func:`subset_entropy_pass`."""
    B = V + 1
    out = np.zeros(1 << L)
    for s in range(B**L):
        m = float(M[s])
        if m <= 0:
            continue
        mask, rem = 0, s
        for j in range(L - 1, -1, -1):
            if rem % B < V:
                mask |= 1 << j
            rem //= B
        out[mask] -= m * math.log(m)
    return out
