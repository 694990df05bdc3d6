"""Transition-level metrics of a sampler's output on a Markov chain, without sampling noise
(issue 22; docs/theory.md §3, "Transition-level metrics").

The peer study (Tang et al., ICML 2026, ``LuhanTang/dllm_sampler``, ``sampler/metrics_full.py``)
pools the bigrams of ``N`` sampled sequences of length ``L`` (``M = N (L-1)`` of them) and reports

* the transition-KL rate ``sum_u w(u) KL(p̂(.|u) || P(u,.))`` and the TV rate
  ``sum_u w(u) TV(p̂(.|u), P(u,.))``, ``w(u)`` the share of bigrams starting with ``u``;
* the unigram L1 distance ``sum_x |f̂(x) - pi(x)|`` of the token frequencies to the stationary law;
* the NLL per token ``-mean log P(x_{i+1} | x_i)`` over the bigrams.

As ``N -> infinity`` the pooled bigram frequencies tend to ``B = mean_i q(x_i, x_{i+1})`` and
the token frequencies to ``mean_i q(x_i)``, so :func:`metrics_from_pairs` gives the
*population* values of those metrics exactly from the adjacent-pair marginals of ``q``
(``markov_pairs.pair_marginals`` for one partition). For the mixture over random partitions
(what a sampler with random positions outputs) the pair marginals are averaged over
partitions: :func:`mixture_metrics` does it over sampled partitions (no token noise) and
states a jackknife confidence interval; that label goes with every value it returns.

:func:`peer_estimator` is a float64 port of the peer's estimator on integer samples and
:func:`finite_sample_floor` what it reads for a *perfect* sampler (samples of ``p`` itself):
a Monte-Carlo mean with its standard error, beside the asymptotic
``sum_u (k_u - 1) / (2 M)`` (``k_u`` = support size of row ``u``; the chi-square limit of the
Markov likelihood-ratio statistic, Anderson & Goodman 1957).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..laws import budget
from .markov import MarkovChain
from .markov_pairs import _Powers, pair_marginals, sample_partition

METRICS = ("transition_kl_rate", "transition_tv_rate", "unigram_l1", "nll_per_token")


def _chain_arrays(chain: MarkovChain):
    P = np.array(chain.P, dtype=float)
    from ..laws import families

    pi = np.array(families._stationary(chain.P, chain.exact), dtype=float)
    return P, pi


def metrics_from_bigrams(B: np.ndarray, uni: np.ndarray, P: np.ndarray, pi: np.ndarray) -> dict:
    """The four metrics from pooled bigram frequencies ``B`` (``V x V``, sums to 1) and token
    frequencies ``uni``; ``inf`` where ``B`` puts mass on a transition ``P`` forbids."""
    w = B.sum(axis=1)
    pos = B > 0
    if np.any(pos & (P <= 0)):
        kl = math.inf
        nll = math.inf
    else:
        denom = np.where(pos, w[:, None] * P, 1.0)
        kl = float(math.fsum((B[pos] * np.log(B[pos] / denom[pos])).tolist()))
        nll = float(-math.fsum((B[pos] * np.log(P[pos])).tolist()))
    cond = np.where(w[:, None] > 0, B / np.where(w[:, None] > 0, w[:, None], 1.0), 0.0)
    tv = float(math.fsum((w * 0.5 * np.abs(cond - P).sum(axis=1))[w > 0].tolist()))
    l1 = float(np.abs(uni - pi).sum())
    return {"transition_kl_rate": max(kl, 0.0), "transition_tv_rate": tv, "unigram_l1": l1, "nll_per_token": nll}


def metrics_from_pairs(chain: MarkovChain, pairs: np.ndarray, marginals: np.ndarray) -> dict:
    """Population metrics (``N -> infinity``) of a sampler whose adjacent-pair marginals are
    ``pairs`` (``(L-1, V, V)``) and single-site marginals ``marginals`` (``(L, V)``)."""
    P, pi = _chain_arrays(chain)
    return metrics_from_bigrams(pairs.mean(axis=0), marginals.mean(axis=0), P, pi)


def partition_metrics(chain: MarkovChain, partition) -> dict:
    """Exact population metrics for one fixed ordered partition (float64)."""
    pairs, marg = pair_marginals(chain, partition)
    return metrics_from_pairs(chain, pairs, marg)


@dataclass
class MixtureEstimate:
    """Metrics of the sampler's mixture law, estimated from ``n`` sampled partitions (no token
    noise). The metrics are smooth non-linear functions of the mean pair marginals, so the plain
    plug-in is biased by O(1/n) (the partitions' own finite-sample floor); ``values`` are
    jackknife-corrected and ``ci`` a 95% normal interval from the jackknife standard error."""

    values: dict
    ci: dict
    n: int
    label: str = field(default="")


def mixture_metrics(chain: MarkovChain, schedule, n_partitions: int = 16, seed: int = 0,
                    desc: str = "partitions") -> MixtureEstimate:
    """The metrics of ``q = E_S q_S`` over ``n_partitions`` partitions drawn by the schedule.

    Each partition's pair marginals are exact; only the average over partitions is sampled.
    Progress on stderr for long runs; refuses (``laws.budget``) a run over the time cap.
    """
    if isinstance(n_partitions, bool) or not isinstance(n_partitions, (int, np.integer)) or n_partitions < 2:
        raise ValueError(f"n_partitions must be an integer >= 2 (for a confidence interval), got {n_partitions!r}")
    L, V = chain.L, chain.V
    est = 2.5e-10 * L * V**4 * n_partitions + 1e-4 * L * n_partitions
    budget.check_time(est, f"transition metrics over {n_partitions} partitions at L={L}, V={V}",
                      "use fewer partitions or a smaller L")
    P, pi = _chain_arrays(chain)
    rng = np.random.default_rng(seed)
    powers = _Powers(chain)
    Bs, Us = [], []
    bar = budget.progress(n_partitions, desc, est, unit="partition")
    for _ in range(n_partitions):
        part = sample_partition(schedule, L, rng)
        pairs, marg = pair_marginals(chain, part, powers)
        Bs.append(pairs.mean(axis=0))
        Us.append(marg.mean(axis=0))
        bar.update(1)
    bar.close()
    Bs, Us = np.array(Bs), np.array(Us)
    n = n_partitions
    full = metrics_from_bigrams(Bs.mean(axis=0), Us.mean(axis=0), P, pi)
    sB, sU = Bs.sum(axis=0), Us.sum(axis=0)
    loo = [metrics_from_bigrams((sB - Bs[i]) / (n - 1), (sU - Us[i]) / (n - 1), P, pi) for i in range(n)]
    values, ci = {}, {}
    for k in METRICS:
        jk = np.array([m[k] for m in loo])
        if not np.all(np.isfinite(jk)) or not math.isfinite(full[k]):
            values[k], ci[k] = full[k], (full[k], full[k])
            continue
        v = float(n * full[k] - (n - 1) * jk.mean())  # jackknife: removes the O(1/n) bias
        se = math.sqrt((n - 1) / n * float(((jk - jk.mean()) ** 2).sum()))
        floor = 0.0 if k != "nll_per_token" else -math.inf  # KL, TV and L1 are >= 0
        values[k] = max(v, floor)
        ci[k] = (max(v - 1.96 * se, floor), max(v + 1.96 * se, floor))
    label = (f"estimated over {n} sampled partitions (each exact, no token noise): jackknife "
             f"bias-corrected, 95% normal interval from the jackknife standard error")
    return MixtureEstimate(values, ci, n_partitions, label)


# ----------------------------------------------------------------------------------------
# the peer's estimator on samples, and its floor for a perfect sampler
# ----------------------------------------------------------------------------------------
def peer_estimator(samples: np.ndarray, P: np.ndarray, pi: np.ndarray) -> dict:
    """The peer's ``full_kl_rate`` / TV rate / unigram L1 / NLL on an ``(N, L)`` integer array (float64 port)."""
    x = np.asarray(samples, dtype=np.int64)
    V = P.shape[0]
    counts = np.bincount((x[:, :-1] * V + x[:, 1:]).ravel(), minlength=V * V).reshape(V, V).astype(float)
    uni = np.bincount(x.ravel(), minlength=V).astype(float)
    return metrics_from_bigrams(counts / counts.sum(), uni / uni.sum(), P, pi)


def sample_chain(P: np.ndarray, mu: np.ndarray, N: int, L: int, rng: np.random.Generator) -> np.ndarray:
    """``N`` sequences of length ``L`` of the chain (inverse-CDF draws, vectorised over sequences)."""
    cdf = np.cumsum(P, axis=1)
    cdf[:, -1] = 1.0
    x = np.empty((N, L), dtype=np.int64)
    x[:, 0] = np.minimum(np.searchsorted(np.cumsum(mu), rng.random(N), side="right"), len(mu) - 1)
    for i in range(1, L):
        u = rng.random(N)
        x[:, i] = (u[:, None] >= cdf[x[:, i - 1]]).sum(axis=1)
    return np.minimum(x, P.shape[0] - 1)


def check_floor_time(chain: MarkovChain, N: int, reps: int) -> float:
    """Refuse :func:`finite_sample_floor` over the time cap (``laws.budget``) before any work
    (callers may check first, before their own work); returns the estimated seconds."""
    est = 3e-8 * N * chain.L * chain.V * reps
    budget.check_time(est, f"the finite-sample floor with N={N}, L={chain.L}, {reps} repetitions",
                      "use fewer samples or repetitions")
    return est


def finite_sample_floor(chain: MarkovChain, N: int, reps: int = 64, seed: int = 0) -> dict:
    """What the peer's estimator reads on ``N`` exact samples of ``p`` (a perfect sampler).

    ``{metric: (mean, standard error)}`` over ``reps`` Monte-Carlo repetitions, plus
    ``"asymptotic_kl"`` = ``sum_u (k_u - 1) / (2 N (L-1))``.
    """
    if isinstance(N, bool) or not isinstance(N, (int, np.integer)) or N < 1:
        raise ValueError(f"N (samples per run) must be a positive integer, got {N!r}")
    L = chain.L
    est = check_floor_time(chain, N, reps)
    P, pi = _chain_arrays(chain)
    mu = np.array(chain.mu, dtype=float)
    rng = np.random.default_rng(seed)
    vals = {k: [] for k in METRICS}
    t0 = time.perf_counter()
    bar = budget.progress(reps, "floor", est, unit="rep")
    for _ in range(reps):
        m = peer_estimator(sample_chain(P, mu, N, L, rng), P, pi)
        for k in METRICS:
            vals[k].append(m[k])
        bar.update(1)
    bar.close()
    out = {k: (float(np.mean(v)), float(np.std(v, ddof=1) / math.sqrt(len(v)))) for k, v in vals.items()}
    support = (P > 0).sum(axis=1)
    out["asymptotic_kl"] = float((support - 1).sum() / (2 * N * (L - 1)))
    out["seconds"] = time.perf_counter() - t0
    return out


def pairs_from_joint(q) -> tuple[np.ndarray, np.ndarray]:
    """Adjacent-pair and single-site marginals (float64) of a ``(V,)*L`` array (exact or float)."""
    a = np.asarray(q)
    L = a.ndim
    if L < 2:
        raise ValueError("transition metrics need L >= 2")
    V = a.shape[0]
    pairs = np.empty((L - 1, V, V))
    marg = np.empty((L, V))
    for i in range(L - 1):
        m = a.sum(axis=tuple(k for k in range(L) if k not in (i, i + 1)))
        pairs[i] = np.array(m, dtype=float) if m.dtype != object else np.vectorize(float)(m)
    for i in range(L):
        m = a.sum(axis=tuple(k for k in range(L) if k != i))
        marg[i] = np.array([float(x) for x in m])
    return pairs, marg


def mixture_metrics_exact(chain: MarkovChain, schedule) -> dict:
    """The population metrics of the mixture ``q = E_S q_S`` with no sampled partitions, for
    lengths the lattice holds: the sampler's output law by the engine's float DP (every pattern
    of the schedule summed), then its pair marginals."""
    from ..engine.sampler import sampler_law

    q = sampler_law(chain.to_joint().to_float(), schedule)
    return metrics_from_pairs(chain, *pairs_from_joint(q))
