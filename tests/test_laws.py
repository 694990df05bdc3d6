"""JointLaw: validation, exact/float forms, marginals, memory cap, save/load round trips."""

import math
from fractions import Fraction

import numpy as np
import pytest

from exactdlm.laws import families
from exactdlm.laws import JointLaw, as_law
from exactdlm.laws.joint import check_fits, exact_array, lattice_bytes, memory_cap


def _float_law(L, V, seed=0):
    p = np.random.default_rng(seed).random((V,) * L)
    return p / p.sum()


# --- construction and validation -------------------------------------------------------


def test_float_and_exact_laws_are_recognised():
    f = JointLaw(_float_law(3, 2))
    assert (f.L, f.V, f.exact) == (3, 2, False)
    e = JointLaw(exact_array([Fraction(1, 4)] * 4, (2, 2)))
    assert (e.L, e.V, e.exact) == (2, 2, True)
    assert all(isinstance(x, Fraction) for x in e.array.reshape(-1))
    # integer arrays are exact
    i = JointLaw(np.array([[1, 0], [0, 0]]))
    assert i.exact and i.array[0, 0] == 1


def test_array_is_read_only_and_as_law_is_identity():
    law = JointLaw(_float_law(2, 3))
    with pytest.raises(ValueError):
        law.array[0, 0] = 0.5
    assert as_law(law) is law
    assert np.asarray(law) is law.array


@pytest.mark.parametrize(
    "array, match",
    [
        (np.array([[np.nan, 0.5], [0.25, 0.25]]), "non-finite"),
        (np.array([[np.inf, 0.0], [0.0, 0.0]]), "non-finite"),
        (np.array([[-0.25, 0.75], [0.25, 0.25]]), "negative"),
        (np.array([[0.5, 0.5], [0.5, 0.5]]), "normalize=True"),
        (np.ones((2, 3)) / 6, "cubic"),
        (np.ones((1, 1)), "V must be >= 2"),
        (np.array(1.0), "scalar"),
        (np.array([["a", "b"], ["c", "d"]]), "numbers"),
    ],
)
def test_bad_float_arrays(array, match):
    with pytest.raises(ValueError, match=match):
        JointLaw(array)


def test_bad_exact_arrays():
    with pytest.raises(ValueError, match="negative"):
        JointLaw(exact_array([Fraction(-1, 2), Fraction(1, 2), Fraction(1, 2), Fraction(1, 2)], (2, 2)))
    with pytest.raises(ValueError, match="sums to 3/2"):
        JointLaw(exact_array([Fraction(1, 2), Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)], (2, 2)))
    obj = np.empty(4, dtype=object)
    obj[:] = [0.25, Fraction(1, 4), Fraction(1, 4), Fraction(1, 4)]
    with pytest.raises(ValueError, match="rationals"):
        JointLaw(obj.reshape(2, 2))
    with pytest.raises(ValueError, match="sum to 0"):
        JointLaw(np.zeros((2, 2), dtype=int), normalize=True)
    with pytest.raises(ValueError, match="sum to 0"):
        JointLaw(np.zeros((2, 2)), normalize=True)


def test_normalize_rescales_exactly_and_in_float():
    e = JointLaw(np.array([[1, 2], [3, 4]]), normalize=True)
    assert e.exact and e.array[1, 1] == Fraction(4, 10)
    f = JointLaw(np.array([[1.0, 2.0], [3.0, 4.0]]), normalize=True)
    assert not f.exact and abs(f.array[1, 1] - 0.4) < 1e-15
    assert abs(f.array.sum() - 1) < 1e-15


def test_exact_entries_from_strings_and_ints():
    obj = np.empty(4, dtype=object)
    obj[:] = ["1/2", 0, "1/4", Fraction(1, 4)]
    law = JointLaw(obj.reshape(2, 2))
    assert law.exact and law.array[0, 0] == Fraction(1, 2) and law.array[0, 1] == 0


def test_to_float_and_to_exact():
    e = families.random_rational(3, 2, seed=4)
    f = e.to_float()
    assert not f.exact
    assert np.allclose(f.array, e.float_array(), rtol=0, atol=1e-16)
    back = f.to_exact(max_denominator=10**6)
    assert back == e  # rationals with small denominators survive the round trip
    assert e.to_exact() is e and f.to_float() is f
    # exact binary reading of floats sums to 1 exactly after renormalising
    assert sum(JointLaw(_float_law(2, 2)).to_exact().array.reshape(-1)) == 1


def test_equality_and_repr():
    a, b = families.parity(3), families.parity(3)
    assert a == b and not (a == families.repeated_symbol(3, 2))
    assert a != a.to_float()
    assert "L=3" in repr(a) and "exact" in repr(a) and "support=4" in repr(a)


# --- marginals -------------------------------------------------------------------------


@pytest.mark.parametrize("exact", [True, False])
def test_marginals_against_direct_sums(exact):
    law = families.random_rational(4, 3, seed=2)
    if not exact:
        law = law.to_float()
    a = law.array
    for pos in [(0,), (3,), (2, 0), (1, 3, 2), (0, 1, 2, 3), ()]:
        m = law.marginal(pos)
        expected = np.zeros((3,) * len(pos), dtype=object if exact else float)
        for x in np.ndindex(a.shape):
            expected[tuple(x[i] for i in pos)] += a[x]
        if exact:
            assert all(u == v for u, v in zip(m.reshape(-1), expected.reshape(-1)))
        else:
            assert np.allclose(m, expected, rtol=0, atol=1e-15)
    total = law.marginal(()).item()
    assert total == 1 if exact else abs(total - 1) < 1e-15


@pytest.mark.parametrize("pos", [(0, 0), (4,), (-1,)])
def test_bad_marginal_positions(pos):
    with pytest.raises(ValueError, match="distinct integers"):
        families.parity(4).marginal(pos)


# --- memory cap ----------------------------------------------------------------------


def test_memory_cap_refuses_with_the_estimate(monkeypatch):
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "1000")
    assert memory_cap() == 1000
    with pytest.raises(ValueError, match=r"needs about 4,096 bytes.*EXACTDLM_MEMORY_CAP"):
        check_fits(4096, "a test array")
    check_fits(1000, "a test array")  # at the cap: allowed
    with pytest.raises(ValueError, match="over the memory cap"):
        JointLaw(_float_law(8, 2))  # 256 float64 = 2048 bytes
    with pytest.raises(ValueError, match="over the memory cap"):
        families.random_rational(4, 3, seed=0)
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "lots")
    with pytest.raises(ValueError, match="EXACTDLM_MEMORY_CAP"):
        memory_cap()


def test_lattice_bytes():
    assert lattice_bytes(3, 2) == 8 * 27
    assert lattice_bytes(3, 2, copies=2, itemsize=4) == 2 * 4 * 27


def test_a_law_bigger_than_its_lattice_budget_is_still_a_law():
    # L=20, V=2: the law is 8 MiB while its lattice (3^20 states) is 28 GB
    p = np.full((2,) * 20, 2.0**-20)
    law = JointLaw(p)
    assert law.L == 20


# --- save / load ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".npz"])
@pytest.mark.parametrize("exact", [True, False])
def test_save_load_round_trip(tmp_path, suffix, exact):
    law = families.random_rational(3, 3, seed=7, support="any")
    if not exact:
        law = families.dirichlet(3, 3, 0.5, seed=1)
    path = tmp_path / f"law{suffix}"
    law.save(path)
    back = JointLaw.load(path)
    assert back.exact == exact
    assert back == law  # bit-for-bit (floats) or exactly (rationals)


def test_json_dict_round_trip_and_errors():
    law = families.noisy_repetition(3, "1/10")
    data = law.to_json()
    assert data["exact"] and data["p"][0] == str(law.array[0, 0, 0])
    assert JointLaw.from_json(data) == law
    import json

    assert JointLaw.from_json(json.dumps(data)) == law
    with pytest.raises(ValueError, match="keys 'L', 'V' and 'p'"):
        JointLaw.from_json({"L": 2})
    with pytest.raises(ValueError, match="expected V\\*\\*L = 4"):
        JointLaw.from_json({"L": 2, "V": 2, "p": [0.5, 0.5]})


def test_load_errors(tmp_path):
    with pytest.raises(ValueError, match="suffix"):
        JointLaw.load(tmp_path / "law.txt")
    with pytest.raises(ValueError, match="suffix"):
        families.parity(3).save(tmp_path / "law.csv")
    with pytest.raises(ValueError, match="does not exist"):
        JointLaw.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        JointLaw.load(bad)
    npz = tmp_path / "bad.npz"
    np.savez(npz, x=np.zeros(3))
    with pytest.raises(ValueError, match="not a saved law"):
        JointLaw.load(npz)


@pytest.mark.parametrize("denominators", [(7, 9, 11), (2**31 - 1, 2**29 - 3, 5), (2**61 - 1, 2**31 - 1, 3)])
def test_as_counts_over_the_common_denominator(denominators):
    a, b, c = (Fraction(1, d) for d in denominators)
    law = JointLaw(exact_array([a, b, c, 1 - a - b - c], (2, 2)))
    n, W = law.as_counts()
    assert W == math.lcm(*denominators)
    assert n.dtype == (np.int64 if W < 2**62 else object)
    assert all(Fraction(int(k), W) == x for k, x in zip(n.reshape(-1), law.array.reshape(-1)))
    with pytest.raises(ValueError, match="exact law"):
        law.to_float().as_counts()
