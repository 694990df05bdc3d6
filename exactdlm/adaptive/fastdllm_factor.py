"""Fast-dLLM's factor rule, exactly as its code decides (docs/theory.md §2a).

Modelled on ``NVlabs/Fast-dLLM``, ``llada/generate.py``: ``generate`` with ``factor`` set, through
``get_transfer_index_dynamic`` (the network replaced by the predictor's conditionals, no prompt).
Blocks of ``B`` left to right, each looped until full. A step draws every masked token of the
block as LLaDA does (Gumbel-max at temperature ``T``; ``T = 0``: argmax) and scores it by its
*untempered* probability ``c_j = p̂(y_j | x_R)``. With the ``m`` scores sorted decreasingly
``c_(1) >= ... >= c_(m)`` and ``thresh_n = 1 - f/(n+1)`` (``thresh_1 = -1``), the code scans
``n = 1..m`` and stops at the first ``n`` with ``c_(n) < thresh_n``; :func:`factor_count` is
what it then keeps:

* no failure, or the first failure at ``n = m`` (the last): all ``m`` (the code's
  ``top_i == len(threshs) - 1`` branch adds one in both cases — a failing last token is kept);
* the first failure at ``2 <= n <= m - 1``: the ``n - 1`` passing ones, i.e. the largest ``n``
  with ``(n+1)(1 - c_(n)) <= f`` for every rank up to it.

``torch.topk(confidence, k)`` then keeps the ``k`` best; exact ties straddling the cut are broken
uniformly (``ties="uniform"``) or to the lowest index (``"lowest"``). The comparison
``c < 1 - f/(n+1)`` is made exactly for rational scores (the code compares float64s).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..schedules import DecodingRule
from .core import compare_scores
from .steplaw import (
    MAX_TEMPERATURE,
    StepEngine,
    check_block,
    check_number,
    check_ties,
    check_work,
    draw_then_pick,
    law_for,
    run_chain,
    top_k_choices,
)


def factor_count(sorted_conf: list, factor, exact: bool) -> int:
    """How many of ``m`` decreasingly sorted confidences ``get_transfer_index_dynamic`` keeps."""
    m = len(sorted_conf)
    one = Fraction(1) if exact else 1.0
    factor = Fraction(factor) if exact else float(factor)
    top = m - 1  # the loop variable after a full scan
    for i in range(m):  # rank n = i + 1
        thresh = -one if i == 0 else one - factor / (i + 2)
        if compare_scores(sorted_conf[i], thresh, exact) < 0:
            top = i
            break
    if top == 0 or top == m - 1:
        top += 1
    return top


@dataclass(frozen=True)
class FastDLLMFactor(DecodingRule):
    """``fastdllm:factor=f[,block=B,T=t]`` on ``L`` positions (LLaDA's decoder)."""

    L: int
    factor: Fraction
    block: int
    T: Fraction = Fraction(0)
    ties: str = "uniform"

    def __post_init__(self):
        if Fraction(self.factor) < 0:
            raise ValueError(f"fastdllm: factor must be >= 0, got {self.factor}")
        check_number("fastdllm", "factor", self.factor, 0, MAX_TEMPERATURE)
        check_block("fastdllm", self.L, self.block, "Fast-dLLM asserts it")
        check_number("fastdllm", "T", self.T, 0, MAX_TEMPERATURE)
        check_ties(self.ties)

    def law(self, p, predictor=None):
        from ..laws.budget import check_time
        from .entropy_sum import SECONDS_PER_EXPANSION

        law = law_for("fastdllm", self.L, p)
        L, V, B = law.L, law.V, self.block
        check_work("fastdllm", L, V, L)
        check_time(L * (2 * V + 1) ** L * SECONDS_PER_EXPANSION, f"fastdllm factor on L={L}, V={V}",
                   "use a smaller L or V")
        eng = StepEngine(law, predictor, self.T, self.ties)
        f = Fraction(self.factor) if eng.exact else float(self.factor)

        def pick(scores):
            k = factor_count(sorted(scores.values(), reverse=True), f, eng.exact)
            return top_k_choices(scores, k, self.ties, eng.exact, eng.one)

        def step(state, aux):
            b = next(j for j in range(L) if state[j] == V) // B
            cands = [j for j in range(b * B, (b + 1) * B) if state[j] == V]
            rows = {j: eng.row(state, j) for j in cands}
            draws = {j: eng.draws(eng.tempered(rows[j])) for j in cands}
            for child, pr in draw_then_pick(state, draws, lambda j, v: rows[j][v], pick):
                yield child, aux, pr

        return run_chain(L, V, eng.exact, step)
