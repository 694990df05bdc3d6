"""Counterexample search throughput (issue 6).

* examples checked per second for L <= 6 on a claim evaluated through the entropy profile
  (``EKL <= TC``; goal >= 500/s) and on a claim needing the sampler's mixture law
  (``KL(p||q) <= EKL``; goal >= 50/s): a fixed deterministic workload of search cases, run in
  this process; the number of examples is recorded in ``results.json`` (``examples``) and the
  rate is ``examples / median``;
* ``refute`` with 2 local workers against 1 (same fixed case budget of 160 cases, the
  spawn of the worker processes included: about 2 s each on this machine);
* Dask LocalCluster overhead per case: the same cases through a 1-worker in-process
  LocalCluster (cluster and client made once, outside the timing) against running them
  inline; overhead per case = difference / cases.
"""

from __future__ import annotations

import os
import tempfile

from benchmarks import Case

import exactdlm as ed
from exactdlm.search.cases import make_case, run_case

PROFILE_CASES = range(0, 24)
MIXTURE_CASES = range(0, 8)
DASK_CASES = 16
REFUTE_CASES = 160

CLAIMS_FILE = '''
import exactdlm as ed
from exactdlm.claims import claim


@claim(id="bench-ekl-tc", statement="EKL <= TC", source="user")
def ekl_tc(law, sizes):
    return ed.expected_kl(law, sizes), ed.total_correlation(law)
'''


class _Claim:
    def __init__(self, cid, fn, kind="le"):
        self.id, self.sides, self.kind = cid, fn, kind


PROFILE = _Claim("bench-profile", lambda law, sizes: (ed.expected_kl(law, sizes), ed.total_correlation(law)))


def _mixture_claim():
    from exactdlm.engine.sampler import mixture_kl

    return _Claim("bench-mixture", lambda law, sizes: (mixture_kl(law, sizes), ed.expected_kl(law, sizes)))


def _workload(claim, indices):
    def run():
        return sum(run_case(claim, make_case(claim.id, i, 0))["examples"] for i in indices)

    return run


def _claims_file() -> str:
    path = os.path.join(tempfile.gettempdir(), "exactdlm_bench_search_claims.py")
    with open(path, "w") as fh:
        fh.write(CLAIMS_FILE)
    return path


def _refute(jobs: int):
    from exactdlm.claims import load_claims_file
    from exactdlm.search import refute

    path = _claims_file()
    claims = load_claims_file(path)

    def run():
        res = refute(claims, seed=0, time_budget=None, max_cases=REFUTE_CASES, jobs=jobs, claims_files=[path],
                     progress=False, decide=False)  # the search's own speed-up, not the decision stage
        assert not res[0].found and res[0].cases == REFUTE_CASES

    return run


class _DaskRun:
    """The cluster and its client are made once (setup); each run only sends the cases."""

    def __init__(self):
        self.cluster = self.executor = None

    def setup(self):
        from distributed import LocalCluster

        from exactdlm.search.sweep import DaskExecutor

        if self.cluster is None:
            self.cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
            self.executor = DaskExecutor(self.cluster.scheduler_address)

    def __call__(self):
        cases = [make_case(PROFILE.id, i, 0) for i in range(DASK_CASES)]
        return sum(r["examples"] for _, r in self.executor.run(_run_profile_case, cases))


def _run_profile_case(case):
    return run_case(PROFILE, case)


def _inline_cases():
    return sum(_run_profile_case(make_case(PROFILE.id, i, 0))["examples"] for i in range(DASK_CASES))


def cases():
    n_profile = _workload(PROFILE, PROFILE_CASES)()
    yield Case("search: profile claim EKL<=TC, 24 cases (L<=6)", _workload(PROFILE, PROFILE_CASES),
               goal=f">= 500 examples/s, i.e. <= {n_profile / 500:.2f} s for {n_profile} examples",
               info={"examples": n_profile})
    try:
        mix = _mixture_claim()
    except ImportError:
        mix = None
    if mix is not None:
        n_mix = _workload(mix, MIXTURE_CASES)()
        yield Case("search: mixture claim KL(p||q)<=EKL, 8 cases (L<=6)", _workload(mix, MIXTURE_CASES),
                   goal=f">= 50 examples/s, i.e. <= {n_mix / 50:.2f} s for {n_mix} examples",
                   info={"examples": n_mix}, repeat=3)
    yield Case(f"refute: {REFUTE_CASES} cases, 1 job", _refute(1), repeat=3)
    yield Case(f"refute: {REFUTE_CASES} cases, 2 local workers", _refute(2),
               baseline=f"refute: {REFUTE_CASES} cases, 1 job", goal="speed-up with 2 workers", repeat=3)
    yield Case(f"search: {DASK_CASES} cases inline", _inline_cases, repeat=3)
    dask_run = _DaskRun()
    yield Case(f"search: {DASK_CASES} cases via Dask LocalCluster (1 worker, threads)", dask_run,
               setup=dask_run.setup, baseline=f"search: {DASK_CASES} cases inline",
               goal="overhead per case = (this - inline) / 16", repeat=3)
