"""Adjacent-pair marginals of a random-order sampler's output on a Markov chain, for one fixed
ordered partition (issue 22; docs/theory.md §3, "Transition-level metrics").

With the exact posterior, a position ``i`` revealed at step ``t`` is drawn from
``p(x_i | x_a, x_b)``, ``a < i < b`` its nearest revealed neighbours (Markov property), and the
positions revealed into the same gap in one step are independent given ``(x_a, x_b)``. So the
output law is ``q(x) = prod_t prod_{i in S_t} p(x_i | x_{a_t(i)}, x_{b_t(i)})`` and the joint
law under ``q`` of every pair of *consecutive revealed* positions propagates by itself:

    Q'(x_i, x_j) = sum_{u,v} Q(u, v) k_i(x_i | u, v) k_j(x_j | u, v),
    k_i(x | u, v) = P^{i-a}(u, x) P^{b-i}(x, v) / P^{b-a}(u, v)

(one-sided at the ends: ``k_i(x | v) = mu_i(x) P^{b-i}(x, v) / mu_b(v)`` left of the first
revealed position, ``k_i(x | u) = P^{i-a}(u, x)`` right of the last, ``mu_i`` with no revealed
position at all). When every position is revealed the consecutive pairs are the adjacent ones,
so the adjacent-pair marginals of ``q`` come out; each new pair costs one ``(V x V^2)(V^2 x V)``
product, O(L V^4) in all. If, before the last step, a revealed pair puts mass on symbols the
chain makes impossible (``P^{j-i}(u,v) = 0``), the revealed context has probability 0 under
``p`` and the next posterior is undefined (a forward-backward oracle divides 0 by 0): a
ValueError. Chains with every ``P(u,v) > 0`` never meet it.

:func:`sample_partition` draws the partition of a value-independent schedule (fixed sizes in
a uniform order, semi-AR blocks, Bernoulli / MDLM reveal times), for mixtures estimated over
sampled partitions (``transition_metrics.mixture_metrics``).
"""

from __future__ import annotations

import bisect

import numpy as np

from ..laws import budget
from ..schedules import SemiAR, validate_sizes
from .markov import MarkovChain

#: mass on an impossible pair above which a later conditioning step is refused
IMPOSSIBLE_TOL = 1e-300


def _float_chain(chain: MarkovChain):
    P = np.array(chain.P, dtype=float)
    mu = np.array(chain.mu, dtype=float)
    return P, mu


class _Powers:
    """``P^d`` for d = 0..L and the marginals ``mu_i``, float64."""

    def __init__(self, chain: MarkovChain):
        P, mu = _float_chain(chain)
        L, V = chain.L, chain.V
        pw = np.empty((L + 1, V, V))
        pw[0] = np.eye(V)
        for d in range(1, L + 1):
            pw[d] = pw[d - 1] @ P
        mus = np.empty((L, V))
        cur = mu
        for i in range(L):
            mus[i] = cur
            cur = cur @ P
        self.pw, self.mus = pw, mus


def _check_partition(partition, L: int):
    blocks = [sorted(int(j) for j in b) for b in partition]
    flat = [j for b in blocks for j in b]
    if sorted(flat) != list(range(L)) or any(len(b) == 0 for b in blocks):
        raise ValueError(f"the partition must split range({L}) into non-empty steps, each position once")
    return blocks


def pair_marginals(chain: MarkovChain, partition, powers: _Powers | None = None):
    """``(pairs, marginals)``: ``pairs[i] = q(x_i, x_{i+1})`` (shape ``(L-1, V, V)``) and
    ``marginals[i] = q(x_i)`` (shape ``(L, V)``) for the ordered partition (a list of steps,
    each a list of positions), float64."""
    if not isinstance(chain, MarkovChain):
        raise ValueError(f"pair_marginals takes a structured MarkovChain, got {type(chain).__name__}")
    L, V = chain.L, chain.V
    blocks = _check_partition(partition, L)
    if powers is None:
        budget.check_time(2.5e-10 * L * V**4 + 1e-4 * L, f"the pair marginals of one partition at L={L}, V={V}",
                          "use a smaller L or V")
    pw = powers or _Powers(chain)
    Pd, mus = pw.pw, pw.mus
    revealed: list[int] = []
    pair: dict = {}
    marg = np.zeros((L, V))
    for n_step, step in enumerate(blocks):
        groups: dict = {}
        for i in step:
            k = bisect.bisect_left(revealed, i)
            a = revealed[k - 1] if k > 0 else None
            b = revealed[k] if k < len(revealed) else None
            groups.setdefault((a, b), []).append(i)
        before = set(pair)
        for (a, b), pos in groups.items():
            _fill_gap(a, b, pos, pair, marg, Pd, mus, V)
        for i in step:
            bisect.insort(revealed, i)
        if n_step + 1 < len(blocks):  # positions are still masked: their posterior must exist
            for (i, j) in set(pair) - before:
                bad = (Pd[j - i] <= 0) & (pair[(i, j)] > IMPOSSIBLE_TOL)
                if np.any(bad):
                    u, v = np.argwhere(bad)[0]
                    raise ValueError(
                        f"after step {n_step + 1} the sampler has revealed symbols ({u}, {v}) at positions {i}, {j}, "
                        f"which the chain makes impossible (P^{j - i}[{u},{v}] = 0): the revealed context has "
                        f"probability 0 and the next posterior is undefined; smooth the chain")
    pairs = np.empty((L - 1, V, V))
    for i in range(L - 1):
        pairs[i] = pair[(i, i + 1)]
    return pairs, marg


def _kernels(a, b, pos, Pd, mus, Q, V):
    """Per position the kernel array: ``(V, V, V)`` both sides, ``(V, V)`` one side, ``(V,)`` none."""
    if a is not None and b is not None:
        D = Pd[b - a]
        bad = (D <= 0) & (Q > IMPOSSIBLE_TOL)
        if np.any(bad):
            u, v = np.argwhere(bad)[0]
            raise ValueError(f"the sampler conditions positions {a}, {b} on symbols ({u}, {v}), which the chain "
                             f"makes impossible (P^{b - a}[{u},{v}] = 0): no exact posterior; smooth the chain")
        Dinv = np.where(D > 0, 1.0 / np.where(D > 0, D, 1.0), 0.0)
        return {i: Pd[i - a][:, None, :] * Pd[b - i].T[None, :, :] * Dinv[:, :, None] for i in pos}
    if b is not None:
        mb = mus[b]
        minv = np.where(mb > 0, 1.0 / np.where(mb > 0, mb, 1.0), 0.0)
        return {i: (mus[i][None, :] * Pd[b - i].T) * minv[:, None] for i in pos}  # [v, x]
    if a is not None:
        return {i: Pd[i - a] for i in pos}  # [u, x]
    return {i: mus[i] for i in pos}


def _fill_gap(a, b, pos, pair, marg, Pd, mus, V):
    pos = sorted(pos)
    if a is not None and b is not None:
        Q = pair.pop((a, b))
        K = _kernels(a, b, pos, Pd, mus, Q, V)
        Qf = Q.reshape(V * V)
        for i in pos:
            marg[i] = Qf @ K[i].reshape(V * V, V)
        pair[(a, pos[0])] = np.einsum("uv,uvx->ux", Q, K[pos[0]])
        pair[(pos[-1], b)] = np.einsum("uv,uvx->xv", Q, K[pos[-1]])
        for i, j in zip(pos, pos[1:]):
            Ki, Kj = K[i].reshape(V * V, V), K[j].reshape(V * V, V)
            pair[(i, j)] = Ki.T @ (Qf[:, None] * Kj)
        return
    if a is not None or b is not None:  # an end: condition on the one revealed neighbour (x_b left, x_a right)
        m = marg[b if b is not None else a]
        K = _kernels(a, b, pos, Pd, mus, None, V)
        for i in pos:
            marg[i] = m @ K[i]
        if b is not None:
            pair[(pos[-1], b)] = (m[:, None] * K[pos[-1]]).T
        else:
            pair[(a, pos[0])] = m[:, None] * K[pos[0]]
        for i, j in zip(pos, pos[1:]):
            pair[(i, j)] = K[i].T @ (m[:, None] * K[j])
        return
    for i in pos:  # first step: independent draws from the marginals
        marg[i] = mus[i]
    for i, j in zip(pos, pos[1:]):
        pair[(i, j)] = np.outer(mus[i], mus[j])


# ----------------------------------------------------------------------------------------
# partitions of value-independent schedules
# ----------------------------------------------------------------------------------------
def sample_partition(schedule, L: int, rng: np.random.Generator) -> list:
    """One ordered partition of ``range(L)`` drawn as the schedule draws it.

    Fixed sizes (a tuple): a uniformly random order cut into the sizes. :class:`SemiAR`: each
    block in turn, its positions in a uniform order cut into its sub-schedule's sizes. A
    Bernoulli schedule (``rates``; MDLM's per-position reveal times): each masked position
    revealed at step ``k`` with probability ``rates[k]``, a last step revealing the rest; steps that
    reveal nothing are dropped (they draw nothing).
    """
    if isinstance(schedule, SemiAR):
        if schedule.L != L:
            raise ValueError(f"schedule is for L={schedule.L}, the chain has L={L}")
        out = []
        for o, B, sub in zip(schedule.offsets, schedule.lengths, schedule.subs):
            for step in sample_partition(sub if not hasattr(sub, "sizes") else sub.sizes, B, rng):
                out.append([o + j for j in step])
        return out
    if hasattr(schedule, "rates"):
        if int(schedule.L) != L:
            raise ValueError(f"schedule is for L={schedule.L}, the chain has L={L}")
        masked = np.arange(L)
        out = []
        for r in schedule.rates:
            hit = rng.random(len(masked)) < float(r)
            if hit.any():
                out.append(masked[hit].tolist())
            masked = masked[~hit]
        if len(masked):
            out.append(masked.tolist())
        return out
    if hasattr(schedule, "sizes") and not hasattr(schedule, "__iter__"):
        schedule = schedule.sizes
    sizes = validate_sizes(schedule, L)
    perm = rng.permutation(L)
    out, c = [], 0
    for s in sizes:
        out.append(perm[c:c + s].tolist())
        c += s
    return out
