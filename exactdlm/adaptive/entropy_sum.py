"""Entropy-sum acceptance: the EB-sampler and the Cai–Li rule, exactly (docs/theory.md §2a, §5).

Both rules look at the entropies ``H_j = H(p̂(.|x_R))`` of the masked positions at the start of a
step and reveal a set ``S`` of them in parallel, the tokens drawn independently from the rows:

* **EB-sampler** (Ben-Hamu et al., arXiv 2505.24857; the acceptance test of diffusers
  ``src/diffusers/schedulers/scheduling_entropy_bound.py: EntropyBoundScheduler.step``): sort the
  entropies ascending (``torch.sort``), form ``cumsum - sorted`` and accept every rank ``k`` with
  ``sum_{j<k} H_(j) <= γ``. The left side is non-decreasing in ``k``, so the accepted set is a
  prefix and holds at least the lowest-entropy position.
* **Cai–Li** (arXiv 2603.22248, abstract): "continue unmasking tokens within each iteration until
  the cumulative entropy exceeds a threshold" — in a given order, reveal tokens one after
  another and stop after the first one that makes the running sum exceed ``ε``. In entropy
  order this is the EB set with ``γ = ε``: EB too accepts exactly the prefix up to and including
  the first position at which the running sum exceeds ``γ``.

:func:`accepted_sets` returns the sets with their probabilities: one prefix (its tied
positions straddling the cut broken uniformly or to the lowest index, as in
:func:`~exactdlm.adaptive.steplaw.top_k_choices`) for the entropy order, the law of the prefix
of a uniformly random order for ``order="random"``. Entropies are compared exactly (each ``H_j``
a ``LogForm``, the sum against the rational threshold by a certified sign) or, in floats, with
the house tie tolerance.

:func:`entropy_sum_chain` walks the chain driven by ``p`` itself (``x_S ~ p(.|x_R)``) and
returns the quantities of the claims EB-* and CL-* (docs/theory.md §5): the expected number
of steps, the expected sum of the steps' conditional total correlations, their largest value
and the expected revealed entropy sum.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

from ..arith import LogForm
from ..engine.info import conditional_tc
from .core import Conditionals, compare_scores, neg_entropy
from .steplaw import check_work, ranked_groups, top_k_choices

ORDERS = ("entropy", "random")
#: seconds per bounded state-step expansion of an exact step DP: an upper bound (measured 3e-7 to 3e-6 s
#: for eb/caili on random rational laws, L <= 6, V <= 3, against the bound L (2V+1)^L)
SECONDS_PER_EXPANSION = 1e-5


def entropy(row, exact: bool):
    """``H`` of a row: a ``LogForm`` in exact mode, a float otherwise."""
    return -neg_entropy(row, exact)


def _exceeds(total, thr, exact: bool) -> bool:
    """``total > thr`` (exact: certified; floats: beyond the tie tolerance)."""
    return compare_scores(total, thr, exact) > 0


def prefix_count(ents: dict, thr, exact: bool) -> int:
    """EB's accepted count: the number of ranks ``k`` with ``sum_{j<k} H_(j) <= thr`` (ascending order)."""
    ordered = [ents[j] for group in ranked_groups({j: -h for j, h in ents.items()}, exact) for j in group]
    total = LogForm() if exact else 0.0
    k = 0
    for h in ordered:
        if _exceeds(total, thr, exact):
            break
        k += 1
        total = total + h
    return k


def accepted_sets(ents: dict, thr, order: str, ties: str, exact: bool, one) -> list:
    """``[(frozenset, probability)]``: the positions one step reveals, from their entropies ``ents``."""
    if order == "entropy":
        k = prefix_count(ents, thr, exact)
        return top_k_choices({j: -h for j, h in ents.items()}, k, ties, exact, one)
    # random order: a DP over the prefix *sets* (the stopping test reads the set's sum only).
    # ``alive[T]``: probability that the first |T| positions drawn are T and the sum of T is <= thr
    # (or T is empty); each alive T draws one more position uniformly among the rest and stops
    # when the sum exceeds thr or nothing is left.
    out: dict = {}
    alive = {frozenset(): one}
    zero = LogForm() if exact else 0.0
    sums = {frozenset(): zero}
    positions = sorted(ents)
    while alive:
        nxt: dict = {}
        for T, pr in alive.items():
            rest = [j for j in positions if j not in T]
            share = pr / len(rest)
            for j in rest:
                U = T | {j}
                if U not in sums:
                    sums[U] = sums[T] + ents[j]
                if len(U) == len(positions) or _exceeds(sums[U], thr, exact):
                    out[U] = out.get(U, 0 * one) + share
                else:
                    nxt[U] = nxt.get(U, 0 * one) + share
        alive = nxt
    return list(out.items())


def check_entropy_sum_work(name: str, L: int, V: int, order: str) -> None:
    """The state-step cap and the time guard for an entropy-sum rule.

    The random order's prefix-set DP costs ``2^m`` per state with ``m`` masked positions, on top of
    the draws; summed over states ``(V+2)^L <= (2V+1)^L``, hence the factor 2.
    """
    from ..laws.budget import check_time

    factor = 2 if order == "random" else 1
    check_work(name, L, V, L, factor)
    check_time(L * (2 * V + 1) ** L * factor * SECONDS_PER_EXPANSION, f"{name} on L={L}, V={V}",
               "use a smaller L or V")


def entropy_sum_chain(law, thr, order: str = "entropy", ties: str = "lowest") -> dict:
    """The chain of an entropy-sum rule driven by ``p`` (exact conditionals), every quantity exact.

    Returns ``steps`` (``E_p[#steps]``), ``tc_sum`` (``E_p sum_t condTC(X_{S_t} | x_{R_t})``, the
    expectation also over the rule's own randomness), ``max_tc`` (the largest ``condTC`` of a
    step reached with positive probability) and ``revealed`` (``E_p sum_t sum_{j in S_t} H_j``,
    which equals ``H(X) + tc_sum``). LogForms and Fractions for an exact law, floats otherwise.
    """
    L, V = law.L, law.V
    thr = Fraction(thr) if law.exact else float(thr)
    check_entropy_sum_work("entropy-sum chain", L, V, order)
    cond = Conditionals(law)
    exact = cond.exact
    one = Fraction(1) if exact else 1.0
    zero_form = LogForm() if exact else 0.0
    layer = {(V,) * L: one}
    steps, tc_sum, revealed, max_tc = 0 * one, zero_form, zero_form, zero_form
    while layer:
        nxt: dict = {}
        for state, w in layer.items():
            masked = [j for j in range(L) if state[j] == V]
            if not masked:
                continue
            steps = steps + w
            rows = {j: cond(state, j) for j in masked}
            ents = {j: entropy(rows[j], exact) for j in masked}
            ctx = {j: d for j, d in enumerate(state) if d < V}
            for S, ps in accepted_sets(ents, thr, order, ties, exact, one):
                S = sorted(S)
                tc = conditional_tc(law, S, ctx) if len(S) > 1 else zero_form
                if compare_scores(tc, max_tc, exact) > 0:
                    max_tc = tc
                tc_sum = tc_sum + tc * (w * ps)
                hsum = zero_form
                for j in S:
                    hsum = hsum + ents[j]
                revealed = revealed + hsum * (w * ps)
                # the children: x_S drawn from p(.|x_R) jointly (the chain driven by p)
                for values in product(range(V), repeat=len(S)):
                    child = list(state)
                    for j, v in zip(S, values):
                        child[j] = v
                    child = tuple(child)
                    pr = _joint_conditional(cond, state, child)
                    if pr == 0:
                        continue
                    key = child
                    nxt[key] = nxt.get(key, 0 * one) + w * ps * pr
        layer = nxt
    return {"steps": steps, "tc_sum": tc_sum, "max_tc": max_tc, "revealed": revealed}


def _joint_conditional(cond: Conditionals, state: tuple, child: tuple):
    """``p(x_child | x_state)`` from the marginal lattice (``Conditionals`` of an exact law)."""
    M, V = cond._M, cond.V
    a = b = 0
    for d, e in zip(state, child):
        a = a * (V + 1) + d
        b = b * (V + 1) + e
    return M[b] / M[a] if M[a] else 0
