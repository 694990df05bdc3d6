"""ReMDM remasking samplers, exactly as their code decides (docs/theory.md §2a).

Modelled on ``kuleshov-group/remdm``, ``diffusion.py``: ``Diffusion._sample`` and
``_ddpm_caching_update`` (the samplers ``mdlm``, ``remdm-cap``, ``remdm-rescale``, ``remdm-conf``,
``remdm-loop``; log-linear noise, which the cached update asserts), with the network replaced by
the predictor's conditionals in the ``subs`` parameterisation (a revealed position's row is the
point mass at its token; the mask entry is 0); ``nucleus_p = 1``, no time conditioning.

On the step ``t -> s = t - dt`` (``t_i = linspace(1, 1e-5, S+1)[i]``, ``dt = (1 - 1e-5)/S``,
``α = 1 - t``) *every* position moves, independently:

* a revealed token returns to the mask with probability ``σ`` and stays otherwise (``q_xs =
  p_x0·(1 - σ)``, mask entry ``σ``) — the maintainers' description in the repository's issue 8;
* a masked position is revealed with probability ``(α_s - (1 - σ)α_t)/(1 - α_t)``, its token drawn
  from the predictor's row at the current state; otherwise it stays masked.

``σ`` per sampler: ``cap`` ``min(η, (1 - α_s)/α_t)``; ``rescale`` ``η·min(1, (1 - α_s)/α_t)`` (``η``
and ``1`` when ``α_t = 0``); ``conf``: per revealed position, ``softmax(conf)_j · min(1, (1 - α_s)/α_t)``
with ``conf_j = -p̂(y_j | x_R)`` the negated probability the token had when it was revealed (the
state then carries these scores; ``-inf`` again when remasked), kept in bfloat16 as the code's
``confident_score`` is (the softmax and ``σ`` rounded to bfloat16, the stay weight ``1 - σ`` too,
so the remask probability is ``σ/(σ + (1 - σ))`` of the rounded weights); ``loop``: for
``t > t_on`` an MDLM step on ``α(t) = (1 - t)α_on/(1 - t_on)``, for ``t <= t_off`` an MDLM step on
``α(t) = 1 - t(1 - α_on)/t_off``, in between ReMDM with ``α_t = α_s = α_on`` and ``σ = η`` (masked
positions revealed with probability ``ηα_on/(1 - α_on)``); ``mdlm``: ``σ = 0`` (the MDLM step).
``noise_removal`` (on by default) then replaces every mask left by the argmax of its row.

The chain can revisit states (a token may be masked and redrawn), so the output law is a
finite-horizon DP over the ``S`` steps: a layer per step over ``(state, scores)``, fully
revealed states included. Exact rationals for ``mdlm``, ``cap``, ``rescale``, ``loop`` with a
rational law (the time grid taken as exact rationals, as :mod:`~exactdlm.adaptive.mdlm` does: the
code's float32 grid moves the probabilities by about 1e-7 relative); ``conf`` in floats.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

import numpy as np

from ..schedules import DecodingRule
from .core import new_output
from .steplaw import PRESET_WORK_CAP, StepEngine, check_ties, check_work, law_for

SAMPLERS = ("loop", "cap", "rescale", "conf", "mdlm")
SAMPLING_EPS = Fraction(1, 10**5)
#: most (state, scores) pairs a layer may hold (conf's scores record each token's reveal context;
#: L = 3, V = 3 at 6 steps fits, in about 2.5 s; L = 4, V = 2 passes 87,000 within 6 steps)
LAYER_CAP = 50_000
#: ``scripts/remdm-loop.sh``: eta = 0.02, t_on = 0.55, t_off = 0.05, alpha_on = 0.9
DEFAULTS = {"eta": Fraction(2, 100), "t_on": Fraction(55, 100), "t_off": Fraction(5, 100), "alpha_on": Fraction(9, 10)}


def f32(x: float) -> float:
    """``x`` rounded to float32 (round to nearest even), as a float."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def bf16(x: float) -> float:
    """``x`` rounded to bfloat16 (through float32, round to nearest even), as a float."""
    if math.isinf(x):
        return x
    (u,) = struct.unpack("<I", struct.pack("<f", x))
    u = (u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000
    return struct.unpack("<f", struct.pack("<I", u))[0]


def step_rates(sampler: str, t, dt, eta, t_on, t_off, alpha_on):
    """``(kind, σ, reveal)`` of the step at time ``t``: ``kind`` "mdlm" (revealed tokens copied) or
    "remdm"; ``σ`` the remask probability (``None`` for conf: per position); ``reveal`` the
    probability that a masked position is revealed (for conf: with ``σ = 0``, its own)."""
    s = t - dt
    if sampler == "loop":
        if t > t_on or t <= t_off:
            if t > t_on:
                mc_t, mc_s = 1 - (1 - t) * alpha_on / (1 - t_on), 1 - (1 - s) * alpha_on / (1 - t_on)
            else:
                mc_t, mc_s = t * (1 - alpha_on) / t_off, s * (1 - alpha_on) / t_off
            return "mdlm", 0, (mc_t - mc_s) / mc_t
        return "remdm", eta, eta * alpha_on / (1 - alpha_on)
    a_t, a_s = 1 - t, 1 - s
    if sampler == "mdlm":
        return "mdlm", 0, (t - s) / t
    ratio = (1 - a_s) / a_t if a_t > 0 else None
    if sampler == "cap":
        sigma = min(eta, ratio) if ratio is not None else eta
    elif sampler == "rescale":
        sigma = eta * (min(1, ratio) if ratio is not None else 1)
    else:  # conf: sigma_max here; masked positions have sigma = 0
        return "conf", (min(1, ratio) if ratio is not None else 1), (a_s - a_t) / (1 - a_t)
    return "remdm", sigma, (a_s - (1 - sigma) * a_t) / (1 - a_t)


@dataclass(frozen=True)
class ReMDM(DecodingRule):
    """``remdm:steps=S[,sampler=loop|cap|rescale|conf|mdlm,eta=η,t_on=a,t_off=b,alpha_on=c]``."""

    L: int
    steps: int
    sampler: str = "loop"
    eta: Fraction = DEFAULTS["eta"]
    t_on: Fraction = DEFAULTS["t_on"]
    t_off: Fraction = DEFAULTS["t_off"]
    alpha_on: Fraction = DEFAULTS["alpha_on"]
    ties: str = "uniform"  # no position ties arise; kept for a uniform interface

    def __post_init__(self):
        if not (isinstance(self.steps, int) and self.steps >= 1):
            raise ValueError(f"remdm: steps must be a positive integer, got {self.steps!r}")
        if self.sampler not in SAMPLERS:
            raise ValueError(f"remdm: sampler must be one of {', '.join(SAMPLERS)}, got {self.sampler!r}")
        if not 0 <= Fraction(self.eta) <= 1:
            raise ValueError(f"remdm: eta must lie in [0, 1], got {self.eta}")
        if self.sampler == "loop":
            t_on, t_off, a = Fraction(self.t_on), Fraction(self.t_off), Fraction(self.alpha_on)
            if not (0 < t_off <= t_on < 1 and 0 < a < 1):
                raise ValueError(f"remdm: loop needs 0 < t_off <= t_on < 1 and 0 < alpha_on < 1, got t_on={t_on}, "
                                 f"t_off={t_off}, alpha_on={a}")
            if Fraction(self.eta) * a / (1 - a) > 1:
                raise ValueError(f"remdm: eta·alpha_on/(1 - alpha_on) = {Fraction(self.eta) * a / (1 - a)} > 1 is not a "
                                 "probability (the code would sample from negative weights); lower eta or alpha_on")
        check_ties(self.ties)

    def times(self):
        dt = (1 - SAMPLING_EPS) / self.steps
        return [1 - i * dt for i in range(self.steps)], dt

    def law(self, p, predictor=None):
        from ..laws.budget import check_time
        from .entropy_sum import SECONDS_PER_EXPANSION

        law = law_for("remdm", self.L, p)
        L, V, S = law.L, law.V, self.steps
        conf = self.sampler == "conf"
        # states x children per step; conf's states also carry the scores (one per reveal context)
        estimate = S * (V + 1) ** (2 * L) * ((V + 1) ** L if conf else 1)
        if estimate > PRESET_WORK_CAP:
            raise ValueError(f"remdm with L={L}, V={V}, steps={S} enumerates up to about {estimate:,} state-steps, "
                             f"over the cap {PRESET_WORK_CAP:,}; use a smaller L or V, or fewer steps")
        check_time(estimate * SECONDS_PER_EXPANSION, f"remdm on L={L}, V={V}, steps={S}", "use a smaller L, V or steps")
        check_work("remdm", L, V, S, ops=estimate, exact=not conf, detail=f"sampler={self.sampler}")  # time and memory
        eng = StepEngine(law, predictor, 1, "lowest", float_only=conf)
        greedy = StepEngine(law, predictor, 0, "lowest", float_only=not eng.exact)
        num = (lambda x: Fraction(x)) if eng.exact else float
        ts, dt = self.times()
        pars = [num(x) for x in (self.eta, self.t_on, self.t_off, self.alpha_on)]
        one = eng.one
        layer = {((V,) * L, None): one}
        for t in ts:
            kind, sigma, reveal = step_rates(self.sampler, num(t), num(dt), *pars)
            nxt: dict = {}
            for (state, scores), w in layer.items():
                for child, sc, pr in self._children(eng, state, scores, kind, sigma, reveal):
                    if pr == 0:
                        continue
                    key = (child, sc)
                    nxt[key] = nxt.get(key, 0 * one) + w * pr
            layer = nxt
            if len(layer) > LAYER_CAP:  # conf: the scores multiply the states beyond any useful a-priori bound
                raise ValueError(f"remdm {self.sampler} on L={L}, V={V}: {len(layer):,} (state, scores) pairs after one step, "
                                 f"over the cap {LAYER_CAP:,}; use a smaller L or V, or fewer steps")
        q = new_output(L, V, eng.exact)
        for (state, _), w in layer.items():
            masked = [j for j in range(L) if state[j] == V]
            if not masked:
                q[state] += w
                continue
            final = list(state)
            for j in masked:  # noise_removal: the argmax of the row at the final state
                final[j] = greedy.draws(greedy.tempered(greedy.row(state, j)))[0][0]
            q[tuple(final)] += w
        return q

    def _children(self, eng, state, scores, kind, sigma, reveal):
        V, L, one = eng.V, eng.L, eng.one
        options = []
        if kind == "conf":
            sig = _conf_sigmas(state, scores, V, float(sigma))
        for j in range(L):
            if state[j] != V:
                if kind == "mdlm":
                    options.append([(state[j], one, None)])
                    continue
                if kind == "conf":
                    stay_w, mask_w = sig[j]
                    rm = mask_w / (mask_w + stay_w)
                else:
                    rm = sigma
                options.append([(state[j], one - rm, None), (V, rm, None)])
            else:
                row = eng.row(state, j)
                opts = [(V, one - reveal, None)]
                opts += [(v, reveal * x, x) for v, x in enumerate(row) if x > 0]
                options.append(opts)
        for combo in product(*options):
            pr = one
            for _, x, _ in combo:
                pr = pr * x
            child = tuple(v for v, _, _ in combo)
            sc = None
            if kind == "conf":  # the scores: set on reveal (bf16 of -p in float32), -inf on remask
                old = scores or (-math.inf,) * L
                sc = tuple(
                    (bf16(-f32(float(px))) if state[j] == V and v != V else
                     (-math.inf if v == V else old[j]))
                    for j, (v, _, px) in enumerate(combo))
            yield child, sc, pr


def _conf_sigmas(state, scores, V, sigma_max: float) -> dict:
    """Per revealed position: the bfloat16 weights ``(1 - σ_j, σ_j)`` of ``remdm-conf``."""
    revealed = [j for j, d in enumerate(state) if d != V]
    if not revealed:
        return {}
    top = max(scores[j] for j in revealed)
    e = {j: math.exp(scores[j] - top) for j in revealed}
    total = sum(e.values())
    out = {}
    for j in revealed:
        s = bf16(f32(bf16(e[j] / total) * f32(sigma_max)))
        out[j] = (bf16(1.0 - s), s)
    return out
