"""The exact sampler law by multimodular arithmetic (docs/theory.md §7, "Exact arithmetic").

Every entry of the sampler's output law ``q`` is a rational ``n_x / d_x`` built from the law's
rational entries by ``+``, ``×`` and ``÷`` (the DP of ``engine.dp``). Instead of running the DP on
``Fraction`` objects (whose numerators grow to thousands of bits, so each operation costs
microseconds), the numba kernels of ``_kernels.modular`` run it on residues modulo batches of
31-bit primes ``P_1, P_2, ...``, one residue per prime in a trailing array axis. The rationals are
then rebuilt, the way exact linear algebra libraries do:

1. *Entry 0 by rational reconstruction.* CRT combines its residues into ``X mod M``
   (``M = prod P_i``); the extended Euclidean algorithm stopped at ``sqrt(M)`` gives the unique
   ``n/d`` with ``|n|, d < sqrt(M/2)`` and ``n ≡ d X``. It is accepted only with a margin of
   :data:`CHECK_BITS` bits (``bits(n) + bits(d) + CHECK_BITS < bits(M)``), else another batch runs.
2. *Every entry through a common denominator.* The entries of ``q`` share most of their
   denominators (at ``L = 10`` the lcm of all of them is ~15% longer than the longest), so with
   ``D`` the denominators found so far, ``y_x = q_x D`` is an integer ``0 <= y_x <= D`` (as
   ``q_x <= 1``) for every entry whose denominator divides ``D``. Its residues are ``r_x D mod P_i``;
   Garner's mixed-radix digits over the first ``K_1`` primes (``prod_{i<K_1} P_i > D``) give
   ``y_x``, and every further prime *checks* it (``y_x mod P_i`` from the digits). An entry that
   fails (``y_x > D`` or a check fails) is reconstructed on its own (step 1) and its
   denominator joins ``D``; if that also fails, another batch of primes runs.
3. *Or through a proven denominator.* Along a path of the chain the denominators divide
   ``prod_k den(prob_k) C(m_k, s_k) l_t(k)^{s_k}`` with ``l_t = lcm(V, w(x_R) : |R| = t)``
   (:func:`denominator_bound`); with that ``D`` step 2 needs only ``bits(D) + CHECK_BITS`` bits of
   primes, about half of what step 1 needs. The run ends with whichever route is complete first
   (unit steps with the law's own conditionals keep tiny denominators: step 1 wins there).
4. Primes where some nonzero marginal (or denominator of an input rational) is ``≡ 0`` are dropped.

Certainty. A reconstruction is accepted only when at least :data:`CHECK_BITS` bits of primes
beyond what determines it agree with it; a wrong result would need the error (an integer of
known size) to be divisible by every one of those primes. The result is then checked to sum to
exactly 1. The tests compare it with the ``Fraction`` DP (``engine="fraction"``), the reference.

Supported predictors: the law's own conditionals and another exact law's (``RATIO``), their
``mix:λ`` perturbation (``MIX``) and conditional tables (``TABLE``). ``temperature`` and ``noisy``
rows need a division by a per-row sum; they run on the ``Fraction`` DP.
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import comb

import numpy as np

from ._kernels import modular as km
from ._kernels import sampler as ks
from ..laws.joint import memory_cap
from .dp import DPEngine

#: bits of primes beyond those that determine a result that must agree with it
CHECK_BITS = 64
#: primes per DP run (one residue each in every array)
BATCH = 16
#: most primes tried before giving up (about 2 million bits of numerator + denominator)
MAX_PRIMES = 70_000
SUPPORTED_CODES = (ks.RATIO, ks.MIX, ks.TABLE)


def supports(pred) -> bool:
    """Whether the multimodular DP runs this predictor (else the Fraction DP does)."""
    return pred.exact and pred.code in SUPPORTED_CODES


# ----------------------------------------------------------------------------------------
# residues of rationals
# ----------------------------------------------------------------------------------------
def _int_residues(ints, primes_: np.ndarray) -> np.ndarray:
    """``(n, B)`` residues of Python integers (nonnegative results)."""
    big = max((abs(x) for x in ints), default=0) >= 2**62
    if not big:
        a = np.array(ints, dtype=np.int64).reshape(-1, 1)
        return a % primes_.reshape(1, -1)
    arr = np.array(ints, dtype=object)
    return np.stack([(arr % int(P)).astype(np.int64) for P in primes_], axis=1)


def fraction_residues(fracs, primes_: np.ndarray):
    """``(res, bad)``: ``res[i, b] = fracs[i] mod P_b`` (``(n, B)`` int64); ``bad[b]`` when some
    denominator is divisible by ``P_b``."""
    fracs = [Fraction(x) for x in fracs]
    num = _int_residues([x.numerator for x in fracs], primes_)
    den = _int_residues([x.denominator for x in fracs], primes_)
    inv, bad = km.inverses_mod(den, np.zeros(len(fracs), dtype=np.bool_), primes_)
    return num * inv % primes_.reshape(1, -1), bad


# ----------------------------------------------------------------------------------------
# the DP on residues
# ----------------------------------------------------------------------------------------
class ModularEngine(DPEngine):
    """:class:`~exactdlm.engine.dp.DPEngine` on ``(n, B)`` int64 residues modulo a batch of primes.

    After :meth:`run`, ``bad[b]`` marks primes that could not be used (a nonzero marginal or an
    input denominator divisible by ``P_b``)."""

    def __init__(self, law, predictor, primes_):
        super().__init__(law, predictor)
        if not (self.exact and supports(self.pred)):
            raise ValueError("the multimodular DP needs an exact law and an exact ratio, mix or table predictor")
        self.primes = np.asarray(primes_, dtype=np.int64)
        self.B = len(self.primes)
        self.bad = np.zeros(self.B, dtype=np.bool_)
        self.invV = self.residues([Fraction(1, self.V)])[0]

    def residues(self, fracs) -> np.ndarray:
        res, bad = fraction_residues(fracs, self.primes)
        self.bad |= bad
        return res

    def item_bytes(self) -> int:
        return 16 * self.B  # a residue per prime, twice: the marginals and their inverses

    def marginals(self, law):
        """``(M, Minv, zero)`` of ``law`` in the layout: residues, inverse residues, exact zeros."""
        key = id(law)
        if key not in self._M:
            L, V = self.L, self.V
            flat = law.array.reshape(-1)
            args = (L, V, self.masks_all, self.mask_start, self.block_off, self.layer_start)
            M = km.marginals_mod(self.residues(flat), *args, self.primes)
            zero = self.marginals_float(np.array([x != 0 for x in flat], dtype=np.float64)) == 0.0
            Minv = np.zeros(M.shape, dtype=np.int64)  # filled per layer when a step reads it
            self._M[key] = (law, (M, Minv, zero, set()))
        return self._M[key][1][:3]

    def _invert_layer(self, t: int) -> None:
        """``Minv`` on layer ``t`` of the predictor's marginals (the contexts of a step from ``t``)."""
        if self.pred.table is not None:
            return
        M, Minv, zero, done = self._M[id(self.pred.base)][1]
        if t not in done:
            a, b = int(self.layer_start[t]), int(self.layer_start[t + 1])
            inv, bad = km.inverses_mod(np.ascontiguousarray(M[a:b]), zero[a:b], self.primes)
            Minv[a:b] = inv
            self.bad |= bad
            done.add(t)

    def predictor_data(self):
        pred = self.pred
        if pred.table is not None:
            Mp = Minv = np.zeros((1, self.B), dtype=np.int64)
            zero = np.zeros(1, dtype=np.bool_)
            Tab = self.residues(pred.layout_table(True))
        else:
            Mp, Minv, zero = self.marginals(pred.base)
            Tab = np.zeros((1, self.B), dtype=np.int64)
        lam = self.residues([pred.kernel_params(True)[0]])[0] if pred.code == ks.MIX else self.invV
        return pred.code, (Mp, Minv, zero, Tab, lam)

    def zeros(self, n: int) -> np.ndarray:
        return np.zeros((n, self.B), dtype=np.int64)

    def release(self, arr) -> None:
        pass

    def set_one(self, arr) -> None:
        arr[0, :] = 1

    def add_scaled(self, dst, src, prob) -> None:
        r = self.residues([prob])[0]
        P = self.primes.reshape(1, -1)
        dst[:] = (dst + src * r.reshape(1, -1) % P) % P

    def _final(self) -> np.ndarray:
        return self.zeros(self.V**self.L)

    def step(self, src, dst, t: int, mv, data) -> None:
        code, (Mp, Minv, zero, Tab, lam) = data
        masks = self.dst_masks(mv.t, mv.allowed, mv.required)
        if len(masks) == 0:
            return
        allowed = (1 << self.L) - 1 if mv.allowed is None else int(mv.allowed)
        scale = self.residues([Fraction(mv.prob) / comb(mv.m, mv.size)])[0]
        self._invert_layer(t)
        km.block_step_mod(src, dst, Mp, Minv, zero, Tab, lam, self.invV, code, masks, allowed, mv.size, scale,
                          self.block_off, self.layer_start, t, self.L, self.V, self.primes)


# ----------------------------------------------------------------------------------------
# rebuilding rationals
# ----------------------------------------------------------------------------------------
def crt(residues, primes_) -> tuple[int, int]:
    """``(X, M)``: the CRT combination of one value's residues, ``0 <= X < M = prod P``."""
    X, M = 0, 1
    for r, P in zip(residues, primes_):
        r, P = int(r), int(P)
        t = (r - X) * pow(M, -1, P) % P
        X += M * t
        M *= P
    return X, M


def rational_reconstruction(X: int, M: int, margin: int = CHECK_BITS):
    """The ``n/d`` with ``n ≡ d X (mod M)`` and ``bits(n) + bits(d) + margin < bits(M)``, or ``None``.

    Extended Euclid on ``(M, X)`` stopped at the first remainder below ``sqrt(M/2)``."""
    bound = math.isqrt(M // 2)
    r0, r1, s0, s1 = M, X % M, 0, 1
    while r1 > bound:
        qq = r0 // r1
        r0, r1 = r1, r0 - qq * r1
        s0, s1 = s1, s0 - qq * s1
    if s1 == 0:
        return None
    n, d = (r1, s1) if s1 > 0 else (-r1, -s1)
    if n.bit_length() + d.bit_length() + margin >= M.bit_length() or math.gcd(n, d) != 1:
        return None
    return Fraction(n, d)


class _MixedRadix:
    """Integers from mixed-radix digits over ``primes_`` by splitting in halves (the radix
    products of the split points are shared by every row): ``value = low + (prod of the low
    radices) * high``, so a ``K``-digit value costs a few big multiplications, not ``K``."""

    def __init__(self, primes_):
        self.primes = [int(P) for P in primes_]
        self._prod = {}

    def radix(self, lo, hi) -> int:
        key = (lo, hi)
        if key not in self._prod:
            self._prod[key] = math.prod(self.primes[lo:hi]) if hi - lo <= 8 else (
                self.radix(lo, (lo + hi) // 2) * self.radix((lo + hi) // 2, hi))
        return self._prod[key]

    def value(self, digits, lo=0, hi=None) -> int:
        hi = len(digits) if hi is None else hi
        if hi - lo <= 8:
            X = 0
            for k in range(hi - 1, lo - 1, -1):
                X = X * self.primes[k] + digits[k]
            return X
        mid = (lo + hi) // 2
        return self.value(digits, lo, mid) + self.radix(lo, mid) * self.value(digits, mid, hi)


def _at_most(digits: np.ndarray, bound: np.ndarray) -> np.ndarray:
    """Row-wise ``value(digits) <= value(bound)`` for mixed-radix digits (same radices): compare
    the most significant digit where they differ."""
    diff = digits - bound.reshape(1, -1)
    nz = diff != 0
    top = diff.shape[1] - 1 - np.argmax(nz[:, ::-1], axis=1)
    lead = diff[np.arange(len(diff)), top]
    return ~nz.any(axis=1) | (lead < 0)


def reconstruct(res: np.ndarray, primes_: np.ndarray, D: int):
    """Rebuild every row of ``res`` (``(n, K)`` residues of rationals in ``[0, 1]``) given a
    candidate common denominator ``D``. Returns ``(values, D)``; ``values`` is ``None`` when the
    primes do not yet determine every entry with :data:`CHECK_BITS` bits to spare."""
    logs = np.cumsum(np.log2(primes_.astype(float)))
    while True:
        K1 = int(np.searchsorted(logs, D.bit_length() + 1)) + 1  # prod_{i<K1} P_i > D
        K2 = int(np.searchsorted(logs, logs[K1 - 1] + CHECK_BITS)) + 1 if K1 <= len(logs) else len(logs) + 1
        if K2 > len(logs):
            return None, D
        Dres = np.array([D % int(P) for P in primes_[:K2]], dtype=np.int64)
        y = np.vstack([res[:, :K2] * Dres.reshape(1, -1) % primes_[:K2].reshape(1, -1), Dres])
        digits = np.zeros((len(y), K1), dtype=np.int64)
        ok = np.ones(len(y), dtype=np.bool_)
        km.garner(y, primes_[:K2], K1, *km.radix_tables(primes_[:K2], K1), digits, ok)
        good = ok[:-1] & _at_most(digits[:-1], digits[-1])
        if good.all():
            mr = _MixedRadix(primes_[:K1])
            return [Fraction(mr.value(row), D) for row in digits[:-1].tolist()], D
        D0 = D
        for i in np.flatnonzero(~good)[:8]:  # the denominators are shared: a few usually cover the rest
            r = rational_reconstruction(*crt(res[i], primes_))
            if r is None:
                return None, D
            D = math.lcm(D, r.denominator)
        if D == D0:
            return None, D


#: lcm of more distinct marginals than this is bounded by the sum of their logs instead (estimates)
LCM_DISTINCT_CAP = 20_000


class LayerLcm:
    """``lcm(V, w(x_R) : |R| = t, w(x_R) > 0)`` per layer ``t``, ``w`` the law's weights scaled to
    integers (marginals from the float kernel: exact while they stay below ``2^53``; beyond that
    :meth:`value` is ``None`` and :meth:`bits` an upper bound). Computed for the layers asked for."""

    def __init__(self, eng, law):
        flat = law.array.reshape(-1)
        scale = math.lcm(*{Fraction(x).denominator for x in flat})
        self.M = eng.marginals_float(np.array([float(Fraction(x) * scale) for x in flat]))
        self.exact_ints = bool(self.M.max() < 2**53)
        self.ls, self.V, self._vals = eng.layer_start, eng.V, {}

    def _distinct(self, t):
        if t not in self._vals:
            v = np.unique(self.M[self.ls[t]: self.ls[t + 1]])
            self._vals[t] = v[v > 0]
        return self._vals[t]

    def value(self, t: int) -> int | None:
        if not self.exact_ints:
            return None
        return math.lcm(self.V, *(int(v) for v in self._distinct(t)))

    def bits(self, t: int) -> float:
        v = self._distinct(t)
        if not self.exact_ints or len(v) > LCM_DISTINCT_CAP:
            return float(np.log2(v).sum()) + math.log2(self.V)
        return float(self.value(t).bit_length())


def denominator_bound(eng, moves, layers=None) -> int | None:
    """A multiple of every denominator of the exact output law, or ``None`` (a table predictor,
    or marginals beyond ``2^53``); ``layers``: the predictor's :class:`LayerLcm` if already made.

    A path of the chain contributes ``prod_k P_k`` with ``P_k = den(prob_k) C(m_k, s_k) l_t^{s_k}``:
    every token's row is ``w(x_{R+j}) / w(x_R)`` (denominator dividing ``w(x_R)``), ``1/V`` at
    a context of weight 0, or for ``mix:λ`` ``(1-λ) w(x_{R+j}) / w(x_R) + λ/V``, so
    ``l_t = lcm(V, w(x_R) : |R| = t)`` (times ``den(λ)`` for ``mix``) divides each row's
    denominator. ``q`` sums the paths: the lcm over paths, computed along the chain."""
    pred = eng.pred
    if pred.table is not None:
        return None
    extra = Fraction(pred.kernel_params(True)[0]).denominator if pred.code == ks.MIX else 1
    layers = LayerLcm(eng, pred.base) if layers is None else layers
    D = {}
    for t, state, mv in sorted(moves, key=lambda m: m[0]):
        here = D.get((t, state), 1)
        factor = Fraction(mv.prob).denominator
        if mv.size:
            lt = layers.value(t)
            if lt is None:
                return None
            factor *= comb(mv.m, mv.size) * (lt * extra) ** mv.size
        key = (mv.t, mv.state)
        D[key] = math.lcm(D.get(key, 1), here * factor)
    finals = [d for (t, _), d in D.items() if t == eng.L]
    return math.lcm(*finals) if finals else 1


def sampler_law_multimodular(law, sched, predictor, batch: int = BATCH, bar=None, bound_bits=None) -> np.ndarray:
    """The flat exact output law (object array of Fractions) of ``sched`` by the modular DP
    (``bar``: a progress bar counting primes). Two ways to finish, whichever the primes reach
    first: rational reconstruction (about twice the bits of the denominators), or, when
    :func:`denominator_bound` is at most ``bound_bits`` long (default: every bound; 0: never
    compute it), Garner digits of ``q D`` for the bound ``D`` (its bits plus :data:`CHECK_BITS`)."""
    cols, used = [], []
    D, start, next_try = None, 0, 0
    # fewer primes per run when a batch's marginals would take over a quarter of the memory cap
    per_prime = 16 * (law.V + 1) ** law.L
    batch = max(1, min(batch, memory_cap() // (4 * per_prime)))
    Dbound = None
    if bound_bits is None or bound_bits > 0:
        eng0 = DPEngine(law, predictor)
        Dbound = denominator_bound(eng0, eng0.chain_moves(sched))
        if Dbound is not None and bound_bits is not None and Dbound.bit_length() > bound_bits:
            Dbound = None
    bound_need = Dbound.bit_length() + CHECK_BITS + 32 if Dbound is not None else math.inf
    while True:
        chunk = km.primes(start + batch)[start:]
        start += batch
        eng = ModularEngine(law, predictor, chunk)
        q = eng.run(sched)
        keep = ~eng.bad
        if bar is not None:
            bar.update(len(chunk))
        cols.append(q[:, keep])
        used.extend(np.asarray(chunk)[keep].tolist())
        res, primes_ = np.concatenate(cols, axis=1), np.array(used, dtype=np.int64)
        if np.log2(primes_.astype(float)).sum() >= bound_need:
            values, _ = reconstruct(res, primes_, Dbound)
            if values is not None:
                return _finish(values)
            bound_need = math.inf  # cannot happen for a true bound; fall back to reconstruction
        if D is None:
            r0 = rational_reconstruction(*crt(res[0], primes_))
            if r0 is not None:
                D = r0.denominator
        if D is not None and len(used) >= next_try:
            values, D = reconstruct(res, primes_, D)
            next_try = len(used) + max(batch, len(used) // 8)  # after a failure: ~12% more primes
            if values is not None:
                return _finish(values)
        if len(used) > MAX_PRIMES:
            raise ValueError(f"the exact law needs more than {MAX_PRIMES} primes; use float mode")


def _finish(values) -> np.ndarray:
    if sum(values) != 1:
        raise AssertionError("multimodular reconstruction does not sum to 1; report this law")
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out

