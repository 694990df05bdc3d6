"""Feng et al. (arXiv 2502.09622, NeurIPS 2025): token error rate vs sequence error rate on n-gram laws
(docs/theory.md §5).

Statements as read (secondary: issue 21's restatement). For n-gram targets the *token error rate*
(per-token cross-entropy of the output law) needs a number of steps independent of ``L``, while the
*sequence error rate* (the output law's mass off the support of ``p``) needs a number of steps linear
in ``L`` in the worst case. With the exact conditionals both are exact functionals of the output law
``q``; exactdlm reads the token error rate as ``KL(p ‖ q) / L`` (the per-token cross-entropy
``-E_p log q / L`` less the entropy rate ``H(p)/L``: finite, since ``q > 0`` on the support of ``p``)
and the sequence error rate as ``SER = q(x : p(x) = 0)``. Two exact forms are checked:

* **FENG-TER** (derived): with ``K`` balanced steps, ``EKL / L <= Ī(L-1) / K`` for every law (SH-1:
  ``EKL <= (s_max - 1) Ī(L-1)`` and ``s_max - 1 < L/K``), and ``KL(p‖q) <= EKL`` (E7). ``Ī(L-1)`` is
  the mean ``I(X_i; X_{-i})``, for an ``n``-gram law at most ``I(X_i; its 2(n-1) neighbours)``: so
  ``K = ⌈Ī(L-1)/ε⌉`` steps give a token error rate ``<= ε`` at every ``L``. Decided on the profile cone
  (every law, ``L <= 1024``), and on the suite's Markov laws with the mixture KL.
* **FENG-SER** (derived): on the 2-gram "no two adjacent 1s" (golden-mean chain, stationary start,
  ``P = [[1/2, 1/2], [1, 0]]``), an off-support ``11`` made in the first step is never undone, and the
  first step draws its ``s_1`` uniformly placed tokens independently from the stationary marginal
  ``θ = P(1) = 1/3``; so ``SER >= 1 - Z(L, s_1)``, ``Z`` the probability that no two adjacent revealed
  tokens are both 1 (a DP over positions). Checked against the exact SER of the output law; ``Z``
  falls to 0 as ``L`` grows at fixed ``K``. This lower bound alone shows ``K`` must grow like ``√L``
  (``Z ≈ exp(-L θ² / K²)``); the exact SER values (notebooks/theory_2026.py) show the faster growth.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb

from . import Check, Claim, Provenance, register_catalogue

PAPER = "Feng et al., arXiv 2502.09622 (NeurIPS 2025)"
GOLDEN = [[Fraction(1, 2), Fraction(1, 2)], [Fraction(1), Fraction(0)]]
THETA = Fraction(1, 3)
#: golden-mean laws on the lattice for FENG-SER: L = 2..SER_MAX_L, K = 1, 2, 3 balanced steps
SER_MAX_L = 7
SER_KS = (1, 2, 3)


def _balanced(L: int, K: int) -> tuple:
    from ..schedules import theorem_rules as rules

    return rules.balanced(L, K)


#: the fixed step counts of FENG-TER (the point: K does not grow with L)
TER_KS = (1, 2, 3, 4, 8, 16)


def ter_steps(L: int) -> list[int]:
    """``K`` in :data:`TER_KS` up to ``L``."""
    return [K for K in TER_KS if K <= L]


def _feng_ter(ctx):
    if ctx.L < 2:
        return
    mi = ctx.mi  # Σ_i I(X_i; X_-i) = L Ī(L-1)
    for K in ter_steps(ctx.L):
        sizes = _balanced(ctx.L, K)
        yield Check(ctx.ekl(sizes), mi * ctx.num(Fraction(1, K)), "le", sizes,
                    f"K={K} balanced: EKL/L <= Ī(L-1)/K", note={"K": K})
        if not getattr(ctx, "symbolic", False) and ctx.lattice and ctx.case.family in ("markov_chain",) and \
                ctx.costly(sizes):
            yield Check(ctx.mixture_kl(sizes), mi * ctx.num(Fraction(1, K)), "le", sizes,
                        f"K={K} balanced, n-gram law: KL(p||q)/L <= Ī(L-1)/K", note={"K": K}, rated=False)


register_catalogue(Claim(
    id="FENG-TER", source="FENG", provenance=Provenance(PAPER, "TER needs steps independent of L (exact form derived "
                                                                "here)", "derived"),
    kind="le",
    statement="with K balanced steps the per-token error EKL/L (and KL(p||q)/L <= EKL/L) is at most Ī(L-1)/K, "
              "independent of L: K = ceil(Ī(L-1)/ε) steps give a token error rate <= ε at every length",
    formula="KL(p||q)/L <= EKL/L <= Ī(L-1)/K  (balanced K steps)",
    hypotheses="every law (profile cone), K = 1, 2, 3, 4, 8, 16 (up to L); the suite's Markov laws also with the "
               "mixture KL where output laws are computed",
    quantifier="named schedule family", case_checks=_feng_ter, profile_only=True))


def first_step_clean(L: int, s: int, theta=THETA):
    """``Z(L, s)``: a uniform ``s``-subset of ``L`` positions, each revealed token 1 with probability
    ``θ`` independently; the probability that no two adjacent revealed tokens are both 1. A DP over
    positions with state (tokens chosen so far, last position: unchosen / chosen 0 / chosen 1):
    exact ``Fraction`` for a rational ``θ``, numpy floats otherwise."""
    if isinstance(theta, Fraction):
        w = {(0, 0): Fraction(1)}
        for _ in range(L):
            nw: dict = {}
            for (c, st), x in w.items():
                nw[(c, 0)] = nw.get((c, 0), 0) + x
                if c < s:
                    nw[(c + 1, 1)] = nw.get((c + 1, 1), 0) + x * (1 - theta)
                    if st != 2:
                        nw[(c + 1, 2)] = nw.get((c + 1, 2), 0) + x * theta
            w = nw
        return sum(x for (c, _), x in w.items() if c == s) / comb(L, s)
    import numpy as np
    from scipy.special import gammaln

    u, z, o = np.zeros(s + 1), np.zeros(s + 1), np.zeros(s + 1)
    u[0] = 1.0
    log_scale = 0.0
    for _ in range(L):
        nu = u + z + o
        nz = np.zeros(s + 1)
        no = np.zeros(s + 1)
        nz[1:] = (u + z + o)[:-1] * (1 - theta)
        no[1:] = (u + z)[:-1] * theta
        m = max(nu.max(), nz.max(), no.max())
        u, z, o = nu / m, nz / m, no / m
        log_scale += np.log(m)
    log_comb = gammaln(L + 1) - gammaln(s + 1) - gammaln(L - s + 1)
    return float(np.exp(np.log(u[s] + z[s] + o[s]) + log_scale - log_comb)) if u[s] + z[s] + o[s] > 0 else 0.0


def ser(p, q) -> Fraction:
    """The sequence error rate: the mass ``q`` puts where ``p`` is 0."""
    import numpy as np

    a, b = np.asarray(p.array).reshape(-1), np.asarray(q).reshape(-1)
    return sum((y for x, y in zip(a, b) if x == 0), Fraction(0))


def _feng_ser(suite):
    from ..engine.sampler import sampler_law
    from ..laws.families import markov_chain

    checks = []
    for L in range(2, SER_MAX_L + 1):
        p = markov_chain(L, GOLDEN)
        for K in SER_KS:
            if K > L:
                continue
            sizes = _balanced(L, K)
            q = sampler_law(p, sizes)
            checks.append(Check(ser(p, q), 1 - first_step_clean(L, sizes[0]), "ge", sizes,
                                f"golden-mean 2-gram L={L}, K={K}: SER >= 1 - Z(L, s_1)", law=p, note={"L": L, "K": K}))
    return checks, {}


register_catalogue(Claim(
    id="FENG-SER", source="FENG", provenance=Provenance(PAPER, "SER needs steps growing with L (first-step bound "
                                                                "derived here)", "derived"),
    kind="ge", global_kind="exact",
    statement="on the golden-mean 2-gram (no two adjacent 1s) with K balanced steps, the output law's mass off the "
              "support is at least 1 - Z(L, s_1), the chance that the first step's independent draws make no "
              "adjacent 11; Z -> 0 as L grows at fixed K",
    formula="SER = q(p = 0) >= 1 - Z(L, s_1),  Z = P(no adjacent revealed pair is 11 | uniform s_1-subset, θ = 1/3)",
    hypotheses=f"the golden-mean chain (stationary start) at L = 2..{SER_MAX_L}, K = 1, 2, 3 balanced steps; exact "
               "output laws",
    quantifier="named schedule family", global_checks=_feng_ser))
