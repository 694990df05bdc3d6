"""Schedules: step sizes in reveal order (THEORY.md §1-2, §5).

A fixed schedule of length ``L`` is a tuple of positive integers ``(s_1, ..., s_K)`` summing to
``L``; ``s_1`` tokens are revealed first. Cumulative counts ``t_k = s_1 + ... + s_k``.
Every named rule below returns such a tuple.

Schedules whose sizes are random (but never look at token values) and semi-autoregressive
blocks are objects with a *chain* interface that the exact DP of ``sampler.py`` runs on:
``start()`` gives the initial auxiliary state ``a`` and ``moves(t, a)`` the possible next
steps from ``t`` revealed tokens, each a :class:`Move` ``(t', a', prob, size, m, allowed,
required)``: with probability ``prob`` the step reveals a uniformly random ``size``-subset of
the ``m`` masked candidate positions (``allowed``: bitmask of the positions that may be
candidates, ``None`` = all; ``required``: positions revealed in every state after the move).
A state with ``t = L`` is final. Auxiliary states must be ordered so that a move with
``size = 0`` goes to a larger state (the DP runs states by ``(t, a)``).

* :class:`FixedSizes` (a tuple seen as a chain), :class:`Partition` (one ordered partition);
* :class:`BernoulliReveal` ``(L, rates)``: at step ``k`` each masked token is revealed with
  probability ``r_k`` (MDLM), then one clean-up step reveals the rest;
* :class:`CutPoints` ``(L, K, w)``: ``K-1`` i.i.d. cut points with pmf ``w`` on ``1..L-1``; a cut
  at ``c`` starts a new step at the ``(c+1)``-th revealed token (THEORY (E4), ZC);
* :class:`SemiAR` ``(blocks, sub_schedules)``: contiguous blocks filled left to right (LLaDA
  ``block_length``), each with its own sub-schedule, positions uniform inside the block.

:func:`expected_N` gives ``E[N_j]`` of (E4) exactly; :func:`size_law` the exact law of the sizes;
:func:`parse_schedule_spec` reads the CLI's ``name:args`` strings.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from fractions import Fraction
from math import comb, factorial, prod
from numbers import Rational

import numpy as np


# ----------------------------------------------------------------------------------------
# fixed sizes
# ----------------------------------------------------------------------------------------
def validate_sizes(sizes, L: int) -> tuple[int, ...]:
    """``sizes`` as a tuple of ints, checked to be positive and to sum to ``L``."""
    try:
        out = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        raise ValueError(f"sizes must be a sequence of positive integers, got {sizes!r}") from None
    if any(isinstance(s, (bool, np.bool_)) for s in sizes) or any(
        float(s) != int(s) for s in sizes
    ):
        raise ValueError(f"sizes must be integers, got {sizes!r}")
    if not out:
        raise ValueError(f"sizes must not be empty; give step sizes summing to L={L}")
    if any(s <= 0 for s in out):
        raise ValueError(f"sizes must all be positive, got {out}; drop the empty steps")
    if sum(out) != L:
        raise ValueError(f"sizes {out} sum to {sum(out)}, not L={L}; step sizes must sum to the length")
    return out


def cumulative(sizes) -> tuple[int, ...]:
    """``(t_0 = 0, t_1, ..., t_K = L)``."""
    t, out = 0, [0]
    for s in sizes:
        t += int(s)
        out.append(t)
    return tuple(out)


def pattern_count(sizes) -> int:
    """Number of ordered partitions with these sizes: ``L! / prod s_k!``."""
    return factorial(sum(sizes)) // prod(factorial(s) for s in sizes)


def sizes_from_cuts(cuts) -> tuple[int, ...]:
    """Sizes from ``L-1`` booleans: ``cuts[i]`` starts a new step after the ``(i+1)``-th token."""
    sizes, run = [], 1
    for c in cuts:
        if c:
            sizes.append(run)
            run = 1
        else:
            run += 1
    sizes.append(run)
    return tuple(sizes)


def compositions(L: int):
    """Every schedule of ``L`` (all ``2^(L-1)`` compositions), in lexicographic order."""
    if L < 1:
        raise ValueError(f"L must be >= 1, got {L}")
    for cuts in range(1 << (L - 1)):
        yield sizes_from_cuts(cuts >> i & 1 for i in range(L - 1))


def _check_L(L) -> int:
    if isinstance(L, bool) or not isinstance(L, (int, np.integer)) or L < 1:
        raise ValueError(f"L must be a positive integer, got {L!r}")
    return int(L)


def _check_K(L: int, K) -> int:
    L = _check_L(L)
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or not 1 <= K <= L:
        raise ValueError(f"the number of steps K must be an integer in 1..L={L}, got {K!r}")
    return int(K)


def _rational(x, what: str) -> Fraction:
    """A float read by its decimal repr (``0.1`` is ``1/10``), or an exact rational."""
    if isinstance(x, bool):
        raise ValueError(f"{what} must be a number, got {x!r}")
    try:
        if isinstance(x, float):
            if not math.isfinite(x):
                raise ValueError
            return Fraction(repr(x))
        if isinstance(x, (Rational, int, np.integer, str)):
            return Fraction(x if not isinstance(x, np.integer) else int(x))
        if isinstance(x, np.floating):
            return Fraction(repr(float(x)))
    except (TypeError, ValueError, ZeroDivisionError):
        pass
    raise ValueError(f"{what} must be a finite number, got {x!r}")


def _check_rho(rho) -> Fraction:
    r = _rational(rho, "rho")
    if not 0 < r <= 1:
        raise ValueError(f"rho must lie in (0, 1], got {rho!r}; it is the target fraction of DTC/TC")
    return r


def balanced(L: int, K: int) -> tuple[int, ...]:
    """``K`` sizes in ``{floor(L/K), ceil(L/K)}``, the remainder on the first steps (LLaDA)."""
    K = _check_K(L, K)
    q, r = divmod(int(L), K)
    return (q + 1,) * r + (q,) * (K - r)


def floor_last(L: int, K: int) -> tuple[int, ...]:
    """``K-1`` steps of ``floor(L/K)``, the remainder on the last step (Dream)."""
    K = _check_K(L, K)
    q = int(L) // K
    return (q,) * (K - 1) + (int(L) - q * (K - 1),)


_EPS_MDLM = 1e-3
_SIGMA_MIN, _SIGMA_MAX = 1e-4, 20.0


def _masked_fraction(kind: str, u: float) -> float:
    """MDLM's move-chance ``μ(u)`` (fraction masked at diffusion time ``u``)."""
    if kind == "loglinear":
        return (1 - _EPS_MDLM) * u
    if kind == "cosine":
        return 1 - _EPS_MDLM - (1 - _EPS_MDLM) * math.cos(math.pi * u / 2)
    return 1 - math.exp(-(_SIGMA_MIN + u * (_SIGMA_MAX - _SIGMA_MIN)))  # linear in sigma


def _from_noise(kind: str, L: int, K: int) -> tuple[int, ...]:
    K = _check_K(L, K)
    L = int(L)
    t, out = 0, []
    for k in range(1, K + 1):
        target = L if k == K else math.floor(L * (1 - _masked_fraction(kind, 1 - k / K)) + 0.5)
        nxt = min(L - (K - k), max(t + 1, target))
        out.append(nxt - t)
        t = nxt
    return tuple(out)


def cosine(L: int, K: int) -> tuple[int, ...]:
    """MDLM cosine noise ``μ(u) = 1 - ε - (1-ε) cos(πu/2)``, ``ε = 1e-3``, at ``u_k = 1 - k/K``.

    Rounding rule (shared by :func:`linear`, :func:`loglinear`): the revealed count after step
    ``k`` is ``t_k = min(L-(K-k), max(t_{k-1}+1, floor(L(1 - μ(u_k)) + 1/2)))``, ``t_K = L``:
    round half up, then clamp so that every one of the ``K`` steps reveals at least one token.
    """
    return _from_noise("cosine", L, K)


def linear(L: int, K: int) -> tuple[int, ...]:
    """MDLM linear noise ``σ(u) = σ_min + u (σ_max - σ_min)``, ``μ = 1 - exp(-σ)``
    (``σ_min = 1e-4``, ``σ_max = 20``); rounding as in :func:`cosine`."""
    return _from_noise("linear", L, K)


def loglinear(L: int, K: int) -> tuple[int, ...]:
    """MDLM log-linear noise ``σ(u) = -log(1 - (1-ε)u)``, i.e. ``μ(u) = (1-ε) u``, ``ε = 1e-3``;
    rounding as in :func:`cosine`."""
    return _from_noise("loglinear", L, K)


def geometric_dtc(L: int, rho) -> tuple[int, ...]:
    """G-DTC (THEORY §5): from ``a`` revealed go to ``b = min(L, max(a+1, floor((1+ρ)(a+1))))``.

    Guarantees ``N_j <= ρ j`` hence ``EKL <= ρ DTC``. ``ρ`` is read exactly (floats by repr).
    """
    L, r = _check_L(L), _check_rho(rho)
    a, out = 0, []
    while a < L:
        b = min(L, max(a + 1, math.floor((1 + r) * (a + 1))))
        out.append(b - a)
        a = b
    return tuple(out)


def geometric_tc(L: int, rho) -> tuple[int, ...]:
    """G-TC (THEORY §5): from ``a`` revealed take ``s = 1 + floor(ρ (L - a - 1))``: ``EKL <= ρ TC``."""
    L, r = _check_L(L), _check_rho(rho)
    a, out = 0, []
    while a < L:
        s = 1 + math.floor(r * (L - a - 1))
        out.append(s)
        a += s
    return tuple(out)


def two_sided(L: int, rho) -> tuple[int, ...]:
    """G-MIN (THEORY §5): grow each step while ``t_k - j <= ρ j (L-j)/L`` for every ``j`` in it.

    Then ``N_j <= ρ j(L-j)/L <= ρ min(j, L-j)`` and ``EKL <= ρ min(TC, DTC)``.
    """
    L, r = _check_L(L), _check_rho(rho)
    a, out = 0, []
    while a < L:
        b = a + 1
        while b < L and all(b + 1 - j <= r * j * (L - j) / L for j in range(a + 1, b + 2)):
            b += 1
        out.append(b - a)
        a = b
    return tuple(out)


def optimal(p, K: int) -> tuple[int, ...]:
    """The minimal-EKL ``K``-step schedule of the law ``p`` (``info.optimal_schedule``)."""
    from .info import optimal_schedule

    return tuple(optimal_schedule(p, K)[0])


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
        raise ValueError(f"{what} must lie in [0, 1], got {x!r}")
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
    """``K-1`` i.i.d. cut points ``c`` with pmf ``w`` on ``1..L-1`` (THEORY (E4), ZC): the steps
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


def as_schedule(obj, L: int) -> Schedule:
    """A chain schedule of length ``L`` from a tuple of sizes or a schedule object."""
    if isinstance(obj, Schedule):
        if obj.L != L:
            raise ValueError(f"the schedule has length {obj.L}, the law has L={L}; build it for L={L}")
        return obj
    if isinstance(obj, AdaptiveSpec):
        raise ValueError(f"{obj} is value-adaptive; use exactdlm.adaptive (or sampler_law, which dispatches)")
    return FixedSizes(validate_sizes(obj, L), L)


def is_fixed(obj) -> bool:
    return not isinstance(obj, (Schedule, AdaptiveSpec))


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


# ----------------------------------------------------------------------------------------
# value-adaptive rules (computed by exactdlm.adaptive) and the CLI's spec strings
# ----------------------------------------------------------------------------------------
ADAPTIVE_RULES = ("confidence", "margin", "entropy", "threshold", "select")


@dataclass(frozen=True)
class AdaptiveSpec:
    """A value-adaptive rule: ``rule`` in :data:`ADAPTIVE_RULES`, ``sizes`` (fixed) or ``tau``."""

    rule: str
    sizes: tuple | None = None
    tau: object = None

    def law(self, p, predictor=None):
        from . import adaptive

        if self.rule == "select":
            return adaptive.sample_then_select_law(p, self.sizes, predictor)
        return adaptive.adaptive_law(p, self.rule, sizes=self.sizes, tau=self.tau, predictor=predictor)


_SPEC_HELP = (
    "sizes:2,1,1 | balanced:K | floor_last:K | cosine:K | linear:K | loglinear:K | "
    "geometric_dtc:RHO | geometric_tc:RHO | two_sided:RHO | optimal:K | bernoulli:K | "
    "bernoulli:R1,R2,.. | cutpoints:K[:uniform|tc|dtc] | semiar:BLOCK/K | confidence:K | "
    "margin:K | entropy:K | threshold:TAU | select:K"
)


def _int_arg(name, arg):
    try:
        return int(arg)
    except (TypeError, ValueError):
        raise ValueError(f"schedule {name}: expected an integer, got {arg!r}; e.g. {name}:4") from None


def parse_schedule_spec(spec: str, L: int, law=None):
    """Read a CLI schedule string; returns a tuple of sizes, a chain schedule or an :class:`AdaptiveSpec`.

    Forms: ``{_SPEC_HELP}``. ``optimal:K`` needs ``law``.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"schedule spec must be a non-empty string like 'balanced:4'; forms: {_SPEC_HELP}")
    name, _, arg = spec.strip().partition(":")
    name = name.strip().lower()
    fixed_k = {"balanced": balanced, "floor_last": floor_last, "cosine": cosine, "linear": linear,
               "loglinear": loglinear}
    rho_rules = {"geometric_dtc": geometric_dtc, "geometric_tc": geometric_tc, "two_sided": two_sided}
    if name in fixed_k:
        return fixed_k[name](L, _int_arg(name, arg))
    if name in rho_rules:
        return rho_rules[name](L, _spec_number(name, arg))
    if name == "sizes":
        return validate_sizes([_int_arg(name, x) for x in arg.split(",")], L)
    if name == "optimal":
        if law is None:
            raise ValueError("schedule optimal:K needs the law; pass law=...")
        return optimal(law, _int_arg(name, arg))
    if name == "bernoulli":
        if any(c in arg for c in "./,") :
            return BernoulliReveal(L, [Fraction(x.strip()) for x in arg.split(",")])
        return BernoulliReveal.mdlm(L, _int_arg(name, arg))
    if name == "cutpoints":
        k, _, w = arg.partition(":")
        return CutPoints(L, _int_arg(name, k), w or "uniform")
    if name == "semiar":
        bl, _, k = arg.partition("/")
        return SemiAR(_int_arg(name, bl), _int_arg(name, k or "1"), L=L)
    if name in ("confidence", "margin", "entropy", "select"):
        return AdaptiveSpec(name, balanced(L, _int_arg(name, arg)))
    if name == "threshold":
        return AdaptiveSpec(name, None, _spec_number(name, arg))
    raise ValueError(f"unknown schedule {spec!r}; forms: {_SPEC_HELP}")


def _spec_number(name, arg):
    try:
        return Fraction(arg.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"schedule {name}: expected a number like 0.5 or 1/2, got {arg!r}") from None


parse_schedule_spec.__doc__ = parse_schedule_spec.__doc__.replace("{_SPEC_HELP}", _SPEC_HELP)
