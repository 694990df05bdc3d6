"""Shared machinery of the value-adaptive samplers (``adaptive.py``, ``adaptive_select.py``).

* :class:`Conditionals`: the predictor's one-site conditionals ``p̂(x_j = . | x_R)`` at a
  lattice state (a digit tuple, digit ``V`` = masked), exact (``Fraction``) or float.
  The predictor is ``None`` (the exact conditionals of ``p``), a joint law of the same shape
  (its conditionals), or any object with ``conditional(j, revealed: dict) -> (V,)``.
  Contexts of probability 0 follow docs/theory.md §1: uniform on ``[V]``.
* score comparison with the house tie rule (largest score first, ties to the lowest index):
  exact for ``Fraction`` scores and for entropy scores (``LogForm``, sign certified by
  :func:`exactdlm.arith.decide.certified_sign`: exact ties are found as ties), and with the absolute
  tie tolerance :data:`FLOAT_TIE_TOL` for float scores, so that a float run of a law with
  exact ties takes the same branches as the exact run.
* :func:`kl`: ``KL(p || q)``, a ``LogForm`` when both are exact, ``inf`` where ``q = 0 < p``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational

import numpy as np

from ..engine.divergence import kl_arrays
from ..arith import certified_sign
from ..arith import LogForm
from ..laws import JointLaw, as_law
from ..engine.lattice import marginal_lattice

#: float scores closer than this are ties (scores live in [0, 1] or [-log V, 0])
FLOAT_TIE_TOL = 1e-12
#: tolerance on the sum of a float predictor row
ROW_SUM_TOL = 1e-9


# ----------------------------------------------------------------------------------------
# predictor conditionals
# ----------------------------------------------------------------------------------------
class Conditionals:
    """``p̂(. | x_R)`` at lattice states of a law ``law`` (exact when law and predictor are).

    ``cond(state, j)`` returns a list of ``V`` probabilities (``Fraction`` in exact mode,
    ``float`` otherwise) for a masked position ``j`` of ``state`` (digit tuple).
    """

    def __init__(self, law: JointLaw, predictor=None):
        self.L, self.V = law.L, law.V
        self._obj = None
        source = None
        if predictor is None:
            source = law
        elif isinstance(predictor, JointLaw) or (
            isinstance(predictor, (np.ndarray, list, tuple)) and np.shape(predictor) == (law.V,) * law.L
        ):
            source = self._as_predictor_law(predictor, law)
        elif callable(getattr(predictor, "conditional", None)):
            shape = (getattr(predictor, "L", law.L), getattr(predictor, "V", law.V))
            if shape != (law.L, law.V):
                raise ValueError(
                    f"the predictor was built for L={shape[0]}, V={shape[1]}, the law has L={law.L}, "
                    f"V={law.V}; build the predictor for this law"
                )
            self._obj = predictor
        else:
            self._obj = self._resolve_other(predictor, law)
        if source is not None:
            self.exact = law.exact and source.exact
            M = marginal_lattice(source)
            self._M = M if self.exact or not source.exact else np.array([float(x) for x in M])
        else:
            self.exact = law.exact and self._object_is_exact()
        self._strides = [(self.V + 1) ** (self.L - 1 - j) for j in range(self.L)]
        self.uniform = [Fraction(1, self.V)] * self.V if self.exact else [1.0 / self.V] * self.V

    @staticmethod
    def _as_predictor_law(predictor, law: JointLaw) -> JointLaw:
        shape = np.shape(predictor.array if isinstance(predictor, JointLaw) else predictor)
        if shape != (law.V,) * law.L:
            raise ValueError(
                f"a predictor given as a joint law must have the law's shape {(law.V,) * law.L}, "
                f"got {shape}; pass a law over the same positions and vocabulary"
            )
        return as_law(predictor)

    @staticmethod
    def _resolve_other(predictor, law: JointLaw):
        """Tables and perturbations: through ``exactdlm.engine.predictors.as_predictor`` when present."""
        try:
            from ..engine.predictors import as_predictor
        except ImportError:
            as_predictor = None
        if as_predictor is not None:
            resolved = as_predictor(predictor, law)
            if callable(getattr(resolved, "conditional", None)):
                return resolved
        if isinstance(predictor, (np.ndarray, list, tuple)):
            raise ValueError(
                f"a predictor given as a joint law must have the law's shape {(law.V,) * law.L}, "
                f"got {np.shape(predictor)}; pass a law over the same positions and vocabulary"
            )
        raise ValueError(
            f"predictor of type {type(predictor).__name__} is not usable; pass None (exact "
            "conditionals), a joint law of the same shape, or an object with a method "
            "conditional(j, revealed) -> array of V probabilities"
        )

    def _object_is_exact(self) -> bool:
        flag = getattr(self._obj, "exact", None)
        if flag is not None:
            return bool(flag)
        row = np.asarray(self._obj.conditional(0, {}))
        return row.dtype == object and all(isinstance(x, Rational) for x in row)

    def __call__(self, state: tuple, j: int) -> list:
        if self._obj is not None:
            return self._from_object(state, j)
        V, M = self.V, self._M
        base = 0
        for d in state:
            base = base * (V + 1) + d
        ctx = M[base]
        if ctx == 0:
            return self.uniform
        stride = self._strides[j]
        return [M[base - (V - v) * stride] / ctx for v in range(V)]

    def _from_object(self, state: tuple, j: int) -> list:
        revealed = {i: d for i, d in enumerate(state) if d < self.V}
        row = np.asarray(self._obj.conditional(j, revealed))
        if row.shape != (self.V,):
            raise ValueError(
                f"predictor.conditional({j}, {revealed}) has shape {row.shape}, expected ({self.V},); "
                "return one probability per vocabulary symbol"
            )
        if self.exact:
            vals = [Fraction(x) for x in row]
            ok = all(x >= 0 for x in vals) and sum(vals) == 1
        else:
            vals = [float(x) for x in row]
            ok = all(math.isfinite(x) and x >= 0 for x in vals) and abs(sum(vals) - 1) <= ROW_SUM_TOL
        if not ok:
            raise ValueError(
                f"predictor.conditional({j}, {revealed}) = {list(row)} is not a distribution; "
                "every row must be non-negative and sum to 1"
            )
        return vals


# ----------------------------------------------------------------------------------------
# scores and the tie rule
# ----------------------------------------------------------------------------------------
def neg_entropy(probs, exact: bool):
    """``-H`` of a row: a float, or a ``LogForm`` ``sum p log p`` in exact mode."""
    if exact:
        form = LogForm()
        for x in probs:
            if x > 0:
                form._add_term(x, x)
        return form
    return float(sum(x * math.log(x) for x in probs if x > 0))


def _exact_sign(form: LogForm) -> int:
    """Sign of an exact log-form, certified (``exactdlm.arith.decide``: exact zero test, then intervals)."""
    if form.is_trivially_zero():
        return 0
    sign = certified_sign(form)
    if sign is None:
        raise ArithmeticError(f"the sign of {form} is undecided at 4096 bits; the scores are too close to order")
    return sign


def compare_scores(a, b, exact: bool) -> int:
    """Sign of ``a - b``: exact for Fractions and LogForms, tie within ``FLOAT_TIE_TOL`` for floats."""
    if not exact:
        d = a - b
        return 0 if abs(d) <= FLOAT_TIE_TOL else (1 if d > 0 else -1)
    if isinstance(a, LogForm):
        return _exact_sign(a - b)
    return (a > b) - (a < b)


def top_positions(scores: dict, s: int, exact: bool) -> list[int]:
    """The ``s`` positions with the largest scores, ties to the lowest index, in index order.

    Each pick takes the largest remaining score and the lowest index tied with it (exactly,
    or within ``FLOAT_TIE_TOL`` for floats).
    """
    remaining = sorted(scores)
    chosen = []
    for _ in range(s):
        best = remaining[0]
        for j in remaining[1:]:
            if compare_scores(scores[j], scores[best], exact) > 0:
                best = j
        if not exact:  # lowest index within the tolerance of the maximum
            best = next(j for j in remaining if compare_scores(scores[j], scores[best], False) == 0)
        chosen.append(best)
        remaining.remove(best)
    return sorted(chosen)


# ----------------------------------------------------------------------------------------
# KL
# ----------------------------------------------------------------------------------------
# ``KL`` of raw arrays (not ``divergence.kl``: a float predictor's output sums to 1 only within
# ``ROW_SUM_TOL``, and ``kl`` would re-validate it as a law)
kl = kl_arrays


def law_array(law: JointLaw, exact: bool) -> np.ndarray:
    """The law's array in the requested mode (float copy of an exact law in float mode)."""
    return law.array if exact else law.float_array()


def new_output(L: int, V: int, exact: bool) -> np.ndarray:
    """A zero array of shape ``(V,)*L``: Fractions in exact mode, float64 otherwise."""
    if exact:
        out = np.empty((V,) * L, dtype=object)
        out[...] = Fraction(0)
        return out
    return np.zeros((V,) * L)
