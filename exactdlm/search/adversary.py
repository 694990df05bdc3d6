"""A directed search before ``holds``, for what a suite only samples (docs/theory.md §8, §10).

Claims decided on the profile cone hold for every law of their lengths. The rest (mixture KL,
value-adaptive rules, learned predictors, identities checked law by law, the learned part of a
``mixed`` claim) are checked on the suite's finite list of laws, so a suite ``holds`` is only as
good as the laws it holds. Before such a verdict stands, :func:`search_sampled` spends a short
budget per claim on the refute search (:func:`exactdlm.search.refute`): the family grid
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
#: default seconds per sampled claim, by suite (``quick`` stays fast: no search)
DEFAULT_SECONDS = {"quick": 0.0, "default": 1.5, "full": 5.0, "large": 3.0}


def check_seconds(seconds) -> float:
    """``seconds`` as a float >= 0, else a ``ValueError`` naming ``--search-seconds``."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
        raise ValueError(f"--search-seconds must be a number of seconds >= 0, got {seconds!r}")
    return float(seconds)


def search_sampled(report, *, seconds: float, seed: int = 0) -> None:
    """Run the refute search on each sampled claim of ``report`` (in place; see the module docstring).

    Each :class:`~exactdlm.claims.runner.ClaimResult` whose verdict is in
    :data:`SEARCHED_VERDICTS` and whose scope is ``suite`` or ``mixed`` gets ``search =
    {"laws", "cases", "best_ratio", "seconds"}``; a certified counterexample makes it ``violated``.
    """
    if check_seconds(seconds) == 0:
        return
    for r in report.results:
        if r.verdict not in SEARCHED_VERDICTS or r.scope not in ("suite", "mixed") or not searchable(r.claim):
            continue
        found = refute([r.claim], seed=seed, time_budget=float(seconds), shrink=True, progress=False)[0]
        r.search = {"laws": found.examples_tried, "cases": found.cases, "seconds": round(found.seconds, 3),
                    "best_ratio": found.worst_ratio, "found": found.found}
        if found.found and found.counterexample:
            r.verdict, r.certified = "violated", True
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
        lines.append(f"  {r.claim.id}: {s['laws']} laws in {s['seconds']} s, worst float-screened ratio {ratio}: {what}")
    if not lines:
        return ""
    return "\n".join(["directed search of the sampled claims (evidence, not a proof):"] + lines)
