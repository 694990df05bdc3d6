"""The elemental inequalities of the Shannon cone Γ_L, symmetrized over the blocks of a space
(docs/theory.md §8a).

Every Shannon inequality is a nonnegative combination of the elemental ones (Yeung, *Information
Theory and Network Coding*, §14.1):

* ``H(X_i | X_{[L] - i}) >= 0`` for each position ``i``;
* ``I(X_i; X_j | X_K) >= 0`` for ``i < j`` and ``K ⊆ [L] - {i, j}``.

In the orbit coordinates of a space with blocks ``b`` (:mod:`.space`) the average of an
elemental inequality over its orbit under the block permutations is, with ``e_k`` the unit
count vector of block ``k`` and ``N`` the whole set:

* ``h(N) - h(N - e_k) >= 0`` (``i`` in block ``k``);
* ``h(a + e_p) + h(a + e_q) - h(a) - h(a + e_p + e_q) >= 0`` (``i`` in block ``p``, ``j`` in
  block ``q``, ``p <= q``, ``K`` with counts ``a``; room for ``i`` and ``j`` outside ``K``).

A block-symmetric form is ``>= 0`` on Γ_L iff it is ``>= 0`` on the symmetric polymatroids
(average a minimizer over the group), and a symmetric vector is a polymatroid iff these rows are
``>= 0`` (each elemental inequality evaluated at a symmetric vector *is* one of them). With
every block of size one they are exactly the elemental inequalities; with one block they are
``Ī`` nondecreasing and ``H̄ >= Ī(L-1)``, the profile cone's rays (docs/theory.md §8).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .space import Space


@lru_cache(maxsize=32)
def elemental_rows(sp: Space):
    """``(rows, cols, vals, kinds)``: the sparse rows (one per inequality, coefficients on the
    orbit coordinates, column 0 = ``h(∅)`` included and always zero) and each row's
    ``(type, p, q, a_index)`` (``type`` 0: conditional entropy of block ``p``; 1: mutual information)."""
    B = len(sp.blocks)
    C = sp.all_counts()
    radix = np.array(sp.radix, dtype=np.int64)
    idx = np.arange(sp.size, dtype=np.int64)
    hr, hc, hv, kinds = [], [], [], []
    rows, cols, vals = [], [], []
    r = 0
    top = sp.top
    for k in range(B):
        hr += [r, r]
        hc += [top, top - sp.radix[k]]
        hv += [1, -1]
        kinds.append((0, k, k, top - sp.radix[k]))
        r += 1
    blocks = np.array(sp.blocks, dtype=np.int64)
    for p in range(B):
        for q in range(p, B):
            need = np.zeros(B, dtype=np.int64)
            need[p] += 1
            need[q] += 1
            a = idx[np.all(C + need <= blocks, axis=1)]
            n = len(a)
            if not n:
                continue
            ep, eq = radix[p], radix[q]
            rows.append(np.repeat(r + np.arange(n), 4))
            cols.append(np.stack([a + ep, a + eq, a, a + ep + eq], axis=1).reshape(-1))
            vals.append(np.tile(np.array([1, 1, -1, -1]), n))
            kinds.extend((1, p, q, int(x)) for x in a)
            r += n
    R = np.concatenate([np.array(hr, dtype=np.int64)] + rows)
    Cc = np.concatenate([np.array(hc, dtype=np.int64)] + cols)
    V = np.concatenate([np.array(hv, dtype=np.int64)] + vals)
    return R, Cc, V, kinds


def matrix(sp: Space):
    """The elemental rows as a CSR matrix over the coordinates ``1..size-1`` (``h(∅) = 0`` dropped)."""
    from scipy.sparse import csr_matrix

    R, C, V, kinds = elemental_rows(sp)
    keep = C != 0
    return csr_matrix((V[keep], (R[keep], C[keep] - 1)), shape=(len(kinds), sp.size - 1)), kinds


def row_terms(sp: Space, kind) -> dict:
    """``{index: coefficient}`` of one elemental row (``h(∅)`` dropped)."""
    t, p, q, a = kind
    if t == 0:
        out = {sp.top: 1}
        if a:
            out[a] = out.get(a, 0) - 1
        return out
    ep, eq = sp.radix[p], sp.radix[q]
    out: dict = {}
    for i, c in ((a + ep, 1), (a + eq, 1), (a, -1), (a + ep + eq, -1)):
        if i:
            out[i] = out.get(i, 0) + c
    return {i: c for i, c in out.items() if c}


def row_name(sp: Space, kind) -> str:
    """The inequality a row stands for, in the notation of information theory."""
    t, p, q, a = kind
    if sp.full:
        if t == 0:
            rest = [j for j in range(sp.L) if j != p]
            return f"H(X_{p} | {_vars(rest)}) >= 0" if rest else f"H(X_{p}) >= 0"
        K = [j for j, x in enumerate(sp.counts(a)) if x]
        return f"I(X_{p}; X_{q}" + (f" | {_vars(K)}" if K else "") + ") >= 0"
    def blk(k):
        o = sp.offsets[k]
        return f"B{k + 1}=[{o}..{o + sp.blocks[k] - 1}]"

    if t == 0:
        return f"H(X_i | X_rest) >= 0, i in {blk(p)} (averaged over the block)"
    counts = ",".join(str(x) for x in sp.counts(a))
    return f"I(X_i; X_j | X_K) >= 0, i in {blk(p)}, j in {blk(q)}, K with block counts ({counts}) (orbit average)"


def _vars(S) -> str:
    return ",".join(f"X_{j}" for j in S)


__all__ = ["elemental_rows", "matrix", "row_name", "row_terms"]
