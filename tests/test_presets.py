"""The production presets: step-count rules against hand-worked cases, the spec grammar and its
refusals, tie policies on a hand-worked law, exact twins, and the greedy-decoding metrics."""

from __future__ import annotations

import json
import math
from fractions import Fraction as F

import numpy as np
import pytest

from exactdlm.laws.budget import ComputationTooLong

import exactdlm as ed
from exactdlm.adaptive import dream, llada, mdlm
from exactdlm.cli import main
from exactdlm.decoding import parse_schedule_spec
from exactdlm.engine.divergence import cross_entropy, entropy, gen_ppl
from exactdlm.laws import JointLaw, families


# ----------------------------------------------------------------------------------------
# step counts
# ----------------------------------------------------------------------------------------
def test_llada_transfer_counts_hand_worked():
    assert llada.transfer_counts(10, 4) == (3, 3, 2, 2)
    assert llada.transfer_counts(4, 4) == (1, 1, 1, 1)
    assert llada.transfer_counts(2, 3) == (1, 1, 0)
    assert llada.transfer_counts(7, 2) == (4, 3)


@pytest.mark.parametrize("L", [3, 4, 5, 8, 16, 32])
def test_dream_counts_at_steps_equal_L(L):
    assert dream.transfer_counts(L, L) == (0,) + (1,) * (L - 2) + (2,)


def test_dream_counts_and_timesteps_hand_worked():
    # linspace(1, 1e-3, 3) = (1, 0.5005, 0.001): int(4 * 0.4995) = 1, then the other 3
    assert dream.transfer_counts(4, 2) == (1, 3)
    assert np.allclose(dream.timesteps(2, F(1, 1000)), [1, 0.5005, 0.001], rtol=1e-7)
    assert dream.timesteps(4, F(1, 1000)).dtype == np.float32
    probs = dream.origin_probabilities(2)
    assert probs[1] == 1 and probs[0] == F(float(np.float32(1) - np.float32(0.5005)))
    assert dream.transfer_counts(4, 1) == (4,)


def test_dream_counts_depend_on_float32():
    """Hand-worked: linspace(1, 0.1, 4) in float32 has t_1 = 1 + f32(-0.9/3) = 0.70000005, so
    int(10 * (1 - t_1)) = int(2.9999995) = 2, where exact arithmetic (and float64) give 3."""
    ts = dream.timesteps(3, F(1, 10))
    assert float(ts[1]) == float(np.float32(0.70000005)) and ts[1] != np.float32(0.7)
    assert dream.transfer_counts(10, 3, F(1, 10)) == (2, 3, 5)
    exact_t1 = 1 - F(9, 10) / 3
    assert int(10 * (1 - exact_t1)) == 3


def test_mdlm_reveal_probabilities_exact():
    eps = F(1, 10**5)
    t1 = 1 - (1 - eps) / 2
    assert mdlm.reveal_probabilities(2, "loglinear") == ((1 - t1) / 1, (t1 - eps) / t1)
    cos = mdlm.reveal_probabilities(3, "cosine")
    assert all(isinstance(x, float) and 0 < x <= 1 for x in cos)


# ----------------------------------------------------------------------------------------
# grammar
# ----------------------------------------------------------------------------------------
def test_keys_in_any_order_and_exact_numbers():
    a = parse_schedule_spec("dream:steps=4,alg=entropy,T=0.5,eps=0.01", 4)
    b = parse_schedule_spec("dream: eps=1/100, T=1/2 ,alg=entropy,steps=4", 4)
    assert a == b and a.T == F(1, 2) and a.eps == F(1, 100)
    assert parse_schedule_spec("llada:steps=4", 4).block == 4
    assert parse_schedule_spec("fastdllm:threshold=0.9", 4).threshold == F(9, 10)
    assert parse_schedule_spec("mdlm:steps=4", 4).sampler == "ddpm_cache"
    assert parse_schedule_spec("mdlm:steps=4,noise=cosine", 4).sampler == "ddpm"


@pytest.mark.parametrize("spec, words", [
    ("llada:steps=4,foo=1", "unknown key 'foo'"),
    ("llada:steps=4,steps=2", "given twice"),
    ("llada:block=2", "missing required key 'steps'"),
    ("fastdllm:block=2", "missing required key 'threshold'"),
    ("llada:steps=4,block=3", "not a multiple of block=3"),
    ("llada:steps=3,block=2", "not a multiple of the 2 blocks"),
    ("llada:steps=2.5", "must be an integer"),
    ("llada:steps=4,remask=high", "remask must be one of"),
    ("dream:steps=4,alg=origin,alg_temp=1", "origin ignores it"),
    ("dream:steps=4,alg=topk", "alg must be one of"),
    ("dream:steps=4,T=-1", "T must be >= 0"),
    ("dream:steps=4,eps=1", "eps must lie in (0, 1)"),
    ("mdlm:steps=4,noise=cosine,sampler=ddpm_cache", "only for noise=loglinear"),
    ("fastdllm:threshold=2", "threshold must lie in [0, 1]"),
    ("dream:steps", "expected key=value"),
])
def test_bad_specs_are_one_line_errors(spec, words):
    with pytest.raises(ValueError) as info:
        parse_schedule_spec(spec, 4)
    assert words in str(info.value) and "\n" not in str(info.value)


def test_old_specs_still_parse():
    assert parse_schedule_spec("balanced:2", 4) == (2, 2)
    assert parse_schedule_spec("sizes:2,1,1", 4) == (2, 1, 1)
    assert parse_schedule_spec("bernoulli:1/2,1/2,1/2", 4) is not None
    assert parse_schedule_spec("threshold:0.7", 4).tau == F(7, 10)


def test_cli_bad_preset_exits_2(capsys):
    rc = main(["law", "--family", "noisy_repetition", "--L", "2", "--param", "eta=1/5", "--schedule", "dream:steps=2,bogus=1"])
    err = capsys.readouterr().err
    assert rc == 2 and "unknown key 'bogus'" in err and err.count("\n") == 1


# ----------------------------------------------------------------------------------------
# ties, hand-worked: p = [[1/2, 1/8], [1/8, 1/4]], LLaDA at T = 1, two steps of one
# ----------------------------------------------------------------------------------------
HAND = JointLaw(np.array([[F(1, 2), F(1, 8)], [F(1, 8), F(1, 4)]], dtype=object))


def test_ties_uniform_hand_worked():
    # both draw the same token with probability 34/64: a tie, either position kept
    q = ed.output_law(HAND, "llada:steps=2,T=1")
    assert q.tolist() == [[F(44, 64), F(7, 64)], [F(7, 64), F(6, 64)]]


def test_ties_lowest_hand_worked_and_equal_to_select():
    q = ed.output_law(HAND, "llada:steps=2,T=1", ties="lowest")
    assert q.tolist() == [[F(44, 64), F(8, 64)], [F(6, 64), F(6, 64)]]
    assert (q == ed.output_law(HAND, "select:2")).all()  # the existing rule keeps lowest-index ties


def test_value_ties_go_to_lowest_value_at_T0():
    p = families.iid(3, [F(1, 3)] * 3)
    for spec in ("llada:steps=3", "dream:steps=3,alg=maskgit_plus", "fastdllm:threshold=0.5,model=dream"):
        q = ed.output_law(p, spec)
        assert q[0, 0, 0] == 1, spec


def test_ties_argument_checked():
    with pytest.raises(ValueError, match="ties must be"):
        ed.output_law(HAND, "llada:steps=2", ties="random")


# ----------------------------------------------------------------------------------------
# exact twins: the rational law and the float run of its float copy
# ----------------------------------------------------------------------------------------
TWIN_SPECS = [
    "llada:steps=4,block=2", "llada:steps=2,T=1/2", "llada:steps=4,remask=random,T=1/3",
    "dream:steps=3", "dream:steps=4,alg=maskgit_plus,T=1", "dream:steps=4,alg=topk_margin",
    "dream:steps=4,alg=entropy,T=1/2", "fastdllm:threshold=0.5,block=2,T=1",
    "fastdllm:threshold=0.6,model=dream", "mdlm:steps=3", "mdlm:steps=2,sampler=ddpm",
]


@pytest.mark.parametrize("spec", TWIN_SPECS)
def test_exact_law_and_float_twin(spec):
    p = families.dirichlet(4, 2, 1.0, seed=77, exact=True, max_denominator=10**6)
    q = ed.output_law(p, spec)
    assert q.dtype == object and sum(q.reshape(-1)) == 1
    qf = ed.output_law(JointLaw(p.float_array()), spec)
    assert qf.dtype == float
    assert np.allclose(q.astype(float), qf, atol=1e-12)


def test_float_modes():
    p = families.dirichlet(4, 2, 1.0, seed=5, exact=True, max_denominator=1000)
    for spec in ("llada:steps=4,T=0.7", "dream:steps=4,alg=entropy,alg_temp=0.5", "mdlm:steps=3,noise=cosine"):
        q = ed.output_law(p, spec)
        assert q.dtype == float and math.isclose(q.sum(), 1, abs_tol=1e-12), spec


def test_random_order_twins():
    """Random remasking at T = 1 and MDLM with the exact predictor are random-order samplers:
    LLaDA's is a uniform order (p itself); MDLM's is bernoulli:K's law."""
    p = families.dirichlet(4, 3, 1.0, seed=9, exact=True, max_denominator=50)
    assert (ed.output_law(p, "llada:steps=4,remask=random,T=1") == p.array).all()
    q = ed.output_law(p, "mdlm:steps=4")
    assert float(ed.tv(q, ed.output_law(p, "mdlm:steps=4,sampler=ddpm"))) == 0


def test_learned_predictor_and_temperature_are_separate():
    """Greedy and tempered decoding with a learned predictor: T belongs to the procedure."""
    p = families.dirichlet(3, 2, 1.0, seed=3, exact=True, max_denominator=100)
    pred = families.dirichlet(3, 2, 1.0, seed=4, exact=True, max_denominator=100)
    for spec in ("dream:steps=3,alg=entropy", "llada:steps=3,T=1/2", "fastdllm:threshold=0.5"):
        q = ed.output_law(p, spec, predictor=pred)
        assert q.dtype == object and sum(q.reshape(-1)) == 1
        assert not (q == ed.output_law(p, spec)).all(), spec
    # mixing with the uniform law keeps every argmax: greedy LLaDA does not see it, T = 1 does
    mix = ed.mix_uniform(F(1, 10))
    assert (ed.output_law(p, "llada:steps=3", predictor=mix) == ed.output_law(p, "llada:steps=3")).all()
    assert not (ed.output_law(p, "llada:steps=3,T=1", predictor=mix) == ed.output_law(p, "llada:steps=3,T=1")).all()


def test_work_cap_refuses_with_estimate():
    p = families.dirichlet(9, 3, 1.0, seed=1)
    with pytest.raises(ComputationTooLong, match="mdlm with L=9, V=3, 9 steps .* would take about .* over the time cap"):
        ed.output_law(p, "mdlm:steps=8")


# ----------------------------------------------------------------------------------------
# metrics
# ----------------------------------------------------------------------------------------
def test_greedy_metrics_hand_worked():
    # greedy LLaDA: step 1 keeps position 0 (value 0, conf 5/8, tie in position), then 0 | 0
    q = ed.output_law(HAND, "llada:steps=2", ties="lowest")
    assert q[0, 0] == 1
    assert ed.kl(HAND, q) == math.inf
    assert math.isclose(float(ed.kl(q, HAND)), math.log(2))
    assert float(entropy(q)) == 0
    assert math.isclose(gen_ppl(HAND, q), 2 ** 0.5)
    assert math.isclose(float(cross_entropy(q, HAND)), math.log(2))


def test_cli_law_prints_inf_and_json_keys(capsys):
    args = ["law", "--family", "noisy_repetition", "--L", "4", "--param", "eta=1/5", "--schedule", "llada:steps=4,block=2"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "inf" in out and "gen. perplexity" in out and "H(q)" in out
    assert main(args + ["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("kl_pq", "kl_qp", "tv", "entropy_q", "gen_ppl"):
        assert key in data
    assert data["kl_pq"] == "inf" and math.isfinite(data["kl_qp"]) and data["entropy_q"] == 0  # JSON has no Infinity
    p = families.noisy_repetition(4, F(1, 5))
    q = ed.output_law(p, "llada:steps=4,block=2")
    assert math.isclose(data["gen_ppl"], gen_ppl(p, q), rel_tol=1e-12)
    assert math.isclose(data["kl_qp"], float(ed.kl(q, p)), rel_tol=1e-12)


def test_presets_agree_with_the_older_rules_where_the_code_says_they_should():
    """Dream's topk_margin/entropy at T = 1 are the context-only policies run with Dream's own
    (zero-free) sizes; LLaDA's random remasking at T = 1 in blocks is the semi-AR random-order
    sampler; both with lowest-index ties (the older rules' policy)."""
    p = families.dirichlet(4, 3, 1.0, seed=21, exact=True, max_denominator=10**4)
    sizes = tuple(k for k in dream.transfer_counts(4, 4) if k)
    assert sizes == (1, 1, 2)
    for alg, rule in (("topk_margin", "margin"), ("entropy", "entropy")):
        q = ed.output_law(p, f"dream:steps=4,alg={alg},T=1", ties="lowest")
        assert (q == ed.adaptive_law(p, rule, sizes=sizes)).all(), alg
    q = ed.output_law(p, "llada:steps=4,block=2,T=1,remask=random")
    assert (q == ed.output_law(p, "semiar:2/2")).all()
    # ... and where they should not: maskgit_plus scores the drawn token, `confidence` does not
    assert not (ed.output_law(p, "dream:steps=4,alg=maskgit_plus,T=1", ties="lowest")
                == ed.adaptive_law(p, "confidence", sizes=sizes)).all()
