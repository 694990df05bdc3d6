"""Every rho at once for the geometric and two-sided rules (G-DTC, G-TC, G-MIN; docs/theory.md §5, §8).

At a fixed ``L`` a rule's schedule is a step function of ``rho``: every step is a floor (or a
threshold) of a linear function of ``rho``, so it is right-continuous and constant on pieces
``[β_i, β_{i+1})`` with rational ends. From the schedule on one piece the next end is the least
``rho`` at which one of its steps (from the same knot) grows; earlier steps are unchanged up to
there, so this walks the pieces in order. ``rho -> 0+`` is the open piece ``(0, β_1)`` (unit steps).

On a piece with schedule ``s``: a guarantee ``sup_p EKL/T <= rho`` (``T`` = TC, DTC, min(TC, DTC);
the sup is on the rays, §8) holds for every ``rho`` of the piece iff it holds at the left end
``β_i`` (the sup does not move, ``rho`` grows); at ``rho -> 0+`` iff the sup is 0. G-DTC's step bound
``K <= ceil(ln(L+1)/ln(1+rho))``, i.e. ``(1+rho)^K >= L+1``, is worst at the right end: on
``[β_i, β_{i+1})`` it needs the one-sided limit, the least ``K`` with ``(1+β_{i+1})^K > L+1``; on
the last piece (closed at 1) the least ``K`` with ``2^K >= L+1``.
"""

from __future__ import annotations

from fractions import Fraction

from ..schedules import cumulative
from ..schedules import theorem_rules as rules

#: every rho in (0, 1] is decided by its pieces up to this L; a dense grid is used beyond
PIECES_MAX_L = 64
RULES = ("geometric_tc", "geometric_dtc", "two_sided")


def _next_break(rule: str, L: int, sizes, rho: Fraction) -> Fraction | None:
    """The least ``rho' > rho`` at which some step of ``sizes`` (from its knot) grows, or None
    (candidates as integer pairs ``num/den``, compared by cross-multiplication)."""
    p, q = rho.numerator, rho.denominator
    best = None  # (num, den)
    knots = cumulative(sizes)
    for k, s in enumerate(sizes):
        a, b = knots[k], knots[k] + s
        if b >= L:
            continue
        if rule == "geometric_tc":
            n = L - a - 1  # s = 1 + floor(rho n): grows at rho = s/n
            if n <= 0:
                continue
            cand = (s, n)
        elif rule == "geometric_dtc":
            cand = (b - a, a + 1)  # b = floor((1+rho)(a+1)): grows at rho = (b+1)/(a+1) - 1
        else:  # two_sided: (a, b+1] allowed iff rho >= max_j (b+1-j) L / (j (L-j))
            cand = None
            for j in range(a + 1, min(b + 2, L)):
                x, y = (b + 1 - j) * L, j * (L - j)
                if cand is None or x * cand[1] > cand[0] * y:
                    cand = (x, y)
            if cand is None:
                continue
        if cand[0] * q > p * cand[1] and (best is None or cand[0] * best[1] < best[0] * cand[1]):
            best = cand
    return Fraction(*best) if best is not None else None


def pieces(rule: str, L: int) -> list[tuple[Fraction, Fraction | None, tuple]]:
    """``[(lo, hi, sizes)]``: the rule gives ``sizes`` for every rho in ``[lo, hi)`` (``hi = None``: up
    to 1 inclusive; the first piece is ``(0, hi)``, open at 0)."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; one of {RULES}")
    fn = getattr(rules, rule)
    lo, sizes = Fraction(0), (1,) * L
    out = []
    while True:
        hi = _next_break(rule, L, sizes, lo)
        if hi is not None and hi > 1:
            hi = None
        out.append((lo, hi, sizes))
        if hi is None:
            return out
        lo, sizes = hi, fn(L, hi)


def step_bound_limit(L: int, hi: Fraction | None) -> int:
    """``inf`` of ``ceil(ln(L+1)/ln(1+rho))`` over ``rho < hi`` (one-sided limit), or at ``rho = 1``."""
    if hi is None:
        return rules.steps_bound_dtc(L, 1)
    num, den = (1 + hi).numerator, (1 + hi).denominator  # (num/den)^K > L+1 in integers, incrementally
    K, top, bottom = 0, 1, L + 1
    while top <= bottom:
        K, top, bottom = K + 1, top * num, bottom * den
    return K


def grid(n: int = 32) -> list[Fraction]:
    """The dense rho grid used beyond :data:`PIECES_MAX_L`: ``j/n``, ``j = 1..n``."""
    return [Fraction(j, n) for j in range(1, n + 1)]
