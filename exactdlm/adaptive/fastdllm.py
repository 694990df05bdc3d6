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

import math
from dataclasses import dataclass
from fractions import Fraction

from ..schedules import DecodingRule
from .steplaw import (
    MAX_TEMPERATURE,
    StepEngine,
    check_block,
    check_count,
    check_number,
    check_ties,
    bounded_power,
    check_work,
    draw_then_pick,
    draw_width,
    exact_guess,
    layer_states,
    op_growth,
    path_bits,
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
        check_count("fastdllm", "L", self.L)
        check_number("fastdllm", "threshold", self.threshold, 0, 1)
        check_block("fastdllm", self.L, self.block, "Fast-dLLM asserts it")
        if self.model not in MODELS:
            raise ValueError(f"fastdllm: model must be llada or dream, got {self.model!r}")
        check_number("fastdllm", "T", self.T, 0, MAX_TEMPERATURE)
        check_ties(self.ties)

    def work(self, law, predictor=None) -> float:
        """Refuse when the chain's estimated time or memory is over the caps (``steplaw.check_work``).

        At most ``L`` steps (each reveals at least one position). Per block and per count ``c``
        of its masked positions, the states (``V^(bB)`` earlier values, ``C(B, c) V^(B-c)`` in
        the block; one state at ``T = 0``) each read ``c`` rows and score ``d^c`` draws against the threshold.
        """
        L, V, B = law.L, law.V, self.block
        d = draw_width(V, self.T)
        exact = exact_guess(law, predictor, self.T)
        ops = peak = 0.0
        for b in range(L // B):
            before = bounded_power(V, b * B) if d > 1 else 1.0
            for c in range(1, B + 1):
                if self.model == "dream" and c < B:  # the block's first position is already revealed
                    states = before * layer_states(B - 1, V, c, d) * (V if d > 1 else 1)
                else:
                    states = before * layer_states(B, V, c, d)
                if self.model == "dream" and c == B:  # a fresh block: its first position outright
                    per = 3 * c * V + 3 * d
                else:
                    per = 2 * c * V + bounded_power(d, c) * (c + 1)
                ops, peak = ops + states * per, max(peak, states)
        growth = op_growth(path_bits(law, self.T) / 2) if exact else 1.0
        return check_work("fastdllm", L, V, L, ops=ops * growth, states=peak, exact=exact,
                          detail=f"blocks of {B}, at most {L} steps")

    def law(self, p, predictor=None):
        law = law_for("fastdllm", self.L, p)
        L, V, B = law.L, law.V, self.block
        self.work(law, predictor)
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

        return run_chain(L, V, eng.exact, step, rounds=L)
