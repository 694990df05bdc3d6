"""Exact values: linear forms ``sum_i c_i log r_i`` with rational ``c_i`` and positive rational ``r_i``.

Every information quantity of a rational law is such a form (THEORY.md §7, "Exact
arithmetic"): entropies are ``-sum p log p``, and g, Ī, TC, DTC, EKL are rational
combinations of entropies. A :class:`LogForm` is closed under ``+``, ``-`` and rational
scaling, adds rationals as a constant part is not needed (every quantity is a pure
log-form), evaluates with mpmath at any precision or as a certified interval, and
decides equality exactly (see ``decide``).
"""

from __future__ import annotations

from fractions import Fraction
from numbers import Rational

import mpmath


def _frac(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, Rational)):
        return Fraction(x)
    raise TypeError(f"LogForm coefficients must be rational, got {type(x).__name__}")


class LogForm:
    """``sum_r c_r log r`` stored as ``{r: c}`` with every ``r > 1`` (``log(1/r) = -log r``)."""

    __slots__ = ("terms",)

    def __init__(self, terms=None):
        self.terms: dict[Fraction, Fraction] = {}
        if terms:
            for r, c in (terms.items() if isinstance(terms, dict) else terms):
                self._add_term(Fraction(r), _frac(c))

    def _add_term(self, r: Fraction, c: Fraction) -> None:
        if r <= 0:
            raise ValueError(f"log of a non-positive rational {r}")
        if c == 0 or r == 1:
            return
        if r < 1:
            r, c = 1 / r, -c
        new = self.terms.get(r, Fraction(0)) + c
        if new == 0:
            self.terms.pop(r, None)
        else:
            self.terms[r] = new

    @classmethod
    def log(cls, r, coef=1) -> "LogForm":
        """The form ``coef * log r``."""
        return cls([(r, coef)])

    @classmethod
    def zero(cls) -> "LogForm":
        return cls()

    # --- arithmetic -----------------------------------------------------------------
    def copy(self) -> "LogForm":
        out = LogForm()
        out.terms = dict(self.terms)
        return out

    def __add__(self, other):
        if isinstance(other, (int, Rational)) and other == 0:
            return self.copy()
        if not isinstance(other, LogForm):
            return NotImplemented
        out = self.copy()
        for r, c in other.terms.items():
            out._add_term(r, c)
        return out

    __radd__ = __add__

    def __neg__(self):
        out = LogForm()
        out.terms = {r: -c for r, c in self.terms.items()}
        return out

    def __sub__(self, other):
        if isinstance(other, (int, Rational)) and other == 0:
            return self.copy()
        if not isinstance(other, LogForm):
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other):
        if isinstance(other, (int, Rational)) and other == 0:
            return -self
        return NotImplemented

    def __mul__(self, k):
        if not isinstance(k, (int, Rational)):
            return NotImplemented
        k = Fraction(k)
        out = LogForm()
        if k != 0:
            out.terms = {r: c * k for r, c in self.terms.items()}
        return out

    __rmul__ = __mul__

    def __truediv__(self, k):
        if not isinstance(k, (int, Rational)):
            return NotImplemented
        if k == 0:
            raise ZeroDivisionError("LogForm divided by zero")
        return self * (1 / Fraction(k))

    # --- evaluation -----------------------------------------------------------------
    def is_trivially_zero(self) -> bool:
        """True when no term is left after merging equal arguments (sufficient, not necessary)."""
        return not self.terms

    def mpf(self, dps: int = 30):
        """The value as an mpmath float at ``dps`` decimal digits."""
        with mpmath.workdps(dps + 10):
            total = mpmath.mpf(0)
            for r, c in self.terms.items():
                total += (mpmath.mpf(c.numerator) / c.denominator) * (
                    mpmath.log(r.numerator) - mpmath.log(r.denominator)
                )
            return +total

    def __float__(self):
        return float(self.mpf(30))

    def interval(self, prec: int = 64):
        """A certified mpmath interval (``mpmath.iv``) containing the value, at ``prec`` bits."""
        iv = mpmath.iv
        old = iv.prec
        iv.prec = prec
        try:
            total = iv.mpf(0)
            for r, c in self.terms.items():
                coef = iv.mpf(c.numerator) / iv.mpf(c.denominator)
                total += coef * (iv.log(iv.mpf(r.numerator)) - iv.log(iv.mpf(r.denominator)))
            return total
        finally:
            iv.prec = old

    def __repr__(self):
        if not self.terms:
            return "LogForm(0)"
        return "LogForm(" + " + ".join(f"({c})*log({r})" for r, c in sorted(self.terms.items())) + ")"

    def __str__(self):
        if not self.terms:
            return "0"
        parts = []
        for r, c in sorted(self.terms.items()):
            parts.append(f"{c}*log({r})")
        return " + ".join(parts)

    def __eq__(self, other):
        """Exact equality of values (not of representations)."""
        if isinstance(other, (int, Rational)) and other == 0:
            return is_zero(self)
        if not isinstance(other, LogForm):
            return NotImplemented
        return is_zero(self - other)

    __hash__ = None

    def __lt__(self, other):
        return compare(self, other) < 0

    def __le__(self, other):
        return compare(self, other) <= 0

    def __gt__(self, other):
        return compare(self, other) > 0

    def __ge__(self, other):
        return compare(self, other) >= 0


def is_zero(form: LogForm) -> bool:
    """Exact decision of ``form == 0``; completed in ``decide`` below."""
    from .decide import log_form_is_zero

    return log_form_is_zero(form)


def compare(a, b) -> int:
    """Sign of ``a - b`` decided exactly (equal) or by certified intervals; raises if undecidable."""
    from .decide import certified_sign

    sign = certified_sign(to_logform(a) - to_logform(b))
    if sign is None:
        raise ArithmeticError("comparison undecided at the maximum precision")
    return sign


def to_logform(x) -> LogForm:
    """A LogForm from a LogForm or zero; other numbers have no exact log-form."""
    if isinstance(x, LogForm):
        return x
    if isinstance(x, (int, Rational)) and x == 0:
        return LogForm()
    raise TypeError(f"{type(x).__name__} {x!r} is not an exact log-form")
