"""Kernels of the sampler DP (docs/theory.md §7) on the *mask-block layout* of the masked lattice.

Layout. The ``(V+1)^L`` states are grouped by revealed set ``R`` (bitmask, bit j <-> position
j): the block of ``R`` holds ``V^|R|`` values ``x_R`` in C order (lowest position most
significant), so the block of the full mask is ``p.reshape(-1)``. Blocks are ordered by
``(|R|, R)``; a *layer* ``t`` is the contiguous run of the blocks with ``|R| = t``
(``layer_start[t]``), ``block_off[R]`` is the offset of ``R``'s block inside its layer.
Compared with the flat C-order lattice of ``lattice.py`` this keeps every block contiguous, so a
step reads its parents' blocks and writes its child's block sequentially.

Kernels (each with a pure-Python twin ``*_py`` that also runs on ``Fraction`` object arrays,
which is how the exact mode runs):

* ``block_marginals``: all marginals ``p(x_R)`` in the layout (one reduction per block).
* ``cond_row``: one row ``p̂(. | x_R)`` of a predictor, by predictor code:
  ``RATIO`` (conditionals of a joint law, ``Mp[R+j]/Mp[R]``, uniform where ``Mp[R] = 0``),
  ``TABLE`` (a layout-ordered table), ``TEMPERATURE`` (``∝ row^(1/T)``), ``MIX``
  (``(1-λ) row + λ/V``), ``NOISY`` (``∝ row · (1 + scale·u)``, ``u`` a seeded dyadic hash).
* ``block_step``: one sampler step of size ``s`` from layer ``t`` to ``t+s``:
  ``Wdst[C, x_C] += scale · sum_{S ⊆ C∩allowed, |S|=s} Wsrc[C\\S, x_{C\\S}] prod_{j in S} p̂(x_j | x_{C\\S})``.
  Every token of the block is drawn from the *same* frozen context ``C\\S``. Parallel over child
  masks (each child block is written by one thread only).
* ``unit_step_ratio``: the same for ``s = 1`` and a ``RATIO`` predictor, using
  ``Wdst[C] = Mp[C] · sum_j Wsrc[C-j]/Mp[C-j]`` (plus ``Wsrc/V`` where ``Mp[C-j] = 0``).
* ``learning_terms``: ``D(R, j) = E_{x_R ~ p} KL(p(.|x_R) || p̂(.|x_R))`` for every mask and position.

``block_marginals``, ``block_step``, ``unit_step_ratio`` and ``learning_terms`` are thin Python
entry points choosing a serial numba kernel for small work (below :data:`SERIAL_WORK`) and a
``prange`` kernel (chunks of child masks) otherwise; both share the same inner njit functions.
Cost of a step: one multiply-add per (parent state, child state) pair, i.e.
``C(L, t+s) V^(t+s) C(t+s, s)`` for a step of size ``s`` from ``t`` revealed tokens.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from math import comb

import numpy as np
from numba import njit, prange

RATIO, TABLE, TEMPERATURE, MIX, NOISY = 0, 1, 2, 3, 4
CODES = {"ratio": RATIO, "table": TABLE, "temperature": TEMPERATURE, "mix": MIX, "noisy": NOISY}

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
# uint64 twins of the constants for numba (int literals above 2^63 do not type as int64)
_U_GOLDEN, _U_M1, _U_M2 = np.uint64(_GOLDEN), np.uint64(_M1), np.uint64(_M2)
#: bits of the dyadic noise ``u = k / 2^NOISE_BITS``
NOISE_BITS = 20


# ----------------------------------------------------------------------------------------
# layout tables (plain numpy, run once per (L, V))
# ----------------------------------------------------------------------------------------
@lru_cache(maxsize=16)
def layout(L: int, V: int):
    """``(layer_masks, block_off, layer_start)`` of the mask-block layout (cached: do not modify).

    ``layer_masks[t]``: int64 array of the masks with ``t`` bits, ascending;
    ``block_off[R]``: offset of R's block inside layer ``|R|``;
    ``layer_start``: int64 array of length ``L+2``, start of each layer in the full layout.
    """
    masks = np.arange(1 << L, dtype=np.int64)
    pops = np.zeros(1 << L, dtype=np.int64)
    for j in range(L):
        pops += (masks >> j) & 1
    block_off = np.zeros(1 << L, dtype=np.int64)
    layer_masks = []
    layer_start = np.zeros(L + 2, dtype=np.int64)
    for t in range(L + 1):
        mt = masks[pops == t]
        layer_masks.append(mt)
        block_off[mt] = np.arange(len(mt), dtype=np.int64) * V**t
        layer_start[t + 1] = layer_start[t] + comb(L, t) * V**t
    return tuple(layer_masks), block_off, layer_start


def layout_to_flat(L: int, V: int) -> np.ndarray:
    """For every layout position, the flat C-order index of the same state in ``lattice.py``."""
    layer_masks, block_off, layer_start = layout(L, V)
    B = V + 1
    out = np.empty(int(layer_start[L + 1]), dtype=np.int64)
    for t in range(L + 1):
        for R in layer_masks[t]:
            pos = [j for j in range(L) if R >> j & 1]
            vals = np.indices((V,) * t).reshape(t, -1) if t else np.zeros((0, 1), dtype=np.int64)
            flat = np.zeros(vals.shape[1], dtype=np.int64)
            for j in range(L):
                flat = flat * B + (vals[pos.index(j)] if j in pos else V)
            start = layer_start[t] + block_off[R]
            out[start : start + V**t] = flat
    return out


# ----------------------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _popcount(x):
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


def _popcount_py(x: int) -> int:
    return bin(x).count("1")


@njit(cache=True)
def _mix64(z):
    z = (z ^ (z >> np.uint64(30))) * _U_M1
    z = (z ^ (z >> np.uint64(27))) * _U_M2
    return z ^ (z >> np.uint64(31))


def _mix64_py(z: int) -> int:
    z = ((z ^ (z >> 30)) * _M1) & _MASK64
    z = ((z ^ (z >> 27)) * _M2) & _MASK64
    return z ^ (z >> 31)


@njit(cache=True)
def noise_int(seed, R, a, j, v):
    """The seeded integer ``k in [0, 2^NOISE_BITS)`` of the noisy predictor at ``(R, x_R, j, v)``."""
    h = _mix64(np.uint64(seed) + _U_GOLDEN)
    h = _mix64(h ^ np.uint64(R))
    h = _mix64(h ^ np.uint64(a))
    h = _mix64(h ^ np.uint64(j * 65536 + v))
    return np.int64(h >> np.uint64(64 - NOISE_BITS))


def noise_int_py(seed: int, R: int, a: int, j: int, v: int) -> int:
    h = _mix64_py((seed + _GOLDEN) & _MASK64)
    h = _mix64_py(h ^ R)
    h = _mix64_py(h ^ a)
    h = _mix64_py(h ^ (j * 65536 + v))
    return h >> (64 - NOISE_BITS)


# ----------------------------------------------------------------------------------------
# all marginals in the layout
# ----------------------------------------------------------------------------------------
#: below this much work (array entries touched, about 5-10 ms serial) the serial kernels run: on
#: a machine shared with other jobs a parallel launch can cost several milliseconds
SERIAL_WORK = 10_000_000


def _nchunks(n_items: int) -> int:
    return max(1, min(n_items, 64))


@njit(cache=True)
def _marginal_blocks(out, n, L, V, layer_masks_all, m0, i0, i1, block_off, layer_start):
    """Blocks ``i0..i1-1`` of layer ``n``: ``C`` sums its parent ``C + j`` (``j`` lowest not in ``C``) over ``x_j``."""
    for i in range(i0, i1):
        C = layer_masks_all[m0 + i]
        j = 0
        while C >> j & 1:
            j += 1
        P = C | (1 << j)
        lo = V ** (n - j)
        hi = V**j
        src = layer_start[n + 1] + block_off[P]
        dst = layer_start[n] + block_off[C]
        for k in range(hi * lo):
            out[dst + k] = 0.0
        for h in range(hi):
            for v in range(V):
                s0 = src + (h * V + v) * lo
                d0 = dst + h * lo
                for l in range(lo):
                    out[d0 + l] += out[s0 + l]


@njit(cache=True, parallel=True)
def _block_marginals_par(p_flat, L, V, layer_masks_all, layer_mask_start, block_off, layer_start, out):
    base = layer_start[L]
    for k in range(V**L):
        out[base + k] = p_flat[k]
    for n in range(L - 1, -1, -1):
        m0, m1 = layer_mask_start[n], layer_mask_start[n + 1]
        nm = m1 - m0
        nch = min(nm, 64)
        for ch in prange(nch):
            _marginal_blocks(out, n, L, V, layer_masks_all, m0, ch * nm // nch, (ch + 1) * nm // nch,
                             block_off, layer_start)
    return out


@njit(cache=True)
def _block_marginals_ser(p_flat, L, V, layer_masks_all, layer_mask_start, block_off, layer_start, out):
    base = layer_start[L]
    for k in range(V**L):
        out[base + k] = p_flat[k]
    for n in range(L - 1, -1, -1):
        m0, m1 = layer_mask_start[n], layer_mask_start[n + 1]
        _marginal_blocks(out, n, L, V, layer_masks_all, m0, 0, m1 - m0, block_off, layer_start)
    return out


def block_marginals(p_flat, L, V, layer_masks_all, layer_mask_start, block_off, layer_start, out, parallel=None):
    """``out`` (layout, float64) gets ``p(x_R)`` for every block: the full block is ``p``; a block
    ``C`` sums its parent ``C + j`` (``j`` the lowest position not in ``C``) over ``x_j``.
    ``parallel=None`` picks the parallel kernel for large lattices."""
    if parallel is None:
        parallel = len(out) * V > SERIAL_WORK
    fn = _block_marginals_par if parallel else _block_marginals_ser
    return fn(p_flat, L, V, layer_masks_all, layer_mask_start, block_off, layer_start, out)


def block_marginals_py(p_flat, L, V, layer_masks_all, layer_mask_start, block_off, layer_start, out):
    """Pure-Python twin of :func:`block_marginals` (object arrays allowed)."""
    base = layer_start[L]
    for k in range(V**L):
        out[base + k] = p_flat[k]
    for n in range(L - 1, -1, -1):
        for i in range(layer_mask_start[n], layer_mask_start[n + 1]):
            C = int(layer_masks_all[i])
            j = 0
            while C >> j & 1:
                j += 1
            P = C | (1 << j)
            lo, hi = V ** (n - j), V**j
            src = layer_start[n + 1] + block_off[P]
            dst = layer_start[n] + block_off[C]
            for h in range(hi):
                for l in range(lo):
                    acc = out[src + h * V * lo + l] * 0
                    for v in range(V):
                        acc = acc + out[src + (h * V + v) * lo + l]
                    out[dst + h * lo + l] = acc
    return out


# ----------------------------------------------------------------------------------------
# predictor rows
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def cond_row(code, Mp, Tab, params, seed, block_off, layer_start, L, V, t, R, a, j, out):
    """``out[v] = p̂(x_j = v | x_R)`` at the state ``(R, a)`` of layer ``t`` (``j`` not in ``R``)."""
    if code == TABLE:
        base = ((layer_start[t] + block_off[R] + a) * L + j) * V
        for v in range(V):
            out[v] = Tab[base + v]
        return
    m0 = Mp[layer_start[t] + block_off[R] + a]
    if m0 <= 0.0:
        for v in range(V):
            out[v] = 1.0 / V
    else:
        P = V ** _popcount(R >> (j + 1))
        hi = a // P
        base = layer_start[t + 1] + block_off[R | (1 << j)] + hi * P * V + (a - hi * P)
        for v in range(V):
            out[v] = Mp[base + v * P] / m0
    if code == TEMPERATURE:
        top = 0.0
        for v in range(V):
            top = max(top, out[v])
        tot = 0.0
        for v in range(V):
            out[v] = (out[v] / top) ** params[0] if out[v] > 0.0 else 0.0
            tot += out[v]
        for v in range(V):
            out[v] /= tot
    elif code == MIX:
        lam = params[0]
        for v in range(V):
            out[v] = (1.0 - lam) * out[v] + lam / V
    elif code == NOISY:
        tot = 0.0
        for v in range(V):
            u = noise_int(seed, R, a, j, v) / 2.0**NOISE_BITS
            out[v] = out[v] * (1.0 + params[0] * u)
            tot += out[v]
        for v in range(V):
            out[v] /= tot


def cond_row_py(code, Mp, Tab, params, seed, block_off, layer_start, L, V, t, R, a, j, out):
    """Pure-Python twin of :func:`cond_row`; exact when ``Mp``/``Tab``/``params`` hold Fractions."""
    if code == TABLE:
        base = ((layer_start[t] + block_off[R] + a) * L + j) * V
        for v in range(V):
            out[v] = Tab[base + v]
        return
    m0 = Mp[layer_start[t] + block_off[R] + a]
    exact = isinstance(m0, Fraction)
    if m0 <= 0:
        for v in range(V):
            out[v] = Fraction(1, V) if exact else 1.0 / V
    else:
        P = V ** _popcount_py(R >> (j + 1))
        hi = a // P
        base = layer_start[t + 1] + block_off[R | (1 << j)] + hi * P * V + (a - hi * P)
        for v in range(V):
            out[v] = Mp[base + v * P] / m0
    transform_row_py(code, out, params, seed, R, a, j, V, exact)


def transform_row_py(code, out, params, seed, R, a, j, V, exact):
    """Apply a perturbation (``TEMPERATURE``, ``MIX``, ``NOISY``) to the base row ``out[:V]`` in place.

    Exact (Fractions) when ``exact`` and the parameters are Fractions; ``TEMPERATURE`` is exact
    only for an integer power ``1/T``."""
    if code == TEMPERATURE:
        power = params[0]
        if exact and isinstance(power, Fraction) and power.denominator == 1:
            vals = [x ** power.numerator for x in out[:V]]
        else:
            top = max(float(x) for x in out[:V])
            vals = [(float(x) / top) ** float(power) if x > 0 else 0.0 for x in out[:V]]
        tot = sum(vals[1:], vals[0])
        for v in range(V):
            out[v] = vals[v] / tot
    elif code == MIX:
        lam = params[0]
        for v in range(V):
            out[v] = (1 - lam) * out[v] + lam / V
    elif code == NOISY:
        scale = params[0]
        vals = []
        for v in range(V):
            k = noise_int_py(seed, R, a, j, v)
            u = Fraction(k, 2**NOISE_BITS) if isinstance(scale, Fraction) else k / 2.0**NOISE_BITS
            vals.append(out[v] * (1 + scale * u))
        tot = sum(vals[1:], vals[0])
        for v in range(V):
            out[v] = vals[v] / tot


# ----------------------------------------------------------------------------------------
# one step of the sampler
# ----------------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def pattern_offsets(C, S, cpos, n, s, t, L, V, block_off, layer_start, offR, offS, Pk, basek, lok, hik, spos):
    """Index tables of one pattern ``S`` inside the child ``C = R ∪ S`` (``|R| = t``, ``n = t + s``):
    ``offR[a]`` / ``offS[q]`` = offsets of ``x_R = a`` / of the first ``s-1`` new values inside the
    child block, ``Pk[k]``, ``basek[k]`` = stride and block start of ``R + j_k`` (the ``k``-th new
    position ``spos[L+k]``), counters ``lok``/``hik`` reset. Returns ``(V^t, wlast)``, ``wlast``
    the stride of the last new position (expanded by the caller while adding)."""
    R = C ^ S
    # offsets of x_R and x_S inside the child block (position weight V^(n-1-rank in C))
    offR[0] = 0
    size = 1
    offS[0] = 0
    sizeS = 1
    k = 0
    wlast = 1
    for r in range(n):
        j = cpos[r]
        w = V ** (n - 1 - r)
        if S >> j & 1:
            if k == s - 1:
                wlast = w  # the last new position is expanded while adding (see below)
            else:
                for q in range(sizeS - 1, -1, -1):
                    b = offS[q]
                    for v in range(V):
                        offS[q * V + v] = b + v * w
                sizeS *= V
            # the k-th new position: P_j = V^(#R positions after j), block of R + j
            P = 1
            for r2 in range(r + 1, n):
                if not (S >> cpos[r2] & 1):
                    P *= V
            Pk[k] = P
            basek[k] = layer_start[t + 1] + block_off[R | (1 << j)]
            lok[k] = 0
            hik[k] = 0
            spos[L + k] = j
            k += 1
        else:
            for q in range(size - 1, -1, -1):
                b = offR[q]
                for v in range(V):
                    offR[q * V + v] = b + v * w
            size *= V
    return size, wlast


@njit(cache=True, inline="always")
def advance_counters(lok, hik, Pk, s):
    """Step the ``s`` mixed-radix pattern counters (``lok[k]`` wraps at ``Pk[k]`` into ``hik[k]``)."""
    for k in range(s):
        lok[k] += 1
        if lok[k] == Pk[k]:
            lok[k] = 0
            hik[k] += 1


@njit(cache=True, inline="always")
def next_combination(idx, ncand, s) -> bool:
    """Advance ``idx`` to the next ``s``-combination of ``0..ncand-1`` (lexicographic); False after the last."""
    k = s - 1
    while k >= 0 and idx[k] == ncand - s + k:
        k -= 1
    if k < 0:
        return False
    idx[k] += 1
    for q in range(k + 1, s):
        idx[q] = idx[q - 1] + 1
    return True


@njit(cache=True, inline="always")
def _child_block(Wsrc, Mp, Tab, params, seed, code, C, allowed, s, block_off, layer_start, t, L, V,
                 local, prod, offR, offS, cpos, spos, idx, row, rows, Pk, basek, lok, hik):
    """``local[x_C] = sum_S Wsrc[C\\S] prod_{j in S} p̂(x_j | x_{C\\S})`` for one child mask ``C``.

    For each ``S`` the parent block ``R = C\\S`` is read in order; the rows of a ``RATIO`` predictor
    are read from the blocks ``R+j`` at ``ins_j(a, v)`` kept by counters (``a = hi_j P_j + lo_j``)."""
    n = t + s
    for k in range(V**n):
        local[k] = 0.0
    nc = 0
    for j in range(L):
        if C >> j & 1:
            cpos[nc] = j
            nc += 1
    cand = C & allowed
    ncand = 0
    for j in range(L):
        if cand >> j & 1:
            spos[ncand] = j  # candidate positions, ascending; S picks s of them via idx
            ncand += 1
    if ncand < s:
        return
    for k in range(s):
        idx[k] = k
    mstart = layer_start[t]
    while True:
        S = 0
        for k in range(s):
            S |= 1 << spos[idx[k]]
        R = C ^ S
        size, wlast = pattern_offsets(C, S, cpos, n, s, t, L, V, block_off, layer_start, offR, offS, Pk, basek,
                                      lok, hik, spos)
        src = block_off[R]
        for a in range(size):
            wa = Wsrc[src + a]
            if wa != 0.0:
                if code == RATIO:
                    m0 = Mp[mstart + src + a]
                    if m0 > 0.0:
                        inv = 1.0 / m0
                        for k in range(s):
                            P = Pk[k]
                            i0 = basek[k] + hik[k] * P * V + lok[k]
                            for v in range(V):
                                rows[k, v] = Mp[i0 + v * P] * inv
                    else:
                        for k in range(s):
                            for v in range(V):
                                rows[k, v] = 1.0 / V
                else:
                    for k in range(s):
                        cond_row(code, Mp, Tab, params, seed, block_off, layer_start, L, V, t, R, a,
                                 spos[L + k], row)
                        for v in range(V):
                            rows[k, v] = row[v]
                prod[0] = wa
                ps = 1
                for k in range(s - 1):
                    for q in range(ps - 1, -1, -1):
                        x = prod[q]
                        for v in range(V):
                            prod[q * V + v] = x * rows[k, v]
                    ps *= V
                base = offR[a]
                for q in range(ps):
                    x = prod[q]
                    d = base + offS[q]
                    for v in range(V):
                        local[d + v * wlast] += x * rows[s - 1, v]
            advance_counters(lok, hik, Pk, s)
        if not next_combination(idx, ncand, s):
            break


@njit(cache=True)
def _block_chunk(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                 block_off, layer_start, t, L, V, i0, i1):
    """Child masks ``dst_masks[i0:i1]`` of one step (generic ``V``)."""
    n = t + s
    local = np.empty(V**n)
    prod = np.empty(V**s)
    offR = np.empty(V**t, dtype=np.int64)
    offS = np.empty(V**s, dtype=np.int64)
    cpos = np.empty(L, dtype=np.int64)
    spos = np.empty(2 * L, dtype=np.int64)
    idx = np.empty(max(s, 1), dtype=np.int64)
    row = np.empty(V)
    rows = np.empty((max(s, 1), V))
    Pk = np.empty(max(s, 1), dtype=np.int64)
    basek = np.empty(max(s, 1), dtype=np.int64)
    lok = np.empty(max(s, 1), dtype=np.int64)
    hik = np.empty(max(s, 1), dtype=np.int64)
    for i in range(i0, i1):
        C = dst_masks[i]
        _child_block(Wsrc, Mp, Tab, params, seed, code, C, allowed, s, block_off, layer_start,
                     t, L, V, local, prod, offR, offS, cpos, spos, idx, row, rows, Pk, basek, lok, hik)
        d0 = block_off[C]
        for k in range(V**n):
            Wdst[d0 + k] += scale * local[k]


@njit(cache=True)
def _block_chunk_v2(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                    block_off, layer_start, t, L, i0, i1):
    """:func:`_block_chunk` with the constant ``V = 2`` (the loops over values unroll: ~1.5x)."""
    n = t + s
    local = np.empty(2**n)
    prod = np.empty(2**s)
    offR = np.empty(2**t, dtype=np.int64)
    offS = np.empty(2**s, dtype=np.int64)
    cpos = np.empty(L, dtype=np.int64)
    spos = np.empty(2 * L, dtype=np.int64)
    idx = np.empty(max(s, 1), dtype=np.int64)
    row = np.empty(2)
    rows = np.empty((max(s, 1), 2))
    Pk = np.empty(max(s, 1), dtype=np.int64)
    basek = np.empty(max(s, 1), dtype=np.int64)
    lok = np.empty(max(s, 1), dtype=np.int64)
    hik = np.empty(max(s, 1), dtype=np.int64)
    for i in range(i0, i1):
        C = dst_masks[i]
        _child_block(Wsrc, Mp, Tab, params, seed, code, C, allowed, s, block_off, layer_start,
                     t, L, 2, local, prod, offR, offS, cpos, spos, idx, row, rows, Pk, basek, lok, hik)
        d0 = block_off[C]
        for k in range(2**n):
            Wdst[d0 + k] += scale * local[k]


@njit(cache=True, parallel=True)
def _block_step_par(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                    block_off, layer_start, t, L, V, nchunks):
    nm = len(dst_masks)
    for ch in prange(nchunks):
        i0, i1 = ch * nm // nchunks, (ch + 1) * nm // nchunks
        if V == 2:
            _block_chunk_v2(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                            block_off, layer_start, t, L, i0, i1)
        else:
            _block_chunk(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                         block_off, layer_start, t, L, V, i0, i1)


def block_step(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
               block_off, layer_start, t, L, V, parallel=None):
    """One step of size ``s`` from layer ``t`` (``Wsrc``) into layer ``t+s`` (``Wdst``, accumulated):
    ``Wdst[C, x_C] += scale sum_{S ⊆ C∩allowed, |S|=s} Wsrc[C\\S] prod_{j in S} p̂(x_j | x_{C\\S})``.
    Parallel over child masks for large steps (``parallel=None`` decides by the work)."""
    nm = len(dst_masks)
    if parallel is None:
        parallel = nm * comb(t + s, s) * V ** (t + s) > SERIAL_WORK
    if parallel:
        _block_step_par(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                        block_off, layer_start, t, L, V, _nchunks(nm))
    elif V == 2:
        _block_chunk_v2(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                        block_off, layer_start, t, L, 0, nm)
    else:
        _block_chunk(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                     block_off, layer_start, t, L, V, 0, nm)


def block_step_py(Wsrc, Wdst, Mp, Tab, params, seed, code, dst_masks, allowed, s, scale,
                  block_off, layer_start, t, L, V):
    """Pure-Python twin of :func:`block_step`, straight from the formula (object arrays allowed)."""
    from itertools import combinations, product

    n = t + s
    zero = Wsrc[0] * 0 if len(Wsrc) else 0.0
    row = [zero] * V
    for C in dst_masks:
        C = int(C)
        cpos = [j for j in range(L) if C >> j & 1]
        cand = [j for j in cpos if allowed >> j & 1]
        local = [zero] * V**n
        for S_pos in combinations(cand, s):
            S = sum(1 << j for j in S_pos)
            R = C ^ S
            rpos = [j for j in cpos if not S >> j & 1]
            for a, xR in enumerate(product(range(V), repeat=t)):
                wa = Wsrc[block_off[R] + a]
                if wa == 0:
                    continue
                rows = {}
                for j in S_pos:
                    cond_row_py(code, Mp, Tab, params, seed, block_off, layer_start, L, V, t, R, a, j, row)
                    rows[j] = list(row)
                for xS in product(range(V), repeat=s):
                    val = dict(zip(rpos, xR))
                    val.update(zip(S_pos, xS))
                    term = wa
                    for j, v in zip(S_pos, xS):
                        term = term * rows[j][v]
                    k = 0
                    for j in cpos:
                        k = k * V + val[j]
                    local[k] = local[k] + term
        d0 = block_off[C]
        for k in range(V**n):
            Wdst[d0 + k] = Wdst[d0 + k] + scale * local[k]


@njit(cache=True)
def _ratio_blocks(Wsrc, Mp, src_masks, i0, i1, block_off, layer_start, t, V, A, zflag):
    """``A = Wsrc/Mp`` on source blocks ``i0..i1-1`` (0 where ``Mp = 0``); flag blocks holding
    mass at contexts of probability 0."""
    blk = V**t
    for i in range(i0, i1):
        R = src_masks[i]
        sb = block_off[R]
        mb = layer_start[t] + sb
        z = False
        for k in range(blk):
            m = Mp[mb + k]
            if m > 0.0:
                A[sb + k] = Wsrc[sb + k] / m
            else:
                A[sb + k] = 0.0
                if Wsrc[sb + k] != 0.0:
                    z = True
        zflag[R] = z


@njit(cache=True)
def _unit_chunk(Wsrc, Wdst, Mp, dst_masks, allowed, scale, block_off, layer_start, t, L, V, i0, i1, A, zflag):
    """Child masks ``dst_masks[i0:i1]`` of a unit step with a ``RATIO`` predictor."""
    n = t + 1
    size = V**n
    acc1 = np.empty(size)
    acc2 = np.empty(size)
    for i in range(i0, i1):
        C = dst_masks[i]
        for k in range(size):
            acc1[k] = 0.0
        any_zero = False
        r = 0
        for j in range(L):
            if not (C >> j & 1):
                continue
            rank = r
            r += 1
            if not (allowed >> j & 1):
                continue
            R = C ^ (1 << j)
            sb = block_off[R]
            lo = V ** (n - 1 - rank)
            hi = V**rank
            if lo == 1:
                for h in range(hi):
                    x = A[sb + h]
                    for v in range(V):
                        acc1[h * V + v] += x
            else:
                # parent element read once, added to its V children (stride lo)
                for h in range(hi):
                    s0 = sb + h * lo
                    d0 = h * V * lo
                    for l in range(lo):
                        x = A[s0 + l]
                        for v in range(V):
                            acc1[d0 + v * lo + l] += x
            if zflag[R]:
                if not any_zero:
                    any_zero = True
                    for k in range(size):
                        acc2[k] = 0.0
                mb = layer_start[t] + sb
                for h in range(hi):
                    for l in range(lo):
                        k = h * lo + l
                        if Mp[mb + k] <= 0.0:
                            w = Wsrc[sb + k] / V
                            for v in range(V):
                                acc2[(h * V + v) * lo + l] += w
        d0 = block_off[C]
        mc = layer_start[n] + block_off[C]
        if any_zero:
            for k in range(size):
                Wdst[d0 + k] += scale * (Mp[mc + k] * acc1[k] + acc2[k])
        else:
            for k in range(size):
                Wdst[d0 + k] += scale * (Mp[mc + k] * acc1[k])


@njit(cache=True, parallel=True)
def _unit_step_par(Wsrc, Wdst, Mp, src_masks, dst_masks, allowed, scale, block_off, layer_start, t, L, V,
                   nchunks, A, zflag):
    ns = len(src_masks)
    for ch in prange(nchunks):
        _ratio_blocks(Wsrc, Mp, src_masks, ch * ns // nchunks, (ch + 1) * ns // nchunks, block_off,
                      layer_start, t, V, A, zflag)
    nm = len(dst_masks)
    for ch in prange(nchunks):
        _unit_chunk(Wsrc, Wdst, Mp, dst_masks, allowed, scale, block_off, layer_start, t, L, V,
                    ch * nm // nchunks, (ch + 1) * nm // nchunks, A, zflag)


def unit_step_ratio(Wsrc, Wdst, Mp, src_masks, dst_masks, allowed, scale, block_off, layer_start, t, L, V,
                    A, parallel=None):
    """Step of size 1 with a ``RATIO`` predictor: ``Wdst[C] += scale (Mp[C] sum_j A[C-j] + sum_j B[C-j])``,
    ``A = Wsrc/Mp`` where ``Mp > 0`` (computed once per source state into the scratch ``A``, at least
    as long as ``Wsrc``), ``B = Wsrc/V`` where ``Mp = 0``."""
    zflag = np.zeros(1 << L, dtype=np.bool_)
    nm = len(dst_masks)
    if parallel is None:
        parallel = nm * (t + 1) * V ** (t + 1) > SERIAL_WORK
    if parallel:
        _unit_step_par(Wsrc, Wdst, Mp, src_masks, dst_masks, allowed, scale, block_off, layer_start, t, L, V,
                       _nchunks(max(nm, len(src_masks))), A, zflag)
    else:
        _ratio_blocks(Wsrc, Mp, src_masks, 0, len(src_masks), block_off, layer_start, t, V, A, zflag)
        _unit_chunk(Wsrc, Wdst, Mp, dst_masks, allowed, scale, block_off, layer_start, t, L, V, 0, nm, A, zflag)


def unit_step_ratio_py(Wsrc, Wdst, Mp, src_masks, dst_masks, allowed, scale, block_off, layer_start, t, L, V,
                       A=None):
    """Pure-Python twin of :func:`unit_step_ratio`."""
    n = t + 1
    for C in dst_masks:
        C = int(C)
        cpos = [j for j in range(L) if C >> j & 1]
        for k in range(V**n):
            digits = [(k // V ** (n - 1 - r)) % V for r in range(n)]
            total = Wsrc[0] * 0 if len(Wsrc) else 0.0
            for r, j in enumerate(cpos):
                if not allowed >> j & 1:
                    continue
                R = C ^ (1 << j)
                a = 0
                for r2 in range(n):
                    if r2 != r:
                        a = a * V + digits[r2]
                w = Wsrc[block_off[R] + a]
                m = Mp[layer_start[t] + block_off[R] + a]
                if m > 0:
                    total = total + w * Mp[layer_start[n] + block_off[C] + k] / m
                else:
                    total = total + w / V
            Wdst[block_off[C] + k] = Wdst[block_off[C] + k] + scale * total


# ----------------------------------------------------------------------------------------
# learning terms D(R, j) = E_{x_R ~ p} KL(p(.|x_R) || p̂(.|x_R))
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _learning_masks(D, M, Mp, Tab, params, seed, code, layer_masks_all, m0, i0, i1, block_off, layer_start,
                    t, L, V):
    row = np.empty(V)
    for i in range(i0, i1):
        R = layer_masks_all[m0 + i]
        for j in range(L):
            if R >> j & 1:
                continue
            P = V ** _popcount(R >> (j + 1))
            acc = 0.0
            for a in range(V**t):
                mR = M[layer_start[t] + block_off[R] + a]
                if mR <= 0.0:
                    continue
                cond_row(code, Mp, Tab, params, seed, block_off, layer_start, L, V, t, R, a, j, row)
                hi = a // P
                base = layer_start[t + 1] + block_off[R | (1 << j)] + hi * P * V + (a - hi * P)
                for v in range(V):
                    mv = M[base + v * P]
                    if mv > 0.0:
                        if row[v] <= 0.0:
                            acc = np.inf
                        else:
                            acc += mv * (math.log(mv / mR) - math.log(row[v]))
            D[R, j] = acc


@njit(cache=True, parallel=True)
def _learning_par(D, M, Mp, Tab, params, seed, code, layer_masks_all, layer_mask_start, block_off,
                  layer_start, L, V):
    for t in range(L):
        m0, m1 = layer_mask_start[t], layer_mask_start[t + 1]
        nm = m1 - m0
        nch = min(nm, 64)
        for ch in prange(nch):
            _learning_masks(D, M, Mp, Tab, params, seed, code, layer_masks_all, m0, ch * nm // nch,
                            (ch + 1) * nm // nch, block_off, layer_start, t, L, V)


@njit(cache=True)
def _learning_ser(D, M, Mp, Tab, params, seed, code, layer_masks_all, layer_mask_start, block_off,
                  layer_start, L, V):
    for t in range(L):
        m0, m1 = layer_mask_start[t], layer_mask_start[t + 1]
        _learning_masks(D, M, Mp, Tab, params, seed, code, layer_masks_all, m0, 0, m1 - m0, block_off,
                        layer_start, t, L, V)


def learning_terms(M, Mp, Tab, params, seed, code, layer_masks_all, layer_mask_start, block_off,
                   layer_start, L, V, parallel=None):
    """``D[R, j] = E_{x_R ~ p} KL(p(.|x_R) || p̂(.|x_R))`` for all masks ``R`` and ``j`` not in ``R``
    (``inf`` where ``p̂ = 0 < p``); ``M`` holds ``p``'s marginals in the layout."""
    D = np.zeros((1 << L, L))
    if parallel is None:
        parallel = len(M) * L > SERIAL_WORK
    fn = _learning_par if parallel else _learning_ser
    fn(D, M, Mp, Tab, params, seed, code, layer_masks_all, layer_mask_start, block_off, layer_start, L, V)
    return D


def learning_terms_py(M, Mp, Tab, params, seed, code, layer_masks_all, layer_mask_start, block_off,
                      layer_start, L, V):
    """Pure-Python twin of :func:`learning_terms` (floats)."""
    D = np.zeros((1 << L, L))
    row = [0.0] * V
    for t in range(L):
        for R in layer_masks_all[layer_mask_start[t] : layer_mask_start[t + 1]]:
            R = int(R)
            for j in range(L):
                if R >> j & 1:
                    continue
                P = V ** _popcount_py(R >> (j + 1))
                acc = 0.0
                for a in range(V**t):
                    mR = float(M[layer_start[t] + block_off[R] + a])
                    if mR <= 0:
                        continue
                    cond_row_py(code, Mp, Tab, params, seed, block_off, layer_start, L, V, t, R, a, j, row)
                    hi = a // P
                    base = layer_start[t + 1] + block_off[R | (1 << j)] + hi * P * V + (a - hi * P)
                    for v in range(V):
                        mv = float(M[base + v * P])
                        if mv > 0:
                            acc = math.inf if row[v] <= 0 else acc + mv * (math.log(mv / mR) - math.log(float(row[v])))
                D[R, j] = acc
    return D
