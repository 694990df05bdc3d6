"""The time and memory guard of everything long, and the caps (issue 23).

Every former hang of the issue is refused before work with ``ComputationTooLong`` naming the
estimate and the cap; the caps are validated in one place (``laws.budget.parse_cap``).
"""

import math
from fractions import Fraction as F

import numpy as np
import pytest

import exactdlm as ed
from exactdlm.adaptive import dream, llada, steplaw
from exactdlm.cli import main
from exactdlm.decoding import parse_schedule_spec
from exactdlm.laws import families
from exactdlm.laws.budget import ComputationTooLong, parse_cap, time_cap
from exactdlm.laws.joint import memory_cap

L4 = ["law", "--family", "noisy_repetition", "--L", "4", "--V", "2", "--param", "eta=1/10"]
L2 = ["law", "--family", "noisy_repetition", "--L", "2", "--V", "2", "--param", "eta=1/10"]


def _one_error(capsys, words=()):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    for w in words:
        assert w in err[0], err[0]
    return err[0]


# ----------------------------------------------------------------------------------------
# presets: the former hangs, refused with the estimate
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv, words", [
    (L4 + ["--schedule", "llada:steps=1000000000,block=2"], ["llada", "1,000,000,000 steps", "would take about"]),
    (L4 + ["--schedule", "dream:steps=1000000000,alg=entropy"], ["dream", "would take about", "time cap of 5 min"]),
    (L2 + ["--schedule", "dream:steps=150000", "--max-seconds", "10"], ["alg=origin", "time cap of 10 s"]),
    (L2 + ["--schedule", "mdlm:steps=150000", "--max-seconds", "10"], ["mdlm", "150,001 steps", "time cap of 10 s"]),
    (["law", "--family", "random_rational", "--L", "6", "--V", "3", "--param", "seed=1",
      "--schedule", "dream:steps=6,alg=maskgit_plus,T=1/2", "--max-seconds", "5"], ["canonical forms", "1,920-bit"]),
])
def test_former_hangs_refused_with_the_estimate(argv, words, capsys):
    assert main(argv) == 2
    _one_error(capsys, words + ["over the time cap"])


def test_llada_billion_steps_in_one_block_is_the_law_of_its_first_steps():
    """One block: the steps after the block fills carry the state over, the chain ends when
    every position is revealed, so the law is that of L steps (no 10^9-tuple is built)."""
    p = families.noisy_repetition(4, F(1, 10))
    q = ed.output_law(p, "llada:steps=1000000000,T=1")
    assert (q == ed.output_law(p, "llada:steps=4,T=1")).all()
    assert not (q == ed.output_law(p, "llada:steps=2,T=1")).all()


def test_constructors_refuse_huge_step_lists_before_building(monkeypatch):
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "10")
    with pytest.raises(ComputationTooLong, match="transfer counts of 1,000,000,000 steps"):
        llada.transfer_counts(4, 10**9)
    for fn in (lambda: dream.timesteps(10**9, F(1, 1000)), lambda: dream.transfer_counts(4, 10**9),
               lambda: dream.origin_probabilities(10**9)):
        with pytest.raises(ComputationTooLong, match="dream: the .* of 1,000,000,000 steps"):
            fn()
    assert llada.transfer_counts(4, 6) == (1, 1, 1, 1, 0, 0)  # small lists still built


@pytest.mark.parametrize("spec", ["llada:steps=8,T=1", "dream:steps=8,alg=maskgit_plus,T=1",
                                  "dream:steps=8,alg=entropy,T=1", "dream:steps=8,alg=topk_margin,T=1",
                                  "dream:steps=8,alg=maskgit_plus,T=1,alg_temp=1", "dream:steps=30,alg=origin,T=1",
                                  "mdlm:steps=30", "mdlm:steps=30,noise=cosine", "fastdllm:threshold=1/2,T=1",
                                  "fastdllm:threshold=1/2,T=1,model=dream", "llada:steps=8,T=1,remask=random"])
def test_every_preset_and_algorithm_is_guarded(spec, monkeypatch):
    """A cap below each preset's estimate refuses it before work; the refusal names the preset,
    the estimate and the cap; without a cap the same call runs."""
    p = families.random_rational(8, 2, seed=4)
    rule = parse_schedule_spec(spec, 8)
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "0")
    est = rule.work(p)
    assert est > 0
    monkeypatch.setenv("EXACTDLM_TIME_CAP", repr(est / 2))
    with pytest.raises(ComputationTooLong) as info:
        rule.law(p)
    # the estimate (or Dream's floor before its step list is built) named with the cap
    assert est / 2 < info.value.seconds <= est * (1 + 1e-9) and info.value.cap == est / 2
    assert spec.split(":")[0] in str(info.value) and "would take about" in str(info.value)


def test_check_work_default_bound_for_later_presets(monkeypatch):
    """A preset that passes only its step count gets the (2V+1)^L bound and the same guard."""
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "1")
    assert steplaw.check_work("new", 3, 2, 4) < 1
    with pytest.raises(ComputationTooLong, match="new with L=10, V=2, 1,000 steps"):
        steplaw.check_work("new", 10, 2, 1000)
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "0")
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "100000")
    with pytest.raises(ValueError, match="over the memory cap"):
        steplaw.check_work("new", 8, 2, 1)


def test_run_chain_stops_on_its_own_pace(monkeypatch):
    """Ties or support the estimate cannot see: the chain projects its rounds left at the last
    round's pace and stops once that is over the cap."""
    import time

    monkeypatch.setenv("EXACTDLM_TIME_CAP", "5")

    def step(state, i):
        time.sleep(0.3)  # a slow round
        yield state, i + 1, 1

    with pytest.raises(ComputationTooLong, match="steps done in"):
        steplaw.run_chain(1, 2, False, step, rounds=100)


# ----------------------------------------------------------------------------------------
# caps: one place, every bad kind
# ----------------------------------------------------------------------------------------
BAD_CAPS = ["nan", "NaN", "inf", "-inf", "-1", "x", "1e400", "0x10"]


@pytest.mark.parametrize("raw", BAD_CAPS)
def test_bad_caps_are_value_errors_in_the_library(raw, monkeypatch):
    with pytest.raises(ValueError, match="--max-seconds"):
        parse_cap(raw, "--max-seconds")
    monkeypatch.setenv("EXACTDLM_TIME_CAP", raw)
    with pytest.raises(ValueError, match="EXACTDLM_TIME_CAP must be a"):
        time_cap()
    monkeypatch.delenv("EXACTDLM_TIME_CAP")
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", raw)
    with pytest.raises(ValueError, match="EXACTDLM_MEMORY_CAP must be a positive finite number of bytes"):
        memory_cap()


def test_memory_cap_zero_refused_time_cap_zero_disables(monkeypatch):
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "0")
    with pytest.raises(ValueError, match="EXACTDLM_MEMORY_CAP must be a positive"):
        memory_cap()
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "8e9")
    assert memory_cap() == 8 * 10**9
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "0")
    assert time_cap() == 0
    steplaw.check_work("new", 12, 3, 10**6)  # no time cap: only the memory guard applies


def test_nan_cap_no_longer_switches_the_guard_off(monkeypatch):
    p = families.noisy_repetition(2, F(1, 10))
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "nan")
    with pytest.raises(ValueError, match="EXACTDLM_TIME_CAP must be a finite number"):
        ed.output_law(p, "mdlm:steps=150000")
    for bad in (math.nan, math.inf, -1.0, None, True, "1s"):
        with pytest.raises(ValueError):
            parse_cap(bad, "cap")
    assert parse_cap("0", "cap") == 0 and parse_cap(" 2.5 ", "cap") == 2.5 and parse_cap(3, "cap") == 3


@pytest.mark.parametrize("raw", BAD_CAPS)
def test_bad_caps_are_one_line_on_the_command_line(raw, capsys, monkeypatch):
    args = ["info", "--family", "parity", "--L", "2"]
    assert main([f"--max-seconds={raw}", *args]) == 2
    _one_error(capsys, ["--max-seconds"])
    for var in ("EXACTDLM_TIME_CAP", "EXACTDLM_MEMORY_CAP"):
        monkeypatch.setenv(var, raw)
        assert main(args) == 2
        _one_error(capsys, [var])
        monkeypatch.delenv(var)
    assert main(args) == 0


# ----------------------------------------------------------------------------------------
# measures, law construction, the refute search
# ----------------------------------------------------------------------------------------
def test_coinformation_over_many_variables_refused_before_work(monkeypatch):
    p = families.random_rational(12, 2, seed=0)
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "0.5")
    with pytest.raises(ComputationTooLong, match="coinformation .* over 12 variables .*4,095 subset entropies"):
        ed.coinformation(p, [[i] for i in range(12)])
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "300")
    small = families.random_rational(3, 2, seed=0)
    assert ed.coinformation(small, [[0], [1], [2]]) == ed.coinformation(small, [0, 1, 2])


def test_exact_law_construction_is_timed(monkeypatch):
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "0.01")
    arr = np.empty(2**14, dtype=object)
    arr[:] = [F(1, 2**14)] * 2**14
    with pytest.raises(ComputationTooLong, match="validating an exact law with L=14"):
        ed.JointLaw(arr.reshape((2,) * 14))
    with pytest.raises(ComputationTooLong, match="reading a law JSON with L=14"):
        ed.JointLaw.from_json({"L": 14, "V": 2, "p": ["1/16384"] * 2**14})


@pytest.mark.parametrize("argv, words", [
    (["refute", "--cases", "1000000000"], "--cases 1,000,000,000"),
    (["refute", "--time", "1000"], "the search with --time 1000 would take about 16.7 min"),
])
def test_refute_search_time_checked_before_it_starts(argv, words, capsys):
    assert main(argv) == 2
    _one_error(capsys, [words, "over the time cap"])


@pytest.mark.parametrize("flag, value", [("--time", "inf"), ("--time", "nan"), ("--dask-timeout", "nan"),
                                         ("--dask-timeout", "-1")])
def test_refute_durations_finite(flag, value, capsys):
    assert main(["refute", "--cases", "1", f"{flag}={value}"]) == 2
    _one_error(capsys, [flag, "finite"])


def test_value_adaptive_rules_are_guarded(monkeypatch):
    p = families.random_rational(10, 2, seed=1)
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "0.01")
    for fn in (lambda: ed.adaptive_law(p, "confidence", (1,) * 10), lambda: ed.adaptive_chain_rule(p, "entropy", (2,) * 5)):
        with pytest.raises(ComputationTooLong, match=r"adaptive_.* with L=10, V=2, 10 steps \(rule .*, a decision tree of up to 2\^10 leaves"):
            fn()
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "300")
    assert ed.adaptive_law(families.parity(3), "confidence", (1, 1, 1)).sum() == 1


@pytest.mark.parametrize("argv", [["--samples", "1000000000"], ["--floor-reps", "1000000000"]])
def test_markov_floor_refused_before_the_metrics(argv, capsys):
    """The finite-sample floor's estimate is checked before the per-step metrics run (at the
    default L = 1024 they took tens of seconds before the refusal)."""
    assert main(["markov", *argv]) == 2
    _one_error(capsys, ["finite-sample floor", "over the time cap"])
