"""Refute: the search for the smallest certified counterexample to a claim (docs/theory.md §7).

Above the claims layer (it asks claims about laws), below the command line. Modules:

* ``space``   -- the search space: laws as points, float screening objective, exact rounding;
* ``targets`` -- how one claim is asked about one law (checks, float screening, certification);
* ``cases``   -- one case: a law and the schedules to try, drawn from a seed;
* ``shrink``  -- shrinking a counterexample toward small L, V and denominators;
* ``cert``    -- the certificate of a counterexample (exact sides, intervals, a snippet);
* ``sweep``   -- workers, progress, and the append-only JSONL run file;
* ``refute``  -- the driver: families grid, random laws, local search, hypothesis.
"""

from .refute import (
    ClaimResult,
    check_claim,
    format_hypothesis,
    hypothesis_pairs,
    refute,
    report_json,
    run_hypothesis,
)

__all__ = ["ClaimResult", "check_claim", "format_hypothesis", "hypothesis_pairs", "refute", "report_json",
           "run_hypothesis"]
