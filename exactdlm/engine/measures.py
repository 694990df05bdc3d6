"""Information measures of subsets of positions, conditioned on others (docs/theory.md §3).

One function per measure, one signature style (dit's ``rvs``/``crvs``): a *variable* is a
position or a group of positions, ``rvs`` a list of variables (``None``: every position on
its own), ``crvs`` the positions conditioned on. With ``C = X_crvs``:

* ``entropy(p, rvs, crvs)``             ``H(X_rvs | C) = H(X_{rvs u crvs}) - H(C)``;
* ``mutual_information(p, a, b, crvs)`` ``I(X_a; X_b | C) = H(a|C) + H(b|C) - H(a u b|C)``;
* ``total_correlation(p, rvs, crvs)``   ``sum_i H(X_i | C) - H(X_rvs | C)``;
* ``dual_total_correlation(p, rvs, crvs)`` ``H(X_rvs | C) - sum_i H(X_i | X_{rvs - i}, C)``;
* ``coinformation(p, rvs_list, crvs)``  ``I(X_1; ...; X_k | C) = -sum_{∅≠S⊆[k]} (-1)^|S| H(X_S | C)``
  (``I(X_1; X_2 | C)`` for ``k = 2``);
* ``o_information(p, rvs, crvs)``       ``Ω = TC - DTC`` (Rosas et al. 2019).

Without ``rvs``/``crvs`` each is the whole-law measure (a structured law then computes it
through its symmetry). Natural logs; ``base=2`` for bits. Rational laws give exact values
(:class:`~exactdlm.arith.LogForm`, in bits a LogForm with ``base=2``), float laws floats.
Each needed ``H(X_S)`` comes from one marginal (:class:`~exactdlm.engine.info.SubsetEntropies`),
so no lattice is built.
"""

from __future__ import annotations

from itertools import combinations

from ..laws.budget import check_time
from .cost import measure_seconds
from .info import SubsetEntropies, _given, _sum, _to_base, _union, dual_total_correlation, joint_entropy, \
    total_correlation


def entropy(p, rvs=None, crvs=(), base=None):
    """``H(X_rvs | X_crvs)``; ``entropy(p)`` is the joint entropy ``H(X)``."""
    if rvs is None and not _given(crvs):
        return joint_entropy(p, base=base)
    H = SubsetEntropies(p)
    A = H.positions(range(H.law.L) if rvs is None else rvs, "rvs")
    return _to_base(H.cond(A, H.positions(crvs, "crvs")), base)


def mutual_information(p, rvs_a, rvs_b, crvs=(), base=None):
    """``I(X_a; X_b | X_crvs)`` for position sets ``rvs_a``, ``rvs_b``."""
    H = SubsetEntropies(p)
    A, B, C = H.positions(rvs_a, "rvs_a"), H.positions(rvs_b, "rvs_b"), H.positions(crvs, "crvs")
    if not A or not B:
        raise ValueError("mutual_information needs two non-empty sets of positions rvs_a and rvs_b")
    return _to_base(H.cond(A, C) + H.cond(B, C) - H.cond(A | B, C), base)


def coinformation(p, rvs_list, crvs=(), base=None):
    """``I(X_1; ...; X_k | X_crvs) = -sum_{S} (-1)^|S| H(X_S | C)`` over the non-empty
    subsets ``S`` of the ``k`` variables of ``rvs_list`` (inclusion–exclusion)."""
    H = SubsetEntropies(p)
    vs, C = H.variables(rvs_list, "rvs_list"), H.positions(crvs, "crvs")
    _check_subsets(H, len(vs), len(_union(vs)) / 2 + len(C), "coinformation (inclusion-exclusion)")
    terms = []
    for k in range(1, len(vs) + 1):
        sign = 1 if k % 2 else -1
        for sub in combinations(vs, k):
            h = H.cond(_union(sub), C)
            terms.append(h if sign > 0 else -h)
    return _to_base(_sum(terms), base)


def _check_subsets(H, k: int, positions: float, what: str) -> None:
    """Refuse ``2^k - 1`` subset entropies over the time cap (``engine.cost.measure_seconds``)
    before the first marginal; at most ``2^L`` distinct subsets exist (they are cached)."""
    law = H.law
    subsets = min(2**k - 1, 2**law.L) if k < 4096 else 2**law.L
    secs, detail = measure_seconds(law.L, law.V, law.exact, subsets, positions)
    check_time(secs, f"{what} over {k} variables ({detail})", "use fewer variables (group positions)")


def o_information(p, rvs=None, crvs=(), base=None):
    """``Ω(rvs | crvs) = TC(rvs | crvs) - DTC(rvs | crvs)``: positive when redundancy dominates,
    negative when synergy does."""
    tc = total_correlation(p, rvs, crvs)
    dtc = dual_total_correlation(p, rvs, crvs)
    return _to_base(tc - dtc, base)


__all__ = ["coinformation", "dual_total_correlation", "entropy", "mutual_information", "o_information",
           "total_correlation"]
