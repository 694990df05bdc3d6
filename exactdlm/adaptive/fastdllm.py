"""Fast-dLLM's threshold decoding, exactly as its code decides (docs/theory.md §2a).

Modelled on ``NVlabs/Fast-dLLM`` (the network replaced by the predictor's conditionals, no
prompt; the KV caches change only how the network is evaluated, not the decisions):

* ``model=llada`` — ``llada/generate.py``: ``generate`` (and its cached twins) with
  ``threshold`` set, through ``get_transfer_index``. Blocks of length ``B`` left to right;
  each step draws every masked token of the block by Gumbel-max at temperature ``T``
  (``add_gumbel_noise``; ``T = 0``: argmax), scores it by its *untempered* probability
  (``softmax(logits)`` gathered at the drawn token), and keeps every position with score
  ``>= τ`` and always the top one (``torch.topk`` over the block, positions ``k >= 1``
  dropped when ``< τ``). The block loops until it is full.
* ``model=dream`` — ``dream/model/generation_utils_block.py``: ``_sample`` with
  ``alg='confidence_threshold'``. At the start of each block the block's *first* position is
  decoded outright (``x[:, current_block_start] = x0[...]`` from ``sample_tokens``); then
  each step draws every masked token of the block with ``sample_tokens`` at temperature
  ``T`` and scores it by its probability under the *tempered* law (``T = 0``: the max
  probability), keeping the positions with score ``>= τ`` and always the top one.

Exact ties between scores are broken uniformly (``ties="uniform"``) or to the lowest index
(``ties="lowest"``) when they decide the one kept token; ``torch.topk``'s order on exact ties
is implementation-defined.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..schedules import DecodingRule
from .steplaw import (
    StepEngine,
    check_block,
    check_ties,
    check_work,
    draw_then_pick,
    law_for,
    pick_then_draw,
    run_chain,
    threshold_choices,
)

MODELS = ("llada", "dream")


@dataclass(frozen=True)
class FastDLLM(DecodingRule):
    """``fastdllm:threshold=τ,block=B,T=t,model=llada|dream`` on ``L`` positions."""

    L: int
    threshold: Fraction
    block: int
    T: Fraction = Fraction(0)
    model: str = "llada"
    ties: str = "uniform"

    def __post_init__(self):
        if not 0 <= Fraction(self.threshold) <= 1:
            raise ValueError(f"fastdllm: threshold must lie in [0, 1] (a probability), got {self.threshold}")
        check_block("fastdllm", self.L, self.block, "Fast-dLLM asserts it")
        if self.model not in MODELS:
            raise ValueError(f"fastdllm: model must be llada or dream, got {self.model!r}")
        if Fraction(self.T) < 0:
            raise ValueError(f"fastdllm: T must be >= 0, got {self.T}")
        check_ties(self.ties)

    def law(self, p, predictor=None):
        law = law_for("fastdllm", self.L, p)
        L, V, B = law.L, law.V, self.block
        check_work("fastdllm", L, V, L)
        eng = StepEngine(law, predictor, self.T, self.ties)
        tau = Fraction(self.threshold) if eng.exact else float(self.threshold)
        dream = self.model == "dream"

        def step(state, aux):
            b = next(j for j in range(L) if state[j] == V) // B
            cands = [j for j in range(b * B, (b + 1) * B) if state[j] == V]
            rows = {j: eng.row(state, j) for j in cands}
            temp = {j: eng.tempered(rows[j]) for j in cands}
            draws = {j: eng.draws(temp[j]) for j in cands}
            if dream and len(cands) == B:  # a fresh block: its first position is decoded outright
                first = b * B
                children = pick_then_draw(state, [(frozenset([first]), eng.one)], {first: draws[first]})
            else:
                seen = temp if (dream and eng.T > 0) else rows
                children = draw_then_pick(
                    state, draws, lambda j, v: seen[j][v],
                    lambda scores: threshold_choices(scores, tau, self.ties, eng.exact, eng.one),
                )
            for child, pr in children:
                yield child, aux, pr

        return run_chain(L, V, eng.exact, step)
