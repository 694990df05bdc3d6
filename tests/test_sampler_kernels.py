"""Every numba kernel of ``_kernels.sampler`` against its pure-Python twin (serial and parallel
entry points), and the layout against the flat lattice of ``lattice.py``."""

import numpy as np
import pytest

from exactdlm.engine._kernels import sampler as ks
from exactdlm.engine.lattice import marginal_lattice


def setup(L, V, seed=0, zeros=True):
    rng = np.random.default_rng(seed)
    p = rng.random((V,) * L)
    if zeros:
        p[rng.random(p.shape) < 0.3] = 0
        p.flat[-1] = 0.5  # never all zero
    p /= p.sum()
    lm, bo, ls = ks.layout(L, V)
    allm = np.concatenate(lm)
    mstart = np.zeros(L + 2, dtype=np.int64)
    mstart[1:] = np.cumsum([len(m) for m in lm])
    M = np.zeros(ls[L + 1])
    ks.block_marginals(p.reshape(-1), L, V, allm, mstart, bo, ls, M)
    return rng, p, lm, bo, ls, allm, mstart, M


@pytest.mark.parametrize("L,V", [(1, 2), (3, 2), (4, 3), (6, 2)])
def test_layout_and_marginals(L, V):
    rng, p, lm, bo, ls, allm, mstart, M = setup(L, V)
    assert ls[L + 1] == (V + 1) ** L
    perm = ks.layout_to_flat(L, V)
    assert sorted(perm) == list(range((V + 1) ** L))
    np.testing.assert_allclose(M, marginal_lattice(p)[perm], rtol=0, atol=1e-15)
    for parallel in (True, False):
        out = np.zeros_like(M)
        ks.block_marginals(p.reshape(-1), L, V, allm, mstart, bo, ls, out, parallel=parallel)
        np.testing.assert_array_equal(out, M)
    twin = np.zeros_like(M)
    ks.block_marginals_py(p.reshape(-1), L, V, allm, mstart, bo, ls, twin)
    np.testing.assert_allclose(twin, M, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(M[ls[L]:], p.reshape(-1))  # the full block is p


def test_noise_hash_twin():
    for args in [(0, 0, 0, 0, 0), (5, 3, 7, 2, 1), (2**62, 2**20 - 1, 10**6, 15, 2), (123, 1, 2, 3, 4)]:
        k = ks.noise_int(*args)
        assert k == ks.noise_int_py(*args) and 0 <= k < 2**ks.NOISE_BITS
    vals = {ks.noise_int_py(9, 1, a, 0, 0) for a in range(200)}
    assert len(vals) > 190  # the hash spreads


@pytest.mark.parametrize("code", [ks.RATIO, ks.TEMPERATURE, ks.MIX, ks.NOISY])
def test_cond_row_twin(code):
    L, V = 4, 3
    rng, p, lm, bo, ls, allm, mstart, M = setup(L, V, seed=2)
    params = np.array([0.6, 0.0])
    row, twin = np.empty(V), [0.0] * V
    for t in range(L):
        for R in lm[t]:
            for a in range(V**t):
                for j in range(L):
                    if R >> j & 1:
                        continue
                    ks.cond_row(code, M, np.zeros(1), params, 11, bo, ls, L, V, t, int(R), a, j, row)
                    ks.cond_row_py(code, M, np.zeros(1), params, 11, bo, ls, L, V, t, int(R), a, j, twin)
                    np.testing.assert_allclose(row, twin, rtol=1e-14, atol=1e-16)
                    assert abs(row.sum() - 1) < 1e-12 and (row >= 0).all()


def test_cond_row_table_twin():
    L, V = 3, 2
    rng, p, lm, bo, ls, allm, mstart, M = setup(L, V, seed=3)
    tab = rng.random((ls[L + 1], L, V))
    tab /= tab.sum(axis=2, keepdims=True)
    flat = tab.reshape(-1)
    row, twin = np.empty(V), [0.0] * V
    for t in range(L):
        for R in lm[t]:
            for a in range(V**t):
                j = next(j for j in range(L) if not R >> j & 1)
                ks.cond_row(ks.TABLE, M, flat, np.zeros(2), 0, bo, ls, L, V, t, int(R), a, j, row)
                ks.cond_row_py(ks.TABLE, M, flat, np.zeros(2), 0, bo, ls, L, V, t, int(R), a, j, twin)
                np.testing.assert_array_equal(row, twin)
                np.testing.assert_array_equal(row, tab[ls[t] + bo[R] + a, j])


@pytest.mark.parametrize("code", [ks.RATIO, ks.TEMPERATURE, ks.MIX, ks.NOISY, ks.TABLE])
@pytest.mark.parametrize("L,V", [(5, 2), (4, 3)])
def test_block_step_twin(code, L, V):
    rng, p, lm, bo, ls, allm, mstart, M = setup(L, V, seed=L + V)
    tab = rng.random((ls[L + 1], L, V))
    tab = (tab / tab.sum(axis=2, keepdims=True)).reshape(-1)
    params = np.array([0.7, 0.0])
    for t in range(L):
        for s in range(1, L - t + 1):
            W = rng.random(len(lm[t]) * V**t)
            W[rng.random(len(W)) < 0.3] = 0
            for allowed in ((1 << L) - 1, 0b10110 & ((1 << L) - 1)):
                twin = np.zeros(len(lm[t + s]) * V ** (t + s))
                ks.block_step_py(W, twin, M, tab, params, 7, code, lm[t + s], allowed, s, 0.25, bo, ls, t, L, V)
                for parallel in (True, False):
                    out = np.zeros_like(twin)
                    ks.block_step(W, out, M, tab, params, 7, code, lm[t + s], allowed, s, 0.25, bo, ls, t, L, V,
                                  parallel=parallel)
                    np.testing.assert_allclose(out, twin, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("L,V", [(5, 2), (4, 3)])
def test_unit_step_ratio_twin(L, V):
    rng, p, lm, bo, ls, allm, mstart, M = setup(L, V, seed=1)
    for t in range(L):
        W = rng.random(len(lm[t]) * V**t)  # mass also at zero-probability contexts
        for allowed in ((1 << L) - 1, 0b01101):
            twin = np.zeros(len(lm[t + 1]) * V ** (t + 1))
            ks.unit_step_ratio_py(W, twin, M, lm[t], lm[t + 1], allowed, 0.5, bo, ls, t, L, V)
            general = np.zeros_like(twin)
            ks.block_step(W, general, M, np.zeros(1), np.zeros(2), 0, ks.RATIO, lm[t + 1], allowed, 1, 0.5, bo, ls,
                          t, L, V)
            np.testing.assert_allclose(twin, general, rtol=1e-13, atol=1e-16)
            for parallel in (True, False):
                out = np.zeros_like(twin)
                ks.unit_step_ratio(W, out, M, lm[t], lm[t + 1], allowed, 0.5, bo, ls, t, L, V, np.empty(len(W)),
                                   parallel=parallel)
                np.testing.assert_allclose(out, twin, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("code", [ks.RATIO, ks.MIX, ks.NOISY])
def test_learning_terms_twin(code):
    L, V = 4, 3
    rng, p, lm, bo, ls, allm, mstart, M = setup(L, V, seed=5)
    q = rng.random((V,) * L) + 0.1
    q /= q.sum()
    Mq = np.zeros_like(M)
    ks.block_marginals(q.reshape(-1), L, V, allm, mstart, bo, ls, Mq)
    params = np.array([0.3, 0.0])
    twin = ks.learning_terms_py(M, Mq, np.zeros(1), params, 4, code, allm, mstart, bo, ls, L, V)
    for parallel in (True, False):
        D = ks.learning_terms(M, Mq, np.zeros(1), params, 4, code, allm, mstart, bo, ls, L, V, parallel=parallel)
        np.testing.assert_allclose(D, twin, rtol=1e-12, atol=1e-15)
    assert (twin >= -1e-15).all()
    # the exact predictor has no learning error
    D0 = ks.learning_terms(M, M, np.zeros(1), params, 0, ks.RATIO, allm, mstart, bo, ls, L, V)
    assert np.abs(D0).max() < 1e-14
