"""Shrinking a certified counterexample to a minimal one (issue 6).

A counterexample is an exact law ``p`` on ``[V]^L`` and sizes ``(s_1..s_K)``. One
*reduction step* makes it strictly simpler in the order ``(L, V, K, |support|, D)``
(lexicographic; ``D`` is the common denominator of the entries):

1. **drop a position** ``i`` (the marginal law of the others) and one token from step ``k``;
2. **drop a symbol** ``b``: merge it into a symbol ``a`` at every position, or condition on
   ``b`` never occurring; the symbols are relabelled ``0..V-2``;
3. **merge two adjacent steps** ``k, k+1``;
4. **drop an outcome** from the support (its mass removed, the rest renormalized);
5. **round the entries** to a smaller common denominator ``D' < D`` (largest-remainder
   rounding of ``p * D'`` on the support; entries that round to 0 leave the support).

A step is kept when the claim is still violated, certified by
:func:`exactdlm.arith.decide.compare_sides`; after each kept step the scan restarts at 1. The
result is minimal: no single step of the five kinds keeps it a certified violation.
Candidates are screened in float64 first: a candidate whose float objective is below
:data:`SKIP_BELOW` (it holds by far more than float error) is skipped without an exact
evaluation; every other candidate, near-ties included, is decided exactly.
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import lcm

import numpy as np

from ..laws import JointLaw
from ..laws.joint import exact_array
from .cases import single_thread
from .targets import ClaimShapeError, Evaluator, LawTarget, per_schedule

#: a candidate whose float margin (objective minus the screen threshold) is below this
#: clearly holds (float error is ~1e-14)
SKIP_BELOW = -1e-9
#: largest common denominator tried by rounding (step 5)
MAX_ROUND_DENOMINATOR = 256


def common_denominator(law: JointLaw) -> int:
    d = 1
    for x in law.array.reshape(-1):
        d = lcm(d, Fraction(x).denominator)
    return d


def complexity(law: JointLaw, sizes) -> tuple[int, int, int, int, int]:
    """``(L, V, K, |support|, D)``: every reduction step lowers it lexicographically
    (``K = 0`` when the claim picks its own schedules, ``sizes=None``)."""
    return (law.L, law.V, 0 if sizes is None else len(sizes), law.support_size, common_denominator(law))


def _exact_law(values, shape) -> JointLaw | None:
    flat = list(values)
    total = sum(flat, Fraction(0))
    if total == 0:
        return None
    return JointLaw(exact_array([x / total for x in flat], shape))


# --- the reduction steps ---------------------------------------------------------------
def drop_position(law: JointLaw, sizes, i: int, k: int):
    """The marginal law without position ``i``; one token fewer in step ``k`` (and the step
    dropped when it empties). ``sizes=None`` stays None."""
    if law.L < 2 or (sizes is not None and sizes[k] < 1):
        return None
    m = law.array.sum(axis=i)
    if sizes is None:
        return JointLaw(exact_array(m.reshape(-1), m.shape)), None
    new = list(sizes)
    new[k] -= 1
    new = tuple(s for s in new if s > 0)
    return JointLaw(exact_array(m.reshape(-1), m.shape)), new


def merge_symbol(law: JointLaw, b: int, a: int) -> JointLaw:
    """Every occurrence of symbol ``b`` becomes ``a``; then symbols above ``b`` shift down."""
    V, L = law.V, law.L
    keep = [v for v in range(V) if v != b]
    out = np.empty((V - 1,) * L, dtype=object)
    out[...] = Fraction(0)
    remap = {v: keep.index(v) for v in keep}
    remap[b] = keep.index(a)
    for idx, x in np.ndenumerate(law.array):
        if x:
            tgt = tuple(remap[v] for v in idx)
            out[tgt] = out[tgt] + x
    return JointLaw(out)


def delete_symbol(law: JointLaw, b: int) -> JointLaw | None:
    """Condition on symbol ``b`` never occurring (None when that has probability 0)."""
    keep = [v for v in range(law.V) if v != b]
    sub = law.array[np.ix_(*([keep] * law.L))]
    return _exact_law(sub.reshape(-1), sub.shape)


def drop_outcome(law: JointLaw, flat_index: int) -> JointLaw | None:
    flat = list(law.array.reshape(-1))
    flat[flat_index] = Fraction(0)
    return _exact_law(flat, law.array.shape)


def round_to_denominator(law: JointLaw, D: int) -> JointLaw | None:
    """Largest-remainder rounding of ``p * D`` on the support (ties: lowest index first)."""
    flat = [Fraction(x) for x in law.array.reshape(-1)]
    scaled = [x * D for x in flat]
    counts = [math.floor(x) for x in scaled]
    short = D - sum(counts)
    order = sorted((i for i, x in enumerate(flat) if x > 0), key=lambda i: (-(scaled[i] - counts[i]), i))
    for i in order[:short]:
        counts[i] += 1
    if sum(counts) != D or not any(counts):
        return None
    return JointLaw(exact_array([Fraction(c, D) for c in counts], law.array.shape))


def merge_steps(sizes, k: int):
    s = list(sizes)
    s[k:k + 2] = [s[k] + s[k + 1]]
    return tuple(s)


def _candidates(law: JointLaw, sizes):
    """Every single reduction step, in the order of the module docstring."""
    L, V = law.L, law.V
    for i in range(L):
        for k in range(1 if sizes is None else len(sizes)):
            if L > 1:
                yield "drop position", lambda i=i, k=k: drop_position(law, sizes, i, k)
    if V > 2:
        for b in range(V - 1, -1, -1):
            for a in range(V):
                if a != b:
                    yield "merge symbol", lambda b=b, a=a: (merge_symbol(law, b, a), sizes)
            yield "delete symbol", lambda b=b: (delete_symbol(law, b), sizes)
    for k in range(0 if sizes is None else len(sizes) - 1):
        yield "merge steps", lambda k=k: (law, merge_steps(sizes, k))
    flat = law.array.reshape(-1)
    support = sorted((i for i in range(flat.size) if flat[i] > 0), key=lambda i: (flat[i], i))
    if len(support) > 1:
        for idx in support:
            yield "drop outcome", lambda idx=idx: (drop_outcome(law, idx), sizes)
    D = common_denominator(law)
    for d in range(1, min(D, MAX_ROUND_DENOMINATOR + 1)):
        yield "round", lambda d=d: (round_to_denominator(law, d), sizes)
    # denominators beyond the cap: halve repeatedly (each still a strict decrease)
    d = D // 2
    while d > MAX_ROUND_DENOMINATOR:
        yield "round", lambda d=d: (round_to_denominator(law, d), sizes)
        d //= 2


def _violates(ev: Evaluator, law, sizes) -> bool:
    """Certified violation (float screen first, then the exact check)."""
    try:
        margin = ev.screen(LawTarget(law.to_float()), sizes)
        if margin is None or margin < SKIP_BELOW:
            return False
        ev.violation = None
        return ev.certify(LawTarget(law), sizes, "shrink")
    except ClaimShapeError:
        raise
    except Exception:  # the claim refuses this smaller case: not a violation
        return False


def shrink(claim, law: JointLaw, sizes, *, max_checks: int = 20000):
    """Reduce a certified counterexample until no single reduction step keeps it violated.

    Returns ``(law, sizes, log)`` with ``log`` the kept steps (name, complexity after).
    For a claim that picks its own schedules (no ``sides``/``schedule_checks``) ``sizes``
    is ignored and returned as None.
    ``max_checks`` bounds the number of candidate evaluations (a safety net; when it is hit
    the result is still a certified violation but minimality is not guaranteed, and the
    last log entry says so).
    """
    with single_thread():
        return _shrink(claim, law, sizes, max_checks)


def _shrink(claim, law, sizes, max_checks):
    ev = Evaluator(claim)
    sizes = tuple(int(s) for s in sizes) if per_schedule(claim) and sizes is not None else None
    if not _violates(ev, law, sizes):
        raise ValueError("shrink needs a certified violation to start from; the given law and sizes are not one")
    log = []
    checks = 0
    progress = True
    while progress:
        progress = False
        before = complexity(law, sizes)
        for name, make in _candidates(law, sizes):
            out = make()
            if out is None or out[0] is None:
                continue
            cand, csizes = out
            if complexity(cand, csizes) >= before:
                continue
            checks += 1
            if checks > max_checks:
                log.append(("check budget exhausted", complexity(law, sizes)))
                return law, sizes, log
            if _violates(ev, cand, csizes):
                law, sizes = cand, csizes
                log.append((name, complexity(law, sizes)))
                progress = True
                break
    return law, sizes, log


__all__ = ["shrink", "complexity", "common_denominator", "round_to_denominator", "drop_position",
           "merge_symbol", "delete_symbol", "drop_outcome", "merge_steps"]
