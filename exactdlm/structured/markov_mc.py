"""Monte-Carlo twin of the structured Markov results: the peer's sampler with its exact
forward-backward oracle, in float64 (issue 22; tests and the notebook compare with it).

Ported from the description and code of ``LuhanTang/dllm_sampler``
(``sampler/oracle_hmm_posterior.py``: a chain with hard evidence — a revealed position's
likelihood is the indicator of its symbol, a masked one's is 1 — and the posterior
``gamma_t ∝ alpha_t beta_t`` at every masked position; the peer runs it in the log domain with
float16 storage, here normalised probabilities in float64). The sampler reveals, at each step,
the positions its partition names, each drawn independently from its posterior given what is
revealed (random remasking); :func:`sample_schedule` draws a fresh partition per sequence, as
the peer's random-order samplers do.

The hidden-Markov form (:func:`hmm_posteriors`) is the same recursion on hidden states with an
emission matrix, for HMM ground truths.
"""

from __future__ import annotations

import numpy as np

from .markov import MarkovChain
from .markov_pairs import sample_partition

MASK = -1


def hmm_posteriors(z: np.ndarray, P: np.ndarray, E: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Posterior ``p(x_i = . | revealed)`` at every position for a batch ``z`` (``(N, L)``,
    ``MASK`` = masked) of an HMM with hidden transition ``P``, emission ``E`` (hidden x symbols)
    and initial hidden law ``mu``; shape ``(N, L, V_symbols)``."""
    N, L = z.shape
    H = P.shape[0]
    phi = np.where((z == MASK)[:, :, None], 1.0, E.T[np.where(z == MASK, 0, z)])  # (N, L, H)
    alpha = np.empty((N, L, H))
    a = mu[None, :] * phi[:, 0]
    alpha[:, 0] = a / a.sum(axis=1, keepdims=True)
    for t in range(1, L):
        a = (alpha[:, t - 1] @ P) * phi[:, t]
        alpha[:, t] = a / a.sum(axis=1, keepdims=True)
    beta = np.ones((N, H))
    post = np.empty((N, L, E.shape[1]))
    for t in range(L - 1, -1, -1):
        if t < L - 1:
            b = (phi[:, t + 1] * beta) @ P.T
            beta = b / b.sum(axis=1, keepdims=True)
        h = alpha[:, t] * beta  # posterior of the hidden state at t (a masked position carries no evidence)
        h = h / h.sum(axis=1, keepdims=True)
        post[:, t] = h @ E
    revealed = z != MASK
    if revealed.any():
        onehot = np.zeros_like(post)
        n_idx, t_idx = np.nonzero(revealed)
        onehot[n_idx, t_idx, z[revealed]] = 1.0
        post = np.where(revealed[:, :, None], onehot, post)
    return post


def chain_posteriors(z: np.ndarray, P: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Posterior at every position for a batch of a Markov chain (hard evidence; ``(N, L, V)``)."""
    # a chain is the HMM with identity emissions; then alpha_t includes the evidence at t, and a
    # masked position's posterior is alpha_t beta_t normalised
    return hmm_posteriors(z, P, np.eye(P.shape[0]), mu)


def _draw(probs: np.ndarray, rng) -> np.ndarray:
    cdf = np.cumsum(probs, axis=-1)
    u = rng.random(probs.shape[:-1]) * cdf[..., -1]
    return np.minimum((u[..., None] >= cdf).sum(axis=-1), probs.shape[-1] - 1)


def run_partition(chain: MarkovChain, partition, N: int, rng: np.random.Generator) -> np.ndarray:
    """``N`` samples of the sampler with one fixed ordered partition (``(N, L)`` ints)."""
    P = np.array(chain.P, dtype=float)
    mu = np.array(chain.mu, dtype=float)
    z = np.full((N, chain.L), MASK, dtype=np.int64)
    for step in partition:
        idx = np.asarray(step, dtype=np.int64)
        post = chain_posteriors(z, P, mu)[:, idx]
        z[:, idx] = _draw(post, rng)
    return z


def sample_schedule(chain: MarkovChain, schedule, N: int, rng: np.random.Generator, batch: int = 256) -> np.ndarray:
    """``N`` samples of the random-order sampler: a fresh partition of the schedule per batch of
    sequences (``batch=1``: one per sequence)."""
    out = []
    done = 0
    while done < N:
        n = min(batch, N - done)
        out.append(run_partition(chain, sample_partition(schedule, chain.L, rng), n, rng))
        done += n
    return np.concatenate(out)


def log_q_partition(chain: MarkovChain, partition, x: np.ndarray, powers=None) -> np.ndarray:
    """``log q_S(x)`` for each row of ``x`` (``(N, L)`` ints) under one fixed ordered partition:
    ``sum_t sum_{i in S_t} log p(x_i | x_a, x_b)`` with ``a, b`` the nearest revealed neighbours."""
    import bisect

    from .markov_pairs import _Powers

    pw = powers or _Powers(chain)
    Pd, mus = pw.pw, pw.mus
    N = x.shape[0]
    out = np.zeros(N)
    revealed: list[int] = []
    with np.errstate(divide="ignore"):
        for step in partition:
            for i in step:
                k = bisect.bisect_left(revealed, i)
                a = revealed[k - 1] if k > 0 else None
                b = revealed[k] if k < len(revealed) else None
                xi = x[:, i]
                if a is not None and b is not None:
                    num = Pd[i - a][x[:, a], xi] * Pd[b - i][xi, x[:, b]]
                    den = Pd[b - a][x[:, a], x[:, b]]
                elif b is not None:
                    num = mus[i][xi] * Pd[b - i][xi, x[:, b]]
                    den = mus[b][x[:, b]]
                elif a is not None:
                    num, den = Pd[i - a][x[:, a], xi], 1.0
                else:
                    num, den = mus[i][xi], 1.0
                out += np.log(num) - np.log(den)
            for i in step:
                bisect.insort(revealed, i)
    return out


def sequence_kl_mc(chain: MarkovChain, schedule, n_partitions: int, per_partition: int, rng) -> tuple[float, float]:
    """Monte-Carlo ``E_S KL(p || q_S) = E_S E_{x~p} [log p(x) - log q_S(x)]``: ``(mean, standard error)``
    over ``n_partitions`` partitions drawn by the schedule and ``per_partition`` exact samples of ``p`` each."""
    from .markov_pairs import _Powers
    from .transition_metrics import sample_chain

    P = np.array(chain.P, dtype=float)
    mu = np.array(chain.mu, dtype=float)
    pw = _Powers(chain)
    vals = []
    for _ in range(n_partitions):
        part = sample_partition(schedule, chain.L, rng)
        x = sample_chain(P, mu, per_partition, chain.L, rng)
        logp = np.log(mu[x[:, 0]]) + np.log(P[x[:, :-1], x[:, 1:]]).sum(axis=1)
        vals.append(float(np.mean(logp - log_q_partition(chain, part, x, pw))))
    vals = np.array(vals)
    return float(vals.mean()), float(vals.std(ddof=1) / np.sqrt(len(vals)))
