"""Random-size and semi-autoregressive schedules: the chain interface the sampler DP runs on (docs/theory.md §2, §4).

Schedules whose sizes are random (but never look at token values) and semi-autoregressive
blocks are objects with a *chain* interface that the exact DP of :mod:`exactdlm.engine.sampler`
runs on: ``start()`` gives the initial auxiliary state ``a`` and ``moves(t, a)`` the possible
next steps from ``t`` revealed tokens, each a :class:`Move` ``(t', a', prob, size, m, allowed,
required)``: with probability ``prob`` the step reveals a uniformly random ``size``-subset of
the ``m`` masked candidate positions (``allowed``: bitmask of the positions that may be
candidates, ``None`` = all; ``required``: positions revealed in every state after the move).
A state with ``t = L`` is final. Auxiliary states must be ordered so that a move with
``size = 0`` goes to a larger state (the DP runs states by ``(t, a)``).

* :class:`FixedSizes` (a tuple seen as a chain), :class:`Partition` (one ordered partition);
* :class:`BernoulliReveal` ``(L, rates)``: at step ``k`` each masked token is revealed with
  probability ``r_k`` (MDLM), then one clean-up step reveals the rest;
* :class:`CutPoints` ``(L, K, w)``: ``K-1`` i.i.d. cut points with pmf ``w`` on ``1..L-1``; a cut
  at ``c`` starts a new step at the ``(c+1)``-th revealed token ((E4), ZC);
* :class:`SemiAR` ``(blocks, sub_schedules)``: contiguous blocks filled left to right (LLaDA
  ``block_length``), each with its own sub-schedule, positions uniform inside the block;
* :class:`DecodingRule`: the base of rules that compute their own output law (value-adaptive
  rules, production decoding presets, defined above the engine); the engine hands them the law.

:func:`expected_N` gives ``E[N_j]`` of (E4) exactly; :func:`size_law` the exact law of the sizes.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction
from math import comb
from numbers import Rational

import numpy as np

from .sizes import _check_L, balanced, cumulative, validate_sizes


# ----------------------------------------------------------------------------------------
# the chain interface
# ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Move:
    """One possible step: reveal a uniform ``size``-subset of ``m`` candidates, w.p. ``prob``."""

    t: int
    state: object
    prob: object
    size: int
    m: int
    allowed: int | None = None
    required: int = 0


class Schedule:
    """Base of the chain-form schedules (see the module docstring)."""

    L: int
    #: positions of each step uniform over all masked positions (so (E1)/(E4) apply)
    uniform_positions = True

    def start(self):
        return 0

    def moves(self, t: int, a) -> list[Move]:  # pragma: no cover - abstract
        raise NotImplementedError

    def exact(self) -> bool:
        """Whether the probabilities of the moves are exact rationals."""
        return True


class FixedSizes(Schedule):
    """A tuple of sizes as a chain: state = the step index."""

    def __init__(self, sizes, L: int | None = None):
        sizes = tuple(sizes)
        self.sizes = validate_sizes(sizes, sum(int(s) for s in sizes) if L is None else L)
        self.L = sum(self.sizes)

    def moves(self, t, k):
        s = self.sizes[k]
        return [Move(t + s, k + 1, Fraction(1), s, self.L - t)]

    def __repr__(self):
        return f"FixedSizes({self.sizes})"


class Partition(Schedule):
    """One ordered partition ``(S_1, ..., S_K)`` of ``range(L)``: every step is forced."""

    uniform_positions = False

    def __init__(self, partition, L: int | None = None):
        blocks = [tuple(int(j) for j in block) for block in partition]
        flat = [j for b in blocks for j in b]
        n = len(flat) if L is None else int(L)
        if sorted(flat) != list(range(n)) or any(len(b) == 0 for b in blocks):
            raise ValueError(
                f"partition {partition!r} must split range({n}) into non-empty blocks; "
                "list every position exactly once"
            )
        self.blocks, self.L = blocks, n
        self.sizes = tuple(len(b) for b in blocks)

    def moves(self, t, k):
        block = self.blocks[k]
        mask = sum(1 << j for j in block)
        revealed = sum(1 << j for b in self.blocks[: k + 1] for j in b)
        return [Move(t + len(block), k + 1, Fraction(1), len(block), len(block), mask, revealed)]


def _check_probability(x, what: str):
    if isinstance(x, bool):
        raise ValueError(f"{what} must be a probability, got {x!r}")
    if isinstance(x, (Rational, int, np.integer)):
        val = Fraction(int(x)) if isinstance(x, np.integer) else Fraction(x)
    else:
        try:
            val = float(x)
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be a probability, got {x!r}") from None
        if not math.isfinite(val):
            raise ValueError(f"{what} must be a finite probability, got {x!r}")
    if not 0 <= val <= 1:
        raise ValueError(f"{what} must lie in [0, 1], got {val}")
    return val


class BernoulliReveal(Schedule):
    """MDLM-style random sizes: at step ``k = 1..K`` each masked token is revealed independently
    with probability ``rates[k-1]``; a final clean-up step reveals whatever is left.

    State = the number of Bernoulli steps done. Rates are kept exact when given as rationals
    (ints, Fractions, ``'p/q'`` strings); floats make the schedule float.
    """

    def __init__(self, L: int, rates):
        self.L = _check_L(L)
        try:
            rates = list(rates)
        except TypeError:
            raise ValueError(f"rates must be a sequence of probabilities, got {rates!r}") from None
        if not rates:
            raise ValueError("rates must hold at least one reveal probability (one per step)")
        self.rates = [
            _check_probability(Fraction(r) if isinstance(r, str) else r, f"rates[{i}]") for i, r in enumerate(rates)
        ]
        self.K = len(self.rates)

    @classmethod
    def mdlm(cls, L: int, K: int) -> "BernoulliReveal":
        """Rates ``r_k = 1/(K-k+1)``: the masked fraction falls linearly, ``1 - k/K`` after step k."""
        if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 1:
            raise ValueError(f"the number of steps K must be a positive integer, got {K!r}")
        return cls(L, [Fraction(1, K - k) for k in range(K)])

    def exact(self):
        return all(isinstance(r, Fraction) for r in self.rates)

    def moves(self, t, k):
        m = self.L - t
        if k >= self.K:
            return [Move(self.L, k + 1, Fraction(1) if self.exact() else 1.0, m, m)]
        r = self.rates[k]
        return [Move(t + s, k + 1, comb(m, s) * r**s * (1 - r) ** (m - s), s, m) for s in range(m + 1)
                if not ((r == 0 and s > 0) or (r == 1 and s < m))]

    def __repr__(self):
        return f"BernoulliReveal(L={self.L}, rates={[str(r) for r in self.rates]})"


class CutPoints(Schedule):
    """``K-1`` i.i.d. cut points ``c`` with pmf ``w`` on ``1..L-1`` (docs/theory.md (E4), ZC): the steps
    end at the distinct cut values, so there are at most ``K`` steps.

    ``w``: a sequence of ``L-1`` non-negative weights for ``c = 1..L-1`` (normalized here), or
    ``"uniform"``, ``"tc"`` (``w(c) ∝ 1/(L-c)``, ZC-TC) or ``"dtc"`` (``w(c) ∝ 1/c``, ZC-DTC).
    State = ``n``, the number of draws at most the current count ``t``; the other ``K-1-n`` are
    i.i.d. on ``(t, L-1]`` with ``w`` restricted, so the next end is their minimum ``b``, hit by
    ``i`` of them with probability ``C(m, i) (w(b)/W_t)^i (W_b/W_t)^(m-i)``, ``W_t = sum_{c>t} w(c)``.
    """

    def __init__(self, L: int, K: int, w="uniform"):
        self.L = _check_L(L)
        if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or K < 1:
            raise ValueError(f"K (1 + the number of cut points) must be a positive integer, got {K!r}")
        self.K = int(K)
        self.w = self._weights(w)

    def _weights(self, w):
        L = self.L
        if isinstance(w, str):
            if w == "uniform":
                raw = [Fraction(1)] * (L - 1)
            elif w == "tc":
                raw = [Fraction(1, L - c) for c in range(1, L)]
            elif w == "dtc":
                raw = [Fraction(1, c) for c in range(1, L)]
            else:
                raise ValueError(f"unknown cut-point weights {w!r}; use 'uniform', 'tc', 'dtc' or a sequence")
        else:
            try:
                raw = list(w)
            except TypeError:
                raise ValueError(f"w must be a sequence of L-1={L - 1} weights, got {w!r}") from None
            if len(raw) != L - 1:
                raise ValueError(f"w must give one weight for each cut c = 1..L-1 ({L - 1} values), got {len(raw)}")
            raw = [_check_weight(x, i + 1) for i, x in enumerate(raw)]
        if L == 1 or self.K == 1:
            return raw
        total = sum(raw[1:], raw[0]) if raw else 0
        if total <= 0:
            raise ValueError("the cut-point weights w sum to 0; give at least one positive weight")
        return [x / total for x in raw]

    def exact(self):
        return all(isinstance(x, Fraction) for x in self.w)

    def moves(self, t, n):
        L, rem = self.L, self.K - 1 - n
        one = Fraction(1) if self.exact() else 1.0
        tail = sum(self.w[t:], 0 * one)  # W_t = sum over c = t+1..L-1 (w[c-1])
        if rem == 0 or L == 1 or tail == 0:
            return [Move(L, n, one, L - t, L - t)]
        out = []
        after = tail
        for b in range(t + 1, L):
            wb = self.w[b - 1]
            after = after - wb  # W_b
            if wb == 0:
                continue
            for i in range(1, rem + 1):
                pr = comb(rem, i) * (wb / tail) ** i * (after / tail) ** (rem - i)
                if pr != 0:
                    out.append(Move(b, n + i, pr, b - t, L - t))
        return out

    def __repr__(self):
        return f"CutPoints(L={self.L}, K={self.K}, w={[str(x) for x in self.w]})"


def _check_weight(x, c):
    if isinstance(x, bool):
        raise ValueError(f"w({c}) must be a non-negative number, got {x!r}")
    val = Fraction(x) if isinstance(x, (Rational, int, str)) else float(x)
    if (isinstance(val, float) and not math.isfinite(val)) or val < 0:
        raise ValueError(f"w({c}) must be a non-negative number, got {x!r}")
    return val


class SemiAR(Schedule):
    """Semi-autoregressive blocks (LLaDA ``block_length``): positions split into contiguous
    blocks filled left to right; inside a block each step reveals a uniformly random subset
    of its masked positions, with sizes from the block's own sub-schedule.

    ``blocks``: a block length (then ``L`` is needed, the last block takes the remainder) or a
    sequence of block lengths. ``sub_schedules``: one for every block or a list, each an int
    ``K`` (``balanced(len, min(K, len))``), a tuple of sizes, or a chain schedule of the block's
    length (random sizes allowed). State ``(block index, sub-state)``.
    """

    uniform_positions = False

    def __init__(self, blocks, sub_schedules=1, L: int | None = None):
        if isinstance(blocks, (int, np.integer)) and not isinstance(blocks, bool):
            if L is None:
                raise ValueError("SemiAR with a block length needs L; pass L=... or a list of block lengths")
            L, bl = _check_L(L), int(blocks)
            if bl < 1:
                raise ValueError(f"block_length must be a positive integer, got {blocks!r}")
            if bl > L:
                raise ValueError(f"block_length {bl} exceeds the length L={L}; give a block length in 1..{L}")
            k = sub_schedules
            if isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k > bl:
                raise ValueError(
                    f"{k} steps per block exceed the block length {bl} (a step reveals at least one "
                    f"position); give at most {bl} steps per block"
                )
            lengths = [bl] * (L // bl) + ([L % bl] if L % bl else [])
        else:
            try:
                lengths = [int(b) for b in blocks]
            except (TypeError, ValueError):
                raise ValueError(f"blocks must be a block length or a sequence of lengths, got {blocks!r}") from None
            if not lengths or any(b < 1 for b in lengths):
                raise ValueError(f"block lengths must be positive integers, got {blocks!r}")
            if L is not None and sum(lengths) != L:
                raise ValueError(f"block lengths {lengths} sum to {sum(lengths)}, not L={L}")
        self.lengths, self.L = lengths, sum(lengths)
        self.offsets = list(cumulative(lengths))
        subs = sub_schedules if isinstance(sub_schedules, list) else [sub_schedules] * len(lengths)
        if len(subs) != len(lengths):
            raise ValueError(f"give one sub-schedule per block ({len(lengths)}), got {len(subs)}")
        self.subs = [self._sub(s, n) for s, n in zip(subs, lengths)]

    @staticmethod
    def _sub(spec, n):
        if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
            if spec < 1:
                raise ValueError(f"steps per block must be positive, got {spec}")
            return FixedSizes(balanced(n, min(int(spec), n)))
        return as_schedule(spec, n)

    def exact(self):
        return all(s.exact() for s in self.subs)

    def start(self):
        return (0, self.subs[0].start())

    def moves(self, t, a):
        b, sub_state = a
        o, sub = self.offsets[b], self.subs[b]
        block_mask = ((1 << self.lengths[b]) - 1) << o
        prefix = (1 << o) - 1
        out = []
        for mv in sub.moves(t - o, sub_state):
            allowed = block_mask if mv.allowed is None else mv.allowed << o
            state = (b, mv.state)
            if mv.t == self.lengths[b] and b + 1 < len(self.lengths):
                state = (b + 1, self.subs[b + 1].start())
            out.append(Move(o + mv.t, state, mv.prob, mv.size, mv.m, allowed, prefix | (mv.required << o)))
        return out

    def __repr__(self):
        return f"SemiAR(lengths={self.lengths}, subs={self.subs})"


class DecodingRule:
    """A decoding procedure that computes its own output law (value-adaptive rules, presets).

    Subclasses live above the engine and define ``law(p, predictor=None)``; the engine's
    ``sampler_law`` hands such a rule the law instead of running the chain DP.
    """

    def law(self, p, predictor=None):  # pragma: no cover - abstract
        raise NotImplementedError


def as_schedule(obj, L: int) -> Schedule:
    """A chain schedule of length ``L`` from a tuple of sizes or a schedule object."""
    if isinstance(obj, Schedule):
        if obj.L != L:
            raise ValueError(f"the schedule has length {obj.L}, the law has L={L}; build it for L={L}")
        return obj
    if isinstance(obj, DecodingRule):
        raise ValueError(f"{obj} is a decoding rule with its own law; use sampler_law (which dispatches) or its .law()")
    return FixedSizes(validate_sizes(obj, L), L)


def is_fixed(obj) -> bool:
    return not isinstance(obj, (Schedule, DecodingRule))


# ----------------------------------------------------------------------------------------
# what the chain says about the sizes
# ----------------------------------------------------------------------------------------
def chain_probabilities(schedule: Schedule) -> dict:
    """``P(the chain visits (t, a))`` for every reachable state, exact when the schedule is."""
    start = (0, schedule.start())
    prob = {start: Fraction(1) if schedule.exact() else 1.0}
    heap = [start]
    seen = {start}
    out = {}
    while heap:
        t, a = heapq.heappop(heap)
        p = prob.pop((t, a))
        out[(t, a)] = p
        if t == schedule.L:
            continue
        for mv in schedule.moves(t, a):
            key = (mv.t, mv.state)
            if mv.t == t and not key > (t, a):
                raise ValueError(f"schedule move {mv} from {(t, a)} does not advance; size-0 moves need a larger state")
            prob[key] = prob.get(key, 0) + p * mv.prob
            if key not in seen:
                seen.add(key)
                heapq.heappush(heap, key)
    return out


def reveals_by_context(schedule: Schedule) -> list:
    """``n_t`` = expected number of tokens revealed by steps whose context has ``t`` tokens."""
    n = [0] * (schedule.L + 1)
    for (t, a), p in chain_probabilities(schedule).items():
        if t < schedule.L:
            for mv in schedule.moves(t, a):
                n[t] = n[t] + p * mv.prob * mv.size
    return n[: schedule.L]


def expected_N(schedule, L: int | None = None) -> list:
    """``[E[N_1], ..., E[N_{L-1}]]`` of (E4): ``N_j`` = tokens revealed in the same step as the
    ``j``-th revealed token and after it. Exact (Fractions) for exact schedules."""
    if is_fixed(schedule) and L is None:
        L = sum(int(s) for s in schedule)
    sched = as_schedule(schedule, L if L is not None else schedule.L)
    L = sched.L
    EN = [Fraction(0) if sched.exact() else 0.0 for _ in range(L - 1)]
    for (t, a), p in chain_probabilities(sched).items():
        if t == L:
            continue
        for mv in sched.moves(t, a):
            for j in range(t + 1, min(mv.t, L - 1) + 1):
                EN[j - 1] = EN[j - 1] + p * mv.prob * (mv.t - j)
    return EN


def size_law(schedule, L: int | None = None) -> dict:
    """Exact law of the (non-zero) step sizes: ``{sizes tuple: probability}``. Small ``L`` only:
    it follows every path of the chain."""
    sched = as_schedule(schedule, L if L is not None else getattr(schedule, "L", None) or sum(schedule))
    out: dict = {}
    one = Fraction(1) if sched.exact() else 1.0

    def walk(t, a, p, sizes):
        if t == sched.L:
            out[sizes] = out.get(sizes, 0) + p
            return
        for mv in sched.moves(t, a):
            if mv.prob != 0:
                walk(mv.t, mv.state, p * mv.prob, sizes + ((mv.size,) if mv.size else ()))

    walk(0, sched.start(), one, ())
    return out
