"""Kernels of the masked lattice: all marginals by summation passes, all subset entropies.

Layout: see the package docstring (digit V = masked, C order, bit j <-> position j).
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import numba
import numpy as np
from numba import njit, prange

#: lattices with fewer states run the parallel kernels on one thread: waking the thread pool
#: costs more than it saves there (tens of ms a pass when the cores are busy)
PARALLEL_MIN_STATES = 1 << 21


@contextmanager
def threads_for(n_states: int):
    """Run the enclosed parallel kernels on one thread when ``n_states`` is small."""
    if n_states >= PARALLEL_MIN_STATES:
        yield
        return
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(old)


# ----------------------------------------------------------------------------------------
# all marginals: L summation passes
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def unmasked_offsets(n, V):
    """Flat offsets (base ``V+1``, ``n`` digits) of the ``V^n`` digit strings with no mask, ascending."""
    B = V + 1
    out = np.zeros(V**n, dtype=np.int64)
    size, step = 1, 1
    for _ in range(n):  # prepend one digit per round: out[d*size + k] = d*step + out[k]
        for d in range(1, V):
            for k in range(size):
                out[d * size + k] = d * step + out[k]
        size *= V
        step *= B
    return out


#: parallel blocks per pass (each with its own row of entropy accumulators)
BLOCKS = 16
#: lattice elements of one cache block of the fused tail passes (256 KiB of float64)
TAIL_ELEMS = 32768


def _grid(L, V, j, blocks):
    """Split pass ``j``'s ``(outer, tail)`` index space into ``so x sk`` blocks."""
    so = min((V + 1) ** j, blocks)
    sk = max(1, min(V ** (L - 1 - j), blocks // so))
    return so, sk


def tail_width(L, V, tail_elems=None):
    """Number ``c`` of last axes whose passes run fused in blocks of ``(V+1)^c <= tail_elems``
    states (``TAIL_ELEMS`` by default; at least one axis)."""
    tail_elems = TAIL_ELEMS if tail_elems is None else tail_elems
    c = 1
    while c < L and (V + 1) ** (c + 1) <= tail_elems:
        c += 1
    return min(c, L)


@njit(cache=True, inline="always")
def _fill_run(M, V, stride, base, offs, k0, k1, entropy):
    """``M[base + offs[k] + V stride] = sum_v M[base + offs[k] + v stride]`` for ``k0 <= k < k1``;
    returns ``-sum m log m`` of the values written when ``entropy`` (else 0), compensated."""
    h, c = 0.0, 0.0
    for k in range(k0, k1):
        i = base + offs[k]
        acc = 0.0
        for v in range(V):
            acc += M[i + v * stride]
        M[i + V * stride] = acc
        if entropy and acc > 0.0:
            # Kahan's compensated step (every term has the same sign: no branch needed)
            y = -acc * math.log(acc) - c
            t = h + y
            c = (t - h) - y
            h = t
    return h


@njit(cache=True, inline="always")
def neumaier_add(s, c, x):
    """One step of Neumaier's compensated sum: ``(s, c)`` holds ``s + c`` (``c`` the running
    rounding error), so a sum of ``n`` terms is off by ``O(eps) sum |x|``, not ``O(n eps)``."""
    t = s + x
    if abs(s) >= abs(x):
        c += (s - t) + x
    else:
        c += (x - t) + s
    return t, c


@njit(cache=True, inline="always")
def _add_entropy(H, Hc, row, mask, h):
    """``H[row, mask] += h`` by Kahan's compensated step (entropies are >= 0: no branch needed);
    the sum is ``H - Hc``."""
    y = h - Hc[row, mask]
    t = H[row, mask] + y
    Hc[row, mask] = (t - H[row, mask]) - y
    H[row, mask] = t


@njit(cache=True, inline="always")
def _next_digits(digits, n, B, V, mask, bit0):
    """Increment the ``n`` digits (last fastest) whose position ``q`` has bitmask bit
    ``bit0 + q``; returns the updated revealed mask (digit ``V`` = masked)."""
    q = n - 1
    while q >= 0:
        d = digits[q] + 1
        if d == B:
            digits[q] = 0
            mask |= 1 << (bit0 + q)
            q -= 1
        else:
            digits[q] = d
            if d == V:
                mask &= ~(1 << (bit0 + q))
            break
    return mask


@njit(cache=True, parallel=True)
def _head_pass(M, L, V, j, offs, so, sk, H, Hc, entropy):
    """Fill the states whose last masked position is ``j``: ``M[o, V, u] = sum_v M[o, v, u]``
    on axis ``j``, for every outer index ``o`` (digits before ``j``) and every unmasked tail
    ``u`` (digits after ``j``, flat offsets ``offs``). Those sums read only states whose
    masks lie before ``j``, filled by earlier passes.

    With ``entropy``, ``-m log m`` of each written state is added to ``H[block, mask]``: all
    states of one ``o`` reveal the same set (the unmasked digits of ``o`` and every position
    after ``j``), kept current by a mixed-radix counter over the digits of ``o``.
    """
    B = V + 1
    stride = B ** (L - 1 - j)
    n_in, outer = V ** (L - 1 - j), B**j
    oc, kc = (outer + so - 1) // so, (n_in + sk - 1) // sk
    tail = 0
    for q in range(j + 1, L):
        tail |= 1 << q
    for t in prange(so * sk):
        o0, k0 = (t // sk) * oc, (t % sk) * kc
        o1, k1 = min(o0 + oc, outer), min(k0 + kc, n_in)
        if o0 >= o1 or k0 >= k1:
            continue
        digits = np.zeros(j + 1, dtype=np.int64)
        mask, rem = tail, o0
        for q in range(j - 1, -1, -1):
            digits[q] = rem % B
            rem //= B
            if digits[q] < V:
                mask |= 1 << q
        for o in range(o0, o1):
            h = _fill_run(M, V, stride, o * B * stride, offs, k0, k1, entropy)
            if entropy:
                _add_entropy(H, Hc, t, mask, h)
            mask = _next_digits(digits, j, B, V, mask, 0)


@njit(cache=True, parallel=True)
def _tail_passes(M, L, V, c, offs, H, Hc, nchunks, entropy):
    """The passes of the last ``c`` axes, fused: their sums never leave a block of ``(V+1)^c``
    consecutive states (one prefix of digits ``0..L-c-1``), so each block is finished in
    cache. Runs after the head passes (axes ``< L-c``), which its sums read."""
    B = V + 1
    head = L - c
    nblocks = B**head
    per = (nblocks + nchunks - 1) // nchunks
    for ch in prange(nchunks):
        digits = np.zeros(c + 1, dtype=np.int64)
        for P in range(ch * per, min((ch + 1) * per, nblocks)):
            pmask, rem = 0, P  # revealed bits of the prefix digits
            for q in range(head - 1, -1, -1):
                if rem % B < V:
                    pmask |= 1 << q
                rem //= B
            base = P * B**c
            for jj in range(c):  # axis j = head + jj
                stride, n_in = B ** (c - 1 - jj), V ** (c - 1 - jj)
                mask = pmask
                for q in range(head + jj + 1, L):
                    mask |= 1 << q
                for q in range(jj):
                    digits[q] = 0
                    mask |= 1 << (head + q)
                for o in range(B**jj):
                    h = _fill_run(M, V, stride, base + o * B * stride, offs, 0, n_in, entropy)
                    if entropy:
                        _add_entropy(H, Hc, ch, mask, h)
                    mask = _next_digits(digits, jj, B, V, mask, head)


def _fill(M, L, V, blocks, entropy):
    """Every masked state of ``M``, once; with ``entropy`` the per-block subset entropies."""
    c = tail_width(L, V)
    offs = unmasked_offsets(max(L - 1, 0), V)
    H = np.zeros((blocks, 1 << L) if entropy else (1, 1))
    Hc = np.zeros(H.shape)  # Kahan compensation of the sums in H (the sums are H - Hc)
    with threads_for(M.size):
        for j in range(L - c):
            so, sk = _grid(L, V, j, blocks)
            _head_pass(M, L, V, j, offs, so, sk, H, Hc, entropy)
        _tail_passes(M, L, V, c, unmasked_offsets(max(c - 1, 0), V), H, Hc, blocks, entropy)
    return H - Hc


def lattice_sum_passes(M, L, V, blocks=BLOCKS):
    """In place: ``M[state] = p(x_R)`` for every state, from ``p`` in the unmasked states.

    On entry ``M`` holds ``p`` in the states with no mask (other entries are ignored and
    overwritten). Pass ``j`` fills only the states whose **last** masked position is ``j``,
    summing axis ``j`` over states whose masks all lie before ``j`` (filled by earlier
    passes): each masked state is written once, ``V ((V+1)^L - V^L)`` additions in all,
    against ``L V (V+1)^(L-1)`` for full passes over every axis (``lattice_sum_passes_py``).
    The passes of the last axes run fused in cache-sized blocks (``_tail_passes``).
    """
    _fill(M, L, V, blocks, False)
    return M


@njit(cache=True)
def _unmasked_entropy(M, offs):
    h, c = 0.0, 0.0
    for i in offs:
        m = M[i]
        if m > 0.0:
            h, c = neumaier_add(h, c, -m * math.log(m))
    return h + c


def lattice_entropies(M, L, V, blocks=BLOCKS):
    """Fill ``M`` as :func:`lattice_sum_passes` and return ``H[mask] = -sum M log M`` over the
    states revealing ``mask`` (every subset entropy), from the single write of each state."""
    H = _fill(M, L, V, blocks, True).sum(axis=0)
    H[(1 << L) - 1] = _unmasked_entropy(M, unmasked_offsets(L, V))
    return H


def lattice_entropies_py(M, L, V):
    """Pure-Python twin of :func:`lattice_entropies`: full passes, then the entropy walk."""
    lattice_sum_passes_py(M, L, V)
    return subset_entropy_pass_py(M, L, V)


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
def _entropy_chunk(M, L, V, c, ch, acc_row, comp_row):
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
            acc_row[mask], comp_row[mask] = neumaier_add(acc_row[mask], comp_row[mask], -m * math.log(m))
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
    comp = np.zeros((nchunks, 1 << L))
    for ch in prange(nchunks):
        _entropy_chunk(M, L, V, c, ch, acc[ch], comp[ch])
    return (acc + comp).sum(axis=0)


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
