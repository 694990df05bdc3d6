"""Fixed-point enclosures of integer log-forms: the number layer under :class:`LogForm`.

An integer form is ``C + sum_n A_n log n`` (integers ``C``, ``A_n``, ``n >= 2``); see
:mod:`exactdlm.arith.logform` for how a rational form is written over integers and why the
enclosure of the whole form is only as wide as ``sum |A_n|`` units of ``2^-prec``
(docs/theory.md §7, "Exact arithmetic"). Nothing here knows the LogForm class.
"""

from __future__ import annotations

import math
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


@lru_cache(maxsize=1 << 18)
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


class LogAtom:
    """One real number ``v`` held as its own integer form ``D v = C + sum_n A_n log n`` and
    used as a single term of larger forms (docs/theory.md §7, "Atoms").

    A term ``a: atom`` of an integer form contributes ``a v``. The keys of ``A`` are integers
    ``n >= 2`` or other atoms (nesting is allowed; atoms never form a cycle because an atom
    is built from forms that exist before it). A form over atoms is short: a structured
    law's profile ``g(0..L)`` as atoms makes every combination of it (EKL, TC, ...) a form of
    at most ``L + 1`` terms however many logs each ``g(t)`` holds, so sums, scalings and
    enclosures cost ``O(L)``; only an exact zero test or a canonical print expands the atoms
    (:func:`expand_atoms`), which gives back the same value.

    Enclosure: ``fixed(prec)`` is ``(lo, hi)`` with ``lo <= 2^prec v <= hi`` and ``hi - lo <= 3``
    like :func:`log_fixed`, computed from the enclosure of the integer form at
    ``q >= prec + extra`` bits, ``2^extra >= 3 sum |A_n| / D`` (each key's enclosure is at
    most 3 units wide, so the integer form's is at most ``3 sum |A_n|`` units of ``2^-q``,
    and dividing by ``D 2^(q - prec)`` and rounding outwards leaves at most 3), cached per
    precision.
    Identity is the object's: two atoms of equal value are different keys (their difference
    is decided by expanding them).
    """

    __slots__ = ("A", "C", "D", "_fixed", "_flat", "_extra")

    def __init__(self, A: dict, C: int, D: int):
        if D <= 0:
            raise ValueError(f"an atom's denominator must be positive, got {D}")
        self.A, self.C, self.D = dict(A), int(C), int(D)
        self._fixed: dict[int, tuple[int, int]] = {}
        self._flat = None
        self._extra = (3 * sum(abs(a) for a in self.A.values()) // self.D).bit_length() + 1

    def fixed(self, prec: int) -> tuple[int, int]:
        out = self._fixed.get(prec)
        if out is None:
            # inner precisions on a grid of 32 bits, so that atoms nested in many others
            # (each asking at its own prec + extra) are enclosed at few distinct precisions
            q = -(-(prec + self._extra) // 32) * 32
            lo, hi = enclosure(self.A, self.C, q)
            den = self.D << (q - prec)
            out = (lo // den, -((-hi) // den))
            self._fixed[prec] = out
        return out

    def flat(self) -> tuple[dict[int, int], int, int]:
        """``(A', C', D')`` with ``D' v = C' + sum A'_n log n`` over integers only (cached)."""
        if self._flat is None:
            A, C, M = expand_atoms(self.A, self.C)
            self._flat = (A, C, self.D * M)
        return self._flat

    def __repr__(self):
        return f"LogAtom({len(self.A)} terms, D={self.D.bit_length()} bits)"


def expand_atoms(A: dict, C: int) -> tuple[dict[int, int], int, int]:
    """``(A', C', M)`` with ``M (C + sum_n A_n log n) = C' + sum A'_n log n`` over integers
    only (every atom replaced by its flat integer form; ``M > 0`` the lcm of their
    denominators, 1 when there is no atom). Zero entries are dropped."""
    atoms = [(k, a) for k, a in A.items() if type(k) is LogAtom]
    if not atoms:
        return A, C, 1
    flats = [(k.flat(), a) for k, a in atoms]
    M = math.lcm(*(f[2] for f, _ in flats))
    out = {n: a * M for n, a in A.items() if type(n) is not LogAtom}
    get = out.get
    C2 = C * M
    for (Ak, Ck, Dk), a in flats:
        f = a * (M // Dk)
        C2 += f * Ck
        for n, b in Ak.items():
            out[n] = get(n, 0) + f * b
    return {n: a for n, a in out.items() if a}, C2, M


def enclosure(A: dict[int, int], C: int, prec: int) -> tuple[int, int]:
    """Integers ``(lo, hi)`` with ``lo <= 2^prec (C + sum_n A_n log n) <= hi`` (a key that is a
    :class:`LogAtom` contributes ``A_n`` times its value)."""
    lo = hi = C << prec
    for n, a in A.items():
        ln, hn = n.fixed(prec) if type(n) is LogAtom else log_fixed(n, prec)
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
