"""Random remasking with the production samplers' step counts, as value-independent schedules
for Markov ground truths at real sizes (issue 22; docs/theory.md §3, "Markov ground truths").

With ``remasking='random'`` the positions a step reveals never depend on the tokens, so the
sampler is a random-order schedule that the structured Markov engines run at L = 1024:

* ``llada``: LLaDA's ``get_num_transfer_tokens`` per block (``adaptive.llada.transfer_counts``);
  ``block = L`` gives fixed sizes, a shorter block a :class:`~exactdlm.schedules.SemiAR`;
* ``dream``: Dream's counts ``int(m (1 - s/t))`` in float32 (``adaptive.dream.transfer_counts``),
  positions uniform (Dream with random positions at those counts);
* ``dream_origin``: Dream's ``alg='origin'``: every masked token revealed with probability
  ``1 - s/t`` (a Bernoulli schedule);
* ``mdlm``: MDLM's per-position reveal times, log-linear noise (``adaptive.mdlm.reveal_probabilities``),
  a Bernoulli schedule with a last step revealing what is left.

:func:`sequence_ekl` gives ``E_S KL(p || q_S)``: a certified enclosure (``structured.markov_certified``)
for fixed sizes, semi-AR blocks and Bernoulli schedules to L = 1024; a float beyond.
"""

from __future__ import annotations

from ..adaptive import dream as _dream
from ..adaptive import llada as _llada
from ..adaptive import mdlm as _mdlm
from ..schedules import BernoulliReveal, SemiAR
from ..structured.markov_certified import CertifiedValue, certified_ekl, certified_ekl_bernoulli

RULES = ("llada", "dream", "dream_origin", "mdlm")


def random_order_schedule(rule: str, L: int, steps: int, block: int | None = None):
    """The schedule of ``rule`` (see :data:`RULES`) with ``steps`` steps on ``L`` positions."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; rules: {', '.join(RULES)}")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if rule == "llada":
        B = L if block is None else int(block)
        if B < 1 or L % B:
            raise ValueError(f"llada: block={B} must divide L={L} (LLaDA asserts gen_length % block_length == 0)")
        nb = L // B
        if steps % nb:
            raise ValueError(f"llada: steps={steps} is not a multiple of the {nb} blocks; use steps={(steps // nb + 1) * nb}")
        per = steps // nb
        if per > B:
            raise ValueError(f"llada: {per} steps per block exceed the block length {B}; use at most {B * nb} steps")
        counts = _llada.transfer_counts(B, per)
        if nb == 1:
            return counts
        return SemiAR([B] * nb, [counts] * nb)
    if block is not None:
        raise ValueError(f"{rule}: block applies to llada only")
    if steps > L and rule == "dream":
        raise ValueError(f"dream: steps={steps} exceed L={L}")
    if rule == "dream":
        return tuple(s for s in _dream.transfer_counts(L, steps) if s > 0)
    if rule == "dream_origin":
        probs = _dream.origin_probabilities(steps)
        return BernoulliReveal(L, list(probs[:-1]))  # the last probability is 1: the clean-up step
    return BernoulliReveal(L, list(_mdlm.reveal_probabilities(steps, "loglinear")))


def sequence_ekl(chain, schedule):
    """``E_S KL(p || q_S)`` as a :class:`CertifiedValue` (fixed sizes, semi-AR, Bernoulli at L <= 1024);
    a float for Bernoulli schedules beyond L = 1024 (``E[N_j]``, uncertified)."""
    if hasattr(schedule, "rates"):
        if chain.L > 1024:
            return float(chain.expected_kl(schedule))
        return certified_ekl_bernoulli(chain, schedule.rates)
    return certified_ekl(chain, schedule)


__all__ = ["RULES", "CertifiedValue", "random_order_schedule", "sequence_ekl"]
