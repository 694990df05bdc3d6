"""The cone checked on laws at the lengths it decided (issue 19; docs/theory.md §8, §10).

Where the profile cone decides a claim at length ``L`` the suite's laws of that length are not
evaluated for the decided comparisons, so a wrong cone form (an EKL that under-states, a TC off on
one ray) would turn a false claim into ``holds, all laws`` without anyone noticing. This module
keeps an independent check: a bounded, deterministic sample of the suite's exact laws at decided
lengths is evaluated as before the cone existed (the law's own profile ``g``, (E1)), and every
comparison is compared with the cone's, matched by (label, sizes, kind):

* **each quantity**: the law's side equals the cone's linear form at the law's profile coordinates
  ``c_0 = H̄ - Ī(L-1)``, ``c_k = ΔĪ(k)`` (``value = const + Σ_k a_k c_k``, exact LogForms, zero
  test of the difference); a concave side (``min`` terms) is evaluated the same way, term by term,
  with the exact minimum; ``sqrt`` terms are not evaluated (only the ratio test below);
* **the supremum**: ``lhs/rhs`` on the law does not exceed the rays' sup of that comparison
  (``le``; the inf for ``ge``; homogeneous sides), certified.

Any discrepancy is a bug of the cone (or of the law's engine), reported as ``error`` for the claim
with both computations. The sample: at most :data:`SAMPLE_LAWS` exact suite laws per claim with
``L <= SAMPLE_MAX_L`` inside the decided range, spread over the lengths, and at most
:data:`SAMPLE_SCHEDULES` of each law's schedules; plus an exact structured Markov chain at
``L = 32`` and ``64`` (:func:`long_cases`, at most :data:`LONG_COMPARISONS` comparisons each).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..arith import LogForm, certified_sign, compare_sides, to_logform
from ..structured.cone import ConcaveForm, ConeForm, NotInFragment, sup_ratio
from . import Claim
from .decided import ConeContext, check_key, per_law_checks

#: exact suite laws per claim evaluated at decided lengths
SAMPLE_LAWS = 6
#: longest law sampled (the profile forms have L terms)
SAMPLE_MAX_L = 10
#: schedules per sampled law
SAMPLE_SCHEDULES = 6


@dataclass
class ConeCheck:
    """What the independent check compared for one claim, and the first discrepancy."""

    laws: list = field(default_factory=list)
    comparisons: int = 0
    quantities: int = 0
    discrepancy: dict | None = None

    def to_json(self) -> dict:
        return {"laws": self.laws, "comparisons": self.comparisons, "quantities": self.quantities,
                "discrepancy": self.discrepancy}


def profile_coordinates(ctx) -> list:
    """``[c_0, c_1, ..., c_{L-1}]`` of an exact law: ``c_0 = H̄ - Ī(L-1)``, ``c_k = Ī(k) - Ī(k-1)``."""
    I = [to_logform(x) for x in ctx.Ibar]
    H1 = to_logform(ctx.g[1])
    return [H1 - I[ctx.L - 1]] + [I[k] - I[k - 1] for k in range(1, ctx.L)]


def form_at(form, coords):
    """A cone form's value at a law's profile coordinates (exact), or None for ``sqrt`` terms."""
    if isinstance(form, ConeForm):
        total = LogForm() + form.const
        for k in range(form.L):
            a = form.ray(k)
            if a:
                total = total + coords[k] * a
        return total
    if isinstance(form, ConcaveForm):
        total = form_at(form.linear, coords)
        for kind, coef, fs in form.terms:
            if kind != "min":
                return None
            vals = [form_at(f, coords) for f in fs]
            best = vals[0]
            for v in vals[1:]:
                s = certified_sign(v - best)
                if s is None:
                    return None
                if s < 0:
                    best = v
            total = total + best * coef
        return total
    return to_logform(form) if isinstance(form, (int, Fraction, LogForm)) else None


def _same(x, y) -> bool | None:
    """Exact equality of two exact values (None when undecided)."""
    s = certified_sign(to_logform(x) - to_logform(y))
    return None if s is None else s == 0


def _exact(x) -> bool:
    from numbers import Rational

    return isinstance(x, LogForm) or (isinstance(x, (int, Rational)) and not isinstance(x, bool))


def _generic(case, suite) -> bool:
    """Every profile coordinate ``c_k`` of the law is nonzero, so every ray value enters its forms."""
    from .context import CaseContext

    ctx = CaseContext(case, suite)
    return ctx.exact and all(certified_sign(x) != 0 for x in profile_coordinates(ctx))


def sample_cases(suite, lengths) -> list:
    """The deterministic sample: exact lattice laws with ``max(2, lengths[0]) <= L <= min(lengths[1],
    SAMPLE_MAX_L)`` and every profile coordinate nonzero (:func:`_generic`), from the longest
    length down, one per length and family first, at most :data:`SAMPLE_LAWS`."""
    from ..laws import JointLaw

    lo, hi = max(2, lengths[0]), min(lengths[1], SAMPLE_MAX_L)
    by_L: dict = {}
    for case in suite.cases:
        L = case.params.get("L") if isinstance(case.params, dict) else None
        if L is not None and not lo <= int(L) <= hi:
            continue
        law = case.law
        if isinstance(law, JointLaw) and law.exact and lo <= law.L <= hi:
            by_L.setdefault(law.L, []).append(case)
    out, used = [], set()
    for fresh in (True, False):  # first one law per family, then any
        for L in sorted(by_L, reverse=True):
            for case in by_L[L]:
                if len(out) >= SAMPLE_LAWS:
                    return out
                if case in out or (fresh and case.family in used) or not _generic(case, suite):
                    continue
                out.append(case)
                used.add(case.family)
                break
    return out


#: longer exact laws sampled too (structured Markov chains, exact view), where decided
LONG_LENGTHS = (32, 64)
#: comparisons per long law
LONG_COMPARISONS = 12


def long_cases(lengths) -> list:
    """A structured two-state Markov chain (rational transitions, exact profile) at each length of
    :data:`LONG_LENGTHS` inside the decided range, with four named schedules: the sample's laws
    stop at L = 10, and a cone form wrong only on long lengths must be seen too."""
    from .. import structured as S
    from ..suites import SuiteCase, named_schedules

    out = []
    for L in LONG_LENGTHS:
        if lengths[0] <= L <= lengths[1]:
            law = S.markov_chain(L, [[Fraction(3, 4), Fraction(1, 4)], [Fraction(1, 3), Fraction(2, 3)]])
            out.append(SuiteCase(f"structured markov_chain L={L} (cone check)", "structured.markov_chain", {"L": L},
                                 tuple(named_schedules(L))[:4], lambda law=law: law, None, law))
    return out


def _spread(schedules, n: int) -> tuple:
    schedules = tuple(schedules)
    if len(schedules) <= n:
        return schedules
    step = len(schedules) / n
    return tuple(schedules[int(i * step)] for i in range(n))


def check_claim(c: Claim, suite, lengths, max_prec: int = 4096) -> ConeCheck:
    """Compare the cone with the sampled laws for ``c`` (see the module docstring)."""
    from ..suites import SuiteCase
    from .context import CaseContext

    out = ConeCheck()
    short = sample_cases(suite, lengths)
    for case in short + long_cases(lengths):
        limit = LONG_COMPARISONS if case not in short else None
        sub = SuiteCase(case.name, case.family, case.params, _spread(case.schedules, SAMPLE_SCHEDULES),
                        lambda case=case: case.law, case.seed, case.law)
        real = CaseContext(sub, suite)
        try:
            law_checks = [ch for ch in per_law_checks(c, real) if ch.law is None]
        except Exception:  # noqa: BLE001 - the claim's error on a law shows in the suite run itself
            continue
        cone = ConeContext(real.L, suite, schedules=sub.schedules)
        try:
            cone_checks = list(per_law_checks(c, cone))
        except NotInFragment:
            continue
        coords = profile_coordinates(real)
        pending: dict = {}
        for ch in cone_checks:
            pending.setdefault(check_key(real.L, ch), []).append(ch)
        out.laws.append(case.name)
        done = 0
        for got in law_checks:
            if limit is not None and done >= limit:
                break
            queue = pending.get(check_key(real.L, got))
            if not queue:
                continue
            done += 1
            form = queue.pop(0)
            out.comparisons += 1
            bad = _compare_one(got, form, coords, max_prec, out)
            if bad is not None:
                out.discrepancy = {"law": case.name, "L": real.L, "sizes": list(got.sizes) if got.sizes else None,
                                   "check": got.label or None, **bad}
                return out
    return out


def _compare_one(law_check, cone_check, coords, max_prec, out):
    for side in ("lhs", "rhs"):
        x, f = getattr(law_check, side), getattr(cone_check, side)
        if not _exact(x):
            continue
        v = form_at(f, coords)
        if v is None:
            continue
        out.quantities += 1
        same = _same(x, v)
        if same is False:
            return {"side": side, "law_value": float(x), "cone_value": float(v),
                    "what": f"the law's {side} differs from the cone's form at the law's profile"}
    kind = {"lt": "le", "gt": "ge"}.get(law_check.kind, law_check.kind)
    symbolic = isinstance(cone_check.lhs, (ConeForm, ConcaveForm)) or isinstance(cone_check.rhs, (ConeForm, ConcaveForm))
    if kind in ("le", "ge") and symbolic and _exact(law_check.lhs) and _exact(law_check.rhs):
        try:
            sup, _ = sup_ratio(cone_check.lhs, cone_check.rhs, kind)
        except NotInFragment:
            sup = None
        if sup is not None and not isinstance(sup, float):
            cmp = compare_sides(law_check.lhs, to_logform(law_check.rhs) * Fraction(sup), kind, max_prec=max_prec)
            if cmp.outcome == "violated" and cmp.certified:
                return {"side": "ratio", "law_value": float(law_check.lhs) / float(law_check.rhs)
                        if float(law_check.rhs) else None, "cone_value": float(sup),
                        "what": "the law's lhs/rhs exceeds the rays' sup (inf for >=)"}
    return None
