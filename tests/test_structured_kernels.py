"""Kernels of the structured engine against their pure-Python twins (exactdlm/_kernels/structured.py)."""

from fractions import Fraction as F
import math

import numpy as np
import pytest

from exactdlm.engine._kernels import structured as K
from exactdlm.structured import exchangeable_from_counts, exchangeable_mixture, markov_chain, noisy_repetition
from exactdlm.structured._numerics import log_factorials


def _grid_index(n, t):
    idx, pw = 0, 1
    for v in range(1, len(n)):
        idx += n[v] * pw
        pw *= t + 1
    return idx


def _float_layers(law):
    top = {n: float(p) for n, p in law.exact_count_law().items()}
    return K.exch_layers_py(top, law.L, law.V)


LAWS = [
    lambda: noisy_repetition(7, F(1, 10)),
    lambda: exchangeable_mixture(6, [F(1, 2), F(1, 3), F(1, 6)], [[F(1, 2), F(1, 4), F(1, 4)],
                                                                   [F(1, 10), F(1, 10), F(4, 5)], [1, 0, 0]]),
    lambda: exchangeable_from_counts(6, [F(1, 7)] * 7),
    lambda: exchangeable_from_counts(5, {(5, 0, 0): F(1, 3), (1, 2, 2): F(1, 3), (0, 0, 5): F(1, 3)}, V=3),
]


def test_kl_atom_matches_direct_formula():
    for d in [-math.inf, -30.0, -2.0, -0.3, -0.049, -1e-3, -1e-9, 0.0, 1e-9, 1e-3, 0.049, 0.05, 0.7, 3.0]:
        got, want = K.kl_atom(d), K.kl_atom_py(d)
        assert got >= 0.0
        assert abs(got - want) <= 1e-12 * max(1.0, abs(want)) + 1e-17, (d, got, want)
    # the series keeps relative accuracy where the direct formula cancels (f(d) ~ d^2/2)
    import mpmath

    with mpmath.workdps(40):
        for d in (1e-4, -1e-4, 1e-6, -0.0499, 0.0499, 1e-12):
            x = mpmath.mpf(d)
            ref = x * mpmath.exp(x) - mpmath.expm1(x)
            assert abs(K.kl_atom(d) / float(ref) - 1) < 1e-14


@pytest.mark.parametrize("make", LAWS)
def test_layers_match_thinning_twin(make):
    law = make()
    twin = _float_layers(law)
    for t in range(law.L + 1):
        lay = law.log_layer(t)
        assert lay.shape == ((t + 1) ** (law.V - 1),)
        got = {}
        for idx, val in enumerate(lay):
            if val > -math.inf:
                got[idx] = math.exp(val)
        want = {_grid_index(n, t): p for n, p in twin[t].items() if p > 0}
        assert set(got) == set(want)
        for k in want:
            assert abs(got[k] - want[k]) <= 1e-13 * max(1.0, want[k])


def test_thin_kernel_against_twin_directly():
    rng = np.random.default_rng(3)
    for V, L in ((2, 9), (3, 6)):
        comps = list(K.compositions_of(L, V))
        w = rng.random(len(comps))
        w /= w.sum()
        top = dict(zip(comps, w))
        grid = np.full((L + 1) ** (V - 1), -math.inf)
        for n, p in top.items():
            grid[_grid_index(n, L)] = math.log(p)
        twin = K.exch_layers_py(top, L, V)
        lay = grid
        for t in range(L, 0, -1):
            lay = K.exch_thin(lay, t, V)
            for n, p in twin[t - 1].items():
                assert abs(math.exp(lay[_grid_index(n, t - 1)]) - p) <= 1e-13


@pytest.mark.parametrize("make", LAWS)
def test_curves_kernel_against_twin(make):
    law = make()
    g_tw, I_tw = K.exch_curves_py(_float_layers(law), law.L, law.V)
    g, Ib = law.entropy_profile(), law.info_curve()
    assert np.allclose(g, g_tw, rtol=0, atol=1e-12)
    assert np.allclose(Ib, I_tw, rtol=0, atol=1e-12)


@pytest.mark.parametrize("make", LAWS)
@pytest.mark.parametrize("sizes", [(1, 2, 3), (3, 3), (2, 1, 1, 2)])
def test_count_dp_kernel_against_twin(make, sizes):
    law = make()
    L = law.L
    sizes = tuple(sizes[:-1]) + (L - sum(sizes[:-1]),) if sum(sizes) != L else sizes
    if min(sizes) <= 0:
        sizes = (1, L - 1)
    from exactdlm.structured.sizes import size_chain

    chain = size_chain(sizes, L)
    twin = K.exch_count_dp_py(_float_layers(law), law.V, chain.state_t,
                              [(a, b, float(w)) for a, b, w in chain.transitions], chain.start, chain.end)
    got = law.sampler_count_law(sizes, log=True)
    for n, q in twin.items():
        assert abs(math.exp(got[_grid_index(n, L)]) - q) <= 1e-12
    assert abs(sum(twin.values()) - 1) < 1e-12
    assert abs(np.exp(got).sum() - 1) < 1e-12


@pytest.mark.parametrize("initial", [None, [F(1), F(0)]])
def test_markov_kernels_against_twins(initial):
    P = [[F(7, 10), F(3, 10)], [F(1, 4), F(3, 4)]]
    law = markov_chain(9, P, initial)
    Pf = [[float(x) for x in r] for r in P]
    J_tw = K.markov_J_py(Pf, [float(x) for x in law.mu], 9)
    J = law.pair_information_sums()
    assert np.allclose(J[1:], J_tw[1:], rtol=1e-12, atol=1e-15)
    Hbar = law._mean_site_entropy()
    Ib, g = K.markov_info_curve(J, 9, Hbar)
    Ib_tw, g_tw = K.markov_info_curve_py(list(J), 9, Hbar)
    assert np.allclose(g, g_tw, rtol=0, atol=1e-13)
    assert np.allclose(Ib, Ib_tw, rtol=0, atol=1e-13)


def test_markov_stationary_and_general_J_agree():
    P = np.array([[0.5, 0.3, 0.2], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    law = markov_chain(40, P.tolist())
    mu = np.asarray(law.mu, dtype=float)
    Pd = np.empty((40, 3, 3))
    Pd[0] = np.eye(3)
    for d in range(1, 40):
        Pd[d] = Pd[d - 1] @ P
    general = K.markov_J_general(np.tile(mu, (40, 1)), Pd, 40)
    stationary = K.markov_J_stationary(P, mu, 40)
    assert np.allclose(general, stationary, rtol=1e-10, atol=1e-16)


def test_optimal_knots_against_twin():
    rng = np.random.default_rng(5)
    for L, m in ((9, 3), (12, 5), (7, 7), (6, 1)):
        Ib = np.concatenate([[0.0], np.cumsum(rng.random(L - 1))])
        knots, val = K.optimal_knots(Ib, m)
        knots_tw, val_tw = K.optimal_knots_py(list(Ib), m)
        assert abs(val - val_tw) <= 1e-12 * max(1.0, val_tw)
        assert list(knots) == list(knots_tw)


def test_mixture_layer_against_closed_binomial():
    lf = log_factorials(40)
    logw = np.log(np.array([0.25, 0.75]))
    logth = np.log(np.array([[0.9, 0.1], [0.4, 0.6]]))
    lay = K.exch_mixture_layer(40, 2, logw, logth, lf)
    for k in (0, 7, 20, 40):
        want = 0.25 * math.comb(40, k) * 0.1**k * 0.9 ** (40 - k) + 0.75 * math.comb(40, k) * 0.6**k * 0.4 ** (40 - k)
        assert abs(math.exp(lay[k]) / want - 1) < 1e-13


def test_parallel_and_serial_layer_passes_agree(monkeypatch):
    import exactdlm.structured.exchangeable as ex

    serial = noisy_repetition(300, F(1, 7))
    g1, I1 = serial.entropy_profile(), serial.info_curve()
    monkeypatch.setattr(ex, "PARALLEL_MIN_CELLS", 0)
    par = noisy_repetition(300, F(1, 7))
    assert np.array_equal(par._flat_layers()[0], serial._flat_layers()[0])
    assert np.array_equal(par.entropy_profile(), g1) and np.array_equal(par.info_curve(), I1)
