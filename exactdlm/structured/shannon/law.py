"""The entropic symbolic law: every law of length ``L`` at once, its quantities exact
:class:`~.form.EntropyForm` s over subset entropies (docs/theory.md §8a).

Every quantity the public API computes that is linear in the subset entropies ``H(X_A)`` comes
back as a form, in the coarsest orbit space (:mod:`.space`) that holds it exactly:

* ``entropy_profile`` / ``info_curve`` / ``total_correlation`` / ``dual_total_correlation`` /
  ``mi_sum`` / ``joint_entropy``: symmetric, one block (the coordinates are ``g(t)``);
* ``subset_entropy(S)`` (what ``entropy``, ``mutual_information``, ``coinformation``,
  ``o_information`` and the ``rvs``/``crvs`` forms of TC and DTC ask for, through
  ``engine.info.SubsetEntropies``): the space whose blocks are the runs of ``S``;
* ``expected_kl(sizes)``: fixed sizes by (E1) and value-independent random sizes with uniform
  positions by (E4) (the cone's symmetric case: one block); semi-AR blocks (``SemiAR``) with
  uniform positions inside each block, in the space of its blocks — block ``k`` with prefix
  ``F`` (the earlier blocks, revealed) contributes the (E1)/(E4) value of its conditional
  profile ``g_k(t) = h(F + t e_k) - h(F)``; any other chain schedule (a fixed ordered
  ``Partition``, deterministic orders such as dilated scheduling) by the mask chain
  ``EKL = Σ_{R,j} w(R,j) [H(X_{R+j}) - H(X_R)] - H(X)`` (``engine.sampler._mask_weights``), in
  the space of the sets it names;
* ``mean_entropy(fixed, pool, t)``: ``E_T H(X_{fixed ∪ T})`` over uniform ``t``-subsets ``T`` of
  ``pool`` (the block-symmetric primitive the semi-AR claims use).

Everything else — the mixture KL, output laws, learned predictors, value-adaptive rules, the
alphabet ``V``, a dense array — raises :class:`~exactdlm.structured.cone.NotInFragment`.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

import numpy as np

from ..cone import NotInFragment
from .form import EntropyForm
from .space import SpaceTooLarge, space, space_for_sets


class EntropicLaw:
    """The symbolic law of length ``L`` whose quantities are entropy-linear forms."""

    family = "entropic symbolic law"

    def __init__(self, L: int):
        L = int(L)
        if L < 1:
            raise ValueError(f"the entropic symbolic law needs L >= 1, got L={L}")
        self.L = L
        self._sym = space((L,))
        self._cache: dict = {}

    # -- the alphabet and dense forms are not there --------------------------------------
    @property
    def V(self):
        raise NotInFragment("law.V: the symbolic law stands for every alphabet at once")

    def __array__(self, *args, **kwargs):
        raise NotInFragment("a dense array of the law: the symbolic law has no outcomes")

    @property
    def params(self):
        return {"L": self.L}

    def to_json(self) -> dict:
        return {"L": self.L, "structured": "EntropicLaw"}

    def __repr__(self):
        return f"EntropicLaw(L={self.L})"

    # -- coordinates ----------------------------------------------------------------------
    def _space_of(self, sets):
        try:
            return space_for_sets(self.L, sets)
        except SpaceTooLarge as exc:
            raise NotInFragment(f"the sets named need {exc}") from None

    def subset_entropy(self, S) -> EntropyForm | int:
        """``H(X_S)`` as a form (``0`` for the empty set)."""
        S = frozenset(int(p) for p in S)
        if not S:
            return 0
        if any(not 0 <= p < self.L for p in S):
            raise ValueError(f"positions must lie in 0..{self.L - 1}, got {sorted(S)}")
        sp = self._space_of([S])
        return EntropyForm.coordinate(sp, sp.index(sp.counts_of_set(S)))

    def entropy_combination(self, coefs) -> EntropyForm:
        """``Σ_A c_A H(X_A)`` for ``coefs`` ``{set of positions: integer or Fraction}``, built once in
        the space of the sets named (summing :meth:`subset_entropy` forms would refine each term)."""
        items = [(frozenset(int(p) for p in A), c) for A, c in coefs.items() if c]
        named = [A for A, _ in items if A]
        if any(not 0 <= p < self.L for A in named for p in A):
            raise ValueError(f"positions must lie in 0..{self.L - 1}")
        sp = self._space_of(named or [frozenset(range(self.L))])
        coef: dict = {}
        for A, c in items:
            if A:
                i = sp.index(sp.counts_of_set(A))
                coef[i] = coef.get(i, 0) + Fraction(c)
        return EntropyForm.from_fractions(sp, coef)

    def mean_entropy(self, fixed, pool, t: int) -> EntropyForm | int:
        """``E_T H(X_{fixed ∪ T})``, ``T`` a uniform ``t``-subset of ``pool`` (disjoint from ``fixed``)."""
        fixed, pool = frozenset(fixed), frozenset(pool)
        if fixed & pool:
            raise ValueError("mean_entropy: fixed and pool positions must be disjoint")
        if not 0 <= t <= len(pool):
            raise ValueError(f"mean_entropy: t={t} outside 0..{len(pool)}")
        if not fixed and t == 0:
            return 0
        sp = self._space_of([fixed, pool])
        return _mean_in_space(sp, fixed, pool, t)

    # -- symmetric quantities (one block: g) ---------------------------------------------
    def entropy_profile(self, exact: bool = True) -> np.ndarray:
        """``g(t)``, ``t = 0..L``: the coordinates of the one-block space."""
        got = self._cache.get("g")
        if got is None:
            got = np.empty(self.L + 1, dtype=object)
            got[0] = EntropyForm.zero(self._sym)
            for t in range(1, self.L + 1):
                got[t] = EntropyForm.coordinate(self._sym, t)
            self._cache["g"] = got
        return got.copy()

    def info_curve(self) -> np.ndarray:
        g = self.entropy_profile()
        out = np.empty(self.L, dtype=object)
        for t in range(self.L):
            out[t] = g[1] + g[t] - g[t + 1]
        return out

    def total_correlation(self):
        g = self.entropy_profile()
        return g[1] * self.L - g[self.L]

    def dual_total_correlation(self):
        g = self.entropy_profile()
        return g[self.L - 1] * self.L - g[self.L] * (self.L - 1)

    def mi_sum(self):
        g = self.entropy_profile()
        return (g[1] + g[self.L - 1] - g[self.L]) * self.L

    def joint_entropy(self):
        return self.entropy_profile()[self.L]

    # -- expected KL ----------------------------------------------------------------------
    def expected_kl(self, sizes, predictor=None):
        if predictor is not None:
            raise NotInFragment("a learned predictor: E_learn needs the law's conditionals")
        from ...schedules import DecodingRule, SemiAR, is_fixed, validate_sizes

        if is_fixed(sizes):
            return _profile_ekl(self.entropy_profile(), tuple(validate_sizes(sizes, self.L)))
        if isinstance(sizes, DecodingRule):
            raise NotInFragment(f"{sizes!r} is a value-adaptive rule: its KL is not linear in the entropies")
        if getattr(sizes, "L", self.L) != self.L:
            raise ValueError(f"the schedule has length {sizes.L}, the law has L={self.L}")
        if not sizes.exact():
            raise NotInFragment(f"{sizes!r} has float probabilities: its weights would not be exact")
        if getattr(sizes, "uniform_positions", False):
            return _profile_ekl(self.entropy_profile(), sizes)
        if isinstance(sizes, SemiAR) and all(getattr(s, "uniform_positions", False) for s in sizes.subs):
            return self._semi_ar(sizes)
        return self._mask_chain(sizes)

    def _semi_ar(self, sched):
        from ...schedules import FixedSizes

        try:
            sp = space(tuple(sched.lengths))
        except SpaceTooLarge as exc:
            raise NotInFragment(f"semi-AR blocks {sched.lengths}: {exc}") from None
        total = EntropyForm.zero(sp)
        prefix = frozenset()
        for off, n, sub in zip(sched.offsets, sched.lengths, sched.subs):
            block = frozenset(range(off, off + n))
            base = _mean_in_space(sp, prefix, block, 0) if prefix else EntropyForm.zero(sp)
            g = np.empty(n + 1, dtype=object)
            for t in range(n + 1):
                g[t] = _mean_in_space(sp, prefix, block, t) - base
            total = total + _profile_ekl(g, sub.sizes if isinstance(sub, FixedSizes) else sub)
            prefix = prefix | block
        return total

    def _mask_chain(self, sched):
        from ...engine.sampler import _mask_weights

        L = self.L
        if L > 24:
            raise NotInFragment(f"the mask chain of {sched!r} at L={L} lists too many masks")
        weights = _mask_weights(sched, L, True)
        sets = {(1 << L) - 1}
        for R, row in weights.items():
            sets.add(R)
            sets.update(R | 1 << j for j in row)
        sp = self._space_of([_bits(m) for m in sets])
        coef: dict = {}
        for R, row in weights.items():
            for j, w in row.items():
                for m, c in ((R | 1 << j, w), (R, -w)):
                    if m:
                        i = sp.index(sp.counts_of_set(_bits(m)))
                        coef[i] = coef.get(i, 0) + c
        top = sp.top
        coef[top] = coef.get(top, 0) - 1
        return EntropyForm.from_fractions(sp, coef)

    # -- what needs a law ----------------------------------------------------------------
    def _no(self, what):
        def refuse(*_a, **_k):
            raise NotInFragment(f"{what} is not linear in the subset entropies; the claim is checked on laws")
        return refuse

    def __getattr__(self, name):
        if name in ("mixture_kl", "sampler_law", "optimal_schedule", "subset_entropies", "as_exchangeable",
                    "tv", "chi2", "kl", "to_joint"):
            return self._no(name)
        raise AttributeError(name)


def _bits(m: int) -> frozenset:
    out, j = [], 0
    while m:
        if m & 1:
            out.append(j)
        m >>= 1
        j += 1
    return frozenset(out)


def _mean_in_space(sp, fixed, pool, t) -> EntropyForm:
    """``E_T H(X_{fixed ∪ T})`` in the orbit coordinates of ``sp`` (fixed, pool unions of blocks)."""
    base = sp.counts_of_set(fixed) if fixed else tuple(0 for _ in sp.blocks)
    pc = sp.counts_of_set(pool)
    if base is None or pc is None:
        raise NotInFragment("mean_entropy: the sets are not unions of blocks of the space")
    ks = [k for k, x in enumerate(pc) if x]
    total = comb(len(pool), t)
    vals: dict = {}

    def walk(i, left, a, w):
        if i == len(ks):
            if left == 0:
                idx = sp.index(a)
                vals[idx] = vals.get(idx, 0) + Fraction(w, total)
            return
        k = ks[i]
        for c in range(0, min(left, sp.blocks[k]) + 1):
            a2 = list(a)
            a2[k] += c
            walk(i + 1, left - c, a2, w * comb(sp.blocks[k], c))

    walk(0, t, list(base), 1)
    return EntropyForm.from_fractions(sp, vals)


def _profile_ekl(g, sizes):
    """EKL from a (conditional) profile with ``g[0] = 0``: (E1) for fixed sizes, (E4) for random ones."""
    from ...engine.info import ekl_from_profile
    from ...schedules import expected_N, is_fixed

    if is_fixed(sizes):
        return ekl_from_profile(g, tuple(int(s) for s in sizes))
    L = len(g) - 1
    EN = expected_N(sizes)
    Ibar = [g[1] + g[t] - g[t + 1] for t in range(L)]
    total = g[0] * 0
    for j in range(1, L):
        if EN[j - 1]:
            total = total + (Ibar[j] - Ibar[j - 1]) * Fraction(EN[j - 1])
    return total


__all__ = ["EntropicLaw"]
