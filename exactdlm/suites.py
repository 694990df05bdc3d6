"""Built-in suites of laws and schedules on which ``exactdlm verify`` checks the claims.

A suite is a list of :class:`SuiteCase` (a law, how it was built, and the schedules to try)
plus the parameters of the claims that build their own witnesses or sequences (the largest
``L`` of a lattice witness, the lengths of the LZ-sqrt sequence, the grid of rho).
Every case is rebuilt from its family, parameters and seed: same suite, same bits.

* ``quick``: every family of :mod:`exactdlm.families` at ``L <= 4`` (``V = 2``; ``V = 3`` up to
  ``L = 3``, and at ``L = 4`` the i.i.d. and seeded random laws) plus seeded random rational
  laws; every composition of ``L``. Under 20 s.
* ``default``: ``L <= 6``, ``V <= 3`` with every composition (at ``L = 6, V = 3`` the i.i.d.
  and seeded random laws), plus lattice laws at ``L = 7, 8`` (``V = 2``) and the structured laws
  of :mod:`exactdlm.structured` at ``L = 8`` with named schedules. About 2 minutes.
* ``full``: ``L <= 7`` (``L = 8`` at ``V = 2``) with every composition, more seeds, structured
  laws up to ``L = 32``, longer witness sequences; for overnight runs.
* ``large``: the structured laws of ``exactdlm.structured.suite.large_suite()`` at
  ``L = 64, 256, 1024, 4096`` with their named schedules: exact (certified) up to each
  family's exact limit (``L = 256``; Markov chains 1024; repeated symbol, parity and MDS codes
  at every L), floats beyond.

Lattice laws are exact (rational) so that every verdict is certified; the Ising family, whose
weights are exponentials, enters rationalized (``to_exact(max_denominator=100)``). Exact
arithmetic on rationals with large unrelated numerators is slow, so the hidden Markov chain
stays at ``V^L <= 32`` and exact Dirichlet draws at ``V^L <= 64``. Structured laws with rational
parameters are checked through their exact view (LogForms, each ``g(t)`` one atom) up to their
exact length limit.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable

import numpy as np

from .laws import families as fam
from .schedules import compositions

SUITES = ("quick", "default", "full", "large")
#: the suite ``exactdlm verify`` runs when no ``--suite`` is given
DEFAULT_SUITE = "default"

F = Fraction


@dataclass
class SuiteCase:
    """One law of a suite: ``build()`` makes it; ``schedules`` are the sizes to try (reveal order)."""

    name: str
    family: str
    params: dict
    schedules: tuple
    build: Callable[[], Any] = field(repr=False)
    seed: int | None = None
    _law: Any = field(default=None, repr=False)

    @property
    def law(self):
        if self._law is None:
            self._law = self.build()
        return self._law

    def __getstate__(self):  # builders are closures: ship the built law instead
        state = dict(self.__dict__)
        state["_law"] = self.law
        state["build"] = None
        return state

    def params_json(self) -> dict:
        return {k: _jsonable(v) for k, v in self.params.items()}

    def describe(self) -> dict:
        return {"name": self.name, "family": self.family, "params": self.params_json(), "seed": self.seed}


@dataclass
class Suite:
    """Cases plus the parameters of the witness and limit claims."""

    name: str
    description: str
    cases: list
    witness_L: int = 4  # largest L of lattice witnesses (MDS codes, repeated symbols)
    witness_L_structured: int = 0  # largest L of structured witnesses (if the structured laws exist)
    lz_lengths: tuple = (16, 32, 64, 128)  # the growing L of the LZ-sqrt sequence
    rhos: tuple = (F(1), F(1, 2), F(1, 4))  # rho grid of the geometric schedules
    ks: tuple = (2, 3, 5)  # numbers of cuts + 1 for the random-size claims
    ccl_lengths: tuple = (32, 64)  # L of the synthetic curves for CCL-1.9 at sizes where it bites
    cone_max_L: int = 0  # profile claims are decided for every law at every L = 2..cone_max_L (docs/theory.md §8)
    cone_cuts_max_L: int = 64  # ... and random-size (cut point) claims up to this L (exact E[N_j] sums)


def _jsonable(v):
    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating,)):
        return float(v)
    return v


# ----------------------------------------------------------------------------------------
# parameters of the families (exact, small denominators: fast exact arithmetic)
# ----------------------------------------------------------------------------------------
_MARGINALS = {2: [F(1, 3), F(2, 3)], 3: [F(1, 2), F(1, 3), F(1, 6)]}
_TRANSITIONS = {
    2: [[F(3, 4), F(1, 4)], [F(1, 3), F(2, 3)]],
    3: [[F(1, 2), F(1, 4), F(1, 4)], [F(1, 5), F(3, 5), F(1, 5)], [F(1, 3), F(1, 3), F(1, 3)]],
}
_HIDDEN = [[F(4, 5), F(1, 5)], [F(1, 4), F(3, 4)]]
_EMISSIONS = {2: [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]], 3: [[F(2, 3), F(1, 6), F(1, 6)], [F(1, 8), F(1, 8), F(3, 4)]]}


#: families kept when a suite asks for the light set at some (L, V)
_LIGHT = ("iid", "random_rational")
#: largest outcome space of the hidden Markov chain: its probabilities are sums over hidden paths,
#: rationals with large unrelated numerators, and exact decisions over their logs get slow
HMM_MAX_CELLS = 32


def _family_cases(L: int, V: int, seeds, light: bool = False) -> list[tuple[str, dict, Callable, int | None]]:
    """``(family, params, builder, seed)`` for every family that lives at this ``L, V``
    (``light``: only the hidden Markov chain and the seeded random laws)."""
    out = [
        ("iid", {"L": L, "marginal": _MARGINALS[V]}, None),
        ("markov_chain", {"L": L, "transition": _TRANSITIONS[V]}, None),
        ("hmm", {"L": L, "transition": _HIDDEN, "emission": _EMISSIONS[V], "initial": [F(1, 2), F(1, 2)]}, None),
        ("repeated_symbol", {"L": L, "V": V}, None),
        ("parity", {"L": L, "V": V}, None),
        ("mixture", {"laws": [{"family": "iid", "L": L, "marginal": _MARGINALS[V]},
                              {"family": "repeated_symbol", "L": L, "V": V}], "weights": [F(2, 3), F(1, 3)]}, None),
        # exact Dirichlet draws have unrelated denominators: keep them to small outcome spaces
        ("dirichlet", {"L": L, "V": V, "alpha": 1, "exact": True, "max_denominator": 4 * V**L}, seeds[0]),
        ("random_rational", {"L": L, "V": V, "support": "any"}, seeds[0]),
    ]
    for s in seeds:
        out.append(("random_rational", {"L": L, "V": V}, s))
    if V == 2:
        out.append(("noisy_repetition", {"L": L, "eta": F(1, 10)}, None))
        out.append(("noisy_repetition", {"L": L, "eta": F(1, 4)}, None))
        out.append(("ising", {"L": L, "J": 0.5, "h": 0.25, "rationalized": 100}, None))
        out.append(("from_counts", {"L": L, "V": V, "max_count": 4}, seeds[0]))
    if light:
        out = [o for o in out if o[0] in _LIGHT and o[1].get("support") != "any"]
    if V**L > 64:
        out = [o for o in out if o[0] != "dirichlet"]
    if V**L > HMM_MAX_CELLS:
        out = [o for o in out if o[0] != "hmm"]
    return [(name, params, _builder(name, params, seed), seed) for name, params, seed in out]


def _builder(name: str, params: dict, seed):
    def build():
        if name == "ising":
            p = dict(params)
            md = p.pop("rationalized")
            return fam.ising(p["L"], p["J"], p["h"]).to_exact(max_denominator=md)
        if name == "mixture":
            laws = [fam.make(d["family"], **{k: v for k, v in d.items() if k != "family"}) for d in params["laws"]]
            return fam.mixture(laws, params["weights"])
        if name == "from_counts":
            rng = np.random.default_rng(seed)
            L, V = params["L"], params["V"]
            counts = rng.integers(0, params["max_count"] + 1, size=V**L)
            if counts.sum() == 0:
                counts[0] = 1
            return fam.from_counts(counts.reshape((V,) * L))
        kw = dict(params)
        if seed is not None:
            kw["seed"] = seed
        return fam.FAMILIES[name](**kw)

    return build


_MDS = ((2, 1, 2), (3, 1, 3), (3, 2, 3), (4, 2, 5), (5, 2, 5), (5, 3, 5))


def _name(family: str, params: dict, seed) -> str:
    short = {k: v for k, v in params.items() if k in ("L", "V", "eta", "k", "q", "support", "J")}
    body = " ".join(f"{k}={_jsonable(v)}" for k, v in short.items())
    return f"{family} {body}" + (f" seed={seed}" if seed is not None else "")


def _lattice_cases(lengths_vocab, seeds, schedules_of, light=()) -> list[SuiteCase]:
    cases = []
    for L, V in lengths_vocab:
        for family, params, build, seed in _family_cases(L, V, seeds, light=(L, V) in light):
            name = _name(family, {**params, "L": L, "V": V}, seed)
            cases.append(SuiteCase(name, family, params, schedules_of(L), build, seed))
    return cases


def _mds_cases(max_L: int, schedules_of) -> list[SuiteCase]:
    out = []
    for L, k, q in _MDS:
        if L <= max_L:
            params = {"L": L, "k": k, "q": q}
            out.append(SuiteCase(_name("mds_code", params, None), "mds_code", params, schedules_of(L),
                                 _builder("mds_code", params, None)))
    return out


def all_compositions(L: int) -> tuple:
    return tuple(compositions(L))


def step_counts(L: int) -> list[int]:
    """Every ``K = 1..L`` up to ``L = 16``; beyond, ``1, 2, 3`` and about 12 values per decade up to ``L``."""
    if L <= 16:
        return list(range(1, L + 1))
    ks = {1, 2, 3, L}
    k = 4.0
    while k < L:
        ks.add(int(round(k)))
        k *= 10 ** (1 / 12)
    return sorted(ks)


@lru_cache(maxsize=4096)
def named_schedules(L: int, rhos=(F(1), F(1, 2), F(1, 4))) -> tuple:
    """Balanced sizes for each ``K`` of :func:`step_counts`, and the geometric and two-sided rules
    for each rho (deduplicated)."""
    from .schedules import theorem_rules as rules

    out = [rules.balanced(L, K) for K in step_counts(L)]
    for rho in rhos:
        out += [rules.geometric_dtc(L, rho), rules.geometric_tc(L, rho), rules.two_sided(L, rho)]
    seen, uniq = set(), []
    for s in out:
        if s not in seen:
            seen.add(s)
            uniq.append(s)
    return tuple(uniq)


def _structured_specs(L: int) -> list[tuple[str, dict]]:
    """Rational structured laws of :mod:`exactdlm.structured` at length ``L`` (family name, parameters)."""
    return [
        ("noisy_repetition", {"L": L, "eta": F(1, 10)}),
        ("exchangeable_mixture", {"L": L, "weights": [F(1, 3), F(2, 3)], "thetas": [[F(4, 5), F(1, 5)], [F(1, 4), F(3, 4)]]}),
        ("markov_chain", {"L": L, "transition": [[F(3, 4), F(1, 4)], [F(1, 3), F(2, 3)]]}),
        ("weight_class", {"L": L, "w": L // 2}),
        ("mds_code", {"L": L, "k": max(1, L // 3)}),
        ("repeated_symbol", {"L": L, "V": 3}),
        ("parity", {"L": L, "V": 2}),
    ]


def _structured_cases(lengths) -> list[SuiteCase]:
    """Structured laws (exact parameters) at each length, with named schedules; none without the package."""
    try:
        structured = importlib.import_module("exactdlm.structured")
    except ImportError:
        return []
    cases = []
    for L in lengths:
        for family, params in _structured_specs(L):
            fn = getattr(structured, family, None)
            if fn is None:
                continue
            cases.append(SuiteCase(f"structured {_name(family, params, None)}", f"structured.{family}", params,
                                   named_schedules(L), lambda fn=fn, params=params: fn(**params)))
    return cases


def _from_dict(d: dict) -> SuiteCase:
    law = d["law"]
    scheds = tuple(tuple(int(x) for x in s) for s in d.get("schedules") or named_schedules(law.L))
    return SuiteCase(str(d["name"]), str(d.get("family", type(law).__name__)), dict(d.get("params", {})), scheds,
                     lambda law=law: law, d.get("seed"), law)


# ----------------------------------------------------------------------------------------
# the suites
# ----------------------------------------------------------------------------------------
def _quick() -> Suite:
    pairs = [(1, 2), (2, 2), (2, 3), (3, 2), (3, 3), (4, 2), (4, 3)]
    cases = _lattice_cases(pairs[1:], seeds=(0, 1), schedules_of=all_compositions, light=((4, 3),))
    cases.append(SuiteCase("random_rational L=1 V=2 seed=0", "random_rational", {"L": 1, "V": 2}, ((1,),),
                           _builder("random_rational", {"L": 1, "V": 2}, 0), 0))
    cases += _mds_cases(4, all_compositions)
    return Suite("quick", "every family at L <= 4 (V = 2, 3), seeded random rational laws, every composition",
                 cases, witness_L=4, lz_lengths=(16, 32, 64), ccl_lengths=(32,), cone_max_L=64)


def _default() -> Suite:
    pairs = [(L, V) for L in range(2, 7) for V in (2, 3)]
    cases = _lattice_cases(pairs, seeds=(0, 1), schedules_of=all_compositions, light=((6, 3),))
    cases += _mds_cases(5, all_compositions)
    cases += _lattice_cases([(7, 2), (8, 2)], seeds=(0,), schedules_of=named_schedules)
    cases += _structured_cases((8,))
    return Suite("default", "L <= 6, V <= 3 with every composition; lattice and structured laws up to L = 8 with "
                 "named schedules",
                 cases, witness_L=5, witness_L_structured=8, lz_lengths=(16, 32, 64, 128, 256),
                 ccl_lengths=(32, 64, 128), cone_max_L=1024)


def _full() -> Suite:
    pairs = [(L, V) for L in range(2, 8) for V in (2, 3)] + [(8, 2)]
    cases = _lattice_cases(pairs, seeds=(0, 1, 2, 3, 4), schedules_of=all_compositions)
    cases += _mds_cases(5, all_compositions)
    cases += _structured_cases((8, 12, 16, 24, 32))
    return Suite("full", "L <= 7 (L = 8 at V = 2) with every composition, more seeds; structured laws to L = 32",
                 cases, witness_L=5, witness_L_structured=16, lz_lengths=(16, 32, 64, 128, 256, 512),
                 rhos=(F(1), F(1, 2), F(1, 4), F(1, 8)), ks=(2, 3, 5, 9), ccl_lengths=(32, 64, 128, 256),
                 cone_max_L=1024, cone_cuts_max_L=256)


def _large() -> Suite:
    try:
        mod = importlib.import_module("exactdlm.structured.suite")
        cases = [_from_dict(d) for d in mod.large_suite()]
    except (ImportError, AttributeError):
        cases = _structured_cases((64, 256, 1024))
        if not cases:
            raise ValueError("suite 'large' needs exactdlm.structured, which this build lacks; "
                             "use --suite quick, default or full") from None
    return Suite("large", "structured laws at L = 64..4096 with their named schedules; exact to L = 256 (Markov "
                 "chains 1024, closed forms any L), floats beyond",
                 cases, witness_L=4, witness_L_structured=64, lz_lengths=(16, 32, 64, 128, 256, 512),
                 ccl_lengths=(32, 64, 128, 256), cone_max_L=4096)


_BUILDERS = {"quick": _quick, "default": _default, "full": _full, "large": _large}


@lru_cache(maxsize=None)
def get_suite(name: str) -> Suite:
    """The suite called ``name`` (one of :data:`SUITES`), built once per process."""
    if name not in _BUILDERS:
        raise ValueError(f"unknown suite {name!r}; choose one of {', '.join(SUITES)}")
    return _BUILDERS[name]()


__all__ = ["DEFAULT_SUITE", "SUITES", "Suite", "SuiteCase", "all_compositions", "get_suite", "named_schedules"]
