"""Kernels of the sampler DP modulo primes (multimodular exact arithmetic, docs/theory.md §7).

An exact law ``p = w / sum(w)`` with integer weights ``w`` has integer marginals ``w(x_R)``, and the
sampler's conditionals ``w(x_{R+j}) / w(x_R)`` do not depend on the scale. So the DP of
``sampler.block_step`` runs unchanged on residues modulo a prime ``P`` (every division by a
marginal becomes a multiplication by its inverse mod ``P``), for a batch of ``B`` primes at once:
every array carries a trailing axis of length ``B`` (one residue per prime), so the innermost loops
run over primes and vectorise. The rationals are rebuilt from the residues by CRT and rational
reconstruction (``engine.multimodular``).

Primes are below ``2^31`` so that a product of two residues fits an ``int64``; ``mulmod`` takes the
quotient from a float estimate (off by at most one) and corrects it. A marginal that is not 0 but
``≡ 0 (mod P)`` makes the prime unusable (``bad`` flag; the driver drops the prime); exact zeros are
known from the float marginals of the integer weights (a sum of nonnegative numbers is 0 only when
every term is 0, also in floating point).

Kernels. Their pure-Python twin is the ``Fraction`` arithmetic of ``sampler.block_step_py`` /
``block_marginals_py`` reduced mod ``P`` (``tests/test_multimodular.py`` compares them), and
``engine.multimodular.crt`` for the digits:

* ``marginals_mod``: all marginals in the mask-block layout (sums only);
* ``inverses_mod``: ``1 / w(x_R) mod P`` for every nonzero marginal (batch inversion, one ``pow`` per prime);
* ``block_step_mod``: one sampler step with a ``RATIO`` predictor (the law's or another law's
  conditionals, uniform ``1/V`` at contexts of weight 0), ``MIX`` on top of it, or a ``TABLE``;
* ``garner``: mixed-radix digits of CRT values, checked against further primes.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import njit, prange

from .sampler import MIX, SERIAL_WORK, TABLE, _nchunks, advance_counters, next_combination, pattern_offsets

#: the largest prime used is below this (a product of two residues fits an int64)
PRIME_LIMIT = 2**31


def _is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin for ``n < 3.4e14`` (bases 2, 3, 5, 7, 11, 13, 17)."""
    if n < 2:
        return False
    for q in (2, 3, 5, 7, 11, 13, 17):
        if n % q == 0:
            return n == q
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for a in (2, 3, 5, 7, 11, 13, 17):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


@lru_cache(maxsize=1)
def _prime_list() -> list[int]:
    return []


def primes(count: int) -> list[int]:
    """The ``count`` largest primes below :data:`PRIME_LIMIT`, descending (the same list every run)."""
    out = _prime_list()
    n = PRIME_LIMIT - 1 if not out else out[-1] - 2
    while len(out) < count:
        if _is_prime(n):
            out.append(n)
        n -= 2
    return out[:count]


@njit(cache=True, inline="always")
def mulmod(a, b, P, pinv):
    """``a b mod P`` for ``0 <= a, b < P < 2^31`` (``pinv = 1.0 / P``)."""
    r = a * b - np.int64(float(a) * float(b) * pinv) * P
    if r < 0:
        r += P
    elif r >= P:
        r -= P
    return r


@njit(cache=True)
def powmod(a, e, P, pinv):
    r = np.int64(1)
    while e:
        if e & 1:
            r = mulmod(r, a, P, pinv)
        a = mulmod(a, a, P, pinv)
        e >>= 1
    return r


# ----------------------------------------------------------------------------------------
# marginals and their inverses
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _marginals_mod(w_res, L, V, layer_masks_all, layer_mask_start, block_off, layer_start, primes_, out):
    B = len(primes_)
    base = layer_start[L]
    for k in range(V**L):
        for b in range(B):
            out[base + k, b] = w_res[k, b]
    for n in range(L - 1, -1, -1):
        for i in range(layer_mask_start[n], layer_mask_start[n + 1]):
            C = layer_masks_all[i]
            j = 0
            while C >> j & 1:
                j += 1
            P = C | (1 << j)
            lo, hi = V ** (n - j), V**j
            src = layer_start[n + 1] + block_off[P]
            dst = layer_start[n] + block_off[C]
            for h in range(hi):
                for l in range(lo):
                    d = dst + h * lo + l
                    for b in range(B):
                        out[d, b] = 0
                    for v in range(V):
                        s0 = src + (h * V + v) * lo + l
                        for b in range(B):
                            x = out[d, b] + out[s0, b]
                            out[d, b] = x - primes_[b] if x >= primes_[b] else x
    return out


def marginals_mod(w_res, L, V, layer_masks_all, layer_mask_start, block_off, layer_start, primes_):
    """Residues (``(n_layout, B)`` int64) of every marginal ``w(x_R)`` from the weights' residues
    ``w_res`` (``(V^L, B)``); the recursion of ``sampler.block_marginals``."""
    out = np.empty((int(layer_start[L + 1]), len(primes_)), dtype=np.int64)
    return _marginals_mod(w_res, L, V, layer_masks_all, layer_mask_start, block_off, layer_start, primes_, out)


@njit(cache=True)
def _inverses_mod(M, zero, primes_, out, bad):
    n, B = M.shape
    pinv = 1.0 / primes_
    acc = np.ones(B, dtype=np.int64)
    for i in range(n):  # prefix products of the nonzero entries, row by row (contiguous)
        if zero[i]:
            continue
        for b in range(B):
            x = M[i, b]
            if x == 0:
                bad[b] = True
                x = 1
            out[i, b] = acc[b]
            acc[b] = mulmod(acc[b], x, primes_[b], pinv[b])
    inv = np.empty(B, dtype=np.int64)
    for b in range(B):
        inv[b] = powmod(acc[b], primes_[b] - 2, primes_[b], pinv[b])
    for i in range(n - 1, -1, -1):
        if zero[i]:
            continue
        for b in range(B):
            x = M[i, b] if M[i, b] != 0 else 1
            out[i, b] = mulmod(out[i, b], inv[b], primes_[b], pinv[b])
            inv[b] = mulmod(inv[b], x, primes_[b], pinv[b])


def inverses_mod(M, zero, primes_):
    """``(inv, bad)``: ``inv[i, b] = 1 / M[i] mod P_b`` where ``zero[i]`` is False (0 elsewhere);
    ``bad[b]`` when some nonzero marginal is ``≡ 0 (mod P_b)`` (that prime cannot be used)."""
    out = np.zeros(M.shape, dtype=np.int64)
    bad = np.zeros(M.shape[1], dtype=np.bool_)
    _inverses_mod(M, zero, primes_, out, bad)
    return out, bad


# ----------------------------------------------------------------------------------------
# one sampler step
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _chunk_mod(Wsrc, Wdst, Mp, Minv, zero, Tab, lam, invV, code, dst_masks, allowed, s, scale,
               block_off, layer_start, t, L, V, primes_, i0, i1):
    B = len(primes_)
    pinv = np.empty(B)
    for b in range(B):
        pinv[b] = 1.0 / primes_[b]
    n = t + s
    local = np.empty((V**n, B), dtype=np.int64)
    prod = np.empty((V**s, B), dtype=np.int64)
    rows = np.empty((max(s, 1), V, B), dtype=np.int64)
    w0 = np.empty(B, dtype=np.int64)
    offR = np.empty(V**t, dtype=np.int64)
    offS = np.empty(V**s, dtype=np.int64)
    cpos = np.empty(L, dtype=np.int64)
    spos = np.empty(2 * L, dtype=np.int64)
    idx = np.empty(max(s, 1), dtype=np.int64)
    Pk = np.empty(max(s, 1), dtype=np.int64)
    basek = np.empty(max(s, 1), dtype=np.int64)
    lok = np.empty(max(s, 1), dtype=np.int64)
    hik = np.empty(max(s, 1), dtype=np.int64)
    mstart = layer_start[t]
    for i in range(i0, i1):
        C = dst_masks[i]
        local[:, :] = 0
        nc = 0
        for j in range(L):
            if C >> j & 1:
                cpos[nc] = j
                nc += 1
        cand = C & allowed
        ncand = 0
        for j in range(L):
            if cand >> j & 1:
                spos[ncand] = j
                ncand += 1
        if ncand >= s:
            for k in range(s):
                idx[k] = k
            while True:
                S = 0
                for k in range(s):
                    S |= 1 << spos[idx[k]]
                R = C ^ S
                size, wlast = pattern_offsets(C, S, cpos, n, s, t, L, V, block_off, layer_start, offR, offS,
                                              Pk, basek, lok, hik, spos)
                src = block_off[R]
                for a in range(size):
                    nz = False
                    for b in range(B):
                        if Wsrc[src + a, b] != 0:
                            nz = True
                    if nz:
                        m = mstart + src + a
                        if code == TABLE:
                            for k in range(s):
                                tb = ((m) * L + spos[L + k]) * V
                                for v in range(V):
                                    for b in range(B):
                                        rows[k, v, b] = Tab[tb + v, b]
                            for b in range(B):
                                w0[b] = Wsrc[src + a, b]
                        elif zero[m]:
                            for k in range(s):
                                for v in range(V):
                                    for b in range(B):
                                        rows[k, v, b] = invV[b]
                            for b in range(B):
                                w0[b] = Wsrc[src + a, b]
                        else:
                            for k in range(s):
                                P = Pk[k]
                                i0_ = basek[k] + hik[k] * P * V + lok[k]
                                for v in range(V):
                                    for b in range(B):
                                        rows[k, v, b] = Mp[i0_ + v * P, b]
                            for b in range(B):
                                x = Wsrc[src + a, b]
                                for k in range(s):
                                    x = mulmod(x, Minv[m, b], primes_[b], pinv[b])
                                w0[b] = x
                        if code == MIX:
                            # (1 - lam) row + lam / V, with row = Mp / m0 (so the 1/m0 factor moves in)
                            for k in range(s):
                                for v in range(V):
                                    for b in range(B):
                                        Pb = primes_[b]
                                        r = rows[k, v, b]
                                        if not zero[m]:
                                            r = mulmod(r, Minv[m, b], Pb, pinv[b])
                                        x = mulmod(r, (1 - lam[b]) % Pb, Pb, pinv[b]) + mulmod(lam[b], invV[b], Pb, pinv[b])
                                        rows[k, v, b] = x - Pb if x >= Pb else x
                            for b in range(B):
                                w0[b] = Wsrc[src + a, b]
                        for b in range(B):
                            prod[0, b] = w0[b]
                        ps = 1
                        for k in range(s - 1):
                            for q in range(ps - 1, -1, -1):
                                for v in range(V - 1, -1, -1):  # prod[q] (read by every v) is written last
                                    for b in range(B):
                                        prod[q * V + v, b] = mulmod(prod[q, b], rows[k, v, b], primes_[b], pinv[b])
                            ps *= V
                        base = offR[a]
                        for q in range(ps):
                            d = base + offS[q]
                            for v in range(V):
                                dd = d + v * wlast
                                for b in range(B):
                                    x = local[dd, b] + mulmod(prod[q, b], rows[s - 1, v, b], primes_[b], pinv[b])
                                    local[dd, b] = x - primes_[b] if x >= primes_[b] else x
                    advance_counters(lok, hik, Pk, s)
                if not next_combination(idx, ncand, s):
                    break
        d0 = block_off[C]
        for k in range(V**n):
            for b in range(B):
                x = Wdst[d0 + k, b] + mulmod(scale[b], local[k, b], primes_[b], pinv[b])
                Wdst[d0 + k, b] = x - primes_[b] if x >= primes_[b] else x


@njit(cache=True, parallel=True)
def _step_mod_par(Wsrc, Wdst, Mp, Minv, zero, Tab, lam, invV, code, dst_masks, allowed, s, scale,
                  block_off, layer_start, t, L, V, primes_, nchunks):
    nm = len(dst_masks)
    for ch in prange(nchunks):
        _chunk_mod(Wsrc, Wdst, Mp, Minv, zero, Tab, lam, invV, code, dst_masks, allowed, s, scale,
                   block_off, layer_start, t, L, V, primes_, ch * nm // nchunks, (ch + 1) * nm // nchunks)


def block_step_mod(Wsrc, Wdst, Mp, Minv, zero, Tab, lam, invV, code, dst_masks, allowed, s, scale,
                   block_off, layer_start, t, L, V, primes_, parallel=None):
    """One step of size ``s`` from layer ``t`` into layer ``t+s`` modulo every prime of the batch:
    ``Wdst[C] += scale sum_S Wsrc[C\\S] prod_{j in S} p̂(x_j | x_{C\\S})`` with ``p̂`` the ratio
    ``Mp[R+j] Minv[R]`` (``1/V`` where ``zero[R]``), ``MIX`` of it with ``lam``, or ``TABLE`` rows
    ``Tab[(state * L + j) * V + v]``. Arrays are ``(n, B)`` int64 residues."""
    nm = len(dst_masks)
    if parallel is None:
        parallel = nm * (s + 1) * V ** (t + s) * len(primes_) > SERIAL_WORK
    if parallel:
        _step_mod_par(Wsrc, Wdst, Mp, Minv, zero, Tab, lam, invV, code, dst_masks, allowed, s, scale,
                      block_off, layer_start, t, L, V, primes_, _nchunks(nm))
    else:
        _chunk_mod(Wsrc, Wdst, Mp, Minv, zero, Tab, lam, invV, code, dst_masks, allowed, s, scale,
                   block_off, layer_start, t, L, V, primes_, 0, nm)


# ----------------------------------------------------------------------------------------
# mixed-radix (Garner) digits of CRT values
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def radix_tables(primes_, K1):
    """``radix[k, l] = prod_{m<l} P_m mod P_k`` (``l <= min(k, K1)``) and ``inv[k] = 1/radix[k, k]``."""
    K = len(primes_)
    radix = np.zeros((K, K1 + 1), dtype=np.int64)
    inv = np.zeros(K, dtype=np.int64)
    for k in range(K):
        P = primes_[k]
        pinv = 1.0 / P
        r = np.int64(1)
        for l in range(min(k, K1) + 1):
            radix[k, l] = r
            if l < len(primes_):
                r = mulmod(r, primes_[l] % P, P, pinv)
        if k < K1:
            inv[k] = powmod(radix[k, k], P - 2, P, pinv)
    return radix, inv


@njit(cache=True, parallel=True)
def garner(res, primes_, K1, radix, inv, digits, ok):
    """Mixed-radix digits of each row's value over the first ``K1`` primes; ``ok[i]`` False when a
    later prime disagrees (the digits' value mod ``P_k``, ``k >= K1``, differs from the residue)."""
    n, K = res.shape
    for i in prange(n):
        for k in range(K):
            P = primes_[k]
            pinv = 1.0 / P
            acc = np.int64(0)  # value of the digits so far mod P
            for l in range(min(k, K1)):
                acc += mulmod(digits[i, l], radix[k, l], P, pinv)
                if acc >= P:
                    acc -= P
            if k < K1:
                diff = res[i, k] - acc
                if diff < 0:
                    diff += P
                digits[i, k] = mulmod(diff, inv[k], P, pinv)
            elif acc != res[i, k]:
                ok[i] = False
                break
