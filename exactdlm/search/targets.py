"""How the search asks a claim about one law: checks, float screening, exact certification.

A claim (:class:`exactdlm.claims.Claim`, or any object with ``id``, ``kind`` and
``sides``) compares in one of the shapes of :mod:`exactdlm.claims`:

* ``sides(law, sizes) -> (lhs, rhs)`` and ``schedule_checks(ctx, sizes)``: one law and one
  schedule (the search tries many schedules per law);
* ``case_checks(ctx)``: one law, the claim picks its schedules (e.g. a grid of rho);
* ``global_checks(suite)``: existence and limit claims -- nothing to search, reported so.

``ctx`` is the claims' :class:`~exactdlm.claims.context.CaseContext` built on the law under
test with the parameters of :data:`SEARCH_SUITE` (rho grid, K values). Comparisons of kind
``le``/``ge``/``eq`` (and the strict ``lt``/``gt`` of some catalogue checks) are screened in
float64 (:func:`~exactdlm.search.space.objective`) and decided exactly by
:func:`exactdlm.arith.decide.compare_sides` on an exact law.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from ..laws import JointLaw
from .space import RATIO_FLOOR, SCREEN_TOL, MemoLaw, float_twin, objective, rounded_exact

KINDS = ("le", "ge", "eq", "lt", "gt")
_COMPLEMENT = {"lt": "ge", "gt": "le"}
#: strict comparisons (lt/gt) are violated by ties, so near-ties are certified too
STRICT_TOL = 1e-9


class ClaimShapeError(ValueError):
    """A claim's ``sides`` returned something other than a pair: bad input, not a verdict."""


def claim_id(claim) -> str:
    return str(getattr(claim, "id", getattr(claim, "__name__", repr(claim))))


def claim_kind(claim) -> str:
    kind = getattr(claim, "kind", "le")
    if kind not in KINDS:
        raise ValueError(f"claim {claim_id(claim)!r} has kind {kind!r}; use 'le', 'ge' or 'eq'")
    return kind


def _fn(claim, name):
    f = getattr(claim, name, None)
    return f if callable(f) else None


def unsearchable_reason(claim) -> str | None:
    """Why the search cannot attack ``claim`` (None when it can)."""
    if getattr(claim, "incomplete", None):
        return f"incomplete statement: {claim.incomplete}"
    missing = getattr(claim, "missing_requirement", None)
    if callable(missing) and missing() is not None:
        return f"needs {missing()}, which this build lacks"
    if not any(_fn(claim, n) for n in ("sides", "schedule_checks", "case_checks")):
        if _fn(claim, "global_checks"):
            return "an existence or limit claim (checked on its own witnesses by exactdlm verify)"
        return "the claim has no sides(law, sizes)"
    return None


def searchable(claim) -> bool:
    return unsearchable_reason(claim) is None


def per_schedule(claim) -> bool:
    return bool(_fn(claim, "sides") or _fn(claim, "schedule_checks"))


def per_law(claim) -> bool:
    return bool(_fn(claim, "case_checks"))


@lru_cache(maxsize=1)
def search_suite():
    """The suite parameters (rho grid, K values, witness sizes) claims read from ``ctx.suite``."""
    from ..suites import Suite

    return Suite("search", "parameters of the counterexample search (no cases of its own)", [])


class LawTarget:
    """One law under test: a :class:`MemoLaw` and, on demand, the claims' shared context."""

    def __init__(self, law):
        self.law = law if isinstance(law, MemoLaw) else MemoLaw(law)
        self._ctx = None

    def ctx(self):
        if self._ctx is None:
            from ..claims.context import CaseContext
            from ..suites import SuiteCase

            law = self.law
            case = SuiteCase(name="search", family="search", params={}, schedules=(), build=lambda: law)
            self._ctx = CaseContext(case, search_suite())
        return self._ctx


@dataclass
class Item:
    """One comparison ``lhs kind rhs`` (at ``sizes``; ``label`` names the part of the claim)."""

    lhs: object
    rhs: object
    kind: str
    sizes: tuple | None
    label: str = ""


def _check_shape(claim, out):
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise ClaimShapeError(
            f"claim {claim_id(claim)!r}: sides(law, sizes) must return a pair (lhs, rhs), "
            f"got {type(out).__name__}"
        )
    return out


def _items(checks, default_sizes) -> list[Item]:
    out = []
    for c in checks:
        sizes = tuple(c.sizes) if getattr(c, "sizes", None) is not None else default_sizes
        out.append(Item(c.lhs, c.rhs, c.kind, sizes, getattr(c, "label", "") or ""))
    return out


def schedule_items(claim, target: LawTarget, sizes) -> list[Item]:
    """The comparisons ``claim`` makes on the target law at ``sizes``."""
    sizes = tuple(int(s) for s in sizes)
    if _fn(claim, "sides"):
        applies = _fn(claim, "applies")
        if applies is not None and not applies(target.law, sizes):
            return []
        lhs, rhs = _check_shape(claim, claim.sides(target.law, sizes))
        return [Item(lhs, rhs, claim_kind(claim), sizes)]
    if _fn(claim, "schedule_checks"):
        ctx = target.ctx()
        # some catalogue checks vary with the position of ``sizes`` among the case's schedules;
        # one schedule per query keeps every check reproducible by check_claim(claim, law, sizes)
        ctx.case.schedules = (sizes,)
        return _items(claim.schedule_checks(ctx, sizes), sizes)
    return []


def law_items(claim, target: LawTarget) -> list[Item]:
    """The comparisons ``claim`` makes on the target law with schedules of its own."""
    if _fn(claim, "case_checks"):
        return _items(claim.case_checks(target.ctx()), None)
    return []


def items(claim, target: LawTarget, sizes) -> list[Item]:
    """Every comparison of one example: the schedule checks at ``sizes`` (when ``sizes`` is
    given) and the law-level checks (when ``sizes`` is None or the claim has no others)."""
    out = schedule_items(claim, target, sizes) if sizes is not None and per_schedule(claim) else []
    if per_law(claim) and (sizes is None or not per_schedule(claim)):
        out += law_items(claim, target)
    return out


def to_float(x) -> float:
    """A side as a float (LogForm, Fraction, numpy, mpmath number or interval midpoint)."""
    if hasattr(x, "mid") and hasattr(x, "delta"):  # mpmath interval
        return float(x.mid)
    return float(x)


def decide(lhs, rhs, kind: str):
    """``(outcome, comparison)``; strict kinds are decided as the complement of le/ge."""
    from ..arith import compare_sides

    if kind in _COMPLEMENT:
        cmp = compare_sides(lhs, rhs, _COMPLEMENT[kind])
        return {"holds": "violated", "violated": "holds", "undecided": "undecided"}[cmp.outcome], cmp
    cmp = compare_sides(lhs, rhs, kind)
    return cmp.outcome, cmp


@dataclass
class Verdict:
    """The decided outcome of one comparison of a claim on a law."""

    label: str
    sizes: tuple | None
    kind: str
    outcome: str
    certified: bool
    comparison: object


def check_claim(claim, law, sizes=None) -> list[Verdict]:
    """Decide every comparison ``claim`` makes on ``law`` (at ``sizes``, and its own
    schedules for claims that choose them). Certified on exact laws."""
    from ..laws import as_law

    target = LawTarget(as_law(law))
    out = []
    for it in items(claim, target, None if sizes is None else tuple(sizes)):
        outcome, cmp = decide(it.lhs, it.rhs, it.kind)
        out.append(Verdict(it.label, it.sizes, it.kind, outcome, bool(cmp.certified), cmp))
    return out


# ----------------------------------------------------------------------------------------
# screening and certification
# ----------------------------------------------------------------------------------------
def _worst_measure(lhs: float, rhs: float, kind: str):
    if kind == "eq":
        return abs(lhs - rhs)
    if not (math.isfinite(lhs) and math.isfinite(rhs)) or abs(rhs) < RATIO_FLOOR:
        return None
    return lhs / rhs


def _worse(a: float, b: float, kind: str) -> bool:
    return a < b if kind in ("ge", "gt") else a > b


def _objective(lhs: float, rhs: float, kind: str) -> float:
    if not (math.isfinite(lhs) and math.isfinite(rhs)):
        if math.isnan(lhs) or math.isnan(rhs):
            return math.inf  # let the exact check decide
        big = lhs == math.inf or rhs == -math.inf
        return math.inf if (big != (kind in ("ge", "gt"))) else -math.inf
    return objective(lhs, rhs, {"lt": "le", "gt": "ge"}.get(kind, kind))


def _threshold(kind: str) -> float:
    return -STRICT_TOL if kind in _COMPLEMENT else SCREEN_TOL


class Evaluator:
    """Screens examples of one claim in float and certifies candidates exactly."""

    def __init__(self, claim):
        self.claim = claim
        self.kind = claim_kind(claim)
        self.examples = 0
        self.best = None  # (objective, lhs, rhs) of the comparison closest to a violation
        self.worst_ratio = None  # max lhs/rhs (le), min (ge), max |lhs - rhs| (eq)
        self.violation = None
        self.uncertified = 0
        self.undecided = 0

    def screen(self, target: LawTarget, sizes) -> float | None:
        """Float margin of one example: the largest ``objective - threshold`` over its
        comparisons (> 0: a candidate), None when the claim makes no comparison here."""
        its = items(self.claim, target, sizes)
        if not its:
            return None
        self.examples += 1
        margin = -math.inf
        for it in its:
            lhs, rhs = to_float(it.lhs), to_float(it.rhs)
            obj = _objective(lhs, rhs, it.kind)
            if self.best is None or obj > self.best[0]:
                self.best = (obj, lhs, rhs)
            if it.kind == self.kind:
                r = _worst_measure(lhs, rhs, it.kind)
                if r is not None and (self.worst_ratio is None or _worse(r, self.worst_ratio, it.kind)):
                    self.worst_ratio = r
            margin = max(margin, obj - _threshold(it.kind))
        return margin

    def certify(self, target: LawTarget, sizes, origin: str) -> bool:
        """Exact check of a candidate; records and returns True on a certified violation."""
        for it in items(self.claim, target, sizes):
            outcome, cmp = decide(it.lhs, it.rhs, it.kind)
            if outcome == "violated" and cmp.certified:
                self.violation = {
                    "law": JointLaw.to_json(target.law),
                    "sizes": None if sizes is None else [int(s) for s in sizes],
                    "check_sizes": None if it.sizes is None else [int(s) for s in it.sizes],
                    "label": it.label,
                    "examples_before": self.examples - 1,
                    "origin": origin,
                }
                return True
            if outcome == "violated":
                self.uncertified += 1
            elif outcome == "undecided":
                self.undecided += 1
        return False

    def try_law(self, law, schedules, origin: str) -> bool:
        """Screen ``law`` (exact) on every schedule (and once at the law level); certify
        candidates. True on a violation."""
        fl = LawTarget(float_twin(law))
        ex = None
        plan = list(schedules) if per_schedule(self.claim) else []
        if per_law(self.claim):
            plan.append(None)
        for sizes in plan:
            m = self.screen(fl, sizes)
            if m is not None and m > 0:
                ex = ex or LawTarget(law)
                if self.certify(ex, sizes, origin):
                    return True
        return False

    def try_float_candidate(self, flaw, sizes, origin: str) -> bool:
        """Round a float candidate to nearby rationals and certify the first that violates."""
        for ex in rounded_exact(flaw):
            m = self.screen(LawTarget(ex.to_float()), sizes)
            if m is not None and m > 0 and self.certify(LawTarget(ex), sizes, origin):
                return True
        return False
