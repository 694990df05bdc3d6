"""Lattice kernels against their pure-Python twins on random laws of several shapes."""

import numpy as np
import pytest

from exactdlm.engine._kernels import (
    lattice_entropies,
    lattice_entropies_py,
    lattice_sum_passes,
    lattice_sum_passes_py,
    subset_entropy_pass,
    subset_entropy_pass_py,
)
from exactdlm.engine._kernels.lattice import unmasked_offsets
from exactdlm.engine.lattice import embed

SHAPES = [(1, 2), (1, 4), (2, 2), (2, 3), (3, 2), (3, 3), (4, 2), (4, 3), (5, 2), (6, 2), (3, 4)]


def _random_law(L, V, seed, sparse):
    rng = np.random.default_rng(seed)
    p = rng.random((V,) * L)
    if sparse:
        p[rng.random(p.shape) < 0.5] = 0.0
        p.reshape(-1)[0] += 0.1  # never all zero
    return p / p.sum()


@pytest.mark.parametrize("L, V", SHAPES)
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("tail_elems", [3, 10**6])
def test_sum_passes_kernel_matches_twin(monkeypatch, L, V, sparse, tail_elems):
    import exactdlm.engine._kernels.lattice as kl

    monkeypatch.setattr(kl, "TAIL_ELEMS", tail_elems)
    p = _random_law(L, V, seed=10 * L + V, sparse=sparse)
    fast = lattice_sum_passes(embed(p, V), L, V)
    slow = lattice_sum_passes_py(embed(p, V), L, V)
    assert np.allclose(fast, slow, rtol=1e-14, atol=1e-16)
    assert abs(fast[-1] - 1.0) < 1e-13  # the all-masked state holds the total mass


@pytest.mark.parametrize("L, V", SHAPES)
@pytest.mark.parametrize("sparse", [False, True])
def test_subset_entropy_kernel_matches_twin(L, V, sparse):
    p = _random_law(L, V, seed=7 * L + V, sparse=sparse)
    M = lattice_sum_passes_py(embed(p, V), L, V)
    fast = subset_entropy_pass(M, L, V)
    slow = subset_entropy_pass_py(M, L, V)
    assert fast.shape == (1 << L,)
    assert np.allclose(fast, slow, rtol=1e-13, atol=1e-15)
    # mask 0 is the empty set (entropy 0); the full mask is H(X)
    nz = p[p > 0]
    assert abs(fast[0]) < 1e-14  # -m log m of the total mass m = 1 up to rounding
    assert abs(fast[-1] + float(np.sum(nz * np.log(nz)))) < 1e-13


def test_sum_passes_twin_on_exact_objects_matches_float_kernel():
    from fractions import Fraction

    p = _random_law(3, 3, seed=1, sparse=True)
    exact = np.empty(p.size, dtype=object)
    exact[:] = [Fraction(float(x)) for x in p.reshape(-1)]
    M_exact = lattice_sum_passes_py(embed(exact.reshape(p.shape), 3), 3, 3)
    M_float = lattice_sum_passes(embed(p, 3), 3, 3)
    assert np.allclose(np.array([float(x) for x in M_exact]), M_float, rtol=1e-15, atol=0)


@pytest.mark.parametrize("L, V", SHAPES)
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("tail_elems", [3, 10**6])
def test_fused_lattice_entropies_match_twin(monkeypatch, L, V, sparse, tail_elems):
    import exactdlm.engine._kernels.lattice as kl

    monkeypatch.setattr(kl, "TAIL_ELEMS", tail_elems)  # head passes on most axes, or none
    p = _random_law(L, V, seed=3 * L + V, sparse=sparse)
    M_fast, M_slow = embed(p, V), embed(p, V)
    fast = lattice_entropies(M_fast, L, V)
    slow = lattice_entropies_py(M_slow, L, V)
    assert np.allclose(M_fast, M_slow, rtol=1e-14, atol=1e-16)  # the lattice is filled too
    assert np.allclose(fast, slow, rtol=1e-13, atol=1e-15)


def test_sum_passes_ignore_garbage_in_masked_states():
    # masked states are written before they are read, so their initial content is irrelevant
    L, V = 5, 2
    p = _random_law(L, V, seed=0, sparse=False)
    clean = lattice_sum_passes(embed(p, V), L, V)
    dirty = embed(p, V)
    masked = np.ones(dirty.size, dtype=bool)
    masked[unmasked_offsets(L, V)] = False
    dirty[masked] = np.nan
    assert np.array_equal(lattice_sum_passes(dirty, L, V), clean)


@pytest.mark.parametrize("n, V", [(0, 2), (1, 3), (3, 2), (2, 4)])
def test_unmasked_offsets(n, V):
    B = V + 1
    want = sorted(
        sum(d * B ** (n - 1 - k) for k, d in enumerate(digits))
        for digits in np.ndindex(*(V,) * n)
    ) if n else [0]
    assert list(unmasked_offsets(n, V)) == want


@pytest.mark.parametrize("L, V", [(1, 2), (4, 3), (6, 2), (5, 3)])
@pytest.mark.parametrize("blocks", [1, 3, 16])
@pytest.mark.parametrize("tail_elems", [1, 10, 100, 10**6])
def test_parallel_path_block_grids_and_tail_widths(monkeypatch, L, V, blocks, tail_elems):
    import exactdlm.engine._kernels.lattice as kl

    monkeypatch.setattr(kl, "PARALLEL_MIN_STATES", 0)  # force the thread pool on small lattices
    monkeypatch.setattr(kl, "TAIL_ELEMS", tail_elems)  # tail widths from 1 axis to all of them
    c = kl.tail_width(L, V)
    assert 1 <= c <= L and (c == 1 or (V + 1) ** c <= tail_elems)
    p = _random_law(L, V, seed=L * V + blocks, sparse=True)
    M_fast = embed(p, V)
    H = kl.lattice_entropies(M_fast, L, V, blocks=blocks)
    M_slow = embed(p, V)
    H_slow = lattice_entropies_py(M_slow, L, V)
    assert np.allclose(M_fast, M_slow, rtol=1e-14, atol=1e-16)
    assert np.allclose(H, H_slow, rtol=1e-13, atol=1e-15)
    assert np.allclose(kl.lattice_sum_passes(embed(p, V), L, V, blocks=blocks), M_slow, rtol=1e-14, atol=1e-16)


@pytest.mark.parametrize("L, V", SHAPES)
@pytest.mark.parametrize("parallel", [False, True])
def test_leave_one_out_kernel_matches_twin_and_numpy(monkeypatch, L, V, parallel):
    import exactdlm.engine._kernels.lattice as kl
    from exactdlm.engine._kernels import leave_one_out_entropies, leave_one_out_entropies_py

    if parallel:
        monkeypatch.setattr(kl, "PARALLEL_MIN_STATES", 0)
    p = _random_law(L, V, seed=5 * L + V, sparse=True)
    fast = leave_one_out_entropies(p.reshape(-1), L, V)
    slow = leave_one_out_entropies_py(p.reshape(-1), L, V)
    assert np.allclose(fast, slow, rtol=1e-13, atol=1e-15)
    for i in range(L if L > 1 else 0):
        m = p.sum(axis=i)
        nz = m[m > 0]
        assert abs(fast[i] + float(np.sum(nz * np.log(nz)))) < 1e-13


@pytest.mark.parametrize("L, V", SHAPES)
@pytest.mark.parametrize("parallel", [False, True])
def test_site_marginals_kernel_matches_twin_and_numpy(monkeypatch, L, V, parallel):
    import exactdlm.engine._kernels.lattice as kl
    from exactdlm.engine._kernels import site_marginals, site_marginals_py

    if parallel:
        monkeypatch.setattr(kl, "PARALLEL_MIN_STATES", 0)
    p = _random_law(L, V, seed=11 * L + V, sparse=True)
    fast = site_marginals(p.reshape(-1), L, V)
    assert np.allclose(fast, site_marginals_py(p.reshape(-1), L, V), rtol=1e-13, atol=1e-16)
    for i in range(L):
        rest = tuple(k for k in range(L) if k != i)
        assert np.allclose(fast[i], p.sum(axis=rest) if rest else p, rtol=1e-13, atol=1e-16)
