"""LLaDA's sampler, exactly as its code decides (docs/theory.md §2a).

Modelled on ``ML-GSAI/LLaDA``, ``generate.py``: ``generate``, ``get_num_transfer_tokens`` and
``add_gumbel_noise`` (the network replaced by the predictor's conditionals, no prompt, no
classifier-free guidance).

* The ``L`` positions are cut into ``L/B`` blocks of length ``B`` (``assert gen_length %
  block_length == 0``), decoded left to right with ``S/(L/B)`` steps each (``assert steps %
  num_blocks == 0``).
* :func:`transfer_counts` (``get_num_transfer_tokens``): the ``B`` masked tokens of a block
  are spread over its steps, ``B // steps`` each, the remainder one more on the first steps
  (10 tokens in 4 steps: 3, 3, 2, 2).
* Each step draws a token at every masked position by Gumbel-max on ``exp(logits)`` at
  temperature ``T``: ``argmax_v p(v) / E_v^T`` with ``E_v ~ Exp(1)``, i.e. a draw from
  ``p^{1/T}`` normalised; ``T = 0`` is the argmax (``torch.argmax``: lowest value on ties).
* ``remasking='low_confidence'``: confidence = the *untempered* probability ``p̂(y_j | x_R)``
  of the drawn token; ``torch.topk`` keeps the ``k`` most confident masked positions of the
  current block (later blocks have confidence ``-inf``). ``remasking='random'``: ``k``
  uniformly random masked positions of the block.

Exact ties between confidences are broken uniformly (``ties="uniform"``) or to the lowest
index (``ties="lowest"``); ``torch.topk``'s order on exact ties is implementation-defined.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..schedules import DecodingRule
from .steplaw import (
    check_block,
    law_for,
    StepEngine,
    check_ties,
    check_work,
    draw_then_pick,
    pick_then_draw,
    run_chain,
    top_k_choices,
    uniform_choices,
)

REMASK = ("low_confidence", "random")


def transfer_counts(masked: int, steps: int) -> tuple[int, ...]:
    """``get_num_transfer_tokens``: ``masked // steps`` per step, the remainder on the first steps."""
    base, rem = divmod(masked, steps)
    return tuple(base + 1 if i < rem else base for i in range(steps))


@dataclass(frozen=True)
class LLaDA(DecodingRule):
    """``llada:steps=S,block=B,T=t,remask=low_confidence|random`` on ``L`` positions."""

    L: int
    steps: int
    block: int
    T: Fraction = Fraction(0)
    remask: str = "low_confidence"
    ties: str = "uniform"

    def __post_init__(self):
        L, S, B = self.L, self.steps, self.block
        if not (isinstance(S, int) and S >= 1):
            raise ValueError(f"llada: steps must be a positive integer, got {S!r}")
        check_block("llada", L, B, "LLaDA asserts gen_length % block_length == 0")
        if S % (L // B):
            raise ValueError(
                f"llada: steps={S} is not a multiple of the {L // B} blocks (LLaDA asserts steps % num_blocks == 0); "
                f"use steps={(S // (L // B) + 1) * (L // B)}"
            )
        if self.remask not in REMASK:
            raise ValueError(f"llada: remask must be low_confidence or random, got {self.remask!r}")
        if Fraction(self.T) < 0:
            raise ValueError(f"llada: T must be >= 0, got {self.T}")
        check_ties(self.ties)

    @property
    def steps_per_block(self) -> int:
        return self.steps // (self.L // self.block)

    def law(self, p, predictor=None):
        law = law_for("llada", self.L, p)
        B, spb = self.block, self.steps_per_block
        counts = transfer_counts(B, spb)
        check_work("llada", law.L, law.V, min(self.steps, law.L))
        eng = StepEngine(law, predictor, self.T, self.ties)
        V = law.V

        def step(state, i):
            b, k = i // spb, counts[i % spb]
            cands = [j for j in range(b * B, (b + 1) * B) if state[j] == V]
            if k == 0:
                yield state, i + 1, eng.one
                return
            rows = {j: eng.row(state, j) for j in cands}
            draws = {j: eng.draws(eng.tempered(rows[j])) for j in cands}
            if self.remask == "random":
                children = pick_then_draw(state, uniform_choices(cands, k, eng.one), draws)
            else:
                children = draw_then_pick(
                    state, draws, lambda j, v: rows[j][v],
                    lambda scores: top_k_choices(scores, k, self.ties, eng.exact, eng.one),
                )
            for child, pr in children:
                yield child, i + 1, pr

        return run_chain(law.L, V, eng.exact, step)
