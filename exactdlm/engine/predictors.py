"""Learned predictors: one-site conditional tables ``p̂(x_j | x_R)`` (docs/theory.md §2, (E6)).

Every predictor is bound to a law's shape ``(L, V)`` and exposes
``conditional(j, revealed: dict) -> ndarray (V,)`` (``Fraction`` objects when exact), plus what
the DP kernels need (``code``, ``base``, ``params``, ``seed``, ``table``). Kinds:

* ``exact``: the law's own conditionals ``p(x_j | x_R)``;
* ``law``: the conditionals of another joint law ``p̂`` of the same shape;
* ``table``: an array of shape ``((V+1)^L, L, V)``, indexed by the flat lattice state
  (``lattice.state_index``) and the position; rows of masked positions must be distributions;
* perturbations of a base law's conditionals (the law itself unless ``base=`` is given):
  :func:`temperature` ``p̂ ∝ p^(1/T)``, :func:`mix_uniform` ``p̂ = (1-λ) p + λ/V``,
  :func:`noisy` ``p̂ ∝ p (1 + scale·u)`` with ``u in [0,1)`` a dyadic rational (20 bits) hashed from
  ``(seed, R, x_R, j, v)`` — reproducible, and exact for rational laws.

Contexts of probability 0 under the base law follow docs/theory.md §1: the base row is uniform there.
:func:`as_predictor` turns ``None``, a law, an array, a table, a perturbation or any object with a
``conditional`` method (tabulated, small L) into a bound predictor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational

import numpy as np

from ._kernels import sampler as ks
from ..laws import JointLaw, as_law
from ..laws.joint import check_fits, lattice_bytes
from .lattice import Lattice, state_index

#: tolerance on the sum of a float predictor row
ROW_SUM_TOL = 1e-9
#: most (state, position) rows tabulated from a generic ``conditional`` object
TABULATE_CAP = 2_000_000


def _decimal(x, what: str) -> Fraction:
    """A number as a Fraction, floats read by their decimal repr (``0.1`` is ``1/10``)."""
    if isinstance(x, bool):
        raise ValueError(f"{what} must be a number, got {x!r}")
    try:
        if isinstance(x, (float, np.floating)):
            if not math.isfinite(float(x)):
                raise ValueError
            return Fraction(repr(float(x)))
        if isinstance(x, np.integer):
            return Fraction(int(x))
        if isinstance(x, (Rational, int, str)):
            return Fraction(x)
    except (TypeError, ValueError, ZeroDivisionError):
        pass
    raise ValueError(f"{what} must be a finite number, got {x!r}")


def _revealed(L: int, V: int, j, revealed) -> tuple[int, dict]:
    items = {int(k): int(v) for k, v in dict(revealed).items()}
    if isinstance(j, bool) or not isinstance(j, (int, np.integer)) or not 0 <= j < L:
        raise ValueError(f"position j must be an integer in 0..{L - 1}, got {j!r}")
    if j in items:
        raise ValueError(f"position {j} is already revealed in the context {items}")
    if any(not 0 <= k < L for k in items) or any(not 0 <= v < V for v in items.values()):
        raise ValueError(f"context {items} must map positions 0..{L - 1} to values 0..{V - 1}")
    return int(j), items


def _mask_and_index(V: int, items: dict) -> tuple[int, int]:
    R, a = 0, 0
    for k in sorted(items):
        R |= 1 << k
        a = a * V + items[k]
    return R, a


# ----------------------------------------------------------------------------------------
# unbound perturbation specs
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Perturbation:
    """A perturbation of a base law's conditionals, bound to a law by :func:`as_predictor`."""

    kind: str  # "temperature" | "mix" | "noisy"
    param: Fraction
    seed: int = 0
    base: object = None

    def __str__(self):
        extra = f", seed={self.seed}" if self.kind == "noisy" else ""
        return f"{self.kind}({self.param}{extra})"


def temperature(T, base=None) -> Perturbation:
    """``p̂(v | x_R) ∝ p(v | x_R)^(1/T)``, ``T > 0``. Exact for rational laws when ``1/T`` is an integer."""
    t = _decimal(T, "temperature T")
    if t <= 0:
        raise ValueError(f"temperature T must be positive, got {T!r}")
    return Perturbation("temperature", t, 0, base)


def mix_uniform(lam, base=None) -> Perturbation:
    """``p̂ = (1-λ) p + λ/V``, ``λ in [0, 1]``."""
    x = _decimal(lam, "mixing weight lam")
    if not 0 <= x <= 1:
        raise ValueError(f"mixing weight lam must lie in [0, 1], got {lam!r}")
    return Perturbation("mix", x, 0, base)


def noisy(scale, seed: int = 0, base=None) -> Perturbation:
    """``p̂ ∝ p (1 + scale·u)``, ``u = k/2^20`` from a seeded hash of ``(seed, R, x_R, j, v)``; ``scale >= 0``."""
    x = _decimal(scale, "noise scale")
    if x < 0:
        raise ValueError(f"noise scale must be >= 0, got {scale!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be an integer in 0..2^63-1, got {seed!r}")
    return Perturbation("noisy", x, int(seed), base)


# ----------------------------------------------------------------------------------------
# bound predictors
# ----------------------------------------------------------------------------------------
class Predictor:
    """A one-site conditional table bound to a shape ``(L, V)``.

    Attributes: ``kind``, ``L``, ``V``, ``exact`` (rows are Fractions), ``code`` (kernel code),
    ``base`` (the JointLaw whose marginals give the base rows, or ``None`` for tables),
    ``params`` (tuple), ``seed``, ``table`` (flat-lattice table or ``None``).
    """

    kind = "abstract"
    code = ks.RATIO
    table = None
    params: tuple = (Fraction(0),)
    seed = 0

    def __init__(self, L: int, V: int, base: JointLaw | None, exact: bool):
        self.L, self.V, self.base, self.exact = L, V, base, exact
        self._lattice = None

    def _base_row(self, j: int, items: dict) -> np.ndarray:
        if self._lattice is None:
            self._lattice = Lattice(self.base)
        return self._lattice.conditional(j, items)

    def conditional(self, j, revealed) -> np.ndarray:
        """``p̂(x_j = . | x_R)`` for ``revealed = {position: value}``, shape ``(V,)``."""
        j, items = _revealed(self.L, self.V, j, revealed)
        row = self._base_row(j, items)
        if self.code != ks.RATIO:
            R, a = _mask_and_index(self.V, items)
            out = list(row) if self.exact else [float(x) for x in row]
            ks.transform_row_py(self.code, out, self.kernel_params(self.exact), self.seed, R, a, j, self.V, self.exact)
            row = np.empty(self.V, dtype=object) if self.exact else np.empty(self.V)
            row[:] = out
        elif not self.exact and row.dtype == object:
            row = np.array([float(x) for x in row])
        return row

    def kernel_params(self, exact: bool):
        """The parameters as the kernels take them: Fractions (exact) or a float64 array."""
        if exact:
            return list(self.params)
        return np.array([float(x) for x in self.params] + [0.0], dtype=np.float64)

    def __repr__(self):
        return f"{type(self).__name__}(L={self.L}, V={self.V}, {'exact' if self.exact else 'float'})"


class ExactPredictor(Predictor):
    """The law's own conditionals (the sampler with a perfect model)."""

    kind = "exact"

    def __init__(self, law: JointLaw):
        super().__init__(law.L, law.V, law, law.exact)


class LawPredictor(Predictor):
    """The conditionals of another joint law ``p̂`` of the same shape (uniform where ``p̂(x_R) = 0``)."""

    kind = "law"

    def __init__(self, law_hat, L: int, V: int):
        law_hat = as_law(law_hat)
        if (law_hat.L, law_hat.V) != (L, V):
            raise ValueError(
                f"a predictor law must have the law's shape {(V,) * L}, got {(law_hat.V,) * law_hat.L}; "
                "pass a law over the same positions and vocabulary"
            )
        super().__init__(L, V, law_hat, law_hat.exact)


class PerturbedPredictor(Predictor):
    """A :class:`Perturbation` of a base law's conditionals."""

    def __init__(self, spec: Perturbation, law: JointLaw):
        base = law if spec.base is None else as_law(spec.base)
        if (base.L, base.V) != (law.L, law.V):
            raise ValueError(f"the perturbation's base law must have shape {(law.V,) * law.L}")
        self.kind = spec.kind
        self.code = {"temperature": ks.TEMPERATURE, "mix": ks.MIX, "noisy": ks.NOISY}[spec.kind]
        # temperature works with the power 1/T; exact only for integer powers
        self.params = (1 / spec.param,) if spec.kind == "temperature" else (spec.param,)
        self.seed = spec.seed
        exact = base.exact and (spec.kind != "temperature" or self.params[0].denominator == 1)
        super().__init__(law.L, law.V, base, exact)
        self.spec = spec

    def __repr__(self):
        return f"PerturbedPredictor({self.spec}, L={self.L}, V={self.V})"


class TablePredictor(Predictor):
    """A conditional table of shape ``((V+1)^L, L, V)``: ``table[state_index(x_R), j, v]``."""

    kind = "table"
    code = ks.TABLE

    def __init__(self, table, L: int, V: int):
        check_fits(lattice_bytes(L, V, copies=2 * L * V), f"a conditional table with L={L}, V={V}")
        arr = np.asarray(table)
        shape = ((V + 1) ** L, L, V)
        if arr.shape != shape:
            raise ValueError(f"a conditional table must have shape (V+1)^L x L x V = {shape}, got {arr.shape}")
        exact = arr.dtype == object
        if exact:
            try:
                flat = [x if isinstance(x, Fraction) else Fraction(x) for x in arr.reshape(-1)]
            except (TypeError, ValueError):
                raise ValueError("an object-dtype table must hold rationals (Fraction, int or 'p/q')") from None
            arr = np.empty(len(flat), dtype=object)
            arr[:] = flat
            arr = arr.reshape(shape)
        else:
            try:
                arr = np.array(arr, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(f"table entries must be numbers, got dtype {arr.dtype}") from None
        self._validate(arr, L, V, exact)
        super().__init__(L, V, None, exact)
        self.table = arr

    @staticmethod
    def _validate(arr, L, V, exact):
        digits = np.indices((V + 1,) * L).reshape(L, -1).T  # state x position
        masked = digits == V
        rows = arr[masked]  # every (state, masked position) row
        if exact:
            bad = [i for i, r in enumerate(rows) if any(x < 0 for x in r) or sum(r) != 1]
        else:
            ok = np.isfinite(rows).all(axis=1) & (rows >= 0).all(axis=1) & (np.abs(rows.sum(axis=1) - 1) <= ROW_SUM_TOL)
            bad = np.flatnonzero(~ok).tolist()
        if bad:
            states, positions = np.nonzero(masked)
            s, j = int(states[bad[0]]), int(positions[bad[0]])
            raise ValueError(
                f"table row at state {s} (digits {tuple(int(d) for d in digits[s])}), position {j} is not a "
                f"distribution ({list(arr[s, j])}); every row of a masked position must be >= 0 and sum to 1"
            )

    def _base_row(self, j, items):
        return self.table[state_index(self.L, self.V, items), j]

    def conditional(self, j, revealed):
        j, items = _revealed(self.L, self.V, j, revealed)
        row = self._base_row(j, items)
        return row.copy() if self.exact else np.asarray(row, dtype=np.float64)

    def layout_table(self, exact: bool) -> np.ndarray:
        """The table reordered to the DP's mask-block layout, flat (``(layout state, j, v)``)."""
        perm = ks.layout_to_flat(self.L, self.V)
        out = self.table[perm].reshape(-1)
        return out if exact else np.asarray(out, dtype=np.float64)


def _tabulate(obj, L: int, V: int) -> TablePredictor:
    """Call ``obj.conditional(j, revealed)`` at every state and masked position."""
    n_rows = (V + 1) ** (L - 1) * L
    if n_rows > TABULATE_CAP:
        raise ValueError(
            f"tabulating a predictor object needs {n_rows:,} rows, over the cap {TABULATE_CAP:,}; "
            "use a smaller L or give the predictor as a joint law"
        )
    rows, exact = [], True
    digits = np.indices((V + 1,) * L).reshape(L, -1).T
    for d in digits:
        revealed = {k: int(x) for k, x in enumerate(d) if x < V}
        for j in range(L):
            if d[j] < V:
                rows.append([Fraction(0)] * V if exact else [0.0] * V)
                continue
            r = np.asarray(obj.conditional(j, revealed))
            if r.shape != (V,):
                raise ValueError(f"{type(obj).__name__}.conditional({j}, ...) returned shape {r.shape}, expected ({V},)")
            if not (r.dtype == object and all(isinstance(x, Rational) for x in r)):
                exact = False
            rows.append(list(r))
    if exact:
        table = np.empty(len(rows) * V, dtype=object)
        table[:] = [Fraction(x) for r in rows for x in r]
    else:
        table = np.array([[float(x) for x in r] for r in rows])
    return TablePredictor(table.reshape(((V + 1) ** L, L, V)), L, V)


def as_predictor(obj, law) -> Predictor:
    """A predictor bound to the shape of ``law`` (see the module docstring for the accepted forms)."""
    law = as_law(law)
    L, V = law.L, law.V
    if obj is None:
        return ExactPredictor(law)
    if isinstance(obj, Predictor):
        if (obj.L, obj.V) != (L, V):
            raise ValueError(f"the predictor was built for L={obj.L}, V={obj.V}, the law has L={L}, V={V}")
        return obj
    if isinstance(obj, Perturbation):
        return PerturbedPredictor(obj, law)
    if isinstance(obj, str):
        raise ValueError(f"predictor {obj!r} is a string; use exactdlm.engine.predictors.parse_predictor_spec")
    if isinstance(obj, (JointLaw, np.ndarray, list, tuple)):
        shape = np.shape(obj.array if isinstance(obj, JointLaw) else obj)
        if shape == (V,) * L:
            return LawPredictor(obj, L, V)
        if shape == ((V + 1) ** L, L, V):
            return TablePredictor(obj, L, V)
        raise ValueError(
            f"a predictor array must be a joint law of shape {(V,) * L} or a conditional table of shape "
            f"{((V + 1) ** L, L, V)}, got {shape}"
        )
    if callable(getattr(obj, "conditional", None)):
        return _tabulate(obj, L, V)
    raise ValueError(
        f"predictor of type {type(obj).__name__} is not usable; pass None, a joint law, a table, "
        "temperature(T), mix_uniform(lam), noisy(scale, seed) or an object with conditional(j, revealed)"
    )


def parse_predictor_spec(spec: str | None, law=None):
    """CLI predictor strings: ``exact``, ``temperature:T``, ``mix:LAM``, ``noisy:SCALE[:SEED]``,
    ``law:FILE`` (a saved law, ``.json``/``.npz``: its conditionals)."""
    if spec is None or spec.strip() in ("", "exact", "none"):
        return None
    name, _, arg = spec.strip().partition(":")
    if name == "temperature":
        return temperature(_spec_number(arg, spec))
    if name in ("mix", "mix_uniform"):
        return mix_uniform(_spec_number(arg, spec))
    if name == "noisy":
        scale, _, seed = arg.partition(":")
        try:
            seed_val = int(seed) if seed else 0
        except ValueError:
            raise ValueError(f"predictor {spec!r}: the seed must be an integer, e.g. noisy:0.3:7") from None
        return noisy(_spec_number(scale, spec), seed_val)
    if name == "law":
        if not arg:
            raise ValueError("predictor law:FILE needs a file path (.json or .npz)")
        return JointLaw.load(arg)
    raise ValueError(
        f"unknown predictor {spec!r}; use exact, temperature:T, mix:LAM, noisy:SCALE[:SEED] or law:FILE"
    )


def _spec_number(arg: str, spec: str) -> Fraction:
    try:
        return Fraction(arg.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"predictor {spec!r}: expected a number like 0.5 or 1/2 after the colon") from None
