"""Sample-then-select: exact output law (docs/theory.md §2).

LLaDA's low-confidence remasking at temperature 1 in one block with ties to the lowest index
(its other settings: the ``llada:`` preset, :mod:`exactdlm.adaptive.llada`).

At step ``k``, with revealed values ``x_R``, every masked position ``j`` draws ``y_j`` from
``p̂(. | x_R)`` independently; the ``s_k`` positions whose drawn token is most probable
(largest ``p̂(y_j | x_R)``, ties to the lowest index) keep it, the rest are masked again.
The kept tokens are chosen by their own values, so even unit steps do not reproduce ``p``,
and the chain rule (E5) does not apply.

The law is exact by enumerating the draws: a forward pass over the layers ``|R| = t_k``,
each reachable state holding the probability of being reached (different draws and
different parents can reach one state, so states are merged in a dict). Cost about
``sum_k C(L, t_{k-1}) V^L`` draws; :data:`SELECT_DRAW_CAP` bounds it.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product
from math import comb

from .core import Conditionals, kl, law_array, new_output, top_positions
from ..laws import as_law
from ..schedules import cumulative, validate_sizes

#: most draws (summed over reachable states and steps) the enumeration will walk
SELECT_DRAW_CAP = 2_000_000


def select_draw_estimate(L: int, V: int, sizes) -> int:
    """Upper bound on the draws enumerated: ``sum_k C(L, t_{k-1}) V^{t_{k-1}} V^{L - t_{k-1}}``."""
    return sum(comb(L, t) * V**L for t in cumulative(sizes)[:-1])


def sample_then_select_law(p, sizes, predictor=None):
    """Exact output law of sample-then-select with step sizes ``sizes``, shape ``(V,)*L``.

    Fractions when the law and the predictor are exact, float64 otherwise.
    """
    law = as_law(p)
    L, V = law.L, law.V
    sizes = validate_sizes(sizes, L)
    estimate = select_draw_estimate(L, V, sizes)
    if estimate > SELECT_DRAW_CAP:
        raise ValueError(
            f"sample-then-select with L={L}, V={V}, sizes {sizes} enumerates about {estimate:,} draws, "
            f"over the cap {SELECT_DRAW_CAP:,}; use a smaller L or V, or fewer, larger steps"
        )
    cond = Conditionals(law, predictor)
    exact = cond.exact
    layer = {(V,) * L: Fraction(1) if exact else 1.0}
    for s in sizes:
        nxt: dict = {}
        for state, w in layer.items():
            masked = [j for j, d in enumerate(state) if d == V]
            options = []  # per masked position: (value, probability) with probability > 0
            for j in masked:
                row = cond(state, j)
                options.append([(v, row[v]) for v in range(V) if row[v] > 0])
            for draw in product(*options):
                prob = w
                for _, pr in draw:
                    prob = prob * pr
                scores = {j: pr for j, (_, pr) in zip(masked, draw)}
                kept = set(top_positions(scores, s, exact))
                child = list(state)
                for j, (v, _) in zip(masked, draw):
                    if j in kept:
                        child[j] = v
                child = tuple(child)
                nxt[child] = nxt.get(child, 0) + prob
        layer = nxt
    q = new_output(L, V, exact)
    for state, w in layer.items():
        q[state] = w
    return q


def sample_then_select_kl(p, sizes, predictor=None):
    """``KL(p || q)`` for sample-then-select: ``LogForm`` if exact, float otherwise."""
    law = as_law(p)
    q = sample_then_select_law(law, sizes, predictor)
    exact = q.dtype == object
    return kl(law_array(law, exact), q, exact)
