"""MDLM's ancestral sampler, exactly as its code decides (docs/theory.md §2a).

Modelled on ``kuleshov-group/mdlm``: ``diffusion.py`` (``Diffusion._sample``,
``_ddpm_update``, ``_ddpm_caching_update``, ``_sample_categorical``) and ``noise_schedule.py``
(``LogLinearNoise``, ``CosineNoise``, both with ``eps = 1e-3``); the network replaced by the
predictor's conditionals (``subs`` parameterisation: revealed tokens are carried over).

* Timesteps ``t_i = linspace(1, 1e-5, S+1)[i]`` and ``s = t_i - dt`` with ``dt = (1 - 1e-5)/S``,
  taken as exact rationals (``s = t_{i+1}``).
* On the step ``t -> s`` every masked token is revealed independently with probability
  ``(mc(t) - mc(s)) / mc(t)`` (``q_xs``: the token row times ``mc(t) - mc(s)``, the mask entry
  ``mc(s)``), its token drawn from the predictor's row at temperature 1 (MDLM has none).
  ``ddpm``: ``mc = 1 - exp(-sigma)``, for ``loglinear`` ``(1 - 1e-3)·t`` (the ratio is
  ``(t - s)/t``, rational) and for ``cosine`` ``(1 - 1e-3)(1 - cos(πt/2))`` (float);
  ``ddpm_cache``: ``mc = t`` itself, log-linear only (the code asserts it); the cached
  network output is the same function of the state, so the law is that of ``ddpm``.
* ``noise_removal`` (on by default): masks left after the last step are filled at once by
  the argmax of their rows (lowest value on ties).

Also (issue 21) the noise classes ``linear`` (``σ = 1e-3 + 6.999 t``, ``configs/noise/linear.yaml``),
``geometric`` (``σ = 1e-3^{1-t}``, ``GeometricNoise``'s defaults) and ``cosinesqr``
(``σ = -log(1e-3 + (1 - 1e-3) cos²(πt/2))``), all in floats, and the ``analytic`` predictor
(``_analytic_update``: ``get_score``, ``_staggered_score``, ``_transp_transition``). Worked out in
the ``subs`` parameterisation, the analytic step reveals a mask with probability
``k(e^{dσ} - 1)``, ``k = 1/(e^{σ_t} - 1)``, which *is* ``ddpm``'s ``(mc_t - mc_s)/mc_t`` for every
noise class, and keeps revealed tokens; it differs in the noise removal (``_denoiser_update``):
leftover masks are *drawn* from their rows, not set to the argmax.

The ``1e-10`` guards of ``_sample_categorical``'s Gumbel trick are not modelled.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ..schedules import DecodingRule
from .steplaw import (
    StepEngine,
    as_float,
    bernoulli_choices,
    bounded_power,
    check_count,
    check_work,
    exact_guess,
    law_bits,
    law_for,
    layer_states,
    op_growth,
    pick_then_draw,
    run_chain,
)

NOISES = ("loglinear", "cosine")
SAMPLERS = ("ddpm", "ddpm_cache")
# issue 21: the other noise classes of noise_schedule.py and the analytic predictor
NOISES += ("linear", "geometric", "cosinesqr")
SAMPLERS += ("analytic",)
#: ``configs/noise/linear.yaml`` (sigma_min 1e-3, sigma_max 7) and ``GeometricNoise``'s defaults (1e-3, 1)
LINEAR_SIGMAS, GEOMETRIC_SIGMAS = (1e-3, 7.0), (1e-3, 1.0)
SAMPLING_EPS = Fraction(1, 10**5)
NOISE_EPS = 1e-3


def times(steps: int) -> tuple[Fraction, ...]:
    """``t_0 = 1 > t_1 > ... > t_S = 1e-5``, evenly spaced (exact rationals)."""
    return tuple(1 - i * (1 - SAMPLING_EPS) / steps for i in range(steps + 1))


def reveal_probabilities(steps: int, noise: str) -> tuple:
    """Per-token reveal probability of each step: Fractions (log-linear) or floats (cosine)."""
    ts = times(steps)
    if noise == "loglinear":
        return tuple((ts[i] - ts[i + 1]) / ts[i] for i in range(steps))

    def mc(t):
        if noise != "cosine":
            return -math.expm1(-total_noise(noise, float(t)))
        return (1 - NOISE_EPS) * (1 - math.cos(float(t) * math.pi / 2))

    return tuple((mc(ts[i]) - mc(ts[i + 1])) / mc(ts[i]) for i in range(steps))


def total_noise(noise: str, t: float) -> float:
    """``σ(t)`` of ``noise_schedule.py``'s ``Linear``, ``GeometricNoise``, ``CosineSqrNoise`` (float)."""
    if noise == "linear":
        lo, hi = LINEAR_SIGMAS
        return lo + t * (hi - lo)
    if noise == "geometric":
        lo, hi = GEOMETRIC_SIGMAS
        return lo ** (1 - t) * hi**t
    if noise == "cosinesqr":
        return -math.log(NOISE_EPS + (1 - NOISE_EPS) * math.cos(t * math.pi / 2) ** 2)
    raise ValueError(f"mdlm: no float total noise for {noise!r}")


@dataclass(frozen=True)
class MDLM(DecodingRule):
    """``mdlm:steps=S,noise=loglinear|cosine,sampler=ddpm|ddpm_cache`` on ``L`` positions."""

    L: int
    steps: int
    noise: str = "loglinear"
    sampler: str = "ddpm_cache"
    ties: str = "uniform"  # no position ties arise; kept for a uniform interface

    def __post_init__(self):
        check_count("mdlm", "L", self.L)
        check_count("mdlm", "steps", self.steps)
        if self.noise not in NOISES:
            raise ValueError(f"mdlm: noise must be one of {', '.join(NOISES)}, got {self.noise!r}")
        if self.sampler not in SAMPLERS:
            raise ValueError(f"mdlm: sampler must be one of {', '.join(SAMPLERS)}, got {self.sampler!r}")
        if self.sampler == "ddpm_cache" and self.noise != "loglinear":
            raise ValueError("mdlm: sampler=ddpm_cache exists only for noise=loglinear (MDLM asserts it); use sampler=ddpm")

    def work(self, law, predictor=None) -> float:
        """Refuse when the chain's estimated time or memory is over the caps (``steplaw.check_work``).

        ``S`` steps of coins and the noise removal: each step visits the ``C(L, m) V^(L-m)``
        states with ``m`` masked, ``m`` rows and ``(V+1)^m`` children each. Exact log-linear
        weights stay small (the ratios ``t_(i+1)/t_i`` telescope): about ``L`` times the bits of
        ``S·10^5`` and of the law's conditionals.
        """
        L, V, S = law.L, law.V, self.steps
        exact = exact_guess(law, predictor, 1, float_only=self.noise == "cosine")
        per_round = sum(layer_states(L, V, m, V, "random") * (2 * m * V + bounded_power(V + 1, m) * (4 + m))
                        for m in range(1, L + 1))
        peak = sum(layer_states(L, V, m, V, "random") for m in range(1, L + 1))
        growth = op_growth(L * (law_bits(law) + math.log2(S * 10**5)) / 2) if exact else 1.0
        return check_work("mdlm", L, V, S + 1, ops=as_float(S + 1) * per_round * growth, states=peak, exact=exact,
                          detail=f"noise={self.noise}")

    def law(self, p, predictor=None):
        law = law_for("mdlm", self.L, p)
        L, V, S = law.L, law.V, self.steps
        self.work(law, predictor)
        eng = StepEngine(law, predictor, 1, "lowest", float_only=self.noise != "loglinear")
        probs = reveal_probabilities(S, self.noise)
        probs = probs if eng.exact else tuple(float(x) for x in probs)
        greedy = StepEngine(law, predictor, 0, "lowest", float_only=not eng.exact)

        def step(state, i):
            masked = [j for j in range(L) if state[j] == V]
            if i < S:
                draws = {j: eng.draws(eng.row(state, j)) for j in masked}
                children = pick_then_draw(state, bernoulli_choices(masked, probs[i], eng.one), draws)
            elif self.sampler == "analytic":  # _denoiser_update: leftover masks drawn from their rows
                draws = {j: eng.draws(eng.row(state, j)) for j in masked}
                children = pick_then_draw(state, [(frozenset(masked), eng.one)], draws)
            else:  # noise removal: every leftover mask takes its argmax
                draws = {j: greedy.draws(greedy.tempered(greedy.row(state, j))) for j in masked}
                children = pick_then_draw(state, [(frozenset(masked), eng.one)], draws)
            for child, pr in children:
                yield child, i + 1, pr

        return run_chain(L, V, eng.exact, step, rounds=S + 1)
