"""Semi-autoregressive blocks: the blockwise chain rule of EKL and its TC bound (docs/theory.md §8a).

LLaDA and Fast-dLLM decode block by block: the positions are split into contiguous blocks
``B_1, ..., B_m`` filled left to right, each by its own sub-schedule with uniformly random
positions inside the block (``schedules.SemiAR``). With ``F_b = B_1 ∪ ... ∪ B_{b-1}`` and the
conditional profile ``g_b(t) = E_T H(X_{F_b ∪ T}) - H(X_{F_b})`` (``T`` a uniform ``t``-subset of
``B_b``), each block pays the conditional form of (E3):

    EKL(SemiAR) = Σ_b [ TC(X_{B_b} | X_{F_b}) - Σ_k s_{b,k} Ī_b(t_{b,k-1}) ],
    TC(X_{B_b} | X_{F_b}) = n_b g_b(1) - g_b(n_b),   Ī_b(t) = g_b(1) + g_b(t) - g_b(t+1);

and since ``Ī_b >= 0`` and ``Σ_b TC(X_{B_b} | X_{F_b}) <= TC``, ``EKL(SemiAR) <= TC``.

``SAR`` checks the identity, ``SAR-TC`` the bound, for two equal blocks (``L`` even) and four
(``4 | L``, ``L <= 64``), one or two steps per block. On lattice laws the left side is the
sampler's own mask chain (``engine.sampler``) and the right side averages the subset entropies;
on the entropic symbolic law both are exact forms in the orbit coordinates of the blocks, so
the Shannon scan decides them for every law to ``L = 256`` (two blocks) and ``L = 64`` (four).
"""

from __future__ import annotations

from itertools import combinations

from ..engine.info import SubsetEntropies
from ..engine.sampler import expected_kl
from ..schedules import SemiAR, balanced, cumulative
from . import Check, Claim, register_catalogue
from .common import prov

#: four-block schedules up to this length
FOUR_BLOCKS_MAX_L = 64
HYP = ("lattice laws and the entropic symbolic law; SemiAR with 2 equal blocks (L even) and 4 equal blocks "
       f"(4 | L, L <= {FOUR_BLOCKS_MAX_L}), 1 and 2 steps per block")


def sar_schedules(L: int):
    """``(block lengths, steps per block)`` the semi-AR claims use at length ``L``."""
    out = []
    for m in (2, 4):
        if L % m or L < m or (m == 4 and L > FOUR_BLOCKS_MAX_L):
            continue
        for K in (1, 2):
            if K <= L // m:
                out.append(((L // m,) * m, K))
    return out


def _mean_entropy(law, H, fixed, pool, t):
    """``E_T H(X_{fixed ∪ T})`` over uniform ``t``-subsets of ``pool``: the law's own (symbolic law)
    or the average of the subset entropies (lattice laws)."""
    own = getattr(type(law), "mean_entropy", None)
    if own is not None:
        return law.mean_entropy(fixed, pool, t)
    subs = list(combinations(sorted(pool), t))
    total = None
    for T in subs:
        h = H(frozenset(fixed) | frozenset(T))
        total = h if total is None else total + h
    return total / len(subs)


def blockwise_rhs(law, blocks, K):
    """``Σ_b [TC(X_{B_b} | X_{F_b}) - Σ_k s_{b,k} Ī_b(t_{b,k-1})]`` (module docstring)."""
    H = SubsetEntropies(law)
    total = 0
    prefix = frozenset()
    off = 0
    for n in blocks:
        block = frozenset(range(off, off + n))
        base = _mean_entropy(law, H, prefix, block, 0) if prefix else 0
        g = [0] + [_mean_entropy(law, H, prefix, block, t) - base for t in range(1, n + 1)]
        tc = g[1] * n - g[n]
        sizes = balanced(n, min(K, n))
        rhs = tc
        for t, s in zip(cumulative(sizes), sizes):
            ibar = g[1] + g[t] - g[t + 1] if t else 0
            if t:
                rhs = rhs - ibar * int(s)
        total = total + rhs
        prefix |= block
        off += n
    return total


def _usable(ctx) -> bool:
    return ctx.lattice or getattr(ctx, "symbolic", False)


def _sar(ctx):
    if not _usable(ctx):
        return
    for blocks, K in sar_schedules(ctx.L):
        sched = SemiAR(list(blocks), K)
        yield Check(expected_kl(ctx.law, sched), blockwise_rhs(ctx.law, blocks, K), "eq", None,
                    f"SemiAR {len(blocks)} blocks, {K} step(s) each: EKL = sum of blockwise conditional (E3)",
                    note={"blocks": list(blocks), "steps": K})


def _sar_tc(ctx):
    if not _usable(ctx):
        return
    for blocks, K in sar_schedules(ctx.L):
        sched = SemiAR(list(blocks), K)
        yield Check(expected_kl(ctx.law, sched), ctx.tc, "le", None,
                    f"SemiAR {len(blocks)} blocks, {K} step(s) each: EKL <= TC",
                    note={"blocks": list(blocks), "steps": K})


register_catalogue(Claim(
    id="SAR", source="derived", provenance=prov("THEORY", "SAR", "derived"), kind="eq",
    statement="semi-AR blocks: EKL is the sum over blocks of the block's conditional (E3) given the earlier blocks",
    formula="EKL(SemiAR) = sum_b [TC(X_b | X_<b) - sum_k s_bk Ī_b(t_b,k-1)]",
    hypotheses=HYP, case_checks=_sar))

register_catalogue(Claim(
    id="SAR-TC", source="derived", provenance=prov("THEORY", "SAR-TC", "derived"), kind="le",
    statement="semi-AR blocks never cost more than one step: EKL(SemiAR) <= TC",
    formula="EKL(SemiAR) <= TC",
    hypotheses=HYP, case_checks=_sar_tc))

__all__ = ["blockwise_rhs", "sar_schedules"]
