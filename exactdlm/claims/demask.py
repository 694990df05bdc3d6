"""DEMASK (arXiv 2604.02560): the sub-additivity assumption on pairwise dependence (docs/theory.md §5).

Statement as read (secondary: the paper's text was not available; issue 21 restates it as "a
total-variation bound under a sub-additivity assumption on pairwise dependence"). The reading
implemented: decoding a block ``S`` in parallel replaces the joint ``p_S`` by the product of its
marginals, and the assumption is that the block's dependence is sub-additive over its pairs,

    TV(p_S, ⊗_{j∈S} p_j) <= Σ_{i<j∈S} TV(p_{ij}, p_i ⊗ p_j),

under which the bound controls the parallel-decoding error by pairwise dependence alone.
**DEMASK-sub** checks the assumption itself, exactly, on every lattice law of the suite with ``S``
all positions: it fails on parity laws, where every pair is independent (right side 0) while the
block is not (``TV = 1 - 1/V``): there the bound says the parallel error is 0 and the true error is
``1 - 1/V`` (1/2 for bits, at every ``L >= 3``). The verdict ``violated`` is the exhibit.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import numpy as np

from . import Check, Claim, Provenance, register_catalogue

PAPER = "DEMASK, arXiv 2604.02560"
MAX_CELLS = 729


def _marginal(a: np.ndarray, keep) -> np.ndarray:
    return a.sum(axis=tuple(i for i in range(a.ndim) if i not in keep)) if len(keep) < a.ndim else a


def _tv_to_product(joint: np.ndarray) -> Fraction:
    """``TV(joint, ⊗ marginals)`` exactly (object arrays of Fractions)."""
    n = joint.ndim
    prod = np.ones((1,) * 0, dtype=object)
    for j in range(n):
        m = _marginal(joint, (j,))
        prod = np.multiply.outer(prod, m) if prod.ndim else m
    return sum((abs(x - y) for x, y in zip(joint.reshape(-1), prod.reshape(-1))), Fraction(0)) / 2


def block_and_pairs(a: np.ndarray):
    """``(TV of the whole block to its product, Σ over pairs of the pair TVs)``."""
    L = a.ndim
    block = _tv_to_product(a)
    pairs = sum((_tv_to_product(_marginal(a, (i, j))) for i, j in combinations(range(L), 2)), Fraction(0))
    return block, pairs


def _demask(ctx):
    if not ctx.lattice or getattr(ctx, "symbolic", False) or not ctx.exact or ctx.L < 3 or \
            ctx.V**ctx.L > MAX_CELLS:
        return
    block, pairs = block_and_pairs(ctx.law.base.array)
    yield Check(block, pairs, "le", None, "TV(p, ⊗ p_j) <= Σ_{i<j} TV(p_ij, p_i ⊗ p_j)",
                figures={"largest TV(p, ⊗p_j) with every pair independent": ("max", float(block) if pairs == 0 else 0.0)})


register_catalogue(Claim(
    id="DEMASK-sub", source="DEMASK", provenance=Provenance(PAPER, "sub-additivity assumption (as read)", "secondary"),
    kind="le",
    statement="the dependence of a block is sub-additive over its pairs: TV(p_S, ⊗ p_j) <= Σ_{i<j} TV(p_ij, p_i ⊗ p_j) "
              "(the assumption under which DEMASK's TV bound holds; parity laws break it)",
    formula="TV(p_S, ⊗_{j∈S} p_j) <= Σ_{i<j∈S} TV(p_{ij}, p_i ⊗ p_j),  S = all positions",
    hypotheses=f"every exact lattice law of the suite with L >= 3 and V^L <= {MAX_CELLS}",
    quantifier="each law and schedule", case_checks=_demask))
