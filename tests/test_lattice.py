"""The masked lattice: indexing, every marginal, conditionals and their zero-context convention."""

from fractions import Fraction
from itertools import product

import numpy as np
import pytest

from exactdlm.laws import families
from exactdlm.engine.lattice import (
    Lattice,
    embed,
    integer_lattice,
    marginal_lattice,
    n_states,
    state_digits,
    state_index,
    state_revealed,
)


def _brute_marginal(a, revealed):
    """p(x_R) by summing the array over the masked positions."""
    index = tuple(revealed.get(j, slice(None)) for j in range(a.ndim))
    sub = a[index]
    return sub.sum() if isinstance(sub, np.ndarray) else sub


@pytest.mark.parametrize("L, V", [(1, 2), (2, 3), (3, 2), (3, 3), (4, 2)])
def test_indexing_round_trips(L, V):
    assert n_states(L, V) == (V + 1) ** L
    for idx in range(n_states(L, V)):
        digits = state_digits(L, V, idx)
        assert state_index(L, V, list(enumerate(digits))) == idx
        rev = state_revealed(L, V, idx)
        assert state_index(L, V, rev) == idx
        assert all(digits[j] == V for j in range(L) if j not in rev)
    # C order: position L-1 is the fastest digit
    assert state_index(L, V, {L - 1: 0}) == (V + 1) ** L - 1 - V


def test_indexing_errors():
    with pytest.raises(ValueError, match="outside"):
        state_index(3, 2, {0: 5})
    with pytest.raises(ValueError, match="positions must lie"):
        state_index(3, 2, {3: 0})
    with pytest.raises(ValueError, match="state index"):
        state_digits(2, 2, 9)


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("L, V, seed", [(1, 3, 0), (3, 2, 1), (3, 3, 2), (4, 2, 3)])
def test_every_state_holds_its_marginal(exact, L, V, seed):
    law = families.random_rational(L, V, seed, support="any")
    if not exact:
        law = law.to_float()
    M = marginal_lattice(law)
    assert M.shape == (n_states(L, V),)
    assert M.dtype == (object if exact else np.float64)
    for idx in range(n_states(L, V)):
        rev = state_revealed(L, V, idx)
        want = _brute_marginal(law.array, rev)
        if exact:
            assert M[idx] == want
        else:
            assert abs(M[idx] - want) < 1e-15
    assert M[-1] == 1 if exact else abs(M[-1] - 1) < 1e-15


def test_embed_places_the_law_in_the_unmasked_states():
    law = families.random_rational(2, 2, 5)
    E = embed(law.array, 2).reshape(3, 3)
    assert all(E[i, j] == law.array[i, j] for i, j in product(range(2), repeat=2))
    assert all(E[i, 2] == 0 and E[2, i] == 0 for i in range(3))


@pytest.mark.parametrize("exact", [True, False])
def test_conditionals_match_ratios_and_are_uniform_at_zero_contexts(exact):
    # sparse support: some two-token contexts have probability 0
    law = families.mixture([families.repeated_symbol(3, 3), families.random_rational(3, 3, 1, support="any")],
                           ["1/3", "2/3"])
    if not exact:
        law = law.to_float()
    lat = Lattice(law)
    a = law.array
    checked_zero = 0
    for j in range(3):
        others = [k for k in range(3) if k != j]
        for size in range(3):
            for R in product(others, repeat=size):
                if len(set(R)) != size:
                    continue
                for vals in product(range(3), repeat=size):
                    ctx = dict(zip(R, vals))
                    cond = lat.conditional(j, ctx)
                    den = _brute_marginal(a, ctx)
                    for v in range(3):
                        num = _brute_marginal(a, {**ctx, j: v})
                        want = (Fraction(1, 3) if exact else 1 / 3) if den == 0 else num / den
                        assert (cond[v] == want) if exact else abs(cond[v] - want) < 1e-14
                    checked_zero += den == 0
                    assert lat.prob(ctx) == den if exact else abs(lat.prob(ctx) - den) < 1e-15
    assert checked_zero > 0  # the zero-context branch was exercised


def test_conditional_errors():
    lat = Lattice(families.parity(3))
    with pytest.raises(ValueError, match="already revealed"):
        lat.conditional(1, {1: 0})
    with pytest.raises(ValueError, match="must lie in 0..2"):
        lat.conditional(3, {})
    with pytest.raises(ValueError, match="outside"):
        lat.conditional(0, {1: 7})


def test_lattice_memory_cap(monkeypatch):
    law = families.parity(6).to_float()  # 2^6 law, 3^6 = 729-state lattice
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", str(8 * 700))
    with pytest.raises(ValueError, match=r"masked lattice.*5,832 bytes"):
        marginal_lattice(law)
    with pytest.raises(ValueError, match="exact masked lattice"):
        marginal_lattice(families.parity(4))


@pytest.mark.parametrize("denominators", [(7, 9, 11), (2**31 - 1, 2**29 - 3, 5), (2**61 - 1, 2**31 - 1, 3)])
def test_integer_lattice_small_and_huge_denominators(denominators):
    # W < 2^53 goes through the float kernel; larger W through Python ints: both exact
    from exactdlm.laws import JointLaw
    from exactdlm.laws.joint import exact_array

    a, b, c = (Fraction(1, d) for d in denominators)
    vals = [a, b, c, 1 - a - b - c, b, a, c, Fraction(0)]
    total = sum(vals)
    law = JointLaw(exact_array([v / total for v in vals], (2, 2, 2)))
    N, W = integer_lattice(law)
    assert all(isinstance(n, int) for n in N)
    M = marginal_lattice(law)
    for idx in range(n_states(3, 2)):
        want = _brute_marginal(law.array, state_revealed(3, 2, idx))
        assert Fraction(N[idx], W) == want == M[idx]
