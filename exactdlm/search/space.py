"""The space the counterexample search explores: laws, schedules, the objective (issue 6).

* the **family grid**: the named families of :mod:`exactdlm.families` on a fixed grid of
  rational parameters at small ``L``, ``V``, each with every composition of ``L``;
* **random rational laws** ``w_x / sum w`` (integer weights, seeded), with every composition
  of ``L`` (``L <= 5``) or a seeded sample of them;
* the **objective** of a float evaluation, positive exactly when the float sides violate the
  claim: for ``lhs <= rhs`` it is ``lhs/rhs - 1`` when ``rhs > 0``, else ``lhs - rhs``
  (``rhs <= RATIO_FLOOR`` uses the difference; ``ge`` swaps the sides; ``eq`` uses ``|lhs - rhs| / (1 + |lhs| + |rhs|)``).

A float evaluation only *screens*: an example whose objective exceeds :data:`SCREEN_TOL` is
re-checked on the exact law with :func:`exactdlm.arith.decide.compare_sides`, and only a certified
``violated`` outcome counts.

:class:`MemoLaw` is a :class:`~exactdlm.laws.JointLaw` that computes its entropy profile
once: every function of :mod:`exactdlm.engine.info` (and ``expected_kl`` by E1) then reuses it
across the schedules and both sides of a claim.
"""

from __future__ import annotations

import random
from fractions import Fraction

from ..laws import JointLaw, as_law
from ..laws.joint import exact_array
from ..schedules import compositions, sizes_from_cuts

#: float objective above which an example is re-checked exactly
SCREEN_TOL = 1e-10
#: below this right side the objective is the difference (a ratio of float noise means nothing)
RATIO_FLOOR = 1e-9
#: largest ``V**L`` the search draws (exact arithmetic stays fast below it)
MAX_CELLS = 729
#: compositions listed in full up to this ``L``; above it a seeded sample
FULL_SCHEDULES_L = 5


class MemoLaw(JointLaw):
    """A law whose entropy profile is computed once (``info`` functions dispatch to it)."""

    __slots__ = ("_g", "_plain")

    def __init__(self, law):  # noqa: D107 -- wraps a validated law without re-validating
        plain = as_law(law)
        if isinstance(plain, MemoLaw):
            plain = plain._plain
        self._array, self.L, self.V, self.exact = plain._array, plain.L, plain.V, plain.exact
        self._plain, self._g = plain, None

    def entropy_profile(self):
        if self._g is None:
            from ..engine.info import entropy_profile

            self._g = entropy_profile(self._plain)
        return self._g.copy()

    def to_float(self):
        return self if not self.exact else MemoLaw(self._plain.to_float())


def law_from_weights(weights, L: int, V: int) -> JointLaw:
    """Exact law ``w_x / sum w`` from non-negative integer weights (C order)."""
    w = [int(x) for x in weights]
    total = sum(w)
    if total <= 0:
        raise ValueError("weights sum to 0; at least one outcome needs a positive weight")
    return JointLaw(exact_array([Fraction(x, total) for x in w], (V,) * L))


# ----------------------------------------------------------------------------------------
# objective
# ----------------------------------------------------------------------------------------
def objective(lhs: float, rhs: float, kind: str) -> float:
    """Positive exactly when the float sides violate ``lhs kind rhs`` (see module doc)."""
    if kind == "ge":
        lhs, rhs = rhs, lhs
    elif kind == "eq":
        return abs(lhs - rhs) / (1.0 + abs(lhs) + abs(rhs))
    if rhs > RATIO_FLOOR:
        return lhs / rhs - 1.0
    return lhs - rhs


# ----------------------------------------------------------------------------------------
# schedules
# ----------------------------------------------------------------------------------------
def schedules_for(L: int, rng: random.Random | None = None, sample: int = 12) -> list[tuple[int, ...]]:
    """Every composition of ``L`` when ``L <= FULL_SCHEDULES_L``, else ``(L,)``, ``(1,)*L`` and
    ``sample`` seeded random compositions (distinct, in drawn order)."""
    if L <= FULL_SCHEDULES_L or rng is None:
        return list(compositions(L))
    out = [(L,), (1,) * L]
    seen = set(out)
    for _ in range(8 * sample):
        if len(out) >= sample + 2:
            break
        cuts = [rng.random() < 0.5 for _ in range(L - 1)]
        s = sizes_from_cuts(cuts)
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


# ----------------------------------------------------------------------------------------
# random rational laws
# ----------------------------------------------------------------------------------------
_L_WEIGHTS = {1: 1, 2: 4, 3: 5, 4: 4, 5: 3, 6: 2}


def random_shape(rng: random.Random, max_L: int = 6, max_V: int = 3) -> tuple[int, int]:
    """A seeded ``(L, V)`` with ``V**L <= MAX_CELLS``, small shapes more likely."""
    Ls = [L for L in _L_WEIGHTS if L <= max_L]
    L = rng.choices(Ls, weights=[_L_WEIGHTS[L] for L in Ls])[0]
    Vs = [V for V in range(2, max_V + 1) if V**L <= MAX_CELLS]
    return L, rng.choice(Vs)


def random_law(rng: random.Random, L: int, V: int) -> tuple[JointLaw, dict]:
    """A seeded random exact law and how it was drawn (support full or sparse, weight cap)."""
    max_w = rng.choice((1, 2, 3, 6, 12, 60))
    support = "any" if rng.random() < 0.35 else "full"
    n = V**L
    w = [rng.randint(1, max_w) for _ in range(n)]
    if support == "any":
        keep = rng.uniform(0.2, 0.8)
        w = [x if rng.random() < keep else 0 for x in w]
        if not any(w):
            w[rng.randrange(n)] = 1
    if max_w == 1 and support == "full":  # the uniform law is independent: spend the draw better
        w[rng.randrange(n)] += rng.randint(1, 5)
    return law_from_weights(w, L, V), {"kind": "random", "max_weight": max_w, "support": support}


# ----------------------------------------------------------------------------------------
# the family grid
# ----------------------------------------------------------------------------------------
def _grid_specs() -> list[tuple[str, dict]]:
    F = Fraction
    specs: list[tuple[str, dict]] = []
    for L in (2, 3, 4, 5, 6):
        specs.append(("repeated_symbol", {"L": L, "V": 2}))
        specs.append(("parity", {"L": L, "V": 2}))
        for eta in (F(1, 10), F(1, 4)):
            specs.append(("noisy_repetition", {"L": L, "eta": eta}))
        for stay in (F(9, 10), F(2, 3)):
            specs.append(("markov_chain", {"L": L, "transition": [[stay, 1 - stay], [1 - stay, stay]]}))
        specs.append(("markov_chain", {"L": L, "transition": [[F(1, 2), F(1, 2)], [F(1, 10), F(9, 10)]]}))
        for lam in (F(1, 2), F(1, 5)):
            specs.append(("mixture_rep_iid", {"L": L, "V": 2, "lam": lam}))
        specs.append(("hmm", {"L": L, "transition": [[F(4, 5), F(1, 5)], [F(1, 5), F(4, 5)]],
                              "emission": [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]],
                              "initial": [F(1, 2), F(1, 2)]}))
    for L in (2, 3, 4, 5):
        for k in range(1, L):
            q = 5 if L > 3 else 3
            if q**L <= 3125:
                specs.append(("mds_code", {"L": L, "k": k, "q": q}))
    for L in (2, 3, 4, 5):
        specs.append(("repeated_symbol", {"L": L, "V": 3}))
        specs.append(("parity", {"L": L, "V": 3}))
        specs.append(("markov_chain", {"L": L, "transition": [[F(8, 10), F(1, 10), F(1, 10)],
                                                              [F(1, 10), F(8, 10), F(1, 10)],
                                                              [F(1, 3), F(1, 3), F(1, 3)]]}))
        specs.append(("mixture_rep_iid", {"L": L, "V": 3, "lam": F(1, 2)}))
    return specs


GRID = _grid_specs()


def grid_law(spec: tuple[str, dict]) -> JointLaw:
    """The exact law of one grid entry."""
    from ..laws import families as fam

    name, params = spec
    if name == "mixture_rep_iid":
        L, V, lam = params["L"], params["V"], params["lam"]
        marg = [Fraction(i + 1, V * (V + 1) // 2) for i in range(V)]
        return fam.mixture([fam.repeated_symbol(L, V), fam.iid(L, marg)], [lam, 1 - lam])
    return fam.FAMILIES[name](**params)


def describe(spec: tuple[str, dict]) -> str:
    name, params = spec
    return name + "(" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")"


def float_twin(law: JointLaw) -> JointLaw:
    """The float64 law of an exact one (the screen evaluates on it)."""
    return law.to_float() if law.exact else law


def rounded_exact(law: JointLaw, denominators=(12, 60, 1000, 10**6)) -> list[JointLaw]:
    """Exact laws near a float law: entries rounded with bounded denominators, renormalized."""
    out = []
    a = law.float_array().reshape(-1)
    for d in denominators:
        fr = [Fraction(float(x)).limit_denominator(d) for x in a]
        total = sum(fr, Fraction(0))
        if total > 0:
            out.append(JointLaw(exact_array([x / total for x in fr], (law.V,) * law.L)))
    return out


def seeded_rng(*parts) -> random.Random:
    """A ``random.Random`` seeded from a tuple of ints/strings (stable across processes)."""
    text = "/".join(str(p) for p in parts)
    h = 0
    for ch in text.encode():
        h = (h * 1_000_003 + ch) % (1 << 61)
    return random.Random(h)

