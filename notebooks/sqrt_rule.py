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
# # Lavenant–Zanella: the square-root rule for optimal block sizes (LZ)
#
# **Claim LZ-sqrt** (docs/theory.md §5; LZ = Lavenant & Zanella, arXiv 2510.25544; *[secondary;
# derived]*): in the continuum limit the optimal local block size is `∝ 1/sqrt(Ī')`, and with
# `m` steps `EKL_opt ≈ ½[(L/m)(∫_0^1 sqrt φ'(u) du)² - (φ(1) - φ(0))]`, `φ(u) = Ī(uL)`.
# For a curve known at the integers this reads `½[(Σ_j sqrt ΔĪ(j))²/m - (Ī(L-1) - Ī(0))]`, and
# the rule puts the block holding token `t` at `s(t) ≈ Σ_j sqrt ΔĪ(j) / (m sqrt ΔĪ(t))`.
#
# We compare the exact DP optimum (docs/theory.md §5, O(m L²)) with that prediction on stationary Markov
# chains, whose `φ` has a smooth limit as `L` grows, and with the schedule that places the knots
# at equal increments of `Σ sqrt ΔĪ` (`exactdlm.structured.suite.sqrt_rule_schedule`).

# %%
from fractions import Fraction as F

import numpy as np
import matplotlib.pyplot as plt

from exactdlm import schedules
from exactdlm import structured as st
from exactdlm.structured.suite import sqrt_prediction, sqrt_rule_schedule

from _common import SMALL, loglog_slope, pick, record, save

M = pick(16, 8)
Ls = pick([64, 128, 256, 512, 1024, 2048, 4096], [32, 64, 128])
CHAINS = {
    "Markov stay 9/10, 4/5": [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]],
    "Markov stay 97/100": [[F(97, 100), F(3, 100)], [F(3, 100), F(97, 100)]],
}
print(f"SMALL={SMALL}: m={M}, L in {Ls}")

# %%
results = {}
for name, T in CHAINS.items():
    rows = {"L": Ls, "opt": [], "pred": [], "sqrt": [], "balanced": [], "opt_sizes": [], "sqrt_sizes": []}
    for L in Ls:
        law = st.markov_chain(L, T)
        Ib = np.asarray(law.info_curve(), float)
        sizes, val = law.optimal_schedule(M)
        sq = sqrt_rule_schedule(Ib, M)
        rows["opt"].append(float(val))
        rows["opt_sizes"].append(list(sizes))
        rows["sqrt_sizes"].append(list(sq))
        rows["sqrt"].append(float(law.expected_kl(sq)))
        rows["pred"].append(sqrt_prediction(Ib, M))
        rows["balanced"].append(float(law.expected_kl(schedules.balanced(L, M))))
    rows["opt_over_pred"] = [o / p for o, p in zip(rows["opt"], rows["pred"])]
    rows["sqrt_over_opt"] = [s / o for s, o in zip(rows["sqrt"], rows["opt"])]
    rows["balanced_over_opt"] = [b / o for b, o in zip(rows["balanced"], rows["opt"])]
    rows["slope_opt"] = loglog_slope(Ls, rows["opt"])
    results[name] = rows
    for i, L in enumerate(Ls):
        print(f"{name:22s} L={L:5d}: EKL_opt {rows['opt'][i]:.5f}  prediction {rows['pred'][i]:.5f} "
              f"(ratio {rows['opt_over_pred'][i]:.4f})  sqrt-rule schedule/opt {rows['sqrt_over_opt'][i]:.4f}  "
              f"balanced/opt {rows['balanced_over_opt'][i]:.3f}")

# %% [markdown]
# At fixed `m` the ratio settles at a constant above 1 as L grows: the prediction is the
# continuum limit in the number of steps too. At the largest L, the ratio against `m`:

# %%
Ms = pick([2, 4, 8, 16, 32, 64, 128, 256], [2, 4, 8, 16])
by_m = {}
for name, T in CHAINS.items():
    law = st.markov_chain(Ls[-1], T)
    Ib = np.asarray(law.info_curve(), float)
    opt_m = [float(law.optimal_schedule(m)[1]) for m in Ms]
    pred_m = [sqrt_prediction(Ib, m) for m in Ms]
    by_m[name] = {"m": Ms, "opt": opt_m, "pred": pred_m, "opt_over_pred": [o / q for o, q in zip(opt_m, pred_m)]}
    print(f"{name:22s} L={Ls[-1]}: EKL_opt / prediction against m {Ms}: {np.round(by_m[name]['opt_over_pred'], 4)}")

# %% [markdown]
# ## Block sizes: DP optimum against the square-root rule
# At the largest L, each DP block is drawn at its first token `t_{k-1}/L` with size `s_k/L`; the
# curve is the rule's `s(t)/L` from the same `Ī`.

# %%
colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
fig, axes = plt.subplots(1, 3, figsize=(18, 5))
ax = axes[0]
for c, (name, T) in zip(colors, CHAINS.items()):
    rows = results[name]
    for i in (0, len(Ls) - 1):
        L = Ls[i]
        sizes = rows["opt_sizes"][i]
        starts = np.array(schedules.cumulative(sizes)[:-1])
        ax.plot(starts / L, np.array(sizes) / L, "o" if i else "x", color=c, ms=6 if i else 5,
                label=f"{name}: DP sizes, L={L}")
    law = st.markov_chain(Ls[-1], T)
    dI = np.clip(np.diff(np.asarray(law.info_curve(), float)), 1e-300, None)
    S = np.sum(np.sqrt(dI))
    t = np.arange(1, Ls[-1])
    pred_size = S / (M * np.sqrt(dI))
    ax.plot(t / Ls[-1], pred_size / Ls[-1], "-", color=c, lw=1, label=f"{name}: sqrt rule s(t)/L")
ax.set_yscale("log")
ax.set_ylim(5e-3, 0.5)
ax.set_xlabel("block start t_{k-1} / L")
ax.set_ylabel("block size s_k / L")
ax.set_title(f"m = {M} steps: optimal block sizes ∝ 1/sqrt(Ī')")
ax.legend(fontsize=7)

ax = axes[1]
for c, (name, rows) in zip(colors, results.items()):
    ax.semilogx(Ls, rows["opt_over_pred"], "o-", color=c, label=f"{name}: EKL_opt / LZ prediction")
    ax.semilogx(Ls, rows["sqrt_over_opt"], "s--", color=c, label=f"{name}: EKL(sqrt-rule knots) / EKL_opt")
ax.axhline(1, color="k", lw=0.8)
ax.set_xscale("log", base=2)
ax.set_xlabel("L")
ax.set_ylabel("ratio")
ax.set_title(f"m = {M}: the continuum prediction as L grows")
ax.legend(fontsize=7)

ax = axes[2]
for c, (name, r) in zip(colors, by_m.items()):
    ax.plot(r["m"], r["opt_over_pred"], "o-", color=c, label=name)
ax.axhline(1, color="k", lw=0.8)
ax.set_xscale("log", base=2)
ax.set_xlabel("steps m")
ax.set_ylabel("EKL_opt / LZ prediction")
ax.set_title(f"L = {Ls[-1]}: the prediction as m grows")
ax.legend(fontsize=7)
save(fig, "lz_sqrt_rule")

# %%
record("sqrt_rule", {"m": M, "Ls": Ls, "chains": {n: [[str(x) for x in r] for r in T] for n, T in CHAINS.items()},
                     "results": results, "by_m": by_m})

# %% [markdown]
# ## What the exact computation shows

# %%
last = {n: (r["opt_over_pred"][-1], r["sqrt_over_opt"][-1], r["balanced_over_opt"][-1]) for n, r in results.items()}
first = {n: r["opt_over_pred"][0] for n, r in results.items()}
print(
    f"With m = {M} steps the exact DP optimum divided by LZ's square-root prediction moves from "
    + ", ".join(f"{first[n]:.3f}" for n in results) + f" at L = {Ls[0]} to "
    + ", ".join(f"{last[n][0]:.4f}" for n in results) + f" at L = {Ls[-1]} ({', '.join(results)}). "
    f"The schedule with knots at equal increments of Σ sqrt ΔĪ comes within a factor "
    + ", ".join(f"{last[n][1]:.4f}" for n in results)
    + " of the optimum at the largest L, while balanced sizes are "
    + ", ".join(f"{last[n][2]:.2f}" for n in results) + " times worse. "
    f"At L = {Ls[-1]} the ratio against m goes from "
    + ", ".join(f"{r['opt_over_pred'][0]:.3f}" for r in by_m.values()) + f" (m = {Ms[0]}) to "
    + ", ".join(f"{r['opt_over_pred'][-1]:.4f}" for r in by_m.values()) + f" (m = {Ms[-1]})."
)
