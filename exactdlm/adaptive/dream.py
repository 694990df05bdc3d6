"""Dream's sampler, exactly as its code decides (docs/theory.md §2a).

Modelled on Dream's ``generation_utils.py`` as vendored in ``NVlabs/Fast-dLLM``
(``dream/model/generation_utils.py``: ``DreamGenerationMixin._sample`` and ``sample_tokens``;
the network replaced by the predictor's conditionals, no prompt, ``top_p = top_k = None``).

* :func:`timesteps`: ``torch.linspace(1, eps, steps + 1)`` in float32, as torch's CPU kernel
  computes it (``aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp: linspace_kernel``):
  ``step = (end - start) / (n - 1)`` (two float32 roundings); index ``i < n // 2`` is
  ``start + step·i``, the others ``end - step·(n - 1 - i)``. The kernel file is compiled once per
  CPU capability: the AVX2/AVX512 builds (what current CPUs dispatch to) contract ``a + b·c`` into a
  fused multiply-add, one rounding per element (``linspace="fma"``, the default); the
  ``ATEN_CPU_CAPABILITY=default`` build rounds the product and the sum (``linspace="scalar"``).
  At ``eps = 1e-3`` the two give the same step counts for every ``L`` and ``S <= 64``; elsewhere
  they can differ (``L = 7``, ``S = 6``, ``eps = 2/5``: ``(1, 6)`` with FMA, ``(1, 1, 5)`` without).
* ``alg='origin'``: on step ``i`` (``t = ts[i]``, ``s = ts[i+1]``) every masked token is
  revealed independently with probability ``1 - s/t`` (float32; ``1`` on the last step) and
  its token drawn by ``sample_tokens``. The probability is the float32 number itself, an
  exact dyadic rational (``torch.rand < p`` is read as a continuous uniform).
* Other algorithms: ``sample_tokens`` draws every masked token at temperature ``T`` (from
  ``softmax(logits / T)``; ``T = 0``: ``probs.max``, lowest value on ties) and scores it —
  ``maskgit_plus``: the drawn token's probability under the *tempered* law (``T = 0``: the
  max probability); ``topk_margin``: top-1 minus top-2 of the tempered law; ``entropy``:
  ``sum probs·log(probs + 1e-10)`` of the tempered law, taken here as ``-H`` exactly (the
  ``1e-10`` moves scores by about ``1e-10`` times the support size; it only orders rows of
  exactly equal entropy and different supports, which this model treats as tied).
  :func:`transfer_counts`: ``k = int(m·(1 - s/t))`` of the ``m`` masked tokens in float32
  (``m`` a float32 from ``mask_index.sum() / batch``), all ``m`` on the last step; steps with
  ``k = 0`` reveal nothing. ``alg_temp = 0``: ``torch.topk`` keeps the ``k`` best scores;
  ``alg_temp > 0``: ``torch.multinomial(softmax(score / alg_temp), k)`` without replacement.

Exact ties between scores are broken uniformly (``ties="uniform"``) or to the lowest index
(``ties="lowest"``); ``torch.topk``'s order on exact ties is implementation-defined.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..schedules import DecodingRule
from .core import neg_entropy
from .steplaw import (
    MAX_TEMPERATURE,
    BITS_SCALE,
    StepEngine,
    as_float,
    bernoulli_choices,
    bounded_power,
    check_count,
    check_number,
    check_ties,
    check_work,
    count_text,
    draw_then_pick,
    draw_width,
    exact_guess,
    law_for,
    layer_states,
    op_growth,
    path_bits,
    pick_then_draw,
    run_chain,
    softmax_choices,
    top_k_choices,
)

ALGS = ("origin", "maskgit_plus", "topk_margin", "entropy")
#: operations per score of each algorithm (an entropy is a log-form; comparing two is certified)
SCORE_COST = {"origin": 0, "maskgit_plus": 0, "topk_margin": 2, "entropy": 10}
DEFAULT_EPS = Fraction(1, 1000)


#: seconds per step of :func:`timesteps`, :func:`transfer_counts`, :func:`origin_probabilities`
#: (Python loops over float32 scalars; measured 0.6, 1.6 and 2.4 us)
TIMESTEP_SECONDS, COUNT_SECONDS, PROBABILITY_SECONDS = 0.6e-6, 1.6e-6, 2.4e-6


def _check_steps(steps: int, per_step: float, what: str) -> None:
    """Refuse a list of ``steps`` entries over the time or memory cap, before building it."""
    from ..laws.budget import check_time
    from ..laws.joint import check_fits

    if not (isinstance(steps, int) and steps >= 1):
        raise ValueError(f"dream: steps must be a positive integer, got {steps!r}")
    what = f"dream: {what} of {count_text(steps)} steps"
    check_time(per_step * as_float(steps), what, "use fewer steps")
    check_fits(64 * steps, what)


LINSPACE_KERNELS = ("fma", "scalar")


def _round_f32(x: Fraction) -> np.float32:
    """The float32 nearest to the rational ``x`` (ties to even): one rounding, as an FMA does."""
    c = np.float32(float(x))  # float64 then float32 can round twice: check the neighbours
    best = c
    for cand in (np.nextafter(c, np.float32(-np.inf)), np.nextafter(c, np.float32(np.inf))):
        d_best, d_cand = abs(Fraction(float(best)) - x), abs(Fraction(float(cand)) - x)
        if d_cand < d_best or (d_cand == d_best and int(cand.view(np.uint32)) % 2 == 0):
            best = cand
    return np.float32(best)


def timesteps(steps: int, eps, kernel: str = "fma") -> np.ndarray:
    """``torch.linspace(1, eps, steps + 1)`` in float32 (CPU kernel; ``kernel``: "fma" or "scalar")."""
    if kernel not in LINSPACE_KERNELS:
        raise ValueError(f"dream: linspace must be fma or scalar, got {kernel!r}")
    _check_steps(steps, TIMESTEP_SECONDS, "the timesteps")
    n = steps + 1
    f = np.float32
    start, end = f(1.0), f(float(eps))
    if n == 1:
        return np.array([start], dtype=f)
    step = f(f(end - start) / f(n - 1))
    half = n // 2
    if kernel == "scalar":
        out = [f(start + f(step * f(i))) if i < half else f(end - f(step * f(n - 1 - i))) for i in range(n)]
    else:
        S, E, D = Fraction(float(start)), Fraction(float(end)), Fraction(float(step))
        out = [_round_f32(S + D * i) if i < half else _round_f32(E - D * (n - 1 - i)) for i in range(n)]
    return np.array(out, dtype=f)


def _one_minus_ratio(ts: np.ndarray, i: int) -> np.float32:
    """``1 - s/t`` in float32 for the step ``t = ts[i] -> s = ts[i+1]``."""
    f = np.float32
    return f(f(1.0) - f(ts[i + 1] / ts[i]))


def transfer_counts(L: int, steps: int, eps=DEFAULT_EPS, kernel: str = "fma") -> tuple[int, ...]:
    """Dream's tokens per step from ``L`` masked: ``int(m·(1 - s/t))`` in float32, the rest last."""
    _check_steps(steps, COUNT_SECONDS, "the transfer counts")
    ts = timesteps(steps, eps, kernel)
    m, out = L, []
    for i in range(steps):
        k = int(np.float32(m) * _one_minus_ratio(ts, i)) if i < steps - 1 else m
        out.append(k)
        m -= k
    return tuple(out)


def origin_probabilities(steps: int, eps=DEFAULT_EPS, kernel: str = "fma") -> tuple[Fraction, ...]:
    """``origin``'s per-token reveal probability on each step: the float32 ``1 - s/t`` exactly, ``1`` last."""
    _check_steps(steps, PROBABILITY_SECONDS, "the reveal probabilities")
    ts = timesteps(steps, eps, kernel)
    return tuple(Fraction(float(_one_minus_ratio(ts, i))) if i < steps - 1 else Fraction(1) for i in range(steps))


@dataclass(frozen=True)
class Dream(DecodingRule):
    """``dream:steps=S,alg=origin|maskgit_plus|topk_margin|entropy,T=t,alg_temp=a,eps=e``."""

    L: int
    steps: int
    alg: str = "origin"
    T: Fraction = Fraction(0)
    alg_temp: Fraction = Fraction(0)
    eps: Fraction = DEFAULT_EPS
    ties: str = "uniform"
    linspace: str = "fma"
    top_p: Fraction = Fraction(1)  # 1: off (the code applies it when top_p < 1)
    top_k: int = 0  # 0: off (the code's None)

    def __post_init__(self):
        check_count("dream", "L", self.L)
        check_count("dream", "steps", self.steps)
        if self.alg not in ALGS:
            raise ValueError(f"dream: alg must be one of {', '.join(ALGS)}, got {self.alg!r}")
        check_number("dream", "T", self.T, 0, MAX_TEMPERATURE)
        check_number("dream", "alg_temp", self.alg_temp, 0, MAX_TEMPERATURE)
        if self.alg == "origin" and self.alg_temp != 0:
            raise ValueError("dream: alg_temp applies to maskgit_plus/topk_margin/entropy; origin ignores it, drop alg_temp")
        check_number("dream", "eps", self.eps, 0, 1, open_low=True, open_high=True)
        check_ties(self.ties)
        if self.linspace not in LINSPACE_KERNELS:
            raise ValueError(f"dream: linspace must be fma or scalar, got {self.linspace!r}")
        if not 0 < Fraction(self.top_p) <= 1:
            raise ValueError(f"dream: top_p must lie in (0, 1] (1 = off), got {self.top_p}")
        if not (isinstance(self.top_k, int) and self.top_k >= 0):
            raise ValueError(f"dream: top_k must be an integer >= 0 (0 = off), got {self.top_k!r}")

    def work(self, law, predictor=None) -> float:
        """Refuse when the chain's estimated time or memory is over the caps (``steplaw.check_work``).

        Every one of the ``S`` steps runs (no state is revealed before the last). First a floor
        without listing the steps (each step reads the rows of at least one state), then, once
        the step list itself fits, the count: ``origin`` reveals by coins on every step, all
        ``C(L, m) V^(L-m)`` states with ``(d+1)^m`` children each, its weights growing by the
        float32 probabilities' bits every step; the other algorithms reveal on the steps with
        ``k >= 1`` (at most ``L``), per state ``m`` rows, ``m`` scores ranked and ``d^k``
        children (``maskgit_plus``: ``d^m`` draws scored; ``alg_temp > 0``: every order of ``k``
        positions), and carry the states over on the others.
        """
        L, V, S = law.L, law.V, self.steps
        soft = self.alg_temp > 0
        exact = exact_guess(law, predictor, self.T, float_only=soft)
        d = draw_width(V, self.T)
        check_work("dream", L, V, S, ops=S * (3 * V + 1), states=1, exact=exact, detail="at least one state a step")
        picks = "random" if self.alg == "origin" or soft else ("drawn" if self.alg == "maskgit_plus" else "context")
        bits = path_bits(law, self.T) / 2 if exact else 0.0
        if self.alg == "origin":
            probs = origin_probabilities(S, self.eps)
            per_round = sum(layer_states(L, V, m, d, "random") * (3 * m * V + bounded_power(d + 1, m) * (2 + m / 2))
                            for m in range(1, L + 1))
            peak = sum(layer_states(L, V, m, d, "random") for m in range(1, L + 1))
            if exact:  # a weight after r steps carries about (L+1)/2 probabilities' bits per step
                pbits = np.array([x.denominator.bit_length() for x in probs], dtype=float)
                grown = bits + (L + 1) / 2 * np.concatenate(([0.0], np.cumsum(pbits)[:-1]))
                ops = per_round * float(np.sum(1 + (grown / BITS_SCALE) ** 1.5))
            else:
                ops = per_round * S
            return check_work("dream", L, V, S, ops=ops, states=peak, exact=exact, detail="alg=origin")
        counts = np.array(transfer_counts(L, S, self.eps))
        masked = L - np.concatenate(([0], np.cumsum(counts)[:-1]))
        ops = peak = 0.0
        idle = np.bincount(masked[counts == 0], minlength=L + 1)
        for m in range(1, L + 1):
            if idle[m]:
                ops += idle[m] * layer_states(L, V, m, d, picks) * (3 * m * V + 1)
        for m, k in zip(masked[counts > 0], counts[counts > 0]):
            m, k = int(m), int(k)
            states = layer_states(L, V, m, d, picks)
            per = 3 * m * V + m * math.log2(m + 1) * (SCORE_COST[self.alg] + 1)
            if self.alg == "maskgit_plus":
                per += bounded_power(d, m) * (3 * m + 3 + 1.5 * m * math.log2(m + 1))
            if soft:
                per += math.perm(m, k) * (k + 2)
            per += math.comb(m, k) * bounded_power(d, k) * (k + 2) if soft else bounded_power(d, k) * (k + 2)
            ops, peak = ops + states * per, max(peak, states)
        growth = op_growth(bits) if exact else 1.0
        return check_work("dream", L, V, S, ops=ops * growth, states=peak, exact=exact, detail=f"alg={self.alg}")

    def law(self, p, predictor=None):
        law = law_for("dream", self.L, p)
        L, V = law.L, law.V
        soft = self.alg_temp > 0
        self.work(law, predictor)
        eng = StepEngine(law, predictor, self.T, self.ties, float_only=soft)
        if self.alg == "origin":
            probs = origin_probabilities(self.steps, self.eps, self.linspace)
            probs = probs if eng.exact else tuple(float(x) for x in probs)
        else:
            counts = transfer_counts(L, self.steps, self.eps, self.linspace)

        def pick(k):
            if soft:
                return lambda scores: softmax_choices(scores, k, float(self.alg_temp))
            return lambda scores: top_k_choices(scores, k, self.ties, eng.exact, eng.one)

        def step(state, i):
            masked = [j for j in range(L) if state[j] == V]
            seen, draws = seen_and_draws(eng, state, masked, self.top_p, self.top_k)
            if self.alg == "origin":
                children = pick_then_draw(state, bernoulli_choices(masked, probs[i], eng.one), draws)
            elif counts[i] == 0:
                children = [(state, eng.one)]
            elif self.alg == "maskgit_plus":
                children = draw_then_pick(state, draws, lambda j, v: seen[j][v], pick(counts[i]))
            else:
                scores = {j: _row_score(self.alg, seen[j], eng.exact) for j in masked}
                children = pick_then_draw(state, pick(counts[i])(scores), draws)
            for child, pr in children:
                yield child, i + 1, pr

        return run_chain(L, V, eng.exact, step, rounds=self.steps)


def seen_and_draws(eng, state, positions, top_p, top_k: int):
    """``(seen, draws)`` for each position ``j`` of ``positions`` in ``state``: ``seen[j]`` the law
    ``sample_tokens``' confidence reads -- tempered at ``T > 0``, the model's own at ``T = 0``
    (``probs.max``) -- truncated by ``top_p`` / ``top_k`` (:func:`truncate`); ``draws[j]`` the token
    draws (from the tempered, truncated law at ``T > 0``; the argmax at ``T = 0`` is always kept)."""
    rows = {j: eng.row(state, j) for j in positions}
    temp = {j: eng.tempered(rows[j]) for j in positions}
    seen = temp if eng.T > 0 else rows
    if top_p < 1 or top_k:
        seen = {j: truncate(seen[j], top_p, top_k, eng.exact) for j in positions}
        temp = seen if eng.T > 0 else temp
    return seen, {j: eng.draws(temp[j]) for j in positions}


def truncate(row: list, top_p, top_k: int, exact: bool) -> list:
    """``sample_tokens``' ``top_p_logits`` then ``top_k_logits`` on a row, renormalised (``softmax``).

    top-p: sorted decreasingly (exact ties: lower value first), a value is removed when the
    cumulative probability *before* it already exceeds ``top_p`` (the first always stays); top-k:
    removed when below the ``k``-th largest remaining value (ties at the ``k``-th all stay; removed
    values count as ``-inf``).
    """
    V = len(row)
    keep = [True] * V
    if top_p < 1:
        tp = Fraction(top_p) if exact else float(top_p)
        cum = 0
        for r, v in enumerate(sorted(range(V), key=lambda u: (-row[u], u))):
            if r > 0 and cum > tp:
                keep[v] = False
            cum = cum + row[v]
    if top_k:
        vals = sorted((row[v] for v in range(V) if keep[v]), reverse=True)
        if len(vals) >= top_k:
            kth = vals[min(top_k, V) - 1]
            keep = [keep[v] and row[v] >= kth for v in range(V)]
    z = sum(row[v] for v in range(V) if keep[v])
    return [row[v] / z if keep[v] else 0 * row[v] for v in range(V)]


def _row_score(alg: str, row: list, exact: bool):
    if alg == "topk_margin":
        top = sorted(row, reverse=True)
        return top[0] - top[1]
    return neg_entropy(row, exact)
