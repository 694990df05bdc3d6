"""Shared pieces of the catalogue: the papers, provenance shorthands, witnesses, the definitional Ī."""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import numpy as np

from ..arith import LogForm
from . import Provenance

PAPERS = {
    "LC": "Li & Cai, arXiv 2505.21400 (NeurIPS 2025)",
    "ZC": "Zhao & Cai, arXiv 2602.20126",
    "CCL": "Chen, Cong & Li, arXiv 2511.04647 (COLT 2026)",
    "LZ": "Lavenant & Zanella, arXiv 2510.25544",
    "WLL": "Wen, Liang & Lu, arXiv 2608.25505",
    "THEORY": "exactdlm docs/theory.md",
}


def prov(key: str, theorem: str, kind: str) -> Provenance:
    return Provenance(paper=PAPERS[key], theorem=theorem, kind=kind)


def log(r, coef=1) -> LogForm:
    return LogForm.log(r, coef)


def smallest_prime_at_least(n: int) -> int:
    q = max(2, n)
    while any(q % d == 0 for d in range(2, int(q**0.5) + 1)):
        q += 1
    return q


#: Reed–Solomon witnesses up to this length are built on the lattice (``families.mds_code``);
#: longer ones come from ``exactdlm.structured.mds_code`` (closed forms, exact LogForms)
LATTICE_MDS_L = 5


@lru_cache(maxsize=256)
def mds_law(L: int, k: int, q: int):
    """The uniform law on the Reed–Solomon code ``[L, k]_q``, built once (lattice or structured)."""
    if L <= LATTICE_MDS_L:
        from ..laws.families import mds_code

        return mds_code(L, k, q)
    from ..structured import mds_code

    return mds_code(L, k, q)


@lru_cache(maxsize=256)
def mds_profile(L: int, k: int, q: int):
    """Its entropy profile ``g`` as exact LogForms."""
    law = mds_law(L, k, q)
    if L <= LATTICE_MDS_L:
        from ..engine.info import entropy_profile

        return entropy_profile(law)
    return law.entropy_profile(exact=True)


def ibar_definition(subset_H: np.ndarray, L: int, exact: bool) -> np.ndarray:
    """``Ī(t)`` straight from its definition: mean over ``i`` and ``t``-subsets ``T`` of
    ``[L] \\ {i}`` of ``I(X_i; X_T) = H(X_i) + H(X_T) - H(X_{T ∪ i})`` (docs/theory.md §3)."""
    out = np.empty(L, dtype=object)
    for t in range(L):
        coef: dict[int, int] = {}
        n = 0
        for i in range(L):
            others = [j for j in range(L) if j != i]
            for T in combinations(others, t):
                mT = sum(1 << j for j in T)
                for m, c in ((1 << i, 1), (mT, 1), (mT | 1 << i, -1)):
                    coef[m] = coef.get(m, 0) + c
                n += 1
        total = LogForm() if exact else 0.0
        for m, c in coef.items():
            if c:
                total = total + subset_H[m] * c
        out[t] = total / n
    return out
