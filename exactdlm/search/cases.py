"""One unit of counterexample-search work: a *case* (issue 6).

The search for one claim is a deterministic sequence of cases, each a fixed amount of work
fully determined by ``(seed, claim id, index)``, so the results do not depend on timing or
on which worker ran them. Cases cycle through four stages:

1. ``grid``: a chunk of the family grid (:data:`exactdlm.search.space.GRID`), every schedule;
2. ``random``: seeded random rational laws, every composition (a sample above ``L = 5``);
3. ``local``: hill climbing on the simplex (log-weights) and on the schedule, maximizing the
   objective ``lhs/rhs - 1`` (or ``lhs - rhs``), candidates rounded to rationals;
4. ``hypothesis``: hypothesis over :mod:`exactdlm.strategies` with ``target()`` on the objective.

Every example is screened in float64 and candidates are re-checked on an exact law
(:mod:`exactdlm.search.targets`); only a certified ``violated`` outcome is a violation.
"""

from __future__ import annotations

import math
import time
import warnings
from contextlib import contextmanager

import numpy as np

from ..laws import JointLaw
from .targets import ClaimShapeError, Evaluator, LawTarget, per_schedule
from .space import (
    GRID,
    float_twin,
    grid_law,
    random_law,
    random_shape,
    rounded_exact,
    schedules_for,
    seeded_rng,
)
from ..schedules import sizes_from_cuts

STAGES = ("grid", "random", "local", "hypothesis")
#: grid entries per grid case
GRID_CHUNK = 2
#: random laws per random case
RANDOM_LAWS = 4
#: objective evaluations per local-search case
LOCAL_STEPS = 80
#: hypothesis examples per hypothesis case
HYPOTHESIS_EXAMPLES = 40
GRID_CASES = math.ceil(len(GRID) / GRID_CHUNK)


def case_stage(index: int) -> tuple[str, int]:
    """Stage of case ``index`` and its index within the stage (grid cases first interleaved)."""
    if index < 4 * GRID_CASES:
        return STAGES[index % 4], index // 4
    k = index - 4 * GRID_CASES
    return STAGES[1 + k % 3], GRID_CASES + k // 3


def make_case(claim_id: str, index: int, seed: int) -> dict:
    stage, sub = case_stage(index)
    return {"claim": claim_id, "index": int(index), "stage": stage, "sub": sub, "seed": int(seed)}


# ----------------------------------------------------------------------------------------
# the stages
# ----------------------------------------------------------------------------------------
def _grid(ev: Evaluator, case, rng):
    chunk = GRID[case["sub"] * GRID_CHUNK:(case["sub"] + 1) * GRID_CHUNK]
    for spec in chunk:
        law = grid_law(spec)
        if ev.try_law(law, schedules_for(law.L, rng), f"grid {spec[0]}"):
            return


def _random(ev: Evaluator, case, rng):
    for _ in range(RANDOM_LAWS):
        L, V = random_shape(rng)
        law, _info = random_law(rng, L, V)
        if ev.try_law(law, schedules_for(L, rng), "random"):
            return


def _neighbor_sizes(sizes, rng):
    """A schedule next to ``sizes``: merge two adjacent steps, split one, or move a token."""
    s = list(sizes)
    moves = []
    if len(s) > 1:
        moves += ["merge", "move"]
    if any(x > 1 for x in s):
        moves.append("split")
    if not moves:
        return tuple(s)
    move = rng.choice(moves)
    if move == "merge":
        k = rng.randrange(len(s) - 1)
        s[k:k + 2] = [s[k] + s[k + 1]]
    elif move == "split":
        k = rng.choice([i for i, x in enumerate(s) if x > 1])
        a = rng.randint(1, s[k] - 1)
        s[k:k + 1] = [a, s[k] - a]
    else:
        k = rng.randrange(len(s) - 1)
        if rng.random() < 0.5 and s[k] > 1:
            s[k] -= 1
            s[k + 1] += 1
        elif s[k + 1] > 1:
            s[k + 1] -= 1
            s[k] += 1
    return tuple(s)


def _softmax_law(theta, L, V) -> JointLaw:
    w = np.exp(theta - theta.max())
    w[w < 1e-12] = 0.0
    return JointLaw((w / w.sum()).reshape((V,) * L), normalize=True)


def _local(ev: Evaluator, case, rng):
    L, V = random_shape(rng, max_L=5)
    n = V**L
    theta = np.array([rng.gauss(0.0, 1.5) for _ in range(n)])
    sizes = sizes_from_cuts([rng.random() < 0.5 for _ in range(L - 1)])
    if not per_schedule(ev.claim):
        sizes = None  # the claim picks its own schedules: search over laws only
    cur = ev.screen(LawTarget(_softmax_law(theta, L, V)), sizes)
    cur = -math.inf if cur is None else cur
    sigma = 1.0
    for _ in range(LOCAL_STEPS):
        if sizes is not None and rng.random() < 0.25:
            th2, s2 = theta, _neighbor_sizes(sizes, rng)
        else:
            th2 = theta.copy()
            for j in rng.sample(range(n), rng.randint(1, max(1, n // 3))):
                th2[j] += rng.gauss(0.0, sigma)
            s2 = sizes
        flaw = _softmax_law(th2, L, V)
        obj = ev.screen(LawTarget(flaw), s2)
        if obj is None:
            continue
        if obj > 0 and ev.try_float_candidate(flaw, s2, "local search"):
            return
        if obj > cur:
            theta, sizes, cur = th2, s2, obj
            sigma = min(3.0, sigma * 1.5)
        else:
            sigma = max(0.05, sigma * 0.9)


def _hypothesis(ev: Evaluator, case, rng):
    try:
        from hypothesis import HealthCheck, Phase, given, settings, target
        from hypothesis import seed as hseed
        from hypothesis import strategies as st
    except ImportError:  # hypothesis is optional at run time; the other stages still run
        return
    from .. import strategies as eds

    law_strategy = st.one_of(
        eds.laws(L=(1, 5), V=(2, 3), support="full", max_denominator=12),
        eds.laws(L=(1, 5), V=(2, 3), support="any", max_denominator=6),
        eds.structured_laws(families=("noisy_repetition", "markov_chain", "mixture", "parity",
                                      "repeated_symbol", "mds_code", "hmm"), L=(2, 5)),
    )
    pairs = eds.laws_and_schedules(law_strategy=law_strategy)

    @hseed(rng.randrange(2**32))
    @settings(max_examples=HYPOTHESIS_EXAMPLES, database=None, deadline=None,
              phases=[Phase.generate, Phase.target], suppress_health_check=list(HealthCheck))
    @given(pairs)
    def run(pair):
        if ev.violation is not None:
            return
        law, sizes = pair
        if not per_schedule(ev.claim):
            sizes = None
        obj = ev.screen(LawTarget(float_twin(law)), sizes)
        if obj is None:
            return
        target(max(-1e6, min(1e6, obj)), label="objective")
        if obj > 0:
            exacts = [law] if law.exact else rounded_exact(law)
            for ex in exacts:
                if ev.certify(LawTarget(ex), sizes, "hypothesis"):
                    return

    with warnings.catch_warnings():
        # in a thread of a Dask worker, other threads move the global ``random`` state while
        # hypothesis draws; our strategies never use it, so hypothesis's warning is a false alarm
        warnings.filterwarnings("ignore", message=".*the `random` module inside strategies.*")
        run()


_STAGE_FN = {"grid": _grid, "random": _random, "local": _local, "hypothesis": _hypothesis}


@contextmanager
def single_thread():
    """numba kernels on one thread: the search parallelizes over cases, and on its small
    lattices a parallel kernel spends most of its time synchronizing threads."""
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


def run_case(claim, case: dict) -> dict:
    """Run one case against ``claim``: a JSON-able record of what it tried and found."""
    t0 = time.perf_counter()
    ev = Evaluator(claim)
    rng = seeded_rng(case["seed"], case["claim"], case["index"])
    error = None
    try:
        with single_thread():
            _STAGE_FN[case["stage"]](ev, case, rng)
    except ClaimShapeError:
        raise
    except Exception as exc:  # a claim that raises: reported, the search goes on
        error = f"{type(exc).__name__}: {exc}"
    best = ev.best
    return {
        "type": "case",
        "claim": case["claim"],
        "index": case["index"],
        "stage": case["stage"],
        "examples": ev.examples,
        "worst_objective": None if best is None else _json_float(best[0]),
        "worst_lhs": None if best is None else _json_float(best[1]),
        "worst_rhs": None if best is None else _json_float(best[2]),
        "worst_ratio": None if ev.worst_ratio is None else _json_float(ev.worst_ratio),
        "violation": ev.violation,
        "uncertified": ev.uncertified,
        "undecided": ev.undecided,
        "error": error,
        "seconds": round(time.perf_counter() - t0, 4),
    }


def _json_float(x):
    x = float(x)
    return x if math.isfinite(x) else ("inf" if x > 0 else "-inf")


__all__ = ["run_case", "make_case", "case_stage", "STAGES"]
