"""Fixed-point enclosures of integer log-forms: the number layer under :class:`LogForm`.

An integer form is ``C + sum_n A_n log n`` (integers ``C``, ``A_n``, ``n >= 2``); see
:mod:`exactdlm.arith.logform` for how a rational form is written over integers and why the
enclosure of the whole form is only as wide as ``sum |A_n|`` units of ``2^-prec``
(docs/theory.md §7, "Exact arithmetic"). Nothing here knows the LogForm class.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from numbers import Integral, Rational

from mpmath import libmp

#: precision (bits) of the first certified evaluation; rises by doubling when undecided
START_PREC = 64
#: relative accuracy (bits) of ``float(form)``
_FLOAT_BITS = 56


def _frac(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, Integral)):  # numpy integers become Python ints
        return Fraction(int(x))
    if isinstance(x, Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, str):
        return Fraction(x)
    raise TypeError(f"LogForm coefficients must be rational, got {type(x).__name__}")


def _is_rational(x) -> bool:
    return isinstance(x, (int, Rational))


@lru_cache(maxsize=1 << 16)
def log_fixed(n: int, prec: int) -> tuple[int, int]:
    """Integers ``(lo, hi)`` with ``lo <= 2^prec * log(n) <= hi`` (``n >= 1``); ``hi - lo = 3``."""
    if n == 1:
        return 0, 0
    # log n < bit_length(n) < 2^intbits: an ulp at wp bits is at most 2^-(prec + 8)
    intbits = n.bit_length().bit_length()
    wp = prec + intbits + 8
    _sign, man, exp, _bc = libmp.mpf_log(libmp.from_int(n), wp, libmp.round_floor)
    shift = exp + prec
    f = man << shift if shift >= 0 else man >> -shift  # floor(t * 2^prec), t <= log n < t + ulp
    return f - 1, f + 2


def enclosure(A: dict[int, int], C: int, prec: int) -> tuple[int, int]:
    """Integers ``(lo, hi)`` with ``lo <= 2^prec (C + sum_n A_n log n) <= hi``."""
    lo = hi = C << prec
    for n, a in A.items():
        ln, hn = log_fixed(n, prec)
        if a > 0:
            lo += a * ln
            hi += a * hn
        else:
            lo += a * hn
            hi += a * ln
    return lo, hi


def approx_value(A: dict[int, int], C: int, D: int, rel_bits: int, is_zero=None) -> Fraction:
    """A rational within relative ``2^-rel_bits`` of ``(C + sum A_n log n) / D``.

    Precision doubles until the enclosure is that narrow; ``is_zero(A, C)`` (the exact zero
    test) is consulted once when the first enclosure contains 0, and a zero value returns
    exactly ``0``. Past 8192 bits (or ``4 rel_bits``) the midpoint is returned as it is.
    """
    if not A:
        return Fraction(C, D)
    prec = max(START_PREC, rel_bits + 16)
    cap = max(8192, 4 * rel_bits)
    checked = False
    while True:
        lo, hi = enclosure(A, C, prec)
        mid2 = lo + hi  # twice the midpoint
        if (hi - lo) << (rel_bits + 1) <= abs(mid2) or prec >= cap:
            return Fraction(mid2, D << (prec + 1))
        if lo <= 0 <= hi and not checked:
            checked = True
            if is_zero is not None and is_zero(A, C):
                return Fraction(0)
        prec = min(2 * prec, cap)
