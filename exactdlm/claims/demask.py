"""DEMASK (arXiv 2604.02560): the sub-additivity assumption on pairwise dependence (docs/theory.md §5).

Statement as read (secondary: the paper's text was not available; issue 21 restates it as "a
total-variation bound under a sub-additivity assumption on pairwise dependence"). The reading
implemented: decoding a block ``S`` in parallel replaces the joint ``p_S`` by the product of its
marginals, and the assumption is that the block's dependence is sub-additive over its pairs,

    TV(p_S, ⊗_{j∈S} p_j) <= Σ_{i<j∈S} TV(p_{ij}, p_i ⊗ p_j),

under which the bound controls the parallel-decoding error by pairwise dependence alone.
**DEMASK-sub** exhibits, exactly, where the assumption fails (a witness claim): on parity laws
every pair is independent (right side 0) while the block is not (``TV = 1 - 1/V``), so there the
bound says the parallel error is 0 and the true error is ``1 - 1/V`` (1/2 for bits, at every
``L >= 3``). The assumption itself, as a claim on every law, is the false variant
``fv-DEMASK-assumption`` (tests/data/false_variants.py), refuted by parity.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

import numpy as np

from . import Check, Claim, Provenance, register_catalogue

PAPER = "DEMASK, arXiv 2604.02560"


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


#: parity witnesses: L = 3..WITNESS_MAX_L bits, and L = 3, 4 over V = 3
WITNESS_MAX_L = 8


def _demask_fails(suite):
    from ..laws.families import parity

    checks = []
    for L, V in [(L, 2) for L in range(3, WITNESS_MAX_L + 1)] + [(3, 3), (4, 3)]:
        law = parity(L, V)
        block, pairs = block_and_pairs(law.array)
        note = {"L": L, "V": V}
        checks.append(Check(pairs, 0, "eq", None, f"parity L={L}, V={V}: every pair independent (Σ pair TVs = 0)",
                            law=law, note=note, rated=False))
        checks.append(Check(block, 1 - Fraction(1, V), "eq", None,
                            f"parity L={L}, V={V}: TV(p, ⊗ p_j) = 1 - 1/V > 0 = the sub-additive bound", law=law,
                            note=note))
    return checks, {}


register_catalogue(Claim(
    id="DEMASK-sub", source="DEMASK", provenance=Provenance(PAPER, "sub-additivity assumption (as read)", "secondary"),
    kind="eq", global_kind="exact",
    statement="DEMASK's sub-additivity assumption TV(p_S, ⊗ p_j) <= Σ_{i<j} TV(p_ij, p_i ⊗ p_j) fails: on parity laws "
              "every pair is independent (right side 0) while TV(p, ⊗ p_j) = 1 - 1/V, so the bound resting on it says 0 "
              "where the parallel error is 1 - 1/V",
    formula="parity on [V]^L:  Σ_{i<j} TV(p_ij, p_i ⊗ p_j) = 0,  TV(p, ⊗_j p_j) = 1 - 1/V",
    hypotheses=f"parity laws, L = 3..{WITNESS_MAX_L} over V = 2 and L = 3, 4 over V = 3, S = all positions (exact)",
    quantifier="exists", global_checks=_demask_fails))
