"""Running-time estimates of the sampler DP, for the time guard (``laws.budget``).

The DP's work is counted before it starts (``DPEngine.move_work``: child states times the
patterns feeding each, summed over the chain's moves). The exact arithmetic's cost also depends
on the size of the rationals. For the law's conditionals ``w(x_{R+j}) / w(x_R)`` (``w`` the
law's weights scaled to integers) every denominator of ``q`` divides
``prod_k lcm_t(k)^{s_k}`` along some path of the chain, ``lcm_t`` the lcm of the integer
marginals on layer ``t``; :func:`denominator_bits` is the largest ``sum_k s_k log2 lcm_t(k)`` over
the chain's paths. That bound is within ~10% of the denominators met on random rational laws
(``L = 8..12``).

Calibration (2 cores shared with other jobs): the constants below were fitted by timing
``sampler_law`` on ``random_rational(L, 2, seed=0)`` with sizes ``(L//2, L-L//2)`` and unit steps
next to this module's estimate, ``L = 6..12`` (multimodular), ``L = 6..10`` (``Fraction``),
``L = 12..16`` (float); the runs took 0.8-2.6x the estimate once the kernels were compiled.
``benchmarks/bench_exact.py`` records the estimate next to each measured median
(``estimate_s`` in ``results.json``); to recalibrate, compare the two and scale the constants.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ._kernels import sampler as ks
from .multimodular import CHECK_BITS, LayerLcm

#: seconds per multiply-add unit of ``move_work`` and per prime, multimodular DP
MODULAR_UNIT = 3.0e-9
#: seconds per residue per prime of the marginals (sums) and their inverses
MODULAR_MARGINAL = 4.0e-9
#: seconds per Garner digit operation (rows x digits x checked primes)
GARNER_OP = 0.5e-9
#: seconds per batch of primes (Python around the kernels) and per law entry in each batch
BATCH_OVERHEAD, BATCH_PER_ENTRY = 5e-3, 5e-6
#: rational reconstructions of single entries, seconds per one at 2000 bits (grows as bits^2)
RECONSTRUCTIONS, RECONSTRUCTION_2000 = 70, 1e-3
#: seconds per entry per bit to build the ``Fraction`` results
VALUE_PER_BIT = 3e-8
#: seconds per unit of ``move_work``, ``Fraction`` DP: a base cost plus a cost per bit of the rationals
FRACTION_UNIT, FRACTION_UNIT_PER_BIT = 15e-6, 3.4e-9
#: seconds per unit of ``move_work``, float DP
FLOAT_UNIT = 4e-9
class _TableBits:
    """Bits of the lcm of a table predictor's denominators (every layer alike)."""

    def __init__(self, pred):
        dens = {Fraction(x).denominator for x in np.asarray(pred.layout_table(True)).reshape(-1)}
        self.b = float(math.lcm(*dens).bit_length())

    def bits(self, t):
        return self.b


def denominator_bits(eng, moves, rigorous: bool = False, layers=None) -> float:
    """The largest ``sum_k s_k log2 lcm_t(k)`` (+ the mixture's own denominators) over the
    chain's paths: about the size of the common denominator of the exact output law
    (``rigorous``: the bits of ``multimodular.denominator_bound``, without the shortcut for unit
    steps below). ``layers``: the predictor's ``multimodular.LayerLcm`` if already made."""
    pred = eng.pred
    if pred.table is not None:
        per_layer = _TableBits(pred)
    else:
        per_layer = LayerLcm(eng, pred.base) if layers is None else layers
    extra = 0.0
    if pred.code == ks.MIX:
        extra = math.log2(Fraction(pred.kernel_params(True)[0]).denominator)
    # while every step so far revealed one token with the law's own conditionals, W is the
    # law's marginal times the chain's probability: such steps add no denominators
    own = pred.code == ks.RATIO and pred.base is eng.law and not rigorous
    best, marginal = {}, {(0, moves[0][1]): True} if moves else {}
    for t, state, mv in sorted(moves, key=lambda m: m[0]):
        here = best.get((t, state), 0.0)
        plain = marginal.get((t, state), False) and own and mv.size <= 1
        add = math.log2(max(Fraction(mv.prob).denominator, 1))
        if not plain and mv.size:
            add += mv.size * (per_layer.bits(t) + extra) + math.log2(math.comb(mv.m, mv.size))
        key = (mv.t, mv.state)
        best[key] = max(best.get(key, 0.0), here + add)
        marginal[key] = marginal.get(key, True) and plain
    finals = [b for (t, _), b in best.items() if t == eng.L]
    return max(finals, default=0.0)


def sampler_seconds(eng, sched, arithmetic: str) -> tuple[float, str, float]:
    """``(seconds, detail, steps)``: estimated running time of the sampler DP in ``arithmetic``
    (``"float"``, ``"fraction"``, ``"modular"``), a short account of the estimate, and the
    number of progress steps (multiply-adds; primes in modular arithmetic)."""
    moves = eng.chain_moves(sched)
    work = sum(eng.move_work(t, mv) for t, _, mv in moves)
    lattice = (eng.V + 1) ** eng.L
    if arithmetic == "float":
        return FLOAT_UNIT * (work + lattice * eng.V), f"{work:,} multiply-adds", work
    layers = LayerLcm(eng, eng.pred.base) if eng.pred.table is None else None
    bits = denominator_bits(eng, moves, layers=layers)
    if arithmetic == "fraction":
        secs = (FRACTION_UNIT + FRACTION_UNIT_PER_BIT * bits) * work
        return secs, f"{work:,} operations on rationals of ~{bits:,.0f} bits", work
    bound = denominator_bits(eng, moves, rigorous=True, layers=layers)
    primes = min(2 * bits + 2 * CHECK_BITS, bound + CHECK_BITS + 32) / 31 + 16
    digits = bits / 31 + 1
    n = eng.V**eng.L
    secs = (primes * (MODULAR_UNIT * work + MODULAR_MARGINAL * 2 * lattice)
            + primes / 16 * (BATCH_OVERHEAD + BATCH_PER_ENTRY * n)
            + 3 * GARNER_OP * n * digits * (digits + 3)
            + RECONSTRUCTIONS * RECONSTRUCTION_2000 * (bits / 2000) ** 2 + VALUE_PER_BIT * n * bits)
    return secs, f"{work:,} multiply-adds per prime, ~{primes:,.0f} primes for rationals of ~{bits:,.0f} bits", primes


#: seconds per term ``m_v log(m_v / (m_R p̂_v))`` of the exact learning error (LogForm terms of
#: rationals; measured 100 us at L = 6 and 8, V = 2, on a loaded machine)
LEARNING_TERM = 8e-5


def learning_seconds(L: int, V: int) -> tuple[float, str]:
    """``(seconds, detail)`` for the exact ``D(R, j)`` of every mask and position:
    ``L V (V+1)^(L-1)`` log terms."""
    terms = L * V * (V + 1) ** (L - 1)
    return LEARNING_TERM * terms, f"{terms:,} exact log terms"


#: seconds per row (one context and position: the true and the predicted conditional) of
#: ``epsilon_train``, exact and float (measured 1.6e-4 s and 5.7e-5 s at L = 7, V = 2, loaded)
TRAIN_ROW_EXACT, TRAIN_ROW_FLOAT = 2e-4, 6e-5


def train_seconds(rows: int, V: int, exact: bool) -> tuple[float, str]:
    """``(seconds, detail)`` for ``epsilon_train`` evaluating ``rows`` conditionals."""
    per = (TRAIN_ROW_EXACT if exact else TRAIN_ROW_FLOAT) * V / 2
    return per * rows, f"{rows:,} {'exact' if exact else 'float'} conditional rows"


#: seconds to bring ``KL(p || q)`` of an exact law to canonical form (``arith.canonical``: a
#: coprime base of every ``p(x)/q(x)``), measured 6.9 s at ``V^L = 1024`` terms of ~1,950-bit
#: rationals (L = 10, sizes (5, 5)) and 1.55 s at 512 terms of ~1,500 bits; it grows like
#: ``terms^2 x bits``
CANONICAL_1024 = 6.9


def canonical_seconds(terms: int, bits: float, forms: int = 1) -> float:
    """Seconds to bring ``forms`` exact log-forms of ``terms`` terms of ``bits``-bit rationals to
    canonical form (:data:`CANONICAL_1024`, growing like ``terms^2 x bits``)."""
    return forms * CANONICAL_1024 * (terms / 1024) ** 2 * max(bits, 1.0) / 1950


def output_text_seconds(q, forms: int = 3) -> tuple[float, str]:
    """``(seconds, detail)`` to write the exact metrics of a computed output law ``q`` (an object
    array of ``Fraction``) in canonical form: ``forms`` forms of ``q.size`` terms whose rationals
    have the bits of ``q``'s largest denominator (``KL(p||q)``, ``KL(q||p)``, ``H(q)``, ...).
    Float laws cost nothing here. Measured 33 s for ``exactdlm law``'s forms at 729 terms of
    ~1,920 bits (then four, ``KL(p||q)`` twice; estimate 14 s)."""
    if q.dtype != object:
        return 0.0, "float values"
    bits = max(x.denominator.bit_length() for x in q.reshape(-1))
    return canonical_seconds(q.size, bits, forms), f"{forms} exact forms of {q.size:,} log terms of ~{bits:,}-bit rationals"


def exact_kl_text_seconds(law, schedule, predictor=None) -> tuple[float, str]:
    """``(seconds, detail)``: the estimated time to write ``KL(p || q)`` exactly (canonical form)."""
    from ..schedules import as_schedule
    from .dp import DPEngine

    eng = DPEngine(law, predictor)
    if not eng.exact:
        return 0.0, "float values"
    bits = denominator_bits(eng, eng.chain_moves(as_schedule(schedule, law.L)))
    n = law.V**law.L
    return canonical_seconds(n, bits), f"{n:,} log terms of ~{bits:,.0f}-bit rationals"



#: seconds per law entry summed into one marginal, and per entropy term of that marginal, exact
#: (integer counts, LogForm terms) and float: measured 0.53 ms and 0.83 ms per subset for the
#: coinformation of L = 10 and 12 single positions (exact), 31 us and 127 us (float)
MARGINAL_ENTRY = {True: 2e-7, False: 3e-8}
ENTROPY_TERM = {True: 5e-6, False: 1e-6}


def measure_seconds(L: int, V: int, exact: bool, subsets: int, positions: float) -> tuple[float, str]:
    """``(seconds, detail)`` for ``subsets`` entropies ``H(X_S)``, each a marginal of the law's
    ``V^L`` entries and ``V^positions`` log terms (``positions``: the typical ``|S|``)."""
    entries = float(V) ** L
    secs = subsets * (MARGINAL_ENTRY[exact] * entries + ENTROPY_TERM[exact] * float(V) ** min(positions, L))
    return secs, f"{subsets:,} subset entropies of a law with {V}^{L} outcomes"
