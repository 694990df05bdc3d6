"""ParallelBench (Kang et al., arXiv 2510.04767): the parallel-decoding lower bounds (docs/theory.md §5).

Statements as read (secondary: from issue 21's restatement). ``X`` is the prompt; exactdlm's laws
are unconditional (the empty prompt), so ``C(Y | X) = TC``. A model decodes the positions in a
fixed ordered partition ``S = (S_1, ..., S_T)``, drawing the tokens of a block independently from
its one-site conditionals given the revealed tokens (the masked sampler of docs/theory.md §2 with
the positions forced). *"KL" is read as the KL of that sampler's output law for the partition*,
``KL(p ‖ q̂_S)`` (the partition is deterministic, so this is also the expected KL for it):

* **PB-1** one step: ``KL(p ‖ ∏_i q̂_i) >= C(Y) = Σ_i H(Y_i) - H(Y) = TC`` for every model.
* **PB-T** ``T`` steps: ``KL(p ‖ q̂_S) >= L_T(S) = Σ_i E C(S_i | X, S_<i)``, the expected conditional
  total correlation of each block given the earlier ones. For the exact conditionals both are
  equalities (chain rule, (E5)); a model pays ``L_T(S)`` plus its learning error (E6), since the
  product of the exact marginals is the best product approximation of a block.
* **PB-mono** ``L*_T = min_S L_T(S)`` over ordered partitions into ``T`` blocks is non-increasing in
  ``T`` (splitting a block ``A`` into ``a`` and ``A∖a`` lowers the cost by
  ``Σ_{j∈A∖a} I(X_j; X_a | X_R) >= 0``).

How they are checked (sampled on the suite's lattice laws, every value exact): ``KL`` from the
output law of the partition (the sampler DP, ``sampler.pattern_law``), independent of ``L_T``,
which comes from subset entropies. ``L*_T`` is the minimum over every ordered partition (laws with
``L <= 4``): each ``L_T(S)`` is an integer combination of the ``2^L`` subset entropies; candidates are
pruned with certified 64-bit enclosures and the survivors compared exactly.

For every law (docs/theory.md §8a): with the exact conditionals both sides of PB-1 and PB-T are
linear in the subset entropies — ``KL(p ‖ q̂_S)`` by the mask chain of the fixed partition
(``EntropicLaw.expected_kl``), ``TC`` and ``L_T(S)`` from their definitions — so on the entropic
symbolic law (the Shannon stage, :mod:`.shannon_decided`) the equalities are decided as identities
of forms at every length the forms fit (PB-1 to ``L = 256``, the one block past ``L = 24`` by (E1);
PB-T's shuffled partitions to ``L = 16``). The learned-model inequalities need the law's
conditionals and stay on the suite's laws. PB-mono compares *minima* over partitions, which are not
linear in the entropies; it is decided through the linear split inequalities that imply it
(:func:`_pb_mono_symbolic`), to ``L = MONO_MAX_L``.
"""

from __future__ import annotations

import math
import random
from fractions import Fraction
from functools import lru_cache

import numpy as np

from . import Check, Claim, Provenance, register_catalogue

PAPER = "Kang et al. (ParallelBench), arXiv 2510.04767"
#: lattice laws with at most this many outcomes also get a learned predictor
LEARNED_MAX_CELLS = 16
#: L*_T by enumerating every ordered partition up to this length
MONO_MAX_L = 4
PREDICTOR = "mix_uniform(1/4)"


def _learned():
    from ..engine.predictors import mix_uniform

    return mix_uniform(Fraction(1, 4))


@lru_cache(maxsize=64)
def ordered_partitions(L: int) -> tuple:
    """Every ordered partition of ``range(L)`` into non-empty blocks (Fubini number many)."""
    out = []

    def rec(rest, acc):
        if not rest:
            out.append(tuple(acc))
            return
        rest_list = sorted(rest)
        n = len(rest_list)
        for m in range(1, 1 << n):
            block = tuple(rest_list[i] for i in range(n) if m >> i & 1)
            rec(rest - set(block), acc + [block])

    rec(set(range(L)), [])
    return tuple(out)


def cost_vector(partition, L: int) -> np.ndarray:
    """``L_T(S)`` as integer coefficients over the subset entropies ``H(X_A)`` (bitmask ``A``):
    ``Σ_k [Σ_{j∈S_k} (H(R∪j) - H(R)) - (H(R∪S_k) - H(R))]``, ``R`` the earlier blocks."""
    v = np.zeros(1 << L, dtype=np.int64)
    R = 0
    for block in partition:
        S = 0
        for j in block:
            v[R | 1 << j] += 1
            v[R] -= 1
            S |= 1 << j
        v[R | S] -= 1
        v[R] += 1
        R |= S
    return v


def combine(vec, H):
    """``Σ_A vec[A] H(A)`` for exact ``H`` (LogForms)."""
    from ..arith import LogForm

    total = LogForm()
    for A in np.flatnonzero(vec):
        total = total + H[A] * int(vec[A])
    return total


def lt_value(law_H, partition, L: int):
    return combine(cost_vector(partition, L), law_H)


def lt_symbolic(law, partition, L: int):
    """``L_T(S)`` on the entropic symbolic law: :func:`cost_vector` as one form (``EntropicLaw``)."""
    vec = cost_vector(partition, L)
    return law.entropy_combination({frozenset(j for j in range(L) if A >> j & 1): int(vec[A])
                                    for A in np.flatnonzero(vec)})


def _reference_partitions(L: int, sizes) -> list:
    """Two ordered partitions with these sizes: left to right, and a seeded shuffle of the positions."""
    out = []
    for order in (list(range(L)), random.Random(hash(tuple(sizes)) % 1000).sample(range(L), L)):
        t, blocks = 0, []
        for s in sizes:
            blocks.append(tuple(sorted(order[t:t + s])))
            t += s
        if tuple(blocks) not in out:
            out.append(tuple(blocks))
    return out


#: structured laws with at most this many outcomes are written out densely for these checks
DENSE_MAX_CELLS = 81


def dense_law(ctx):
    """The case's law as an exact :class:`JointLaw` (lattice laws; small exact structured laws written
    out), or None (the profile cone, float or large laws)."""
    if getattr(ctx, "symbolic", False):
        return None
    if ctx.lattice:
        return ctx.law.base if ctx.law.base.exact else None
    if not getattr(ctx.law, "exact", False) or ctx.V**ctx.L > DENSE_MAX_CELLS or not hasattr(ctx.law, "to_joint"):
        return None
    cache = ctx.__dict__.setdefault("_dense_law", {})
    if "law" not in cache:
        try:
            law = ctx.law.to_joint()
        except (ValueError, TypeError):
            law = None
        cache["law"] = law if law is not None and law.exact else None
    return cache["law"]


def _subset_H(ctx, p):
    if ctx.lattice:
        return ctx.subset_H
    from ..engine.info import subset_entropies

    return subset_entropies(p)


def _ok(ctx) -> bool:
    return dense_law(ctx) is not None


def _symbolic(ctx) -> bool:
    """The case is a symbolic context (every law of length ``L`` at once): the entropic law of the
    Shannon stage decides the exact-conditional comparisons, which are entropy-linear; the profile
    cone's context raises ``NotInFragment`` on the subset entropies they read."""
    return getattr(ctx, "symbolic", False)


def _kl_symbolic(ctx, partition):
    """``KL(p || q_S)`` for the exact conditionals on the symbolic law: the mask chain of the fixed
    ordered partition (``EntropicLaw.expected_kl``), independent of ``L_T``'s cost vector. One block
    past the mask chain's reach (``L > MASK_CHAIN_MAX_L``) is the one-step fixed size ``(L,)``, (E1)."""
    from ..schedules.chains import Partition

    if len(partition) == 1 and ctx.L > MASK_CHAIN_MAX_L:
        return ctx.law.expected_kl((ctx.L,))
    return ctx.law.expected_kl(Partition(partition, ctx.L))


#: the symbolic law's mask chain of a fixed partition lists its masks up to this length
MASK_CHAIN_MAX_L = 24


def _kl_of(p, partition, predictor=None):
    """``KL(p || q_S)`` from the output law of the partition (the sampler DP in ``Fraction``s: on these
    small laws faster than the multimodular engine, and the reference twin of ``pattern_law``)."""
    from ..engine import sampler
    from ..engine.divergence import kl
    from ..schedules.chains import Partition

    return kl(p, sampler._run(p, Partition(partition, p.L), predictor, "fraction"))


#: PB-1's output laws: laws with at most this many outcomes
PB1_MAX_CELLS = 64
#: PB-mono: laws with at most this many outcomes (and L <= MONO_MAX_L)
MONO_MAX_CELLS = 81


def _pb1(ctx):
    if _symbolic(ctx):
        tc = ctx.tc_def  # Σ_i H(X_i) - H(X) from the subset entropies (the cone raises here)
        part = (tuple(range(ctx.L)),)
        yield Check(_kl_symbolic(ctx, part), tc, "eq", (ctx.L,),
                    "exact conditionals: KL(p || prod_i p_i) = C(Y) = TC")
        return
    if not _ok(ctx) or ctx.V**ctx.L > PB1_MAX_CELLS:
        return
    p, sizes = dense_law(ctx), (ctx.L,)
    part = (tuple(range(ctx.L)),)
    from ..engine.info import total_correlation

    tc = total_correlation(p)  # from the marginals, not from g
    yield Check(_kl_of(p, part), tc, "eq", sizes, "exact conditionals: KL(p || prod_i p_i) = C(Y) = TC")
    if ctx.V**ctx.L <= LEARNED_MAX_CELLS:
        yield Check(_kl_of(p, part, _learned()), tc, "ge", sizes,
                    f"model {PREDICTOR}: KL(p || prod_i q_i) >= C(Y)", note={"predictor": PREDICTOR})


#: PB-T's output laws: laws with at most this many outcomes
PBT_MAX_CELLS = 81


def pbt_schedules(L: int) -> list:
    """Balanced sizes with ``K = 2`` and ``K = 3`` (those with ``K <= L``)."""
    from ..schedules import theorem_rules as rules

    return [rules.balanced(L, K) for K in (2, 3) if K <= L]


def _pbT(ctx):
    if _symbolic(ctx):
        _ = ctx.subset_H  # the profile cone's context raises here (it has no subset entropies)
        L = ctx.L
        for sizes in pbt_schedules(L):
            part = _reference_partitions(L, sizes)[-1]
            yield Check(_kl_symbolic(ctx, part), lt_symbolic(ctx.law, part, L), "eq", sizes,
                        "exact conditionals: KL(p || q_S) = L_T(S)", note={"partition": [list(b) for b in part]})
        return
    if not _ok(ctx) or ctx.V**ctx.L > PBT_MAX_CELLS:
        return
    p, L = dense_law(ctx), ctx.L
    H = _subset_H(ctx, p)
    for sizes in pbt_schedules(L):
        part = _reference_partitions(L, sizes)[-1]
        LT = lt_value(H, part, L)
        note = {"partition": [list(b) for b in part]}
        yield Check(_kl_of(p, part), LT, "eq", sizes, "exact conditionals: KL(p || q_S) = L_T(S)", note=note)
        if ctx.V**L <= LEARNED_MAX_CELLS:
            yield Check(_kl_of(p, part, _learned()), LT, "ge", sizes, f"model {PREDICTOR}: KL(p || q_S) >= L_T(S)",
                        note={**note, "predictor": PREDICTOR})


def _bounds64(H):
    """Numerators of certified 64-bit enclosures of every ``H(A)`` over ``2^64`` (Python ints)."""
    lo, hi = [], []
    for h in H:
        a, b = h.bounds(64)
        lo.append(math.floor(a * (1 << 64)))
        hi.append(math.ceil(b * (1 << 64)))
    return lo, hi


def optimal_costs(H, L: int) -> dict:
    """``{T: (L*_T exact, a minimising partition)}`` over every ordered partition (``L <= MONO_MAX_L``)."""
    from ..arith import compare_sides

    parts = ordered_partitions(L)
    vecs = np.stack([cost_vector(P, L) for P in parts])
    lo, hi = _bounds64(H)
    lo, hi = np.array(lo, dtype=object), np.array(hi, dtype=object)
    pos, neg = np.maximum(vecs, 0).astype(object), np.minimum(vecs, 0).astype(object)
    low = pos @ lo + neg @ hi  # certified lower bound of each L_T(S), times 2^64
    up = pos @ hi + neg @ lo
    out = {}
    Ts = np.array([len(P) for P in parts])
    for T in range(1, L + 1):
        idx = np.flatnonzero(Ts == T)
        best_up = min(up[i] for i in idx)
        cand = [i for i in idx if low[i] <= best_up]
        best, best_val = cand[0], combine(vecs[cand[0]], H)
        for i in cand[1:]:
            if not np.any(vecs[i] != vecs[best]):
                continue
            val = combine(vecs[i], H)
            if compare_sides(val, best_val, "le").outcome == "holds" and \
                    compare_sides(val, best_val, "eq").outcome != "holds":
                best, best_val = i, val
        out[T] = (best_val, parts[best])
    return out


def split_first(partition):
    """``S`` with its first block of two or more positions ``A`` split into ``(min A, A∖min A)``: one
    more block, and ``L_T(S) - L_{T+1}(split) = Σ_{j∈A∖a} I(X_j; X_a | X_R) >= 0`` (``R`` the earlier
    blocks), a Shannon inequality."""
    for k, A in enumerate(partition):
        if len(A) > 1:
            return partition[:k] + ((A[0],), A[1:]) + partition[k + 1:]
    raise ValueError("split_first: every block is a single position (T = L)")


def _pb_mono_symbolic(ctx):
    """PB-mono for every law: the minima are not linear in the entropies, but the claim follows from
    linear statements for every ordered partition ``S`` into ``T < L`` blocks,
    ``L_{T+1}(split_first(S)) <= L_T(S)`` (then ``L*_{T+1} <= L_{T+1}(split(S*)) <= L*_T``), with
    ``L*_1 = L_1((all,)) = TC`` and ``L_L(S) = 0`` for every ``S`` into ``L`` blocks: each an identity
    or inequality of forms on the entropic law, under the same label as the law's comparison of
    minima. To ``L = MONO_MAX_L`` (every ordered partition listed, as on the laws)."""
    _ = ctx.subset_H  # the profile cone's context raises here
    L = ctx.L
    if L > MONO_MAX_L:
        from ..structured.cone import NotInFragment

        raise NotInFragment(f"PB-mono lists every ordered partition (done to L={MONO_MAX_L})")
    if L < 2:
        return
    for T in range(1, L):
        for S in (P for P in ordered_partitions(L) if len(P) == T):
            S2 = split_first(S)
            yield Check(lt_symbolic(ctx.law, S2, L), lt_symbolic(ctx.law, S, L), "le", None, f"L*_{T + 1} <= L*_{T}",
                        note={"T": T, "S": [list(x) for x in S], "split": [list(x) for x in S2]})
    yield Check(lt_symbolic(ctx.law, (tuple(range(L)),), L), ctx.tc_def, "eq", None, "L*_1 = TC", rated=False)
    for S in (P for P in ordered_partitions(L) if len(P) == L):
        yield Check(lt_symbolic(ctx.law, S, L), 0, "eq", None, "L*_L = 0 (one token per step)", rated=False,
                    note={"S": [list(x) for x in S]})


def _pb_mono(ctx):
    if _symbolic(ctx):
        yield from _pb_mono_symbolic(ctx)
        return
    if not 2 <= ctx.L <= MONO_MAX_L or ctx.V**ctx.L > MONO_MAX_CELLS or not _ok(ctx):
        return
    p = dense_law(ctx)
    opt = optimal_costs(_subset_H(ctx, p), ctx.L)
    for T in range(1, ctx.L):
        (a, Pa), (b, Pb) = opt[T + 1], opt[T]
        yield Check(a, b, "le", None, f"L*_{T + 1} <= L*_{T}",
                    note={"T": T, "argmin_T+1": [list(x) for x in Pa], "argmin_T": [list(x) for x in Pb]})
    from ..engine.info import total_correlation

    yield Check(opt[1][0], total_correlation(p), "eq", None, "L*_1 = TC", rated=False)
    yield Check(opt[ctx.L][0], 0, "eq", None, "L*_L = 0 (one token per step)", rated=False)


register_catalogue(Claim(
    id="PB-1", source="PB", provenance=Provenance(PAPER, "one-step lower bound KL >= C(Y given X)", "secondary"), kind="ge",
    statement="decoding every position in one step, any model's KL is at least the conditional total correlation "
              "C(Y|X) = Σ_i H(Y_i|X) - H(Y|X) (X the prompt, empty here: C = TC); equality for the exact conditionals",
    formula="KL(p || prod_i q_i) >= C(Y|X) = TC  (= for q_i = p_i)",
    hypotheses=f"every lattice law of the suite with V^L <= {PB1_MAX_CELLS} and the entropic symbolic law (exact conditionals), "
               f"the one-step schedule; the exact conditionals (equality) and, when V^L <= {LEARNED_MAX_CELLS}, the model {PREDICTOR}",
    quantifier="named schedule family", case_checks=_pb1))

register_catalogue(Claim(
    id="PB-T", source="PB", provenance=Provenance(PAPER, "T-step lower bound KL >= L_T", "secondary"), kind="ge",
    statement="decoding an ordered partition S = (S_1..S_T), any model's KL is at least L_T = Σ_i E C(S_i | X, S_<i); "
              "KL read as the KL of the sampler's output law for that partition; equality for the exact conditionals",
    formula="KL(p || q_S) >= L_T(S) = Σ_i E_x C(S_i | x_{S_<i})  (= for the exact conditionals)",
    hypotheses=f"lattice laws of the suite with V^L <= {PBT_MAX_CELLS} and the entropic symbolic law (exact conditionals): balanced sizes with K = 2 and 3, a seeded "
               "shuffle of the positions cut into those blocks; exact conditionals and, when V^L <= "
               f"{LEARNED_MAX_CELLS}, the model {PREDICTOR}",
    quantifier="named schedule family", case_checks=_pbT))

register_catalogue(Claim(
    id="PB-mono", source="PB", provenance=Provenance(PAPER, "L*_T non-increasing in T", "secondary"), kind="le",
    statement="the least T-step lower bound L*_T = min over ordered partitions into T blocks of L_T is non-increasing "
              "in T (L*_1 = TC, L*_L = 0)",
    formula="L*_{T+1} <= L*_T,  L*_T = min_{|S| = T} Σ_i E C(S_i | S_<i)",
    hypotheses=f"exact lattice laws of the suite with 2 <= L <= {MONO_MAX_L} and V^L <= {MONO_MAX_CELLS}: every ordered partition enumerated, the "
               "minimum certified (64-bit enclosures, then exact comparisons); the entropic symbolic law with "
               f"2 <= L <= {MONO_MAX_L}: for every ordered partition, its first block split, L_(T+1)(split) <= L_T(S) "
               "(which implies the claim), L_1 = TC, L_L = 0",
    quantifier="named schedule family", case_checks=_pb_mono))
