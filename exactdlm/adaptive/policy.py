"""Value-adaptive position rules: exact output laws and the chain rule (E5) (docs/theory.md §2, §4).

A deterministic policy looks at the predictor's one-site conditionals ``p̂(. | x_R)`` of every
masked position and picks the block ``S`` to reveal; the tokens of ``S`` are then drawn
independently from ``p̂(. | x_R)``. The rules (the deterministic policies of WLL's (E5); no
production sampler runs them as written: LLaDA, Dream's ``maskgit_plus`` and Fast-dLLM score
the token they *drew*, and Dream's ``topk_margin``/``entropy`` use Dream's own step counts —
their exact models are the presets :mod:`~exactdlm.adaptive.llada`, :mod:`~exactdlm.adaptive.dream`,
:mod:`~exactdlm.adaptive.fastdllm`):

* ``confidence``: the ``s_k`` positions with the largest ``max_v p̂(v | x_R)``;
* ``margin``: the largest top-1 minus top-2 probability;
* ``entropy``: the smallest entropy ``H(p̂(. | x_R))`` (score ``-H``);
* ``threshold``: every masked position with confidence ``>= tau``, at least one per step
  (the most confident when none passes); no sizes.

Ties go to the lowest index. The output law is ``q_π(x) = prod_k prod_{j in S_k(x)} p̂(x_j | x_{R_k})``
with ``S_k(x)`` the block the policy picks on the path of ``x``: a deterministic policy makes the
reachable states a tree (two states on one layer differ in a value both reveal), so one
depth-first walk over it gives ``q_π`` exactly, without listing patterns or draws.

(E5) [WLL Thm 1]: with the exact predictor, ``KL(p || q_π) = E_{x~p} sum_k condTC(X_{S_k} | x_{R_k})``;
:func:`adaptive_chain_rule` computes the right side by a walk of the same tree weighted by ``p``.
The sample-then-select sampler is in :mod:`exactdlm.adaptive.select`.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import numpy as np

from .core import FLOAT_TIE_TOL, Conditionals, kl, law_array, neg_entropy, new_output, top_positions
from .select import sample_then_select_kl, sample_then_select_law  # noqa: F401
from .steplaw import bounded_power, check_work
from ..arith import LogForm
from ..engine.info import conditional_tc
from ..laws import as_law
from ..engine.lattice import marginal_lattice
from ..schedules import validate_sizes

RULES = ("confidence", "margin", "entropy", "threshold")


# ----------------------------------------------------------------------------------------
# the policy
# ----------------------------------------------------------------------------------------
def _score(rule: str, row, exact: bool):
    if rule in ("confidence", "threshold"):
        return max(row)
    if rule == "margin":
        top = sorted(row, reverse=True)
        return top[0] - top[1]
    return neg_entropy(row, exact)


def _check_tau(tau, exact: bool):
    if tau is None:
        raise ValueError("rule 'threshold' needs tau in (0, 1]; e.g. tau=0.9")
    if isinstance(tau, bool):
        raise ValueError(f"tau must be a number in (0, 1], got {tau!r}")
    try:
        value = Fraction(str(tau)) if isinstance(tau, (float, np.floating)) else Fraction(tau)
    except (TypeError, ValueError):
        raise ValueError(f"tau must be a number in (0, 1], got {tau!r}") from None
    if not 0 < value <= 1:
        raise ValueError(f"tau must lie in (0, 1], got {tau!r}; a confidence threshold is a probability")
    return value if exact else float(value)


class Policy:
    """A rule bound to a law's conditionals: ``block(state)`` -> (positions, their rows).

    Steps of a sized rule are found from the number of revealed positions, so a state alone
    determines its block. A float ``tau`` is read by its shortest decimal (``0.9`` is ``9/10``).
    """

    def __init__(self, law, rule, sizes=None, tau=None, predictor=None):
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")
        self.rule, self.L, self.V = rule, law.L, law.V
        self.cond = Conditionals(law, predictor)
        self.exact = self.cond.exact
        if rule == "threshold":
            if sizes is not None:
                raise ValueError("rule 'threshold' picks its own block sizes; pass sizes=None and a tau")
            self.tau = _check_tau(tau, self.exact)
        else:
            if tau is not None:
                raise ValueError(f"tau applies only to rule 'threshold', not {rule!r}; drop tau")
            if sizes is None:
                raise ValueError(f"rule {rule!r} needs sizes (positive ints summing to L={law.L}), e.g. (1,)*L")
            sizes = validate_sizes(sizes, law.L)
            self.size_at = {}
            t = 0
            for s in sizes:
                self.size_at[t] = s
                t += s

    def block(self, state: tuple):
        masked = [j for j, d in enumerate(state) if d == self.V]
        rows = {j: self.cond(state, j) for j in masked}
        scores = {j: _score(self.rule, rows[j], self.exact) for j in masked}
        if self.rule == "threshold":
            tol = 0 if self.exact else FLOAT_TIE_TOL
            S = [j for j in masked if scores[j] >= self.tau - tol]
            if not S:
                S = top_positions(scores, 1, self.exact)
        else:
            S = top_positions(scores, self.size_at[self.L - len(masked)], self.exact)
        return S, [rows[j] for j in S]


def _check_walk(policy: Policy, what: str) -> None:
    """Refuse a walk over the time or memory cap (``steplaw.check_work``): at most ``V^L``
    leaves and about as many inner states, each reading ``L`` rows of ``V`` and scoring them."""
    L, V = policy.L, policy.V
    ops = 2 * bounded_power(V, L) * (L * V + V)
    check_work(what, L, V, L, ops=ops, states=bounded_power(V, L), exact=policy.exact,
               detail=f"rule {policy.rule}, a decision tree of up to {V}^{L} leaves")


def _walk(policy: Policy, visit):
    """Depth-first walk of the policy's decision tree from the all-masked state.

    At every state not fully revealed the policy picks ``S``; ``visit(state, rows, values,
    child)`` is called for each value tuple of ``S`` and returns whether to descend to
    ``child`` (rows: the predictor's rows of ``S`` at ``state``, in the order of ``S``).
    """
    V, L = policy.V, policy.L
    stack = [(V,) * L]
    while stack:
        state = stack.pop()
        S, rows = policy.block(state)
        for values in product(range(V), repeat=len(S)):
            child = list(state)
            for j, v in zip(S, values):
                child[j] = v
            child = tuple(child)
            if visit(state, rows, values, child) and V in child:
                stack.append(child)


# ----------------------------------------------------------------------------------------
# public functions
# ----------------------------------------------------------------------------------------
def adaptive_law(p, rule, sizes=None, tau=None, predictor=None) -> np.ndarray:
    """Exact output law ``q_π`` of a value-adaptive rule, shape ``(V,)*L``.

    Fractions when the law and the predictor are exact, float64 otherwise.
    """
    law = as_law(p)
    policy = Policy(law, rule, sizes, tau, predictor)
    _check_walk(policy, "adaptive_law")
    L, V = law.L, law.V
    weight = {(V,) * L: Fraction(1) if policy.exact else 1.0}
    q = new_output(L, V, policy.exact)

    def visit(state, rows, values, child):
        w = weight[state]
        for row, v in zip(rows, values):
            w = w * row[v]
        if w == 0:
            return False
        if V in child:
            weight[child] = w
        else:
            q[child] = w
        return True

    _walk(policy, visit)
    return q


def adaptive_kl(p, rule, sizes=None, tau=None, predictor=None):
    """``KL(p || q_π)`` for a value-adaptive rule: ``LogForm`` if exact, float otherwise."""
    law = as_law(p)
    q = adaptive_law(law, rule, sizes, tau, predictor)
    exact = q.dtype == object
    return kl(law_array(law, exact), q, exact)


def adaptive_chain_rule(p, rule, sizes=None, tau=None, predictor=None):
    """Right side of (E5): ``E_{x~p} sum_k condTC(X_{S_k} | x_{R_k})``, blocks chosen by the rule.

    ``condTC`` is that of ``p``; the blocks are the ones the policy picks with ``predictor``.
    A ``LogForm`` for an exact law, float otherwise. Equals :func:`adaptive_kl` for the exact
    predictor (E5); with a learned predictor the two differ by the learning error.
    States of probability 0 under ``p`` carry no weight and are not visited.
    """
    law = as_law(p)
    policy = Policy(law, rule, sizes, tau, predictor)
    _check_walk(policy, "adaptive_chain_rule")
    L, V = law.L, law.V
    M = marginal_lattice(law)
    total = LogForm() if law.exact else 0.0
    done = set()

    def mass(state):
        idx = 0
        for d in state:
            idx = idx * (V + 1) + d
        return M[idx]

    def visit(state, rows, values, child):
        nonlocal total
        if state not in done:  # add condTC once per state, at its first child
            done.add(state)
            S = [j for j in range(L) if state[j] == V and child[j] < V]
            if len(S) > 1:
                ctx = {j: d for j, d in enumerate(state) if d < V}
                total = total + conditional_tc(law, S, ctx) * mass(state)
        return mass(child) > 0

    _walk(policy, visit)
    return total


def compare_policies(p, sizes, tau=None, predictor=None) -> dict:
    """``KL(p || q)`` of every sized rule and of sample-then-select with the same sizes.

    Also the threshold rule when ``tau`` is given. Shows how far sample-then-select lands
    from the context-only rules (issue 3).
    """
    out = {rule: adaptive_kl(p, rule, sizes, predictor=predictor) for rule in RULES[:3]}
    if tau is not None:
        out["threshold"] = adaptive_kl(p, "threshold", tau=tau, predictor=predictor)
    out["select"] = sample_then_select_kl(p, sizes, predictor)
    return out


__all__ = [
    "RULES",
    "Policy",
    "adaptive_chain_rule",
    "adaptive_kl",
    "adaptive_law",
    "compare_policies",
    "sample_then_select_kl",
    "sample_then_select_law",
]
