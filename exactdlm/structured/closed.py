"""Repeated symbol and sum-mod-V (parity) laws at any L, by the closed forms of docs/theory.md §6.

**Repeated symbol** (uniform on the V constant strings): ``g(t) = log V`` for ``t >= 1``,
``Ī = (0, log V, ..., log V)``. Mixture law: the first step draws its ``s_1`` tokens i.i.d.
uniform; they agree with probability ``V^(1-s_1)`` and then the rest is forced, otherwise
the context has probability 0 and the output is not constant. So ``q(c...c) = V^(-s_1)``,
``KL(p||q) = (s_1 - 1) log V`` (= EKL) and ``TV = 1 - V^(1-s_1)``. With random sizes
``s_1`` is random: ``KL = -log(V E[V^(-S_1)])``, ``TV = 1 - V E[V^(-S_1)]``.

**Sum mod V** (uniform on strings with ``sum x_i = 0 mod V``; V = 2: parity): any ``L-1``
positions are i.i.d. uniform, so ``g(t) = t log V`` for ``t < L``, ``g(L) = (L-1) log V``,
``Ī = (0, ..., 0, log V)``. Mixture law: every step but the last sees fewer than ``L-1``
revealed tokens and draws uniform tokens (the correct law of any ``L-1`` positions); a last
step of size 1 is forced (``q = p``), a larger one is uniform (``q`` uniform on ``[V]^L``).
With ``a = P(last step has size 1)``: ``q = a p + (1-a) u``, ``KL = -log(a + (1-a)/V)``,
``TV = (1-a)(1 - 1/V)``.

Both have ``as_exchangeable()``, the same law through the generic count engine
(``exchangeable.py``), which the tests compare with these closed forms at L = 4096.
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import comb

import mpmath
import numpy as np

from ..arith import LogForm
from . import sizes as _sizes
from ._numerics import check_length
from .base import StructuredLaw


def _check_V(V):
    if isinstance(V, bool) or not isinstance(V, (int, np.integer)) or V < 2:
        raise ValueError(f"V (the vocabulary size) must be an integer >= 2, got {V!r}")
    return int(V)


def _exact_log(x: Fraction) -> LogForm:
    return LogForm.log(x) if x != 1 else LogForm()


class RepeatedSymbol(StructuredLaw):
    """Uniform on the V constant strings of length L (closed forms; any L)."""

    family = "repeated_symbol"

    def __init__(self, L, V):
        super().__init__()
        self.L = check_length(L, "repeated symbol")
        self.V = _check_V(V)
        self.exact = True
        self.params = {"L": self.L, "V": self.V}

    def _float_curves(self):
        lv = math.log(self.V)
        g = np.full(self.L + 1, lv)
        g[0] = 0.0
        Ib = np.full(self.L, lv)
        Ib[0] = 0.0
        return g, Ib

    def _exact_profile(self):
        g = np.empty(self.L + 1, dtype=object)
        g[:] = [LogForm()] + [LogForm.log(self.V) for _ in range(self.L)]
        return g

    def _profile_mp(self, ts, dps):
        return [mpmath.log(self.V) if t > 0 else mpmath.mpf(0) for t in ts]

    def _joint(self):
        from ..laws.families import repeated_symbol

        return repeated_symbol(self.L, self.V)

    def as_exchangeable(self):
        from .exchangeable import exchangeable_mixture

        V = self.V
        rows = [[Fraction(int(i == v)) for i in range(V)] for v in range(V)]
        return exchangeable_mixture(self.L, [Fraction(1, V)] * V, rows)

    def _first_step_mean(self, sizes, exact, log=False):
        """``E[V^(-S_1)]`` with ``S_1`` the first (nonempty) step's size (its log if ``log``)."""
        law = _sizes.first_passage(sizes, self.L, 1, exact=True if exact else False)
        if exact:
            return sum((Fraction(pr) * Fraction(1, self.V**s) for s, pr in law.items()), Fraction(0))
        if log:
            return _logsumexp([math.log(pr) - s * math.log(self.V) for s, pr in law.items() if pr > 0])
        return math.fsum(float(pr) * self.V ** (-s) for s, pr in law.items())

    def mixture_kl(self, sizes, exact: bool = False):
        """``KL(p || q) = -log(V E[V^(-S_1)])`` (fixed sizes: ``(s_1 - 1) log V``)."""
        if exact:
            return _exact_log(1 / (self.V * self._first_step_mean(sizes, True)))
        return -(math.log(self.V) + self._first_step_mean(sizes, False, log=True))

    def tv(self, sizes, exact: bool = False):
        """``TV(p, q) = 1 - V E[V^(-S_1)]``."""
        m = self._first_step_mean(sizes, exact)
        if exact:
            return 1 - self.V * Fraction(m)
        return float(1 - self.V * m)


class SumModV(StructuredLaw):
    """Uniform on the ``V^(L-1)`` strings whose symbols sum to 0 mod V (V = 2: parity)."""

    family = "parity"

    def __init__(self, L, V=2):
        super().__init__()
        self.L = check_length(L, "parity")
        if self.L < 2:
            raise ValueError("parity needs L >= 2 (at L = 1 it is the point mass on 0)")
        self.V = _check_V(V)
        self.exact = True
        self.params = {"L": self.L, "V": self.V}

    def _float_curves(self):
        lv = math.log(self.V)
        g = np.arange(self.L + 1, dtype=float) * lv
        g[self.L] = (self.L - 1) * lv
        Ib = np.zeros(self.L)
        Ib[self.L - 1] = lv
        return g, Ib

    def _exact_profile(self):
        g = np.empty(self.L + 1, dtype=object)
        g[:] = [LogForm.log(self.V, t) if t else LogForm() for t in range(self.L)] + [LogForm.log(self.V, self.L - 1)]
        return g

    def _profile_mp(self, ts, dps):
        lv = mpmath.log(self.V)
        return [lv * (t if t < self.L else self.L - 1) for t in ts]

    def _joint(self):
        from ..laws.families import parity

        return parity(self.L, self.V)

    def as_exchangeable(self):
        """The same law through the count engine (count law ``P_L(n) ∝ mult(L; n)`` on ``sum v n_v = 0 mod V``)."""
        from .exchangeable import exchangeable_from_counts
        from ..engine._kernels.structured import compositions_of, _multinomial

        L, V = self.L, self.V
        if V == 2:
            pmf = [Fraction(comb(L, k), 2 ** (L - 1)) if k % 2 == 0 else Fraction(0) for k in range(L + 1)]
            law = exchangeable_from_counts(L, pmf)
        else:
            top = {n: Fraction(_multinomial(L, n), V ** (L - 1))
                   for n in compositions_of(L, V) if sum(v * c for v, c in enumerate(n)) % V == 0}
            law = exchangeable_from_counts(L, top, V=V)
        law.family = "parity"
        return law

    def _last_single(self, sizes, exact):
        """``a = P(the last step has size 1)``."""
        law = _sizes.last_step_from(sizes, self.L, exact=True if exact else False)
        a = law.get(self.L - 1, 0)
        if exact:
            return Fraction(a)
        return float(a)

    def mixture_kl(self, sizes, exact: bool = False):
        """``KL(p || q) = -log(a + (1-a)/V)`` (fixed sizes: ``log V [s_K >= 2]``)."""
        a = self._last_single(sizes, exact)
        if exact:
            return _exact_log(1 / (a + (1 - a) / Fraction(self.V)))
        return -math.log(a + (1 - a) / self.V)

    def tv(self, sizes, exact: bool = False):
        """``TV(p, q) = (1-a)(1 - 1/V)``."""
        a = self._last_single(sizes, exact)
        if exact:
            return (1 - a) * (1 - Fraction(1, self.V))
        return (1 - a) * (1 - 1 / self.V)


def _logsumexp(xs):
    m = max(xs)
    return m + math.log(math.fsum(math.exp(x - m) for x in xs))


def repeated_symbol(L, V=2) -> RepeatedSymbol:
    """Uniform on the V constant strings (docs/theory.md §6), any L."""
    return RepeatedSymbol(L, V)


def parity(L, V=2) -> SumModV:
    """Uniform on strings with ``sum x_i = 0 mod V`` (docs/theory.md §6; V = 2: L-1 fair bits and their XOR)."""
    return SumModV(L, V)
