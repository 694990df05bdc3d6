"""The EB-sampler and the Cai–Li entropy-sum rule as presets (docs/theory.md §2a).

``eb:gamma=γ[,T=t,block=B]`` — the EB-sampler of Ben-Hamu et al. (arXiv 2505.24857) on the
*masked* process. The acceptance test is ported from diffusers
``src/diffusers/schedulers/scheduling_entropy_bound.py`` (``EntropyBoundScheduler.step``):

* the logits are divided by the temperature once, and both the token draws and the entropies
  read that tempered law (``T = 0``, which diffusers cannot take: the argmax is drawn and the
  entropies are those of the untempered law, as Dream scores at ``T = 0``);
* ``torch.sort`` of the entropies ascending, ``cumsum - sorted <= γ`` accepts rank ``k`` exactly
  when ``sum_{j<k} H_(j) <= γ`` (nats; ``Categorical.entropy``), so at least one position per step;
* here only masked positions of the current block (blocks of ``B`` left to right, ``B = L`` by
  default) are candidates; accepted positions keep their drawn token, the others stay masked.

Ties between equal entropies straddling the cut are broken uniformly (``ties="uniform"``) or to
the lowest index (``"lowest"``): ``torch.sort`` (not stable) decides them in the real code.

*The uniform-noise variant* (diffusers' own use, DiffusionGemma): there is no mask; every
position always holds a token, rejected positions are renoised to a uniform random token, all
positions are scored every step, and the temperature is annealed from ``t_max`` to ``t_min``
over ``num_inference_steps`` (a fixed step budget, no stopping rule). Its exact law needs a
chain on all of ``[V]^L`` (no monotone revealed set: a position accepted once can be rejected
and renoised later), a predictor that conditions on noisy tokens rather than on masks (which an
exact joint law does not define: one would have to posit the denoiser ``p(x_0 | x_t)`` of a
uniform forward process) and the step index in the state; it is not modelled.

``caili:eps=ε[,order=random|entropy,T=t]`` — the rule of Cai & Li (arXiv 2603.22248), read from
the abstract (the full text was not at hand; provenance *secondary*). Assumptions where the text
is silent: entropies in nats of the predictor's rows at the start of the iteration (tokens of one
iteration are drawn in parallel, the entropies are not updated within it); the token that makes
the running sum exceed ``ε`` is revealed (it was unmasked before the sum was checked); the order
is a fresh uniformly random order of the masked positions (``order=random``, the random-subset
setting of Li & Cai's earlier analysis) or ascending entropy (``order=entropy``, where the rule
*is* ``eb:gamma=ε``); temperature ``T = 1`` by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..schedules import DecodingRule
from .entropy_sum import ORDERS, accepted_sets, check_entropy_sum_work, entropy
from .steplaw import (
    MAX_TEMPERATURE, StepEngine, check_block, check_number, check_ties, law_for, pick_then_draw, run_chain,
)


def _check_threshold(name: str, key: str, value) -> None:
    """An entropy budget in nats: ``>= 0`` and at most ``MAX_TEMPERATURE`` (beyond ``L log V`` every
    budget accepts everything; the bound keeps its float finite)."""
    if Fraction(value) < 0:
        raise ValueError(f"{name}: {key} must be >= 0 (an entropy budget in nats), got {value}")
    check_number(name, key, value, 0, MAX_TEMPERATURE)


def _entropy_sum_law(rule, name: str, p, predictor, thr, order: str, block: int):
    law = law_for(name, rule.L, p)
    L, V = law.L, law.V
    check_entropy_sum_work(name, L, V, order)
    eng = StepEngine(law, predictor, rule.T, rule.ties)
    thr = Fraction(thr) if eng.exact else float(thr)

    def step(state, aux):
        b = next(j for j in range(L) if state[j] == V) // block
        cands = [j for j in range(b * block, (b + 1) * block) if state[j] == V]
        rows = {j: eng.row(state, j) for j in cands}
        temp = {j: eng.tempered(rows[j]) for j in cands}
        seen = temp if eng.T > 0 else rows
        ents = {j: entropy(seen[j], eng.exact) for j in cands}
        draws = {j: eng.draws(temp[j]) for j in cands}
        sets = accepted_sets(ents, thr, order, rule.ties, eng.exact, eng.one)
        for child, pr in pick_then_draw(state, sets, draws):
            yield child, aux, pr

    return run_chain(L, V, eng.exact, step)


@dataclass(frozen=True)
class EB(DecodingRule):
    """``eb:gamma=γ[,T=t,block=B]`` on ``L`` positions (see the module docstring)."""

    L: int
    gamma: Fraction
    T: Fraction = Fraction(1)
    block: int = 0  # 0: the whole sequence (the parser passes L)
    ties: str = "uniform"

    def __post_init__(self):
        _check_threshold("eb", "gamma", self.gamma)
        check_number("eb", "T", self.T, 0, MAX_TEMPERATURE)
        check_block("eb", self.L, self.block or self.L, "blocks must tile the sequence")
        check_ties(self.ties)

    def law(self, p, predictor=None):
        return _entropy_sum_law(self, "eb", p, predictor, self.gamma, "entropy", self.block or self.L)


@dataclass(frozen=True)
class CaiLi(DecodingRule):
    """``caili:eps=ε[,order=random|entropy,T=t]`` on ``L`` positions (see the module docstring)."""

    L: int
    eps: Fraction
    order: str = "random"
    T: Fraction = Fraction(1)
    ties: str = "uniform"

    def __post_init__(self):
        _check_threshold("caili", "eps", self.eps)
        if self.order not in ORDERS:
            raise ValueError(f"caili: order must be random or entropy, got {self.order!r}")
        check_number("caili", "T", self.T, 0, MAX_TEMPERATURE)
        check_ties(self.ties)

    def law(self, p, predictor=None):
        return _entropy_sum_law(self, "caili", p, predictor, self.eps, self.order, self.L)
