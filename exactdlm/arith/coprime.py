"""Coprime bases and certified signs of integer log-forms (docs/theory.md §7).

The exact zero test of :mod:`exactdlm.arith.decide` works here on integer forms
``C + sum_n A_n log n``: every ``n`` is refined into a pairwise coprime base and the form is
zero iff ``C = 0`` and every base total vanishes. The certified sign refines fixed-point
enclosures (:mod:`exactdlm.arith.fixed`) at doubling precision. The reasoning is in the
docstring of :mod:`exactdlm.arith.decide`; nothing here knows the LogForm class.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from itertools import repeat
from numbers import Rational

import numpy as np

from .fixed import enclosure, expand_atoms

# --- coprime bases -------------------------------------------------------------------


def _primes_below(n: int) -> tuple[int, ...]:
    sieve = bytearray([1]) * n
    sieve[0:2] = b"\x00\x00"
    for p in range(2, math.isqrt(n - 1) + 1):
        if sieve[p]:
            sieve[p * p :: p] = bytearray(len(sieve[p * p :: p]))
    return tuple(p for p in range(n) if sieve[p])


_SMALL_PRIMES = _primes_below(1024)
_SMALL_LIMIT = 1024


def _as_base_int(x, what: str) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        raise ValueError(f"{what} must be integers > 1, got {type(x).__name__} {x!r}")
    x = int(x)
    if x <= 1:
        raise ValueError(f"{what} must be integers > 1, got {x}; drop 1s and pass positive integers")
    return x


#: ``len(nums) * total bits`` below which ``_isolate`` runs first (its cost is about that
#: many bit operations; the pairwise refinement costs ``len(nums) * len(base)`` gcd calls)
_ISOLATE_BUDGET = 4_000_000


def _isolate(nums: list[int]) -> tuple[list[int], list[int]]:
    """Split distinct integers into those coprime to all others (``gcd(m, P/m) = 1``, ``P``
    their product) and the rest."""
    if len(nums) < 2:
        return list(nums), []
    total = math.prod(nums)
    alone, tangled = [], []
    for m in nums:
        (alone if math.gcd(m, total // m) == 1 else tangled).append(m)
    return alone, tangled


def _refine_pairs(nums: list[int]) -> list[int]:
    """Gcd refinement of a small set, pair by pair.

    Each split replaces ``b, m`` (``g = gcd(b, m) > 1``) by ``g, b/g, m/g``, which lowers the
    product of all pending numbers, so the loop ends.
    """
    base: list[int] = []
    todo = list(nums)
    while todo:
        m = todo.pop()
        if m == 1:
            continue
        for i, b in enumerate(base):
            g = math.gcd(m, b)
            if g > 1:
                base[i] = base[-1]
                base.pop()
                todo.extend((g, b // g, m // g))
                break
        else:
            base.append(m)
    return base


def _refine(nums) -> list[int]:
    """A pairwise coprime set such that every input is a product of its elements.

    Inputs join one at a time: ``m`` is compared with every element by one pass of gcds; if
    it shares factors with some, those elements and ``m`` are refined among themselves
    (``_refine_pairs``). The pieces are coprime to every untouched element (a prime of a
    piece divides ``m`` or a touched element; one dividing ``m`` and an untouched element
    would have made that element touched), so one pass per input suffices.
    """
    base: list[int] = []
    gcd = math.gcd
    for m in nums:
        gs = list(map(gcd, repeat(m), base))
        if gs.count(1) == len(gs):
            base.append(m)
            continue
        touched = [b for b, g in zip(base, gs) if g > 1]
        base = [b for b, g in zip(base, gs) if g == 1]
        base.extend(_refine_pairs(touched + [m]))
    return base


def _factor_over_base(nums) -> tuple[list[int], dict[int, dict[int, int]]]:
    """The coprime base of distinct integers ``> 1`` (sorted) and each input's exponents over it."""
    nums = sorted(set(nums))
    if len(nums) * sum(m.bit_length() for m in nums) <= _ISOLATE_BUDGET:
        alone, tangled = _isolate(nums)
    else:
        alone, tangled = [], nums
    refined = _refine(tangled)
    fact = {m: {m: 1} for m in alone}
    for m in tangled:
        exps: dict[int, int] = {}
        rs, q, i = list(map(m.__mod__, refined)), m, 0
        while True:
            try:
                i = rs.index(0, i)
            except ValueError:
                break
            b, e = refined[i], 0
            while q % b == 0:
                q //= b
                e += 1
            exps[b] = e
            i += 1
        if q != 1:  # cannot happen: the refinement factors every input
            raise ArithmeticError(f"coprime refinement left {q} of {m} unfactored")
        fact[m] = exps
    return sorted(alone + refined), fact


def coprime_base(numbers) -> list[int]:
    """The pairwise coprime base of integers ``> 1``, by repeated gcds (no factoring).

    Every input is a product of powers of the returned (sorted, distinct) elements, and each
    element is built from the inputs by gcds and exact divisions.
    """
    nums = {_as_base_int(x, "coprime_base numbers") for x in numbers}
    return _factor_over_base(nums)[0]


def _check_base(base) -> list[int]:
    base = [_as_base_int(b, "base elements") for b in base]
    if len(set(base)) != len(base) or _isolate(sorted(set(base)))[1]:
        raise ValueError("base elements must be distinct and pairwise coprime; build the base with coprime_base")
    return base


def _exponents_int(n: int, base) -> tuple[dict[int, int], int]:
    out: dict[int, int] = {}
    for b in base:
        if n % b == 0:
            e = 0
            while n % b == 0:
                n //= b
                e += 1
            out[b] = e
    return out, n


def exponents_over_base(x, base) -> dict[int, int]:
    """Exponents ``{b: e}`` with ``x = prod b^e`` (``e < 0`` from the denominator of a rational ``x``).

    ``base``: distinct pairwise coprime integers ``> 1`` (as from :func:`coprime_base`).
    """
    if isinstance(x, bool) or not isinstance(x, (int, Rational)):
        raise ValueError(f"x must be a positive rational (int or Fraction), got {type(x).__name__} {x!r}")
    q = Fraction(x)
    if q <= 0:
        raise ValueError(f"x must be a positive rational, got {q}")
    base = _check_base(base)
    num, left_n = _exponents_int(q.numerator, base)
    den, left_d = _exponents_int(q.denominator, base)
    if left_n != 1 or left_d != 1:
        left = left_n if left_n != 1 else left_d
        raise ValueError(
            f"{q} does not factor over the base ({left} is left); build the base with coprime_base "
            "from every number you will write over it"
        )
    out = dict(num)
    for b, e in den.items():
        out[b] = out.get(b, 0) - e
    return {b: e for b, e in out.items() if e}


@lru_cache(maxsize=1 << 16)
def _split_small(n: int) -> tuple[tuple[tuple[int, int], ...], int]:
    """``n = prod p^e * m``: exponents of the primes below 1024 and the cofactor ``m``.

    ``m`` has no prime factor below 1024 (it is 1 or a prime when the division stopped
    because ``p^2 > n``).
    """
    small = []
    for p in _SMALL_PRIMES:
        if p * p > n:
            break
        if n % p == 0:
            e = 0
            while n % p == 0:
                n //= p
                e += 1
            small.append((p, e))
    if 1 < n < _SMALL_LIMIT:  # a prime left over below the limit is a small prime
        small.append((n, 1))
        n = 1
    return tuple(small), n


def base_totals(A: dict[int, int]) -> dict[int, int]:
    """``sum_n A_n log n`` rewritten over a coprime base: ``{b: E_b}``, zero totals dropped.

    Base: the primes below 1024 and the coprime base of the cofactors (``_factor_over_base``).
    """
    totals: dict[int, int] = {}
    cof: dict[int, int] = {}
    for n, a in A.items():
        small, m = _split_small(n)
        for p, e in small:
            totals[p] = totals.get(p, 0) + a * e
        if m > 1:
            cof[m] = cof.get(m, 0) + a
    cof = {m: a for m, a in cof.items() if a}
    _, fact = _factor_over_base(cof)
    for m, a in cof.items():
        for b, e in fact[m].items():
            totals[b] = totals.get(b, 0) + a * e
    return {b: t for b, t in totals.items() if t}


# --- exact zero test and canonical form ----------------------------------------------


def integer_form_is_zero(A: dict[int, int], C: int) -> bool:
    """Exact: is ``C + sum_n A_n log n`` zero (integers ``A_n``, ``C``, ``n >= 2``; atoms are
    expanded first)?"""
    A, C, _M = expand_atoms(A, C)
    return C == 0 and not base_totals(A)


# --- certified sign ------------------------------------------------------------------


def _check_precs(start_prec, max_prec) -> tuple[int, int]:
    for name, v in (("start_prec", start_prec), ("max_prec", max_prec)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 16:
            raise ValueError(f"{name} must be an integer number of bits >= 16, got {v!r}")
    if max_prec < start_prec:
        raise ValueError(f"max_prec={max_prec} is below start_prec={start_prec}; raise max_prec")
    return int(start_prec), int(max_prec)


def _sign_of(lo: int, hi: int):
    return 1 if lo > 0 else -1 if hi < 0 else None


def _integer_sign(A, C, start_prec, max_prec, *, need_sign=True):
    """``(sign, prec)`` of ``C + sum A_n log n``; ``sign`` is None if undecided at ``max_prec``.

    With ``need_sign=False`` a nonzero value whose first enclosure contains 0 returns
    ``(None, prec)`` without refining (enough for an equality test).
    """
    if not A:
        return (C > 0) - (C < 0), start_prec
    prec = start_prec
    sign = _sign_of(*enclosure(A, C, prec))
    if sign is not None:
        return sign, prec
    A, C, _M = expand_atoms(A, C)  # a positive multiple of the value: same sign
    B = base_totals(A)  # the log part over the coprime base
    if not B:  # the log part is exactly 0: the value is the constant
        return (C > 0) - (C < 0), prec
    if not need_sign:
        return None, prec
    while prec < max_prec:
        prec = min(2 * prec, max_prec)
        sign = _sign_of(*enclosure(B, C, prec))
        if sign is not None:
            return sign, prec
    return None, prec
