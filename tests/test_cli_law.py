"""``exactdlm law``: table and JSON output against the library, every schedule kind, errors."""

import json
from fractions import Fraction

import numpy as np
import pytest

from exactdlm.laws import families
from exactdlm.cli import main
from exactdlm.engine.divergence import kl, tv
from exactdlm.engine.predictors import mix_uniform
from exactdlm.engine.sampler import expected_kl, learning_error, sampler_law, step_breakdown
from exactdlm.schedules import CutPoints, SemiAR, expected_N


def _run(capsys, *argv):
    rc = main(["law", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _json(capsys, *argv):
    rc, out, err = _run(capsys, *argv, "--json")
    assert rc == 0, err
    return json.loads(out)


def test_table_noisy_repetition_theory_example(capsys):
    rc, out, err = _run(capsys, "--family", "noisy_repetition", "--L", "5", "--param", "eta=1/10",
                        "--schedule", "sizes:1,4")
    assert rc == 0, err
    p = families.noisy_repetition(5, Fraction(1, 10))
    q = sampler_law(p, (1, 4))
    for label, value in (("KL(p || q)", kl(p, q)), ("E_S KL(p||q_S)", expected_kl(p, (1, 4))), ("TV(p, q)", tv(p, q))):
        line = next(x for x in out.splitlines() if x.strip().startswith(label))
        assert abs(float(line.split()[-1]) - float(value)) <= 1e-11
    assert "0.0447748" in out and "0.290027" in out  # docs/theory.md §2's numbers
    steps = [x.split() for x in out.splitlines() if x.strip()[:1].isdigit()]
    assert [(int(a), int(b), int(c)) for a, b, c, *_ in steps] == [(1, 1, 0), (2, 4, 1)]


def test_json_exact_forms_and_steps(capsys):
    data = _json(capsys, "--family", "repeated_symbol", "--L", "4", "--V", "3", "--schedule", "balanced:2")
    p = families.repeated_symbol(4, 3)
    assert data["exact"] is True and data["schedule"] == {"sizes": [2, 2]}
    assert data["exact_forms"]["ekl"] == "log(3)"  # (s_1 - 1) log V, docs/theory.md §6
    assert abs(data["mixture_kl"] - float(kl(p, sampler_law(p, (2, 2))))) <= 1e-12
    rows = step_breakdown(p, (2, 2))
    assert [(r["size"], r["t"]) for r in data["steps"]] == [(2, 0), (2, 2)]
    assert all(abs(a["ekl"] - float(b["ekl"])) <= 1e-12 for a, b in zip(data["steps"], rows))


def test_json_with_predictor(capsys):
    data = _json(capsys, "--family", "noisy_repetition", "--L", "4", "--param", "eta=1/5",
                 "--schedule", "balanced:2", "--predictor", "mix:1/10")
    p = families.noisy_repetition(4, Fraction(1, 5))
    pred = mix_uniform(Fraction(1, 10))
    assert abs(data["ekl"] - float(expected_kl(p, (2, 2), pred))) <= 1e-12
    assert abs(data["learning_error"] - float(learning_error(p, (2, 2), pred))) <= 1e-12
    assert abs(sum(r["learn"] for r in data["steps"]) - data["learning_error"]) <= 1e-12
    assert data["predictor"] == "mix:1/10"


def test_predictor_from_law_file(capsys, tmp_path):
    hat = families.random_rational(3, 2, seed=4, support="full")
    path = tmp_path / "hat.json"
    hat.save(path)
    data = _json(capsys, "--family", "parity", "--L", "3", "--schedule", "sizes:1,2", "--predictor", f"law:{path}")
    p = families.parity(3)
    assert abs(data["mixture_kl"] - float(kl(p, sampler_law(p, (1, 2), hat)))) <= 1e-12


def test_random_and_semiar_schedules(capsys):
    data = _json(capsys, "--family", "parity", "--L", "4", "--schedule", "cutpoints:3:tc")
    p = families.parity(4)
    cp = CutPoints(4, 3, "tc")
    assert abs(data["ekl"] - float(expected_kl(p, cp))) <= 1e-12
    assert data["expected_N"] == pytest.approx([float(x) for x in expected_N(cp)], abs=1e-15)
    data = _json(capsys, "--family", "parity", "--L", "4", "--schedule", "semiar:2/1")
    assert abs(data["ekl"] - float(expected_kl(p, SemiAR(2, 1, L=4)))) <= 1e-12
    assert "expected_N" not in data  # positions not uniform: (E4) does not apply
    rc, out, err = _run(capsys, "--family", "parity", "--L", "4", "--schedule", "bernoulli:2")
    assert rc == 0 and "E[N_j]" in out


def test_adaptive_spec(capsys):
    from exactdlm.adaptive import adaptive_chain_rule, adaptive_law

    data = _json(capsys, "--family", "noisy_repetition", "--L", "4", "--param", "eta=1/5", "--schedule", "confidence:2")
    p = families.noisy_repetition(4, Fraction(1, 5))
    q = adaptive_law(p, "confidence", sizes=(2, 2))
    assert abs(data["mixture_kl"] - float(kl(p, q))) <= 1e-12
    assert abs(data["chain_rule_E5"] - data["mixture_kl"]) <= 1e-12  # (E5)
    assert abs(data["chain_rule_E5"] - float(adaptive_chain_rule(p, "confidence", (2, 2)))) <= 1e-12
    data = _json(capsys, "--family", "noisy_repetition", "--L", "3", "--param", "eta=1/5", "--schedule", "select:3")
    assert "chain_rule_E5" not in data and data["mixture_kl"] > 0


def test_float_law_file(capsys, tmp_path):
    rng = np.random.default_rng(0)
    arr = rng.random((3, 3, 3))
    arr /= arr.sum()
    path = tmp_path / "p.npz"
    from exactdlm.laws import JointLaw

    JointLaw(arr).save(path)
    data = _json(capsys, "--law", str(path), "--schedule", "geometric_dtc:0.5")
    assert data["exact"] is False and "exact_forms" not in data
    assert abs(data["ekl"] - expected_kl(arr, data["schedule"]["sizes"])) <= 1e-12


@pytest.mark.parametrize(
    "argv,match",
    [
        (["--family", "parity", "--L", "4", "--schedule", "bogus:2"], "unknown schedule"),
        (["--family", "parity", "--L", "4", "--schedule", "sizes:1,1"], "sum to"),
        (["--family", "parity", "--L", "4", "--schedule", "balanced:9"], "1..L"),
        (["--family", "parity", "--L", "4", "--schedule", "geometric_dtc:2"], r"\(0, 1\]"),
        (["--family", "parity", "--L", "4", "--schedule", "balanced:2", "--predictor", "temperature:0"], "positive"),
        (["--family", "nosuch", "--L", "4", "--schedule", "balanced:2"], "unknown family"),
        (["--schedule", "balanced:2"], "give a law"),
    ],
)
def test_errors_exit_2(capsys, argv, match):
    import re

    rc, out, err = _run(capsys, *argv)
    assert rc == 2 and re.search(match, err), err
    assert len(err.strip().splitlines()) == 1


def test_memory_cap_message(capsys, monkeypatch):
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "20000")
    rc, out, err = _run(capsys, "--family", "parity", "--L", "7", "--schedule", "balanced:2")
    assert rc == 2 and "memory cap" in err
