"""Certified decisions on exact values (docs/theory.md §7, "Exact equality of log-forms").

A :class:`~exactdlm.arith.LogForm` is ``const + Λ`` with ``Λ = sum_r c_r log r`` (rational
``const``, ``c_r``, ``r``). Three decisions:

* **zero** (``log_form_is_zero``), exact and without floating point. Refine every numerator
  and denominator into a pairwise coprime base ``B`` by repeated gcds (``coprime_base``);
  then ``Λ = sum_{b in B} E_b log b`` with rational totals ``E_b``. Logs of pairwise coprime
  integers ``> 1`` are linearly independent over Q (unique factorization), so ``Λ = 0`` iff
  every ``E_b = 0``. And ``const + Λ = 0`` iff ``const = 0`` and ``Λ = 0``: a nonzero ``Λ``
  is transcendental (Baker; for this case already Hermite–Lindemann, as ``e^const`` would
  equal the algebraic ``prod r^-c``), so it is never minus a rational. To keep the gcd work
  small, the integers are first divided by the primes below 1024 (trial division, bounded
  cost; these primes are base elements); only the cofactors go through gcd refinement:
  cofactors coprime to all the others (one gcd with the product of the rest) are base
  elements as they are, and the rest join the base one at a time, each compared with the
  base by one pass of gcds. No integer is ever factored completely.
* **sign** (``certified_sign``): a fixed-point enclosure at 64 bits (``exact.enclosure``:
  mpmath's directed-rounding log, exact integer sums); if it contains 0, the exact zero
  test; if the form is not zero, the enclosure of the form rewritten over the coprime base
  (fewer logs, cancellations gone) at doubling precision up to ``max_prec``; ``None`` if
  still undecided there.
* **comparison** (``compare_sides``): the verdict of ``lhs <= rhs``, ``>=`` or ``==`` for
  exact values, certified intervals (``mpmath.iv``) or plain floats (uncertified, with
  tolerances), returned as a :class:`Comparison`.

``canonical`` rewrites a form over its coprime base (perfect powers reduced to their roots,
terms with equal coefficients merged into one product): a representation that depends only
on the value whenever each argument's part free of primes below 1024 is squarefree (always
for numerators and denominators below 1031² = 1062961). In general equal values are
recognised by ``log_form_is_zero(a - b)``, which needs no such condition.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from numbers import Rational

import mpmath
import numpy as np
from mpmath import libmp

from .coprime import (
    _SMALL_LIMIT,
    _SMALL_PRIMES,
    _check_precs,
    _integer_sign,
    base_totals,
    integer_form_is_zero,
)
from .fixed import START_PREC, approx_value, enclosure, expand_atoms
from .logform import LogForm, _exact, integer_form, log_form_is_zero  # noqa: F401




def _iroot(n: int, k: int) -> int:
    """``floor(n^(1/k))`` by integer Newton steps from a float estimate just above the root
    (a start a factor 2 off would take about ``k`` steps, each on numbers of ``bits(n)`` bits)."""
    shift = max(n.bit_length() - 64, 0)
    r = (shift + math.log2(n >> shift)) / k  # log2 of the root, good to ~1e-12 relative
    low = max(int(r) - 52, 0)
    x = (int(2.0 ** (r - low)) + 2) << low
    while x ** k <= n:  # make sure the start lies above the root
        x = 2 * x
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


@lru_cache(maxsize=None)
def _residue_tests(k: int) -> tuple[int, ...]:
    """Primes ``p = 2mk + 1`` (the first four): a ``k``-th power is a ``k``-th power residue mod
    each, which a non-power fails with probability ``1 - 1/k`` per prime."""
    out, m = [], 1
    while len(out) < 4:
        p = 2 * m * k + 1
        if all(p % q for q in range(2, math.isqrt(p) + 1)):
            out.append(p)
        m += 1
    return tuple(out)


def _maybe_power(b: int, k: int) -> bool:
    for p in _residue_tests(k):
        r = b % p
        if r and pow(r, (p - 1) // k, p) != 1:
            return False
    return True


def _perfect_root(b: int) -> tuple[int, int]:
    """``(a, k)`` with ``b = a^k`` and ``k`` largest, for ``b`` free of primes below 1024
    (so ``a >= 1031`` and only ``k <= bits(b) / 10`` can occur). Candidates ``k`` are screened
    by power residues before any root is taken."""
    k_total = 1
    changed = True
    while changed and b > 3:
        changed = False
        for k in _SMALL_PRIMES:
            if 10 * k > b.bit_length():
                break
            if not _maybe_power(b, k):
                continue
            a = _iroot(b, k)
            if a**k == b:
                b, k_total, changed = a, k_total * k, True
                break
    return b, k_total


def canonical(form) -> LogForm:
    """The form over its coprime base: arguments pairwise coprime integers, none a perfect
    power, one term per distinct coefficient (equal coefficients merged into a product),
    same constant. Same value as ``form``; see the module docstring for uniqueness."""
    return _canonical_integer(*integer_form((_exact(form, "form"), 1)))


def _canonical_integer(A: dict[int, int], C: int, D: int) -> LogForm:
    """``canonical`` of the form ``(C + sum_n A_n log n) / D`` (atoms expanded)."""
    A, C, M = expand_atoms(A, C)
    D *= M
    groups: dict[int, int] = {}
    for b, t in base_totals(A).items():
        if b >= _SMALL_LIMIT:
            b, k = _perfect_root(b)
            t *= k
        groups[t] = groups.get(t, 1) * b
    out = LogForm()
    out.const = Fraction(C, D)
    out.terms = {Fraction(b): Fraction(t, D) for t, b in groups.items()}
    return out



def certified_sign(form, *, start_prec: int = START_PREC, max_prec: int = 4096) -> int | None:
    """Sign of an exact value: exactly 0 when ``log_form_is_zero``, else +-1 from certified
    enclosures at precision doubling from ``start_prec`` bits; ``None`` if still undecided
    at ``max_prec`` bits."""
    start_prec, max_prec = _check_precs(start_prec, max_prec)
    A, C, _D = integer_form((_exact(form, "form"), 1))
    return _integer_sign(A, C, start_prec, max_prec)[0]


# --- comparisons ---------------------------------------------------------------------

KINDS = ("le", "ge", "eq")


@dataclass(frozen=True)
class Comparison:
    """Verdict of ``lhs <= rhs`` (``kind="le"``), ``>=`` (``"ge"``) or ``==`` (``"eq"``).

    ``outcome``: "holds" | "violated" | "undecided". ``certified``: True when the outcome was
    decided exactly or by certified enclosures; False for a float comparison (and for
    "undecided"). ``slack``: ``rhs - lhs`` (le), ``lhs - rhs`` (ge), ``-|lhs - rhs|`` (eq),
    from the exact difference when both sides are exact. ``lhs_exact``/``rhs_exact``: the
    canonical form of an exact side; ``lhs_interval``/``rhs_interval``: a certified decimal
    enclosure of an exact or interval side at the precision that decided.
    """

    outcome: str
    certified: bool
    kind: str
    lhs: float
    rhs: float
    slack: float
    ratio: float | None
    lhs_exact: str | None
    rhs_exact: str | None
    lhs_interval: str | None
    rhs_interval: str | None

    def __str__(self):
        op = {"le": "<=", "ge": ">=", "eq": "=="}[self.kind]
        tag = "certified" if self.certified else "float"
        return f"{self.lhs:.6g} {op} {self.rhs:.6g}: {self.outcome} ({tag}, slack {self.slack:.3g})"



_INF = float("inf")


def _mpf_bound(t) -> Fraction | float:
    if t == libmp.finf:
        return _INF
    if t == libmp.fninf:
        return -_INF
    p, q = libmp.to_rational(t)
    return Fraction(p, q)


class _Side:
    """One side of a comparison: kind "exact" (form + integer form), "interval" (bounds) or "float"."""

    __slots__ = ("what", "kind", "form", "A", "C", "D", "lo", "hi", "value")

    def __init__(self, x, what: str):
        self.what = what
        self.form = self.A = self.C = self.D = self.lo = self.hi = self.value = None
        if isinstance(x, np.ndarray) and x.shape == ():
            x = x[()]
        if isinstance(x, bool) or isinstance(x, np.bool_):
            raise ValueError(f"{what} is a bool; a claim side must be a number")
        if isinstance(x, LogForm) or isinstance(x, (int, Rational)):
            self.kind = "exact"
            self.form = _exact(x, what)
            self.A, self.C, self.D = integer_form((self.form, 1))
        elif isinstance(x, mpmath.iv.mpf):
            a, b = x._mpi_
            if libmp.fnan in (a, b):
                raise ValueError(f"{what} is an interval with a NaN endpoint; pass a valid enclosure")
            self.kind, self.lo, self.hi = "interval", _mpf_bound(a), _mpf_bound(b)
        elif isinstance(x, (float, np.floating, mpmath.mpf)):
            if mpmath.isnan(x):
                raise ValueError(f"{what} is NaN; a claim side must be a number")
            self.kind, self.value = "float", mpmath.mpf(x) if isinstance(x, mpmath.mpf) else float(x)
        else:
            raise ValueError(
                f"{what} has type {type(x).__name__}; pass a LogForm, int, Fraction, float, "
                "mpmath.mpf or an mpmath.iv interval"
            )

    def rational(self) -> bool:
        return self.kind == "exact" and not self.A

    def bounds(self, prec: int):
        if self.kind == "interval":
            return self.lo, self.hi
        lo, hi = enclosure(self.A, self.C, prec)
        return Fraction(lo, self.D << prec), Fraction(hi, self.D << prec)

    def as_float(self) -> float:
        if self.kind == "float":
            return float(self.value)
        if self.kind == "exact":
            return float(approx_value(self.A, self.C, self.D, 56, integer_form_is_zero))
        lo, hi = self.lo, self.hi
        if lo == -_INF and hi == _INF:
            return float("nan")
        if abs(lo) == _INF or abs(hi) == _INF:
            return float(lo if abs(lo) == _INF else hi)
        return float((lo + hi) / 2)

    def canonical_str(self) -> str | None:
        return str(_canonical_integer(self.A, self.C, self.D)) if self.kind == "exact" else None


def _floor_log10(x: Fraction) -> int:
    e = len(str(x.numerator)) - len(str(x.denominator))
    while Fraction(10) ** e > x:
        e -= 1
    while Fraction(10) ** (e + 1) <= x:
        e += 1
    return e


def _fmt_scaled(n: int, point: int) -> str:
    """The integer ``n`` times ``10^-point`` as a decimal string."""
    sign = "-" if n < 0 else ""
    s = str(abs(n))
    if point <= 0:
        return sign + s + "0" * -point
    s = s.rjust(point + 1, "0")
    whole, frac = s[:-point], s[-point:].rstrip("0")
    return sign + whole + ("." + frac if frac else "")


def _fmt_point(x: Fraction, digits: int, top: int, up: bool) -> str:
    """``x`` rounded outward (up or down) at ``digits`` significant digits below ``10^top``."""
    exp10 = top - digits + 1  # weight of the last digit shown
    scaled = x * Fraction(10) ** -exp10
    n = math.ceil(scaled) if up else math.floor(scaled)
    if -5 <= top <= 15:
        return _fmt_scaled(n, -exp10)
    return f"{_fmt_scaled(n, digits - 1)}e{top}"  # one digit before the point


def format_bounds(lo, hi) -> str:
    """``[lo, hi]`` in decimal, rounded outward, with enough digits to show the width."""
    finite = [Fraction(v) for v in (lo, hi) if abs(v) != _INF]
    mag = max((abs(v) for v in finite), default=Fraction(0))
    if mag == 0:
        top, digits = 0, 17
    else:
        top = _floor_log10(mag)
        width = hi - lo if len(finite) == 2 else 0
        digits = 17 if width == 0 else max(17, top - _floor_log10(Fraction(width)) + 3)
        digits = min(digits, 1300)

    def fmt(v, up):
        if abs(v) == _INF:
            return "inf" if v > 0 else "-inf"
        return "0" if v == 0 else _fmt_point(Fraction(v), digits, top, up)

    return f"[{fmt(lo, False)}, {fmt(hi, True)}]"


def _outcome(kind: str, sign) -> str:
    """Outcome from the sign of ``lhs - rhs`` (None: undecided)."""
    if sign is None:
        return "undecided"
    ok = {"le": sign <= 0, "ge": sign >= 0, "eq": sign == 0}[kind]
    return "holds" if ok else "violated"


def _slack(kind: str, diff: float) -> float:
    """Slack from ``diff = lhs - rhs``."""
    return -diff if kind == "le" else diff if kind == "ge" else 0.0 - abs(diff)


def _ratio(lhs: float, rhs: float):
    if rhs == 0 or math.isnan(rhs):
        return None
    with np.errstate(all="ignore"):
        return float(np.float64(lhs) / np.float64(rhs))


def compare_sides(lhs, rhs, kind="le", *, max_prec=4096, float_rtol=1e-9, float_atol=1e-12) -> Comparison:
    """Decide ``lhs <= rhs`` (``kind="le"``), ``lhs >= rhs`` (``"ge"``) or ``lhs == rhs`` (``"eq"``).

    Sides: ``LogForm``/``int``/``Fraction`` (exact), ``mpmath.iv`` intervals (certified
    enclosures), Python/numpy floats and ``mpmath.mpf`` (uncertified).

    * exact vs exact: certified. ``eq`` by the exact zero test of ``lhs - rhs``; ``le``/``ge``
      by ``certified_sign(lhs - rhs)`` up to ``max_prec`` bits, else "undecided".
    * an interval side, no float side: certified when the enclosures are disjoint or ordered
      (exact sides enclosed at doubling precision, up to ``max_prec``); ``eq`` holds only
      for equal points, and an exact side with nonzero log part (transcendental) never
      equals a point; else "undecided".
    * any float side: uncertified (``certified=False``). With ``tol = max(float_atol,
      float_rtol * max(|lhs|, |rhs|))``, the claim is "violated" only if it fails by more
      than ``tol`` (an interval side counts with its most favourable endpoint), otherwise
      "holds": float noise never produces a violation.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} (lhs <= rhs, lhs >= rhs, lhs == rhs), got {kind!r}")
    _, max_prec = _check_precs(START_PREC, max_prec)
    for name, v in (("float_rtol", float_rtol), ("float_atol", float_atol)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < _INF:
            raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
    L, R = _Side(lhs, "lhs"), _Side(rhs, "rhs")
    if "float" in (L.kind, R.kind):
        return _compare_float(L, R, kind, float(float_rtol), float(float_atol))
    if L.kind == R.kind == "exact":
        return _compare_exact(L, R, kind, max_prec)
    return _compare_interval(L, R, kind, max_prec)


def _result(kind, outcome, certified, L, R, slack, prec) -> Comparison:
    lf, rf = L.as_float(), R.as_float()
    return Comparison(
        outcome=outcome,
        certified=certified and outcome != "undecided",
        kind=kind,
        lhs=lf,
        rhs=rf,
        slack=float(slack),
        ratio=_ratio(lf, rf),
        lhs_exact=L.canonical_str(),
        rhs_exact=R.canonical_str(),
        lhs_interval=format_bounds(*L.bounds(prec)) if L.kind != "float" else None,
        rhs_interval=format_bounds(*R.bounds(prec)) if R.kind != "float" else None,
    )


def _difference(L: _Side, R: _Side):
    """Integer form ``(A, C, D)`` of ``lhs - rhs`` from the sides' integer forms."""
    D = math.lcm(L.D, R.D)
    fl, fr = D // L.D, D // R.D
    A = {n: a * fl for n, a in L.A.items()}
    for n, a in R.A.items():
        v = A.get(n, 0) - a * fr
        if v:
            A[n] = v
        else:
            A.pop(n, None)
    return A, L.C * fl - R.C * fr, D


def _compare_exact(L, R, kind, max_prec) -> Comparison:
    A, C, D = _difference(L, R)
    sign, prec = _integer_sign(A, C, START_PREC, max_prec, need_sign=kind != "eq")
    if kind == "eq" and sign is None:
        sign = 1  # known nonzero: the exact test ran
    diff = float(approx_value(A, C, D, 56, integer_form_is_zero))
    return _result(kind, _outcome(kind, sign), True, L, R, _slack(kind, diff), prec)


def _compare_interval(L, R, kind, max_prec) -> Comparison:
    prec, checked = START_PREC, False
    while True:
        (llo, lhi), (rlo, rhi) = L.bounds(prec), R.bounds(prec)
        if kind == "eq":
            if lhi < rlo or llo > rhi:
                outcome = "violated"
            elif llo == lhi == rlo == rhi:
                outcome = "holds"
            else:
                outcome = None
        else:
            a_lo, a_hi, b_lo, b_hi = (llo, lhi, rlo, rhi) if kind == "le" else (rlo, rhi, llo, lhi)
            outcome = "holds" if a_hi <= b_lo else "violated" if a_lo > b_hi else None
        if outcome is not None:
            break
        if not checked:
            checked = True
            # an exact side with a zero log part is its rational constant: a point
            for S in (L, R):
                if S.kind == "exact" and S.A and integer_form_is_zero(S.A, 0):
                    S.A = {}
            if kind == "eq":
                pts = [S for S in (L, R) if S.kind == "interval" and S.lo == S.hi]
                trans = [S for S in (L, R) if S.kind == "exact" and S.A]
                if pts and trans:  # a nonzero log part plus a rational is transcendental
                    outcome = "violated"
                    break
            continue
        exact_w = sum(h - l for S in (L, R) if S.kind == "exact" for l, h in [S.bounds(prec)])
        iv_w = sum(S.hi - S.lo for S in (L, R) if S.kind == "interval")
        if prec >= max_prec or exact_w == 0 or (iv_w > 0 and exact_w * 2**20 < iv_w):
            outcome = "undecided"
            break
        prec = min(2 * prec, max_prec)
    lf, rf = L.as_float(), R.as_float()
    return _result(kind, outcome, True, L, R, _slack(kind, lf - rf), prec)


def _compare_float(L, R, kind, rtol, atol) -> Comparison:
    lf, rf = L.as_float(), R.as_float()
    with mpmath.workdps(30):

        def rng(S):
            if S.kind == "float":
                v = mpmath.mpf(S.value)
                return v, v
            if S.kind == "exact":
                q = approx_value(S.A, S.C, S.D, 100, integer_form_is_zero)
                v = mpmath.mpf(q.numerator) / q.denominator
                return v, v
            conv = [mpmath.mpf(b) if abs(b) == _INF else mpmath.mpf(b.numerator) / b.denominator for b in (S.lo, S.hi)]
            return conv[0], conv[1]

        (llo, lhi), (rlo, rhi) = rng(L), rng(R)
        mags = [abs(v) for v in (lf, rf) if math.isfinite(v)]
        tol = max(atol, rtol * max(mags)) if mags else atol
        if kind == "le":
            excess = llo - rhi
        elif kind == "ge":
            excess = rlo - lhi
        else:
            excess = max(llo - rhi, rlo - lhi)
        violated = bool(excess > tol)  # nan (inf - inf) compares False: holds
        diff = (llo + lhi) / 2 - (rlo + rhi) / 2
    outcome = "violated" if violated else "holds"
    return _result(kind, outcome, False, L, R, _slack(kind, float(diff)), START_PREC)
