"""Information measures (docs/theory.md §3-4): float vs exact, against dit, identities as properties,
the optimal-schedule DP against brute force, and bad input."""

import math
from fractions import Fraction
from itertools import combinations, product
from math import comb

import dit
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.laws import families
from exactdlm.arith import LogForm
from exactdlm.engine.info import (
    conditional_tc,
    dual_total_correlation,
    ekl_from_curve,
    ekl_from_profile,
    entropy_profile,
    info_curve,
    joint_entropy,
    mi_sum,
    subset_entropies,
    total_correlation,
)
from exactdlm.decoding import optimal_schedule
from exactdlm.laws import JointLaw
from exactdlm.engine.sampler import (
    expected_kl,
    expected_kl_enumerated,
    ordered_partitions,
    pattern_law_enumerated,
)
from exactdlm.schedules import compositions

LN2 = math.log(2)
TOL = 1e-12

RATIONAL_CASES = [(1, 2, 0), (2, 2, 1), (2, 3, 2), (3, 2, 3), (3, 3, 4), (4, 2, 5), (4, 3, 6), (5, 2, 7)]


def _law(L, V, seed, support="full"):
    return families.random_rational(L, V, seed, support=support)


def _close(x, y, tol=TOL):
    return abs(float(x) - float(y)) <= tol * max(1.0, abs(float(y)))


def _curve_from_subsets(H, L):
    """Ī(t) straight from its definition: mean over i and t-subsets T of [L]\\{i} of I(X_i; X_T)."""
    out = []
    for t in range(L):
        total, n = H[0] * 0, 0
        for i in range(L):
            rest = [j for j in range(L) if j != i]
            for T in combinations(rest, t):
                mT = sum(1 << j for j in T)
                total = total + (H[1 << i] + H[mT] - H[mT | 1 << i])
                n += 1
        out.append(total / n)
    return out


# --- float values against exact ones ---------------------------------------------------


@pytest.mark.parametrize("L, V, seed", RATIONAL_CASES)
@pytest.mark.parametrize("support", ["full", "any"])
def test_float_quantities_match_exact_ones(L, V, seed, support):
    e = _law(L, V, seed, support)
    f = e.to_float()
    for fn in (subset_entropies, entropy_profile, info_curve):
        ex, fl = fn(e), fn(f)
        assert ex.dtype == object and all(isinstance(x, LogForm) for x in ex)
        assert fl.dtype == np.float64 and len(ex) == len(fl)
        assert all(_close(a, b) for a, b in zip(fl, ex)), fn.__name__
    for fn in (total_correlation, dual_total_correlation, mi_sum, joint_entropy):
        ex, fl = fn(e), fn(f)
        assert isinstance(ex, LogForm) and isinstance(fl, float)
        assert _close(fl, ex), fn.__name__
    for sizes in ((L,), (1,) * L, tuple(compositions(L))[-1]):
        assert _close(expected_kl(f, sizes), expected_kl(e, sizes))


@pytest.mark.parametrize("L, V, seed", [(2, 2, 1), (3, 2, 3), (3, 3, 4), (4, 2, 5)])
def test_conditional_tc_float_matches_exact(L, V, seed):
    e = _law(L, V, seed, support="any")
    f = e.to_float()
    n = 0
    for size in range(1, L + 1):
        for block in combinations(range(L), size):
            rest = [j for j in range(L) if j not in block]
            for r in range(len(rest) + 1):
                for R in combinations(rest, r):
                    for vals in product(range(V), repeat=r):
                        ctx = dict(zip(R, vals))
                        ex = conditional_tc(e, block, ctx)
                        assert isinstance(ex, LogForm)
                        assert _close(conditional_tc(f, block, ctx), ex)
                        n += 1
    assert n >= 2**L - 1  # every block was visited


def test_base_two_is_nats_over_log_two():
    e = _law(3, 2, 11)
    assert _close(total_correlation(e, base=2), float(total_correlation(e)) / LN2)
    g2, g = entropy_profile(e, base=2), entropy_profile(e)
    assert all(_close(a, float(b) / LN2) for a, b in zip(g2, g))
    # parity: TC = 1 bit exactly
    assert _close(total_correlation(families.parity(4).to_float(), base=2), 1.0)


# --- against dit (an independent implementation; dit works in bits) -------------------


def _dit(law):
    a = law.float_array() if law.exact else law.array
    outcomes = list(product(range(law.V), repeat=law.L))
    probs = [float(a[x]) for x in outcomes]
    keep = [(o, q) for o, q in zip(outcomes, probs) if q > 0]
    return dit.Distribution([o for o, _ in keep], [q for _, q in keep])


@pytest.mark.parametrize("L, V, seed", [(2, 3, 2), (3, 2, 3), (3, 3, 4), (4, 2, 5), (4, 3, 6)])
@pytest.mark.parametrize("support", ["full", "any"])
def test_against_dit(L, V, seed, support):
    law = _law(L, V, seed, support).to_float()
    d = _dit(law)
    H = subset_entropies(law)
    for mask in range(1, 1 << L):
        rvs = [j for j in range(L) if mask >> j & 1]
        assert _close(H[mask], dit.multivariate.entropy(d, rvs) * LN2)
    assert _close(joint_entropy(law), dit.multivariate.entropy(d) * LN2)
    assert _close(total_correlation(law), dit.multivariate.total_correlation(d) * LN2)
    assert _close(dual_total_correlation(law), dit.multivariate.dual_total_correlation(d) * LN2)
    mis = [dit.shannon.mutual_information(d, [i], [j for j in range(L) if j != i]) for i in range(L)] if L > 1 else [0]
    assert _close(mi_sum(law), sum(mis) * LN2)
    # Ī(t) as a mean of dit's mutual informations
    Ibar = info_curve(law)
    for t in range(1, L):
        vals = [
            dit.shannon.mutual_information(d, [i], list(T))
            for i in range(L)
            for T in combinations([j for j in range(L) if j != i], t)
        ]
        assert _close(Ibar[t], np.mean(vals) * LN2)
    # conditional TC at one context against dit's conditional distributions
    if L >= 3:
        ctx_val = next(v for v in range(V) if law.marginal([0])[v] > 0)
        cond = {0: ctx_val}
        sub = law.array[ctx_val] / law.array[ctx_val].sum()
        dc = _dit(JointLaw(sub, normalize=True))
        want = dit.multivariate.total_correlation(dc, [[0], [1]]) * LN2  # positions 1, 2 of the law
        assert _close(conditional_tc(law, [1, 2], cond), want)


# --- identities of docs/theory.md §3-4 as properties over random rational laws -----------------


@st.composite
def rational_laws(draw, max_L=6):
    V = draw(st.sampled_from([2, 3]))
    L = draw(st.integers(1, max_L if V == 2 else 4))
    return _law(L, V, draw(st.integers(0, 10**6)), draw(st.sampled_from(["full", "any"])))


@settings(max_examples=12, deadline=None)
@given(rational_laws())
def test_profile_and_curve_identities(law):
    L = law.L
    g = entropy_profile(law)
    H = subset_entropies(law)
    Ibar = info_curve(law)
    # g(t) is the mean subset entropy over t-subsets
    for t in range(L + 1):
        masks = [m for m in range(1 << L) if bin(m).count("1") == t]
        assert g[t] == sum((H[m] for m in masks), LogForm()) / comb(L, t)
    # concavity of g
    for t in range(1, L):
        assert g[t + 1] - g[t] <= g[t] - g[t - 1]
    # Ī from its definition equals info_curve; Ī(0) = 0, nondecreasing
    assert all(a == b for a, b in zip(_curve_from_subsets(H, L), Ibar))
    assert Ibar[0] == 0
    assert all(Ibar[t] <= Ibar[t + 1] for t in range(L - 1))
    hbar = sum((H[1 << i] for i in range(L)), LogForm()) / L
    for t in range(L):
        assert g[t + 1] - g[t] == hbar - Ibar[t]


@settings(max_examples=12, deadline=None)
@given(rational_laws())
def test_tc_dtc_mi_sum_identities(law):
    L = law.L
    Ibar = info_curve(law)
    tc, dtc, mis = total_correlation(law), dual_total_correlation(law), mi_sum(law)
    assert tc == sum(Ibar, LogForm())
    assert dtc == sum((Ibar[L - 1] - Ibar[t] for t in range(L)), LogForm())
    assert mis == tc + dtc
    assert mis == Ibar[L - 1] * L
    # the direct (L+1 marginals) path agrees with the profile path term by term
    g = entropy_profile(law)
    assert tc == g[1] * L - g[L]
    assert dtc == g[L - 1] * L - g[L] * (L - 1)
    assert joint_entropy(law) == g[L]


@settings(max_examples=10, deadline=None)
@given(rational_laws(max_L=4), st.data())
def test_ekl_characterizations_agree(law, data):
    L = law.L
    sizes = data.draw(st.sampled_from(list(compositions(L))))
    g, Ibar = entropy_profile(law), info_curve(law)
    e1 = ekl_from_profile(g, sizes)
    assert e1 == expected_kl_enumerated(law, sizes)  # (E1) == enumeration of all patterns
    assert e1 == ekl_from_curve(Ibar, sizes)  # (E1) == (E2)
    t, e3 = 0, total_correlation(law)  # (E3): TC - sum_k s_k Ī(t_{k-1})
    for s in sizes:
        e3 = e3 - Ibar[t] * s
        t += s
    assert e1 == e3
    assert e1 >= 0
    # (E7): one step is TC, unit steps are 0
    assert expected_kl(law, (L,)) == total_correlation(law)
    assert expected_kl(law, (1,) * L) == 0


@pytest.mark.parametrize("L, V, seed", [(3, 2, 1), (3, 3, 2), (4, 2, 3)])
def test_conditional_tc_sums_to_the_pattern_kl(L, V, seed):
    """(E5) for a fixed ordered partition: KL(p || q_S) = E_x sum_k condTC(X_{S_k} | x_{R_k})."""
    law = _law(L, V, seed, support="any")
    a = law.array
    for sizes in [(L,), (1, L - 1), (L - 1, 1)]:
        for part in list(ordered_partitions(L, sizes))[:3]:
            q = pattern_law_enumerated(law, part)
            kl = LogForm()
            for x in np.ndindex(a.shape):
                if a[x] > 0:
                    kl = kl + LogForm.log(a[x] / q[x], a[x])
            rhs, R = LogForm(), []
            for block in part:
                for x in np.ndindex(a.shape):
                    if a[x] > 0:
                        rhs = rhs + conditional_tc(law, block, {j: x[j] for j in R}) * a[x]
                R.extend(block)
            assert kl == rhs


def test_conditional_tc_edge_cases():
    law = families.repeated_symbol(3, 2)
    # zero-probability context: the predictor is uniform, the value 0
    assert conditional_tc(law, [2], {0: 0, 1: 1}) == 0
    assert conditional_tc(law.to_float(), [2], {0: 0, 1: 1}) == 0.0
    # empty context, whole block: condTC = TC
    assert conditional_tc(law, [0, 1, 2], {}) == total_correlation(law)
    # a single token has no correlation
    assert conditional_tc(law, [1], {}) == 0


# --- closed values of a few laws ---------------------------------------------------------


def test_independent_law_has_zero_curve():
    law = families.iid(4, ["1/3", "2/3"])
    assert all(x == 0 for x in info_curve(law))
    assert total_correlation(law) == 0 and dual_total_correlation(law) == 0


# --- optimal schedule against brute force -----------------------------------------------


@pytest.mark.parametrize("L, seed", [(5, 0), (7, 1), (8, 2)])
def test_optimal_schedule_float_against_brute_force(L, seed):
    law = families.dirichlet(L, 2, 0.3, seed)
    g = entropy_profile(law)
    for steps in range(1, L + 1):
        sizes, ekl = optimal_schedule(law, steps)
        assert len(sizes) == steps and sum(sizes) == L and min(sizes) >= 1
        best = min(ekl_from_profile(g, c) for c in compositions(L) if len(c) == steps)
        assert abs(ekl - best) <= 1e-12
        assert abs(ekl_from_profile(g, sizes) - ekl) <= 1e-12


@pytest.mark.parametrize("L, V, seed", [(4, 2, 3), (5, 2, 4), (3, 3, 5)])
def test_optimal_schedule_exact_against_brute_force(L, V, seed):
    law = _law(L, V, seed, support="any")
    g = entropy_profile(law)
    for steps in range(1, L + 1):
        sizes, ekl = optimal_schedule(law, steps)
        assert isinstance(ekl, LogForm)
        cands = [ekl_from_profile(g, c) for c in compositions(L) if len(c) == steps]
        best = cands[0]
        for c in cands[1:]:
            if c < best:
                best = c
        assert ekl == best
        assert ekl == ekl_from_profile(g, sizes)


def test_optimal_schedule_known_law():
    # MDS [5,2]_5: Ī(t) = log 5 [t >= 2]; two steps (2, 3) give EKL 0
    sizes, ekl = optimal_schedule(families.mds_code(5, 2, 5), 2)
    assert sizes == (2, 3) and ekl == 0


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("steps", [0, 5, -1, 2.5, True, "2"])
def test_optimal_schedule_bad_steps(steps):
    with pytest.raises(ValueError, match="steps must be an integer in 1..L=4"):
        optimal_schedule(families.parity(4), steps)


@pytest.mark.parametrize(
    "sizes, match",
    [((2, 1), "sum to 3, not L=4"), ((2, 0, 2), "positive"), ((5, -1), "positive"), ((), "empty"),
     ((1.5, 2.5), "integers"), ("ab", "positive integers")],
)
def test_expected_kl_bad_sizes(sizes, match):
    with pytest.raises(ValueError, match=match):
        expected_kl(families.parity(4), sizes)


def test_conditional_tc_bad_input():
    law = families.parity(3)
    with pytest.raises(ValueError, match="disjoint"):
        conditional_tc(law, [0, 1], {1: 0})
    with pytest.raises(ValueError, match="must lie in 0..2"):
        conditional_tc(law, [3], {})
    with pytest.raises(ValueError, match="repeats"):
        conditional_tc(law, [1, 1], {})
    with pytest.raises(ValueError, match="context values"):
        conditional_tc(law, [1], {0: 2})


def test_measures_reject_bad_arrays():
    with pytest.raises(ValueError, match="normalize=True"):
        total_correlation(np.ones((2, 2)))
    with pytest.raises(ValueError, match="non-finite"):
        entropy_profile(np.array([[np.nan, 0.5], [0.25, 0.25]]))
    with pytest.raises(ValueError, match="cubic"):
        info_curve(np.ones((2, 3)) / 6)


def test_measures_refuse_an_oversized_lattice(monkeypatch):
    law = families.dirichlet(8, 2, 1.0, seed=0)  # law 2 KiB, lattice 3^8 * 8 = 52 KiB
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", str(20_000))
    with pytest.raises(ValueError, match="masked lattice"):
        entropy_profile(law)
    # TC and DTC need no lattice: they still work, and agree with the profile path
    tc, dtc = total_correlation(law), dual_total_correlation(law)
    monkeypatch.delenv("EXACTDLM_MEMORY_CAP")
    g = entropy_profile(law)
    assert abs(tc - (8 * g[1] - g[8])) <= 1e-12
    assert abs(dtc - (8 * g[7] - 7 * g[8])) <= 1e-12


def test_exact_measures_with_huge_denominators():
    # least common denominator far beyond 2^62: the integer paths switch to Python ints
    from exactdlm.laws.joint import exact_array

    vals = [Fraction(1, 2**61 - 1), Fraction(1, 2**31 - 1), Fraction(1, 3), Fraction(2, 7), 0, Fraction(1, 5),
            Fraction(1, 11), Fraction(1, 13)]
    total = sum(vals)
    law = JointLaw(exact_array([v / total for v in vals], (2, 2, 2)))
    assert law.as_counts()[1] >= 2**62
    f = law.to_float()
    for fn in (subset_entropies, entropy_profile, info_curve):
        assert all(_close(a, b) for a, b in zip(fn(f), fn(law)))
    for fn in (total_correlation, dual_total_correlation, mi_sum, joint_entropy):
        assert _close(fn(f), fn(law))
    g = entropy_profile(law)
    assert total_correlation(law) == g[1] * 3 - g[3]
    assert dual_total_correlation(law) == g[2] * 3 - g[3] * 2
