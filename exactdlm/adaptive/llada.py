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

import math
from dataclasses import dataclass
from fractions import Fraction

from ..schedules import DecodingRule
from .steplaw import (
    MAX_TEMPERATURE,
    check_block,
    check_count,
    check_number,
    law_for,
    StepEngine,
    check_ties,
    as_float,
    bounded_power,
    check_work,
    count_text,
    draw_then_pick,
    draw_width,
    exact_guess,
    layer_states,
    op_growth,
    path_bits,
    pick_then_draw,
    run_chain,
    top_k_choices,
    uniform_choices,
)

REMASK = ("low_confidence", "random")


#: seconds per entry of :func:`transfer_counts` (a tuple of ``steps`` small ints)
COUNT_SECONDS = 5e-8


def transfer_counts(masked: int, steps: int) -> tuple[int, ...]:
    """``get_num_transfer_tokens``: ``masked // steps`` per step, the remainder on the first steps.

    The tuple has ``steps`` entries: refused before it is built when that is over the time or
    memory cap (``laws.budget``)."""
    from ..laws.budget import check_time
    from ..laws.joint import check_fits

    what = f"llada: the transfer counts of {count_text(steps)} steps"
    check_time(COUNT_SECONDS * as_float(steps), what, "use fewer steps")
    check_fits(8 * steps, what)
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
        L, S, B = check_count("llada", "L", self.L), check_count("llada", "steps", self.steps), self.block
        check_block("llada", L, B, "LLaDA asserts gen_length % block_length == 0")
        if S % (L // B):
            raise ValueError(
                f"llada: steps={S} is not a multiple of the {L // B} blocks (LLaDA asserts steps % num_blocks == 0); "
                f"use steps={(S // (L // B) + 1) * (L // B)}"
            )
        if self.remask not in REMASK:
            raise ValueError(f"llada: remask must be low_confidence or random, got {self.remask!r}")
        check_number("llada", "T", self.T, 0, MAX_TEMPERATURE)
        check_ties(self.ties)

    @property
    def steps_per_block(self) -> int:
        return self.steps // (self.L // self.block)

    def work(self, law, predictor=None) -> float:
        """Refuse when the chain's estimated time or memory is over the caps (``steplaw.check_work``).

        Counted from the real steps without listing them: per block, the steps that reveal
        (``k >= 1``; at most ``B``) one by one, the idle ones (``k = 0``: the state is carried
        over) together; the last block's idle steps cost nothing (every state is then
        revealed, the chain has ended). A revealing step costs, per state with ``c`` masked in
        the block, ``c`` rows of ``V`` and ``d^c`` draws scored and ranked
        (``remask=random``: ``C(c, k) d^k`` children), ``d`` the draws per position (1 at
        ``T = 0``). Returns the estimated seconds.
        """
        L, V, B, spb = law.L, law.V, self.block, self.steps_per_block
        d = draw_width(V, self.T)
        rand = self.remask == "random"
        exact = exact_guess(law, predictor, self.T)
        base, rem = divmod(B, spb)
        active = spb if base else rem
        ops = peak = 0.0
        for b in range(L // B):
            before = bounded_power(V, b * B) if d > 1 else (bounded_power(2, b * B) if rand else 1.0)
            picks = "random" if rand else "drawn"
            c = B
            for s in range(active):
                k = base + 1 if s < rem else base
                states = before * layer_states(B, V, c, d, picks)
                if rand:
                    per = c * V + math.comb(c, k) * bounded_power(d, k) * (k + 2)
                else:
                    per = c * V + bounded_power(d, c) * (3 * c + 3 + 1.5 * c * math.log2(c + 1))
                ops, peak, c = ops + states * per, max(peak, states), c - k
            if b < L // B - 1:  # after the last block fills, the chain has ended
                ops += as_float(spb - active) * before * layer_states(B, V, 0, d, picks) * 2
        growth = op_growth(path_bits(law, self.T) / 2) if exact else 1.0
        return check_work("llada", L, V, self.steps, ops=ops * growth, states=peak, exact=exact,
                          detail=f"blocks of {B}, {count_text(spb)} steps each")

    def law(self, p, predictor=None):
        law = law_for("llada", self.L, p)
        B, spb = self.block, self.steps_per_block
        self.work(law, predictor)
        base, rem = divmod(B, spb)  # transfer_counts(B, spb)[s], without listing the steps
        eng = StepEngine(law, predictor, self.T, self.ties)
        V = law.V

        def step(state, i):
            b, s = divmod(i, spb)
            k = base + 1 if s < rem else base
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

        ran = self.steps - (spb - (spb if base else rem))  # the last block's idle steps never run
        return run_chain(law.L, V, eng.exact, step, rounds=ran)
