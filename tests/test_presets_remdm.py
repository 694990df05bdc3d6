"""ReMDM (``remdm:``, issue 21) against a Monte-Carlo port of ``kuleshov-group/remdm``'s
``diffusion.py: _sample / _ddpm_caching_update`` (samplers mdlm, remdm-cap, remdm-rescale,
remdm-conf, remdm-loop; noise removal by argmax), written here in numpy with the code's float32
time grid and bfloat16 confidence scores, the network the exact conditionals (``subs``). The
laws were fixed before any comparison (L = 4 for the rational samplers, L = 3 for conf, whose
states carry the scores); threshold: the 99.9% null quantile of TV, as in the other conformance tests."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

import exactdlm as ed
from exactdlm.adaptive import remdm
from exactdlm.decoding import parse_schedule_spec
from exactdlm.laws import families
from test_presets_conformance import N, Oracle, empirical, mdlm_p_x0, mdlm_sample_categorical, null_tv_quantile

LAWS4 = {
    "dir2": families.dirichlet(4, 2, 0.6, seed=2201),
    "markov2": families.markov_chain(4, [[0.3, 0.7], [0.85, 0.15]], initial=[0.2, 0.8]),
}
LAWS3 = {
    "dir2": families.dirichlet(3, 2, 0.8, seed=2202),
    "dir3": families.dirichlet(3, 3, 1.1, seed=2203),
    "hmm3": families.hmm(3, [[0.6, 0.4], [0.25, 0.75]], [[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]], initial=[0.85, 0.15]),
    "markov3": families.markov_chain(3, [[0.5, 0.3, 0.2], [0.1, 0.6, 0.3], [0.3, 0.3, 0.4]], initial=[0.6, 0.3, 0.1]),
}


def bf16_array(a):
    a = np.asarray(a, dtype=np.float32)
    u = a.view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000).astype(np.uint32).view(np.float32)
    return np.where(np.isfinite(a), r, a).astype(np.float32)


def remdm_sample(oracle, rng, steps, sampler, eta=0.0, t_on=0.0, t_off=0.0, alpha_on=0.0, eps=1e-5):
    V = oracle.V
    x = np.full((N, oracle.L), V)
    timesteps = np.linspace(1, eps, steps + 1, dtype=np.float32)
    dt = (1 - eps) / steps
    conf = np.full(x.shape, -np.inf, dtype=np.float32)
    for i in range(steps):
        t = timesteps[i]
        mc_t, mc_s = t, np.float32(t - np.float32(dt))
        p_x0 = mdlm_p_x0(oracle, x)
        copy = x != V
        if sampler == "mdlm" or (sampler == "loop" and (float(t) > t_on or float(t) <= t_off)):
            if sampler == "loop":
                if float(t) > t_on:
                    mc_t = 1 - (1 - float(t)) * alpha_on / (1 - t_on)
                    mc_s = 1 - (1 - float(t) + dt) * alpha_on / (1 - t_on)
                else:
                    mc_t = float(t) * (1 - alpha_on) / t_off
                    mc_s = (float(t) - dt) * (1 - alpha_on) / t_off
            q = p_x0 * (mc_t - mc_s)
            q[:, :, V] = mc_s
            xs = np.where(copy, x, mdlm_sample_categorical(q, rng))
        else:
            a_t, a_s = float(np.float32(1 - mc_t)), float(np.float32(1 - mc_s))
            if sampler == "loop":
                a_t = a_s = alpha_on  # the code's ReMDM branch, with sigma = eta
                sig = np.full(x.shape, eta)
                q2_reveal = (alpha_on - (1 - eta) * alpha_on) / (1 - alpha_on)
                q2_mask = (1 - alpha_on - alpha_on * eta) / (1 - alpha_on)
            else:
                if sampler == "cap":
                    s = min(eta, (1 - a_s) / a_t) if a_t > 0 else eta
                    sig = np.full(x.shape, s)
                elif sampler == "rescale":
                    s = eta * (min(1, (1 - a_s) / a_t) if a_t > 0 else 1)
                    sig = np.full(x.shape, s)
                else:  # conf
                    smax = min(1, (1 - a_s) / a_t) if a_t > 0 else 1
                    with np.errstate(invalid="ignore"):
                        z = conf - conf.max(1, keepdims=True)
                        e = np.exp(z.astype(np.float32))
                        w = bf16_array(e / e.sum(1, keepdims=True))
                    w[~copy] = 0
                    sig = bf16_array(w * np.float32(smax)).astype(np.float64)
                stay = bf16_array(1 - sig) if sampler == "conf" else 1 - sig
                q2_reveal = (a_s - (1 - sig) * a_t) / (1 - a_t)
                q2_mask = (1 - a_s - sig * a_t) / (1 - a_t)
            stay = stay if sampler == "conf" else 1 - sig
            q1 = p_x0 * np.asarray(stay)[..., None] if np.ndim(stay) else p_x0 * stay
            q1[:, :, V] = sig
            q2 = p_x0 * np.asarray(q2_reveal)[..., None] if np.ndim(q2_reveal) else p_x0 * q2_reveal
            q2[:, :, V] = q2_mask
            xs = mdlm_sample_categorical(np.where(copy[..., None], q1, q2), rng)
            if sampler == "conf":
                un = (x == V) & (xs != V)
                vals = bf16_array(-np.take_along_axis(p_x0, xs[..., None], -1)[..., 0])
                conf[un] = vals[un]
                conf[(x != V) & (xs == V)] = -np.inf
        x = xs
    return mdlm_p_x0(oracle, x).argmax(-1)  # noise_removal


CASES = [
    ("remdm:steps=8,sampler=loop,eta=0.1,t_on=0.6,t_off=0.2,alpha_on=0.7", LAWS4,
     dict(steps=8, sampler="loop", eta=0.1, t_on=0.6, t_off=0.2, alpha_on=0.7)),
    ("remdm:steps=6,sampler=cap,eta=0.3", LAWS4, dict(steps=6, sampler="cap", eta=0.3)),
    ("remdm:steps=5,sampler=rescale,eta=0.6", LAWS3, dict(steps=5, sampler="rescale", eta=0.6)),
    ("remdm:steps=6,sampler=conf", LAWS3, dict(steps=6, sampler="conf")),
    ("remdm:steps=10,sampler=loop,eta=0.2,t_on=0.7,t_off=0.3,alpha_on=0.6", LAWS3,
     dict(steps=10, sampler="loop", eta=0.2, t_on=0.7, t_off=0.3, alpha_on=0.6)),
]
FAST = {("remdm:steps=6,sampler=cap,eta=0.3", "dir2"), ("remdm:steps=6,sampler=conf", "hmm3")}


def _params():
    out = []
    for i, (spec, laws, kw) in enumerate(CASES):
        for name in laws:
            marks = () if (spec, name) in FAST else (pytest.mark.slow,)
            out.append(pytest.param(spec, laws[name], kw, 2200 + i, id=f"{spec}-{name}", marks=marks))
    return out


@pytest.mark.parametrize("spec, law, kwargs, seed", _params())
def test_remdm_matches_its_real_code(spec, law, kwargs, seed):
    q = np.asarray(ed.output_law(law, spec), dtype=float)
    rng = np.random.default_rng(seed)
    x = remdm_sample(Oracle(law.float_array()), rng, **kwargs)
    tv = 0.5 * float(np.abs(empirical(x, law.V) - q.reshape(-1)).sum())
    limit = null_tv_quantile(q, N, rng)
    assert tv <= limit, f"{spec}: TV(exact, MC) = {tv:.4f} > null 99.9% quantile {limit:.4f}"


def test_remdm_comparison_has_power():
    """The port with remasking (cap, η = 0.3) is told apart from the plain MDLM law with the same steps."""
    law = LAWS4["dir2"]
    rng = np.random.default_rng(3)
    x = remdm_sample(Oracle(law.float_array()), rng, steps=6, sampler="cap", eta=0.3)
    q = np.asarray(ed.output_law(law, "mdlm:steps=6"), dtype=float)
    tv = 0.5 * float(np.abs(empirical(x, law.V) - q.reshape(-1)).sum())
    assert tv > 3 * null_tv_quantile(q, N, rng)


def test_remdm_mdlm_sampler_is_the_mdlm_preset():
    law = families.noisy_repetition(3, F(1, 5))
    assert (ed.output_law(law, "remdm:steps=5,sampler=mdlm") == ed.output_law(law, "mdlm:steps=5")).all()


def test_remdm_rates_hand_worked():
    """cap at the first step (t = 1, α_t = 0): σ = η and a mask is revealed w.p. α_s = dt; loop in the
    ReMDM window: σ = η, reveal ηα_on/(1 − α_on) (η = 0.02, α_on = 0.9: 0.18)."""
    dt = (1 - remdm.SAMPLING_EPS) / 4
    kind, sigma, reveal = remdm.step_rates("cap", F(1), dt, F(1, 10), 0, 0, 0)
    assert (kind, sigma, reveal) == ("remdm", F(1, 10), dt)
    kind, sigma, reveal = remdm.step_rates("loop", F(1, 2), dt, F(2, 100), F(55, 100), F(5, 100), F(9, 10))
    assert (kind, sigma, reveal) == ("remdm", F(2, 100), F(18, 100))
    kind, _, reveal = remdm.step_rates("loop", F(1), F(1, 10), F(2, 100), F(55, 100), F(5, 100), F(9, 10))
    assert kind == "mdlm" and reveal == 1 - (1 - F(1, 10) * F(9, 10) / F(45, 100))  # mc_t = 1, mc_s = 0.8
    # t = 3/10 in the cap branch: α_t = 7/10, α_s = 7/10 + dt; σ = min(η, (1 − α_s)/α_t)
    _, sigma, _ = remdm.step_rates("cap", F(3, 10), F(1, 4), F(1), 0, 0, 0)
    assert sigma == F(1, 20) / F(7, 10)
    assert remdm.bf16(0.1) == 0.10009765625 and remdm.bf16(-1 / 3) == -0.333984375


def test_remdm_revisits_states():
    """With η = 1 the rescale sampler masks every revealed token again on the step after: a point
    mass law still comes out exactly (every redraw gives the same tokens), and a law with two
    positions is drawn again and again, so remdm's output is not the MDLM output."""
    law = families.markov_chain(2, [[F(1), F(0)], [F(0), F(1)]], initial=[F(1), F(0)])
    assert (ed.output_law(law, "remdm:steps=6,sampler=rescale,eta=1") == law.array).all()
    p = families.noisy_repetition(2, F(1, 4))
    assert not (ed.output_law(p, "remdm:steps=4,sampler=rescale,eta=1/2") == ed.output_law(p, "mdlm:steps=4")).all()


@pytest.mark.parametrize("spec, words", [
    ("remdm:sampler=cap", "missing required key 'steps'"),
    ("remdm:steps=4,sampler=fb", "sampler must be one of"),
    ("remdm:steps=4,eta=2", "eta must lie in [0, 1]"),
    ("remdm:steps=4,t_on=0.1,t_off=0.5", "t_off <= t_on"),
    ("remdm:steps=4,eta=1,alpha_on=0.9", "not a probability"),
])
def test_bad_remdm_specs(spec, words):
    with pytest.raises(ValueError) as info:
        parse_schedule_spec(spec, 3)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_remdm_conf_refuses_past_the_cap():
    with pytest.raises(ValueError, match="pairs after one step"):
        ed.output_law(families.dirichlet(4, 2, 1.0, seed=1), "remdm:steps=4,sampler=conf")


def test_remdm_refuses_by_estimate():
    with pytest.raises(ValueError, match="state-steps"):
        ed.output_law(families.dirichlet(4, 3, 1.0, seed=1), "remdm:steps=6,sampler=conf")
