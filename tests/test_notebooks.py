"""The notebooks run (``SMALL=1``, through ``exactdlm notebooks``), write every figure, and the
headline numbers they record agree with the engine recomputed here — exactly (LogForm /
Fraction) where the law is rational, else from an independent path or a docs/theory.md §6 closed form.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

import exactdlm as ed
from exactdlm.laws import families
from exactdlm import schedules
from exactdlm import structured as st
from exactdlm.cli import main
from exactdlm.cli.notebooks import find_notebooks
from exactdlm.engine.info import ekl_from_curve, ekl_from_profile
from exactdlm.structured.suite import sqrt_prediction

ROOT = Path(__file__).resolve().parents[1]
TOL = 1e-12

FIGURES = {
    "li_cai_rate": ["li_cai_rate", "li_cai_ekl_vs_mi"],
    "adaptive_tc_dtc": ["zc_cut_points", "zc_expected_N", "zc_steps_vs_L"],
    "exact_characterization": ["ccl_info_curve", "ccl_optimal_vs_balanced", "ccl_impossibility"],
    "mixture_vs_expected": ["mixture_vs_expected", "mixture_ratio_vs_K"],
    "sqrt_rule": ["lz_sqrt_rule"],
    "adaptive_samplers": ["adaptive_samplers"],
    "production_samplers": ["production_samplers"],
    "sampler_correctness": ["sampler_correctness"],
}
FIGURES["theory_2026"] = ["theory_2026"]  # issue 21: the 2026 statements


def close(a, b, tol=TOL):
    a, b = float(a), float(b)
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


@pytest.fixture(scope="module")
def figdir(tmp_path_factory):
    """Every notebook run once with SMALL=1 into a fresh directory (never notebooks/figures)."""
    out = tmp_path_factory.mktemp("figures")
    env = dict(os.environ, MPLBACKEND="Agg")
    env.pop("SMALL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "exactdlm", "notebooks", "--small", "--figures", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in FIGURES:
        assert f"{name}: ok" in proc.stdout
    return out


def load(figdir, name):
    data = json.loads((figdir / f"{name}.json").read_text())
    assert data["notebook"] == name and data["small"] is True
    return data


# ----------------------------------------------------------------------------------------
# the command
# ----------------------------------------------------------------------------------------
def test_every_notebook_is_listed():
    _, names = find_notebooks(ROOT)
    assert names == sorted(FIGURES)


def test_command_outside_a_clone_says_how(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["notebooks", "--small"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "clone" in err and "notebooks/" in err


def test_command_rejects_unknown_notebook(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert main(["notebooks", "--only", "no_such_notebook"]) == 2
    err = capsys.readouterr().err
    assert "no_such_notebook" in err and "sqrt_rule" in err


def test_command_unwritable_figures_dir(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.chdir(ROOT)
    assert main(["notebooks", "--small", "--only", "sqrt_rule", "--figures", str(blocker / "sub")]) == 2
    assert "--figures" in capsys.readouterr().err


@pytest.mark.slow
def test_command_only_runs_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    assert main(["notebooks", "--small", "--only", "sqrt_rule.py", "--figures", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lz_sqrt_rule.png", "sqrt_rule.json"]
    assert "sqrt_rule: ok" in capsys.readouterr().out


# ----------------------------------------------------------------------------------------
# figures
# ----------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figures_written(figdir, name):
    for fig in FIGURES[name]:
        path = figdir / f"{fig}.png"
        assert path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    load(figdir, name)


PAPER = {"li_cai_rate": "LC", "adaptive_tc_dtc": "ZC", "exact_characterization": "CCL", "mixture_vs_expected": "MIX",
         "sqrt_rule": "LZ", "adaptive_samplers": "WLL", "production_samplers": "LC",
         "sampler_correctness": "TYZV"}
PAPER["theory_2026"] = "DHW"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_notebook_shape(name):
    """A py:percent notebook: opens with the paper's claims (with provenance), closes with the
    computed summary (an f-string print, not prose written in advance)."""
    jupytext = pytest.importorskip("jupytext")
    nb = jupytext.read(ROOT / "notebooks" / f"{name}.py")
    assert nb.metadata["jupytext"]["formats"] == "py:percent"
    first, closing, last = nb.cells[0], nb.cells[-2], nb.cells[-1]
    assert first.cell_type == "markdown" and PAPER[name] in first.source and "docs/theory.md" in first.source
    assert "[secondary" in first.source or "[derived" in first.source
    assert closing.cell_type == "markdown" and "What the exact computation shows" in closing.source
    assert last.cell_type == "code" and "print(" in last.source and 'f"' in last.source


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_committed_full_size_figures(name):
    """The full-size figures and their numbers are in the repository (not the SMALL ones)."""
    for fig in FIGURES[name]:
        assert (ROOT / "notebooks" / "figures" / f"{fig}.png").is_file()
    data = json.loads((ROOT / "notebooks" / "figures" / f"{name}.json").read_text())
    assert data["small"] is False


# ----------------------------------------------------------------------------------------
# headline numbers against the engine
# ----------------------------------------------------------------------------------------
def _make(spec):
    return families.make(spec["family"], **{k: v for k, v in spec.items() if k != "family"})


@pytest.mark.slow
def test_li_cai_rate_numbers(figdir):
    d = load(figdir, "li_cai_rate")
    L = d["L"]
    for name, spec in d["lattice_specs"].items():
        rows = d["lattice"][name]
        p = _make(spec)  # exact for Markov, HMM, noisy repetition: LogForm values
        g = ed.entropy_profile(p)
        for K in (1, 2, L // 2, L - 1):
            ekl = ekl_from_profile(g, schedules.balanced(L, K))  # (E1)
            assert (type(ekl).__name__ == "LogForm") == p.exact
            assert close(rows["ekl"][K - 1], ekl)
        assert close(rows["sum_I"], ed.mi_sum(p))
        pf = p.to_float() if p.exact else p
        K = L // 2
        assert close(rows["mixture"][K - 1], ed.mixture_kl(pf, schedules.balanced(L, K)), 1e-10)
        for K, e, m, sh in zip(rows["K"], rows["ekl"], rows["mixture"], rows["sh_1"]):
            assert m <= e + 1e-12 and e <= sh + 1e-12  # MIX and SH-1
    mk = d["lattice"]["Markov"]
    fit = [K for K in mk["K"] if K <= L // 2]
    slope = np.polyfit(np.log(fit), np.log([mk["ekl"][K - 1] for K in fit]), 1)[0]
    assert close(mk["slope_ekl"], slope, 1e-9)

    Lb = d["L_big"]
    law = st.noisy_repetition(Lb, F(1, 10))
    rows = d["structured"]["noisy repetition"]
    for K, e, m in zip(rows["K"], rows["ekl"], rows["mixture"]):
        assert close(e, law.expected_kl(schedules.balanced(Lb, K)), 1e-10)
        assert close(m, law.mixture_kl(schedules.balanced(Lb, K)), 1e-10)
        assert K * e <= rows["sum_I"] + 1e-9  # SH-1 with s_max = L/K: EKL <= ΣI/K
    assert close(rows["slope_ekl"], np.polyfit(np.log(rows["K"]), np.log(rows["ekl"]), 1)[0], 1e-9)
    assert -1.5 < rows["slope_ekl"] < -0.9

    fk = d["fixed_K"]
    assert max(fk["sizes"]) == 3
    for pt in fk["points"][::4]:
        p = _make(pt["spec"])
        assert close(pt["ekl"], ed.expected_kl(p, tuple(fk["sizes"])), 1e-10)
        assert close(pt["sum_I"], ed.mi_sum(p), 1e-10)
    xs = [pt["sum_I"] for pt in fk["points"]]
    ys = [pt["ekl"] for pt in fk["points"]]
    assert close(fk["fit_slope"], np.polyfit(xs, ys, 1)[0], 1e-9)
    assert fk["max_ratio_sh1"] <= 1 + 1e-9


@pytest.mark.slow
def test_adaptive_tc_dtc_numbers(figdir):
    d = load(figdir, "adaptive_tc_dtc")
    L, Ks = d["L"], d["Ks"]
    assert close(d["H"], sum(F(1, i) for i in range(1, L)))
    q = st.next_prime(L)
    for name, row in d["table"].items():
        if name.startswith("MDS k="):
            k = int(name.split("=")[1])
            law = st.mds_code(L, k, q)
            assert close(row["TC"], (L - k) * math.log(q)) and close(row["DTC"], k * math.log(q))  # docs/theory.md §6
            for i, K in enumerate(Ks):
                exact = law.expected_kl(schedules.CutPoints(L, K, "tc"), exact=True)
                assert close(row["ekl"]["cut points w∝1/(L-c) (ZC-TC)"][i], exact)
                ts = schedules.cumulative(schedules.balanced(L, K))
                closed = next((t - k for a, t in zip(ts, ts[1:]) if a < k < t), 0) * math.log(q)
                assert close(row["ekl"]["balanced"][i], closed)
        if name == "parity":
            law = st.parity(L)
            for i, K in enumerate(Ks):
                assert close(row["ekl"]["cut points w∝1/c (ZC-DTC)"][i], law.expected_kl(schedules.CutPoints(L, K, "dtc"), exact=True))
    for i, K in enumerate(Ks):
        assert close(d["zc_tc"][i], 2 * d["H"] / (K - 1 + d["H"]))
        assert d["worst_tc"]["cut points w∝1/(L-c) (ZC-TC)"][i] <= d["zc_tc"][i] + 1e-12
        if d["zc_dtc"][i] is not None:
            assert d["worst_dtc"]["cut points w∝1/c (ZC-DTC)"][i] <= d["zc_dtc"][i] + 1e-12
    K_N = d["K_N"]
    for key, sched in ((f"cut points 1/(L-c), K={K_N}", schedules.CutPoints(L, K_N, "tc")),
                       (f"cut points 1/c, K={K_N}", schedules.CutPoints(L, K_N, "dtc")),
                       ("G-DTC ρ=1/2", schedules.geometric_dtc(L, F(1, 2)))):
        exact = schedules.expected_N(sched, L)  # the chain over the schedule's states
        assert all(isinstance(x, F) for x in exact)
        assert all(close(a, b) for a, b in zip(d["EN"][key], exact))
        if key.startswith("G-DTC"):
            assert all(n <= F(1, 2) * j for j, n in enumerate(exact, start=1))
    # docs/theory.md §6: repeated symbol EKL = (s_1 - 1) log 2 <= log(2)/4 forces s_1 = 1, i.e. K = L;
    # parity EKL = log 2 [s_K >= 2]: balanced sizes need floor(L/K) = 1, i.e. K > L/2.
    for n, rep, par, gd, gt in zip(d["Ls"], *(d["steps"][k] for k in (
            "balanced, repeated symbol", "balanced, parity", "G-DTC, repeated symbol", "G-TC, parity"))):
        assert rep == n and par == n // 2 + 1
        assert gd == len(schedules.geometric_dtc(n, F(1, 4))) <= math.ceil(math.log(n + 1) / math.log(F(5, 4)))
        assert gt == len(schedules.geometric_tc(n, F(1, 4)))
    for v in d["achieved"]["G-TC, parity"]:
        assert v <= d["eps"] + 1e-12


@pytest.mark.slow
def test_exact_characterization_numbers(figdir):
    d = load(figdir, "exact_characterization")
    p = families.random_rational(d["L_ex"], 2, seed=3)
    sizes = tuple(d["sizes_ex"])
    e1 = ed.expected_kl(p, sizes)
    assert d["exact_agree"] is True and e1 == ed.expected_kl_enumerated(p, sizes)
    assert close(d["e1"], e1) and close(d["e2"], ekl_from_curve(ed.info_curve(p), sizes)) and close(d["enumerated"], e1)

    L = d["L"]
    hmm = families.hmm(L, [[F(19, 20), F(1, 20)], [F(1, 10), F(9, 10)]], [[F(4, 5), F(1, 5)], [F(1, 10), F(9, 10)]])
    ekl = ed.expected_kl(hmm, tuple(d["riemann_sizes"]))
    assert close(d["ekl_riemann"], ekl) and close(d["area"], ekl)
    assert all(close(a, b) for a, b in zip(d["curves"]["HMM"], ed.info_curve(hmm)))
    markov = families.markov_chain(L, [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]])
    rows = d["optimal"]["Markov"]
    for K in (2, 3):
        sizes, val = ed.optimal_schedule(markov, K)
        assert list(sizes) == rows["optimal_sizes"][K - 1] and close(rows["optimal"][K - 1], val)
    for o, b in zip(rows["optimal"], rows["balanced"]):
        assert o <= b + 1e-12

    # IMP heat map against docs/theory.md §6: EKL/log q = t_i - k for the block with t_{i-1} < k < t_i
    Lr = d["L_rs"]
    assert d["q"] == st.next_prime(Lr)
    for i, k in enumerate(range(1, Lr)):
        for j, s in enumerate(d["three_step"]):
            ts = schedules.cumulative(s)
            want = next((t - k for a, t in zip(ts, ts[1:]) if a < k < t), 0)
            assert close(d["heat"][i][j], want)
    for m, worst in d["worst_per_m"].items():
        assert worst >= 1 - 1e-12, m
    assert all(v == 0 for v in d["best_two_step"].values())


@pytest.mark.slow
def test_mixture_vs_expected_numbers(figdir):
    d = load(figdir, "mixture_vs_expected")
    ex = d["example"]
    p5 = families.noisy_repetition(5, F(1, 10))
    assert close(ex["ekl"], ed.expected_kl(p5, (1, 4))) and close(ex["mixture"], ed.mixture_kl(p5, (1, 4)))
    assert round(ex["ekl"], 4) == 0.2900 and round(ex["mixture"], 4) == 0.0448  # docs/theory.md §2's figures
    L = d["L"]
    assert d["violations"] == 0 and len(d["points"]) == 8 * (2 ** (L - 1) - 1)
    for pt in d["points"]:
        assert pt["mixture"] <= pt["ekl"] * (1 + 1e-9) + 1e-12
    low = d["lowest"]
    assert low["law"] == "noisy rep. η=1/20"  # the notebook's law, exact here
    p = families.noisy_repetition(L, F(1, 20))
    assert close(low["ekl"], ed.expected_kl(p, tuple(low["sizes"])))
    assert close(low["mixture"], ed.mixture_kl(p, tuple(low["sizes"])), 1e-10)
    assert close(d["min_ratio"], low["mixture"] / low["ekl"])
    Lb = d["L_big"]
    law = st.noisy_repetition(Lb, F(1, 10))
    r = d["big"]["noisy repetition η=1/10"]
    for K, e, m in list(zip(r["K"], r["ekl"], r["mixture"]))[::3]:
        assert close(e, law.expected_kl(schedules.balanced(Lb, K)), 1e-10)
        assert close(m, law.mixture_kl(schedules.balanced(Lb, K)), 1e-10)
    assert all(x == 1 for x in d["big"]["repeated symbol V=2"]["ratio"])  # q_S = q for the repeated symbol


@pytest.mark.slow
def test_sqrt_rule_numbers(figdir):
    d = load(figdir, "sqrt_rule")
    m = d["m"]
    for name, T in d["chains"].items():
        T = [[F(x) for x in row] for row in T]
        r = d["results"][name]
        for L, opt, pred, sizes, sq in zip(d["Ls"], r["opt"], r["pred"], r["opt_sizes"], r["sqrt"]):
            law = st.markov_chain(L, T)
            s2, v2 = law.optimal_schedule(m)
            assert list(s2) == sizes and close(opt, v2, 1e-10)
            if L <= 32:
                assert close(opt, law.expected_kl(tuple(sizes), exact=True))
            assert close(pred, sqrt_prediction(law.info_curve(), m), 1e-10)
            assert opt <= sq + 1e-12
        bm = d["by_m"][name]
        big = st.markov_chain(d["Ls"][-1], T)
        assert bm["m"][0] == 2
        best = min(float(big.expected_kl(c)) for c in _compositions_with(big.L, 2))
        assert close(bm["opt"][0], best, 1e-10)  # the DP against every 2-step schedule
        for mm, o, pr in zip(bm["m"], bm["opt"], bm["pred"]):
            assert close(o, big.optimal_schedule(mm)[1], 1e-10)
            assert close(pr, sqrt_prediction(big.info_curve(), mm), 1e-10)


def _compositions_with(L, m):
    from itertools import combinations

    for cuts in combinations(range(1, L), m - 1):
        knots = (0, *cuts, L)
        yield tuple(b - a for a, b in zip(knots, knots[1:]))


@pytest.mark.slow
def test_adaptive_samplers_numbers(figdir):
    d = load(figdir, "adaptive_samplers")
    p = families.random_rational(d["e5_law"]["L"], 2, seed=d["e5_law"]["seed"])
    sizes = tuple(d["sizes_ex"])
    for rule, row in d["e5"].items():
        kl = ed.adaptive_kl(p, rule, sizes=sizes)
        assert row["exactly_equal"] is True and kl == ed.adaptive_chain_rule(p, rule, sizes=sizes)
        assert close(row["kl"], kl)
    L = d["L"]
    markov = families.markov_chain(L, [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]])  # exact
    rows = d["results"]["Markov"]
    K = L // 2
    s = schedules.balanced(L, K)
    assert close(rows["confidence"][K - 1], ed.adaptive_kl(markov, "confidence", sizes=s))
    assert close(rows["EKL (random order)"][K - 1], ed.expected_kl(markov, s))
    assert close(rows["random order (mixture)"][K - 1], ed.mixture_kl(markov, s))
    assert close(rows["sample-then-select"][K - 1], ed.sample_then_select_kl(markov.to_float(), s), 1e-10)
    th = rows["threshold"]
    for tau, steps, kl in zip(th["tau"], th["steps"], th["kl"]):
        assert 1 <= steps <= L
        assert close(kl, ed.adaptive_kl(markov, "threshold", tau=F(str(tau))))
    for name, r in d["results"].items():
        assert all(abs(x) <= 1e-12 for x in (r["confidence"][-1], r["random order (mixture)"][-1]))  # unit steps give p
        assert r["sample-then-select"][-1] > 0.01  # ... but not for sample-then-select


@pytest.mark.slow
def test_production_samplers_numbers(figdir):
    """The notebook's float run against the exact (rational) laws recomputed here."""
    from exactdlm.engine.divergence import entropy, gen_ppl

    d = load(figdir, "production_samplers")
    L = d["L"]
    S = L // 2
    for name, spec in d["law_specs"].items():
        p = _make(spec)
        assert p.exact
        rows = d["results"][name]
        sizes = schedules.balanced(L, S)
        assert close(rows["random order"][S - 1]["kl_pq"], ed.mixture_kl(p, sizes))
        assert close(rows["EKL"][S - 1], ed.expected_kl(p, sizes))
        assert close(rows["SH-1 bound"][S - 1], F(max(sizes) - 1, L) * ed.mi_sum(p))
        assert rows["random order"][-1]["kl_pq"] <= 1e-12  # unit steps give p
        checks = {"LLaDA low_confidence T=1": f"llada:steps={S},T=1", "Dream entropy T=1/2": f"dream:steps={S},alg=entropy,T=1/2",
                  "MDLM (log-linear) T=1": f"mdlm:steps={S}", "Dream maskgit_plus T=0": f"dream:steps={S},alg=maskgit_plus"}
        for key, preset in checks.items():
            q = ed.output_law(p, preset)
            assert q.dtype == object
            got = rows["presets"][key][S - 1]
            assert close(got["tv"], ed.tv(p, q)) and close(got["entropy_q"], entropy(q)) and close(got["kl_qp"], ed.kl(q, p))
            assert close(got["gen_ppl"], gen_ppl(p, q))
            kl = ed.kl(p, q)
            assert (got["kl_pq"] == math.inf) if kl == math.inf else close(got["kl_pq"], kl)
        q = ed.output_law(p, "fastdllm:threshold=0.9,T=0")
        assert close(rows["presets"]["Fast-dLLM τ=0.9 T=0"][0]["gen_ppl"], gen_ppl(p, q))
        assert all(m["kl_pq"] == math.inf for key, ms in rows["presets"].items() if key.endswith("T=0") for m in ms)


def test_theory_2026_numbers(figdir):
    """The 2026 notebook's numbers against independent recomputations: D_eff on the rays from the
    closed form in mpmath (proofs_checks), L*_T and the golden-mean SER exactly, the tight family's and
    noisy parity's closed forms."""
    from exactdlm.claims import demask, feng, pbench
    from exactdlm.engine.info import subset_entropies
    from exactdlm.engine.sampler import sampler_law
    from proofs_checks import deff as proofs_deff

    d = load(figdir, "theory_2026")
    dhw = d["dhw"]
    from exactdlm.engine.deff import ray_bounds

    for L, r1, rp in zip(dhw["L"], dhw["repeated symbol (r_1)"], dhw["parity (r_{L-1})"]):
        lo, hi = ray_bounds(L)  # the notebook plots the enclosure's midpoint: within its width of the closed form
        for k, got in ((1, r1), (L - 1, rp)):
            assert abs(got - float(proofs_deff.ray_value(L, k))) <= float(hi[k] - lo[k]) + 1e-15, (L, k)
    assert all(x <= 1 + 1e-12 for k in ("Markov", "noisy repetition") for x in dhw[k])
    pb = d["pb"]
    for name, spec in d["pb_laws"].items():
        p = families.make(spec["family"], L=pb["L"], **{k: v for k, v in spec.items() if k != "family"})
        opt = pbench.optimal_costs(subset_entropies(p), pb["L"])
        assert all(close(pb[name]["L*_T"][T - 1], opt[T][0]) for T in pb["T"])
        assert all(a >= b - 1e-12 for a, b in zip(pb[name]["EKL balanced"], pb[name]["L*_T"]))
    for K in d["ser"]["K"]:
        for L, row in zip(d["ser"]["L"], d["ser"][f"K={K}"]):
            p = families.markov_chain(L, feng.GOLDEN)
            sizes = schedules.balanced(L, min(K, L))
            assert close(row["ser"], feng.ser(p, sampler_law(p, sizes)))
            assert row["ser"] >= row["bound"] - 1e-12
    fd = d["fd"]
    for n in fd["n"]:
        assert all(close(m, 1 - F(s).limit_denominator(1000)) for s, m in zip(fd["s"], fd[f"tight n={n}"]))
        assert all(f == 0 for s, f in zip(fd["s"], fd[f"random n={n}"]) if s < 1)
    for L in d["demask"]["L"]:
        for lam, row in zip(d["demask"]["lambda"], d["demask"][f"L={L}"]):
            assert close(row["block"], (1 - F(lam)) / 2) and row["pairs"] == 0
    assert demask.block_and_pairs(families.parity(3, 2).array)[0] == F(1, 2)

@pytest.mark.slow
def test_sampler_correctness_numbers(figdir):
    """The step sweep's certified sequence KL against the exact LogForm EKL; the small-chain
    table's KL(p||q) against the exact output laws recomputed here."""
    from exactdlm.adaptive.llada import transfer_counts
    from exactdlm.structured.markov_io import english_bigram

    d = load(figdir, "sampler_correctness")
    for L, sweep in d["sweep"].items():
        L = int(L)
        chain = english_bigram(L)
        for row in sweep["rows"]:
            exact = float(chain.expected_kl(transfer_counts(L, row["T"]), exact=True)) if L <= 32 else None
            if exact is not None:
                assert abs(row["seq_kl"] - exact) <= max(row["seq_kl_bound"], 1e-12)
            lo, hi = row["kl_rate_ci"]
            assert lo <= row["kl_rate"] <= hi
        assert sweep["rows"][-1]["seq_kl"] == 0.0
    for name, spec in d["small_chains"].items():
        L = spec["L"]
        P = [[F(x) for x in r] for r in spec["P"]]
        p = families.markov_chain(L, P)
        for S, row in zip(spec["steps"], spec["table"]["LLaDA low-conf T=1"]):
            q = ed.output_law(p, f"llada:steps={S},T=1")
            assert row["S"] == S and close(row["kl"], ed.kl(p, q)) and close(row["tv"], ed.tv(p, q))
        assert spec["table"]["random T=1"][-1]["kl"] <= 1e-12  # one token per step: exact
        q = ed.output_law(p, "fastdllm:threshold=9/10,T=1")
        assert close(spec["fastdllm_threshold_9_10_T1"]["kl"], ed.kl(p, q))
