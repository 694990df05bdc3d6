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

Units. A form's value is in nats unless ``base`` is set: ``x.in_base(2)`` is the same
quantity in bits, stored as its nats value ``N`` (the terms and constant) with ``base = 2``,
so its value is ``N / log 2`` and it stays exact. Sums, differences and rational scalings of
forms in one base stay in that base (a rational added to a form in bits counts in bits);
mixing bases is an error; ``x.nats()`` returns ``N``. Decisions (``==``, ``<``, zero tests)
work on ``N``, since ``log b > 0``; the integer-form machinery (``integer_form``, and so
``canonical``, ``certified_sign``, ``compare_sides``) takes forms in nats only.

Printing. ``str(x)`` is the canonical form (``exactdlm.arith.decide.canonical``: ``log(81)``
prints ``4*log(3)``); ``x.to_str(raw=True)`` (or ``format(x, "raw")``) the terms as stored.
A form in base ``b`` prints in that unit: ``log2(3)``, with powers of ``b`` moved into the
constant (``H`` of a fair bit in bits prints ``1``).
"""

from __future__ import annotations

import math
import sys
from contextlib import contextmanager
from fractions import Fraction
from numbers import Rational

import mpmath
from mpmath import libmp
from .coprime import _integer_sign, integer_form_is_zero
from .fixed import (  # noqa: F401
    _FLOAT_BITS,
    START_PREC,
    LogAtom,
    _frac,
    _is_rational,
    approx_value,
    enclosure,
    expand_atoms,
)


def integer_form(*signed) -> tuple[dict[int, int], int, int]:
    """Integer form of a signed sum of forms in nats (a form with a ``base`` is refused):
    ``(A, C, D)`` with ``D * sum_i s_i * form_i = C + sum_n A_n log n`` exactly (a term over a
    :class:`LogAtom` keeps the atom as its key, see ``fixed.LogAtom``).

    ``signed``: pairs ``(form, s)``, ``form`` a LogForm or a rational, ``s`` an integer. ``D``
    is the least common denominator of every coefficient and constant, ``A`` holds only
    nonzero entries, keys are integers ``>= 2``.
    """
    forms = [(to_logform(f), int(s)) for f, s in signed]
    for f, _ in forms:
        if f.base is not None:
            raise ValueError(
                f"this LogForm is in base {f.base}; exact decisions take values in nats: pass x.nats() "
                "(and the other side in nats too)"
            )
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
            if type(r) is LogAtom:
                A[r] = get(r, 0) + a
                continue
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


#: ``canonical`` of :mod:`.decide` (the layer above in this package), set by ``arith/__init__``
_CANONICAL = None


def _set_canonical(fn) -> None:
    global _CANONICAL
    _CANONICAL = fn


def check_base(base):
    """``base`` of a logarithm as an exact rational ``> 1``, ``None`` for nats (``None`` or
    ``math.e``); anything else a ``ValueError`` naming the fix."""
    if base is None or (isinstance(base, float) and base == math.e):
        return None
    if isinstance(base, bool) or not isinstance(base, (int, float, Rational)):
        raise ValueError(f"base must be a number > 1 (2 for bits, math.e or None for nats), got {base!r}")
    if isinstance(base, float) and not math.isfinite(base):
        raise ValueError(f"base must be a finite number > 1, got {base!r}")
    b = Fraction(base)
    if not b > 1:
        raise ValueError(f"base must be a number > 1 (2 for bits, math.e or None for nats), got {base!r}")
    return int(b) if b.denominator == 1 else b


def _log_name(b) -> str:
    return {2: "log2", 10: "log10"}.get(b, f"log_{b}")


class LogForm:
    """``const + sum_r c_r log r``, terms stored as ``{r: c}`` with every ``r > 1``
    (``log(1/r) = -log r``), ``const`` a Fraction (default 0); ``base``: ``None`` (the value
    in nats) or the base the value is expressed in (value ``= N / log base``, see the module
    docstring). A key may also be a :class:`LogAtom` (made by :meth:`atom`), worth ``c`` times
    the atom's value; then ``const`` is only the outer constant and :meth:`expanded` gives the
    same value over rationals alone."""

    __slots__ = ("terms", "const", "base")

    def __init__(self, terms=None, const=0, base=None):
        self.terms: dict[Fraction, Fraction] = {}
        self.const: Fraction = _frac(const)
        self.base = None if base is None else check_base(base)
        if terms:
            for r, c in terms.items() if isinstance(terms, dict) else terms:
                self._add_term(Fraction(r), _frac(c))

    def _add_term(self, r: Fraction, c: Fraction) -> None:
        if type(r) is LogAtom:
            self._merge_term(r, c)
            return
        if r <= 0:
            raise ValueError(f"log of a non-positive rational {r}")
        if c == 0 or r == 1:
            return
        if r < 1:
            r, c = 1 / r, -c
        self._merge_term(r, c)

    def _merge_term(self, r, c: Fraction) -> None:
        """Add ``c`` to the coefficient of an argument already in normal form (``r > 1`` or an atom)."""
        old = self.terms.get(r)
        new = c if old is None else old + c
        if new == 0:
            self.terms.pop(r, None)
        else:
            self.terms[r] = new

    @classmethod
    def log(cls, r, coef=1) -> "LogForm":
        """The form ``coef * log r``."""
        return cls([(r, coef)])

    @classmethod
    def atom(cls, form) -> "LogForm":
        """The value of ``form`` (a LogForm in nats or a rational) as a form of one term over a
        :class:`~exactdlm.arith.fixed.LogAtom`: equal in value, and cheap to combine however
        many terms ``form`` has (docs/theory.md §7, "Atoms"). A rational stays a constant."""
        form = _exact(form, "LogForm.atom's argument")
        if not form.const and len(form.terms) == 1:
            ((key, coef),) = form.terms.items()
            if type(key) is LogAtom and coef == 1:
                return form
        A, C, D = integer_form((form, 1))
        return cls.from_integer_form(A, C, D)

    @classmethod
    def from_integer_form(cls, A: dict, C: int, D: int) -> "LogForm":
        """The value ``(C + sum_n A_n log n) / D`` (integer ``D > 0``; keys integers ``n >= 2`` or
        atoms) as a form of one atom, or a rational when ``A`` is empty."""
        A = {n: a for n, a in A.items() if a}
        if not A:
            return cls(const=Fraction(C, D))
        out = cls()
        out.terms = {LogAtom(A, C, D): Fraction(1)}
        return out

    def has_atoms(self) -> bool:
        return any(type(r) is LogAtom for r in self.terms)

    def expanded(self) -> "LogForm":
        """The same value with every atom replaced by its terms (a form over rationals only)."""
        if not self.has_atoms():
            return self
        A, C, D = integer_form((self.nats(), 1))
        A, C, M = expand_atoms(A, C)
        out = LogForm(const=Fraction(C, D * M), base=self.base)
        out.terms = {Fraction(n): Fraction(a, D * M) for n, a in A.items()}
        return out

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
        out.base = self.base
        return out

    # --- units ----------------------------------------------------------------------
    def in_base(self, base) -> "LogForm":
        """The same quantity in base ``base`` (``2``: bits; ``None`` or ``math.e``: nats), exact."""
        out = self.copy()
        out.base = check_base(base)
        return out

    def nats(self) -> "LogForm":
        """The value in nats (the stored form, base dropped)."""
        return self.in_base(None)

    def _rational_in_base(self, q) -> "LogForm":
        """The rational ``q`` in this form's unit, as a nats form (``q log base``)."""
        q = _frac(q)
        out = LogForm(const=q) if self.base is None else LogForm([(self.base, q)]) if q else LogForm()
        out.base = self.base
        return out

    def _same_base(self, other: "LogForm") -> None:
        if other.base != self.base:
            unit = lambda b: "nats" if b is None else f"base {b}"  # noqa: E731
            raise ValueError(
                f"cannot combine a LogForm in {unit(self.base)} with one in {unit(other.base)}; "
                "convert one with .nats() or .in_base(b)"
            )

    def __add__(self, other):
        if _is_rational(other):
            if self.base is not None:
                other = self._rational_in_base(other)
            else:
                out = self.copy()
                out.const += _frac(other)
                return out
        if not isinstance(other, LogForm):
            return NotImplemented
        self._same_base(other)
        out = self.copy()
        out.const += other.const
        for r, c in other.terms.items():
            out._merge_term(r, c)
        return out

    __radd__ = __add__

    def __neg__(self):
        out = LogForm()
        out.terms = {r: -c for r, c in self.terms.items()}
        out.const = -self.const
        out.base = self.base
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
        out.base = self.base
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
        """The form without its constant, ``sum_r c_r log r`` (in nats; atoms expanded first,
        since an atom may carry a constant of its own)."""
        out = LogForm()
        out.terms = dict(self.expanded().terms)
        return out

    def bounds(self, prec: int = START_PREC) -> tuple[Fraction, Fraction]:
        """Certified rational bounds ``lo <= value <= hi``, width about ``sum |c| 2^(1-prec)``."""
        if self.base is not None:  # N / log b from the enclosures of N and of log b > 0
            (nlo, nhi), (blo, bhi) = self.nats().bounds(prec), LogForm.log(self.base).bounds(prec)
            return (nlo / bhi if nlo >= 0 else nlo / blo), (nhi / blo if nhi >= 0 else nhi / bhi)
        A, C, D = integer_form((self, 1))
        lo, hi = enclosure(A, C, prec)
        return Fraction(lo, D << prec), Fraction(hi, D << prec)

    def exact_value(self, rel_bits: int) -> Fraction:
        """A rational within relative ``2^-rel_bits`` of the value (exactly 0 for a zero form)."""
        if self.base is not None:
            return self.nats().exact_value(rel_bits + 2) / LogForm.log(self.base).exact_value(rel_bits + 2)
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
        return sorted(self.expanded().terms.items(), key=_term_key)

    def __repr__(self):
        with _long_ints():
            return self._repr()

    def _repr(self):
        form = self.expanded()
        body = "{" + ", ".join(f"'{r}': '{c}'" for r, c in form._sorted_terms()) + "}"
        extra = (f", const='{form.const}'" if form.const else "") + (f", base={self.base}" if self.base else "")
        return f"LogForm({body}{extra})"

    def __str__(self):
        return self.to_str()

    def __format__(self, spec):
        """``format(x, "raw")``: the stored terms; ``""``: canonical; a float spec (``.6f``): the value."""
        if spec == "raw":
            return self.to_str(raw=True)
        if not spec:
            return self.to_str()
        return format(float(self), spec)

    def to_str(self, raw: bool = False) -> str:
        """Readable: ``1/2 - log(2) + 3/4*log(7/3)`` (constant first, arguments ascending), in
        canonical form unless ``raw``; a form with a base prints in that unit (``log2(3)``).
        Integers of any length print in full (Python's 4300-digit guard is lifted meanwhile)."""
        with _long_ints():
            return self._to_str(raw)

    def _to_str(self, raw: bool) -> str:
        form = self.nats()
        if not raw and _CANONICAL is not None:
            form = _CANONICAL(form)
        else:
            form = form.expanded()
        if self.base is None:
            return _render(form.const, form._sorted_terms(), "log")
        return _render_in_base(form, self.base)

    # --- comparisons ----------------------------------------------------------------
    def __eq__(self, other):
        """Exact equality of values (not of representations)."""
        if _is_rational(other) or isinstance(other, LogForm):
            return is_zero((self - other).nats())
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


@contextmanager
def _long_ints():
    """Lift ``sys.set_int_max_str_digits`` while a form prints: exact values of long laws have
    integers of tens of thousands of digits, and printing them is what the user asked for."""
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def _render(const, terms, log_name: str, const_suffix: str = "") -> str:
    parts = []
    if const or not terms:
        parts.append(f"{const}{const_suffix}" if const else "0")
    for r, c in terms:
        mag = abs(c)
        body = f"{log_name}({r})" if mag == 1 else f"{mag}*{log_name}({r})"
        if not parts:
            parts.append(body if c > 0 else "-" + body)
        else:
            parts.append(("+ " if c > 0 else "- ") + body)
    return " ".join(parts)


def _render_in_base(form: "LogForm", b) -> str:
    """``N / log b`` for the nats form ``N``: each power of ``b`` in an argument becomes a
    rational, the rest prints as ``log_b``; a rational constant of ``N`` as ``q/log(b)``."""
    const = Fraction(0)
    rest = LogForm()
    bf = Fraction(b)
    for r, c in form.terms.items():
        k = 0
        while r.denominator % bf.denominator == 0 and r.numerator % bf.numerator == 0 and r > 1:
            r, k = r / bf, k + 1
        const += c * k
        if r != 1:
            rest._add_term(r, c)
    text = _render(const, rest._sorted_terms(), _log_name(b))
    if form.const:
        sign = "-" if form.const < 0 else "+"
        tail = f"{abs(form.const)}/log({b})"
        text = (f"-{tail}" if sign == "-" else tail) if text == "0" else f"{text} {sign} {tail}"
    return text


def is_zero(form: LogForm) -> bool:
    """Exact decision of ``form == 0`` (:func:`log_form_is_zero`)."""
    return log_form_is_zero(form)


def compare(a, b) -> int:
    """Sign of ``a - b`` decided exactly (equal) or by certified intervals; raises if undecidable."""
    diff = a - b if isinstance(a, LogForm) else -(b - a) if isinstance(b, LogForm) else to_logform(a) - to_logform(b)
    A, C, _D = integer_form((diff.nats(), 1))
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
    form = _exact(form, "form").nats()  # log b > 0: zero in any base iff zero in nats
    if not form.terms:
        return form.const == 0
    if form.const != 0 and not form.has_atoms():  # const + Λ with const != 0 is never 0 (Baker)
        return False
    A, C, _D = integer_form((form, 1))
    if not A:
        return True
    lo, hi = enclosure(A, C, START_PREC)
    if lo > 0 or hi < 0:
        return False
    return integer_form_is_zero(A, C)
