"""Fast-dLLM's two other Dream decoders, exactly as their code decides (docs/theory.md §2a).

``dream/eval.py`` runs ``generation_utils_block`` with the KV cache (the ``fastdllm:...,model=dream``
preset) and ``dream/model/generation_utils.py`` without it. The network is replaced by the
predictor's conditionals, no prompt; ``sample_tokens`` draws at temperature ``T`` after
``top_p``/``top_k`` (:func:`~exactdlm.adaptive.dream.truncate`) and its confidence is the drawn
token's probability under that law (``T = 0``: the max probability, the argmax drawn).

* ``fastdllm_dream:rule=threshold,steps=S,threshold=τ`` — ``generation_utils.py: _sample`` with
  ``alg='confidence_threshold'`` (no blocks): ``L % S == 0`` (asserted), ``n = L/S`` tokens are
  planned per step; a step takes the ``n + left`` most confident masked positions (``torch.topk``),
  keeps the first and every other one with confidence ``>= τ``, and carries the dropped count
  ``left`` to the next step; on the last step a drop adds a step (``steps += 1``, ``n = 0``), so
  the loop ends exactly when every position is revealed.
* ``fastdllm_dream:rule=entropy,steps=S,block=B[,alg_temp=a]`` — ``generation_utils_block.py:
  _sample`` without a threshold: blocks of ``B`` left to right, ``S/(L/B) >= 2`` steps each
  (asserted divisible); each block first decodes its first position outright, then on steps
  ``i = 1 .. S_b - 1`` of ``torch.linspace(1, eps, S_b + 1)`` (the FMA kernel,
  :func:`~exactdlm.adaptive.dream.timesteps`) reveals ``int(m·(1 − s/t))`` (float32; all left on
  the last) of its ``m`` masked positions, always scored by negative entropy (whatever ``alg``
  says), by ``torch.topk`` or, with ``alg_temp > 0``, drawn from ``softmax(score/alg_temp)``.
  With ``S_b = 1`` the code breaks out before filling the block and returns masks: refused.

Exact ties between positions: uniform (``ties="uniform"``) or lowest index (``"lowest"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import factorial

import numpy as np

from ..schedules import DecodingRule
from .core import neg_entropy
from .dream import DEFAULT_EPS, seen_and_draws, timesteps
from .steplaw import (
    MAX_TEMPERATURE,
    StepEngine,
    check_number,
    check_block,
    check_ties,
    check_work,
    draw_then_pick,
    law_for,
    pick_then_draw,
    run_chain,
    softmax_choices,
    threshold_choices,
    top_k_choices,
)

RULES = ("threshold", "entropy")


def block_counts(B: int, steps_per_block: int, eps=DEFAULT_EPS) -> tuple[int, ...]:
    """Tokens revealed on steps ``i = 1 .. S_b - 1`` of a block after its first position."""
    ts = timesteps(steps_per_block, eps)
    f = np.float32
    m, out = B - 1, []
    for i in range(1, steps_per_block):
        k = int(f(m) * f(f(1.0) - f(ts[i + 1] / ts[i]))) if i < steps_per_block - 1 else m
        out.append(k)
        m -= k
    return tuple(out)


@dataclass(frozen=True)
class FastDLLMDream(DecodingRule):
    """``fastdllm_dream:rule=threshold|entropy,steps=S[,threshold=τ,block=B,T=t,alg_temp=a,top_p=p,top_k=k]``."""

    L: int
    steps: int
    rule: str = "threshold"
    threshold: Fraction = Fraction(9, 10)
    block: int = 0  # rule=entropy: 0 means L
    T: Fraction = Fraction(0)
    alg_temp: Fraction = Fraction(0)
    top_p: Fraction = Fraction(1)
    top_k: int = 0
    ties: str = "uniform"

    def __post_init__(self):
        L, S = self.L, self.steps
        if not (isinstance(S, int) and S >= 1):
            raise ValueError(f"fastdllm_dream: steps must be a positive integer, got {S!r}")
        if self.rule not in RULES:
            raise ValueError(f"fastdllm_dream: rule must be threshold or entropy, got {self.rule!r}")
        if self.rule == "threshold":
            if L % S:
                raise ValueError(f"fastdllm_dream: L={L} is not a multiple of steps={S} (the code asserts "
                                 "mask_index.sum() % steps == 0)")
            if self.alg_temp != 0:
                raise ValueError("fastdllm_dream: alg_temp applies to rule=entropy; drop it")
        else:
            B = self.block or L
            check_block("fastdllm_dream", L, B, "the code asserts gen_length % block_length == 0")
            if S % (L // B):
                raise ValueError(f"fastdllm_dream: steps={S} is not a multiple of the {L // B} blocks (asserted)")
            if S // (L // B) < 2 and B > 1:
                raise ValueError(f"fastdllm_dream: {S // (L // B)} step per block leaves the block's masks in the "
                                 "output (the code breaks at i == steps_per_block before filling it); use at least 2")
        if not 0 <= Fraction(self.threshold) <= 1:
            raise ValueError(f"fastdllm_dream: threshold must lie in [0, 1], got {self.threshold}")
        for key in ("T", "alg_temp"):
            check_number("fastdllm_dream", key, getattr(self, key), 0, MAX_TEMPERATURE)
        if not 0 < Fraction(self.top_p) <= 1 or not (isinstance(self.top_k, int) and self.top_k >= 0):
            raise ValueError(f"fastdllm_dream: top_p must lie in (0, 1] and top_k be an integer >= 0, got "
                             f"{self.top_p}, {self.top_k!r}")
        check_ties(self.ties)

    def law(self, p, predictor=None):
        from ..laws.budget import check_time
        from .entropy_sum import SECONDS_PER_EXPANSION

        law = law_for("fastdllm_dream", self.L, p)
        L, V = law.L, law.V
        soft = self.alg_temp > 0
        factor = factorial(L) if soft else 1
        check_work("fastdllm_dream", L, V, 2 * L, factor)
        check_time(2 * L * (2 * V + 1) ** L * factor * SECONDS_PER_EXPANSION, f"fastdllm_dream on L={L}, V={V}",
                   "use a smaller L or V")
        eng = StepEngine(law, predictor, self.T, self.ties, float_only=soft)

        def rows_of(state, cands):
            return seen_and_draws(eng, state, cands, self.top_p, self.top_k)

        if self.rule == "threshold":
            return run_chain(L, V, eng.exact, self._threshold_step(eng, rows_of), start_aux=(0, L // self.steps, 0, self.steps))
        return run_chain(L, V, eng.exact, self._entropy_step(eng, rows_of, soft), start_aux=(0, 0))

    def _threshold_step(self, eng, rows_of):
        V, L = eng.V, eng.L
        tau = Fraction(self.threshold) if eng.exact else float(self.threshold)

        def pick_for(current):
            def pick(scores):
                out = []
                for cand, pc in top_k_choices(scores, current, self.ties, eng.exact, eng.one):
                    sub = {j: scores[j] for j in cand}
                    out += [(kept, pc * pk) for kept, pk in threshold_choices(sub, tau, self.ties, eng.exact, eng.one)]
                return out
            return pick

        def step(state, aux):
            i, n, left, steps = aux
            masked = [j for j in range(L) if state[j] == V]
            seen, draws = rows_of(state, masked)
            current = n + left
            for child, pr in draw_then_pick(state, draws, lambda j, v: seen[j][v], pick_for(current)):
                dropped = current - sum(1 for j in masked if child[j] != V)
                if dropped and i == steps - 1:
                    nxt = (i + 1, 0, dropped, steps + 1)
                else:
                    nxt = (i + 1, n, dropped, steps)
                yield child, nxt, pr

        return step

    def _entropy_step(self, eng, rows_of, soft: bool):
        V, L = eng.V, eng.L
        B = self.block or L
        spb = self.steps // (L // B)
        counts = block_counts(B, spb)

        def step(state, aux):
            b, i = aux
            cands = [j for j in range(b * B, (b + 1) * B) if state[j] == V]
            seen, draws = rows_of(state, cands)
            if i == 0:  # the block's first position, decoded outright
                first = b * B
                children = pick_then_draw(state, [(frozenset([first]), eng.one)], {first: draws[first]})
            elif counts[i - 1] == 0:
                children = [(state, eng.one)]
            else:
                k = counts[i - 1]
                scores = {j: neg_entropy(seen[j], eng.exact) for j in cands}
                sets = (softmax_choices(scores, k, float(self.alg_temp)) if soft
                        else top_k_choices(scores, k, self.ties, eng.exact, eng.one))
                children = pick_then_draw(state, sets, draws)
            for child, pr in children:
                full = all(child[j] != V for j in range(b * B, (b + 1) * B))
                yield child, ((b + 1, 0) if full else (b, i + 1)), pr

        return step
