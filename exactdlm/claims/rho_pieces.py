"""Every rho at once for the geometric and two-sided rules (G-DTC, G-TC, G-MIN; docs/theory.md §5, §8).

At a fixed ``L`` a rule's schedule is a step function of ``rho``: every step is a floor (or a
threshold) of a linear function of ``rho``, so it is right-continuous and constant on pieces
``[β_i, β_{i+1})`` with rational ends. From the schedule on one piece the next end is the least
``rho`` at which one of its steps (from the same knot) grows; earlier steps are unchanged up to
there, so this walks the pieces in order. ``rho -> 0+`` is the open piece ``(0, β_1)`` (unit steps).

Each piece is checked against the library's rule itself (issue 19): the rule is evaluated, in exact
rationals, at the piece's left end, its midpoint and just inside its right end (``hi - w/4096``), and
at ``hi`` (the break must change the schedule); a disagreement with the break formula raises
:class:`PieceMismatch`, which makes the claim's verdict ``error``. A rule that differs from the
formula only on a subinterval narrower than ``w/4096`` at a piece's right end, or strictly inside a
piece away from the probes, is not seen by this check.

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


class PieceMismatch(ValueError):
    """The library's rule and the break formula disagree on a piece (a bug of one of them)."""


#: the right end of a piece ``[lo, hi)`` is probed at ``hi - (hi - lo)/RIGHT_PROBE``
RIGHT_PROBE = 1 << 12


def probe_points(lo: Fraction, hi: Fraction | None) -> list[Fraction]:
    """Where the rule is evaluated on the piece ``[lo, hi)`` (``(0, hi)`` when ``lo = 0``; ``[lo, 1]``
    when ``hi`` is None): the left end (its right neighbour ``lo + w/RIGHT_PROBE`` when ``lo = 0``), the
    midpoint, the right end from inside (``hi - w/RIGHT_PROBE``) and ``1`` on the last piece."""
    top = Fraction(1) if hi is None else hi
    w = top - lo
    pts = [lo if lo > 0 else lo + w / RIGHT_PROBE, lo + w / 2]
    pts.append(top if hi is None else top - w / RIGHT_PROBE)
    return pts


def verify_piece(rule: str, L: int, lo: Fraction, hi: Fraction | None, sizes: tuple, fn=None) -> None:
    """Evaluate the library's rule (exact rationals) at :func:`probe_points` of the piece, and at
    ``hi`` itself (the break must change the schedule); raise :class:`PieceMismatch` on any
    disagreement with ``sizes`` (issue 19: the every-rho check must not trust its own copy of the
    break points)."""
    fn = getattr(rules, rule) if fn is None else fn
    for rho in probe_points(lo, hi):
        got = tuple(fn(L, rho))
        if got != tuple(sizes):
            raise PieceMismatch(f"{rule} at L={L}, rho={rho}: the rule gives {got} but its break formula gives "
                                f"{tuple(sizes)} on the piece {'(' if lo == 0 else '['}{lo}, {hi if hi is not None else 1}"
                                f"{')' if hi is not None else ']'}")
    if hi is not None and tuple(fn(L, hi)) == tuple(sizes):
        raise PieceMismatch(f"{rule} at L={L}: the break formula puts a break at rho={hi} but the rule gives "
                            f"{tuple(sizes)} on both sides")


def pieces(rule: str, L: int, verify: bool = True) -> list[tuple[Fraction, Fraction | None, tuple]]:
    """``[(lo, hi, sizes)]``: the rule gives ``sizes`` for every rho in ``[lo, hi)`` (``hi = None``: up
    to 1 inclusive; the first piece is ``(0, hi)``, open at 0). ``verify``: each piece is checked
    against the rule itself (:func:`verify_piece`; a disagreement raises :class:`PieceMismatch`)."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; one of {RULES}")
    fn = getattr(rules, rule)
    lo, sizes = Fraction(0), (1,) * L
    out = []
    while True:
        hi = _next_break(rule, L, sizes, lo)
        if hi is not None and hi > 1:
            hi = None
        if verify:
            verify_piece(rule, L, lo, hi, sizes, fn)
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
