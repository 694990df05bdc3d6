"""Kernels of the structured engine (``exactdlm.structured``): exchangeable count laws,
the sampler's count DP, Markov-chain information curves and the optimal-schedule DP.

Everything here works in **log space** (float64 logs of probabilities), because at
L = 4096 the probabilities underflow and the binomial coefficients overflow float64.
Each numba kernel has a pure-Python twin (``*_py``) that works in **linear space** on any
number type (``float`` or ``fractions.Fraction``); the twins are the reference the tests
compare the kernels with, and with ``Fraction`` inputs they are the exact path.

Count grids (exchangeable laws over ``[V]``): the law of the symbol counts of ``t``
positions lives on the compositions ``n = (n_0, ..., n_{V-1})`` of ``t``. A layer is stored
densely on the grid ``(n_1, ..., n_{V-1}) in {0..t}^(V-1)`` with flat index
``sum_{v>=1} n_v (t+1)^(v-1)`` (``n_0 = t - sum``); grid points with ``sum > t`` hold
``-inf``. For ``V = 2`` the index is simply the number of ones.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

NEG_INF = -np.inf
#: log-probabilities below this contribute nothing representable (exp underflows)
LOG_NEGLIGIBLE = -740.0


# ----------------------------------------------------------------------------------------
# scalar helpers
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _logaddexp(a, b):
    if a == NEG_INF:
        return b
    if b == NEG_INF:
        return a
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


@njit(cache=True)
def kl_atom(d):
    """``f(d) = d e^d - (e^d - 1) = (1+u) log(1+u) - u`` with ``u = e^d - 1`` (>= 0).

    ``KL(a || b) = sum_v b_v f(log a_v - log b_v)`` for probability vectors ``a, b``: a sum
    of nonnegative terms, so small divergences come out without cancellation. Near 0 the
    series ``sum_{k>=2} (k-1) d^k / k!`` is used; ``f(-inf) = 1``.
    """
    if d == NEG_INF:
        return 1.0
    if abs(d) < 0.05:
        # (k-1)/k! d^k, k = 2..12: truncation error < 0.05^13/10^8, far below one ulp
        total = 0.0
        dk = d * d
        fk = 2.0
        for k in range(2, 13):
            total += (k - 1) * dk / fk
            dk *= d
            fk *= k + 1
        return total
    e = math.exp(d)
    return d * e - (e - 1.0)


def kl_atom_py(d: float) -> float:
    """Pure-Python twin of :func:`kl_atom` by the direct formula (math.log1p form)."""
    if d == -math.inf:
        return 1.0
    u = math.expm1(d)
    return (1.0 + u) * math.log1p(u) - u


@njit(cache=True)
def _decode(idx, R, D, n):
    """Fill ``n[1..D]`` from a grid index of radix ``R``; return ``n_1 + ... + n_D``."""
    s = 0
    for v in range(1, D + 1):
        d = idx % R
        idx //= R
        n[v] = d
        s += d
    return s


# ----------------------------------------------------------------------------------------
# exchangeable count layers
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def exch_mixture_layer(t, V, logw, logtheta, logfact):
    """``log P_t(n)`` for a mixture of i.i.d. laws: ``P_t(n) = sum_m w_m mult(t; n) prod_v theta_mv^n_v``.

    ``logw``: (M,) log weights; ``logtheta``: (M, V) log symbol probabilities (``-inf``
    allowed); ``logfact[k] = log k!``.
    """
    D = V - 1
    R = t + 1
    size = R**D
    M = logw.shape[0]
    out = np.full(size, NEG_INF)
    n = np.zeros(V, dtype=np.int64)
    tmp = np.empty(M)
    for idx in range(size):
        s = _decode(idx, R, D, n)
        if s > t:
            continue
        n[0] = t - s
        lm = logfact[t]
        for v in range(V):
            lm -= logfact[n[v]]
        mx = NEG_INF
        am = -1
        for m in range(M):
            a = logw[m]
            for v in range(V):
                if n[v] > 0:
                    a += n[v] * logtheta[m, v]
            tmp[m] = a
            if a > mx:
                mx = a
                am = m
        if mx == NEG_INF:
            continue
        acc = 0.0
        for m in range(M):
            if m != am and tmp[m] - mx > -745.0:
                acc += math.exp(tmp[m] - mx)
        out[idx] = lm + mx + (math.log1p(acc) if acc > 0.0 else 0.0)
    return out


@njit(cache=True)
def exch_thin(logP, t, V):
    """One thinning step ``t -> t-1``: ``P_{t-1}(n) = sum_v P_t(n + e_v) (n_v + 1) / t``.

    (Dropping a uniformly random one of the ``t`` positions of an exchangeable vector.)
    """
    D = V - 1
    R = t + 1
    Rn = t
    size = Rn**D
    out = np.full(size, NEG_INF)
    n = np.zeros(V, dtype=np.int64)
    logt = math.log(t)
    for idx in range(size):
        s = _decode(idx, Rn, D, n)
        if s > t - 1:
            continue
        n[0] = t - 1 - s
        base = 0
        pw = 1
        for v in range(1, D + 1):
            base += n[v] * pw
            pw *= R
        acc = NEG_INF
        pw = 1
        for v in range(V):
            if v == 0:
                src = base
            else:
                src = base + pw
                pw *= R
            lp = logP[src]
            if lp != NEG_INF:
                acc = _logaddexp(acc, lp + math.log(n[v] + 1.0) - logt)
        out[idx] = acc
    return out


@njit(cache=True)
def exch_log_conditionals(logP, logP1, t, V):
    """``log p(x_{t+1} = v | counts n of x_1..x_t)`` for every grid point of layer ``t``.

    ``= log P_{t+1}(n + e_v) + log(n_v + 1) - log(t + 1) - log P_t(n)``; uniform
    (``-log V``) at counts of probability 0 (docs/theory.md §1). Shape ``(size_t, V)``.
    """
    D = V - 1
    R = t + 1
    R1 = t + 2
    size = R**D
    out = np.full((size, V), -math.log(V))
    n = np.zeros(V, dtype=np.int64)
    lt1 = math.log(t + 1.0)
    for idx in range(size):
        lp = logP[idx]
        if lp == NEG_INF:
            continue
        s = _decode(idx, R, D, n)
        n[0] = t - s
        base = 0
        pw = 1
        for v in range(1, D + 1):
            base += n[v] * pw
            pw *= R1
        pw = 1
        for v in range(V):
            if v == 0:
                src = base
            else:
                src = base + pw
                pw *= R1
            l1 = logP1[src]
            if l1 == NEG_INF:
                out[idx, v] = NEG_INF
            else:
                out[idx, v] = l1 + math.log(n[v] + 1.0) - lt1 - lp
    return out


@njit(cache=True)
def exch_layer_terms(logP, logP1, t, V, logfact, logint, pi0):
    """``(H_t, Ī(t))`` of one layer (``logP1`` = layer ``t+1``, or empty to skip ``Ī``).

    ``H_t = H(X_1..X_t) = -sum_n P_t(n) [log P_t(n) - log mult(t; n)]`` (each sequence with
    counts ``n`` has probability ``P_t(n) / mult(t; n)``).
    ``Ī(t) = I(X_{t+1}; X_1..X_t) = sum_n P_t(n) KL(p(.|n) || p_1)`` (docs/theory.md §3 for an
    exchangeable law) with ``log p(v|n) = log P_{t+1}(n + e_v) + log(n_v+1) - log(t+1) -
    log P_t(n)``, summed as nonnegative terms ``P_t(n) pi0_v f(log p(v|n) - log pi0_v)``.
    Entries below ``LOG_NEGLIGIBLE`` are skipped (their exp underflows). ``logint[k] = log k``.
    """
    D = V - 1
    R = t + 1
    R1 = t + 2
    n = np.zeros(V, dtype=np.int64)
    lt1 = logint[t + 1]
    with_info = logP1.shape[0] > 0
    H = 0.0
    total = 0.0
    for idx in range(logP.shape[0]):
        lp = logP[idx]
        if lp < LOG_NEGLIGIBLE:
            continue
        s = _decode(idx, R, D, n)
        n[0] = t - s
        p = math.exp(lp)
        lm = logfact[t]
        for v in range(V):
            lm -= logfact[n[v]]
        H -= p * (lp - lm)
        if not with_info:
            continue
        base = 0
        pw = 1
        for v in range(1, D + 1):
            base += n[v] * pw
            pw *= R1
        kl = 0.0
        pw = 1
        for v in range(V):
            if v == 0:
                src = base
            else:
                src = base + pw
                pw *= R1
            if pi0[v] == 0.0:
                continue
            l1 = logP1[src]
            if l1 == NEG_INF:
                kl += pi0[v]
            else:
                kl += pi0[v] * kl_atom(l1 + logint[n[v] + 1] - lt1 - lp - math.log(pi0[v]))
        total += p * kl
    return H, total


@njit(cache=True)
def _mixture_layers_chunk(L, V, logw, logtheta, logfact, offs, out, c, nchunks):
    for t in range(c, L + 1, nchunks):
        out[offs[t]:offs[t + 1]] = exch_mixture_layer(t, V, logw, logtheta, logfact)


@njit(cache=True, parallel=True)
def exch_mixture_all_layers(L, V, logw, logtheta, logfact, offs, nchunks):
    """Every layer ``log P_t``, t = 0..L, of a mixture of i.i.d. laws, flat at ``offs[t]``;
    ``nchunks`` interleaved chunks of t run in parallel (1: one thread)."""
    out = np.empty(offs[L + 1])
    for c in prange(nchunks):
        _mixture_layers_chunk(L, V, logw, logtheta, logfact, offs, out, c, nchunks)
    return out


@njit(cache=True)
def _curves_chunk(flat, offs, L, V, logfact, logint, pi0, g, Ib, c, nchunks):
    empty = np.zeros(0)
    for t in range(1 + c, L + 1, nchunks):
        lay = flat[offs[t]:offs[t + 1]]
        nxt = flat[offs[t + 1]:offs[t + 2]] if t <= L - 1 else empty
        H, I = exch_layer_terms(lay, nxt, t, V, logfact, logint, pi0)
        g[t] = H
        if t <= L - 1:
            Ib[t] = I


@njit(cache=True)
def exch_curves_serial(flat, offs, L, V, logfact, logint):
    """:func:`exch_curves` on one thread, outside any parallel region (small laws)."""
    g = np.zeros(L + 1)
    Ib = np.zeros(L)
    pi0 = np.zeros(V)
    if L >= 1:
        for v in range(V):
            pi0[v] = math.exp(flat[offs[1] + (0 if v == 0 else 2 ** (v - 1))])
    _curves_chunk(flat, offs, L, V, logfact, logint, pi0, g, Ib, 0, 1)
    return g, Ib


@njit(cache=True)
def exch_mixture_all_layers_serial(L, V, logw, logtheta, logfact, offs):
    """:func:`exch_mixture_all_layers` on one thread, outside any parallel region."""
    out = np.empty(offs[L + 1])
    _mixture_layers_chunk(L, V, logw, logtheta, logfact, offs, out, 0, 1)
    return out


@njit(cache=True, parallel=True)
def exch_curves(flat, offs, L, V, logfact, logint, nchunks):
    """``g(t)`` (t = 0..L) and ``Ī(t)`` (t = 0..L-1) from all layers (flat at ``offs``);
    ``nchunks`` interleaved chunks of t run in parallel (1: one thread)."""
    g = np.zeros(L + 1)
    Ib = np.zeros(L)
    pi0 = np.zeros(V)
    if L >= 1:
        for v in range(V):
            pi0[v] = math.exp(flat[offs[1] + (0 if v == 0 else 2 ** (v - 1))])
    for c in prange(nchunks):
        _curves_chunk(flat, offs, L, V, logfact, logint, pi0, g, Ib, c, nchunks)
    return g, Ib


@njit(cache=True)
def exch_count_dp(V, state_t, w_off, tr_src, tr_dst, tr_logw, pi_flat, pi_off,
                  comp_data, comp_logc, comp_off, comp_cnt, W):
    """Push count mass along a size chain (docs/theory.md §7, mixture law by DP, on counts).

    ``W`` (flat, log mass) holds for each chain state ``a`` (revealed count ``state_t[a]``)
    a count grid at ``w_off[a]``; on entry only the start state's single point is 0.
    Transitions ``(tr_src, tr_dst, tr_logw)`` come sorted so that a state's mass is final
    before it is pushed. A step of size ``s`` from counts ``n`` adds counts ``m`` with the
    multinomial law ``mult(s; m) prod_v pi_v(n)^m_v``, every new token drawn from the same
    context ``n`` (``pi_flat`` at ``pi_off[t]``, rows of V logs). Compositions of ``s`` are
    rows ``comp_off[s] .. + comp_cnt[s]`` of ``comp_data`` with log coefficients ``comp_logc``.
    """
    D = V - 1
    n = np.zeros(V, dtype=np.int64)
    for e in range(tr_src.shape[0]):
        a = tr_src[e]
        b = tr_dst[e]
        lw = tr_logw[e]
        if lw == NEG_INF:
            continue
        t = state_t[a]
        t2 = state_t[b]
        s = t2 - t
        R = t + 1
        R2 = t2 + 1
        size = R**D
        po = pi_off[t]
        oa = w_off[a]
        ob = w_off[b]
        c0 = comp_off[s]
        for idx in range(size):
            wv = W[oa + idx]
            if wv == NEG_INF:
                continue
            _decode(idx, R, D, n)
            base = wv + lw
            for c in range(comp_cnt[s]):
                row = c0 + c
                val = base + comp_logc[row]
                ok = True
                for v in range(V):
                    m = comp_data[row, v]
                    if m > 0:
                        lp = pi_flat[po + idx * V + v]
                        if lp == NEG_INF:
                            ok = False
                            break
                        val += m * lp
                if not ok:
                    continue
                tidx = 0
                pw = 1
                for v in range(1, D + 1):
                    tidx += (n[v] + comp_data[row, v]) * pw
                    pw *= R2
                W[ob + tidx] = _logaddexp(W[ob + tidx], val)
    return W


def exch_layers_py(top, L: int, V: int):
    """Twin of the thinning pass: every layer ``P_t`` (dict composition -> mass), t = 0..L.

    ``top``: dict composition-of-L (tuple of V counts) -> probability (any number type).
    """
    layers = [None] * (L + 1)
    layers[L] = {n: p for n, p in top.items() if p != 0}
    for t in range(L, 0, -1):
        nxt: dict = {}
        for n, p in layers[t].items():
            for v in range(V):
                if n[v] == 0:
                    continue
                m = n[:v] + (n[v] - 1,) + n[v + 1:]
                nxt[m] = nxt.get(m, 0) + p * n[v] / t
        layers[t - 1] = nxt
    return layers


def _multinomial(t, n):
    out = math.factorial(t)
    for k in n:
        out //= math.factorial(k)
    return out


def exch_curves_py(layers, L: int, V: int):
    """Twin of :func:`exch_curves` from linear-space layers (any number type).

    ``g(t) = -sum_n P_t(n) log(P_t(n)/mult(t; n))`` and ``Ī(t) = sum_n P_t(n) sum_v p(v|n)
    log(p(v|n)/p_1(v))`` by the plain formulas (LogForm values for Fraction layers).
    """
    from fractions import Fraction

    from ...arith import LogForm

    exact = any(isinstance(p, Fraction) for lay in layers for p in lay.values())

    def acc_log(total, ratio, coef):
        if exact:
            total._add_term(Fraction(ratio), Fraction(coef))
            return total
        return total + float(coef) * math.log(float(ratio))

    g = [LogForm() if exact else 0.0 for _ in range(L + 1)]
    Ib = [LogForm() if exact else 0.0 for _ in range(L)]
    for t in range(1, L + 1):
        for n, p in layers[t].items():
            if p != 0:
                g[t] = acc_log(g[t], p / _multinomial(t, n), -p)
    pi0 = exch_conditional_py(layers, 0, (0,) * V, V)
    for t in range(1, L):
        for n, p in layers[t].items():
            if p == 0:
                continue
            pi = exch_conditional_py(layers, t, n, V)
            for v in range(V):
                if pi[v] != 0:
                    Ib[t] = acc_log(Ib[t], pi[v] / pi0[v], p * pi[v])
    return g, Ib


def exch_conditional_py(layers, t: int, n, V: int):
    """``p(x_{t+1} = . | counts n)`` from linear-space layers; uniform at probability 0."""
    from fractions import Fraction

    p = layers[t].get(n, 0)
    exact = isinstance(p, Fraction) or all(isinstance(x, Fraction) for x in layers[t].values())
    if p == 0:
        return [Fraction(1, V) if exact else 1.0 / V] * V
    out = []
    for v in range(V):
        m = n[:v] + (n[v] + 1,) + n[v + 1:]
        out.append(layers[t + 1].get(m, 0) * (n[v] + 1) / ((t + 1) * p))
    return out


def compositions_of(s: int, V: int):
    """All compositions of ``s`` into ``V`` nonnegative parts (tuples), in a fixed order."""
    if V == 1:
        yield (s,)
        return
    for first in range(s, -1, -1):
        for rest in compositions_of(s - first, V - 1):
            yield (first,) + rest


def exch_count_dp_py(layers, V: int, state_t, transitions, start: int, end: int):
    """Twin of :func:`exch_count_dp` in linear space: law of the counts at state ``end``.

    ``transitions``: list of ``(src, dst, prob)`` in processing order.
    Returns a dict composition -> mass (exact with Fraction inputs).
    """
    W = {start: {(0,) * V: 1}}
    for a, b, w in transitions:
        if w == 0 or a not in W:
            continue
        t, t2 = state_t[a], state_t[b]
        s = t2 - t
        comps = list(compositions_of(s, V))
        dst = W.setdefault(b, {})
        for n, mass in W[a].items():
            if mass == 0:
                continue
            pi = exch_conditional_py(layers, t, n, V) if s > 0 else None
            for m in comps:
                weight = _multinomial(s, m)
                for v in range(V):
                    if m[v]:
                        weight = weight * pi[v] ** m[v]
                if weight == 0:
                    continue
                key = tuple(n[v] + m[v] for v in range(V))
                dst[key] = dst.get(key, 0) + mass * w * weight
    return W.get(end, {})


# ----------------------------------------------------------------------------------------
# Markov chains
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def markov_info_curve(J, L, Hbar):
    """``Ī(t)`` and ``g(t)`` of a Markov chain from ``J(d) = sum_a I(X_a; X_{a+d})``.

    Profile (issue 8's gap formula): ``g(t) = t H̄ - sum_d beta_t(d) J(d)`` with
    ``beta_t(d) = C(L-d-1, t-2) / C(L, t)``, the probability that positions ``a, a+d`` are
    consecutive in a uniform t-subset.

    Curve, without the cancellation of ``g(t) - g(t+1)``: for ``i`` uniform and ``T`` a
    uniform t-subset of the others, with nearest neighbours ``i-a``, ``i+b`` in ``T``,
    ``I(X_i; X_T) = I(X_{i-a}; X_i) + I(X_i; X_{i+b}) - I(X_{i-a}; X_{i+b})`` (Markov
    property; a missing neighbour contributes 0), so
    ``Ī(t) = [2 sum_d C(L-d-1, t-1) J(d) - sum_c (c-1) C(L-c-1, t-2) J(c)] / (L C(L-1, t))``.
    The second sum is at most the first (data processing), so no large cancellation.
    Weights by ratio recurrences: ``A_t(1) = t/(L(L-1))``, ``A_t(d+1)/A_t(d) =
    (L-d-t)/(L-d-1)``; ``b_t(1) = t(t-1)/(L(L-1)(L-t))``, ``b_t(c+1)/b_t(c) =
    (L-c-t+1)/(L-c-1)``; ``beta_t(1) = t(t-1)/(L(L-1))`` with the ratio of ``b``.
    ``J`` has length ``L`` (``J[0]`` unused). Returns ``(Ibar (L,), g (L+1,))``.
    """
    Ib = np.zeros(L)
    g = np.zeros(L + 1)
    if L >= 1:
        g[1] = Hbar
    for t in range(2, L + 1):
        beta = t * (t - 1.0) / (L * (L - 1.0))
        acc = 0.0
        for d in range(1, L - t + 2):
            acc += beta * J[d]
            if L - d - 1 > 0:
                beta *= (L - d - t + 1.0) / (L - d - 1.0)
        g[t] = t * Hbar - acc
    for t in range(1, L):
        A = t / (L * (L - 1.0))
        first = 0.0
        for d in range(1, L - t + 1):
            first += A * J[d]
            if L - d - 1 > 0:
                A *= (L - d - t + 0.0) / (L - d - 1.0)
        second = 0.0
        if t >= 2:
            b = t * (t - 1.0) / (L * (L - 1.0) * (L - t))
            for c in range(2, L - t + 2):
                b *= (L - c - t + 2.0) / (L - c)
                second += (c - 1.0) * b * J[c]
        Ib[t] = 2.0 * first - second
    return Ib, g


def markov_info_curve_py(J, L, Hbar):
    """Twin of :func:`markov_info_curve` from the definition: ``beta`` by binomials,
    ``Ī(t) = H̄ + g(t) - g(t+1)`` by differences (any number type; exact with Fractions)."""
    from math import comb

    def beta(t, d):
        if t < 2 or t - 2 > L - d - 1:
            return 0
        return _ratio(comb(L - d - 1, t - 2), comb(L, t), J)

    g = [0 * Hbar] * (L + 1)
    for t in range(1, L + 1):
        g[t] = Hbar * t - sum((J[d] * beta(t, d) for d in range(1, L)), 0 * Hbar)
    Ib = [0 * Hbar] * L
    for t in range(1, L):
        Ib[t] = Hbar + g[t] - g[t + 1]
    return Ib, g


def _ratio(a: int, b: int, like):
    from fractions import Fraction

    sample = like[1] if len(like) > 1 else 0.0
    if isinstance(sample, float):
        return a / b
    return Fraction(a, b)


# ----------------------------------------------------------------------------------------
# optimal schedule DP on an information curve
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def optimal_knots(Ibar, steps):
    """Minimal ``sum_k c(t_{k-1}, t_k)``, ``c(a,b) = sum_{t=a}^{b-1} [Ī(t) - Ī(a)]`` over
    ``steps``-step schedules (docs/theory.md §5 DP, O(steps L^2)). Returns ``(knots, value)``,
    knots ``0 = t_0 < ... < t_steps = L``."""
    L = Ibar.shape[0]
    prefix = np.zeros(L + 1)
    for t in range(L):
        prefix[t + 1] = prefix[t] + Ibar[t]
    INF = np.inf
    best = np.full((steps + 1, L + 1), INF)
    arg = np.full((steps + 1, L + 1), -1, dtype=np.int64)
    best[0, 0] = 0.0
    for m in range(1, steps + 1):
        for b in range(m, L + 1):
            bb = INF
            ba = -1
            for a in range(m - 1, b):
                prev = best[m - 1, a]
                if prev == INF:
                    continue
                c = prev + (prefix[b] - prefix[a]) - (b - a) * Ibar[a]
                if c < bb:
                    bb = c
                    ba = a
            best[m, b] = bb
            arg[m, b] = ba
    knots = np.zeros(steps + 1, dtype=np.int64)
    knots[steps] = L
    b = L
    for m in range(steps, 0, -1):
        b = arg[m, b]
        knots[m - 1] = b
    return knots, best[steps, L]


def optimal_knots_py(Ibar, steps):
    """Twin of :func:`optimal_knots`: the same DP with Python lists (first minimum kept)."""
    L = len(Ibar)
    best = [[math.inf] * (L + 1) for _ in range(steps + 1)]
    arg = [[-1] * (L + 1) for _ in range(steps + 1)]
    best[0][0] = 0.0
    for m in range(1, steps + 1):
        for b in range(m, L + 1):
            for a in range(m - 1, b):
                if best[m - 1][a] == math.inf:
                    continue
                c = best[m - 1][a] + sum(Ibar[t] - Ibar[a] for t in range(a, b))
                if c < best[m][b]:
                    best[m][b], arg[m][b] = c, a
    knots, b = [L], L
    for m in range(steps, 0, -1):
        b = arg[m][b]
        knots.append(b)
    return knots[::-1], best[steps][L]


# ----------------------------------------------------------------------------------------
# Markov chains: J(d) = sum_a I(X_a; X_{a+d})
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def markov_J_stationary(P, pi, L):
    """``J(d) = (L-d) I(X_0; X_d)`` for a chain started in its stationary law ``pi``.

    ``I(X_0; X_d) = sum_x pi_x sum_y pi_y f(log(1 + u_xy))`` with ``u = (P^d - 1 pi)_xy / pi_y``
    and ``(P - 1 pi)^d = P^d - 1 pi`` (``pi P = pi``), so the small deviations from
    independence are carried exactly instead of as ``P^d - pi`` differences.
    """
    V = P.shape[0]
    D = np.empty((V, V))
    for x in range(V):
        for y in range(V):
            D[x, y] = P[x, y] - pi[y]
    Dd = D.copy()
    tmp = np.empty((V, V))
    J = np.zeros(L)
    for d in range(1, L):
        if d > 1:
            for x in range(V):
                for y in range(V):
                    acc = 0.0
                    for z in range(V):
                        acc += Dd[x, z] * D[z, y]
                    tmp[x, y] = acc
            Dd[:, :] = tmp
        delta = 0.0
        biggest = 0.0
        for x in range(V):
            if pi[x] == 0.0:
                continue
            row = 0.0
            for y in range(V):
                if pi[y] == 0.0:
                    continue
                u = Dd[x, y] / pi[y]
                if abs(Dd[x, y]) > biggest:
                    biggest = abs(Dd[x, y])
                if u <= -1.0:
                    row += pi[y]  # f(-inf) = 1: P^d(x, y) = 0
                else:
                    row += pi[y] * kl_atom(math.log1p(u))
            delta += pi[x] * row
        J[d] = (L - d) * delta
        if biggest == 0.0:
            break
    return J


@njit(cache=True)
def markov_J_general(mu, Pd, L):
    """``J(d) = sum_{a=0}^{L-1-d} I(X_a; X_{a+d})`` for any initial law: ``mu[a]`` is the law
    of ``X_a``, ``Pd[d] = P^d``; ``I(X_a; X_b) = sum_x mu_a(x) KL(P^d(x,.) || mu_b)`` in the
    nonnegative form ``sum_y mu_b(y) f(log(P^d(x,y) / mu_b(y)))``. O(L^2 V^2)."""
    V = mu.shape[1]
    J = np.zeros(L)
    for d in range(1, L):
        tot = 0.0
        for a in range(0, L - d):
            b = a + d
            acc = 0.0
            for x in range(V):
                if mu[a, x] == 0.0:
                    continue
                row = 0.0
                for y in range(V):
                    if mu[b, y] == 0.0:
                        continue
                    r = Pd[d, x, y]
                    if r <= 0.0:
                        row += mu[b, y]
                    else:
                        row += mu[b, y] * kl_atom(math.log(r / mu[b, y]))
                acc += mu[a, x] * row
            tot += acc
        J[d] = tot
    return J


def markov_J_py(P, mu0, L):
    """Twin of both ``markov_J_*``: ``J(d) = sum_a sum_{x,y} mu_a(x) P^d(x,y) log(P^d(x,y)/mu_{a+d}(y))``
    by the plain formula. Fractions give LogForm values (the exact path), floats give floats."""
    from fractions import Fraction

    from ...arith import LogForm

    V = len(mu0)
    exact = isinstance(mu0[0], Fraction)

    def matmul(A, B):
        return [[sum((A[i][k] * B[k][j] for k in range(V)), 0 * A[0][0]) for j in range(V)] for i in range(V)]

    def vecmul(v, B):
        return [sum((v[k] * B[k][j] for k in range(V)), 0 * v[0]) for j in range(V)]

    Pl = [list(r) for r in P]
    mus = [list(mu0)]
    for _ in range(L - 1):
        mus.append(vecmul(mus[-1], Pl))
    powers = [None, Pl]
    for _ in range(2, L):
        powers.append(matmul(powers[-1], Pl))
    J = [LogForm() if exact else 0.0 for _ in range(L)]
    for d in range(1, L):
        Pd = powers[d]
        for a in range(L - d):
            for x in range(V):
                for y in range(V):
                    m = mus[a][x] * Pd[x][y]
                    if m == 0:
                        continue
                    ratio = Pd[x][y] / mus[a + d][y]
                    if exact:
                        J[d] = J[d] + LogForm.log(ratio, m)
                    else:
                        J[d] += m * math.log(ratio)
    return J
