"""A directed search before ``holds``, for what a suite only samples (docs/theory.md §8, §10).

Claims decided on the profile cone hold for every law of their lengths. The rest (mixture KL,
value-adaptive rules, learned predictors, identities checked law by law, the learned part of a
``mixed`` claim) are checked on the suite's finite list of laws, so a suite ``holds`` is only as
good as the laws it holds. Before such a verdict stands, :func:`search_sampled` runs a fixed
number of search cases per claim of the refute search (:func:`exactdlm.search.refute`; case ``i``
is fixed by the seed, the claim and ``i``, so the same laws are tried on every machine, quiet or
loaded; seconds are only an outer cap, reported when hit): the family grid
(repeated symbol, parity, MDS codes, noisy repetition over a grid of flip rates, Markov chains,
mixtures), random rational laws and local search on the simplex, every candidate re-checked
exactly. A certified violation turns the verdict into ``violated`` with the refute certificate;
otherwise the claim's result records how many laws the search tried and the worst float-screened
ratio it met. The search is evidence, not a proof: the scope stays ``suite`` or ``mixed``.
"""

from __future__ import annotations

from .cert import format_certificate
from .refute import refute
from .targets import searchable

#: verdicts a directed search may overturn
SEARCHED_VERDICTS = ("holds", "consistent-float")
#: default number of search cases per sampled claim, by suite (``quick`` stays fast: no search). A
#: case is a fixed, seeded batch of candidate laws (:mod:`exactdlm.search.cases`): case ``i`` of a
#: claim depends on ``(seed, claim id, i)`` only, so the laws tried are the same on every machine
DEFAULT_CASES = {"quick": 0, "default": 16, "full": 128, "large": 64}
#: cases when only ``--search-seconds`` is given on a suite whose default is no search
FALLBACK_CASES = 32
#: the outer cap, in seconds per claim; hitting it cuts the search short, and the report says so
DEFAULT_SECONDS = {"quick": 60.0, "default": 60.0, "full": 300.0, "large": 120.0}


def check_seconds(seconds) -> float:
    """``seconds`` as a float >= 0, else a ``ValueError`` naming ``--search-seconds``."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
        raise ValueError(f"--search-seconds must be a number of seconds >= 0, got {seconds!r}")
    return float(seconds)


def check_cases(cases) -> int:
    """``cases`` as an int >= 0, else a ``ValueError`` naming ``--search-cases``."""
    if isinstance(cases, bool) or not isinstance(cases, int) or cases < 0:
        raise ValueError(f"--search-cases must be a whole number of search cases >= 0, got {cases!r}")
    return cases


def search_counterexample(cert: dict, found_by=None) -> dict:
    """The refute certificate in the report's counterexample fields (the same as the suite's and the
    cone's: law, sizes, both sides exact with enclosures, relation, certified, L, outcomes, stage)."""
    law = cert.get("law") or {}
    L, V = law.get("L"), law.get("V")
    sizes = cert["check_sizes"] if cert.get("check_sizes") is not None else cert.get("sizes")
    return {
        "law": cert.get("law"), "sizes": sizes, "lhs": cert["lhs"], "rhs": cert["rhs"],
        "relation": {"le": "<=", "ge": ">=", "eq": "==", "lt": "<", "gt": ">"}.get(cert.get("kind"), cert.get("kind")),
        "lhs_value": cert.get("lhs_float"), "rhs_value": cert.get("rhs_float"),
        "lhs_interval": cert.get("lhs_interval"), "rhs_interval": cert.get("rhs_interval"),
        "certified": bool(cert.get("certified")) and cert.get("outcome") == "violated",
        "case": f"directed search ({found_by})" if found_by else "directed search", "check": cert.get("check"),
        "stage": "search", "L": L, "outcomes": V ** L if isinstance(L, int) and isinstance(V, int) else None,
        "certificate": cert,
    }


def search_sampled(report, *, cases: int = 0, seconds: float = 0.0, seed: int = 0) -> None:
    """Run the refute search on each sampled claim of ``report`` (in place; see the module docstring).

    Budget: ``cases`` search cases per claim (deterministic, seeded); ``seconds`` is only an outer
    cap per claim (0: no cap), and when it stops a search before its cases are done the claim's
    ``search["cut_short"]`` says so. Each :class:`~exactdlm.claims.runner.ClaimResult` whose verdict
    is in :data:`SEARCHED_VERDICTS` and whose scope is ``suite`` or ``mixed`` gets ``search = {"laws",
    "cases", "budget_cases", "cut_short", "best_ratio", "seconds", "found"}``; a certified
    counterexample makes it ``violated`` (the counterexample in the same fields as the suite's); a
    claim that raises in the search is an ``error``. The worst ratio shown includes the search's.
    """
    from ..claims.runner import _worse

    if check_cases(cases) == 0:
        return
    cap = check_seconds(seconds) or None
    for r in report.results:
        if r.verdict not in SEARCHED_VERDICTS or r.scope not in ("suite", "mixed") or not searchable(r.claim):
            continue
        # decide=False: verify already ran the cone and the Shannon LP on this claim, over its suite's range
        found = refute([r.claim], seed=seed, time_budget=cap, max_cases=cases, shrink=True, progress=False,
                       decide=False)[0]
        done = found.found or found.error is not None or found.cases >= cases
        r.search = {"laws": found.examples_tried, "cases": found.cases, "budget_cases": cases,
                    "cut_short": not done, "seconds": round(found.seconds, 3),
                    "best_ratio": found.worst_ratio, "found": found.found, "seed": seed}
        if found.worst_ratio is not None and r.claim.kind != "eq":
            r.worst_ratio = _worse(r.claim.kind, r.worst_ratio, float(found.worst_ratio))
        if found.error is not None:
            r.verdict, r.certified = "error", False
            r.errors += 1
            r.reason = f"the claim raised in the directed search: {found.error} ({found.note})"
            continue
        if found.found and found.counterexample:
            cx = search_counterexample(found.counterexample, found.counterexample.get("found_by"))
            r.violated += 1
            if cx["certified"]:
                r.certified_violations += 1
            else:
                r.uncertified_violations += 1
            r.verdict, r.certified, r.counterexample = "violated", cx["certified"], cx
            r.reason = "a certified counterexample found by the directed search after the suite held:\n" + \
                format_certificate(r.claim.id, found.counterexample)


def search_lines(report) -> str:
    """One line per searched claim: how many laws the search tried and the worst ratio it met."""
    lines = []
    for r in report.results:
        s = getattr(r, "search", None)
        if not s:
            continue
        ratio = "-" if s["best_ratio"] is None else f"{s['best_ratio']:.6g}"
        what = "found a counterexample" if s["found"] else "no counterexample"
        cut = (f"; CUT SHORT by the time cap after {s['cases']} of {s['budget_cases']} cases (this verdict depends "
               "on the machine's speed)" if s.get("cut_short") else "")
        lines.append(f"  {r.claim.id}: {s['laws']} laws ({s['cases']} cases, seed {s.get('seed', 0)}) in {s['seconds']} s, "
                     f"worst float-screened ratio {ratio}: {what}{cut}")
    if not lines:
        return ""
    return "\n".join(["directed search of the sampled claims (evidence, not a proof):"] + lines)
