"""Hidden-Markov ground truths at real sizes (issue 22; docs/theory.md §3, "Markov ground truths").

An HMM ``p(x) = sum_h mu(h_0) E(h_0, x_0) prod_i P(h_{i-1}, h_i) E(h_i, x_i)`` (hidden transition
``P``, ``H x H``; emission ``E``, ``H x V``; stationary hidden start by default) keeps an exact
posterior at any length (forward-backward, ``markov_mc.hmm_posteriors``), but not the gap
structure of a visible chain: ``H(X_i | X_C)`` depends on every revealed position. So at real
sizes the sampler's error is *estimated* here, labelled so: ``E_S KL(p || q_S)`` as
``E_S E_{x~p} [log p(x) - log q_S(x)]`` with ``log q_S(x)`` the sum of the oracle's log posteriors
of ``x`` at each step (exact per sample, no model), averaged over sampled partitions and exact
samples of ``p``, with its standard error. At lattice sizes ``to_joint()`` gives the law for the
exact engines.
"""

from __future__ import annotations

import numpy as np

from ..laws import budget
from .markov_io import check_transition
from .markov_mc import MASK, hmm_posteriors
from .markov_pairs import sample_partition


class HiddenMarkov:
    """An HMM ground truth of length ``L`` (see the module docstring)."""

    def __init__(self, L: int, transition, emission, initial=None):
        from ..laws import families

        from ._numerics import check_length

        self.L = check_length(L, "hidden Markov ground truth")
        P = check_transition(transition, what="transition")
        H = len(P)
        try:
            rows = [list(r) for r in emission]
        except TypeError:
            raise ValueError("emission must be an H x V matrix (a list of rows)") from None
        if len(rows) != H:
            raise ValueError(f"emission has {len(rows)} rows but the hidden chain has H={H} states; "
                             f"give one emission row per hidden state")
        V = len(rows[0]) if rows else 0
        if V < 2 or any(len(r) != V for r in rows):
            raise ValueError(f"emission rows must all have the same length V >= 2, got {[len(r) for r in rows]}")
        E = [self._row(r, i) for i, r in enumerate(rows)]
        self.H, self.V = H, V
        self.P_exact, self.E_exact = P, E
        self.P = np.array(P, dtype=float)
        self.E = np.array(E, dtype=float)
        if initial is None:
            mu = families._stationary(np.array(P, dtype=object), True)
        else:
            mu, _ = families._vector(initial, "initial", H)
        self.mu_exact = list(mu)
        self.mu = np.array([float(x) for x in mu])

    @staticmethod
    def _row(r, i):
        from .markov_io import _fraction

        vals = [_fraction(x, f"emission[{i}][{j}]") for j, x in enumerate(r)]
        if any(x < 0 for x in vals):
            raise ValueError(f"emission row {i} has a negative entry; probabilities must be >= 0")
        s = sum(vals)
        if s == 0:
            raise ValueError(f"emission row {i} is all zeros; every hidden state needs an emission law")
        if s != 1:
            if abs(float(s) - 1) > 1e-9 or not any(isinstance(x, float) for x in r):
                raise ValueError(f"emission row {i} sums to {float(s):.12g}, not 1; divide it by its sum")
            vals = [x / s for x in vals]
        return vals

    def to_joint(self):
        """The ``(V,)*L`` law (exact), for lengths the lattice holds."""
        from ..laws import families

        return families.hmm(self.L, self.P_exact, self.E_exact, self.mu_exact)

    def sample(self, N: int, rng: np.random.Generator) -> np.ndarray:
        """``N`` exact samples ``(N, L)`` of the visible sequence."""
        h = np.empty((N, self.L), dtype=np.int64)
        cdfP = np.cumsum(self.P, axis=1)
        h[:, 0] = np.minimum(np.searchsorted(np.cumsum(self.mu), rng.random(N), side="right"), self.H - 1)
        for i in range(1, self.L):
            h[:, i] = np.minimum((rng.random(N)[:, None] >= cdfP[h[:, i - 1]]).sum(axis=1), self.H - 1)
        cdfE = np.cumsum(self.E, axis=1)
        x = (rng.random((N, self.L))[:, :, None] >= cdfE[h]).sum(axis=2)
        return np.minimum(x, self.V - 1)

    def log_p(self, x: np.ndarray) -> np.ndarray:
        """``log p(x)`` per row by the scaled forward recursion."""
        a = self.mu[None, :] * self.E[:, x[:, 0]].T
        out = np.log(a.sum(axis=1))
        a = a / a.sum(axis=1, keepdims=True)
        for i in range(1, self.L):
            a = (a @ self.P) * self.E[:, x[:, i]].T
            s = a.sum(axis=1)
            out += np.log(s)
            a = a / s[:, None]
        return out

    def log_q_partition(self, partition, x: np.ndarray) -> np.ndarray:
        """``log q_S(x)``: the oracle's log posterior of ``x`` at each step's positions, summed."""
        z = np.full(x.shape, MASK, dtype=np.int64)
        out = np.zeros(x.shape[0])
        rows = np.arange(x.shape[0])
        with np.errstate(divide="ignore"):
            for step in partition:
                idx = np.asarray(step, dtype=np.int64)
                post = hmm_posteriors(z, self.P, self.E, self.mu)
                out += np.log(post[rows[:, None], idx[None, :], x[:, idx]]).sum(axis=1)
                z[:, idx] = x[:, idx]
        return out

    def sequence_kl_mc(self, schedule, n_partitions: int, per_partition: int, seed: int = 0):
        """Monte-Carlo ``E_S KL(p || q_S)``: ``(mean, standard error)`` over ``n_partitions`` partitions
        drawn by the schedule, ``per_partition`` exact samples each (labelled an estimate)."""
        if n_partitions < 2 or per_partition < 1:
            raise ValueError("n_partitions must be >= 2 and per_partition >= 1")
        steps = len(sample_partition(schedule, self.L, np.random.default_rng(seed)))
        est = 2e-8 * n_partitions * per_partition * self.L * steps * self.H**2
        budget.check_time(est, f"Monte-Carlo sequence KL of an HMM at L={self.L}", "use fewer partitions or samples")
        rng = np.random.default_rng(seed)
        vals = []
        bar = budget.progress(n_partitions, "partitions", est, unit="partition")
        for _ in range(n_partitions):
            part = sample_partition(schedule, self.L, rng)
            x = self.sample(per_partition, rng)
            vals.append(float(np.mean(self.log_p(x) - self.log_q_partition(part, x))))
            bar.update(1)
        bar.close()
        vals = np.array(vals)
        return float(vals.mean()), float(vals.std(ddof=1) / np.sqrt(len(vals)))
