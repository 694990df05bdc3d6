"""``exactdlm verify`` (issue 4): the whole catalogue on the built-in suites, and the cost per claim.

* ``verify quick``: every claim on the quick suite in this process (goal <= 20 s);
* ``verify default``: the same on the default suite (goal <= 3 min), the suite the README's
  first command runs;
* ``verify quick, 2 jobs``: worker processes (spawned, so their start-up is included) against
  one process.

Each case records the seconds spent in each claim (summed over the suite's tasks, the shared
entropy profiles apart) under ``per_claim_seconds`` in ``results.json``, with the number of
comparisons under ``per_claim_cases``. The suites are rebuilt from their seeds once per process;
the timed runs recompute every profile and comparison.
"""

from __future__ import annotations

from benchmarks import Case

from exactdlm.claims import catalogue, runner
from exactdlm.suites import get_suite


def _verify(suite_name: str, jobs: int, info: dict):
    def fn():
        rep = runner.run(catalogue(), get_suite(suite_name), jobs=jobs)
        info["per_claim_seconds"] = {r.claim.id: round(r.seconds, 3) for r in rep.results}
        info["per_claim_cases"] = {r.claim.id: r.cases for r in rep.results}
        info["verdicts"] = {r.claim.id: r.verdict for r in rep.results}
        info["shared_profile_seconds"] = round(rep.shared_seconds, 3)
        info["laws"] = rep.n_cases
        return rep

    return fn


def cases():
    for suite, goal in (("quick", "<= 20 s"), ("default", "<= 180 s")):
        info: dict = {}
        yield Case(f"verify {suite} (whole catalogue, 1 job)", _verify(suite, 1, info), goal=goal, repeat=1,
                   info=info)
    info2: dict = {}
    yield Case("verify quick (whole catalogue, 2 jobs)", _verify("quick", 2, info2),
               baseline="verify quick (whole catalogue, 1 job)", goal="faster than 1 job", repeat=1, info=info2)
