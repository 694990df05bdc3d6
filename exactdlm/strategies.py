"""hypothesis strategies for laws, schedules and predictors, shipped for users' own property tests.

Every strategy shrinks toward the simplest case: it draws ``L`` and ``V`` first from small
ranges (shrinking to the low end), then integer weights that shrink toward 1 (full support)
or 0 (any support), normalized exactly, so a failing example shrinks toward short sequences,
small vocabularies, uniform or point-mass laws with small denominators, and one-step
schedules. Sizes are in reveal order (docs/theory.md §1).

Strategies
----------
* :func:`laws` -- exact rational laws: entry ``x`` is ``w_x / sum_y w_y`` with integer weights
  ``w_x`` in ``1..max_denominator`` (``support="full"``) or ``0..max_denominator``
  (``support="any"``; an all-zero draw becomes the point mass at ``0...0``).
* :func:`float_laws` -- float64 laws (weights ``eps + u``, ``u`` in ``[0, 1]``).
* :func:`structured_laws` -- a named family of :mod:`exactdlm.families` with drawn parameters.
* :func:`schedules` -- every composition of ``L`` (shrinks to the one-step schedule ``(L,)``);
  :func:`named_schedules` -- the named rules of :mod:`exactdlm.schedules` with drawn parameters;
  :func:`random_size_schedules` -- ``BernoulliReveal`` / ``CutPoints`` objects;
  :func:`adaptive_policies` -- value-adaptive rules (:mod:`exactdlm.adaptive`).
* :func:`predictors` -- learned predictors for a given law (another law's conditionals or a
  perturbation of the exact ones).
* :func:`laws_and_schedules` -- ``(law, sizes)`` pairs, the input of a claim's ``sides``.

``L``, ``V`` (and similar size arguments) accept an int, an inclusive ``(lo, hi)`` range or a
hypothesis strategy of ints.

Example: a user's own property test
-----------------------------------
The expected KL of any schedule is at most the total correlation (E7 with E3), checked with
certified comparisons of exact log-forms::

    from hypothesis import given, settings
    import exactdlm as ed
    from exactdlm import strategies as eds

    @settings(max_examples=20, deadline=None)
    @given(eds.laws_and_schedules(L=(1, 4), V=(2, 3)))
    def test_ekl_at_most_tc(case):
        law, sizes = case
        assert ed.expected_kl(law, sizes) <= ed.total_correlation(law)

(``tests/test_strategies.py`` runs this very example.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from .laws import JointLaw
from .laws.joint import exact_array
from .schedules import sizes_from_cuts

SUPPORTS = ("full", "any")

#: primes used for the MDS (Reed-Solomon) family; q must be >= L
_SMALL_PRIMES = (2, 3, 5, 7)


# ----------------------------------------------------------------------------------------
# argument handling
# ----------------------------------------------------------------------------------------
def _int_strategy(value, name: str, minimum: int):
    """An int, an inclusive ``(lo, hi)`` range or a strategy -> a strategy of ints."""
    if isinstance(value, st.SearchStrategy):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an int, a (lo, hi) range or a strategy, got {value!r}")
    if isinstance(value, (int, np.integer)):
        lo = hi = int(value)
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value
    ):
        lo, hi = int(value[0]), int(value[1])
    else:
        raise ValueError(f"{name} must be an int, a (lo, hi) range or a strategy, got {value!r}")
    if lo < minimum or hi < lo:
        raise ValueError(f"{name} range ({lo}, {hi}) is invalid; need {minimum} <= lo <= hi")
    return st.integers(lo, hi)


def _check_support(support: str) -> str:
    if support not in SUPPORTS:
        raise ValueError(f"support must be one of {SUPPORTS}, got {support!r}")
    return support


def _check_max_denominator(max_denominator) -> int:
    if isinstance(max_denominator, bool) or not isinstance(max_denominator, (int, np.integer)) or max_denominator < 1:
        raise ValueError(f"max_denominator must be a positive integer, got {max_denominator!r}")
    return int(max_denominator)


def _check_cells(max_cells) -> int:
    """``max_cells`` caps ``V**L`` (exact arithmetic on big lattices is slow)."""
    if isinstance(max_cells, bool) or not isinstance(max_cells, (int, np.integer)) or max_cells < 2:
        raise ValueError(f"max_cells must be an integer >= 2, got {max_cells!r}")
    return int(max_cells)


def exact_from_weights(weights, L: int, V: int) -> JointLaw:
    """The exact law ``w_x / sum w`` over ``[V]^L`` from ``V**L`` integer weights (C order).

    An all-zero weight vector gives the point mass at ``0...0``.
    """
    w = [int(x) for x in weights]
    if len(w) != V**L:
        raise ValueError(f"need V**L = {V**L} weights, got {len(w)}")
    if any(x < 0 for x in w):
        raise ValueError("weights must be non-negative integers")
    total = sum(w)
    if total == 0:
        w, total = [1] + [0] * (len(w) - 1), 1
    return JointLaw(exact_array([Fraction(x, total) for x in w], (V,) * L))


# ----------------------------------------------------------------------------------------
# laws
# ----------------------------------------------------------------------------------------
@st.composite
def _weighted_law(draw, L, V, support, max_denominator, max_cells):
    Lv = draw(L)
    Vv = draw(V)
    while Lv > 1 and Vv**Lv > max_cells:  # keep the draw valid: drop positions
        Lv -= 1
    n = Vv**Lv
    lo = 1 if support == "full" else 0
    weights = draw(st.lists(st.integers(lo, max_denominator), min_size=n, max_size=n))
    return exact_from_weights(weights, Lv, Vv)


def laws(L=(1, 4), V=(2, 3), support: str = "full", max_denominator: int = 12, max_cells: int = 729):
    """Exact rational laws on ``[V]^L``.

    Entry ``x`` is ``w_x / sum w`` with integer weights in ``1..max_denominator`` (full support)
    or ``0..max_denominator`` (``support="any"``). Shrinks toward small ``L``, small ``V`` and
    the uniform law (full) or a point mass (any). ``max_cells`` caps ``V**L`` (larger draws
    drop positions), since exact arithmetic on big lattices is slow.
    """
    _check_support(support)
    max_denominator = _check_max_denominator(max_denominator)
    return _weighted_law(_int_strategy(L, "L", 1), _int_strategy(V, "V", 2), support, max_denominator,
                         _check_cells(max_cells))


@st.composite
def _float_law(draw, L, V, support, eps, max_cells):
    Lv = draw(L)
    Vv = draw(V)
    while Lv > 1 and Vv**Lv > max_cells:
        Lv -= 1
    n = Vv**Lv
    u = draw(st.lists(st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False), min_size=n, max_size=n))
    w = np.asarray(u, dtype=np.float64)
    if support == "full":
        w = w + eps
    elif w.sum() == 0:
        w[0] = 1.0
    return JointLaw((w / w.sum()).reshape((Vv,) * Lv), normalize=True)


def float_laws(L=(1, 4), V=(2, 3), support: str = "full", eps: float = 1e-3, max_cells: int = 4096):
    """float64 laws: weights ``eps + u`` (full support) or ``u`` (any), ``u`` in ``[0, 1]``, normalized."""
    _check_support(support)
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"eps must be a positive number, got {eps!r}")
    return _float_law(_int_strategy(L, "L", 1), _int_strategy(V, "V", 2), support, float(eps),
                      _check_cells(max_cells))


# ----------------------------------------------------------------------------------------
# structured laws: a named family with drawn parameters
# ----------------------------------------------------------------------------------------
def _fraction_weights(draw, n: int, max_w: int, positive: bool = True) -> list[Fraction]:
    w = draw(st.lists(st.integers(1 if positive else 0, max_w), min_size=n, max_size=n))
    total = sum(w)
    if total == 0:
        w, total = [1] + [0] * (n - 1), 1
    return [Fraction(x, total) for x in w]


def _stochastic(draw, rows: int, cols: int, max_w: int) -> list[list[Fraction]]:
    return [_fraction_weights(draw, cols, max_w) for _ in range(rows)]


def _small_fraction(draw, lo_num: int, max_den: int, strict_upper: bool = True) -> Fraction:
    den = draw(st.integers(2, max_den))
    num = draw(st.integers(lo_num, den - 1 if strict_upper else den))
    return Fraction(num, den)


def _draw_family(draw, name: str, Lv: int, Vv: int, max_w: int, max_cells: int) -> JointLaw:
    from .laws import families as fam

    if name == "iid":
        return fam.iid(Lv, _fraction_weights(draw, Vv, max_w))
    if name == "markov_chain":
        return fam.markov_chain(Lv, _stochastic(draw, Vv, Vv, max_w))
    if name == "hmm":
        H = draw(st.integers(2, 3))
        return fam.hmm(Lv, _stochastic(draw, H, H, max_w), _stochastic(draw, H, Vv, max_w),
                       initial=_fraction_weights(draw, H, max_w))
    if name == "repeated_symbol":
        return fam.repeated_symbol(Lv, Vv)
    if name == "parity":
        return fam.parity(Lv, Vv)
    if name == "noisy_repetition":
        return fam.noisy_repetition(Lv, _small_fraction(draw, 0, 10))
    if name == "mds_code":
        q = draw(st.sampled_from(_mds_primes(Lv, max_cells)))
        k = draw(st.integers(1, Lv))
        return fam.mds_code(Lv, k, q)
    if name == "ising":
        J = draw(st.sampled_from([-1.0, -0.5, 0.25, 0.5, 1.0]))
        h = draw(st.sampled_from([0.0, 0.25, -0.5]))
        return fam.ising(Lv, J, h)
    if name == "mixture":
        a = fam.iid(Lv, _fraction_weights(draw, Vv, max_w))
        b = fam.repeated_symbol(Lv, Vv)
        lam = _small_fraction(draw, 1, 6)
        return fam.mixture([a, b], [lam, 1 - lam])
    if name == "dirichlet":
        alpha = draw(st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(2)]))
        return fam.dirichlet(Lv, Vv, alpha, draw(st.integers(0, 2**16)), exact=True, max_denominator=max_w)
    if name == "from_counts":
        n = Vv**Lv
        counts = draw(st.lists(st.integers(0, max_w), min_size=n, max_size=n))
        if sum(counts) == 0:
            counts[0] = 1
        return fam.from_counts(np.array(counts, dtype=np.int64).reshape((Vv,) * Lv))
    if name == "random_rational":
        return fam.random_rational(Lv, Vv, draw(st.integers(0, 2**16)), max_denominator=max_w)
    raise ValueError(f"no parameter strategy for family {name!r}; choose from {STRUCTURED_FAMILIES}")


#: families :func:`structured_laws` draws from (order = shrink order: simplest first)
STRUCTURED_FAMILIES = ("iid", "repeated_symbol", "parity", "noisy_repetition", "markov_chain", "hmm",
                       "mds_code", "mixture", "from_counts", "random_rational", "dirichlet", "ising")
#: families whose vocabulary is fixed by the family (binary) or by a drawn prime (MDS)
_BINARY = ("noisy_repetition", "ising")


def _mds_primes(L: int, max_cells: int) -> list[int]:
    return [q for q in _SMALL_PRIMES if q >= L and q**L <= max_cells]


@st.composite
def _structured(draw, names, L, V, max_w, max_cells):
    name = draw(st.sampled_from(names))
    Lv = draw(L)
    Vv = 2 if name in _BINARY else draw(V)
    if name == "mds_code":
        while Lv > 1 and not _mds_primes(Lv, max_cells):  # q >= L and q^L cells must fit
            Lv -= 1
    while Lv > 1 and Vv**Lv > max_cells:
        Lv -= 1
    return _draw_family(draw, name, Lv, Vv, max_w, max_cells)


def structured_laws(families=None, L=(2, 4), V=(2, 3), max_denominator: int = 6, max_cells: int = 729):
    """A law of a named family (:mod:`exactdlm.families`) with drawn (rational) parameters.

    ``families``: names from :data:`STRUCTURED_FAMILIES` (default all). Exact except ``ising``.
    MDS codes use ``V = q``, a prime ``>= L`` from 2, 3, 5, 7; binary families use ``V = 2``.
    ``max_cells`` caps ``V**L`` (larger draws drop positions).
    """
    names = tuple(STRUCTURED_FAMILIES if families is None else families)
    unknown = [n for n in names if n not in STRUCTURED_FAMILIES]
    if unknown or not names:
        raise ValueError(f"unknown families {unknown or names}; choose from {STRUCTURED_FAMILIES}")
    return _structured(names, _int_strategy(L, "L", 1), _int_strategy(V, "V", 2),
                       _check_max_denominator(max_denominator), _check_cells(max_cells))


# ----------------------------------------------------------------------------------------
# schedules
# ----------------------------------------------------------------------------------------
def schedules(L):
    """Compositions of ``L`` (reveal order); shrink toward the one-step schedule ``(L,)``.

    ``L`` is an int (every composition can be drawn) or a strategy/range (``L`` drawn first).
    """
    if isinstance(L, (int, np.integer)) and not isinstance(L, bool):
        if L < 1:
            raise ValueError(f"L must be >= 1, got {L}")
        n = int(L) - 1
        return st.lists(st.booleans(), min_size=n, max_size=n).map(sizes_from_cuts)
    return _int_strategy(L, "L", 1).flatmap(schedules)


#: named rules of :mod:`exactdlm.schedules` and how their parameter is drawn
NAMED_RULES = ("balanced", "floor_last", "cosine", "linear", "loglinear", "geometric_dtc",
               "geometric_tc", "two_sided")


@st.composite
def _named(draw, L: int, rules):
    from . import schedules as sch

    rule = draw(st.sampled_from(rules))
    if rule in ("geometric_dtc", "geometric_tc", "two_sided"):
        rho = _small_fraction(draw, 1, 8, strict_upper=False)
        return tuple(getattr(sch, rule)(L, rho))
    K = draw(st.integers(1, L))
    return tuple(getattr(sch, rule)(L, K))


def named_schedules(L: int, rules=None):
    """Sizes from a named rule with drawn parameters: ``K`` in ``1..L`` or ``rho`` in ``(0, 1]``."""
    if isinstance(L, bool) or not isinstance(L, (int, np.integer)) or L < 1:
        raise ValueError(f"L must be a positive int, got {L!r}")
    rules = tuple(NAMED_RULES if rules is None else rules)
    bad = [r for r in rules if r not in NAMED_RULES]
    if bad or not rules:
        raise ValueError(f"unknown schedule rules {bad or rules}; choose from {NAMED_RULES}")
    return _named(int(L), rules)


@st.composite
def _random_sizes(draw, L: int, max_denominator: int):
    from . import schedules as sch

    kind = draw(st.sampled_from(("cutpoints", "bernoulli")))
    if kind == "cutpoints":
        K = draw(st.integers(1, L))
        w = _fraction_weights(draw, L - 1, max_denominator) if L > 1 else []
        return sch.CutPoints(L, K, w)
    steps = draw(st.integers(1, max(1, L)))
    rates = [_small_fraction(draw, 0, max_denominator, strict_upper=False) for _ in range(steps)]
    return sch.BernoulliReveal(L, rates)


def random_size_schedules(L: int, max_denominator: int = 6):
    """Random-size schedules (sizes independent of the values): i.i.d. cut points
    (``CutPoints(L, K, w)``, docs/theory.md (E4)) or per-step Bernoulli reveals (``BernoulliReveal``)."""
    if isinstance(L, bool) or not isinstance(L, (int, np.integer)) or L < 1:
        raise ValueError(f"L must be a positive int, got {L!r}")
    return _random_sizes(int(L), _check_max_denominator(max_denominator))


@dataclass(frozen=True)
class AdaptivePolicy:
    """A value-adaptive rule with its sizes (or threshold ``tau``), for :mod:`exactdlm.adaptive`."""

    rule: str
    sizes: tuple | None = None
    tau: Fraction | None = None

    def law(self, p, predictor=None):
        from .adaptive import adaptive_law

        return adaptive_law(p, self.rule, sizes=self.sizes, tau=self.tau, predictor=predictor)

    def kl(self, p, predictor=None):
        from .adaptive import adaptive_kl

        return adaptive_kl(p, self.rule, sizes=self.sizes, tau=self.tau, predictor=predictor)


@st.composite
def _adaptive(draw, L: int, rules):
    rule = draw(st.sampled_from(rules))
    if rule == "threshold":
        return AdaptivePolicy(rule, tau=_small_fraction(draw, 1, 10, strict_upper=False))
    return AdaptivePolicy(rule, sizes=draw(schedules(L)))


def adaptive_policies(L: int, rules=("confidence", "margin", "entropy", "threshold")):
    """Value-adaptive policies (:class:`AdaptivePolicy`): a rule and its sizes, or ``tau`` in ``(0, 1]``."""
    if isinstance(L, bool) or not isinstance(L, (int, np.integer)) or L < 1:
        raise ValueError(f"L must be a positive int, got {L!r}")
    known = ("confidence", "margin", "entropy", "threshold")
    rules = tuple(rules)
    bad = [r for r in rules if r not in known]
    if bad or not rules:
        raise ValueError(f"unknown adaptive rules {bad or rules}; choose from {known}")
    return _adaptive(int(L), rules)


# ----------------------------------------------------------------------------------------
# predictors
# ----------------------------------------------------------------------------------------
@st.composite
def _predictor(draw, law, kinds, max_denominator):
    from .engine import predictors as pr

    kind = draw(st.sampled_from(kinds))
    if kind == "exact":
        return None
    if kind == "law":
        weights = draw(st.lists(st.integers(1, max_denominator), min_size=law.V**law.L, max_size=law.V**law.L))
        other = exact_from_weights(weights, law.L, law.V)
        return other if law.exact else other.to_float()
    if kind == "temperature":
        return pr.temperature(draw(st.sampled_from([0.5, 0.8, 1.25, 2.0])))
    if kind == "mix_uniform":
        return pr.mix_uniform(_small_fraction(draw, 1, max_denominator))
    return pr.noisy(draw(st.sampled_from([0.05, 0.1, 0.3])), draw(st.integers(0, 2**16)))


PREDICTOR_KINDS = ("exact", "law", "mix_uniform", "temperature", "noisy")


def predictors(law, kinds=PREDICTOR_KINDS, max_denominator: int = 6):
    """Learned predictors for ``law``: ``None`` (exact conditionals), another law's
    conditionals (exact when ``law`` is), or a perturbation of :mod:`exactdlm.engine.predictors`
    (``mix_uniform`` is rational, ``temperature`` and ``noisy`` are float)."""
    kinds = tuple(kinds)
    bad = [k for k in kinds if k not in PREDICTOR_KINDS]
    if bad or not kinds:
        raise ValueError(f"unknown predictor kinds {bad or kinds}; choose from {PREDICTOR_KINDS}")
    from .laws import as_law

    return _predictor(as_law(law), kinds, _check_max_denominator(max_denominator))


# ----------------------------------------------------------------------------------------
# (law, sizes) pairs
# ----------------------------------------------------------------------------------------
SCHEDULE_KINDS = ("compositions", "named", "any")


@st.composite
def _pairs(draw, law_strategy, schedule_kind):
    law = draw(law_strategy)
    if schedule_kind == "compositions":
        sizes = draw(schedules(law.L))
    elif schedule_kind == "named":
        sizes = draw(named_schedules(law.L))
    else:
        sizes = draw(st.one_of(schedules(law.L), named_schedules(law.L)))
    return law, sizes


def laws_and_schedules(L=(1, 4), V=(2, 3), support: str = "full", max_denominator: int = 12,
                       schedule: str = "compositions", law_strategy=None, max_cells: int = 729):
    """``(law, sizes)`` pairs: a law (default :func:`laws`) and a schedule of its length.

    ``schedule``: ``"compositions"`` (every composition, shrinking to ``(L,)``), ``"named"``
    (:func:`named_schedules`) or ``"any"`` (either). ``law_strategy`` replaces the law draw
    (e.g. :func:`structured_laws` or :func:`float_laws`).
    """
    if schedule not in SCHEDULE_KINDS:
        raise ValueError(f"schedule must be one of {SCHEDULE_KINDS}, got {schedule!r}")
    if law_strategy is None:
        law_strategy = laws(L=L, V=V, support=support, max_denominator=max_denominator, max_cells=max_cells)
    elif not isinstance(law_strategy, st.SearchStrategy):
        raise ValueError(f"law_strategy must be a hypothesis strategy, got {type(law_strategy).__name__}")
    return _pairs(law_strategy, schedule)
