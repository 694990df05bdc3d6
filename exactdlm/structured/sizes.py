"""Schedules for the structured engines: fixed sizes and random sizes independent of the values.

The count DP (exchangeable laws) needs the law of the sequence of revealed counts
``t_0 = 0 < t_1 < ...`` as a Markov chain on states ``(t, aux)``; (E4) needs
``E[N_j]`` (docs/theory.md §4), which depends only on ``F(t, t')``, the probability that some step
goes from ``t`` revealed tokens to ``t'``:
``E[N_j] = sum_{t < j <= t'} F(t, t') (t' - j)`` (the j-th revealed token is followed in its
step by ``t' - j`` others).

Accepted schedules:

* a sequence of positive sizes summing to L (reveal order);
* **Bernoulli reveal** (MDLM-style): at step ``k = 1..K`` every masked token is revealed
  independently with probability ``r_k``; a final clean-up step reveals what is left. Any
  object with attributes ``L`` and ``rates`` (``exactdlm.schedules.BernoulliReveal`` when the
  sampler helper's version is present, or :class:`BernoulliSizes` here);
* **cut points** (ZC): ``K-1`` i.i.d. cut points ``c in 1..L-1`` with pmf ``w``; the distinct
  cuts end the blocks (at most K steps). Any object with ``L``, ``K`` and ``w``
  (``exactdlm.schedules.CutPoints`` or :class:`CutPointSizes`); ``w`` is a sequence of length
  ``L-1`` (``w[c-1]`` = mass of cut ``c``).

Exact (Fraction) rates / weights give exact chains and ``E[N_j]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import comb

import numpy as np

from ..schedules import cumulative, validate_sizes
from ._numerics import parse_distribution, parse_prob

#: most transitions a size chain may have (each is a Python tuple; the count DP then
#: costs about sum over transitions of (t+1)(t'-t+1) grid updates)
MAX_CHAIN_TRANSITIONS = 2_000_000


def _kind(schedule):
    if getattr(schedule, "uniform_positions", True) is False:
        raise ValueError(
            f"{schedule!r} does not reveal uniformly random positions (semi-AR blocks or a fixed "
            "partition); the structured engines need position-uniform schedules: pass the law as an array"
        )
    if hasattr(schedule, "rates") and hasattr(schedule, "L"):
        return "bernoulli"
    if hasattr(schedule, "w") and hasattr(schedule, "K") and hasattr(schedule, "L"):
        return "cutpoints"
    return "fixed"


def describe(schedule, L: int, exact: bool | None = None):
    """``("fixed", sizes)``, ``("bernoulli", rates)`` or ``("cutpoints", (K, w))``, validated for ``L``.

    ``exact=False`` turns rational rates / weights into floats (the float engines at large L);
    ``None`` keeps what was given.
    """
    kind = _kind(schedule)
    if kind == "fixed":
        if hasattr(schedule, "sizes") and not hasattr(schedule, "__iter__"):
            schedule = schedule.sizes  # exactdlm.schedules.FixedSizes
        if isinstance(schedule, (str, bytes)) or not hasattr(schedule, "__iter__"):
            raise ValueError(
                f"schedule must be a sequence of sizes or a random-size schedule "
                f"(Bernoulli: L, rates; cut points: L, K, w), got {schedule!r}"
            )
        return "fixed", validate_sizes(schedule, L)
    if int(schedule.L) != L:
        raise ValueError(f"schedule is for L={schedule.L}, the law has L={L}; build it for the law's length")
    if kind == "bernoulli":
        rates = [parse_prob(r, "Bernoulli rate") for r in schedule.rates]
        if not rates:
            raise ValueError("Bernoulli reveal needs at least one rate")
        if exact is False:
            rates = [float(r) for r in rates]
        return "bernoulli", tuple(rates)
    K = int(schedule.K)
    if K < 1:
        raise ValueError(f"K must be >= 1, got {K}")
    if K == 1 or L == 1:
        return "fixed", (L,)  # no cut points: one step (the weights play no part)
    w = list(schedule.w)
    if exact is False:
        w = [float(x) for x in w]
    w = parse_distribution(w, "cut-point pmf w")
    if len(w) != L - 1:
        raise ValueError(f"cut-point pmf w must have L-1 = {L - 1} entries, got {len(w)}")
    return "cutpoints", (K, w)


def _exact_params(kind, params) -> bool:
    if kind == "fixed":
        return True
    if kind == "bernoulli":
        return all(isinstance(r, Fraction) for r in params)
    return all(isinstance(x, Fraction) for x in params[1])


# ----------------------------------------------------------------------------------------
# size chains for the count DP
# ----------------------------------------------------------------------------------------
@dataclass
class SizeChain:
    """States (revealed count ``state_t[i]``) in topological order, transitions
    ``(src, dst, prob)`` sorted by ``src``; mass starts at ``start`` and ends at ``end``."""

    state_t: list
    transitions: list
    start: int
    end: int
    exact: bool
    labels: list = field(default_factory=list)


def _binom_pmf(n, r, exact):
    """``Bin(n, r)`` pmf: Fractions if ``exact``, else a float array computed in log space."""
    if exact:
        return [comb(n, j) * r**j * (1 - r) ** (n - j) for j in range(n + 1)]
    r = float(r)
    if r <= 0.0 or r >= 1.0:
        out = np.zeros(n + 1)
        out[0 if r <= 0.0 else n] = 1.0
        return out
    j = np.arange(n + 1)
    lf = _lfact(n)
    logp = lf[n] - lf[j] - lf[n - j] + j * np.log(r) + (n - j) * np.log1p(-r)
    return np.exp(logp)


_LFACT = np.zeros(1)


def _lfact(n):
    global _LFACT
    if len(_LFACT) <= n:
        from math import lgamma

        _LFACT = np.array([lgamma(k + 1.0) for k in range(max(n + 1, 2 * len(_LFACT)))])
    return _LFACT


def size_chain(schedule, L: int) -> SizeChain:
    """The Markov chain of revealed counts of ``schedule`` (fixed, Bernoulli or cut points)."""
    kind, params = describe(schedule, L)
    exact = _exact_params(kind, params)
    one = Fraction(1) if exact else 1.0
    if kind == "fixed":
        ts = list(cumulative(params))
        trans = [(k, k + 1, one) for k in range(len(params))]
        return SizeChain(ts, trans, 0, len(ts) - 1, exact, [("step", k) for k in range(len(ts))])
    if kind == "bernoulli":
        rates = params
        K = len(rates)
        est = K * (L + 1) * (L + 2) // 2
        if est > MAX_CHAIN_TRANSITIONS:
            raise ValueError(
                f"Bernoulli reveal with {K} rates at L={L} needs about {est:,} chain transitions "
                f"(over {MAX_CHAIN_TRANSITIONS:,}); the count DP costs O(K L^4): use fewer steps or a smaller L "
                "(EKL by (E4) works at any L)"
            )
        index = {}
        labels, ts = [], []

        def sid(k, t):
            if (k, t) not in index:
                index[(k, t)] = len(ts)
                ts.append(t)
                labels.append((k, t))
            return index[(k, t)]

        reach = {0: one}
        trans = []
        sid(0, 0)
        for k, r in enumerate(rates):
            nxt = {}
            for t in sorted(reach):
                pmf = _binom_pmf(L - t, r, exact)
                for j, pr in enumerate(pmf):
                    if pr == 0:
                        continue
                    trans.append((sid(k, t), sid(k + 1, t + j), pr))
                    nxt[t + j] = 1
            reach = nxt
        end = len(ts)
        ts.append(L)
        labels.append(("end", L))
        for t in sorted(reach):
            trans.append((index[(K, t)], end, one))
        return SizeChain(ts, trans, 0, end, exact, labels)
    K, w = params
    ncuts = K - 1
    tail = _tails(w, L, exact)  # tail[t] = sum_{c > t} w(c), t = 0..L-1
    est = L * K * K * L // 2
    if est > MAX_CHAIN_TRANSITIONS * 8:
        raise ValueError(
            f"cut points with K={K} at L={L} need about {est:,} chain transitions; the count DP "
            "costs O(K^2 L^4): use a smaller L or K (EKL by (E4) works at any L)"
        )
    index, ts, labels = {}, [], []

    def sid(t, m):
        if (t, m) not in index:
            index[(t, m)] = len(ts)
            ts.append(t)
            labels.append((t, m))
        return index[(t, m)]

    # states (t, m): block ended at t, m of the draws lie beyond t (i.i.d. w restricted to c > t)
    frontier = {(0, ncuts)}
    raw = []
    done = set()
    for t in range(L):
        for m in sorted({m for (tt, m) in frontier if tt == t}, reverse=True):
            if (t, m) in done:
                continue
            done.add((t, m))
            src = (t, m)
            if m == 0 or tail[t] == 0:
                raw.append((src, ("end",), one))
                continue
            for c in range(t + 1, L):
                wc = w[c - 1]
                if wc == 0:
                    continue
                beyond = tail[c]
                for m2 in range(m):  # m - m2 >= 1 draws equal to c
                    pr = comb(m, m2) * (wc / tail[t]) ** (m - m2) * (beyond / tail[t]) ** m2
                    if pr == 0:
                        continue
                    raw.append((src, (c, m2), pr))
                    frontier.add((c, m2))
        if len(raw) > MAX_CHAIN_TRANSITIONS:
            raise ValueError(
                f"cut points with K={K} at L={L} exceed {MAX_CHAIN_TRANSITIONS:,} chain transitions; "
                "use a smaller L or K"
            )
    for (t, m) in sorted(done):
        sid(t, m)
    end = len(ts)
    ts.append(L)
    labels.append(("end", L))
    trans = [(index[s], end if d == ("end",) else index[d], pr) for s, d, pr in raw]
    trans.sort(key=lambda e: e[0])
    return SizeChain(ts, trans, index[(0, ncuts)], end, exact, labels)


def _tails(w, L, exact):
    """``tail[t] = sum_{c=t+1}^{L-1} w(c)`` for t = 0..L-1 (``w[c-1]`` is the mass of cut c)."""
    tail = [None] * L
    acc = Fraction(0) if exact else 0.0
    tail[L - 1] = acc
    for t in range(L - 2, -1, -1):
        acc = acc + w[t]
        tail[t] = acc
    return tail


# ----------------------------------------------------------------------------------------
# step-transition marginals F(t, t') and E[N_j] for (E4)
# ----------------------------------------------------------------------------------------
def expected_N(schedule, L: int, exact: bool | None = None):
    """``[None, E[N_1], ..., E[N_{L-1}]]`` (docs/theory.md (E4)): Fractions for exact schedules, else floats.

    Fixed sizes: ``N_j = t_k - j`` for the block holding ``j``. Cut points: ZC's
    ``E[N_j] = sum_{m=j}^{L-1} (1 - sum_{c=j}^m w(c))^(K-1)``. Bernoulli reveal: from the
    law of the revealed count after each step (O(K L^2)).
    """
    kind, params = describe(schedule, L, exact=False if exact is False else None)
    if exact is None:
        exact = _exact_params(kind, params)
    elif exact and not _exact_params(kind, params):
        raise ValueError("exact E[N_j] needs rational rates / cut-point weights (Fractions)")
    zero = Fraction(0) if exact else 0.0
    EN = [zero] * L
    if kind == "fixed":
        ts = cumulative(params)
        for k in range(1, len(ts)):
            for j in range(ts[k - 1] + 1, ts[k] + 1):
                if j < L:
                    EN[j] = zero + (ts[k] - j)
        return EN
    if kind == "cutpoints":
        K, w = params
        if not exact:
            w = np.asarray([float(x) for x in w])
            for j in range(1, L):
                run = np.cumsum(w[j - 1:])  # sum_{c=j}^{m} w(c), m = j..L-1
                EN[j] = float(np.sum(np.clip(1.0 - run, 0.0, None) ** (K - 1)))
            return EN
        for j in range(1, L):
            run, acc = zero, zero
            for m in range(j, L):
                run += w[m - 1]
                acc += (1 - run) ** (K - 1)
            EN[j] = acc
        return EN
    rates = params
    return _bernoulli_expected_N(rates, L, exact)


def _count_laws_bernoulli(rates, L, exact):
    """Law of the revealed count before each step: list of K arrays/lists over t = 0..L."""
    laws = []
    cur = [Fraction(0)] * (L + 1) if exact else np.zeros(L + 1)
    cur[0] = Fraction(1) if exact else 1.0
    for r in rates:
        laws.append(cur)
        nxt = [Fraction(0)] * (L + 1) if exact else np.zeros(L + 1)
        for t in range(L + 1):
            if cur[t] == 0:
                continue
            pmf = _binom_pmf(L - t, r, exact)
            if exact:
                for j, pr in enumerate(pmf):
                    nxt[t + j] += cur[t] * pr
            else:
                nxt[t:] += cur[t] * pmf
        cur = nxt
    laws.append(cur)  # before the clean-up step
    return laws


def _bernoulli_expected_N(rates, L, exact):
    laws = _count_laws_bernoulli(rates, L, exact)
    zero = Fraction(0) if exact else 0.0
    # F(t, t') accumulated into E[N_j] = sum_{t<j<=t'} F(t,t') (t'-j)
    EN = [zero] * L
    if not exact:
        F = np.zeros((L + 1, L + 1))
        for k, r in enumerate(rates):
            for t in range(L + 1):
                if laws[k][t] == 0:
                    continue
                pmf = np.array(_binom_pmf(L - t, r, False))
                F[t, t:] += laws[k][t] * pmf
        last = laws[-1]
        for t in range(L):
            F[t, L] += last[t]
        np.fill_diagonal(F, 0.0)
        col = np.zeros(L + 1)  # sum_{t<j} F(t, t')
        tp = np.arange(L + 1)
        for j in range(1, L):
            col += F[j - 1]
            EN[j] = float(np.sum(np.where(tp >= j, (tp - j) * col, 0.0)))
        return EN
    F = [[zero] * (L + 1) for _ in range(L + 1)]
    for k, r in enumerate(rates):
        for t in range(L + 1):
            if laws[k][t] == 0:
                continue
            for j, pr in enumerate(_binom_pmf(L - t, r, True)):
                if j:
                    F[t][t + j] += laws[k][t] * pr
    for t in range(L):
        F[t][L] += laws[-1][t]
    for j in range(1, L):
        EN[j] = sum((F[t][tp] * (tp - j) for t in range(j) for tp in range(j, L + 1)), zero)
    return EN


class StepLaw:
    """``F(t, t')``: probability that some step goes from ``t`` revealed tokens to ``t' > t``.

    Fixed sizes: 1 on consecutive cumulative counts. Bernoulli reveal:
    ``sum_k P(t before step k) Bin(L-t, r_k)(t'-t)`` plus the clean-up step to ``L``. Cut
    points (``n = K-1`` i.i.d. draws): ``t`` and ``t'`` are consecutive block ends when no draw
    falls strictly between them and some draw equals ``t`` (if ``t > 0``) and ``t'`` (if
    ``t' < L``); by inclusion-exclusion with ``q0 = 1 - w(t+1..t'-1)``:
    ``q0^n - (q0-w_t)^n - (q0-w_t')^n + (q0-w_t-w_t')^n`` (terms dropped at the ends).
    """

    def __init__(self, schedule, L: int, exact: bool | None = None):
        self.L = L
        self.kind, self.params = describe(schedule, L, exact=False if exact is False else None)
        self.exact = _exact_params(self.kind, self.params)
        if exact and not self.exact:
            raise ValueError("exact step laws need rational rates / cut-point weights (Fractions)")
        self.zero = Fraction(0) if self.exact else 0.0
        self._pmfs = {}
        if self.kind == "fixed":
            self._pairs = set(zip(cumulative(self.params)[:-1], cumulative(self.params)[1:]))
        elif self.kind == "bernoulli":
            self._laws = _count_laws_bernoulli(self.params, L, self.exact)
        else:
            K, w = self.params
            self._n = K - 1
            self._w = {c: w[c - 1] for c in range(1, L)}
            pref = [self.zero] * (L + 1)
            for c in range(1, L):
                pref[c] = pref[c - 1] + self._w[c]
            pref[L] = pref[L - 1]
            self._pref = pref

    def _pmf(self, n, r):
        key = (n, r)
        if key not in self._pmfs:
            self._pmfs[key] = _binom_pmf(n, r, self.exact)
        return self._pmfs[key]

    def F(self, t: int, tp: int):
        L = self.L
        if not 0 <= t < tp <= L:
            return self.zero
        if self.kind == "fixed":
            return self.zero + (1 if (t, tp) in self._pairs else 0)
        if self.kind == "bernoulli":
            total = self.zero
            for k, r in enumerate(self.params):
                if self._laws[k][t] != 0:
                    total += self._laws[k][t] * self._pmf(L - t, r)[tp - t]
            if tp == L:
                total += self._laws[-1][t]
            return total
        n = self._n
        if t > 0 and n == 0:
            return self.zero
        q0 = 1 - (self._pref[tp - 1] - self._pref[t])
        wt = self._w[t] if t > 0 else None
        wtp = self._w[tp] if tp < L else None
        pr = q0**n
        if wt is not None:
            pr -= (q0 - wt) ** n
        if wtp is not None:
            pr -= (q0 - wtp) ** n
        if wt is not None and wtp is not None:
            pr += (q0 - wt - wtp) ** n
        return pr


def first_passage(schedule, L: int, k: int, exact: bool | None = None):
    """Law of ``T``, the first revealed count ``>= k`` (``{T: prob}``): ``P(T = τ) = sum_{t<k} F(t, τ)``.

    Used by MDS codes (``k`` = dimension) and the repeated symbol (``k = 1``: the first step).
    """
    law = StepLaw(schedule, L, exact)
    if law.kind == "fixed":
        T = next(t for t in cumulative(law.params) if t >= k)
        return {T: law.zero + 1}
    if law.kind == "cutpoints" and not law.exact:
        return _first_passage_cut_float(law, L, k)
    out = {}
    for tp in range(k, L + 1):
        pr = sum((law.F(t, tp) for t in range(0, k)), law.zero)
        if pr != 0:
            out[tp] = pr
    return out


def _pow_diff(a, b, n):
    """``a^n - b^n`` for ``a >= b >= 0`` without cancellation: ``-a^n expm1(n log1p(-(a-b)/a))``."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(a > 0, (a - b) / np.where(a > 0, a, 1.0), 0.0)
        out = -(a**n) * np.expm1(n * np.log1p(-np.clip(r, 0.0, 1.0)))
    return np.where(a > 0, out, 0.0)


def _first_passage_cut_float(law, L, k):
    """``P(T = τ)`` for cut points in floats, vectorized over the previous block end ``t < k``."""
    n = law._n
    pref = np.array([float(x) for x in law._pref])
    w = np.array([0.0] + [float(law._w[c]) for c in range(1, L)] + [0.0])  # w[0] = w[L] = 0
    ts = np.arange(0, k)
    out = {}
    for tp in range(k, L + 1):
        q0 = 1.0 - (pref[tp - 1] - pref[ts])
        wt = w[ts]
        if tp < L:
            inner = _pow_diff(q0, q0 - wt, n) - _pow_diff(q0 - w[tp], q0 - wt - w[tp], n)
            first = _pow_diff(q0, q0 - w[tp], n)[0]  # t = 0: no draw needed at t
        else:
            inner = _pow_diff(q0, q0 - wt, n)
            first = q0[0] ** n
        pr = first + float(np.sum(inner[1:])) if n > 0 else (first if tp == L else 0.0)
        if pr > 0:
            out[tp] = pr
    return out


def last_step_from(schedule, L: int, exact: bool | None = None):
    """Law of the revealed count before the last step: ``{t: F(t, L)}``."""
    law = StepLaw(schedule, L, exact)
    return {t: law.F(t, L) for t in range(L) if law.F(t, L) != 0}
