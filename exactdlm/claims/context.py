"""Per-case shared quantities, so every claim and schedule of one law reuses one profile.

By (E1) the expected KL of every schedule needs only the entropy profile ``g``; TC, DTC,
the MI sum and ``Ī`` follow from it too (docs/theory.md §3). A :class:`CaseContext` computes ``g``
once per law and memoizes the EKL of each schedule and the mixture KL. Claims written with
the public API see the same saving: they receive a :class:`SharedLaw`, a :class:`JointLaw`
that answers ``entropy_profile()`` from the cache (``info`` functions use a law's own
``entropy_profile()`` when it has one, as for structured laws).
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property

import numpy as np

from ..engine import info
from ..arith import LogForm
from ..laws import JointLaw
from ..laws.budget import ComputationTooLong
from .common import ibar_definition


#: laws with at most this many outcomes get the costly checks on every schedule
COSTLY_ALL_CELLS = 32
#: up to this many outcomes the costly checks use the six schedules of ``sparse_schedules``
COSTLY_SPARSE_CELLS = 256
COSTLY_RULE = ("every schedule when V^L <= 32; unit, one-step, balanced K=2,3, (1,L-1), (L-1,1) when V^L <= 256; "
               "unit, one-step and balanced K=2 beyond")


def sparse_schedules(L: int, full: bool = True) -> set:
    from ..schedules import balanced

    out = {(1,) * L, (L,), balanced(L, min(2, L))}
    if full:
        out |= {balanced(L, min(3, L))}
        if L >= 2:
            out |= {(1, L - 1), (L - 1, 1)}
    return out


class SharedLaw(JointLaw):
    """A validated :class:`JointLaw` that remembers its entropy profile (no re-validation)."""

    def __init__(self, law: JointLaw):  # noqa: D107 - shares the validated array
        self._array, self.L, self.V, self.exact = law.array, law.L, law.V, law.exact
        self._base = law
        self._profile = None
        self._mixture = {}

    @property
    def base(self) -> JointLaw:
        """The plain law (no cache)."""
        return self._base

    def entropy_profile(self):
        if self._profile is None:
            self._profile = info.entropy_profile(self._base)
        return self._profile.copy()

    def mixture_kl(self, sizes, predictor=None):
        """``KL(p || q)`` of the sampler's output law, memoized per schedule (exact predictor)."""
        from ..engine import sampler

        key = tuple(int(s) for s in sizes)
        if predictor is not None:
            return sampler.mixture_kl(self._base, key, predictor)
        if key not in self._mixture:
            self._mixture[key] = sampler.mixture_kl(self._base, key)
        return self._mixture[key]

    def to_json(self) -> dict:
        return self._base.to_json()

    def __reduce__(self):
        return (SharedLaw, (self._base,))


class ExactStructured:
    """A structured law seen through its exact path: ``entropy_profile()`` and ``mixture_kl``
    return LogForms (rational parameters, ``L`` within the structured exact limit), so every
    ``info``/``sampler`` function and every user claim gets certified values. Other attributes
    are the wrapped law's."""

    def __init__(self, law):
        self._law = law
        # every g(t) as one atom: the claims' combinations of g are then forms of at most
        # L + 1 terms, whatever the size of each g(t) (docs/theory.md §7, "Atoms")
        self._profile = np.empty(law.L + 1, dtype=object)
        self._profile[:] = [LogForm.atom(x) for x in law.entropy_profile(exact=True)]
        self._mixture = {}
        self.L, self.V = int(law.L), int(law.V)

    def __getattr__(self, name):
        return getattr(self._law, name)

    @property
    def base(self):
        return self._law

    def entropy_profile(self, exact: bool = True):
        return self._profile.copy()

    def mixture_kl(self, sizes, exact: bool = True):
        """Exact KL(p || q) (an atom); where the exact law is refused as too long (its
        rationals grow to millions of bits, e.g. two large steps at L = 256) the float value,
        so the comparison is made, and reported, uncertified rather than dropped."""
        key = tuple(int(s) for s in sizes)
        if key not in self._mixture:
            try:
                kl = self._law.mixture_kl(key, exact=True)
            except ComputationTooLong:
                kl = self._law.mixture_kl(key)
            self._mixture[key] = LogForm.atom(kl) if isinstance(kl, LogForm) else kl
        return self._mixture[key]

    def to_json(self) -> dict:
        return law_json(self._law)

    def __repr__(self):
        return f"exact {self._law!r}"


def as_case_law(law):
    """The law a case's claims see: :class:`SharedLaw` for lattice laws, the exact view of a
    rational structured law when it has one, else the structured law itself (float values)."""
    if isinstance(law, JointLaw):
        return SharedLaw(law)
    if getattr(law, "exact", False):
        try:
            return ExactStructured(law)
        except (ValueError, TypeError, NotImplementedError):
            return law
    return law


def law_json(law) -> dict:
    """The JSON form of a law: ``JointLaw.to_json`` or, for a structured law, its description."""
    if hasattr(law, "to_json"):
        return law.to_json()
    out = {"L": int(law.L), "V": int(law.V), "structured": type(law).__name__}
    for attr in ("family", "params"):
        if hasattr(law, attr):
            out[attr] = _plain(getattr(law, attr))
    return out


def _plain(v):
    """JSON-able copy: rationals as 'p/q' strings, numpy scalars as numbers."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.ndarray):
        return _plain(v.tolist())
    return v


class CaseContext:
    """The law of one suite case and its quantities, computed once on demand."""

    def __init__(self, case, suite=None):
        self.case = case
        self.suite = suite
        law = case.law
        self.lattice = isinstance(law, JointLaw)
        self.law = as_case_law(law)
        self.L, self.V = int(law.L), int(law.V)
        self._ekl: dict[tuple, object] = {}

    @property
    def name(self) -> str:
        return self.case.name

    @cached_property
    def g(self) -> np.ndarray:
        return info.entropy_profile(self.law)

    @cached_property
    def exact(self) -> bool:
        return isinstance(self.g[-1], LogForm)

    @cached_property
    def accurate(self) -> bool:
        """A float structured law: take its own Ī, TC, DTC, EKL (computed from Ī, without the
        cancellation of differences of ``g``, which at L in the thousands loses digits)."""
        return not self.lattice and not self.exact and hasattr(self.law, "info_curve")

    @cached_property
    def float_atol(self) -> float | None:
        """Absolute tolerance of float comparisons on this law: ``1e-14 L^2 H̄`` (quantities are
        sums of at most ``L^2`` terms of size at most ``H̄``, each good to about 1e-15); None when exact."""
        if self.exact:
            return None
        return 1e-14 * self.L**2 * max(float(self.g[1]), 1e-300)

    def zero(self):
        return LogForm() if self.exact else 0.0

    def num(self, q: Fraction):
        """A rational as the context's number type (exact stays exact, float sides get floats)."""
        return Fraction(q) if self.exact else float(q)

    @cached_property
    def Ibar(self) -> np.ndarray:
        return self.law.info_curve() if self.accurate else info.info_curve(self.law)

    @cached_property
    def tc(self):
        return self.law.total_correlation() if self.accurate else info.total_correlation(self.law)

    @cached_property
    def dtc(self):
        return self.law.dual_total_correlation() if self.accurate else info.dual_total_correlation(self.law)

    @cached_property
    def mi(self):
        return self.law.mi_sum() if self.accurate else info.mi_sum(self.law)

    @cached_property
    def H(self):
        return self.g[-1]

    def costly(self, sizes) -> bool:
        """Whether a check that builds output laws or decision trees (cost ~ V^L per schedule)
        runs on this schedule: every schedule when ``V^L <= 32``; up to ``V^L <= 256`` the unit
        and one-step schedules, balanced sizes with K = 2, 3 and ``(1, L-1)``, ``(L-1, 1)``;
        beyond, the unit, one-step and two balanced steps only."""
        cells = self.V**self.L
        if cells <= COSTLY_ALL_CELLS:
            return True
        return tuple(sizes) in sparse_schedules(self.L, full=cells <= COSTLY_SPARSE_CELLS)

    def ekl(self, sizes):
        """EKL by (E1) from the cached profile (memoized per schedule)."""
        key = tuple(int(s) for s in sizes)
        if key not in self._ekl:
            self._ekl[key] = self.law.expected_kl(key) if self.accurate else info.ekl_from_profile(self.g, key)
        return self._ekl[key]

    def mixture_kl(self, sizes):
        """``KL(p || q)`` of the output law (lattice laws via the sampler; structured laws' own),
        or None when a structured law has no algorithm for it (e.g. long Markov chains)."""
        try:
            return self.law.mixture_kl(tuple(int(s) for s in sizes))
        except ValueError:
            if self.lattice:
                raise
            return None

    @cached_property
    def Ibar_def(self) -> np.ndarray:
        """``Ī`` from its definition (mean ``I(X_i; X_T)`` over subset entropies) for lattice
        laws; structured laws have only their profile, so ``Ī`` from ``g`` there."""
        if not self.lattice:
            return self.Ibar
        return ibar_definition(self.subset_H, self.L, self.exact)

    @cached_property
    def tc_def(self):
        """``TC = sum_i H(X_i) - H(X)`` from the marginals (lattice laws), not from ``g``."""
        if not self.lattice:
            return self.tc
        return info.total_correlation(self.law.base)

    @cached_property
    def subset_H(self) -> np.ndarray:
        """``H(X_A)`` for every subset (bitmask index), lattice laws only."""
        return info.subset_entropies(self.law.base)
