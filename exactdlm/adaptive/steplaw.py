"""The exact law of a step-by-step decoder: score, pick positions, draw (docs/theory.md §2a).

Every production sampler (:mod:`~exactdlm.adaptive.llada`, :mod:`~exactdlm.adaptive.dream`,
:mod:`~exactdlm.adaptive.fastdllm`, :mod:`~exactdlm.adaptive.mdlm`) is a Markov chain on
*states*: the revealed values (a digit tuple, digit ``V`` = masked) and a step counter. One
step enumerates its random choices with their exact probabilities:

* **draws**: a masked position ``j`` draws a token from the predictor's row ``p̂(.|x_R)``
  tempered at ``T`` (``p̂^{1/T}`` normalised; ``T = 0``: the argmax, ties to the lowest value
  as ``torch.argmax``);
* **picks**: the positions to reveal, from their scores — top ``k`` (:func:`top_k_choices`),
  a threshold with at least one (:func:`threshold_choices`), Plackett–Luce sampling from a
  softmax of the scores (:func:`softmax_choices`, ``torch.multinomial`` without replacement),
  independent coins (:func:`bernoulli_choices`) or a uniform ``k``-subset.

Exact ties between position scores are broken uniformly at random (``ties="uniform"``: the
limit of i.i.d. continuous perturbations of the scores) or to the lowest index
(``ties="lowest"``). :func:`run_chain` is the DP over states layer by layer (states reached
by different paths are merged), and returns the ``(V,)*L`` output law: ``Fraction`` entries
when every probability is rational (rational law and predictor, ``T in {0} ∪ {1/n}``),
float64 otherwise.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction
from functools import cmp_to_key
from itertools import combinations, permutations, product
from math import comb

from ..laws import as_law
from .core import Conditionals, compare_scores, new_output

TIES = ("uniform", "lowest")
#: kept for old imports; the presets are now guarded by their time estimate (``check_work``)
PRESET_WORK_CAP = 4_000_000


def law_for(name: str, L: int, p):
    """``p`` as a law, checked to have the ``L`` positions the rule ``name`` was parsed for."""
    law = as_law(p)
    if law.L != L:
        raise ValueError(f"this {name} rule was built for L={L}, the law has L={law.L}; parse the spec for L={law.L}")
    return law


def check_block(name: str, L: int, block, asserts: str) -> None:
    """``block`` an integer in ``1..L`` dividing ``L`` (``asserts``: what the real code asserts)."""
    if not (isinstance(block, int) and 1 <= block <= L):
        raise ValueError(f"{name}: block must be an integer in 1..L={L}, got {block!r}")
    if L % block:
        raise ValueError(f"{name}: L={L} is not a multiple of block={block} ({asserts})")


#: the largest temperature a preset takes (``T``, ``alg_temp``): far above it every draw is
#: uniform to float precision, and a temperature past the float range cannot be computed with
MAX_TEMPERATURE = 10**6


def check_count(name: str, key: str, x, low: int = 1) -> int:
    """``x`` an integer ``>= low`` (not a bool, not a float), else a ``ValueError`` naming ``key``."""
    if isinstance(x, bool) or not isinstance(x, int) or x < low:
        raise ValueError(f"{name}: {key} must be an integer >= {low}, got {_shown(repr(x))}")
    return x


def _shown(x) -> str:
    """``x`` for a message: short numbers as they are, long ones (``1e400`` as a rational) rounded."""
    text = str(x)
    if len(text) <= 40:
        return text
    try:
        return f"about {float(x):.3g}"
    except OverflowError:  # past the float range: its power of ten
        q = Fraction(x)
        return f"about {'-' if q < 0 else ''}10^{len(str(abs(q.numerator))) - len(str(q.denominator))}"
    except (TypeError, ValueError):
        return text[:37] + "..."


def check_number(name: str, key: str, x, low=0, high=None, open_low: bool = False,
                 open_high: bool = False) -> Fraction:
    """``x`` a finite number in ``[low, high]`` (either end open when asked) as a ``Fraction``;
    NaN, infinities, bools and non-numbers are a ``ValueError`` naming ``key``."""
    if isinstance(x, bool) or x is None:
        raise ValueError(f"{name}: {key} must be a number, got {x!r}")
    try:
        value = Fraction(str(x)) if isinstance(x, float) else Fraction(x)
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        raise ValueError(f"{name}: {key} must be a finite number like 0.5 or 1/2, got {x!r}") from None
    below = value <= low if open_low else value < low
    above = high is not None and (value >= high if open_high else value > high)
    if below or above:
        if high is None or (below and high == MAX_TEMPERATURE):  # a temperature: its sign is the news
            raise ValueError(f"{name}: {key} must be {'>' if open_low else '>='} {low}, got {_shown(x)}")
        ends = f"{'(' if open_low else '['}{low}, {high}{')' if open_high else ']'}"
        raise ValueError(f"{name}: {key} must lie in {ends}, got {_shown(x)}")
    return value


def check_ties(ties) -> str:
    if ties not in TIES:
        raise ValueError(f"ties must be 'uniform' or 'lowest', got {ties!r}")
    return ties


def temperature_is_exact(T) -> bool:
    """``p^{1/T}`` stays rational for rational ``p``: ``T = 0`` (argmax) or ``T = 1/n``."""
    T = Fraction(T)
    return T == 0 or (1 / T).denominator == 1


# ----------------------------------------------------------------------------------------
# the time and memory guard of every preset (docs/theory.md §2a; laws.budget, laws.joint)
# ----------------------------------------------------------------------------------------
#: seconds per counted operation of a preset's chain (one ``Fraction`` product, sum or division
#: with the Python around it; floats) -- calibrated by ``benchmarks/bench_guard.py``
EXACT_OP, FLOAT_OP = 2.5e-6, 0.4e-6
#: an exact operation on rationals of ``b`` bits costs ``1 + (b/BITS_SCALE)^1.5`` small ones
#: (fitted on Dream's ``origin`` chain, whose dyadic weights grow by ~24 bits a step)
BITS_SCALE = 1150.0
#: bytes of one state of a layer (its tuple, the ``(state, step)`` key, the dict slot, its weight)
STATE_BYTES = 400


def op_growth(bits: float) -> float:
    """How many small-rational operations one operation on ``bits``-bit rationals costs."""
    return 1.0 + (bits / BITS_SCALE) ** 1.5


def bounded_power(base: float, exponent: float) -> float:
    """``base ** exponent`` as a float, ``inf`` past the float range (never a huge int)."""
    try:
        return float(base) ** float(exponent)
    except OverflowError:
        return math.inf


def count_text(n: int) -> str:
    """A count for a message: ``1,000,000`` up to 10^15, ``about 10^400`` beyond."""
    return f"{n:,}" if n < 10**15 else f"about 10^{len(str(n)) - 1}"


def as_float(x) -> float:
    """A count as a float, ``inf`` past the float range (``steps=1e400`` is an integer)."""
    try:
        return float(x)
    except OverflowError:
        return math.inf


def check_work(name: str, L: int, V: int, rounds: int, factor: float = 1, *, ops: float | None = None,
               states: float | None = None, exact: bool = True, detail: str = "") -> float:
    """Refuse a preset's chain whose estimated time or memory is over the caps; return the seconds.

    ``ops``: the chain's counted operations (each weighted by :func:`op_growth` of its
    rationals' size in exact mode); default the bound ``rounds · (2V+1)^L · factor``
    (``(2V+1)^L = sum_t C(L,t) V^t (V+1)^{L-t}`` bounds, per step, the states times the draws
    and reveal choices of each; ``factor``: the orders of a softmax pick). ``states``: the most
    states of one layer (default ``(V+1)^L``). ``L (V+1)^L / 2`` operations are added for the
    marginal lattice the conditionals read. The time is ``ops`` times :data:`EXACT_OP` or
    :data:`FLOAT_OP` (``laws.budget.check_time``: ``ComputationTooLong`` naming the estimate and
    the cap); the memory ``states · STATE_BYTES`` plus the output array (``laws.joint.check_fits``).
    A preset added later calls this with its real step count ``rounds`` and inherits the guard.
    """
    from ..laws.budget import check_time
    from ..laws.joint import EXACT_ENTRY_BYTES, check_fits

    if ops is None:
        ops = as_float(rounds) * bounded_power(2 * V + 1, L) * factor
    if states is None:
        states = bounded_power(V + 1, L)
    ops = as_float(ops) + L * bounded_power(V + 1, L) / 2  # the predictor's marginal lattice, the output array
    seconds = ops * (EXACT_OP if exact else FLOAT_OP)
    kind = "exact" if exact else "float"
    what = (f"the {kind} law of {name} with L={L}, V={V}, {count_text(rounds)} steps "
            f"({detail + '; ' if detail else ''}{f'about {ops:.3g}' if math.isfinite(ops) else 'unboundedly many'} operations)")
    check_time(seconds, what, "use fewer steps or a smaller L or V")
    check_fits(states * STATE_BYTES + bounded_power(V, L) * (EXACT_ENTRY_BYTES if exact else 8), what)
    return seconds


def exact_guess(law, predictor, T, float_only: bool = False) -> bool:
    """Whether :class:`StepEngine` will run exact (decided before it is built, for the guard):
    an exact law and temperature, no float-only step, and a predictor not known to be float."""
    if float_only or not law.exact or not temperature_is_exact(T):
        return False
    flag = getattr(predictor, "exact", None)
    return True if flag is None else bool(flag)


def law_bits(law) -> int:
    """Bits of the largest denominator of an exact law's entries (0 for a float law): the size
    of its conditionals, which the chain multiplies along every path."""
    if not law.exact:
        return 0
    return max(x.denominator.bit_length() for x in law.array.reshape(-1))


def path_bits(law, T) -> float:
    """About the bits of a weight at the end of a chain: ``L`` conditionals of ``law_bits``, each
    raised to ``1/T`` at ``T = 1/n`` (at ``T = 0`` the draws have probability 1)."""
    T = Fraction(T)
    return 0.0 if T == 0 else law.L * law_bits(law) / float(T)


def layer_states(L: int, V: int, masked: int, width: int, positions: str = "drawn") -> float:
    """States of a layer with ``masked`` of ``L`` positions masked, as the positions are picked:
    ``"random"`` (coins, a uniform subset: ``C(L, m)`` position sets), ``"drawn"`` (from the
    drawn tokens: ``C(L, m)``, or one when every draw is the argmax) or ``"context"`` (from the
    revealed values alone: one set per values); times ``V^(L-m)`` values, or one value each
    when every draw is the argmax (``width`` 1). Exact ties can branch further (``run_chain``
    watches its pace for that)."""
    sets = math.comb(L, masked) if positions == "random" or (positions == "drawn" and width > 1) else 1
    return sets * (bounded_power(V, L - masked) if width > 1 else 1.0)


def draw_width(V: int, T) -> int:
    """Draws per masked position: one at ``T = 0`` (the argmax), at most ``V`` otherwise."""
    return 1 if Fraction(T) == 0 else V


class StepEngine:
    """A law's predictor rows and the token draws at temperature ``T``, in one arithmetic mode.

    ``exact`` is true when the predictor is exact, ``T`` keeps rows rational and nothing forces
    floats (``float_only``: a softmax of scores, a cosine schedule).
    """

    def __init__(self, law, predictor, T, ties: str, float_only: bool = False):
        self.L, self.V = law.L, law.V
        self.cond = Conditionals(law, predictor)
        self.T = Fraction(T)
        if self.T < 0:
            raise ValueError(f"temperature T must be >= 0, got {T}; T=0 is greedy (argmax)")
        self.exact = self.cond.exact and not float_only and temperature_is_exact(self.T)
        self.ties = check_ties(ties)
        self.one = Fraction(1) if self.exact else 1.0

    def row(self, state: tuple, j: int) -> list:
        r = self.cond(state, j)
        return list(r) if self.exact else [float(x) for x in r]

    def tempered(self, row: list) -> list:
        """``row^{1/T}`` normalised; ``T = 0``: the point mass at the lowest argmax."""
        V, T = self.V, self.T
        if T == 0:
            best = max(range(V), key=lambda v: (row[v], -v))
            return [self.one if v == best else 0 * self.one for v in range(V)]
        if T == 1:
            return row
        if self.exact:
            n = int(1 / T)
            pw = [x**n for x in row]
        else:
            logs = [math.log(x) if x > 0 else -math.inf for x in row]
            top = max(logs)
            pw = [math.exp((lg - top) / float(T)) if lg > -math.inf else 0.0 for lg in logs]
        z = sum(pw)
        return [x / z for x in pw]

    def draws(self, tempered_row: list) -> list:
        """``(value, probability)`` pairs of a tempered row with probability > 0."""
        return [(v, x) for v, x in enumerate(tempered_row) if x > 0]


# ----------------------------------------------------------------------------------------
# picks: which positions to reveal, with their probabilities
# ----------------------------------------------------------------------------------------
def ranked_groups(scores: dict, exact: bool) -> list[list[int]]:
    """Positions by decreasing score, exact ties grouped (each group in index order)."""
    order = sorted(scores, key=cmp_to_key(lambda a, b: compare_scores(scores[b], scores[a], exact) or a - b))
    groups: list[list[int]] = []
    for j in order:
        if groups and compare_scores(scores[j], scores[groups[-1][0]], exact) == 0:
            groups[-1].append(j)
        else:
            groups.append([j])
    return groups


def top_k_choices(scores: dict, k: int, ties: str, exact: bool, one) -> list:
    """The ``k`` top-scoring positions as ``[(frozenset, probability)]``.

    A group of tied scores straddling the cut gives each of its ``C(g, r)`` subsets probability
    ``1/C(g, r)`` (``ties="uniform"``) or its ``r`` lowest indices (``ties="lowest"``).
    """
    chosen: list[int] = []
    for group in ranked_groups(scores, exact):
        r = k - len(chosen)
        if r <= 0:
            break
        if len(group) <= r:
            chosen += group
            continue
        if ties == "lowest":
            return [(frozenset(chosen + group[:r]), one)]
        share = one / comb(len(group), r)
        return [(frozenset(chosen).union(c), share) for c in combinations(group, r)]
    return [(frozenset(chosen), one)]


def threshold_choices(scores: dict, tau, ties: str, exact: bool, one) -> list:
    """Every position with score ``>= tau``; when none passes, one top-scoring position.

    (Fast-dLLM: ``topk`` over all, the first always kept, the others dropped when ``< tau``.)
    """
    passing = [j for j in scores if compare_scores(scores[j], tau, exact) >= 0]
    if passing:
        return [(frozenset(passing), one)]
    top = ranked_groups(scores, exact)[0]
    if ties == "lowest":
        return [(frozenset(top[:1]), one)]
    return [(frozenset([j]), one / len(top)) for j in top]


def softmax_choices(scores: dict, k: int, alg_temp: float) -> list:
    """``k`` positions drawn without replacement from ``softmax(score / alg_temp)`` (floats).

    The probability of a set sums, over its orders, the sequential draw probabilities
    ``prod_i w_{j_i} / (W - w_{j_1} - ... - w_{j_{i-1}})`` (what ``torch.multinomial``
    without replacement samples).
    """
    pos = sorted(scores)
    vals = [float(scores[j]) / alg_temp for j in pos]
    top = max(vals)
    w = {j: math.exp(v - top) for j, v in zip(pos, vals)}
    total = sum(w.values())
    out: dict = {}
    for order in permutations(pos, k):
        pr, left = 1.0, total
        for j in order:
            pr *= w[j] / left
            left -= w[j]
        key = frozenset(order)
        out[key] = out.get(key, 0.0) + pr
    return list(out.items())


def bernoulli_choices(positions: list, r, one) -> list:
    """Each position revealed independently with probability ``r``: every subset, its probability."""
    m = len(positions)
    out = []
    for size in range(m + 1):
        pr = r**size * (one - r) ** (m - size)
        if pr == 0:
            continue
        out += [(frozenset(c), pr) for c in combinations(positions, size)]
    return out


def uniform_choices(positions: list, k: int, one) -> list:
    """A uniformly random ``k``-subset of ``positions`` (LLaDA's ``remasking='random'``)."""
    share = one / comb(len(positions), k)
    return [(frozenset(c), share) for c in combinations(positions, k)]


# ----------------------------------------------------------------------------------------
# one step's children
# ----------------------------------------------------------------------------------------
def _reveal(state: tuple, values: dict) -> tuple:
    child = list(state)
    for j, v in values.items():
        child[j] = v
    return tuple(child)


def draw_then_pick(state: tuple, draws: dict, score, pick):
    """Every candidate draws first, the pick sees the drawn tokens: ``(child, probability)`` pairs.

    ``draws[j]``: the ``(value, prob)`` pairs of candidate ``j``; ``score(j, v)``; ``pick(scores)``
    returns ``[(frozenset, prob)]``.
    """
    cands = sorted(draws)
    for combo in product(*(draws[j] for j in cands)):
        pr = 1
        for _, x in combo:
            pr = pr * x
        values = {j: v for j, (v, _) in zip(cands, combo)}
        for chosen, pc in pick({j: score(j, values[j]) for j in cands}):
            yield _reveal(state, {j: values[j] for j in chosen}), pr * pc


def pick_then_draw(state: tuple, choices: list, draws: dict):
    """The pick does not depend on the draws: only the chosen positions' draws are enumerated."""
    for chosen, pc in choices:
        cands = sorted(chosen)
        for combo in product(*(draws[j] for j in cands)):
            pr = pc
            for _, x in combo:
                pr = pr * x
            yield _reveal(state, {j: v for j, (v, _) in zip(cands, combo)}), pr


def run_chain(L: int, V: int, exact: bool, step, start_aux=0, rounds: int | None = None):
    """DP over ``(state, aux)`` one decoder step per round; fully revealed states are the output.

    ``step(state, aux)`` yields ``(child, child_aux, probability)``; it is never called on a
    fully revealed state. States reached by different paths in the same round are merged.
    ``rounds`` (the chain's step count, when known): the run watches its own pace and stops with
    ``ComputationTooLong`` once a second has passed and the rounds done project past the time
    cap at the last round's pace (what the estimate of :func:`check_work` cannot see: ties that branch, say).
    """
    from ..laws.budget import ComputationTooLong, time_cap

    one = Fraction(1) if exact else 1.0
    q = new_output(L, V, exact)
    layer = {((V,) * L, start_aux): one}
    cap, start, done = time_cap(), time.perf_counter(), 0
    last = start
    while layer:
        nxt: dict = {}
        for (state, aux), w in layer.items():
            if V not in state:
                q[state] += w
                continue
            for child, aux2, pr in step(state, aux):
                if pr == 0:
                    continue
                key = (child, aux2)
                nxt[key] = nxt.get(key, 0) + w * pr
        layer, done = nxt, done + 1
        if cap and rounds and layer:
            now = time.perf_counter()
            spent, pace, last = now - start, now - last, now
            projected = spent + pace * max(rounds - done, 0)  # the rounds left at the last one's pace
            if spent > 1.0 and projected > cap:
                raise ComputationTooLong(
                    f"this chain ({done:,} of {rounds:,} steps done in {spent:.3g} s, {len(layer):,} states now)",
                    projected, cap, "use fewer steps or a smaller L or V")
    return q
