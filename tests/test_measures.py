"""Subset and conditional measures (engine/measures.py) against dit, to 1e-12, on dit's own
example distributions and on 20 random laws; the exact values against the float ones."""

import math
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest

dit = pytest.importorskip("dit")
from dit import example_dists as ex  # noqa: E402
from dit import multivariate as dm  # noqa: E402

from exactdlm import (  # noqa: E402
    JointLaw,
    LogForm,
    as_law,
    coinformation,
    dual_total_correlation,
    entropy,
    joint_entropy,
    mutual_information,
    o_information,
    total_correlation,
)

TOL = 1e-12


def _examples():
    yield "xor", ex.Xor()
    yield "and", ex.And()
    yield "or", ex.Or()
    for n, k in ((3, 2), (4, 2), (3, 3)):
        yield f"giant_bit({n},{k})", ex.giant_bit(n, k)
    for n, m in ((3, 2), (3, 3), (4, 2), (4, 3)):
        yield f"n_mod_m({n},{m})", ex.n_mod_m(n, m)


def _random_dists(count=20, seed=15):
    rng = np.random.default_rng(seed)
    for i in range(count):
        L, V = int(rng.integers(2, 5)), int(rng.integers(2, 4))
        if V == 3 and L == 4:
            L = 3
        w = rng.integers(0, 6, size=V**L)
        w[rng.integers(V**L)] += 1
        flat = [Fraction(int(x), int(w.sum())) for x in w]
        outcomes = [o for o, q in zip(np.ndindex(*(V,) * L), flat) if q]
        d = dit.Distribution([tuple(o) for o in outcomes], [float(q) for q in flat if q])
        arr = np.empty(V**L, dtype=object)
        arr[:] = flat
        yield f"random{i} L={L} V={V}", d, JointLaw(arr.reshape((V,) * L))


def _queries(L):
    """(rvs, crvs) pairs: every split of the positions into a measured part and a condition."""
    pos = list(range(L))
    out = [(None, [])]
    for k in range(1, L + 1):
        for A in combinations(pos, k):
            rest = [j for j in pos if j not in A]
            out.append((list(A), []))
            if rest:
                out.append((list(A), rest[:1]))
    return out


def _check_against_dit(d, law):
    """Every measure of ``law`` (float from ``d`` and, when given, exact) against dit in bits."""
    L = d.outcome_length()
    laws = [d] + ([law] if law is not None else [])
    for rvs, crvs in _queries(L):
        groups = None if rvs is None else [[i] for i in rvs]
        want = {
            "H": dm.entropy(d, rvs, crvs),
            "TC": dm.total_correlation(d, groups, crvs),
            "DTC": dm.dual_total_correlation(d, groups, crvs),
            "O": dm.o_information(d, groups, crvs),
        }
        for p in laws:
            got = {
                "H": entropy(p, rvs, crvs, base=2),
                "TC": total_correlation(p, groups, crvs, base=2),
                "DTC": dual_total_correlation(p, groups, crvs, base=2),
                "O": o_information(p, groups, crvs, base=2),
            }
            for k in want:
                assert abs(float(got[k]) - want[k]) <= TOL, (k, rvs, crvs, got[k], want[k])
                if p is law:
                    assert isinstance(got[k], LogForm) and got[k].base == 2
    pos = list(range(L))
    for a, b in combinations(pos, 2):
        rest = [j for j in pos if j not in (a, b)]
        for crvs in ([], rest):
            want = dm.coinformation(d, [[a], [b]], crvs)
            for p in laws:
                assert abs(float(mutual_information(p, [a], [b], crvs, base=2)) - want) <= TOL
    if L >= 3:
        want = dm.coinformation(d, [[i] for i in pos])
        grouped = dm.coinformation(d, [[0, 1], [2]] + [[j] for j in pos[3:]])
        for p in laws:
            assert abs(float(coinformation(p, pos, base=2)) - want) <= TOL
            assert abs(float(coinformation(p, [[0, 1], 2] + pos[3:], base=2)) - grouped) <= TOL
        want_c = dm.coinformation(d, [[0], [1]], [2])
        for p in laws:
            assert abs(float(coinformation(p, [0, 1], [2], base=2)) - want_c) <= TOL


@pytest.mark.parametrize("name, d", list(_examples()), ids=lambda x: x if isinstance(x, str) else "")
def test_dit_examples(name, d):
    exact = as_law(d).to_exact(max_denominator=10**6)
    _check_against_dit(d, exact)


@pytest.mark.parametrize("name, d, law", list(_random_dists()), ids=lambda x: x if isinstance(x, str) else "")
def test_random_laws(name, d, law):
    _check_against_dit(d, law)


def test_known_values_exact():
    xor = as_law(ex.Xor()).to_exact(max_denominator=8)
    assert coinformation(xor, [0, 1, 2], base=2) == -1  # pure synergy
    assert o_information(xor, base=2) == -1
    assert mutual_information(xor, [0], [1], base=2) == 0
    assert mutual_information(xor, [0], [1], [2], base=2) == 1
    assert mutual_information(xor, [0, 1], [2]) == LogForm.log(2)
    giant = as_law(ex.giant_bit(3, 2)).to_exact(max_denominator=8)
    assert coinformation(giant, [0, 1, 2], base=2) == 1 and o_information(giant, base=2) == 1  # redundancy


def test_whole_law_calls_keep_working():
    law = as_law(ex.n_mod_m(3, 3)).to_exact(max_denominator=100)
    assert entropy(law) == joint_entropy(law)
    assert total_correlation(law) == total_correlation(law, [0, 1, 2])
    assert dual_total_correlation(law) == dual_total_correlation(law, None, [])
    assert str(entropy(law, [0, 1], base=2)) == "2*log2(3)"  # printed in bits, exact
    f = as_law(ex.n_mod_m(3, 3))
    assert abs(total_correlation(f) - float(total_correlation(law))) <= TOL
    assert isinstance(total_correlation(f, base=2), float)


def test_structured_law_with_rvs_is_refused():
    from exactdlm import families

    big = families.noisy_repetition(64, eta=Fraction(1, 10))
    assert total_correlation(big) > 0  # whole-law measures work through the symmetry
    with pytest.raises(ValueError, match="structured law"):
        entropy(big, [0, 1])


@pytest.mark.parametrize("call, words", [
    (lambda p: entropy(p, [5]), "not a position"),
    (lambda p: entropy(p, [0], [True]), "not a position"),
    (lambda p: entropy(p, "01"), "must be positions"),
    (lambda p: mutual_information(p, [], [1]), "non-empty"),
    (lambda p: coinformation(p, []), "empty"),
    (lambda p: coinformation(p, [[0], []]), "empty group"),
    (lambda p: total_correlation(p, [[0, 1.5]]), "not a position"),
    (lambda p: entropy(p, base=1), "base must be"),
    (lambda p: entropy(p, [0], base="2"), "base must be"),
    (lambda p: total_correlation(p, base=0), "base must be"),
    (lambda p: dual_total_correlation(p, base=-2), "base must be"),
])
def test_bad_arguments(call, words):
    p = np.full((2, 2, 2), 1 / 8)
    with pytest.raises(ValueError, match=words):
        call(p)


def test_base_e_and_float_base():
    p = as_law(ex.Xor()).to_exact(max_denominator=8)
    assert entropy(p, base=math.e) == entropy(p)
    assert abs(float(entropy(p, base=10)) - 2 * math.log10(2)) <= TOL  # 4 equally likely outcomes
