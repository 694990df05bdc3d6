"""Exact values: ``const + sum_r c_r log r`` with rational ``const``, ``c_r`` and ``r > 1``.

Every information quantity of a rational law is such a form (docs/theory.md §7, "Exact
arithmetic"): entropies are ``-sum p log p``, and g, Ī, TC, DTC, EKL are rational
combinations of entropies. The rational constant lets a claim compare a log-form with a
number (``EKL <= 1/2``, ``steps - bound``). A :class:`LogForm` is closed under ``+``, ``-``
with forms and rationals and under rational scaling; it evaluates to any precision and to
certified enclosures, and decides equality exactly (``exactdlm.arith.decide``).

Certified evaluation. Write the form over integers: with ``D`` the common denominator of
all coefficients and of ``const``, ``D * form = C + sum_n A_n log n`` with integers ``C``,
``A_n`` and integers ``n >= 2`` (each ``r = n/d`` contributes ``+c`` to ``n`` and ``-c`` to
``d``, so repeated numerators and denominators merge). At ``prec`` bits every ``log n`` is
enclosed in fixed point, ``lo_n <= 2^prec log n <= hi_n``, from mpmath's ``mpf_log`` with
floor rounding (the primitive ``mpmath.iv.log`` uses) at ``prec + 8`` bits above the
integer part, widened by a unit on each side. The sum is then formed in exact integer
arithmetic, so the enclosure of the whole form is only as wide as ``sum_n |A_n|`` units
of ``2^-prec`` (about ``sum |c_r| 2^(1-prec)`` in the form's own units) and rounding
never accumulates. The fixed-point logs are cached across calls: forms built from one law
keep meeting the same integers.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from numbers import Integral, Rational

import mpmath
from mpmath import libmp
from .coprime import _integer_sign, integer_form_is_zero
from .fixed import _FLOAT_BITS, START_PREC, _frac, _is_rational, approx_value, enclosure, log_fixed  # noqa: F401


def integer_form(*signed) -> tuple[dict[int, int], int, int]:
    """``(A, C, D)`` with ``D * sum_i s_i * form_i = C + sum_n A_n log n`` exactly.

    ``signed``: pairs ``(form, s)``, ``form`` a LogForm or a rational, ``s`` an integer. ``D``
    is the least common denominator of every coefficient and constant, ``A`` holds only
    nonzero entries, keys are integers ``>= 2``.
    """
    forms = [(to_logform(f), int(s)) for f, s in signed]
    dens = {f.const.denominator for f, _ in forms}
    for f, _ in forms:
        dens.update(c.denominator for c in f.terms.values())
    D = math.lcm(*dens)
    mult = {q: D // q for q in dens}
    A: dict[int, int] = {}
    get = A.get
    C = 0
    for f, s in forms:
        C += s * f.const.numerator * mult[f.const.denominator]
        for r, c in f.terms.items():
            a = s * c.numerator * mult[c.denominator]
            n, d = r.numerator, r.denominator
            A[n] = get(n, 0) + a
            if d != 1:
                A[d] = get(d, 0) - a
    return {n: a for n, a in A.items() if a}, C, D


def _integer_is_zero(A, C) -> bool:
    return integer_form_is_zero(A, C)


def _term_key(rc):
    try:
        return (float(rc[0]), rc[0])
    except OverflowError:  # a rational above ~1.8e308: after every float-sized one
        return (float("inf"), rc[0])


class LogForm:
    """``const + sum_r c_r log r``, terms stored as ``{r: c}`` with every ``r > 1``
    (``log(1/r) = -log r``), ``const`` a Fraction (default 0)."""

    __slots__ = ("terms", "const")

    def __init__(self, terms=None, const=0):
        self.terms: dict[Fraction, Fraction] = {}
        self.const: Fraction = _frac(const)
        if terms:
            for r, c in terms.items() if isinstance(terms, dict) else terms:
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

    @classmethod
    def rational(cls, q) -> "LogForm":
        """The constant form ``q`` (no log terms)."""
        return cls(const=q)

    # --- arithmetic -----------------------------------------------------------------
    def copy(self) -> "LogForm":
        out = LogForm()
        out.terms = dict(self.terms)
        out.const = self.const
        return out

    def __add__(self, other):
        if _is_rational(other):
            out = self.copy()
            out.const += _frac(other)
            return out
        if not isinstance(other, LogForm):
            return NotImplemented
        out = self.copy()
        out.const += other.const
        for r, c in other.terms.items():
            out._add_term(r, c)
        return out

    __radd__ = __add__

    def __neg__(self):
        out = LogForm()
        out.terms = {r: -c for r, c in self.terms.items()}
        out.const = -self.const
        return out

    def __pos__(self):
        return self.copy()

    def __sub__(self, other):
        if _is_rational(other):
            return self + (-_frac(other))
        if not isinstance(other, LogForm):
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other):
        if _is_rational(other):
            return (-self) + _frac(other)
        return NotImplemented

    def __mul__(self, k):
        if isinstance(k, float) and not isinstance(k, bool):
            return float(self) * k  # a float coefficient makes a float side (compared uncertified)
        if not _is_rational(k):
            return NotImplemented
        k = _frac(k)
        out = LogForm()
        if k != 0:
            out.terms = {r: c * k for r, c in self.terms.items()}
            out.const = self.const * k
        return out

    __rmul__ = __mul__

    def __truediv__(self, k):
        if not _is_rational(k):
            return NotImplemented
        if k == 0:
            raise ZeroDivisionError("LogForm divided by zero")
        return self * (1 / _frac(k))

    # --- evaluation -----------------------------------------------------------------
    def is_trivially_zero(self) -> bool:
        """True when no term is left after merging equal arguments and ``const == 0``
        (sufficient for zero, not necessary: see ``decide.log_form_is_zero``)."""
        return not self.terms and self.const == 0

    def log_part(self) -> "LogForm":
        """The form without its constant, ``sum_r c_r log r``."""
        out = LogForm()
        out.terms = dict(self.terms)
        return out

    def bounds(self, prec: int = START_PREC) -> tuple[Fraction, Fraction]:
        """Certified rational bounds ``lo <= value <= hi``, width about ``sum |c| 2^(1-prec)``."""
        A, C, D = integer_form((self, 1))
        lo, hi = enclosure(A, C, prec)
        return Fraction(lo, D << prec), Fraction(hi, D << prec)

    def exact_value(self, rel_bits: int) -> Fraction:
        """A rational within relative ``2^-rel_bits`` of the value (exactly 0 for a zero form)."""
        A, C, D = integer_form((self, 1))
        return approx_value(A, C, D, rel_bits, _integer_is_zero)

    def mpf(self, dps: int = 30):
        """The value as an mpmath float at ``dps`` decimal digits (relative accuracy)."""
        q = self.exact_value(int(dps * 3.33) + 8)
        with mpmath.workdps(dps):
            return mpmath.mpf(q.numerator) / q.denominator

    def __float__(self):
        q = self.exact_value(_FLOAT_BITS)
        return float(q)

    def interval(self, prec: int = START_PREC):
        """A certified mpmath interval (``mpmath.iv``) containing the value, built at ``prec`` bits."""
        lo, hi = self.bounds(prec)
        a = libmp.from_rational(lo.numerator, lo.denominator, prec, libmp.round_floor)
        b = libmp.from_rational(hi.numerator, hi.denominator, prec, libmp.round_ceiling)
        return mpmath.iv.make_mpf((a, b))  # raw endpoints: no further (nearest) rounding

    # --- printing -------------------------------------------------------------------
    def _sorted_terms(self):
        # float keys first (fast), exact tie-break; arguments beyond float range sort last
        return sorted(self.terms.items(), key=_term_key)

    def __repr__(self):
        body = "{" + ", ".join(f"'{r}': '{c}'" for r, c in self._sorted_terms()) + "}"
        if self.const:
            return f"LogForm({body}, const='{self.const}')"
        return f"LogForm({body})"

    def __str__(self):
        """Readable: ``1/2 - log(2) + 3/4*log(7/3)`` (constant first, arguments ascending)."""
        parts = []
        if self.const or not self.terms:
            parts.append(str(self.const))
        for r, c in self._sorted_terms():
            mag = abs(c)
            body = f"log({r})" if mag == 1 else f"{mag}*log({r})"
            if not parts:
                parts.append(body if c > 0 else "-" + body)
            else:
                parts.append(("+ " if c > 0 else "- ") + body)
        return " ".join(parts)

    # --- comparisons ----------------------------------------------------------------
    def __eq__(self, other):
        """Exact equality of values (not of representations)."""
        if _is_rational(other) or isinstance(other, LogForm):
            return is_zero(self - other)
        return NotImplemented

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
    """Exact decision of ``form == 0`` (:func:`log_form_is_zero`)."""
    return log_form_is_zero(form)


def compare(a, b) -> int:
    """Sign of ``a - b`` decided exactly (equal) or by certified intervals; raises if undecidable."""
    A, C, _D = integer_form((to_logform(a) - to_logform(b), 1))
    sign = _integer_sign(A, C, START_PREC, 4096)[0]
    if sign is None:
        raise ArithmeticError("comparison undecided at the maximum precision")
    return sign


def to_logform(x) -> LogForm:
    """A LogForm from a LogForm or a rational (int, Fraction); floats have no exact log-form."""
    if isinstance(x, LogForm):
        return x
    if _is_rational(x):
        return LogForm(const=x)
    raise TypeError(f"{type(x).__name__} {x!r} is not an exact log-form")


def _exact(x, what: str) -> LogForm:
    if isinstance(x, LogForm):
        return x
    if isinstance(x, bool):
        raise ValueError(f"{what} is a bool; pass a number")
    if isinstance(x, (int, Rational)):
        return LogForm(const=x)
    raise ValueError(f"{what} must be an exact value (LogForm, int or Fraction), got {type(x).__name__}")


def log_form_is_zero(form) -> bool:
    """Exact decision of ``form == 0`` (coprime base; see the module docstring)."""
    form = _exact(form, "form")
    if not form.terms:
        return form.const == 0
    if form.const != 0:  # const + Λ with const != 0 is never 0 (Baker)
        return False
    A, C, _D = integer_form((form, 1))
    if not A:
        return True
    lo, hi = enclosure(A, C, START_PREC)
    if lo > 0 or hi < 0:
        return False
    return integer_form_is_zero(A, C)
