"""The decision stage of ``exactdlm refute`` (issue 20, item 5; docs/theory.md §8, §8a).

Before its law search, ``refute`` decides each per-law claim for *every* law at the short
lengths ``L = 1..DECIDE_L``: first on the profile cone (:func:`exactdlm.claims.decided.run_cone`,
complete for claims in the profile fragment), then, from the first length the cone did not
decide, by the Shannon LP (:func:`exactdlm.claims.shannon_decided.run_claim`, for entropy-linear
claims). The outcome of a claim is one of

* ``counterexample``: the cone or the LP found a violating law, the claim run on that real law
  is violated exactly (the re-check), and the search's own certificate
  (:func:`exactdlm.search.cert.certificate`) of it is certified: refute reports it with
  ``stage: "cone"`` or ``"shannon"`` and does not search that claim (the decision scans ``L``
  upward, so the law is at the smallest length with a violation, and is an extremal law);
* ``holds``: decided for every law at ``L = a..b`` (no counterexample exists there); the search
  still runs, for longer laws and for what the decision does not cover;
* ``error``: the claim's own code raised (on the cone; on the entropic law *and* on a real law of
  that length, so a limitation of the entropic law is not blamed on the claim);
* ``None``: nothing decided (the claim is not per law, or outside both fragments).

The stage is deterministic (no time budget inside it: the lengths are short), so a resumed run
recomputes the same result; its lengths are recorded in the run file's header settings.
"""

from __future__ import annotations

import dataclasses
import math

#: the decision covers every length 1..DECIDE_L (cone and full-space Shannon LP)
DECIDE_L = 5


@dataclasses.dataclass
class Decision:
    """What the decision stage found for one claim (see the module docstring)."""

    outcome: str  # "counterexample", "holds", "error", "none"
    stage: str | None = None  # "cone" or "shannon"
    lengths: tuple | None = None
    method: str | None = None
    counterexample: dict | None = None  # the decision's own record (ray / linear law, re-check)
    law: object = None  # the real violating law (JointLaw)
    sizes: tuple | None = None
    error: str | None = None  # the exception, ``Type: message`` as the search reports it
    error_L: int | None = None  # the length where the claim raised
    where: str | None = None  # where it raised
    note: str | None = None
    seconds: float = 0.0


def decision_suite(top: int = DECIDE_L):
    """The quick suite with its decided range cut to ``L = 1..top`` (cone and Shannon LP)."""
    from ..suites import get_suite

    s = dataclasses.replace(get_suite("quick"), cone_max_L=top)
    s.shannon_lengths = (top, ())
    return s


def _applicable(claim) -> bool:
    from ..claims import Claim

    return isinstance(claim, Claim) and claim.incomplete is None and claim.missing_requirement() is None and \
        (claim.per_schedule or claim.case_checks is not None)


def _lengths_text(lengths, also=()) -> str:
    a, b = lengths
    return (f"L={a}..{b}" if a != b else f"L={a}") + "".join(f", {x}" for x in also)


def _raises_on_a_law(claim, L: int, suite) -> str | None:
    """The claim's exception (``Type: message``) on the uniform binary law of length ``L`` (every
    composition), or None."""
    from fractions import Fraction

    from ..claims.context import CaseContext
    from ..claims.decided import cone_schedules, per_law_checks
    from ..laws import families as fam
    from ..suites import SuiteCase

    law = fam.iid(L, [Fraction(1, 2), Fraction(1, 2)])
    case = SuiteCase(f"uniform L={L}", "iid", {}, tuple(cone_schedules(L, suite)), lambda: law, None, law)
    try:
        list(per_law_checks(claim, CaseContext(case, suite)))
    except Exception as exc:  # noqa: BLE001 - the claim's own code raised: reported
        return f"{type(exc).__name__}: {exc}"
    return None


def decide_claim(claim, max_prec: int = 4096, suite=None) -> Decision:
    """Decide ``claim`` for every law at ``L = 1..DECIDE_L`` (module docstring)."""
    import time

    from ..claims.decided import run_cone
    from ..claims.shannon_decided import run_claim
    from ..laws import JointLaw

    t0 = time.perf_counter()
    if not _applicable(claim):
        return Decision("none")
    suite = suite if suite is not None else decision_suite()
    top = int(suite.cone_max_L)
    cone = run_cone([claim], suite, max_prec)[claim.id]

    def done(d: Decision) -> Decision:
        d.seconds = time.perf_counter() - t0
        return d

    if cone.error is not None:
        e = cone.error
        sizes = f", sizes {tuple(e['sizes'])}" if e.get("sizes") is not None else ""
        plain = _raises_on_a_law(claim, e["L"], suite)  # as the search words it; else the cone's own text
        return done(Decision("error", "cone", error=plain or e["exception"], error_L=e["L"],
                             where=f"on the profile cone at L={e['L']}{sizes}"))
    found = [("cone", cone.counterexample, cone.lengths)] if cone.counterexample is not None else []
    res = None
    if not found and not (cone.lengths is not None and cone.lengths[1] >= top):
        start = cone.lengths[1] + 1 if cone.lengths else 1
        res = run_claim(claim, suite, max_prec, budget=math.inf, start=start)
        if res.raised is not None:
            why = _raises_on_a_law(claim, res.raised["L"], suite)
            if why is not None:
                return done(Decision("error", "shannon", error=why, error_L=res.raised["L"],
                                     where=f"at L={res.raised['L']} on the Shannon LP's entropic law and on the "
                                           "uniform law of that length"))
        if res.counterexample is not None:
            found = [("shannon", res.counterexample, res.lengths)]
    if found:
        stage, cx, _ = found[0]
        if cx.get("disagreement"):
            return done(Decision("error", stage, error=f"the {stage} stage and the law disagree: {cx['disagreement']}",
                                 counterexample=cx))
        rc = cx.get("recheck") or {}
        if cx.get("law") is not None and cx.get("certified") and rc.get("outcome") == "violated":
            sizes = tuple(cx["sizes"]) if cx.get("sizes") is not None else None
            return done(Decision("counterexample", stage, counterexample=cx, law=JointLaw.from_json(cx["law"]),
                                 sizes=sizes))
        return done(Decision("none", stage, counterexample=cx,
                             note=f"the {stage} stage found a violation it could not confirm on a real law "
                                  f"({rc.get('reason') or rc.get('outcome') or 'no law built'}); searching laws"))
    # no counterexample: the decided range of the cone, joined with the LP's
    lengths, also, method = cone.lengths, [], "cone"
    if res is not None and res.lengths is not None:
        if lengths is None:
            lengths, also, method = res.lengths, list(res.also), "Shannon proof"
        elif res.lengths[0] == lengths[1] + 1:
            lengths, also, method = (lengths[0], res.lengths[1]), list(res.also), "cone + Shannon proof"
    stop = res.undecided if res is not None and res.undecided else None
    if lengths is None:
        return done(Decision("none", note=f"not decided ({stop})" if stop else None))
    note = f"no counterexample at {_lengths_text(lengths, also)}: decided for every law ({method})"
    if stop:
        note += f"; {stop}"
    return done(Decision("holds", "shannon" if "Shannon" in method else "cone", lengths=tuple(lengths),
                         method=method, note=note))


__all__ = ["DECIDE_L", "Decision", "decide_claim", "decision_suite"]
