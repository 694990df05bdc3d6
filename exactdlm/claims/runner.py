"""Check claims on a suite: every comparison decided by ``decide.compare_sides``, merged per claim.

Work is split into tasks: one per suite case (every per-schedule and per-case claim on that
law, sharing one :class:`~exactdlm.claims.context.CaseContext`) and one per global claim
(witnesses and limit sequences). ``jobs > 1`` runs the tasks in worker processes; results
are merged in task order, so the report (first counterexample included) does not depend on
``jobs``.

Before the suite, every per-law claim is tried on the profile cone (``decided.run_cone``,
docs/theory.md §8) at every length of the suite's decided range; a comparison the cone decided
covers the same comparison (label, sizes) on every suite law of that length.

A claim's verdict: ``error`` if the claim's code raised on the cone (length, schedule and
exception named), if the re-check of a cone counterexample on its real law disagrees, or if the
independent check of the cone on sampled laws (``cone_check``) finds a discrepancy; else
``violated`` if any comparison is violated, with the strongest counterexample of every stage
(:func:`stronger`: certified first, then the smallest L, then the fewest outcomes) and the
numbers of certified and uncertified violations; else ``error`` if the claim raised on a law
(message kept, the run goes on); else ``undecided`` if some comparison stayed undecided at the
maximum precision; else ``consistent-float`` if some comparison not covered by the cone was a
float comparison (evidence, not a proof); else ``holds`` (``not-applicable`` when no case met
its hypotheses). ``certified`` says every comparison behind ``holds`` (or the counterexample
behind ``violated``) was decided exactly or by certified intervals. ``scope``: ``all laws``
when the cone decided every per-law comparison (and the claim's global checks, if any, are
exact witnesses), ``mixed`` when some comparisons stay sampled, ``suite`` when none went
through the cone, ``witness`` for claims shown only on explicit exact witnesses; its parts
(:func:`scope_parts`: decided lengths and schedule families, trivial lengths, where the decided
part stopped and why, rays, cross-checked, sampled, witness) say exactly what was covered.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import time
from dataclasses import dataclass, field

import mpmath
import numpy as np

from ..arith import certified_sign, compare_sides
from ..arith import LogForm, to_logform
from . import Check, Claim, ClaimError, describe_error
from .context import CaseContext, law_json
from .decided import check_key, per_law_checks, run_cone

#: internal strict kinds, decided as the complement of le/ge
_COMPLEMENT = {"lt": "ge", "gt": "le"}
_SYMBOL = {"le": "<=", "ge": ">=", "eq": "==", "lt": "<", "gt": ">"}


@dataclass
class ClaimResult:
    """The verdict of one claim on one suite, with its figures."""

    claim: Claim
    verdict: str
    certified: bool
    cases: int = 0
    worst_ratio: float | None = None
    min_slack: float | None = None
    counterexample: dict | None = None
    reason: str | None = None
    figures: dict = field(default_factory=dict)
    seconds: float = 0.0
    violated: int = 0
    undecided: int = 0
    uncertified: int = 0
    errors: int = 0
    scope: str = "suite"
    lengths: tuple | None = None
    laws: int = 0
    decided: dict | None = None
    #: what the directed search of a sampled claim tried (exactdlm.search.adversary), if it ran
    search: dict | None = None
    #: violations seen, by whether their counterexample is certified (every stage)
    certified_violations: int = 0
    uncertified_violations: int = 0
    #: the parts of the scope (decided, trivial, stopped, sampled, witness, searched): see scope_parts
    parts: list = field(default_factory=list)
    #: the independent check of the cone on sampled laws (claims.cone_check), if it ran
    cone_check: dict | None = None

    def to_json(self) -> dict:
        c = self.claim
        return {
            "id": c.id,
            "statement": c.statement,
            "formula": c.formula,
            "source": c.source,
            "provenance": c.provenance.to_json(),
            "hypotheses": c.hypotheses,
            "quantifier": c.quantifier,
            "kind": c.kind,
            "origin": c.origin,
            "verdict": self.verdict,
            "certified": self.certified,
            "cases": self.cases,
            "worst_ratio": _finite(self.worst_ratio),
            "min_slack": _finite(self.min_slack),
            "counterexample": self.counterexample,
            "reason": self.reason,
            "figures": self.figures,
            "counts": {"violated": self.violated, "undecided": self.undecided,
                       "uncertified": self.uncertified, "errors": self.errors,
                       "certified_violations": self.certified_violations,
                       "uncertified_violations": self.uncertified_violations},
            "seconds": round(self.seconds, 4),
            "scope": self.scope,
            "lengths": list(self.lengths) if self.lengths else None,
            "laws": self.laws,
            "decided": self.decided,
            "scope_parts": self.parts,
            "cone_check": self.cone_check,
            "search": self.search,
        }


def _finite(x):
    return None if x is None or not math.isfinite(x) else float(x)


# ----------------------------------------------------------------------------------------
# one comparison
# ----------------------------------------------------------------------------------------
_SIDE_TYPES = (LogForm, int, float, np.floating, np.integer, mpmath.mpf, mpmath.iv.mpf)


def _check_side(x, which: str, c: Claim) -> None:
    from fractions import Fraction

    if isinstance(x, np.ndarray) and x.shape == ():
        x = x[()]
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, _SIDE_TYPES + (Fraction,)):
        raise ClaimError(
            f"{c.origin}: claim {c.id!r} returned {which} of type {type(x).__name__}; each side must be a "
            "number (LogForm, Fraction, int or float)"
        )


@dataclass(frozen=True)
class _Holds:
    """A certified ``holds`` of two exact sides, without the printed forms ``compare_sides`` adds."""

    outcome: str
    certified: bool
    lhs: float
    rhs: float
    slack: float
    ratio: float | None


def _is_exact(x) -> bool:
    from numbers import Rational

    return isinstance(x, LogForm) or (isinstance(x, (int, Rational)) and not isinstance(x, bool))


def _decide(lhs, rhs, kind: str, max_prec: int, float_atol=None):
    """``compare_sides``, with a fast path for exact sides that hold: the sign of ``lhs - rhs``
    (``decide.certified_sign``: exact zero test, then certified enclosures) settles it and the
    canonical forms and decimal enclosures are only built for a violated or undecided
    comparison, where they go into the counterexample."""
    if _is_exact(lhs) and _is_exact(rhs):
        diff = to_logform(lhs) - to_logform(rhs)
        sign = certified_sign(diff, max_prec=max_prec)
        if sign is not None and {"le": sign <= 0, "ge": sign >= 0, "eq": sign == 0}[kind]:
            fl, fr = float(lhs), float(rhs)
            d = 0.0 if sign == 0 else float(diff)
            slack = -d if kind == "le" else d if kind == "ge" else 0.0
            ratio = fl / fr if fr != 0 else None
            return _Holds("holds", True, fl, fr, slack + 0.0, ratio)
    if float_atol is None:
        return compare_sides(lhs, rhs, kind, max_prec=max_prec)
    return compare_sides(lhs, rhs, kind, max_prec=max_prec, float_atol=float(float_atol))


def compare(check: Check, max_prec: int):
    """Decide ``check`` (``decide.compare_sides`` semantics); strict lt/gt as the violated complement."""
    kind = check.kind
    if kind in _COMPLEMENT:
        cmp = _decide(check.lhs, check.rhs, _COMPLEMENT[kind], max_prec, check.float_atol)
        flip = {"holds": "violated", "violated": "holds", "undecided": "undecided"}[cmp.outcome]
        # a tie (slack 0) is a violation of the strict claim; compare_sides reports it as holds of the complement
        return cmp, flip, 0.0 - cmp.slack
    cmp = _decide(check.lhs, check.rhs, kind, max_prec, check.float_atol)
    return cmp, cmp.outcome, cmp.slack + 0.0


def _side_text(exact, value) -> str:
    return exact if exact is not None else repr(float(value))


# ----------------------------------------------------------------------------------------
# accumulation per claim
# ----------------------------------------------------------------------------------------
class _Acc:
    """Running totals of one claim over the comparisons of a task (picklable)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.cases = self.violated = self.undecided = self.uncertified = self.errors = 0
        self.worst_ratio = None
        self.min_slack = None
        self.counterexample = None
        self.error = None
        self.figures: dict = {}
        self.seconds = 0.0
        self.covered = 0
        self.witness = 0  # global checks on explicit witness laws (claims with global_kind "exact")
        self.sampled_laws: set = set()
        self.cert_viol = self.uncert_viol = 0
        #: global checks decided on the rays (``note["on_rays"] = L``): every law of that length
        self.on_rays = 0
        self.rays: tuple | None = None

    def add(self, check: Check, cmp, outcome: str, slack: float, where: dict, covered: bool = False,
            witness: bool = False) -> None:
        self.cases += 1
        if covered:
            self.covered += 1
        elif witness:
            self.witness += 1
            if not cmp.certified:
                self.uncertified += 1
        elif check.note and check.note.get("on_rays") is not None:
            self.on_rays += 1
            L = int(check.note["on_rays"])
            self.rays = (min(self.rays[0], L), max(self.rays[1], L)) if self.rays else (L, L)
            if not cmp.certified:
                self.uncertified += 1
        else:
            self.sampled_laws.add(where["law_key"] if "law_key" in where else where.get("case"))
            if not cmp.certified:
                self.uncertified += 1
        if outcome == "undecided":
            self.undecided += 1
        if outcome == "violated":
            self.violated += 1
            certified = bool(cmp.certified)
            if certified:
                self.cert_viol += 1
            else:
                self.uncert_viol += 1
            if self.counterexample is None or (certified and not self.counterexample["certified"]) or \
                    _may_beat(check, where, self.counterexample):
                cx = _counterexample(check, cmp, where)
                self.counterexample = stronger(self.counterexample, cx)
        if not math.isnan(slack):
            self.min_slack = slack if self.min_slack is None else min(self.min_slack, slack)
        r = cmp.ratio
        if r is not None and check.rated and math.isfinite(r) and _kind_group(check.kind) == _kind_group(self.kind):
            self.worst_ratio = _worse(self.kind, self.worst_ratio, r)
        for name, (op, value) in (check.figures or {}).items():
            self.add_figure(name, op, value, where)

    def add_figure(self, name, op, value, where=None) -> None:
        value = float(value) if not isinstance(value, (list, dict, str)) else value
        old = self.figures.get(name)
        if op == "set" or old is None:
            self.figures[name] = {"op": op, "value": value, "where": where}
        elif op == "sum":
            old["value"] += value
        elif (op == "min" and value < old["value"]) or (op == "max" and value > old["value"]):
            self.figures[name] = {"op": op, "value": value, "where": where}

    def merge(self, other: "_Acc") -> None:
        self.cases += other.cases
        self.violated += other.violated
        self.undecided += other.undecided
        self.uncertified += other.uncertified
        self.errors += other.errors
        self.seconds += other.seconds
        self.covered += other.covered
        self.witness += other.witness
        self.on_rays += other.on_rays
        if other.rays is not None:
            self.rays = other.rays if self.rays is None else (min(self.rays[0], other.rays[0]),
                                                              max(self.rays[1], other.rays[1]))
        self.sampled_laws |= other.sampled_laws
        self.cert_viol += other.cert_viol
        self.uncert_viol += other.uncert_viol
        self.counterexample = stronger(self.counterexample, other.counterexample)
        if self.error is None:
            self.error = other.error
        if other.min_slack is not None:
            self.min_slack = other.min_slack if self.min_slack is None else min(self.min_slack, other.min_slack)
        if other.worst_ratio is not None:
            self.worst_ratio = _worse(self.kind, self.worst_ratio, other.worst_ratio)
        for name, fig in other.figures.items():
            self.add_figure(name, fig["op"], fig["value"], fig["where"])


def _kind_group(kind: str) -> str:
    return {"lt": "le", "gt": "ge"}.get(kind, kind)


def _worse(kind: str, old, new):
    if old is None:
        return new
    k = _kind_group(kind)
    if k == "le":
        return max(old, new)
    if k == "ge":
        return min(old, new)
    return new if abs(new - 1) > abs(old - 1) else old


def strength(cx: dict) -> tuple:
    """Sort key of a counterexample, strongest first: certified, then the smallest L, then the fewest
    outcomes (``V^L`` of its law), then the stage order (suite, cone, search) for a stable choice."""
    big = float("inf")
    L = cx.get("L")
    n = cx.get("outcomes")
    return (not cx.get("certified"), big if L is None else L, big if n is None else n,
            {"suite": 0, "cone": 1, "search": 2}.get(cx.get("stage"), 3))


def stronger(a: dict | None, b: dict | None) -> dict | None:
    """The stronger of two counterexamples (:func:`strength`); ``a`` on ties (the earlier one)."""
    if a is None:
        return b
    if b is None:
        return a
    return b if strength(b) < strength(a) else a


def _may_beat(check: Check, where: dict, cx: dict) -> bool:
    """Cheap pre-test before building the printed forms: a law with smaller L or fewer outcomes."""
    lj = where.get("law_json") or {}
    L, n = _size(lj)
    return L is not None and (cx.get("L") is None or (L, n or 0) < (cx["L"], cx.get("outcomes") or 0))


def _size(lj) -> tuple:
    """``(L, V^L)`` of a law's JSON form (``(None, None)`` when it has none)."""
    if not isinstance(lj, dict) or "L" not in lj:
        return None, None
    L, V = lj.get("L"), lj.get("V")
    try:
        return int(L), (int(V) ** int(L) if V is not None else None)
    except (TypeError, ValueError):
        return None, None


def _counterexample(check: Check, cmp, where: dict) -> dict:
    if isinstance(cmp, _Holds):
        # a strict check violated by a tie or by the complement holding: the fast path kept no printed
        # forms; build them (the sides are exact)
        cmp = compare_sides(check.lhs, check.rhs, _COMPLEMENT.get(check.kind, check.kind))
    out = {
        "law": where.get("law_json"),
        "sizes": list(check.sizes) if check.sizes is not None else None,
        "lhs": _side_text(cmp.lhs_exact, cmp.lhs),
        "rhs": _side_text(cmp.rhs_exact, cmp.rhs),
        "relation": _SYMBOL[check.kind],
        "lhs_value": cmp.lhs,
        "rhs_value": cmp.rhs,
        "lhs_interval": cmp.lhs_interval,
        "rhs_interval": cmp.rhs_interval,
        "certified": cmp.certified,
        "case": where.get("case"),
        "check": check.label or None,
        "stage": "suite",
    }
    out["L"], out["outcomes"] = _size(out["law"])
    if check.note:
        out["note"] = check.note
    return out


# ----------------------------------------------------------------------------------------
# evaluating a claim on a case
# ----------------------------------------------------------------------------------------
def _case_checks(c: Claim, ctx: CaseContext):
    for check in _case_checks_raw(c, ctx):
        if check.float_atol is None:
            check.float_atol = ctx.float_atol
        yield check


def _case_checks_raw(c: Claim, ctx: CaseContext):
    for check in per_law_checks(c, ctx):
        if c.sides is not None:
            _check_side(check.lhs, "lhs", c)
            _check_side(check.rhs, "rhs", c)
        yield check


def _evaluate(c: Claim, checks, acc: _Acc, max_prec: int, where_of, covered=None, witness: bool = False) -> None:
    t0 = time.perf_counter()
    try:
        for check in checks:
            if check.kind not in _SYMBOL:
                raise ClaimError(f"claim {c.id!r}: check kind {check.kind!r} is not one of {tuple(_SYMBOL)}")
            cmp, outcome, slack = compare(check, max_prec)
            acc.add(check, cmp, outcome, slack, where_of(check), covered(check) if covered else False, witness)
    except ClaimError:
        raise
    except Exception as exc:  # noqa: BLE001 - a raising claim gets verdict "error", the run goes on
        acc.errors += 1
        if acc.error is None:
            acc.error = describe_error(exc, c)
    finally:
        acc.seconds += time.perf_counter() - t0


# ----------------------------------------------------------------------------------------
# tasks (run in this process or in workers)
# ----------------------------------------------------------------------------------------
_ACTIVE: dict = {}


def _task(task):
    kind, key = task
    claims, suite, max_prec = _ACTIVE["claims"], _ACTIVE["suite"], _ACTIVE["max_prec"]
    if kind == "global":
        c = next(x for x in claims if x.id == key)
        acc = _Acc(c.kind)
        t0 = time.perf_counter()
        try:
            checks, figures = c.global_checks(suite)
        except ClaimError:
            raise
        except Exception as exc:  # noqa: BLE001
            acc.errors += 1
            acc.error = describe_error(exc, c)
            acc.seconds += time.perf_counter() - t0
            return {c.id: acc}, 0.0
        acc.seconds += time.perf_counter() - t0
        for name, value in (figures or {}).items():
            acc.add_figure(name, "set", value)

        def where(check):
            lj = law_json(check.law) if check.law is not None else None
            # a sampled law is counted once, however many checks it carries; law-free checks count none
            return {"case": check.label or "witness", "law_json": lj,
                    "law_key": repr(sorted(lj.items())) if isinstance(lj, dict) else None}

        _evaluate(c, checks, acc, max_prec, where, witness=c.global_kind == "exact")
        return {c.id: acc}, 0.0
    case = suite.cases[key]
    ctx = CaseContext(case, suite)
    t0 = time.perf_counter()
    _ = ctx.g  # the shared profile, timed apart from the claims
    shared = time.perf_counter() - t0
    out = {}
    law_js = None

    def where(check):
        nonlocal law_js
        if check.law is not None:
            return {"case": case.name, "law_json": law_json(check.law)}
        if law_js is None:
            law_js = law_json(ctx.law)
        return {"case": case.name, "law_json": law_js}

    cover = _ACTIVE.get("covered", {})
    spans = _ACTIVE.get("spans", {})
    for c in claims:
        if not (c.per_schedule or c.case_checks is not None):
            continue
        acc = _Acc(c.kind)
        span = spans.get(c.id)
        if c.profile_only and span and span[0] <= ctx.L <= span[1]:
            out[c.id] = acc  # decided for every law of this length on the cone
            continue
        keys = cover.get(c.id)

        def covered(check, keys=keys):
            return bool(keys) and check.law is None and check_key(ctx.L, check) in keys

        _evaluate(c, _case_checks(c, ctx), acc, max_prec, where, covered if keys else None)
        if acc.error is not None and acc.errors:
            acc.error = f"{acc.error} [case {case.name}]"
        out[c.id] = acc
    return out, shared


def _tasks(claims, suite) -> list:
    out = [("global", c.id) for c in claims if c.global_checks is not None]
    if any(c.per_schedule or c.case_checks is not None for c in claims):
        out += [("case", i) for i in range(len(suite.cases))]
    return out


def _claim_refs(claims) -> list:
    """How a worker process finds each claim: by catalogue id or by (file, id); raises for
    claims defined elsewhere (a worker cannot import them)."""
    from . import _CATALOGUE

    refs = []
    for c in claims:
        if _CATALOGUE.get(c.id) is c:
            refs.append(("catalogue", c.id))
        elif os.path.isfile(c.origin) and c.origin.endswith(".py"):
            refs.append(("file", c.origin, c.id))
        else:
            raise ValueError(
                f"claim {c.id!r} is not from the catalogue or a claims file, so worker processes cannot load it; "
                "put it in a .py file (load_claims_file) or use jobs=1"
            )
    return refs


def _suite_ref(suite):
    from ..suites import SUITES, get_suite

    if suite.name in SUITES and get_suite(suite.name) is suite:
        return ("name", suite.name)
    return ("object", suite)


def _init_worker(refs, suite_ref, max_prec, covered=None, spans=None):
    from .workers import watch_parent  # the worker exits when the parent dies (kill -9)

    watch_parent()
    from ..suites import get_suite
    from . import get, load_claims_file

    claims = []
    for ref in refs:
        if ref[0] == "catalogue":
            claims.append(get(ref[1]))
        else:
            claims.append(next(c for c in load_claims_file(ref[1]) if c.id == ref[2]))
    suite = get_suite(suite_ref[1]) if suite_ref[0] == "name" else suite_ref[1]
    _ACTIVE.update(claims=claims, suite=suite, max_prec=max_prec, covered=covered or {}, spans=spans or {})


@dataclass
class Report:
    """The results of one run: per-claim results in catalogue order, and run-level figures."""

    suite: str
    results: list
    seconds: float
    shared_seconds: float
    jobs: int
    n_cases: int
    cone_seconds: float = 0.0
    cone_lengths: tuple | None = None

    @property
    def violated(self) -> bool:
        return any(r.verdict == "violated" for r in self.results)

    @property
    def failed(self) -> bool:
        return any(r.verdict in ("violated", "error") for r in self.results)

    def to_json(self) -> dict:
        return {
            "suite": self.suite,
            "claims": [r.to_json() for r in self.results],
            "run": {"seconds": round(self.seconds, 3), "shared_profile_seconds": round(self.shared_seconds, 3),
                    "jobs": self.jobs, "laws": self.n_cases, "cone_seconds": round(self.cone_seconds, 3),
                    "cone_lengths": list(self.cone_lengths) if self.cone_lengths else None},
        }


def run(claims, suite, *, jobs: int = 1, max_prec: int = 4096, progress=None) -> Report:
    """Check ``claims`` on ``suite`` (a :class:`~exactdlm.suites.Suite`) and return the :class:`Report`.

    ``progress(done, total)`` is called after each task. With ``jobs > 1`` the tasks run in
    spawned worker processes, which load catalogue claims by id and user claims from their
    files (claims defined elsewhere need ``jobs=1``).
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    t0 = time.perf_counter()
    claims = list(claims)
    results_by_id = {}
    runnable = []
    for c in claims:
        if c.incomplete is not None:
            results_by_id[c.id] = ClaimResult(c, "incomplete", False, reason=c.incomplete)
            continue
        missing = c.missing_requirement()
        if missing is not None:
            results_by_id[c.id] = ClaimResult(
                c, "not-applicable", False, reason=f"needs {missing.replace(':', '.')}, which this build lacks")
            continue
        runnable.append(c)
    tc0 = time.perf_counter()
    cone = run_cone(runnable, suite, max_prec)
    cone_seconds = time.perf_counter() - tc0
    covered = {cid: res.covered for cid, res in cone.items() if res.covered}
    spans = {cid: res.lengths for cid, res in cone.items() if res.lengths and res.counterexample is None}
    tasks = _tasks(runnable, suite)
    accs = {c.id: _Acc(c.kind) for c in runnable}
    shared = 0.0
    _ACTIVE.update(claims=runnable, suite=suite, max_prec=max_prec, covered=covered, spans=spans)
    if jobs == 1 or len(tasks) <= 1:
        stream = map(_task, tasks)
        pool = None
    else:
        # spawn, not fork: a forked child inherits numba's thread pool without its threads and
        # can deadlock in the first parallel kernel; spawned workers rebuild the suite by name
        # and re-import claims files
        refs, sref = _claim_refs(runnable), _suite_ref(suite)
        pool = mp.get_context("spawn").Pool(min(jobs, len(tasks)), _init_worker, (refs, sref, max_prec, covered, spans))
        stream = pool.imap(_task, tasks, chunksize=1)
    try:
        for done, (part, sh) in enumerate(stream, 1):
            shared += sh
            for cid, acc in part.items():
                accs[cid].merge(acc)
            if progress is not None:
                progress(done, len(tasks))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    checks = cross_check_cone(runnable, suite, cone, max_prec)
    for c in runnable:
        results_by_id[c.id] = _result(c, accs[c.id], suite, cone.get(c.id), checks.get(c.id))
    results = [results_by_id[c.id] for c in claims]
    from .decided import cone_lengths

    rng = cone_lengths(suite)
    return Report(suite.name, results, time.perf_counter() - t0, shared, jobs, len(suite.cases), cone_seconds,
                  (rng.start, rng.stop - 1) if len(rng) else None)


def cross_check_cone(claims, suite, cone: dict, max_prec: int) -> dict:
    """``{claim id: cone_check JSON}``: the independent check of the cone on sampled laws
    (:mod:`exactdlm.claims.cone_check`) for every claim the cone decided at some length."""
    from .cone_check import check_claim

    out = {}
    for c in claims:
        res = cone.get(c.id)
        if res is None or res.lengths is None or res.error is not None:
            continue
        out[c.id] = check_claim(c, suite, res.lengths, max_prec).to_json()
    return out


def _scope(c: Claim, acc: _Acc, cone) -> str:
    decided = cone is not None and cone.lengths is not None
    sampled = acc.cases - acc.covered - acc.witness - acc.on_rays
    if c.global_checks is not None and c.global_kind == "sampled":
        sampled += 1
    if not decided:
        if c.global_checks is not None and c.global_kind == "exact" and not (c.per_schedule or c.case_checks):
            return "witness"
        return "suite"
    return "all laws" if sampled == 0 else "mixed"


def scope_parts(c: Claim, acc: _Acc, cone, check=None) -> list:
    """What the verdict covers, part by part (issue 19):

    * ``decided``: every law of each length ``L = a..b`` (the profile cone), with the schedule
      families decided; ``trivial``: decided lengths where every comparison was vacuous (its
      smaller side is 0 for every law), with why; ``stopped``: where and why the decided part ended
      before the suite's range;
    * ``cross-checked``: the sampled laws on which the cone was compared with the law's own values;
    * ``sampled``: the suite laws checked one by one (comparisons the cone did not cover);
    * ``witness``: global checks on explicit exact witnesses or on the rays.
    """
    parts = []
    if cone is not None and cone.lengths is not None:
        part = {"part": "decided", "lengths": list(cone.lengths), "schedules": cone.schedules}
        span = cone.trivial_span()
        if span is not None:
            part["trivial"] = {"lengths": list(span), "why": cone.trivial_why}
        parts.append(part)
    if cone is not None and cone.stopped and cone.stopped_at is not None:
        parts.append({"part": "stopped", "L": cone.stopped_at, "why": cone.stopped})
    if check is not None and check.get("laws"):
        parts.append({"part": "cross-checked", "laws": len(check["laws"]), "comparisons": check["comparisons"]})
    if acc.rays is not None:
        parts.append({"part": "rays", "lengths": list(acc.rays), "comparisons": acc.on_rays})
    laws = len(acc.sampled_laws - {None})
    sampled = acc.cases - acc.covered - acc.witness - acc.on_rays
    if laws or sampled > 0:
        parts.append({"part": "sampled", "laws": laws, "comparisons": sampled})
    if acc.witness or (c.global_checks is not None and c.global_kind == "exact"):
        parts.append({"part": "witness", "comparisons": acc.witness})
    return parts


def _decided_json(cone) -> dict | None:
    if cone is None or (cone.lengths is None and cone.counterexample is None and cone.error is None):
        return None
    return cone.to_json()  # its time is in the claim's "seconds"


def _cone_error(cone) -> str | None:
    """The reason of an ``error`` verdict from the cone stage: the claim raised, or the re-check on a
    real law disagreed with the cone's counterexample."""
    if cone is None:
        return None
    if cone.error is not None:
        e = cone.error
        sizes = f", sizes {tuple(e['sizes'])}" if e.get("sizes") is not None else ""
        return f"raised on the profile cone at L={e['L']}{sizes}: {e['exception']}"
    cx = cone.counterexample
    if cx is not None and cx.get("disagreement"):
        return f"the cone and the law disagree at L={cx.get('L')}, sizes {cx.get('sizes')}: {cx['disagreement']}"
    return None


def _result(c: Claim, acc: _Acc, suite, cone=None, check=None) -> ClaimResult:
    figures = {k: v["value"] if v["op"] == "set" else v for k, v in acc.figures.items()}
    scope = _scope(c, acc, cone)
    worst = acc.worst_ratio
    if cone is not None and cone.worst_ratio is not None:
        worst = float(cone.worst_ratio) if scope == "all laws" else _worse(c.kind, worst, float(cone.worst_ratio))
    cone_cx = cone.counterexample if cone is not None else None
    cert_v = acc.cert_viol + int(bool(cone_cx and cone_cx["certified"]))
    uncert_v = acc.uncert_viol + int(bool(cone_cx and not cone_cx["certified"]))
    base = dict(cases=acc.cases + (cone.checks if cone is not None else 0), worst_ratio=worst, min_slack=acc.min_slack, figures=figures,
                seconds=acc.seconds + (cone.seconds if cone else 0.0), violated=acc.violated + int(cone_cx is not None),
                undecided=acc.undecided, uncertified=acc.uncertified, errors=acc.errors, scope=scope,
                lengths=cone.lengths if cone is not None else None, laws=len(acc.sampled_laws - {None}),
                decided=_decided_json(cone), certified_violations=cert_v, uncertified_violations=uncert_v,
                parts=scope_parts(c, acc, cone, check), cone_check=check)
    # an exception or a disagreement is an error, never a verdict (issue 19)
    why = _cone_error(cone)
    if why is None and check is not None and check.get("discrepancy"):
        d = check["discrepancy"]
        why = (f"the independent check of the cone failed on {d['law']} (L={d['L']}, sizes {d.get('sizes')}, "
               f"{d.get('check') or 'comparison'}): {d['what']}: law {d['law_value']!r}, cone {d['cone_value']!r}")
    if why is not None:
        base["errors"] += 1
        return ClaimResult(c, "error", False, reason=why, counterexample=cone_cx if cone_cx else acc.counterexample,
                           **base)
    cx = stronger(acc.counterexample, cone_cx) if cone_cx is not None else acc.counterexample
    if cx is not None:
        return ClaimResult(c, "violated", bool(cx["certified"]), counterexample=cx, reason=acc.error, **base)
    if acc.errors:
        return ClaimResult(c, "error", False, reason=acc.error, **base)
    if acc.undecided:
        return ClaimResult(c, "undecided", False, reason=f"{acc.undecided} comparison(s) undecided at the maximum "
                           "precision; raise --dps", **base)
    if acc.cases == 0 and not (cone is not None and cone.lengths is not None):
        return ClaimResult(c, "not-applicable", False,
                           reason=f"no case of suite {suite.name!r} meets its hypotheses ({c.hypotheses})", **base)
    if acc.uncertified:
        limit = " A limit claim checked at finite L is evidence, not a certificate." if c.quantifier == "limit" else ""
        return ClaimResult(c, "consistent-float", False, reason=f"{acc.uncertified} comparison(s) made only in "
                           f"floating point (with a tolerance): evidence, not a proof.{limit}", **base)
    return ClaimResult(c, "holds", True, **base)


def default_jobs() -> int:
    return max(1, (os.cpu_count() or 1))
