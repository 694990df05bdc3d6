"""Exact comparison of log-forms, and conversions between sympy, LogForm and mpmath.

docs/theory.md §7 ("Exact equality of log-forms"): ``sum_i c_i log r_i = 0`` is decided by the
exponents of a base of pairwise coprime integers. Here the base is the primes themselves:
every ratio met in these checks has small numerator and denominator, so factoring them
(``sympy.factorint``) is cheap, and it gives a decision independent of
``exactdlm.arith.decide`` (whose coprime-base refinement the tests may then cross-check).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import mpmath
import sympy as sp

from exactdlm.arith import LogForm

DPS = 50


def prime_exponents(form: LogForm) -> dict[int, Fraction]:
    """``form = const + sum_p e_p log p`` over primes ``p``; the non-zero ``e_p``."""
    out: dict[int, Fraction] = defaultdict(Fraction)
    for r, c in form.terms.items():
        for p, e in sp.factorint(r.numerator).items():
            out[int(p)] += c * e
        for p, e in sp.factorint(r.denominator).items():
            out[int(p)] -= c * e
    return {p: e for p, e in out.items() if e != 0}


def forms_equal(a, b) -> bool:
    """Exact equality of two log-forms (or a log-form and 0).

    ``const + Σ e_p log p = 0`` iff ``const = 0`` and every ``e_p = 0``: logs of primes are
    linearly independent over Q, and a non-zero rational is not such a combination
    (``e^r`` is transcendental for rational ``r != 0``, Lindemann).
    """
    a = a if isinstance(a, LogForm) else LogForm() if a == 0 else None
    b = b if isinstance(b, LogForm) else LogForm() if b == 0 else None
    if a is None or b is None:
        raise ValueError("forms_equal compares LogForm values (or 0); convert sympy values with sympy_to_logform")
    d = a - b
    return getattr(d, "const", 0) == 0 and not prime_exponents(d)


def sympy_to_logform(expr) -> LogForm:
    """A numeric sympy expression ``sum_i c_i log r_i`` (rational c_i, r_i > 0) as a LogForm."""
    expr = sp.expand(sp.sympify(expr))
    form = LogForm()
    if expr == 0:
        return form
    for term in sp.Add.make_args(expr):
        coeff, rest = term.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        if not coeff.is_Rational or len(factors) != 1 or not isinstance(factors[0], sp.log):
            raise ValueError(
                f"term {term} of {expr} is not a rational multiple of the log of a rational; "
                "substitute every symbol with a rational first"
            )
        arg = factors[0].args[0]
        if not arg.is_Rational or arg <= 0:
            raise ValueError(f"log argument {arg} in {expr} is not a positive rational")
        form = form + LogForm.log(Fraction(int(arg.p), int(arg.q)), Fraction(int(coeff.p), int(coeff.q)))
    return form


def mp(x, dps: int = DPS):
    """A 50-digit (``dps``) mpmath value of a LogForm, sympy number, Fraction or int."""
    with mpmath.workdps(dps + 10):
        if isinstance(x, LogForm):
            return x.mpf(dps + 10)
        if isinstance(x, Fraction):
            return mpmath.mpf(x.numerator) / x.denominator
        if isinstance(x, sp.Basic):
            return mpmath.mpf(sp.N(x, dps + 10))
        return mpmath.mpf(x)


def fmt50(x, dps: int = DPS) -> str:
    """``x`` printed with ``dps`` significant digits."""
    return mpmath.nstr(mp(x, dps), dps)


def certified_sign(form: LogForm, prec: int = 256) -> int:
    """Sign of a log-form: 0 by exact decision, else by a certified interval at ``prec`` bits."""
    if forms_equal(form, 0):
        return 0
    iv = form.interval(prec)
    if iv.a > 0:
        return 1
    if iv.b < 0:
        return -1
    raise ArithmeticError(f"sign of a non-zero log-form undecided at {prec} bits; raise prec")


def certified_le(a: LogForm, b: LogForm) -> bool:
    """``a <= b`` decided exactly or by certified intervals."""
    return certified_sign(b - a) >= 0
