"""One unit of counterexample-search work: a *case* (issue 6).

The search for one claim is a deterministic sequence of cases, each a fixed amount of work
fully determined by ``(seed, claim id, index)``, so the results do not depend on timing or
on which worker ran them. Cases cycle through four stages:

1. ``grid``: a chunk of the family grid (:data:`exactdlm.search_space.GRID`), every schedule;
2. ``random``: seeded random rational laws, every composition (a sample above ``L = 5``);
3. ``local``: hill climbing on the simplex (log-weights) and on the schedule, maximizing the
   objective ``lhs/rhs - 1`` (or ``lhs - rhs``), candidates rounded to rationals;
4. ``hypothesis``: hypothesis over :mod:`exactdlm.strategies` with ``target()`` on the objective.

Every example is screened in float64; an example whose objective exceeds
:data:`~exactdlm.search_space.SCREEN_TOL` is re-checked on an exact law with
:func:`exactdlm.decide.compare_sides`. Only a certified ``violated`` outcome is a violation.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager

import numpy as np

from .laws import JointLaw
from .search_space import (
    GRID,
    RATIO_FLOOR,
    SCREEN_TOL,
    MemoLaw,
    float_twin,
    grid_law,
    objective,
    random_law,
    random_shape,
    rounded_exact,
    schedules_for,
    seeded_rng,
    sizes_from_cuts,
)

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
# the claim protocol
# ----------------------------------------------------------------------------------------
def claim_kind(claim) -> str:
    kind = getattr(claim, "kind", "le")
    if kind not in ("le", "ge", "eq"):
        raise ValueError(f"claim {claim_id(claim)!r} has kind {kind!r}; use 'le', 'ge' or 'eq'")
    return kind


def claim_id(claim) -> str:
    return str(getattr(claim, "id", getattr(claim, "__name__", repr(claim))))


def searchable(claim) -> bool:
    """A claim the search can attack: it has ``sides(law, sizes)``."""
    return callable(getattr(claim, "sides", None))


def _applies(claim, law, sizes) -> bool:
    f = getattr(claim, "applies", None)
    return True if f is None else bool(f(law, sizes))


def _worst_measure(lhs: float, rhs: float, kind: str):
    if kind == "eq":
        return abs(lhs - rhs)
    if not (math.isfinite(lhs) and math.isfinite(rhs)) or abs(rhs) < RATIO_FLOOR:
        return None
    return lhs / rhs


def _worse(a: float, b: float, kind: str) -> bool:
    return a < b if kind == "ge" else a > b


def to_float(x) -> float:
    """A side as a float (LogForm, Fraction, numpy, mpmath number or interval midpoint)."""
    if hasattr(x, "mid") and hasattr(x, "delta"):  # mpmath interval
        return float(x.mid)
    return float(x)


class ClaimShapeError(ValueError):
    """A claim's ``sides`` returned something other than a pair: bad input, not a verdict."""


def _check_shape(claim, out):
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise ClaimShapeError(
            f"claim {claim_id(claim)!r}: sides(law, sizes) must return a pair (lhs, rhs), "
            f"got {type(out).__name__}"
        )
    return out


class Evaluator:
    """Screens examples of one claim in float and certifies candidates exactly."""

    def __init__(self, claim):
        self.claim = claim
        self.kind = claim_kind(claim)
        self.examples = 0
        self.best = None  # (objective, lhs, rhs) of the example closest to a violation
        self.worst_ratio = None  # max lhs/rhs (le), min (ge), max |lhs - rhs| (eq)
        self.violation = None
        self.uncertified = 0
        self.undecided = 0

    def sides(self, law, sizes):
        return _check_shape(self.claim, self.claim.sides(law, tuple(int(s) for s in sizes)))

    def screen(self, flaw, sizes) -> float | None:
        """Float objective of one example (None when the claim does not apply)."""
        if not _applies(self.claim, flaw, sizes):
            return None
        lhs, rhs = (to_float(x) for x in self.sides(flaw, sizes))
        self.examples += 1
        if not (math.isfinite(lhs) and math.isfinite(rhs)):
            obj = math.inf if (lhs == math.inf or rhs == -math.inf) else -math.inf
        else:
            obj = objective(lhs, rhs, self.kind)
        if self.best is None or obj > self.best[0]:
            self.best = (obj, lhs, rhs)
        r = _worst_measure(lhs, rhs, self.kind)
        if r is not None and (self.worst_ratio is None or _worse(r, self.worst_ratio, self.kind)):
            self.worst_ratio = r
        return obj

    def certify(self, exact_law, sizes, origin: str) -> bool:
        """Exact check of a candidate; records and returns True on a certified violation."""
        from .decide import compare_sides

        if not _applies(self.claim, exact_law, sizes):
            return False
        lhs, rhs = self.sides(exact_law, sizes)
        cmp = compare_sides(lhs, rhs, self.kind)
        if cmp.outcome == "violated" and cmp.certified:
            self.violation = {
                "law": JointLaw.to_json(exact_law),
                "sizes": [int(s) for s in sizes],
                "examples_before": self.examples - 1,
                "origin": origin,
            }
            return True
        if cmp.outcome == "violated":
            self.uncertified += 1
        elif cmp.outcome == "undecided":
            self.undecided += 1
        return False

    def try_law(self, law, schedules, origin: str) -> bool:
        """Screen ``law`` (exact) on every schedule; certify candidates. True on a violation."""
        ex = MemoLaw(law)
        fl = MemoLaw(float_twin(law))
        for sizes in schedules:
            obj = self.screen(fl, sizes)
            if obj is not None and obj > SCREEN_TOL and self.certify(ex, sizes, origin):
                return True
        return False

    def try_float_candidate(self, flaw, sizes, origin: str) -> bool:
        """Round a float candidate to nearby rationals and certify the first that violates."""
        for ex in rounded_exact(flaw):
            exm = MemoLaw(ex)
            obj = self.screen(MemoLaw(ex.to_float()), sizes)
            if obj is not None and obj > SCREEN_TOL and self.certify(exm, sizes, origin):
                return True
        return False


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
    cur = ev.screen(MemoLaw(_softmax_law(theta, L, V)), sizes)
    cur = -math.inf if cur is None else cur
    sigma = 1.0
    for _ in range(LOCAL_STEPS):
        if rng.random() < 0.25:
            th2, s2 = theta, _neighbor_sizes(sizes, rng)
        else:
            th2 = theta.copy()
            for j in rng.sample(range(n), rng.randint(1, max(1, n // 3))):
                th2[j] += rng.gauss(0.0, sigma)
            s2 = sizes
        flaw = _softmax_law(th2, L, V)
        obj = ev.screen(MemoLaw(flaw), s2)
        if obj is None:
            continue
        if obj > SCREEN_TOL and ev.try_float_candidate(flaw, s2, "local search"):
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
    from . import strategies as eds

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
        obj = ev.screen(MemoLaw(float_twin(law)), sizes)
        if obj is None:
            return
        target(max(-1e6, min(1e6, obj)), label="objective")
        if obj > SCREEN_TOL:
            exacts = [law] if law.exact else rounded_exact(law)
            for ex in exacts:
                if ev.certify(MemoLaw(ex), sizes, "hypothesis"):
                    return

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


__all__ = ["Evaluator", "run_case", "make_case", "case_stage", "searchable", "claim_kind", "claim_id",
           "STAGES", "ClaimShapeError"]
