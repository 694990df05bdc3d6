"""The protocol every structured law follows, and the quantities shared by all of them.

A structured law has ``.L``, ``.V``, ``.exact`` (rational parameters), ``.family``,
``.params`` and ``entropy_profile() -> ndarray (L+1,)`` (float64, nats), so that
``exactdlm.engine.info`` (``info_curve``, ``total_correlation``, ...), ``exactdlm.engine.sampler.expected_kl``
and ``optimal_schedule`` work on it unchanged. Subclasses supply

* ``_float_curves() -> (g, Ibar)``: the profile and an accurately computed ``Ī`` (sums of
  nonnegative terms, not differences of ``g``);
* ``_exact_profile() -> object array of LogForm`` (rational parameters, small L);
* ``_profile_mp(ts, dps) -> [g(t) as mpmath numbers]``: the 50-digit reference;
* ``_joint() -> JointLaw`` for lengths the lattice can hold (tests, fallbacks).

From ``Ī`` this class derives (docs/theory.md §3-4), without the cancellation of ``g`` differences:
``TC = sum_t Ī(t)``, ``DTC = sum_t [Ī(L-1) - Ī(t)]``, ``Σ I = L Ī(L-1)``, EKL by (E2) for
fixed sizes and by (E4) with ``E[N_j]`` for random sizes, and the optimal-schedule DP
(numba, O(steps L^2)).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np

from ..engine._kernels.structured import optimal_knots
from ..engine.info import _curve_from_profile, ekl_from_profile
from ..laws import JointLaw
from ..laws.joint import check_fits
from . import sizes as _sizes
from ._numerics import EXACT_MAX_L, ekl_from_curve_fast, ekl_from_expected_N, error_report, exact_sum

#: most outcomes ``V^L`` a structured law will materialize as a ``(V,)*L`` array
JOINT_MAX_OUTCOMES = 1 << 22


class StructuredLaw:
    """Base class: see the module docstring. Instances are immutable; results are cached."""

    L: int
    V: int
    exact: bool
    family: str = "structured"
    #: largest L of this family's exact (LogForm) paths
    exact_max_L: int = EXACT_MAX_L

    def __init__(self):
        self._cache = {}

    # --- to be supplied -----------------------------------------------------------------
    def _float_curves(self):
        raise NotImplementedError

    def _exact_profile(self):
        raise ValueError(f"{self.family}: no exact (LogForm) path; use the float values")

    def _profile_mp(self, ts, dps):
        raise NotImplementedError

    def _joint(self) -> JointLaw:
        raise ValueError(f"{self.family}: no (V,)*L array form")

    # --- the protocol -------------------------------------------------------------------
    def _curves(self):
        if "curves" not in self._cache:
            g, Ib = self._float_curves()
            g = np.asarray(g, dtype=float)
            Ib = np.asarray(Ib, dtype=float)
            g.flags.writeable = False
            Ib.flags.writeable = False
            self._cache["curves"] = (g, Ib)
        return self._cache["curves"]

    def _exact_checked(self, what: str):
        if not self.exact:
            raise ValueError(
                f"{what}: exact values need rational parameters (Fractions, ints or 'p/q' strings); "
                f"this {self.family} law has float parameters"
            )

    def entropy_profile(self, exact: bool = False) -> np.ndarray:
        """``g(t) = mean_{|A|=t} H(X_A)``, ``t = 0..L`` (float64; LogForm objects if ``exact``)."""
        if exact:
            self._exact_checked("entropy_profile(exact=True)")
            if "exact_profile" not in self._cache:
                self._cache["exact_profile"] = self._exact_profile()
            return self._cache["exact_profile"].copy()
        return self._curves()[0].copy()

    def info_curve(self, exact: bool = False) -> np.ndarray:
        """``Ī(t)``, ``t = 0..L-1``, computed directly (not as differences of ``g``)."""
        if exact:
            return _curve_from_profile(self.entropy_profile(exact=True))
        return self._curves()[1].copy()

    def total_correlation(self, exact: bool = False):
        """``TC = sum_t Ī(t)`` (docs/theory.md §3)."""
        if exact:
            g = self.entropy_profile(exact=True)
            return g[1] * self.L - g[self.L]
        return math.fsum(self._curves()[1])

    def dual_total_correlation(self, exact: bool = False):
        """``DTC = sum_t [Ī(L-1) - Ī(t)]``."""
        if exact:
            g = self.entropy_profile(exact=True)
            return g[self.L - 1] * self.L - g[self.L] * (self.L - 1)
        Ib = self._curves()[1]
        return math.fsum(Ib[-1] - Ib)

    def mi_sum(self, exact: bool = False):
        """``sum_i I(X_i; X_{-i}) = L Ī(L-1)``."""
        if exact:
            return self.total_correlation(exact=True) + self.dual_total_correlation(exact=True)
        return self.L * float(self._curves()[1][-1])

    def joint_entropy(self, exact: bool = False):
        """``H(X) = g(L)``."""
        return self.entropy_profile(exact=exact)[self.L]

    # --- EKL and schedules ----------------------------------------------------------------
    def expected_kl(self, sizes, exact: bool = False):
        """``EKL = E_S KL(p || q_S)``: (E2) for fixed sizes, (E4) with ``E[N_j]`` for random ones.

        ``exact=True`` gives a LogForm (rational parameters, rational rates / weights).
        """
        kind, params = _sizes.describe(sizes, self.L)
        if exact:
            g = self.entropy_profile(exact=True)
            if kind == "fixed":
                return ekl_from_profile(g, params)
            Ib = _curve_from_profile(g)
            EN = _sizes.expected_N(sizes, self.L, exact=True)
            return exact_sum((Ib[j] - Ib[j - 1]) * EN[j] for j in range(1, self.L))
        Ib = self._curves()[1]
        if kind == "fixed":
            return ekl_from_curve_fast(Ib, params)
        return ekl_from_expected_N(Ib, _sizes.expected_N(sizes, self.L, exact=False))

    def optimal_schedule(self, steps: int):
        """Minimal-EKL schedule with exactly ``steps`` steps: ``(sizes, ekl)`` (docs/theory.md §5 DP)."""
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= self.L:
            raise ValueError(f"steps must be an integer in 1..L={self.L}, got {steps!r}")
        check_fits(16 * (int(steps) + 1) * (self.L + 1), f"the optimal-schedule DP with {steps} steps at L={self.L}")
        knots, _ = optimal_knots(np.ascontiguousarray(self._curves()[1]), int(steps))
        sizes = tuple(int(knots[i + 1] - knots[i]) for i in range(int(steps)))
        return sizes, self.expected_kl(sizes)

    # --- references ----------------------------------------------------------------------
    def entropy_profile_mp(self, dps: int = 50, ts=None):
        """``g(t)`` as mpmath numbers at ``dps`` digits, for ``t`` in ``ts`` (default all 0..L)."""
        ts = range(self.L + 1) if ts is None else [int(t) for t in ts]
        if any(not 0 <= t <= self.L for t in ts):
            raise ValueError(f"points t must lie in 0..L={self.L}")
        with mpmath.workdps(dps):
            return self._profile_mp(list(ts), dps)

    def info_curve_mp(self, dps: int = 50, ts=None):
        """``Ī(t) = H̄ + g(t) - g(t+1)`` at ``dps`` digits (the cancellation is harmless there)."""
        ts = range(self.L) if ts is None else [int(t) for t in ts]
        if any(not 0 <= t < self.L for t in ts):
            raise ValueError(f"points t must lie in 0..L-1={self.L - 1}")
        ts = list(ts)
        with mpmath.workdps(dps + 10):
            need = sorted({1} | set(ts) | {t + 1 for t in ts})
            vals = dict(zip(need, self._profile_mp(need, dps + 10)))
            out = [vals[1] + vals[t] - vals[t + 1] if t > 0 else mpmath.mpf(0) for t in ts]
        return out

    def numerics_report(self, dps: int = 50, ts=None) -> dict:
        """Errors of the float ``g`` and ``Ī`` against ``dps``-digit mpmath on sample points."""
        L = self.L
        if ts is None:
            ts = sorted({1, 2, 3, L // 8, L // 4, L // 2, (3 * L) // 4, L - 2, L - 1} - {0})
            ts = [t for t in ts if 1 <= t <= L - 1]
        g, Ib = self._curves()
        gm = self.entropy_profile_mp(dps, ts)
        im = self.info_curve_mp(dps, ts)
        return {
            "points": list(ts),
            "profile": error_report([g[t] for t in ts], gm),
            "info_curve": error_report([Ib[t] for t in ts], im),
            "dps": dps,
        }

    # --- small-L views --------------------------------------------------------------------
    def to_joint(self) -> JointLaw:
        """The law as a ``(V,)*L`` :class:`JointLaw` (exact for rational parameters); small L only."""
        n = self.V**self.L
        if n > JOINT_MAX_OUTCOMES:
            raise ValueError(
                f"{self.family} at L={self.L}, V={self.V} has {self.V}^{self.L} outcomes, over the "
                f"{JOINT_MAX_OUTCOMES:,} a structured law materializes; use its structured methods"
            )
        return self._joint()

    def _exact_limit(self, what: str, limit: int | None = None):
        limit = self.exact_max_L if limit is None else limit
        if self.L > limit:
            raise ValueError(f"{what}: the exact path is limited to L <= {limit} (got L={self.L}); use floats")

    def __repr__(self):
        ps = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{type(self).__name__}({ps})"
