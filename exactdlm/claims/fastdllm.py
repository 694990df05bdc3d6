"""Fast-dLLM, Theorem 1 (Wu et al., arXiv 2505.22618): greedy parallel = greedy sequential under high
confidence (docs/theory.md §5).

Statement as read (secondary: issue 21's restatement). Let ``p`` be the conditional law of ``n``
masked positions given the context, and ``x*`` the sequence of their marginal argmaxes. If every
marginal has ``p(X_j = x*_j) > 1 - ε`` and ``(n+1) ε <= 1``, then greedy parallel decoding (the
argmax of the product of the marginals, i.e. ``x*``) picks the same tokens as greedy sequential
decoding: ``x*`` is the unique argmax of the joint, and decoding the positions one at a time, each
by the argmax of its conditional given the tokens already chosen, gives ``x*`` in every order.
*Why:* ``p(x*) >= 1 - Σ_j P(X_j != x*_j) > 1 - nε >= ε``, while any ``y != x*`` differs at some
``j`` and has ``p(y) <= P(X_j != x*_j) < ε``; conditionally on ``x*_R`` the same argument with
``|R| + 1 <= n`` positions applies. Tight at ``ε = 1/(n+1)``: the law with ``p(x*) = 1 - n a`` and
mass ``a`` on each sequence that differs from ``x*`` in one position has marginals ``1 - a``, and
``p(x*) < a`` as soon as ``a > 1/(n+1)``.

Checks. ``FD-T1`` (sampled): on every context of the suite's small lattice laws (``V^L <= 32``) and
every set of masked positions meeting the hypothesis (``max_j P(X_j != x*_j | x_R) < 1/(n+1)``);
on every exact lattice law of the suite pushed to the boundary in the same way; and on random rational laws pushed onto the hypothesis' boundary (mixed with the point mass at
``x*`` until the largest miss is ``1/(n+1)`` times ``999/1000``) and the tight family itself at
``a = (999/1000)/(n+1)``, ``n = 1..5``, ``V = 2, 3``. ``FD-T1-tight`` (witness, exact): just past
the hypothesis, ``ε = (1 + δ)/(n+1)``, the tight family with ``a = (1 + δ/2)/(n+1)`` meets the
marginal condition and its joint argmax is not ``x*``.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np

from . import Check, Claim, Provenance, register_catalogue

PAPER = "Wu et al. (Fast-dLLM), arXiv 2505.22618"
#: contexts of the suite's lattice laws with at most this many outcomes
CONTEXT_MAX_CELLS = 16
#: laws pushed to the boundary (the whole joint, sequential orders included)
PUSH_MAX_CELLS = 64
TIGHT_DELTAS = (Fraction(1, 10), Fraction(1, 100), Fraction(1, 1000))
BOUNDARY = Fraction(999, 1000)


def tight_family(n: int, V: int, a: Fraction) -> np.ndarray:
    """``p(0^n) = 1 - n a``; mass ``a`` on each sequence with one coordinate 1 (shape ``(V,)*n``)."""
    arr = np.full((V,) * n, Fraction(0), dtype=object)
    arr[(0,) * n] = 1 - n * a
    for j in range(n):
        idx = [0] * n
        idx[j] = 1
        arr[tuple(idx)] = a
    return arr


def _marginal_argmaxes(arr: np.ndarray):
    """``(x*, misses)``: each position's marginal argmax ``x*_j`` (lowest value on ties) and its miss
    ``P(X_j != x*_j)``, exact on an exact joint ``arr``."""
    n = arr.ndim
    star, misses = [], []
    for j in range(n):
        marg = arr.sum(axis=tuple(i for i in range(n) if i != j))
        v = max(range(len(marg)), key=lambda u: (marg[u], -u))
        star.append(v)
        misses.append(1 - marg[v])
    return star, misses


def greedy_checks(arr: np.ndarray, label: str, C: Fraction = Fraction(1)):
    """The theorem's conclusions on a joint ``arr`` of ``n`` positions (exact), when its hypothesis
    ``max_j P(X_j != x*_j) < C/(n+1)`` holds (``C = 1``: the theorem); [] otherwise."""
    n = arr.ndim
    if n == 0:
        return []
    total = arr.sum()
    if total == 0:
        return []
    arr = arr / total if total != 1 else arr
    star, misses = _marginal_argmaxes(arr)
    eps = max(misses)
    if not eps < C / (n + 1):
        return []
    out = []
    flat = arr.reshape(-1)
    istar = int(np.ravel_multi_index(tuple(star), arr.shape))
    others = [flat[i] for i in range(len(flat)) if i != istar]
    note = {"n": n, "x*": star, "max miss": str(eps)}
    if others:
        out.append(Check(max(others), flat[istar], "lt", None, f"{label}: joint argmax = x* (greedy parallel)",
                         note=note))
    for order in itertools.permutations(range(n)) if n <= 3 else [tuple(range(n)), tuple(reversed(range(n)))]:
        fixed: dict = {}
        for j in order:
            idx = tuple(fixed.get(i, slice(None)) for i in range(n))
            sub = arr[idx]
            free = [i for i in range(n) if i not in fixed]
            marg = sub.sum(axis=tuple(a for a, i in enumerate(free) if i != j)) if len(free) > 1 else sub
            best = marg[star[j]]
            rest = [marg[u] for u in range(len(marg)) if u != star[j]]
            if rest:
                out.append(Check(max(rest), best, "lt", None, f"{label}: sequential greedy in order {list(order)} "
                                 f"picks x*_{j}", note=note, rated=False))
            fixed[j] = star[j]
    return out


def _contexts(a: np.ndarray):
    """``(R, x_R, conditional joint of the masked positions)`` for every context of positive probability."""
    L = a.ndim
    V = a.shape[0]
    for R in range(1 << L):
        pos = [j for j in range(L) if R >> j & 1]
        if len(pos) > L - 2:
            continue
        for vals in itertools.product(range(V), repeat=len(pos)):
            ctx = dict(zip(pos, vals))
            sub = a[tuple(ctx.get(j, slice(None)) for j in range(L))]
            if sub.sum() > 0:
                yield pos, vals, sub


def pushed_to_boundary(arr: np.ndarray, factor: Fraction = BOUNDARY) -> np.ndarray | None:
    """``(1 - λ) p + λ δ_{x*}`` with ``x*`` the marginal argmaxes (lowest value on ties) and ``λ`` the least
    making the largest miss ``factor/(n+1)``; None when ``p`` already meets that (or ``x*`` has no mass
    to gain: every law can be pushed)."""
    n = arr.ndim
    star, misses = _marginal_argmaxes(arr)
    m = max(misses)
    target = factor / (n + 1)
    if m <= target:
        return None
    lam = 1 - target / m
    out = arr * (1 - lam)
    out[tuple(star)] += lam
    return out


def _fd_case(ctx):
    from .pbench import dense_law

    p = dense_law(ctx)
    if p is None:
        return
    a = p.array
    pushed = pushed_to_boundary(a)
    if pushed is not None and ctx.V**ctx.L <= PUSH_MAX_CELLS:  # the law itself, pushed to 999/1000 of the boundary
        yield from greedy_checks(pushed, "the law mixed with the point mass at x* to 999/1000 of the boundary")
    if ctx.V**ctx.L > CONTEXT_MAX_CELLS:
        return
    for pos, vals, sub in _contexts(a):
        n = sub.ndim
        for r in range(2, n + 1):
            for S in itertools.combinations(range(n), r):
                joint = sub.sum(axis=tuple(i for i in range(n) if i not in S)) if r < n else sub
                yield from greedy_checks(joint, f"context {dict(zip(pos, vals))}, positions {list(S)} of the masked")


def _fd_global(suite):
    checks = []
    rng = random.Random(21)
    for n in range(1, 6):
        for V in (2, 3):
            if V**n > 243:
                continue
            a = BOUNDARY / (n + 1)
            checks += greedy_checks(tight_family(n, V, a), f"tight family n={n}, V={V}, a = (999/1000)/(n+1)")
            for trial in range(3):
                r = np.array([Fraction(rng.randint(1, 12)) for _ in range(V**n)], dtype=object).reshape((V,) * n)
                r = r / r.sum()
                m = max(1 - r.sum(axis=tuple(i for i in range(n) if i != j))[0] for j in range(n))
                lam = max(Fraction(0), 1 - BOUNDARY / ((n + 1) * m))  # (1 - lam) m = (999/1000)/(n+1)
                q = (1 - lam) * r
                q[(0,) * n] += lam
                checks += greedy_checks(q, f"random law n={n}, V={V}, seed 21 #{trial}, pushed to the boundary")
    return checks, {}


register_catalogue(Claim(
    id="FD-T1", source="FD", provenance=Provenance(PAPER, "Thm 1", "secondary"), kind="le",
    statement="if n tokens decoded in parallel each have marginal probability > 1 - ε at their argmax x*_j and "
              "(n+1)ε <= 1, greedy parallel decoding (the product of marginals) and greedy sequential decoding "
              "both pick x*: it is the unique joint argmax, and every sequential order of conditional argmaxes "
              "gives it",
    formula="max_j P(X_j != x*_j) < 1/(n+1)  =>  p(y) < p(x*) for y != x*, and argmax_v p(X_j = v | x*_prev) = x*_j",
    hypotheses=f"every context of the suite's exact lattice laws with V^L <= {CONTEXT_MAX_CELLS} and every set of "
               "n >= 2 masked positions meeting the hypothesis; every exact lattice law with V^L <= 64 mixed with the "
               "point mass at its x* to 999/1000 of the boundary; random rational laws pushed to 999/1000 of the "
               "boundary and the tight family there, n = 1..5, V = 2, 3",
    quantifier="each law and schedule", case_checks=_fd_case, global_checks=_fd_global))


def _fd_tight(suite):
    checks = []
    for n in range(1, 6):
        for d in TIGHT_DELTAS:
            eps = (1 + d) / (n + 1)
            a = (1 + d / 2) / (n + 1)
            arr = tight_family(n, 2, a)
            checks.append(Check(1 - a, 1 - eps, "gt", None, f"n={n}, ε = (1+{d})/(n+1): every marginal > 1 - ε",
                                note={"n": n, "delta": str(d)}, rated=False))
            checks.append(Check(arr[(0,) * n], a, "lt", None,
                                f"n={n}, ε = (1+{d})/(n+1): p(x*) = 1 - n a < a, so the joint argmax is not x*",
                                note={"n": n, "delta": str(d), "a": str(a)}))
    return checks, {}


register_catalogue(Claim(
    id="FD-T1-tight", source="FD", provenance=Provenance(PAPER, "Thm 1 tightness at ε = 1/(n+1)", "derived"),
    kind="le", global_kind="exact",
    statement="FD-T1 is tight: for every ε > 1/(n+1) some law has every marginal > 1 - ε at x* and a joint argmax "
              "other than x* (n tokens: p(x*) = 1 - n a, mass a on each one-position change, 1/(n+1) < a < ε)",
    formula="1/(n+1) < a < ε:  marginals 1 - a > 1 - ε,  p(x*) = 1 - n a < a",
    hypotheses="n = 1..5, V = 2, ε = (1 + δ)/(n+1) for δ = 1/10, 1/100, 1/1000, a = (1 + δ/2)/(n+1)",
    quantifier="exists", global_checks=_fd_tight))
