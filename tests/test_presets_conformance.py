"""Each production preset's exact law against a Monte-Carlo run of the real code's logic.

The ports below follow the control flow of the named functions line by line, written in
numpy, with the network replaced by the exact conditionals of a joint law (computed here from
the array, not by exactdlm): LLaDA ``generate.py: generate / get_num_transfer_tokens /
add_gumbel_noise``; Dream ``generation_utils.py: _sample / sample_tokens``; Fast-dLLM
``llada/generate.py: generate / get_transfer_index`` and ``dream/model/generation_utils_block.py:
_sample`` (``alg='confidence_threshold'``); MDLM ``diffusion.py: _sample / _ddpm_update /
_ddpm_caching_update / _sample_categorical`` with ``noise_schedule.py``. They share nothing
with ``exactdlm.adaptive`` but the spec string.

Each test samples ``N = 100_000`` sequences (seeded) and compares the empirical law with the
exact one by total variation; the threshold is the 99.9% quantile of the TV of ``N`` samples
drawn from the exact law itself (resampled), so a correct preset fails one case in a thousand.
The laws are Dirichlet draws with fixed seeds, chosen before any comparison was run (no ties).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import exactdlm as ed
from exactdlm.laws import families

N = 100_000
L = 4


# ----------------------------------------------------------------------------------------
# the "network": exact conditionals of a joint array, for a batch of partially masked states
# ----------------------------------------------------------------------------------------
class Oracle:
    def __init__(self, p):
        self.p = np.asarray(p, dtype=float)
        self.L, self.V = self.p.ndim, self.p.shape[0]
        self.mask = self.V
        grid = np.indices(self.p.shape).reshape(self.L, -1).T  # (M, L) every sequence
        self.grid, self.w = grid, self.p.reshape(-1)
        onehot = (grid[:, :, None] == np.arange(self.V)).astype(float)  # (M, L, V)
        self.table = (self.w[:, None, None] * onehot).reshape(len(grid), -1)

    def probs(self, x):
        """``(n, L, V)``: ``p(x_j = v | revealed part of x)``; uniform on contexts of probability 0.

        Computed once per distinct state in the batch (at most ``(V+1)^L`` of them)."""
        codes = x @ ((self.V + 1) ** np.arange(self.L))
        uniq, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
        states = x[first]
        consistent = np.ones((len(states), len(self.grid)), dtype=bool)
        for j in range(self.L):
            known = states[:, j] != self.mask
            consistent &= ~known[:, None] | (states[:, j][:, None] == self.grid[None, :, j])
        mass = (consistent.astype(float) @ self.table).reshape(len(states), self.L, self.V)
        tot = mass.sum(-1, keepdims=True)
        rows = np.where(tot > 0, mass / np.where(tot > 0, tot, 1), 1.0 / self.V)
        return rows[inverse.reshape(-1)]


def empirical(x, V):
    idx = np.ravel_multi_index(x.T, (V,) * x.shape[1])
    return np.bincount(idx, minlength=V ** x.shape[1]) / len(x)


#: size of an i.i.d. uniform perturbation of the scores before ``topk`` (0: none; the tie test
#: sets it to model "exact ties broken by continuous noise")
JITTER = {"size": 0.0, "rng": np.random.default_rng(99)}


def topk_mask(conf, k):
    """``torch.topk(conf, k)`` per row as a boolean mask and the ranks (``k`` a per-row array)."""
    if JITTER["size"]:
        conf = conf + JITTER["size"] * JITTER["rng"].random(conf.shape)
    order = np.argsort(-conf, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(conf.shape[1])[None, :].repeat(len(conf), 0), axis=1)
    return rank < np.asarray(k)[:, None], rank


def categorical(probs, rng):
    """One draw per row of ``probs`` (..., V) by inverse CDF."""
    u = rng.random(probs.shape[:-1])[..., None]
    return np.minimum((np.cumsum(probs, -1) < u).sum(-1), probs.shape[-1] - 1)


# ----------------------------------------------------------------------------------------
# LLaDA: generate.py
# ----------------------------------------------------------------------------------------
def llada_num_transfer_tokens(block_mask, steps):
    mask_num = block_mask.sum(1, keepdims=True)
    base, remainder = mask_num // steps, mask_num % steps
    out = np.zeros((len(block_mask), steps), dtype=np.int64) + base
    out += np.arange(steps)[None, :] < remainder  # the code's loop: out[i, :remainder[i]] += 1
    return out


def llada_add_gumbel_noise(logits, temperature, rng):
    if temperature == 0:
        return logits
    noise = rng.random(logits.shape)
    return np.exp(logits) / (-np.log(noise)) ** temperature


def llada_generate(oracle, rng, steps, block_length, temperature, remasking):
    x = np.full((N, oracle.L), oracle.mask)
    gen_length = oracle.L
    assert gen_length % block_length == 0
    num_blocks = gen_length // block_length
    assert steps % num_blocks == 0
    steps = steps // num_blocks
    for nb in range(num_blocks):
        block_mask_index = x[:, nb * block_length:(nb + 1) * block_length] == oracle.mask
        num_transfer_tokens = llada_num_transfer_tokens(block_mask_index, steps)
        for i in range(steps):
            mask_index = x == oracle.mask
            with np.errstate(divide="ignore"):
                logits = np.log(oracle.probs(x))
            x0 = np.argmax(llada_add_gumbel_noise(logits, temperature, rng), -1)
            if remasking == "low_confidence":
                p = np.exp(logits)
                x0_p = np.take_along_axis(p, x0[..., None], -1)[..., 0]
            else:
                x0_p = rng.random(x0.shape)
            x0_p[:, (nb + 1) * block_length:] = -np.inf
            x0 = np.where(mask_index, x0, x)
            confidence = np.where(mask_index, x0_p, -np.inf)
            transfer, _ = topk_mask(confidence, num_transfer_tokens[:, i])
            x[transfer] = x0[transfer]
    return x


# ----------------------------------------------------------------------------------------
# Dream: generation_utils.py (the copy in Fast-dLLM's dream/model/)
# ----------------------------------------------------------------------------------------
def torch_linspace_f32(start, end, steps, fma=True):
    """torch.linspace on float32 (CPU): halves from each end with a float32 step. ``fma``: the
    AVX2/AVX512 builds' fused multiply-add (the float64 product and sum are exact here, so one
    rounding to float32); otherwise the scalar build's two float32 roundings."""
    f = np.float32
    start, end = f(start), f(end)
    step = f((end - start) / f(steps - 1))
    out = np.empty(steps, dtype=f)
    for idx in range(steps):
        if fma:
            d = np.float64(step)
            out[idx] = f(np.float64(start) + d * idx) if idx < steps // 2 else f(np.float64(end) - d * (steps - idx - 1))
        else:
            out[idx] = start + step * f(idx) if idx < steps // 2 else end - step * f(steps - idx - 1)
    return out


def softmax(logits):
    """Row-wise softmax over the last axis (max-shifted)."""
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def dream_sample_tokens(probs_in, temperature, rng, margin_confidence=False, neg_entropy=False,
                        top_p=1.0, top_k=0):
    """Dream's ``sample_tokens`` with ``top_p_logits`` / ``top_k_logits`` (Fast-dLLM
    dream/model/generation_utils.py); ``top_p=1, top_k=0`` (the defaults) truncate nothing."""
    with np.errstate(divide="ignore"):
        logits = np.log(probs_in)
    if temperature > 0:
        logits = logits / temperature
    low = np.finfo(np.float64).min
    if top_p < 1:
        order = np.argsort(-logits, axis=-1, kind="stable")
        srt = np.take_along_axis(logits, order, -1)
        cum = np.cumsum(softmax(srt), -1)
        remove = cum > top_p
        remove[..., 1:] = remove[..., :-1].copy()
        remove[..., 0] = False
        mask = np.zeros_like(remove)
        np.put_along_axis(mask, order, remove, -1)
        logits = np.where(mask, low, logits)
    if top_k:
        kth = np.sort(logits, -1)[..., -min(top_k, logits.shape[-1]), None]
        logits = np.where(logits < kth, low, logits)
    probs = softmax(logits)
    if temperature > 0:
        x0 = categorical(probs, rng)
        confidence = np.take_along_axis(probs, x0[..., None], -1)[..., 0]
    else:
        confidence, x0 = probs.max(-1), probs.argmax(-1)
    if margin_confidence:
        sp = -np.sort(-probs, -1)
        confidence = sp[..., 0] - sp[..., 1]
    if neg_entropy:
        confidence = np.sum(probs * np.log(probs + 1e-10), -1)
    return confidence, x0


def multinomial_without_replacement(weights, k, rng):
    """``torch.multinomial(weights, k)``: Gumbel-top-k (exponential race), a boolean mask."""
    with np.errstate(divide="ignore"):
        keys = np.log(weights) - np.log(-np.log(rng.random(weights.shape)))
    return topk_mask(keys, np.full(len(weights), k))[0]


def dream_transfer_index(full_confidence, k, alg_temp, rng):
    """Dream's choice of the ``k`` positions to reveal: ``torch.topk`` of the confidence at
    ``alg_temp = 0``, else ``torch.multinomial`` of its ``softmax(confidence / alg_temp)``."""
    if alg_temp == 0:
        return topk_mask(full_confidence, np.full(N, k))[0]
    z = full_confidence / alg_temp
    w = np.exp(z - z.max(1, keepdims=True))
    return multinomial_without_replacement(w / w.sum(1, keepdims=True), k, rng)


def dream_sample(oracle, rng, steps, alg, temperature, alg_temp, eps):
    x = np.full((N, oracle.L), oracle.mask)
    timesteps = torch_linspace_f32(1, eps, steps + 1)
    for i in range(steps):
        mask_index = x == oracle.mask
        probs = oracle.probs(x)
        t, s = timesteps[i], timesteps[i + 1]
        if alg == "origin":
            p_transfer = np.float32(1) - s / t if i < steps - 1 else 1
            transfer = (rng.random(x.shape) < p_transfer) & mask_index
            _, x0 = dream_sample_tokens(probs, temperature, rng)
            x[transfer] = x0[transfer]
            continue
        confidence, x0 = dream_sample_tokens(
            probs, temperature, rng, margin_confidence=alg == "topk_margin", neg_entropy=alg == "entropy")
        num_mask_token = np.float32(mask_index.sum(1)[0])  # every row has the same count here
        number_transfer_tokens = int(num_mask_token * (np.float32(1) - s / t)) if i < steps - 1 else int(num_mask_token)
        full_confidence = np.where(mask_index, confidence, -np.inf)
        if number_transfer_tokens > 0:
            transfer = dream_transfer_index(full_confidence, number_transfer_tokens, alg_temp, rng)
            x[transfer] = x0[transfer]
    return x


# ----------------------------------------------------------------------------------------
# Fast-dLLM: llada/generate.py (threshold) and dream/model/generation_utils_block.py
# ----------------------------------------------------------------------------------------
def threshold_keep(confidence, counts, threshold):
    """topk(k=counts) per row; the first kept, the others dropped when below the threshold."""
    _, rank = topk_mask(confidence, counts)
    return (rank < counts[:, None]) & ((rank == 0) | (confidence >= threshold))


def fastdllm_llada_generate(oracle, rng, threshold, block_length, temperature):
    x = np.full((N, oracle.L), oracle.mask)
    num_blocks = oracle.L // block_length
    for nb in range(num_blocks):
        while True:
            mask_index = x == oracle.mask
            with np.errstate(divide="ignore"):
                logits = np.log(oracle.probs(x))
            mask_index[:, (nb + 1) * block_length:] = False
            # get_transfer_index
            x0 = np.argmax(llada_add_gumbel_noise(logits, temperature, rng), -1)
            x0_p = np.take_along_axis(np.exp(logits), x0[..., None], -1)[..., 0]
            x0 = np.where(mask_index, x0, x)
            confidence = np.where(mask_index, x0_p, -np.inf)
            transfer = threshold_keep(confidence, mask_index.sum(1), threshold)
            x[transfer] = x0[transfer]
            if (x[:, nb * block_length:(nb + 1) * block_length] == oracle.mask).sum() == 0:
                break
    return x


def fastdllm_dream_sample(oracle, rng, threshold, block_length, temperature):
    x = np.full((N, oracle.L), oracle.mask)
    num_blocks = oracle.L // block_length
    for nb in range(num_blocks):
        start, end = nb * block_length, (nb + 1) * block_length
        _, x0 = dream_sample_tokens(oracle.probs(x), temperature, rng)
        x[:, start] = x0[:, start]
        while True:
            mask_index = x[:, start:] == oracle.mask
            confidence, x0 = dream_sample_tokens(oracle.probs(x)[:, start:], temperature, rng)
            full_confidence = np.where(mask_index, confidence, -np.inf)
            full_confidence[:, block_length:] = -np.inf
            current = (x[:, start:end] == oracle.mask).sum(1)
            transfer = threshold_keep(full_confidence, current, threshold)
            view = x[:, start:]
            view[transfer] = x0[transfer]
            if (x[:, start:end] == oracle.mask).sum() == 0:
                break
    return x


# ----------------------------------------------------------------------------------------
# MDLM: diffusion.py and noise_schedule.py
# ----------------------------------------------------------------------------------------
def mdlm_total_noise(noise, t, eps=1e-3):
    if noise == "loglinear":
        return -np.log1p(-(1 - eps) * t)
    return -np.log(eps + (1 - eps) * np.cos(t * np.pi / 2))


def mdlm_sample_categorical(categorical_probs, rng):
    gumbel_norm = 1e-10 - np.log(rng.random(categorical_probs.shape) + 1e-10)
    return (categorical_probs / gumbel_norm).argmax(-1)


def mdlm_p_x0(oracle, x):
    """subs parameterisation: masked rows are the conditionals (mask entry 0), revealed rows one-hot."""
    V = oracle.V
    p = np.concatenate([oracle.probs(x), np.zeros(x.shape + (1,))], -1)
    known = x != V
    onehot = (x[..., None] == np.arange(V + 1)).astype(float)
    return np.where(known[..., None], onehot, p)


def mdlm_sample(oracle, rng, steps, noise, sampler, eps=1e-5):
    V = oracle.V
    x = np.full((N, oracle.L), V)
    timesteps = np.linspace(1, eps, steps + 1, dtype=np.float32)
    dt = (1 - eps) / steps
    for i in range(steps):
        t = float(timesteps[i])
        if sampler == "ddpm":
            move_chance_t = 1 - np.exp(-mdlm_total_noise(noise, t))
            move_chance_s = 1 - np.exp(-mdlm_total_noise(noise, t - dt))
        else:
            assert noise == "loglinear"
            move_chance_t, move_chance_s = t, t - dt
        q_xs = mdlm_p_x0(oracle, x) * (move_chance_t - move_chance_s)
        q_xs[:, :, V] = move_chance_s
        _x = mdlm_sample_categorical(q_xs, rng)
        copy_flag = x != V
        x = np.where(copy_flag, x, _x)
    return mdlm_p_x0(oracle, x).argmax(-1)  # noise_removal


# ----------------------------------------------------------------------------------------
# the comparison
# ----------------------------------------------------------------------------------------
def null_tv_quantile(q, n, rng, reps=2000, level=0.999):
    """The ``level`` quantile of TV(empirical of n draws from q, q), by resampling q."""
    q = np.clip(np.asarray(q, dtype=float).reshape(-1), 0, None)
    q = q / q.sum()
    counts = rng.multinomial(n, q, size=reps)
    tvs = 0.5 * np.abs(counts / n - q[None, :]).sum(1)
    return float(np.quantile(tvs, level))


LAWS = {
    2: families.dirichlet(L, 2, 1.0, seed=1301),
    3: families.dirichlet(L, 3, 1.0, seed=1302),
}

# (spec, port, port arguments); every preset, greedy and tempered, blocks and softmax picks
CASES = [
    ("llada:steps=4,block=2", llada_generate, dict(steps=4, block_length=2, temperature=0, remasking="low_confidence")),
    ("llada:steps=2,T=1", llada_generate, dict(steps=2, block_length=4, temperature=1, remasking="low_confidence")),
    ("llada:steps=4,block=2,T=1/2", llada_generate, dict(steps=4, block_length=2, temperature=0.5, remasking="low_confidence")),
    ("llada:steps=2,block=2,T=0.7,remask=random", llada_generate, dict(steps=2, block_length=2, temperature=0.7, remasking="random")),
    ("dream:steps=3", dream_sample, dict(steps=3, alg="origin", temperature=0, alg_temp=0, eps=1e-3)),
    ("dream:steps=4,alg=origin,T=1,eps=0.1", dream_sample, dict(steps=4, alg="origin", temperature=1, alg_temp=0, eps=0.1)),
    ("dream:steps=4,alg=maskgit_plus,T=1", dream_sample, dict(steps=4, alg="maskgit_plus", temperature=1, alg_temp=0, eps=1e-3)),
    ("dream:steps=3,alg=maskgit_plus", dream_sample, dict(steps=3, alg="maskgit_plus", temperature=0, alg_temp=0, eps=1e-3)),
    ("dream:steps=4,alg=topk_margin,T=1/2", dream_sample, dict(steps=4, alg="topk_margin", temperature=0.5, alg_temp=0, eps=1e-3)),
    ("dream:steps=4,alg=entropy", dream_sample, dict(steps=4, alg="entropy", temperature=0, alg_temp=0, eps=1e-3)),
    ("dream:steps=4,alg=entropy,T=0.8,alg_temp=1/5", dream_sample, dict(steps=4, alg="entropy", temperature=0.8, alg_temp=0.2, eps=1e-3)),
    ("dream:steps=3,alg=maskgit_plus,T=1,alg_temp=0.1", dream_sample, dict(steps=3, alg="maskgit_plus", temperature=1, alg_temp=0.1, eps=1e-3)),
    ("fastdllm:threshold=0.6,block=2", fastdllm_llada_generate, dict(threshold=0.6, block_length=2, temperature=0)),
    ("fastdllm:threshold=0.5,T=1", fastdllm_llada_generate, dict(threshold=0.5, block_length=4, temperature=1)),
    ("fastdllm:threshold=0.4,block=2,T=1,model=dream", fastdllm_dream_sample, dict(threshold=0.4, block_length=2, temperature=1)),
    ("fastdllm:threshold=0.7,model=dream", fastdllm_dream_sample, dict(threshold=0.7, block_length=4, temperature=0)),
    ("mdlm:steps=3", mdlm_sample, dict(steps=3, noise="loglinear", sampler="ddpm_cache")),
    ("mdlm:steps=2,sampler=ddpm", mdlm_sample, dict(steps=2, noise="loglinear", sampler="ddpm")),
    ("mdlm:steps=4,noise=cosine", mdlm_sample, dict(steps=4, noise="cosine", sampler="ddpm")),
]
FAST = {"llada:steps=4,block=2", "dream:steps=4,alg=maskgit_plus,T=1", "fastdllm:threshold=0.4,block=2,T=1,model=dream",
        "mdlm:steps=4,noise=cosine"}


def measure(spec, port, kwargs, V, seed=0, law=None, ties="uniform"):
    """(TV exact vs MC, its null 99.9% quantile) on ``LAWS[V]`` or ``law``."""
    p = LAWS[V] if law is None else law
    q = np.asarray(ed.output_law(p, spec, ties=ties), dtype=float)
    rng = np.random.default_rng(1000 * V + seed)
    x = port(Oracle(p.float_array()), rng, **kwargs)
    tv = 0.5 * float(np.abs(empirical(x, V) - q.reshape(-1)).sum())
    return tv, null_tv_quantile(q, N, rng)


def _params():
    out = []
    for spec, port, kwargs in CASES:
        for V in (2, 3):
            marks = () if (spec in FAST and V == 3) else (pytest.mark.slow,)
            out.append(pytest.param(spec, port, kwargs, V, id=f"{spec}-V{V}", marks=marks))
    return out


@pytest.mark.parametrize("spec, port, kwargs, V", _params())
def test_preset_matches_its_real_code(spec, port, kwargs, V):
    tv, limit = measure(spec, port, kwargs, V)
    assert tv <= limit, f"{spec} on V={V}: TV(exact, MC) = {tv:.4f} > null 99.9% quantile {limit:.4f}"


def test_the_comparison_has_power():
    """A wrong law is caught: LLaDA greedy vs the port at temperature 1, and the lowest-index
    `select` twin vs Dream's maskgit_plus (the sizes differ)."""
    p = LAWS[3]
    rng = np.random.default_rng(7)
    x = llada_generate(Oracle(p.float_array()), rng, steps=2, block_length=4, temperature=1, remasking="low_confidence")
    wrong = np.asarray(ed.output_law(p, "llada:steps=2,T=1/2"), dtype=float)
    tv = 0.5 * float(np.abs(empirical(x, 3) - wrong.reshape(-1)).sum())
    assert tv > 3 * null_tv_quantile(wrong, N, rng)
    x = dream_sample(Oracle(p.float_array()), rng, steps=4, alg="maskgit_plus", temperature=1, alg_temp=0, eps=1e-3)
    wrong = np.asarray(ed.output_law(p, "select:4"), dtype=float)
    tv = 0.5 * float(np.abs(empirical(x, 3) - wrong.reshape(-1)).sum())
    assert tv > 3 * null_tv_quantile(wrong, N, rng)


def test_ports_follow_the_linspace_of_torch():
    """The port's float32 linspace and the preset's timesteps are two writings of one rule;
    both give Dream's (0, 1, ..., 1, 2) at steps = L (hand-worked for L = 4: 0.999, 1.33, 1.50, 2)."""
    from exactdlm.adaptive.dream import timesteps

    for steps, eps in [(4, 1e-3), (7, 1e-3), (16, 0.1), (6, 0.4), (33, 0.37)]:
        assert np.array_equal(torch_linspace_f32(1, eps, steps + 1), timesteps(steps, eps))
        assert np.array_equal(torch_linspace_f32(1, eps, steps + 1, fma=False), timesteps(steps, eps, "scalar"))
    assert math.isclose(float(torch_linspace_f32(1, 1e-3, 5)[1]), 0.75025, rel_tol=1e-6)


# more laws, fixed before any run: a Markov chain (V = 2) and an HMM (V = 3), float
EXTRA_LAWS = {
    "markov": families.markov_chain(L, [[0.8, 0.2], [0.35, 0.65]], initial=[0.6, 0.4]),
    "hmm": families.hmm(L, [[0.9, 0.1], [0.25, 0.75]], [[0.6, 0.3, 0.1], [0.15, 0.25, 0.6]], initial=[0.5, 0.5]),
}


# one tempered case per preset and per code path here (the whole matrix runs in seconds but adds up)
EXTRA_CASES = [c for c in CASES if c[0] in {
    "llada:steps=4,block=2,T=1/2", "dream:steps=4,alg=origin,T=1,eps=0.1", "dream:steps=4,alg=topk_margin,T=1/2",
    "dream:steps=4,alg=entropy,T=0.8,alg_temp=1/5", "fastdllm:threshold=0.5,T=1",
    "fastdllm:threshold=0.4,block=2,T=1,model=dream", "mdlm:steps=4,noise=cosine"}]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXTRA_LAWS))
@pytest.mark.parametrize("spec, port, kwargs", [pytest.param(*c, id=c[0]) for c in EXTRA_CASES])
def test_preset_matches_its_real_code_on_more_laws(spec, port, kwargs, name):
    law = EXTRA_LAWS[name]
    tv, limit = measure(spec, port, kwargs, law.V, seed=5, law=law)
    assert tv <= limit, f"{spec} on {name}: TV(exact, MC) = {tv:.4f} > null 99.9% quantile {limit:.4f}"


# exact ties: the real code with its scores perturbed by i.i.d. noise of size 1e-9 (far below
# every score gap of these rational laws) is the ``ties="uniform"`` law, not the lowest-index one
TIE_LAW = families.noisy_repetition(L, Fraction(1, 5))
TIE_CASES = [
    ("llada:steps=4,T=1", llada_generate, dict(steps=4, block_length=4, temperature=1, remasking="low_confidence")),
    ("dream:steps=4,alg=entropy,T=1", dream_sample, dict(steps=4, alg="entropy", temperature=1, alg_temp=0, eps=1e-3)),
    ("fastdllm:threshold=0.9,block=2,T=1", fastdllm_llada_generate, dict(threshold=0.9, block_length=2, temperature=1)),
]


@pytest.mark.parametrize("spec, port, kwargs", [pytest.param(*c, id=c[0]) for c in TIE_CASES])
def test_uniform_ties_are_the_limit_of_perturbed_scores(spec, port, kwargs, monkeypatch):
    monkeypatch.setitem(JITTER, "size", 1e-9)
    rng = np.random.default_rng(11)
    x = port(Oracle(TIE_LAW.float_array()), rng, **kwargs)
    emp = empirical(x, 2)
    for ties, should_match in (("uniform", True), ("lowest", False)):
        q = np.asarray(ed.output_law(TIE_LAW, spec, ties=ties), dtype=float)
        tv = 0.5 * float(np.abs(emp - q.reshape(-1)).sum())
        limit = null_tv_quantile(q, N, rng)
        assert (tv <= limit) == should_match, f"{spec}, ties={ties}: TV = {tv:.4f}, null 99.9% quantile {limit:.4f}"
