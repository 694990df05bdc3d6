"""Exact count laws of an exchangeable law in integer arithmetic (docs/theory.md §7, "Exact
arithmetic", and the exchangeable section of §3).

Every count law ``P_t`` of a rational exchangeable law is kept as integers over one common
denominator per layer, ``P_t(n) = U_t(n) / Z_t``, so the inner loops multiply and add Python
integers and never take the gcds a ``Fraction`` takes after every operation:

* a mixture of i.i.d. laws, ``w_m = b_m / W`` and ``theta_mv = a_mv / c`` (common ``W``, ``c``):
  the per-sequence weight ``S_t(n) = sum_m b_m prod_v a_mv^{n_v}`` gives
  ``U_t(n) = mult(t; n) S_t(n)``, ``Z_t = W c^t``, and the next-symbol law
  ``p(v | n) = S_{t+1}(n + e_v) / (c S_t(n))``;
* a count law ``P_L = U_L / Z_L``: thinning ``U_{t-1}(n) = sum_v U_t(n + e_v)(n_v + 1)``,
  ``Z_{t-1} = t Z_t``, and ``p(v | n) = U_{t+1}(n + e_v)(n_v + 1) / U_t(n)`` (the ``1/t`` of
  the thinning cancels against ``Z``).

At a context of probability 0 the next-symbol law is uniform (as in the ``Fraction`` twin).

**Profile.** ``g(t) = sum_n P_t(n) log(mult(t; n) / P_t(n))`` is built as a LogForm from
``sum_t C(t+V-1, V-1)`` terms: the argument ``mult Z_t / U_t(n)`` (``W c^t / S_t(n)`` for a
mixture) reduced by one gcd and merged with equal ones as an integer pair, the coefficients
summed as integers over ``Z_t``; one ``Fraction`` key and coefficient per distinct argument.

**Count DP.** The sampler's count law ``Q`` (``exchangeable`` module docstring) is pushed along
the size chain with one common denominator ``D_a`` per chain state, ``W_a(n) = N_a(n) / D_a``.
A step of size ``s`` from ``t`` with chain weight ``w`` draws ``Multinomial(s, p(.|n))``; with
the reduced conditionals ``p(v|n) = a_v(n) / c(n)`` and ``l = lcm_n c(n)`` (over the reached
``n``), ``D_b = D_a den(w) l^s`` and each ``n`` adds
``N_a(n) num(w) (l / c(n))^s mult(s; m) prod_v a_v(n)^{m_v}`` to ``N_b(n + m)``; states reached
by several transitions take the lcm of the incoming denominators. While every step so far had
size <= 1, ``W_a`` is a rational multiple of ``P_t`` (the law's own conditionals telescope), so
such steps are not run at all: unit steps give ``Q = P_L`` at once. The result is checked to
sum to exactly 1 (``sum_n N(n) = D``) and returned as reduced ``Fraction`` s; ``D`` is kept
with the factors it was built from, so most entries are reduced by remainders modulo their
product instead of a gcd of two long integers (:func:`_gcd_factored`).

Why integers and not residues modulo primes (``engine.multimodular``): the rationals of ``Q``
are very long (``~L^3`` bits for a few large steps: 22,000 bits at L = 64 with two steps, about
1.3 million at L = 256) and rebuilding them from residues costs ``O(digits^2)`` per entry
(Garner), more than the integer DP itself, whose work is a few multiplications of long by
medium integers per DP cell.

Cost. Both paths estimate their time first (:func:`profile_seconds`, :func:`count_dp_seconds`)
and the callers refuse runs over the time cap (``laws.budget.check_time``). The count DP's
estimate takes the bits of the ``D_a`` from the ``l_t`` (exact: ``lcm`` of small integers) and
CPython's multiplication (Karatsuba) and gcd (quadratic) costs, calibrated by
``benchmarks/bench_exchangeable_exact.py``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..arith import LogForm
from ..engine._kernels.structured import compositions_of


_FACT = [1]


def _multinomial(t, n):
    while len(_FACT) <= t:
        _FACT.append(_FACT[-1] * len(_FACT))
    out = _FACT[t]
    for k in n:
        out //= _FACT[k]
    return out


def _coprime_fraction(num: int, den: int) -> Fraction:
    """``Fraction(num, den)`` for ``gcd(num, den) = 1``, ``den > 0``, without the gcd the
    constructor would take again (quadratic in the length of million-bit integers)."""
    make = getattr(Fraction, "_from_coprime_ints", None)  # Python >= 3.12
    if make is not None:
        return make(num, den)
    return Fraction(num, den, _normalize=False)  # Python 3.11


def _plus(n, v, k=1):
    return n[:v] + (n[v] + k,) + n[v + 1:]


class IntegerCounts:
    """The count laws ``P_t = U_t / Z_t`` of a rational exchangeable law and its next-symbol laws
    (module docstring). ``mixture``: ``(weights, thetas)`` of Fractions; ``top``: dict
    composition of ``L`` -> Fraction."""

    def __init__(self, L: int, V: int, mixture=None, top=None):
        self.L, self.V = int(L), int(V)
        self._layers, self._cond_bits = {}, {}
        if mixture is not None:
            w, th = mixture
            W = math.lcm(*(Fraction(x).denominator for x in w))
            c = math.lcm(*(Fraction(x).denominator for r in th for x in r))
            self.W, self.c = W, c
            self.b = [int(Fraction(x) * W) for x in w]
            a = [[int(Fraction(x) * c) for x in r] for r in th]
            # drop components of weight 0 (they add nothing)
            keep = [m for m in range(len(self.b)) if self.b[m]]
            self.b = [self.b[m] for m in keep]
            self.a = [a[m] for m in keep]
            self._pw = None
            self.kind = "mixture"
        else:
            Z = math.lcm(*(Fraction(p).denominator for p in top.values()))
            self._layers[self.L] = ({n: int(Fraction(p) * Z) for n, p in top.items() if p != 0}, Z)
            self.kind = "counts"

    # --- mixtures ---------------------------------------------------------------------
    def _powers(self):
        if self._pw is None:
            L = self.L
            pw = []
            for row in self.a:
                tabs = []
                for x in row:
                    col, acc = [1] * (L + 2), 1
                    for j in range(1, L + 2):
                        acc *= x
                        col[j] = acc
                    tabs.append(col)
                pw.append(tabs)
            self._pw = pw
        return self._pw

    def seq_weight(self, n) -> int:
        """``S_t(n) = sum_m b_m prod_v a_mv^{n_v}`` (mixture): ``P_t(n) = mult(t; n) S_t(n) / (W c^t)``."""
        pw = self._powers()
        total = 0
        for bm, tabs in zip(self.b, pw):
            x = bm
            for v, k in enumerate(n):
                if k:
                    x *= tabs[v][k]
            total += x
        return total

    # --- layers -----------------------------------------------------------------------
    def layer(self, t: int):
        """``(U_t, Z_t)``: dict composition -> positive integer, and the layer's denominator."""
        if t not in self._layers:
            if self.kind == "mixture":
                Z = self.W * self.c**t
                U = {}
                for n in compositions_of(t, self.V):
                    s = self.seq_weight(n)
                    if s:
                        U[n] = _multinomial(t, n) * s
                self._layers[t] = (U, Z)
            else:
                for u in range(min(self._layers), t, -1):
                    self._layers[u - 1] = self._thin(u)
        return self._layers[t]

    def _thin(self, t):
        U, Z = self._layers[t]
        out = {}
        V = self.V
        for n, x in U.items():
            for v in range(V):
                k = n[v]
                if k:
                    m = _plus(n, v, -1)
                    out[m] = out.get(m, 0) + x * k
        return out, Z * t

    def conditional(self, t: int, n):
        """``(a, c)`` with ``p(x_{t+1} = v | n) = a[v] / c`` in lowest terms (``gcd(a, c) = 1``);
        uniform ``(1, ..., 1), V`` at a context of probability 0."""
        V = self.V
        if self.kind == "mixture":
            s = self.seq_weight(n)
            if s == 0:
                return (1,) * V, V
            a = [self.seq_weight(_plus(n, v)) for v in range(V)]
            c = self.c * s
        else:
            U, _ = self.layer(t)
            c = U.get(n, 0)
            if c == 0:
                return (1,) * V, V
            U1, _ = self.layer(t + 1)
            a = [U1.get(_plus(n, v), 0) * (n[v] + 1) for v in range(V)]
        g = math.gcd(c, *a)
        return tuple(x // g for x in a), c // g

    def conditional_bits(self, t: int) -> tuple[int, int]:
        """``(bits(l_t), max_n bits(c(n)))``: ``l_t`` the lcm of the next-symbol denominators
        over all of layer ``t`` (for the time estimates; cached)."""
        if t not in self._cond_bits:
            cs = [self.conditional(t, n)[1] for n in compositions_of(t, self.V)]
            self._cond_bits[t] = (math.lcm(*cs).bit_length(), max(c.bit_length() for c in cs))
        return self._cond_bits[t]

    def fractions(self, t: int) -> dict:
        """``P_t`` as a dict composition -> Fraction."""
        U, Z = self.layer(t)
        return {n: Fraction(x, Z) for n, x in U.items()}

    # --- the profile ------------------------------------------------------------------
    def entropy_form(self, t: int) -> LogForm:
        """``g(t) = sum_n P_t(n) log(mult(t; n) / P_t(n))`` as a LogForm.

        Terms with equal arguments merge on integer pairs (cheap to hash) with coefficients
        summed as integers over the layer's denominator; one ``Fraction`` each at the end."""
        acc = {}
        get = acc.get
        gcd = math.gcd
        if self.kind == "mixture":
            Z = self.W * self.c**t
            for n in compositions_of(t, self.V):
                s = self.seq_weight(n)
                if s == 0 or s == Z:
                    continue
                g = gcd(Z, s)
                key = (Z // g, s // g)  # the argument 1/s_t(n) = W c^t / S_t(n)
                acc[key] = get(key, 0) + _multinomial(t, n) * s
        else:
            U, Z = self.layer(t)
            for n, x in U.items():
                mZ = _multinomial(t, n) * Z
                if x == mZ:
                    continue
                g = gcd(mZ, x)
                key = (mZ // g, x // g)
                acc[key] = get(key, 0) + x
        form = LogForm()
        terms = form.terms
        for (num, den), x in acc.items():
            g = gcd(x, Z)
            terms[_coprime_fraction(num, den)] = _coprime_fraction(x // g, Z // g)
        return form

    def profile(self) -> np.ndarray:
        out = np.empty(self.L + 1, dtype=object)
        for t in range(self.L + 1):
            out[t] = self.entropy_form(t)
        return out


def _add(terms, r, c):
    """``terms[r] += c`` (``r > 1``: the keys of a LogForm)."""
    old = terms.get(r)
    terms[r] = c if old is None else old + c


# ----------------------------------------------------------------------------------------
# the sampler's count law
# ----------------------------------------------------------------------------------------
class _State:
    """``W = prop * P_t + N / D``: a rational multiple of the law's own count law (kept
    symbolically while only unit steps led here) plus a table over a common denominator ``D``,
    kept also as ``factors`` ``[(f, k)]`` with ``D = prod f^k`` (the last reduction's gcds)."""

    __slots__ = ("prop", "D", "factors", "N")

    def __init__(self):
        self.prop, self.D, self.factors, self.N = Fraction(0), 1, [], None

    def add_table(self, D: int, factors: list, N: dict) -> None:
        if self.N is None:
            self.D, self.factors, self.N = D, factors, N
            return
        if D != self.D:  # the lcm of the two denominators
            g = math.gcd(self.D, D)
            old, new = D // g, self.D // g
            if old != 1:
                for n in self.N:
                    self.N[n] *= old
            if new != 1:
                N = {n: x * new for n, x in N.items()}
            self.D *= old
            self.factors = self.factors + [(old, 1)]
        for n, x in N.items():
            self.N[n] = self.N.get(n, 0) + x

    def table(self, counts: IntegerCounts, t: int):
        """``(D, factors, N)`` of the whole state (the symbolic part written out)."""
        if self.prop:
            U, Z = counts.layer(t)
            p = self.prop
            self.add_table(Z * p.denominator, [(Z, 1), (p.denominator, 1)], {n: x * p.numerator for n, x in U.items()})
            self.prop = Fraction(0)
        return self.D, self.factors, (self.N or {})


def _step(counts: IntegerCounts, D: int, factors: list, N: dict, t: int, s: int, w: Fraction):
    """One multinomial step of size ``s >= 1`` from layer ``t`` with chain weight ``w``."""
    V = counts.V
    conds = {n: counts.conditional(t, n) for n, x in N.items() if x}
    ell = math.lcm(*(c for _, c in conds.values())) if conds else 1
    comps = list(compositions_of(s, V))
    coef = [_multinomial(s, m) for m in comps]
    out = {}
    get = out.get
    wn = w.numerator
    for n, (a, c) in conds.items():
        base = N[n] * wn * (ell // c) ** s
        pw = []
        for v in range(V):
            col, acc = [1] * (s + 1), 1
            for j in range(1, s + 1):
                acc *= a[v]
                col[j] = acc
            pw.append(col)
        for m, k in zip(comps, coef):
            f = k
            for v in range(V):
                if m[v]:
                    f *= pw[v][m[v]]
            if f == 0:
                continue
            key = tuple(n[v] + m[v] for v in range(V))
            out[key] = get(key, 0) + base * f
    return D * w.denominator * ell**s, factors + [(w.denominator, 1), (ell, s)], out


#: above this many bits of ``gcd(x mod F, F)`` the plain gcd is cheaper than the rounds
SHORT_GCD_BITS = 256


def _gcd_factored(x: int, D: int, F: int) -> int:
    """``gcd(x, D)`` where every prime of ``D`` divides ``F`` (the product of the distinct
    factors ``D`` was built from, much shorter than ``D``). ``h = gcd(x mod F, F)`` holds every
    prime of the answer; when it is short (the long entries of ``Q`` share only a few small
    primes with ``D``), rounds ``u = gcd(x', D', h)`` on what is left of ``x`` and ``D`` collect
    them (each prime ``p`` loses ``min(v_p(h), ...)`` per round until ``x'`` or ``D'`` has none
    left), at the cost of remainders by short integers instead of a quadratic gcd of two
    long ones; otherwise the plain gcd."""
    h = math.gcd(x % F, F)
    if h == 1:
        return 1
    if h.bit_length() > SHORT_GCD_BITS:
        return math.gcd(x, D)
    g, rx, rD = 1, x, D
    while True:
        u = math.gcd(math.gcd(rx % h, h), rD % h)
        if u == 1:
            return g
        g *= u
        rx //= u
        rD //= u


def count_law_integers(counts: IntegerCounts, chain):
    """``(D, factors, N)``: the exact count law ``Q(n) = N[n] / D`` of the sampler along
    ``chain`` (``sizes.SizeChain`` with rational weights; see the module docstring), checked to
    sum to exactly 1."""
    ts = chain.state_t
    states = {chain.start: _State()}
    states[chain.start].prop = Fraction(1)
    for a, b, w in chain.transitions:
        w = Fraction(w)
        if w == 0 or a not in states:
            continue
        src = states[a]
        dst = states.setdefault(b, _State())
        t, s = ts[a], ts[b] - ts[a]
        if s <= 1:
            dst.prop += src.prop * w  # the law's own conditionals: prop * P_t -> prop * P_{t+s}
            if src.N is None:
                continue
            if s == 0:
                dst.add_table(src.D * w.denominator, src.factors + [(w.denominator, 1)],
                              {n: x * w.numerator for n, x in src.N.items()})
                continue
            D, factors, N = src.D, src.factors, src.N
        else:
            D, factors, N = src.table(counts, t)
        dst.add_table(*_step(counts, D, factors, N, t, s, w))
    end = states.get(chain.end)
    if end is None:
        return 1, [], {}
    D, factors, N = end.table(counts, ts[chain.end])
    if sum(N.values()) != D:
        raise AssertionError("the exact count law does not sum to 1; report this law and schedule")
    return D, factors, N


def count_law(counts: IntegerCounts, chain) -> dict:
    """The exact count law ``Q`` as a dict composition -> reduced Fraction."""
    D, factors, N = count_law_integers(counts, chain)
    F = math.prod({f for f, _ in factors})
    out = {}
    for n, x in N.items():
        if x:
            g = _gcd_factored(x, D, F)
            out[n] = _coprime_fraction(x // g, D // g)
    return out


# ----------------------------------------------------------------------------------------
# time estimates (laws.budget.check_time)
# ----------------------------------------------------------------------------------------
#: seconds per term of the profile (powers, gcd, dict merge, Fractions) and per bit of its
#: rationals: measured 12, 17, 28 us per term at 381, 759, 1515 bits (V = 3, L = 64, 128, 256)
PROFILE_TERM, PROFILE_BIT = 8e-6, 1.3e-8
#: CPython integer arithmetic, seconds: schoolbook multiplication per 30-bit digit pair,
#: Karatsuba per ``digits^1.585`` and gcd per squared digit (Lehmer); measured on 1.3M-bit operands
MUL_DIGIT2, KARATSUBA, GCD_DIGIT2 = 1.0e-9, 6.6e-9, 1.2e-9
#: seconds per DP cell update besides the arithmetic (Python loop, tuple key, dict)
CELL_OVERHEAD = 1.5e-6
#: Python's Karatsuba cutoff in 30-bit digits
_KARATSUBA_CUTOFF = 70


def mul_seconds(xbits: float, ybits: float) -> float:
    """Estimated time of a CPython multiplication of an ``xbits`` by a ``ybits`` integer."""
    dx, dy = max(xbits, ybits) / 30 + 1, min(xbits, ybits) / 30 + 1
    if dy <= _KARATSUBA_CUTOFF:
        return MUL_DIGIT2 * dx * dy
    return KARATSUBA * (dx / dy) * dy**1.585


def gcd_seconds(bits: float) -> float:
    return GCD_DIGIT2 * (bits / 30 + 1) ** 2


def profile_seconds(L: int, V: int, bits: int) -> tuple[float, str]:
    """``(seconds, detail)`` of :meth:`IntegerCounts.profile`: ``C(L+V, V)`` terms of rationals
    of up to ``bits`` bits."""
    terms = math.comb(L + V, V)
    secs = terms * (PROFILE_TERM + PROFILE_BIT * bits)
    return secs, f"{terms:,} log terms of rationals up to {bits:,} bits"


def _cells(t: int, V: int) -> int:
    return math.comb(t + V - 1, V - 1)


def count_dp_seconds(counts: IntegerCounts, chain) -> tuple[float, str]:
    """``(seconds, detail)`` of :func:`count_law` on ``chain``: walks the chain with the bits of
    every state's denominator (``bits(D_b) <= bits(D_a) + bits(den w) + s bits(l_t)``, ``l_t`` the
    lcm of the next-symbol denominators over all of layer ``t``) and prices each cell update
    as a multiplication of a ``bits(D_b)``-bit by an ``s bits(c)``-bit integer."""
    V, ts = counts.V, chain.state_t
    layer_bits = counts.conditional_bits

    bits = {chain.start: 0.0}
    table = {chain.start: False}
    secs, updates = 0.0, 0
    for a, b, w in chain.transitions:
        if a not in bits or w == 0:
            continue
        t, s = ts[a], ts[b] - ts[a]
        wbits = Fraction(w).denominator.bit_length()
        is_table = table[a] or s > 1
        if not is_table:
            nb = bits[a] + wbits
        elif s == 0:
            nb = bits[a] + wbits
        else:
            lb, cb = layer_bits(t)
            if not table[a]:
                bits_a = counts.layer(t)[1].bit_length() + bits[a]
            else:
                bits_a = bits[a]
            nb = bits_a + wbits + s * lb
            n_up = _cells(t, V) * _cells(s, V)
            updates += n_up
            secs += n_up * (mul_seconds(nb, s * cb) + CELL_OVERHEAD) + _cells(t, V) * mul_seconds(nb, s * lb)
        if b in bits and table.get(b):
            secs += gcd_seconds(max(nb, bits[b])) + _cells(ts[b], V) * mul_seconds(nb, 64)
        bits[b] = max(bits.get(b, 0.0), nb)
        table[b] = table.get(b, False) or is_table
    end_bits = bits.get(chain.end, 0.0)
    if table.get(chain.end):
        secs += _cells(counts.L, V) * gcd_seconds(end_bits)
    return secs, f"{updates:,} cell updates on integers of up to {end_bits:,.0f} bits"


def cutpoint_seconds(L: int, V: int, K: int, layer_bits: int) -> tuple[float, str]:
    """A lower estimate for cut points, before the chain is built: its ``~K^2 L^2 / 2``
    transitions each update ``~(t+1)(s+1)`` cells (binary), on integers at least as long as a
    layer denominator."""
    updates = K * K * L**4 // 48 * math.comb(V, 2)
    secs = updates * (CELL_OVERHEAD + mul_seconds(layer_bits, layer_bits))
    return secs, f"about {updates:,} cell updates on integers of more than {layer_bits:,} bits"
