"""Uniform laws on MDS (Reed–Solomon) codes ``[L, k]_q`` at any L (docs/theory.md §6, WC, IMP).

Any ``k`` coordinates of an MDS code form an information set, so ``X_A`` is uniform on
``q^min(|A|, k)`` values: ``g(t) = min(t, k) log q``, ``Ī(t) = log q [t >= k]``,
``TC = (L-k) log q``, ``DTC = k log q``.

Mixture law. Until ``k`` tokens are revealed every conditional is uniform, so the step that
crosses ``k`` (revealed count ``T``, the first cumulative count ``>= k``) leaves ``T`` i.i.d.
uniform tokens; they are the restriction of a codeword with probability ``q^(k-T)``, and then
the rest is forced; otherwise the context has probability 0 and the output is not a codeword.
Hence ``q(c) = E[q^(-T)]`` for every codeword ``c``,
``KL(p||q) = -log E[q^(k-T)]`` (fixed sizes: ``(T - k) log q`` = EKL) and
``TV(p, q) = 1 - E[q^(k-T)]``; random sizes enter through the law of ``T``
(``sizes.first_passage``).
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np

from ..arith import LogForm
from . import sizes as _sizes
from ._numerics import check_length
from .base import StructuredLaw


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    return all(n % d for d in range(2, math.isqrt(n) + 1))


def next_prime(n: int) -> int:
    """The least prime ``>= n``."""
    n = max(int(n), 2)
    while not _is_prime(n):
        n += 1
    return n


class MDSCode(StructuredLaw):
    """Uniform on the Reed–Solomon code ``[L, k]_q`` (q prime ``>= L``); ``V = q``."""

    family = "mds_code"

    def __init__(self, L, k, q):
        super().__init__()
        self.L = check_length(L, "MDS code")
        for name, val in (("k", k), ("q", q)):
            if isinstance(val, bool) or not isinstance(val, (int, np.integer)):
                raise ValueError(f"{name} must be an integer, got {val!r}")
        k, q = int(k), int(q)
        if not _is_prime(q):
            raise ValueError(f"q must be prime (the field GF(q)), got q={q}; e.g. q={next_prime(max(q, self.L))}")
        if q < self.L:
            raise ValueError(f"q must be >= L to have L distinct evaluation points, got q={q} < L={self.L}; "
                             f"e.g. q={next_prime(self.L)}")
        if not 1 <= k <= self.L:
            raise ValueError(f"k must lie in 1..L={self.L}, got k={k}")
        self.k, self.q, self.V = k, q, q
        self.exact = True
        self.params = {"L": self.L, "k": k, "q": q}

    def _float_curves(self):
        lq = math.log(self.q)
        g = np.minimum(np.arange(self.L + 1), self.k) * lq
        Ib = np.where(np.arange(self.L) >= self.k, lq, 0.0)
        return g.astype(float), Ib

    def _exact_profile(self):
        g = np.empty(self.L + 1, dtype=object)
        g[:] = [LogForm.log(self.q, min(t, self.k)) if t else LogForm() for t in range(self.L + 1)]
        return g

    def _profile_mp(self, ts, dps):
        return [min(t, self.k) * mpmath.log(self.q) for t in ts]

    def _joint(self):
        from ..laws.families import mds_code

        return mds_code(self.L, self.k, self.q)

    def _crossing_mean(self, sizes, exact, log=False):
        """``E[q^(k-T)]`` over the law of the crossing count ``T`` (its log if ``log``)."""
        law = _sizes.first_passage(sizes, self.L, self.k, exact=True if exact else False)
        if exact:
            return sum((Fraction(pr) / Fraction(self.q) ** (T - self.k) for T, pr in law.items()), Fraction(0))
        terms = [math.log(pr) + (self.k - T) * math.log(self.q) for T, pr in law.items() if pr > 0]
        m = max(terms)
        lse = m + math.log(math.fsum(math.exp(x - m) for x in terms))
        return lse if log else math.exp(lse)

    def mixture_kl(self, sizes, exact: bool = False):
        """``KL(p || q) = -log E[q^(k-T)]``; fixed sizes: ``(T - k) log q``."""
        kind, params = _sizes.describe(sizes, self.L)
        if kind == "fixed":
            T = next(t for t in _sizes.cumulative(params) if t >= self.k)
            return LogForm.log(self.q, T - self.k) if exact else (T - self.k) * math.log(self.q)
        if exact:
            m = self._crossing_mean(sizes, True)
            return LogForm.log(1 / m) if m != 1 else LogForm()
        return -self._crossing_mean(sizes, False, log=True)

    def tv(self, sizes, exact: bool = False):
        """``TV(p, q) = 1 - E[q^(k-T)]``."""
        m = self._crossing_mean(sizes, exact)
        return 1 - Fraction(m) if exact else float(1 - m)


def mds_code(L, k, q=None) -> MDSCode:
    """Uniform law on the Reed–Solomon code ``[L, k]_q``; ``q=None`` takes the least prime ``>= L``."""
    if q is None:
        q = next_prime(L)
    return MDSCode(L, k, q)
