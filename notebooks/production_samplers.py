# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The samplers people run, exactly: LLaDA, Dream, Fast-dLLM and MDLM against the theorems
#
# **What is claimed.** The bounds of LC and their sharpening SH-1 (docs/theory.md §5) are about
# the *random-order* sampler: **[LC-T1]** (LC Thm 1 *[secondary]*) `EKL ≤ (2^⌈log₂ s_max⌉ − 1)/L · Σ I`,
# **[SH-1]** *[derived]* `EKL ≤ (s_max − 1)/L · Σ I`, and **[MIX]** *[derived]* `KL(p‖q) ≤ EKL`.
# Production samplers (docs/theory.md §2a) choose positions from the model's confidences and
# decode greedily by default, so none of these statements covers them. Here, for each preset
# run exactly as its code decides, as the step count grows: `KL(p‖q)` at temperature 1 against
# random order and the bounds; and at temperature 0 (greedy) and ½ the metrics that stay
# finite — total variation, the entropy `H(q)` and the exact generative perplexity
# `exp(E_q[−log p]/L)` — on Markov, HMM and noisy-repetition laws. The bounds are drawn for
# balanced fixed sizes with `S` steps (what random order runs); MDLM's random sizes and the
# value-adaptive presets are outside every one of them.

# %%
import math
from fractions import Fraction as F

import numpy as np
import matplotlib.pyplot as plt

import exactdlm as ed
from exactdlm.laws import families
from exactdlm import schedules
from exactdlm.engine.divergence import entropy, gen_ppl

from _common import SMALL, pick, record, save

L = pick(6, 4)
print(f"SMALL={SMALL}: L={L}")

LAW_SPECS = {
    "Markov": dict(family="markov_chain", L=L, transition=[["9/10", "1/10"], ["1/5", "4/5"]]),
    "HMM": dict(family="hmm", L=L, transition=[["19/20", "1/20"], ["1/10", "9/10"]],
                emission=[["4/5", "1/5"], ["1/10", "9/10"]]),
    "noisy repetition η=1/10": dict(family="noisy_repetition", L=L, eta="1/10"),
}


def make(spec):
    args = {k: v for k, v in spec.items() if k != "family"}
    return families.make(spec["family"], **args).to_float()


LAWS = {n: make(s) for n, s in LAW_SPECS.items()}


def presets(S, T):
    """Every preset at ``S`` steps (one block) and temperature ``T`` (MDLM: always 1)."""
    return {
        "LLaDA low_confidence": f"llada:steps={S},T={T}",
        "LLaDA semi-AR (block L/2)": f"llada:steps={2 * S},block={L // 2},T={T}",
        "Dream maskgit_plus": f"dream:steps={S},alg=maskgit_plus,T={T}",
        "Dream entropy": f"dream:steps={S},alg=entropy,T={T}",
        "Dream origin": f"dream:steps={S},T={T}",
        "MDLM (log-linear)": f"mdlm:steps={S}",
        "MDLM (cosine)": f"mdlm:steps={S},noise=cosine",
    }


def metrics(p, q):
    return {"kl_pq": float(ed.kl(p, q)), "kl_qp": float(ed.kl(q, p)), "tv": float(ed.tv(p, q)),
            "entropy_q": float(entropy(q)), "gen_ppl": gen_ppl(p, q)}


Ss = list(range(1, L + 1))
TEMPS = ["1", "1/2", "0"]
res = {}
for n, p in LAWS.items():
    sigma_i = float(ed.mi_sum(p))
    rows = {"S": Ss, "H_p": float(entropy(p)), "gen_ppl_p": gen_ppl(p, p), "mi_sum": sigma_i,
            "random order": [], "EKL": [], "SH-1 bound": [], "LC-T1 bound": [], "presets": {}}
    for S in Ss:
        sizes = schedules.balanced(L, S)
        s_max = max(sizes)
        rows["random order"].append(metrics(p, ed.output_law(p, sizes)))
        rows["EKL"].append(float(ed.expected_kl(p, sizes)))
        rows["SH-1 bound"].append((s_max - 1) / L * sigma_i)
        rows["LC-T1 bound"].append((2 ** math.ceil(math.log2(s_max)) - 1) / L * sigma_i)
    for T in TEMPS:
        for name in presets(1, T):
            if name.startswith("MDLM") and T != "1":
                continue
            rows["presets"][f"{name} T={T}"] = [metrics(p, ed.output_law(p, presets(S, T)[name])) for S in Ss]
    for T in TEMPS:  # Fast-dLLM has no step count: one point per threshold
        for tau in ("0.5", "0.7", "0.9"):
            rows["presets"][f"Fast-dLLM τ={tau} T={T}"] = [metrics(p, ed.output_law(p, f"fastdllm:threshold={tau},T={T}"))]
    res[n] = rows
    k = L // 2 - 1
    print(f"{n:26s} S={Ss[k]}: random order KL {rows['random order'][k]['kl_pq']:.4f} (SH-1 bound {rows['SH-1 bound'][k]:.4f}); "
          + ", ".join(f"{m} {rows['presets'][m + ' T=1'][k]['kl_pq']:.4f}" for m in ("LLaDA low_confidence", "Dream entropy", "MDLM (cosine)")))

# %%
styles = {"LLaDA low_confidence": "s-", "LLaDA semi-AR (block L/2)": "s:", "Dream maskgit_plus": "^-",
          "Dream entropy": "d-", "Dream origin": "v--", "MDLM (log-linear)": "o--", "MDLM (cosine)": "o:"}
fig, axes = plt.subplots(len(res), 3, figsize=(17, 4.6 * len(res)))
for row_axes, (n, rows) in zip(axes, res.items()):
    ax = row_axes[0]
    ax.semilogy(Ss, [m["kl_pq"] for m in rows["random order"]], "ko-", lw=2, label="random order KL(p‖q)")
    ax.semilogy(Ss, rows["EKL"], "k:", label="random order EKL")
    ax.semilogy(Ss, np.maximum(rows["SH-1 bound"], 1e-12), "k--", alpha=0.6, label="SH-1 bound")
    for name, st_ in styles.items():
        vals = [m["kl_pq"] for m in rows["presets"][f"{name} T=1"]]
        ax.semilogy(Ss, np.maximum(vals, 1e-12), st_, ms=5, label=name)
    ax.set_title(f"{n}: KL(p‖q) at T = 1")
    ax.set_xticks(Ss)
    ax.set_xlabel("steps S")
    ax.set_ylabel("nats")
    ax.set_ylim(1e-6, None)
    ax = row_axes[1]
    ax.plot(Ss, [m["tv"] for m in rows["random order"]], "ko-", lw=2, label="random order (T = 1)")
    for name, st_ in styles.items():
        if name.startswith("MDLM"):
            continue
        ax.plot(Ss, [m["tv"] for m in rows["presets"][f"{name} T=1/2"]], st_, ms=5, label=f"{name}, T = 1/2")
    greedy = sorted({round(m["tv"], 12) for key, ms in rows["presets"].items() if key.endswith("T=0") for m in ms})
    for g in greedy:
        ax.axhline(g, color="grey", ls="--", lw=1)
    ax.set_title(f"{n}: TV(p, q) at T = 1/2 (dashed: every greedy run)")
    ax.set_xlabel("steps S")
    ax = row_axes[2]
    for T, marker in zip(TEMPS, ("o", "s", "x")):
        pts = [(m["entropy_q"], m["gen_ppl"]) for key, ms in rows["presets"].items() if key.endswith(f"T={T}") for m in ms]
        ax.scatter(*zip(*pts), marker=marker, alpha=0.6, label=f"presets, T = {T}")
    ax.scatter([rows["H_p"]], [rows["gen_ppl_p"]], marker="*", s=250, c="k", label="p itself")
    ax.set_title(f"{n}: perplexity against diversity")
    ax.set_xlabel("H(q) (nats)")
    ax.set_ylabel("exp(E_q[−log p]/L)")
for ax in axes[0]:
    ax.legend(fontsize=7)
save(fig, "production_samplers")

# %%
record("production_samplers", {"L": L, "law_specs": LAW_SPECS, "temps": TEMPS, "results": res})

# %% [markdown]
# ## What the exact computation shows

# %%
k = L // 2 - 1
over = {n: [m for m in styles if rows["presets"][f"{m} T=1"][k]["kl_pq"] > rows["SH-1 bound"][k]]
        for n, rows in res.items()}
worst = {n: max(styles, key=lambda m: rows["presets"][f"{m} T=1"][k]["kl_pq"]) for n, rows in res.items()}
greedy_ppl = {n: min(m["gen_ppl"] for key, ms in rows["presets"].items() if key.endswith("T=0") for m in ms)
              for n, rows in res.items()}
greedy_inf = {n: sum(m["kl_pq"] == math.inf for key, ms in rows["presets"].items() if key.endswith("T=0") for m in ms)
              for n, rows in res.items()}
n_greedy = {n: sum(len(ms) for key, ms in rows["presets"].items() if key.endswith("T=0")) for n, rows in res.items()}
print(
    f"At S = {Ss[k]} steps and temperature 1, the presets whose KL(p‖q) exceeds the SH-1 bound on random order are: "
    + "; ".join(f"{n}: {', '.join(v) if v else 'none'}" for n, v in over.items())
    + ". The worst preset is " + ", ".join(f"{worst[n]} ({n}, {res[n]['presets'][worst[n] + ' T=1'][k]['kl_pq']:.4f} nats "
                                          f"vs random order {res[n]['random order'][k]['kl_pq']:.4f})" for n in res)
    + ". Greedy decoding has KL(p‖q) = inf in " + ", ".join(f"{greedy_inf[n]}/{n_greedy[n]} runs ({n})" for n in res)
    + "; its lowest generative perplexity is " + ", ".join(f"{greedy_ppl[n]:.3f} against p's own {res[n]['gen_ppl_p']:.3f} ({n})" for n in res)
    + " — lower perplexity bought with lost diversity (H(q) far below H(p))."
)
