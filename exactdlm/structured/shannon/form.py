"""Entropy-linear forms: ``const + Σ_a f_a h(a)`` over the orbit coordinates of a space
(docs/theory.md §8a; :mod:`.space`).

An :class:`EntropyForm` is what every entropy-linear quantity of the symbolic law
(:class:`~exactdlm.structured.shannon.law.EntropicLaw`) returns: an exact rational coefficient
vector (``num / den``, int64 while the numbers fit, Python ints beyond) plus a rational constant.
Sums of forms of two spaces are taken in their meet (both refined). Anything that would need a
value — ``float()``, ``bool()``, comparisons, products of two forms — raises the cone's
:class:`~exactdlm.structured.cone.NotInFragment`, so a claim that leaves the linear fragment is
checked on laws instead. Float coefficients are read as the decimals they print (as on the cone).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..cone import _SAFE, NotInFragment, ValuelessLinear, _add, _as_array, _scalar, _scaled
from .space import Space, meet, refinement

_ZERO = Fraction(0)


def _lcm(a: int, b: int) -> int:
    return a * b // math.gcd(a, b)


class EntropyForm(ValuelessLinear):
    """``const + Σ_a (num[a]/den) h(a)`` on the orbit space ``space``."""

    __slots__ = ("space", "num", "den", "const")
    _NOUN = "entropy quantity"
    _VALUE_NOUN = "an entropy-linear quantity"
    __array_ufunc__ = None
    __hash__ = None

    def __init__(self, space: Space, num, den: int = 1, const=_ZERO):
        self.space = space
        self.num = num if isinstance(num, np.ndarray) else _as_array(num)
        self.den = int(den)
        self.const = const if type(const) is Fraction else Fraction(const)

    # -- construction ----------------------------------------------------------------
    @classmethod
    def zero(cls, space: Space) -> "EntropyForm":
        return cls(space, np.zeros(space.size, dtype=np.int64))

    @classmethod
    def coordinate(cls, space: Space, index: int, coef=1) -> "EntropyForm":
        num = np.zeros(space.size, dtype=np.int64)
        if index:  # h(0) = H(nothing) = 0
            num[index] = 1
        return cls(space, num) * coef if coef != 1 else cls(space, num)

    @classmethod
    def from_fractions(cls, space: Space, values, const=_ZERO) -> "EntropyForm":
        """From ``{index: Fraction}`` (or a list over all indices)."""
        items = values.items() if isinstance(values, dict) else enumerate(values)
        items = [(int(i), Fraction(v)) for i, v in items if v and int(i) != 0]
        den = 1
        for _, v in items:
            den = _lcm(den, v.denominator)
        ints = {}
        for i, v in items:
            ints[i] = ints.get(i, 0) + v.numerator * (den // v.denominator)
        if all(abs(x) < _SAFE for x in ints.values()):  # sparse fill of an int64 vector (no dense Python list)
            num = np.zeros(space.size, dtype=np.int64)
            if ints:
                num[np.fromiter(ints.keys(), dtype=np.int64)] = np.fromiter(ints.values(), dtype=np.int64)
        else:
            num = np.zeros(space.size, dtype=object)
            num[:] = 0
            for i, x in ints.items():
                num[i] = x
        return cls(space, num, den, Fraction(const))._reduced()


    def fractions(self) -> dict:
        """``{index: Fraction}`` of the non-zero coefficients."""
        return {int(i): Fraction(int(self.num[i]), self.den) for i in np.flatnonzero(self.num)}

    def coefficient(self, index: int) -> Fraction:
        return Fraction(int(self.num[index]), self.den)

    def refined(self, fine: Space) -> "EntropyForm":
        """The same form in the coordinates of a finer space."""
        ref = refinement(self.space, fine)
        if ref is None:
            return self
        parent, weight = ref
        nz = np.flatnonzero(self.num)
        hit = np.flatnonzero(np.isin(parent, nz))
        own = {int(a): Fraction(int(self.num[a]), self.den) for a in nz}
        vals = {int(c): own[int(parent[c])] * weight[c] for c in hit}
        return EntropyForm.from_fractions(fine, vals, self.const)

    @property
    def L(self) -> int:
        return self.space.L

    # -- arithmetic ------------------------------------------------------------------
    def _coerce(self, other):
        if isinstance(other, EntropyForm):
            return other
        return EntropyForm(self.space, np.zeros(self.space.size, dtype=np.int64), 1, _scalar(other))

    def __add__(self, other):
        o = self._coerce(other)
        a, b = self, o
        if a.space != b.space:
            m = meet(a.space, b.space)
            a, b = a.refined(m), b.refined(m)
        const = a.const + b.const
        if a.den == b.den:
            return EntropyForm(a.space, _add(a.num, b.num), a.den, const)._reduced()
        lcm = _lcm(a.den, b.den)
        num = _add(_scaled(a.num, lcm // a.den), _scaled(b.num, lcm // b.den))
        return EntropyForm(a.space, num, lcm, const)._reduced()

    __radd__ = __add__

    def __neg__(self):
        num = -self.num if self.num.dtype == object else _scaled(self.num, -1)
        return EntropyForm(self.space, num, self.den, -self.const)

    def __sub__(self, other):
        return self + (-self._coerce(other))

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, other):
        if isinstance(other, EntropyForm):
            raise NotInFragment("a product of two entropy quantities is not linear")
        q = _scalar(other)
        if q == 0:
            return EntropyForm.zero(self.space)
        return EntropyForm(self.space, _scaled(self.num, q.numerator), self.den * q.denominator,
                           self.const * q)._reduced()

    __rmul__ = __mul__

    # -- inspection ------------------------------------------------------------------
    @property
    def homogeneous(self) -> bool:
        return self.const == 0

    def is_zero(self) -> bool:
        return self.const == 0 and not np.any(self.num)

    def value_at(self, h) -> Fraction:
        """``Σ f_a h(a)`` (constant excluded) at a rational coordinate vector ``h``."""
        total = Fraction(0)
        for i in np.flatnonzero(self.num):
            total += int(self.num[i]) * Fraction(h[i])
        return total / self.den

    def to_str(self, limit: int = 12) -> str:
        terms = []
        for i, v in sorted(self.fractions().items()):
            terms.append((v, self.space.name(self.space.counts(i))))
        parts = [f"{'-' if v < 0 else '+'} {abs(v)}·{n}" if abs(v) != 1 else f"{'-' if v < 0 else '+'} {n}"
                 for v, n in terms[:limit]]
        s = " ".join(parts).lstrip("+ ") or "0"
        if len(terms) > limit:
            s += f" + ... ({len(terms)} terms)"
        if self.const:
            s += f" + {self.const}"
        return s

    def __repr__(self):
        return f"EntropyForm({self.space!r}: {self.to_str(6)})"


def lift(x, space: Space) -> EntropyForm:
    if isinstance(x, EntropyForm):
        return x
    return EntropyForm(space, np.zeros(space.size, dtype=np.int64), 1, _scalar(x))


__all__ = ["EntropyForm", "lift"]
