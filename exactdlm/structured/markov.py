"""Markov chains at any L through the gaps of the revealed set (issue 8; docs/theory.md §3).

For a chain ``X_0 -> X_1 -> ...`` with transition ``P`` and initial law ``mu``,
``H(X_A) = sum_{i in A} H(X_i) - sum_{consecutive a < b in A} I(X_a; X_b)``, so with
``J(d) = sum_a I(X_a; X_{a+d})`` and ``beta_t(d) = C(L-d-1, t-2)/C(L, t)``:

    g(t) = t H̄ - sum_d beta_t(d) J(d)

(stationary start: ``J(d) = (L-d) I(X_0; X_d)`` and ``H̄ = H(pi)``, the issue's formula
``g(t) = H(X_0) + sum_d h(d) (L-d) C(L-d-1, t-2)/C(L, t)``). ``Ī(t)`` comes from the
neighbour decomposition in ``_kernels.structured.markov_info_curve`` (no cancellation);
TC, DTC, EKL for any schedule and the optimal-schedule DP follow in O(L^2).

**Non-stationary starts.** ``H(X_A)`` then depends on where the gaps sit, not only on the
gaps: ``H̄`` becomes the mean of ``H(mu P^a)`` and ``J(d)`` the sum over positions of
``I(X_a; X_{a+d})``, which costs O(L^2 V^2) (against O(L V^3) stationary); ``g`` and ``Ī``
keep the same formulas because only pair informations of consecutive revealed positions enter.

**Mixture KL.** The sampler's mixture law of a Markov chain has no structure we know how to
exploit (a position's conditional depends on its nearest revealed neighbours on both sides,
and the mixture over patterns couples all of them), so ``mixture_kl`` works only for lengths
the lattice holds and raises a ValueError beyond. Finite mixtures of Markov chains are not
covered either: their ``H(X_A)`` is not a function of the gap sequence's pair terms.
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import comb

import mpmath
import numpy as np

from ..engine._kernels import structured as K
from ..arith import LogForm
from ..laws import as_law
from ._numerics import check_length
from .base import StructuredLaw

#: largest L of the non-stationary mpmath reference (O(L^2 V^2) mpmath operations)
MP_GENERAL_MAX_L = 512
#: largest vocabulary of a structured Markov chain (the kernels hold L x V x V powers)
MAX_V = 64


def _families():
    from ..laws import families

    return families


class MarkovChain(StructuredLaw):
    """Time-homogeneous Markov chain with transition ``P`` and initial law (stationary by default)."""

    family = "markov_chain"
    #: the exact profile costs O(L V^2) atoms and O(L^2) integer coefficients: 2 s at L = 1024
    exact_max_L = 1024

    def __init__(self, L, transition, initial=None):
        super().__init__()
        fam = _families()
        self.L = check_length(L, "Markov chain")
        P, exact = fam._stochastic(transition, "transition")
        V = P.shape[0]
        if P.shape != (V, V) or V < 2:
            raise ValueError(f"transition must be a square V x V matrix with V >= 2, got shape {P.shape}")
        if V > MAX_V:
            raise ValueError(f"structured Markov chains take V <= {MAX_V}, got V={V}")
        if initial is None:
            mu = fam._stationary(P, exact)
        else:
            mu, ex0 = fam._vector(initial, "initial", V)
            exact = exact and ex0
        if not exact:
            P, mu = P.astype(float), np.asarray(mu).astype(float)
        self.V, self.exact = V, exact
        self.P, self.mu = P, mu
        if exact:
            self.stationary = all(sum((mu[x] * P[x, y] for x in range(V)), Fraction(0)) == mu[y] for y in range(V))
        else:
            self.stationary = bool(np.max(np.abs(mu @ P - mu)) <= 1e-13)
        self.params = {
            "L": self.L,
            "transition": [[str(x) for x in row] for row in P.tolist()],
            "initial": None if initial is None else [str(x) for x in mu.tolist()],
        }

    # --- float path ------------------------------------------------------------------------
    def _float_params(self):
        return np.array(self.P, dtype=float), np.array(self.mu, dtype=float)

    def _marginals(self):
        P, mu = self._float_params()
        mus = np.empty((self.L, self.V))
        cur = mu
        for a in range(self.L):
            mus[a] = cur
            cur = cur @ P
        return mus

    def pair_information_sums(self) -> np.ndarray:
        """``J(d) = sum_a I(X_a; X_{a+d})``, d = 0..L-1 (``J[0] = 0``), float."""
        if "J" not in self._cache:
            P, mu = self._float_params()
            if self.stationary:
                J = K.markov_J_stationary(P, mu, self.L)
            else:
                Pd = np.empty((self.L, self.V, self.V))
                Pd[0] = np.eye(self.V)
                for d in range(1, self.L):
                    Pd[d] = Pd[d - 1] @ P
                J = K.markov_J_general(self._marginals(), Pd, self.L)
            self._cache["J"] = J
        return self._cache["J"]

    def _mean_site_entropy(self) -> float:
        if self.stationary:
            mu = self._float_params()[1]
            nz = mu[mu > 0]
            return float(-(nz * np.log(nz)).sum())
        ents = []
        for row in self._marginals():
            nz = row[row > 0]
            ents.append(float(-(nz * np.log(nz)).sum()))
        return math.fsum(ents) / self.L

    def _float_curves(self):
        Ib, g = K.markov_info_curve(self.pair_information_sums(), self.L, self._mean_site_entropy())
        return g, Ib

    # --- exact path ------------------------------------------------------------------------
    def _exact_profile(self):
        """``g(t) = (t/L) sum_a H(X_a) - sum_d beta_t(d) J(d)`` over atoms (docs/theory.md §7).

        With ``mu_b = mu_a P^d`` the pair terms regroup: ``J(d) = sum_{x,y} S_d(x) P^d(x,y)
        log P^d(x,y) + sum_{b >= d} H(X_b)``, ``S_d = sum_{a < L-d} mu_a``, so ``J`` costs
        ``O(L V^2)`` terms in all (not ``O(L^2 V^2)``); each site entropy and each ``J(d)`` is one
        atom, and ``g(t)`` a form of ``O(L)`` terms over them.
        """
        self._exact_limit("exact Markov profile")
        L, V = self.L, self.V
        P, mus = self._exact_marginals()
        site = []
        for row in mus:
            h = LogForm()
            for x in row:
                if x > 0:
                    h._add_term(x, -x)
            site.append(LogForm.atom(h))
        suffix = [LogForm()] * (L + 1)  # suffix[d] = sum_{b >= d} H(X_b)
        for b in range(L - 1, -1, -1):
            suffix[b] = suffix[b + 1] + site[b]
        prefix = [[Fraction(0)] * V]  # prefix[n] = sum_{a < n} mu_a
        for row in mus:
            prefix.append([u + v for u, v in zip(prefix[-1], row)])
        J = [LogForm()]
        Pd = P
        for d in range(1, L):
            form = suffix[d].copy()
            S = prefix[L - d]
            for x in range(V):
                for y in range(V):
                    if S[x] and Pd[x][y]:
                        form._add_term(Pd[x][y], S[x] * Pd[x][y])
            J.append(LogForm.atom(form))
            Pd = [[sum((Pd[x][k] * P[k][y] for k in range(V)), Fraction(0)) for y in range(V)] for x in range(V)]
        # L C(L,t) g(t) = t C(L,t) sum_b H(X_b) - L sum_d C(L-d-1, t-2) J(d): one integer form
        # over the atoms per t (no Fraction arithmetic in the O(L^2) loop)
        sites = [key for h in site for key in h.terms]
        Jkey = {d: key for d in range(1, L) for key in J[d].terms}
        g = np.empty(L + 1, dtype=object)
        g[0] = LogForm()
        for t in range(1, L + 1):
            den = comb(L, t)
            A = dict.fromkeys(sites, t * den)
            if t >= 2:
                k, c = t - 2, 1  # c = C(n, k) for n = L-d-1 = k, k+1, ... (d from L-t+1 down to 1)
                for d in range(L - t + 1, 0, -1):
                    n = L - d - 1
                    if n > k:
                        c = c * n // (n - k)
                    key = Jkey.get(d)
                    if key is not None:
                        A[key] = -L * c
            g[t] = LogForm.from_integer_form(A, 0, L * den)
        return g

    def _exact_marginals(self):
        """``(P, [law of X_a for a = 0..L-1])`` as Fractions."""
        V = self.V
        P = [[Fraction(x) for x in row] for row in self.P.tolist()]
        mus = [[Fraction(x) for x in self.mu.tolist()]]
        for _ in range(self.L - 1):
            mus.append([sum((mus[-1][x] * P[x][y] for x in range(V)), Fraction(0)) for y in range(V)])
        return P, mus

    def exact_profile_plain(self):
        """The exact profile by the plain formula: ``J(d)`` summed over every pair of positions
        (``O(L^2 V^2)`` logarithms, no atoms). The twin of the regrouped ``_exact_profile``,
        for tests and as the benchmarks' baseline."""
        self._exact_checked("exact_profile_plain")
        L = self.L
        P, mus = self._exact_marginals()
        J = K.markov_J_py(P, mus[0], L)
        H = LogForm()
        for row in mus:
            for x in row:
                if x > 0:
                    H._add_term(x, -x)
        g = np.empty(L + 1, dtype=object)
        g[0] = LogForm()
        for t in range(1, L + 1):
            form = H * Fraction(t, L)
            for d in range(1, L - t + 2) if t >= 2 else ():
                form = form - J[d] * Fraction(comb(L - d - 1, t - 2), comb(L, t))
            g[t] = form
        return g

    # --- mpmath reference --------------------------------------------------------------------
    def _mp_params(self):
        conv = (lambda x: mpmath.mpf(x.numerator) / x.denominator) if self.exact else mpmath.mpf
        P = mpmath.matrix([[conv(Fraction(x) if self.exact else float(x)) for x in row] for row in self.P.tolist()])
        mu = mpmath.matrix([[conv(Fraction(x) if self.exact else float(x)) for x in self.mu.tolist()]])
        return P, mu

    def _J_mp(self):
        L, V = self.L, self.V
        P, mu = self._mp_params()
        J = [mpmath.mpf(0)] * L
        if self.stationary:
            Pd = mpmath.eye(V)
            for d in range(1, L):
                Pd = Pd * P
                delta = mpmath.mpf(0)
                for x in range(V):
                    for y in range(V):
                        m = mu[0, x] * Pd[x, y]
                        if m > 0:
                            delta += m * mpmath.log(Pd[x, y] / mu[0, y])
                J[d] = (L - d) * delta
            return J, mp_entropy_row(mu, V)
        if L > MP_GENERAL_MAX_L:
            raise ValueError(
                f"the mpmath reference of a non-stationary chain costs O(L^2 V^2); it is limited to L <= {MP_GENERAL_MAX_L}"
            )
        mus = [mu]
        for _ in range(L - 1):
            mus.append(mus[-1] * P)
        powers = [mpmath.eye(V)]
        for _ in range(1, L):
            powers.append(powers[-1] * P)
        for d in range(1, L):
            for a in range(L - d):
                for x in range(V):
                    for y in range(V):
                        m = mus[a][0, x] * powers[d][x, y]
                        if m > 0:
                            J[d] += m * mpmath.log(powers[d][x, y] / mus[a + d][0, y])
        Hbar = mpmath.fsum(mp_entropy_row(m, V) for m in mus) / L
        return J, Hbar

    def _profile_mp(self, ts, dps):
        L = self.L
        J, Hbar = self._J_mp()
        out = []
        for t in ts:
            if t == 0:
                out.append(mpmath.mpf(0))
                continue
            val = t * Hbar
            if t >= 2:
                den = comb(L, t)
                for d in range(1, L - t + 2):
                    val -= J[d] * mpmath.mpf(comb(L - d - 1, t - 2)) / den
            out.append(val)
        return out

    # --- array form and mixture law ------------------------------------------------------
    def _joint(self):
        init = None if self.params["initial"] is None else list(self.mu)
        return _families().markov_chain(self.L, self.P.tolist(), init)

    def mixture_kl(self, sizes, exact: bool = False):
        """``KL(p || q)`` through the lattice engine; only for lengths the lattice holds."""
        try:
            joint = self.to_joint()
        except ValueError as exc:
            raise ValueError(
                f"mixture KL of a Markov chain at L={self.L} has no structured algorithm (the sampler's "
                f"mixture couples all positions); only lengths the lattice holds work: {exc}"
            ) from None
        if not exact:
            joint = joint.to_float()
        from ..engine import sampler

        if hasattr(sampler, "mixture_kl"):
            return sampler.mixture_kl(joint, sizes)
        from ._fallback import mixture_kl_enumerated

        return mixture_kl_enumerated(joint, sizes)


def mp_entropy_row(mu, V):
    total = mpmath.mpf(0)
    for x in range(V):
        p = mu[0, x]
        if p > 0:
            total -= p * mpmath.log(p)
    return total


def markov_chain(L, transition, initial=None) -> MarkovChain:
    """Markov chain with transition ``P`` (rows sum to 1) and initial law (None: stationary)."""
    return MarkovChain(L, transition, initial)


def from_joint(p, tol: float = 1e-12) -> MarkovChain:
    """The Markov chain of a ``(V,)*L`` array, after checking that it is one.

    Checks that ``p(x) = p(x_0) prod_i P(x_{i-1}, x_i)`` with one transition matrix for every
    step (time-homogeneous), exactly for exact laws and within ``tol`` for float ones; the
    ValueError names what fails. Rows of ``P`` that the law never reaches are set uniform.
    """
    law = as_law(p)
    a, L, V = law.array, law.L, law.V
    if L < 2:
        raise ValueError("a Markov chain check needs L >= 2")
    exact = law.exact
    zero = Fraction(0) if exact else 0.0
    P = [[None] * V for _ in range(V)]
    for i in range(L - 1):
        pair = law.marginal([i, i + 1])
        for x in range(V):
            tot = sum((pair[x, y] for y in range(V)), zero)
            if tot == 0:
                continue
            row = [pair[x, y] / tot for y in range(V)]
            if P[x][0] is None:
                P[x] = row
            elif (exact and row != P[x]) or (not exact and max(abs(u - v) for u, v in zip(row, P[x])) > tol):
                raise ValueError(
                    f"the law is not a time-homogeneous Markov chain: the transition from symbol {x} differs "
                    f"between steps; use the lattice engine for it"
                )
    for x in range(V):
        if P[x][0] is None:
            P[x] = [Fraction(1, V) if exact else 1.0 / V] * V
    mu0 = list(law.marginal([0]))
    chain = MarkovChain(L, P, mu0)
    rebuilt = chain.to_joint()
    ok = bool(np.all(rebuilt.array == a)) if exact else bool(np.max(np.abs(rebuilt.float_array() - law.float_array())) <= tol)
    if not ok:
        raise ValueError("the law is not a Markov chain: it differs from p(x_0) prod P(x_{i-1}, x_i); "
                         "use the lattice engine for it")
    return chain
