"""The multimodular exact sampler law equals the Fraction DP (its reference twin) on the suite's
laws, with learned predictors and random schedules; its kernels against the Fraction arithmetic
reduced mod a prime; the reconstruction tools; the time guard refuses quickly with its estimate."""

import time
from fractions import Fraction

import numpy as np
import pytest

from exactdlm import families
from exactdlm.engine import cost, multimodular
from exactdlm.engine._kernels import modular as km
from exactdlm.engine.dp import DPEngine
from exactdlm.engine.predictors import mix_uniform, noisy
from exactdlm.engine.sampler import mixture_kl, sampler_law
from exactdlm.laws import as_law, budget
from exactdlm.schedules import BernoulliReveal, CutPoints, SemiAR, as_schedule
from exactdlm.suites import get_suite


def both(p, sizes, predictor=None):
    return sampler_law(p, sizes, predictor), sampler_law(p, sizes, predictor, engine="fraction")


def test_quick_suite_laws_every_composition():
    """Every lattice law of the quick suite (all families, L <= 4, V = 2, 3), every composition."""
    n = 0
    for case in get_suite("quick").cases:
        p = case.law
        if not hasattr(p, "array") or not as_law(p).exact:
            continue
        for sizes in case.schedules:
            a, b = both(p, sizes)
            assert all(x == y for x, y in zip(a.reshape(-1), b.reshape(-1))), (case.name, sizes)
            assert all(isinstance(x, Fraction) for x in a.reshape(-1))
            n += 1
    assert n > 100


@pytest.mark.parametrize("L,V,sizes", [(6, 2, (3, 3)), (6, 2, (2, 1, 3)), (5, 3, (2, 3)), (7, 2, (4, 3))])
def test_larger_laws_with_zeros(L, V, sizes):
    """Zero weights (support="any") make contexts of probability 0 (uniform rows)."""
    for support in ("full", "any"):
        p = families.random_rational(L, V, seed=L + V, support=support)
        a, b = both(p, sizes)
        assert bool(np.all(a == b))
        assert mixture_kl(p, sizes) == mixture_kl(p, sizes, engine="fraction")


def test_learned_predictors_and_random_schedules():
    p = families.random_rational(5, 2, seed=3, support="any")
    hat = families.random_rational(5, 2, seed=4, max_denominator=5)
    scheds = [(2, 3), (1, 2, 2), BernoulliReveal(5, [Fraction(1, 3), Fraction(1, 2)]),
              CutPoints(5, 3, "uniform"), SemiAR(2, 2, L=5)]
    for sched in scheds:
        for pred in (None, hat, mix_uniform(Fraction(1, 5)), mix_uniform(Fraction(2, 7), base=hat)):
            a, b = both(p, sched, pred)
            assert bool(np.all(a == b)), (sched, pred)


def test_table_predictor():
    p = families.random_rational(3, 2, seed=1)
    table = np.empty((3**3, 3, 2), dtype=object)
    rng = np.random.default_rng(0)
    for i in range(3**3):
        for j in range(3):
            a = int(rng.integers(1, 9))
            table[i, j] = [Fraction(a, 9), Fraction(9 - a, 9)]
    for sizes in ((2, 1), (3,), (1, 1, 1)):
        a, b = both(p, sizes, table)
        assert bool(np.all(a == b))


def test_unsupported_predictor_uses_fraction_and_modular_engine_refuses_it():
    p = families.random_rational(3, 2, seed=2)
    pred = noisy(Fraction(1, 2), seed=1)
    a, b = both(p, (2, 1), pred)
    assert bool(np.all(a == b))
    with pytest.raises(ValueError, match="engine='modular'"):
        sampler_law(p, (2, 1), pred, engine="modular")
    with pytest.raises(ValueError, match="engine must be"):
        sampler_law(p, (2, 1), engine="gmpy")


def test_step_kernel_matches_fraction_arithmetic_mod_a_prime():
    """One run of the modular DP equals the Fraction DP's result reduced mod each prime."""
    p = as_law(families.random_rational(6, 2, seed=5, support="any"))
    primes = np.array(km.primes(3), dtype=np.int64)
    for sizes in ((3, 3), (1, 4, 1), (6,)):
        sched = as_schedule(sizes, 6)
        eng = multimodular.ModularEngine(p, None, primes)
        got = eng.run(sched)
        ref, bad = multimodular.fraction_residues(DPEngine(p, None).run(sched), primes)
        assert not eng.bad.any() and not bad.any()
        assert bool(np.all(got == ref))


def test_primes_and_reconstruction_tools():
    ps = km.primes(5)
    assert ps == sorted(ps, reverse=True) and all(p < 2**31 and km._is_prime(p) for p in ps)
    assert not km._is_prime(561) and not km._is_prime(3215031751)  # Carmichael; strong pseudoprime to 2, 3, 5, 7
    r = Fraction(-123456789, 987654321)
    primes = km.primes(6)
    res = [r.numerator * pow(r.denominator, -1, P) % P for P in primes]
    X, M = multimodular.crt(res, primes)
    assert all(X % P == x for P, x in zip(primes, res))
    assert multimodular.rational_reconstruction(X, M) == r
    # too few primes: refused rather than wrong
    X2, M2 = multimodular.crt(res[:2], primes[:2])
    assert multimodular.rational_reconstruction(X2, M2) is None


def test_denominator_bound_divides_out_every_denominator():
    """``denominator_bound`` is a multiple of every denominator of q (mix, other laws, random sizes)."""
    p = as_law(families.random_rational(5, 2, seed=3, support="any"))
    hat = families.random_rational(5, 2, seed=4, max_denominator=5)
    for sched in ((2, 3), (1, 1, 3), BernoulliReveal(5, [Fraction(1, 3)]), SemiAR(2, 2, L=5)):
        for pred in (None, hat, mix_uniform(Fraction(1, 5))):
            eng = DPEngine(p, pred)
            s = as_schedule(sched, 5)
            D = multimodular.denominator_bound(eng, eng.chain_moves(s))
            q = eng.run(s)
            assert all(D % Fraction(x).denominator == 0 for x in q), (sched, pred)
            # the bound route alone (no rational reconstruction needed) gives the same law
            assert bool(np.all(multimodular.sampler_law_multimodular(p, s, pred) == q))


def test_denominator_bound_is_a_bound_and_near():
    """The common denominator of q divides prod_k lcm_t(k)^s_k: the estimate is >= the truth."""
    import math
    from functools import reduce

    for L, sizes in ((8, (4, 4)), (7, (2, 2, 3))):
        p = as_law(families.random_rational(L, 2, seed=0))
        eng = DPEngine(p, None)
        moves = eng.chain_moves(as_schedule(sizes, L))
        bits = cost.denominator_bits(eng, moves)
        q = sampler_law(p, sizes).reshape(-1)
        true = reduce(math.lcm, [x.denominator for x in q]).bit_length()
        assert true <= bits + 1 <= 1.2 * true + 40
        bound = multimodular.denominator_bound(eng, moves)
        # the estimate rounds each factor up to whole bits: within one bit per step
        assert abs(bound.bit_length() - cost.denominator_bits(eng, moves, rigorous=True)) <= len(moves) + 1


def test_time_guard_refuses_quickly_with_estimate(monkeypatch):
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "2")
    p = families.random_rational(14, 2, seed=0)
    t0 = time.perf_counter()
    with pytest.raises(budget.ComputationTooLong, match=r"would take about .* over the time cap of 2 s.*float mode"):
        mixture_kl(p, (7, 7))
    assert time.perf_counter() - t0 < 1.0
    with pytest.raises(ValueError, match="Fraction"):
        sampler_law(families.random_rational(11, 2, seed=0), (5, 6), engine="fraction")
    from exactdlm.engine.sampler import learning_error

    p12, hat = families.random_rational(12, 2, seed=0), families.random_rational(12, 2, seed=1)
    t0 = time.perf_counter()
    with pytest.raises(budget.ComputationTooLong, match="exact learning error with L=12.*exact log terms"):
        learning_error(p12, (6, 6), hat)
    assert time.perf_counter() - t0 < 1.0
    from exactdlm.engine.sampler import epsilon_train

    p9 = families.random_rational(9, 2, seed=0)
    with pytest.raises(budget.ComputationTooLong, match="epsilon_train with L=9.*conditional rows.*learning_error"):
        epsilon_train(p9, (1,) * 9, families.random_rational(9, 2, seed=1))
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "0")  # 0 disables the guard
    assert budget.time_cap() == 0
    budget.check_time(1e9, "a year-long run")
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "1e10")
    assert mixture_kl(families.random_rational(4, 2, seed=0), (2, 2)) == mixture_kl(
        families.random_rational(4, 2, seed=0), (2, 2), engine="fraction")
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "-1")
    with pytest.raises(ValueError, match=">= 0"):
        budget.time_cap()
    monkeypatch.setenv("EXACTDLM_TIME_CAP", "soon")
    with pytest.raises(ValueError, match="number of seconds"):
        budget.time_cap()


def test_cli_max_seconds(capsys, monkeypatch):
    from exactdlm.cli import main

    monkeypatch.delenv("EXACTDLM_TIME_CAP", raising=False)
    args = ["law", "--family", "random_rational", "--L", "13", "--V", "2", "--param", "seed=0",
            "--schedule", "balanced:2"]
    t0 = time.perf_counter()
    assert main(["--max-seconds", "1", *args]) == 2
    assert time.perf_counter() - t0 < 5.0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "would take about" in err[0] and "--max-seconds" in err[0]
    assert main([*args, "--max-seconds", "-3"]) == 2
    assert ">= 0" in capsys.readouterr().err
    import os

    assert "EXACTDLM_TIME_CAP" not in os.environ  # the option holds for its run only


def test_cli_progress_and_quiet(capsys, monkeypatch):
    from exactdlm.cli import main

    monkeypatch.delenv("EXACTDLM_PROGRESS", raising=False)
    args = ["law", "--family", "random_rational", "--L", "6", "--V", "2", "--param", "seed=0",
            "--schedule", "balanced:2"]
    assert main(["--progress", *args]) == 0
    assert "sampler law L=6" in capsys.readouterr().err  # forced on although stderr is not a terminal
    assert main([*args, "--quiet"]) == 0
    assert "sampler law" not in capsys.readouterr().err
    assert main(args) == 0  # not a terminal: no bar by default
    assert "sampler law" not in capsys.readouterr().err


def test_reconstruction_refuses_a_corrupted_residue():
    """A wrong residue at a checking prime must not pass: the result is refused (None), never a
    wrong law; with the residues intact the same call returns the Fraction DP's law."""
    p = as_law(families.random_rational(6, 2, seed=7))
    sched = as_schedule((3, 3), 6)
    eng0 = DPEngine(p, None)
    ref = eng0.run(sched)
    D = multimodular.denominator_bound(eng0, eng0.chain_moves(sched))
    K = int((D.bit_length() + multimodular.CHECK_BITS) / 30) + 4
    primes = np.array(km.primes(K), dtype=np.int64)
    res = multimodular.ModularEngine(p, None, primes).run(sched)
    values, _ = multimodular.reconstruct(res, primes, D)
    assert values == list(ref)
    logs = np.cumsum(np.log2(primes.astype(float)))
    K1 = int(np.searchsorted(logs, D.bit_length() + 1)) + 1  # primes that determine q D; then checks
    for col in (0, K1 // 2, K1):  # a determining prime, another, the first checking prime
        bad = res.copy()
        bad[5, col] = (bad[5, col] + 1) % primes[col]
        values, _ = multimodular.reconstruct(bad, primes, D)
        assert values is None, col
