"""Information measures of a law on ``[V]^L`` (docs/theory.md §3), in nats.

* ``subset_entropies``: ``H(X_A)`` for every ``A ⊆ [L]`` (index = bitmask, bit j <-> position j);
* ``entropy_profile``: ``g(t) = mean_{|A|=t} H(X_A)``, ``t = 0..L``;
* ``info_curve``: ``Ī(t) = H̄ + g(t) - g(t+1)``, ``t = 0..L-1`` (docs/theory.md §3);
* ``total_correlation`` ``= sum_i H(X_i) - H(X) = L g(1) - g(L)``;
  ``dual_total_correlation`` ``= sum_i H(X_{-i}) - (L-1) H(X) = L g(L-1) - (L-1) g(L)``;
  ``mi_sum = TC + DTC = L Ī(L-1)``; ``joint_entropy = H(X) = g(L)``. These four need only the
  ``L+1`` marginals ``X_i`` / ``X_{-i}`` of the array (``O(L V^L)``, no lattice), so they also
  work where the lattice does not fit (L = 20, V = 2);
* ``conditional_tc``: ``sum_{j in S} H(X_j | x_R) - H(X_S | x_R)`` at one context ``x_R``.

``total_correlation`` and ``dual_total_correlation`` also take variables ``rvs`` (each a
position or a group of positions; ``None``: every position) and a condition ``crvs``
(positions), as dit does: ``TC(rvs | crvs) = sum_i H(X_i | C) - H(X_rvs | C)``,
``DTC(rvs | crvs) = H(X_rvs | C) - sum_i H(X_i | X_{rvs - i}, C)``; those go through
:class:`SubsetEntropies` (one marginal per subset needed). ``base=2`` gives bits, exact
(a LogForm with ``base=2``) for rational laws.

Float laws go through one numba pass over the masked lattice. Exact (rational) laws give
:class:`~exactdlm.arith.LogForm` values, exact linear forms in logs of rationals. Structured
laws (``exactdlm.structured``) supply their own ``entropy_profile()``, which every function
here uses in place of the lattice.
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import comb

import numpy as np

from . import _kernels
from ..arith import LogForm
from ..arith.logform import check_base
from .lattice import embed, integer_lattice
from .rounding import clamp_nonnegative
from ..laws import as_law
from ..laws.joint import JointLaw, check_fits, lattice_bytes


def _structured(p):
    return hasattr(p, "entropy_profile") and not isinstance(p, np.ndarray)


def _own_method(p, name):
    """A structured law's own method ``name`` (more accurate and faster than the generic path).

    Only methods its class defines count: a wrapper that forwards attributes (such as the
    claims' exact view of a structured law) keeps the generic path through its own profile.
    """
    return getattr(p, name, None) if _structured(p) and hasattr(type(p), name) else None


def _to_base(values, base):
    """Values in nats as values in ``base``: exact forms stay exact (``LogForm.in_base``)."""
    b = check_base(base)
    if b is None:
        return values
    scale = 1.0 / math.log(b)

    def one(v):
        return v.in_base(b) if isinstance(v, LogForm) else float(v) * scale

    if isinstance(values, np.ndarray):
        flat = [one(v) for v in values.reshape(-1)]
        out = np.empty(len(flat), dtype=object if flat and isinstance(flat[0], LogForm) else float)
        out[:] = flat
        return out.reshape(values.shape)
    return one(values)


def _count_entropy(nlogn: dict, W: int, k: int) -> LogForm:
    """``(1/k) sum`` of ``k`` entropies of count vectors with total ``W`` each, given
    ``nlogn = {n: sum of n over the entries equal to n}`` (entries 0 and 1 add nothing):
    ``H = log W - (1/W) sum_x n_x log n_x``, so the mean is ``log W - (1/(k W)) sum n log n``."""
    form = LogForm()
    form._add_term(Fraction(W), Fraction(1))
    for n, c in nlogn.items():
        form._add_term(Fraction(n), Fraction(-c, k * W))
    return form


def _count_vector_entropy(counts, W: int) -> LogForm:
    """Entropy of one count vector with total ``W`` (``p = n / W``)."""
    d: dict = {}
    for n in counts:
        n = int(n)
        if n > 1:
            d[n] = d.get(n, 0) + n
    return _count_entropy(d, W, 1)


def _revealed_masks(L: int, V: int):
    """For every lattice state: its revealed bitmask (int64 array, flat C order)."""
    B = V + 1
    masks = np.zeros(B**L, dtype=np.int64)
    digits = np.indices((B,) * L).reshape(L, -1)
    for j in range(L):
        masks |= (digits[j] < V).astype(np.int64) << j
    return masks


def _float_subset_entropies(law) -> np.ndarray:
    """Every ``H(X_A)`` of a float law: one write of each lattice state (``lattice_entropies``)."""
    L, V = law.L, law.V
    check_fits(lattice_bytes(L, V, copies=1), f"the masked lattice (V+1)^L with L={L}, V={V}")
    H = _kernels.lattice_entropies(embed(law.array, V), L, V)
    H[0] = 0.0  # H of no variables; the kernel gives -1 log 1 up to rounding
    return H


def subset_entropies(p, base=None) -> np.ndarray:
    """``H(X_A)`` for all ``2^L`` subsets, indexed by bitmask. Object array of LogForm if exact."""
    law = as_law(p)
    L, V = law.L, law.V
    if not law.exact:
        return _to_base(_float_subset_entropies(law), base)
    N, W = integer_lattice(law)
    sums = [dict() for _ in range(1 << L)]
    for n, mask in zip(N, _revealed_masks(L, V).tolist()):
        if n > 1:
            d = sums[mask]
            d[n] = d.get(n, 0) + n
    out = np.empty(1 << L, dtype=object)
    out[:] = [_count_entropy(d, W, 1) for d in sums]
    return _to_base(out, base)


def entropy_profile(p, base=None) -> np.ndarray:
    """``g(t)``, ``t = 0..L``: mean joint entropy of a uniformly random ``t``-subset."""
    if _structured(p):
        return _to_base(p.entropy_profile(), base)
    law = as_law(p)
    L, V = law.L, law.V
    if not law.exact:
        H = _float_subset_entropies(law)
        pops = np.array([bin(k).count("1") for k in range(1 << L)])
        g = np.array([H[pops == t].mean() for t in range(L + 1)])
        g[0] = 0.0
        return _to_base(g, base)
    N, W = integer_lattice(law)
    pops = np.array([bin(k).count("1") for k in range(1 << L)])[_revealed_masks(L, V)]
    sums = [dict() for _ in range(L + 1)]
    for n, t in zip(N, pops.tolist()):
        if n > 1:
            d = sums[t]
            d[n] = d.get(n, 0) + n
    g = np.empty(L + 1, dtype=object)
    g[:] = [_count_entropy(sums[t], W, comb(L, t)) for t in range(L + 1)]
    return _to_base(g, base)


def _curve_from_profile(g: np.ndarray) -> np.ndarray:
    L = len(g) - 1
    hbar = g[1]
    out = np.empty(L, dtype=g.dtype)
    for t in range(L):
        out[t] = hbar + g[t] - g[t + 1]
    if out.dtype != object:
        out[0] = 0.0
        for t in range(1, L):  # Ī >= 0 exactly: clamp values negative only by rounding
            out[t] = clamp_nonnegative(float(out[t]), hbar + g[t + 1], L)
    return out


def info_curve(p, base=None) -> np.ndarray:
    """``Ī(t)``, ``t = 0..L-1``: mean ``I(X_i; X_T)`` over ``i`` and ``t``-subsets ``T`` not holding ``i``."""
    if _own_method(p, "info_curve"):
        return _to_base(p.info_curve(), base)
    return _to_base(_curve_from_profile(entropy_profile(p)), base)


def _single_entropies(law):
    """``[H(X_i)]_i`` from the one-site marginals."""
    if law.exact:
        n, W = law.as_counts()
        V, L = law.V, law.L
        return [_count_vector_entropy(n.reshape(V**i, V, -1).sum(axis=(0, 2)), W) for i in range(L)]
    return [_entropy_of(m, False) for m in _kernels.site_marginals(law.array.reshape(-1), law.L, law.V)]


def _leave_one_out_entropies(law):
    """``[H(X_{-i})]_i`` from the ``L`` marginals that drop one position."""
    if law.L == 1:
        return [LogForm() if law.exact else 0.0]
    if not law.exact:
        return [float(h) for h in _kernels.leave_one_out_entropies(law.array.reshape(-1), law.L, law.V)]
    n, W = law.as_counts()
    V, L = law.V, law.L
    return [_count_vector_entropy(n.reshape(V**i, V, -1).sum(axis=1).reshape(-1), W) for i in range(L)]


def _sum(values):
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def _combine(plus, H, k):
    """``sum(plus) - k H``; for floats correctly rounded (``math.fsum``, ``k H`` as ``k`` terms)."""
    if isinstance(H, float):
        return math.fsum(list(plus) + [-H] * k)
    return _sum(plus) - H * k


def total_correlation(p, rvs=None, crvs=(), base=None):
    """``TC = sum_i H(X_i) - H(X)`` (``= L g(1) - g(L)``), from ``L+1`` marginals, no lattice.

    With ``rvs`` (variables: positions or groups of positions) or ``crvs`` (positions):
    ``TC(rvs | crvs) = sum_i H(X_i | C) - H(X_rvs | C)``."""
    if rvs is not None or _given(crvs):
        H = SubsetEntropies(p)
        vs, C = H.variables(rvs, "rvs"), H.positions(crvs, "crvs")
        return _to_base(_sum([H.cond(v, C) for v in vs]) - H.cond(_union(vs), C), base)
    if _own_method(p, "total_correlation"):
        return _to_base(p.total_correlation(), base)
    if _structured(p):
        g = entropy_profile(p)
        L = len(g) - 1
        return _to_base(g[1] * L - g[L], base)
    law = as_law(p)
    return _to_base(_combine(_single_entropies(law), joint_entropy(law), 1), base)


def dual_total_correlation(p, rvs=None, crvs=(), base=None):
    """``DTC = H(X) - sum_i H(X_i | X_{-i}) = sum_i H(X_{-i}) - (L-1) H(X)`` (``= L g(L-1) - (L-1) g(L)``).

    With ``rvs``/``crvs``: ``DTC(rvs | crvs) = H(X_rvs | C) - sum_i H(X_i | X_{rvs - i}, C)``."""
    if rvs is not None or _given(crvs):
        H = SubsetEntropies(p)
        vs, C = H.variables(rvs, "rvs"), H.positions(crvs, "crvs")
        whole = _union(vs)
        rest = [H.cond(v, _union([w for j, w in enumerate(vs) if j != i]) | C) for i, v in enumerate(vs)]
        return _to_base(H.cond(whole, C) - _sum(rest), base)
    if _own_method(p, "dual_total_correlation"):
        return _to_base(p.dual_total_correlation(), base)
    if _structured(p):
        g = entropy_profile(p)
        L = len(g) - 1
        return _to_base(g[L - 1] * L - g[L] * (L - 1), base)
    law = as_law(p)
    return _to_base(_combine(_leave_one_out_entropies(law), joint_entropy(law), law.L - 1), base)


# --- subsets and conditions (rvs / crvs) ---------------------------------------------------
def _given(crvs) -> bool:
    return crvs is not None and not (hasattr(crvs, "__len__") and len(crvs) == 0)


def _union(groups) -> frozenset:
    return frozenset().union(*groups) if groups else frozenset()


#: a structured law with at most this many outcomes is expanded (exactly) for subset measures
DENSE_SUBSET_CELLS = 1 << 16


class SubsetsNeedArray(ValueError):
    """A measure of subsets or with conditions asked of a structured law too large to expand.

    The claims runner reports the case as not applicable (naming the size), not as an error."""


def densified(p):
    """A structured law as its dense array (exact for rational parameters) when ``V^L`` is at most
    :data:`DENSE_SUBSET_CELLS`; otherwise :class:`SubsetsNeedArray` naming the size."""
    L, V = int(p.L), int(p.V)
    cells = V**L
    if cells > DENSE_SUBSET_CELLS or not hasattr(p, "to_joint"):
        raise SubsetsNeedArray(
            f"measures of subsets or with conditions need the law's array, and this structured law "
            f"({getattr(p, 'family', type(p).__name__)}, L={L}, V={V}) has {V}^{L} = {cells:.3g} outcomes, over the "
            f"{DENSE_SUBSET_CELLS:,} that are expanded; call without rvs/crvs for whole-law measures, or use a "
            "shorter law")
    return p.to_joint()


class SubsetEntropies:
    """``H(X_S)`` of a law for the subsets ``S`` asked for, each from its own marginal
    (``O(V^L)`` per subset, no lattice), cached; exact LogForms for rational laws (from the
    law's integer counts), floats otherwise."""

    def __init__(self, p):
        self._cache: dict[frozenset, object] = {}
        self._symbolic = None
        if _structured(p) and not isinstance(p, JointLaw) and hasattr(type(p), "subset_entropy"):
            # the entropic symbolic law (structured/shannon): H(X_S) as exact linear forms
            self.law, self._symbolic, self._counts = p, p, None
            return
        if _structured(p) and not isinstance(p, JointLaw):
            p = densified(p)
        self.law = as_law(p)
        self._counts = self.law.as_counts() if self.law.exact else None

    def positions(self, items, what: str) -> frozenset:
        """``items`` (positions, or groups of positions) as one set of positions, checked."""
        if items is None:
            return frozenset()
        if isinstance(items, (int, np.integer)) and not isinstance(items, bool):
            items = [items]
        if isinstance(items, (str, bytes, dict)) or not hasattr(items, "__iter__"):
            raise ValueError(f"{what} must be positions (integers in 0..{self.law.L - 1}) or groups of them, "
                             f"got {items!r}")
        out = set()
        for x in items:
            out |= self._group(x, what)
        return frozenset(out)

    def variables(self, rvs, what: str) -> list[frozenset]:
        """``rvs`` as a list of variables, each a set of positions; ``None``: every position."""
        if rvs is None:
            return [frozenset([i]) for i in range(self.law.L)]
        if isinstance(rvs, (str, bytes, dict)) or not hasattr(rvs, "__iter__"):
            raise ValueError(f"{what} must be a list of positions or of groups of positions, got {rvs!r}")
        vs = [self._group(x, what) for x in rvs]
        if not vs:
            raise ValueError(f"{what} is empty; give at least one variable (a position or a group)")
        return vs

    def _group(self, x, what: str) -> frozenset:
        L = self.law.L
        xs = [x] if isinstance(x, (int, np.integer)) and not isinstance(x, bool) else x
        if isinstance(xs, (str, bytes, dict)) or not hasattr(xs, "__iter__"):
            raise ValueError(f"{what}: {x!r} is not a position (an integer in 0..{L - 1}) or a group of positions")
        out = set()
        for i in xs:
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < L:
                raise ValueError(f"{what}: {i!r} is not a position of the law; positions are integers in 0..{L - 1}")
            out.add(int(i))
        if not out:
            raise ValueError(f"{what} holds an empty group; every variable needs at least one position")
        return frozenset(out)

    def __call__(self, S) -> object:
        """``H(X_S)`` in nats."""
        S = frozenset(S)
        if S not in self._cache:
            self._cache[S] = self._entropy(S)
        return self._cache[S]

    def cond(self, A, C) -> object:
        """``H(X_A | X_C) = H(X_{A u C}) - H(X_C)``."""
        return self(frozenset(A) | frozenset(C)) - self(C)

    def _entropy(self, S: frozenset):
        if self._symbolic is not None:
            return self._symbolic.subset_entropy(S)
        law = self.law
        if not S:
            return LogForm() if law.exact else 0.0
        others = tuple(i for i in range(law.L) if i not in S)
        if law.exact:
            n, W = self._counts
            m = n.sum(axis=others) if others else n
            return _count_vector_entropy(np.asarray(m).reshape(-1), W)
        m = law.array.sum(axis=others) if others else law.array
        return _entropy_of(m.reshape(-1), False)


def mi_sum(p, base=None):
    """``sum_i I(X_i; X_{-i}) = TC + DTC = sum_i [H(X_i) + H(X_{-i})] - L H(X) = L Ī(L-1)``."""
    if _own_method(p, "mi_sum"):
        return _to_base(p.mi_sum(), base)
    if _structured(p):
        g = entropy_profile(p)
        L = len(g) - 1
        return _to_base((g[1] + g[L - 1] - g[L]) * L, base)
    law = as_law(p)
    singles, loo = _single_entropies(law), _leave_one_out_entropies(law)
    return _to_base(_combine(singles + loo, joint_entropy(law), law.L), base)


def joint_entropy(p, base=None):
    """``H(X) = g(L)``, straight from the array."""
    if _own_method(p, "joint_entropy"):
        return _to_base(p.joint_entropy(), base)
    if _structured(p):
        return _to_base(entropy_profile(p)[-1], base)
    law = as_law(p)
    if law.exact:
        n, W = law.as_counts()
        return _to_base(_count_vector_entropy(n.reshape(-1), W), base)
    return _to_base(_entropy_of(law.array.reshape(-1), False), base)


def _entropy_of(probs, exact: bool):
    if exact:
        form = LogForm()
        for x in probs:
            if x > 0:
                form._add_term(x, -x)
        return form
    return _kernels.entropy_flat(probs)


def conditional_tc(p, block, context, base=None):
    """``condTC(X_S | x_R) = sum_{j in S} H(X_j | x_R) - H(X_S | x_R)`` (docs/theory.md §3).

    ``block``: positions S; ``context``: dict position -> value for R (disjoint from S).
    At a context of probability 0 the predictor is uniform and the value is 0.
    """
    law = as_law(p)
    S = sorted(int(j) for j in block)
    ctx = {int(k): int(v) for k, v in dict(context).items()}
    if set(S) & set(ctx):
        raise ValueError(f"block {S} and context positions {sorted(ctx)} must be disjoint")
    if any(not 0 <= j < law.L for j in list(S) + list(ctx)):
        raise ValueError(f"positions must lie in 0..{law.L - 1}, got block {S} and context {sorted(ctx)}")
    if len(set(S)) != len(S):
        raise ValueError(f"block {list(block)} repeats a position; give distinct positions")
    if any(not 0 <= v < law.V for v in ctx.values()):
        raise ValueError(f"context values must lie in 0..{law.V - 1}, got {ctx}")
    a = law.array
    index = tuple(ctx.get(j, slice(None)) for j in range(law.L))
    sub = a[index]  # axes: the positions not in ctx, in order
    free = [j for j in range(law.L) if j not in ctx]
    total = sub.sum()
    if total == 0:
        return LogForm() if law.exact else 0.0
    others = tuple(free.index(j) for j in free if j not in S)
    joint = (sub.sum(axis=others) if others else sub).reshape(-1)
    joint = [x / total for x in joint] if law.exact else np.asarray(joint, dtype=float) / float(total)
    h_joint = _entropy_of(joint, law.exact)
    h_sum = LogForm() if law.exact else 0.0
    shape = (law.V,) * len(S)
    jarr = np.empty(len(joint), dtype=object if law.exact else float)
    jarr[:] = joint
    jarr = jarr.reshape(shape)
    for axis in range(len(S)):
        rest = tuple(a2 for a2 in range(len(S)) if a2 != axis)
        marg = jarr.sum(axis=rest) if rest else jarr
        h_sum = h_sum + _entropy_of(list(marg.reshape(-1)), law.exact)
    return _to_base(h_sum - h_joint, base)


def ekl_from_profile(g, sizes):
    """(E1): ``EKL = sum_k s_k (g(t_{k-1}+1) - g(t_{k-1})) - H(X)``, ``H(X) = g(L)``."""
    t, total = 0, g[0] * 0
    for s in sizes:
        total = total + (g[t + 1] - g[t]) * int(s)
        t += int(s)
    return total - g[t]


def ekl_from_curve(Ibar, sizes):
    """(E3): ``EKL = sum_k sum_{t=t_{k-1}}^{t_k-1} [Ī(t) - Ī(t_{k-1})]`` (left-Riemann error, E2)."""
    t, total = 0, Ibar[0] * 0
    for s in sizes:
        for u in range(t, t + int(s)):
            total = total + (Ibar[u] - Ibar[t])
        t += int(s)
    return total
