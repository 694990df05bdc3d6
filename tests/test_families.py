"""Named laws: closed forms of docs/theory.md §6, brute-force definitions, exactness rules, parameter errors, make()."""

import math
from fractions import Fraction
from itertools import product
from math import comb

import numpy as np
import pytest

from exactdlm.laws import families
from exactdlm.arith import LogForm
from exactdlm.laws import JointLaw
from exactdlm.engine.info import dual_total_correlation, entropy_profile, info_curve, total_correlation
from exactdlm.engine.sampler import expected_kl
from exactdlm.schedules import compositions


def _log(r, c=1):
    return LogForm.log(Fraction(r), c)


def _all_schedules(L):
    return list(compositions(L))


# --- closed forms (docs/theory.md §6), decided exactly --------------------------------------------


@pytest.mark.parametrize("L, V", [(1, 2), (2, 3), (3, 2), (4, 2), (3, 4), (5, 2)])
def test_repeated_symbol_closed_form(L, V):
    law = families.repeated_symbol(L, V)
    assert law.exact and law.support_size == V
    Ibar = info_curve(law)
    assert Ibar[0] == 0 and all(Ibar[t] == _log(V) for t in range(1, L))
    assert total_correlation(law) == _log(V, L - 1)
    assert dual_total_correlation(law) == (_log(V) if L > 1 else 0)
    for sizes in _all_schedules(L):
        assert expected_kl(law, sizes) == _log(V, sizes[0] - 1)


@pytest.mark.parametrize("L, V", [(2, 2), (3, 2), (4, 2), (5, 2), (3, 3), (4, 3)])
def test_parity_closed_form(L, V):
    law = families.parity(L, V)
    assert law.support_size == V ** (L - 1)
    Ibar = info_curve(law)
    assert all(Ibar[t] == 0 for t in range(L - 1)) and Ibar[L - 1] == _log(V)
    assert total_correlation(law) == _log(V)
    assert dual_total_correlation(law) == _log(V, L - 1)
    for sizes in _all_schedules(L):
        assert expected_kl(law, sizes) == (_log(V) if sizes[-1] >= 2 else 0)


@pytest.mark.parametrize("L, k, q", [(3, 1, 3), (3, 2, 3), (4, 2, 5), (4, 3, 5), (5, 2, 5), (2, 2, 2)])
def test_mds_code_closed_form(L, k, q):
    law = families.mds_code(L, k, q)
    assert law.V == q and law.support_size == q**k
    Ibar = info_curve(law)
    assert all(Ibar[t] == (_log(q) if t >= k else 0) for t in range(L))
    assert total_correlation(law) == _log(q, L - k)
    # docs/theory.md §6 states DTC = k log q; that needs k < L (k = L is the uniform law: DTC = 0)
    assert dual_total_correlation(law) == (_log(q, k) if k < L else 0)
    for sizes in _all_schedules(L):
        t_prev, want = 0, 0
        for s in sizes:
            if t_prev < k < t_prev + s:
                want = t_prev + s - k
            t_prev += s
        assert expected_kl(law, sizes) == _log(q, want)


def test_mds_code_is_a_linear_code():
    law = families.mds_code(4, 2, 5)
    words = {x for x in np.ndindex(law.array.shape) if law.array[x] != 0}
    # closed under addition mod q, and any k positions determine the word
    assert all(tuple((a + b) % 5 for a, b in zip(u, w)) in words for u in words for w in words)
    assert len({(w[1], w[3]) for w in words}) == 25


@pytest.mark.parametrize("L, marginal", [(3, ["1/3", "2/3"]), (4, ["1/2", "1/4", "1/4"]), (2, [0, 1, 0])])
def test_independent_closed_form(L, marginal):
    law = families.iid(L, marginal)
    m = [Fraction(x) for x in marginal]
    for x in np.ndindex(law.array.shape):
        assert law.array[x] == math.prod(m[v] for v in x)
    assert all(v == 0 for v in info_curve(law))
    assert all(expected_kl(law, s) == 0 for s in _all_schedules(L))


def _noisy_curve(L, eta):
    def h(t):
        form = LogForm()
        for w in range(t + 1):
            pi = Fraction(1, 2) * (eta**w * (1 - eta) ** (t - w) + eta ** (t - w) * (1 - eta) ** w)
            if pi > 0:
                form = form + LogForm.log(pi, -comb(t, w) * pi)
        return form

    return [_log(2) + h(t) - h(t + 1) for t in range(L)]


@pytest.mark.parametrize("L, eta", [(2, Fraction(1, 10)), (4, Fraction(1, 10)), (5, Fraction(1, 3)), (3, Fraction(0)),
                                    (4, Fraction(1, 2)), (3, Fraction(1))])
def test_noisy_repetition_closed_form(L, eta):
    law = families.noisy_repetition(L, eta)
    assert law.exact and law.V == 2
    Ibar = info_curve(law)
    want = _noisy_curve(L, eta)
    # Ī(0) = log 2 + h_0 - h_1 = 0 since h_1 = log 2
    assert Ibar[0] == 0 and want[0] == 0
    assert all(a == b for a, b in zip(Ibar, want))


def test_noisy_repetition_mixture_gap_of_theory():
    # docs/theory.md §2: L=5, eta=0.1, schedule (1,4): EKL 0.2900
    assert abs(float(expected_kl(families.noisy_repetition(5, "1/10"), (1, 4))) - 0.2900) < 5e-5


# --- definitions by brute force -----------------------------------------------------------


def test_markov_chain_by_definition_and_stationary_law():
    P = [["1/2", "1/2"], ["1/3", "2/3"]]
    law = families.markov_chain(4, P)
    pi = [Fraction(2, 5), Fraction(3, 5)]  # pi P = pi
    Pf = [[Fraction(x) for x in r] for r in P]
    for x in np.ndindex(law.array.shape):
        want = pi[x[0]] * math.prod(Pf[a][b] for a, b in zip(x, x[1:]))
        assert law.array[x] == want
    # stationarity: every one-site marginal is pi
    for i in range(4):
        assert list(law.marginal([i])) == pi
    # periodic but irreducible: unique stationary law (1/2, 1/2)
    flip = families.markov_chain(3, [[0, 1], [1, 0]])
    assert flip.array[0, 1, 0] == Fraction(1, 2) and flip.support_size == 2
    # given initial law
    law0 = families.markov_chain(2, P, initial=[1, 0])
    assert law0.array[0, 1] == Fraction(1, 2) and law0.array[1, 1] == 0


def test_markov_chain_float_matches_exact():
    P = [["9/10", "1/10", 0], ["1/5", "3/5", "1/5"], [0, "1/2", "1/2"]]
    e = families.markov_chain(3, P)
    f = families.markov_chain(3, [[float(Fraction(x)) for x in r] for r in P])
    assert e.exact and not f.exact
    assert np.allclose(f.array, e.float_array(), rtol=0, atol=1e-14)


def test_hmm_by_definition():
    T = [["4/5", "1/5"], ["3/10", "7/10"]]
    E = [["1/2", "1/2", 0], ["1/10", "3/10", "3/5"]]
    L = 3
    law = families.hmm(L, T, E, initial=["1/4", "3/4"])
    Tf = [[Fraction(x) for x in r] for r in T]
    Ef = [[Fraction(x) for x in r] for r in E]
    init = [Fraction(1, 4), Fraction(3, 4)]
    assert law.V == 3 and law.exact
    for x in np.ndindex(law.array.shape):
        total = Fraction(0)
        for h in product(range(2), repeat=L):
            w = init[h[0]] * Ef[h[0]][x[0]]
            for i in range(1, L):
                w *= Tf[h[i - 1]][h[i]] * Ef[h[i]][x[i]]
            total += w
        assert law.array[x] == total
    # identity emissions give the hidden chain itself
    assert families.hmm(4, T, [[1, 0], [0, 1]]) == families.markov_chain(4, T)


def test_ising_by_definition():
    L, J, h = 4, 0.7, -0.3
    edges = [(0, 1), (1, 2), (2, 3), (0, 3)]
    law = families.ising(L, J, h, edges=edges)
    w = {}
    for x in product(range(2), repeat=L):
        s = [2 * v - 1 for v in x]
        w[x] = math.exp(J * sum(s[i] * s[j] for i, j in edges) + h * sum(s))
    Z = sum(w.values())
    assert not law.exact
    assert all(abs(law.array[x] - w[x] / Z) < 1e-15 for x in w)
    chain = families.ising(3, 1.0, 0.0)  # default edges: the chain
    assert abs(chain.array[0, 0, 0] / chain.array[0, 1, 0] - math.exp(4)) < 1e-9
    assert families.ising(3, "1/2", 0).exact is False


def test_mixture_exact_and_float():
    a, b = families.parity(3), families.repeated_symbol(3, 2)
    m = families.mixture([a, b], ["1/4", "3/4"])
    assert m.exact and m.array[0, 0, 0] == Fraction(1, 4) * Fraction(1, 4) + Fraction(3, 4) * Fraction(1, 2)
    mf = families.mixture([a, b.to_float()], [0.25, 0.75])
    assert not mf.exact and np.allclose(mf.array, m.float_array(), rtol=0, atol=1e-15)


def test_from_counts():
    law = families.from_counts([[1, 2], [3, 4]])
    assert law.exact and law.array[1, 0] == Fraction(3, 10)
    assert families.from_counts(np.array([[0, 0], [0, 5]])).array[1, 1] == 1


# --- random laws ---------------------------------------------------------------------------


def test_dirichlet_is_seeded_and_rounds_exactly():
    a, b = families.dirichlet(3, 2, 0.5, seed=3), families.dirichlet(3, 2, 0.5, seed=3)
    assert a == b and not a.exact
    assert not np.array_equal(a.array, families.dirichlet(3, 2, 0.5, seed=4).array)
    e = families.dirichlet(3, 2, 0.5, seed=3, exact=True, max_denominator=1000)
    assert e.exact and sum(e.array.reshape(-1)) == 1
    assert np.allclose(e.float_array(), a.array, atol=5e-3)
    vec = families.dirichlet(2, 2, [1, 2, 3, 4], seed=0)
    assert vec.array.shape == (2, 2)


def test_random_rational_is_seeded_with_small_weights():
    a = families.random_rational(3, 3, seed=9)
    assert a == families.random_rational(3, 3, seed=9) and a.exact
    assert a != families.random_rational(3, 3, seed=10)
    assert a.support_size == 27
    # p = w / W with integer weights 1..12
    dens = {x.denominator for x in a.array.reshape(-1)}
    total = math.lcm(*dens)
    weights = [x * total for x in a.array.reshape(-1)]
    g = math.gcd(*[int(w) for w in weights])
    assert max(int(w) // g for w in weights) <= 12
    sparse = families.random_rational(4, 2, seed=1, support="any")
    assert 0 < sparse.support_size < 16
    one = families.random_rational(2, 2, seed=0, max_denominator=1)
    assert all(x == Fraction(1, 4) for x in one.array.reshape(-1))


# --- exactness rules -----------------------------------------------------------------------


def test_exactness_follows_the_parameters():
    assert families.noisy_repetition(3, Fraction(1, 10)).exact
    assert families.noisy_repetition(3, "1/10").exact
    assert families.noisy_repetition(3, 0).exact
    f = families.noisy_repetition(3, 0.1)
    assert not f.exact
    assert not families.noisy_repetition(3, "0.1").exact
    assert np.allclose(f.array, families.noisy_repetition(3, "1/10").float_array(), rtol=0, atol=1e-16)
    assert not families.iid(2, [0.5, 0.5]).exact
    # mixed rational transition and float initial law: float
    assert not families.markov_chain(2, [[1, 0], [0, 1]], initial=[0.5, 0.5]).exact


# --- parameter errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: families.iid(0, ["1/2", "1/2"]), "L .* must be >= 1"),
        (lambda: families.iid(2.5, ["1/2", "1/2"]), "L .* must be an integer"),
        (lambda: families.iid(2, ["1/2", "1/3"]), "sums to 5/6, not 1"),
        (lambda: families.iid(2, [0.5, 0.6]), "not 1"),
        (lambda: families.iid(2, ["3/2", "-1/2"]), "negative"),
        (lambda: families.iid(2, [1]), "V >= 2"),
        (lambda: families.iid(2, ["x", "y"]), "must be a number"),
        (lambda: families.iid(2, [float("nan"), 1.0]), "finite"),
        (lambda: families.markov_chain(2, [["1/2", "1/2"]]), "square"),
        (lambda: families.markov_chain(2, [["1/2", "1/4"], ["1/2", "1/2"]]), "row 0 of transition sums to 3/4"),
        (lambda: families.markov_chain(2, [[1, 0], [0, 1]]), "no unique stationary law"),
        (lambda: families.markov_chain(2, [[1.0, 0.0], [0.0, 1.0]]), "no unique stationary law"),
        (lambda: families.markov_chain(2, [[1, 0], [0, 1]], initial=[1]), "initial must have 2 entries"),
        (lambda: families.markov_chain(2, "[[1, 0], [0"), "cannot parse the JSON"),
        (lambda: families.hmm(2, [[1]], [[1, 0], [0, 1]]), "emission must have 1 rows"),
        (lambda: families.hmm(2, [[1]], [[1]]), "V >= 2 columns"),
        (lambda: families.repeated_symbol(3, 1), "V .* must be >= 2"),
        (lambda: families.parity(1), "parity needs L >= 2"),
        (lambda: families.noisy_repetition(3, "3/2"), r"eta must lie in \[0, 1\]"),
        (lambda: families.noisy_repetition(3, -0.1), r"eta must lie in \[0, 1\]"),
        (lambda: families.mds_code(3, 2, 4), "q must be prime"),
        (lambda: families.mds_code(4, 2, 3), "q must be >= L"),
        (lambda: families.mds_code(3, 0, 3), "k must lie in 1..L=3"),
        (lambda: families.mds_code(3, 4, 5), "k must lie in 1..L=3"),
        (lambda: families.ising(3, 1.0, 0.0, edges=[(0, 3)]), "distinct positions in 0..2"),
        (lambda: families.ising(3, 1.0, 0.0, edges=[(1, 1)]), "distinct positions"),
        (lambda: families.ising(3, 1.0, 0.0, edges=[5]), "pairs of positions"),
        (lambda: families.ising(3, float("inf"), 0.0), "J must be finite"),
        (lambda: families.mixture([], []), "at least one law"),
        (lambda: families.mixture([families.parity(3)], ["1/2"]), "weights sums to 1/2"),
        (lambda: families.mixture([families.parity(3), families.parity(2)], ["1/2", "1/2"]), "share one shape"),
        (lambda: families.dirichlet(2, 2, 0, seed=0), "alpha must be positive"),
        (lambda: families.dirichlet(2, 2, [1, 2], seed=0), "V\\^L = 4 entries"),
        (lambda: families.dirichlet(2, 2, 1.0, seed=-1), "seed must be a non-negative integer"),
        (lambda: families.dirichlet(2, 2, 1.0, seed=1.5), "seed must be a non-negative integer"),
        (lambda: families.from_counts([[1, -1], [0, 0]]), "non-negative integers"),
        (lambda: families.from_counts([[0.5, 1], [0, 0]]), "non-negative integers"),
        (lambda: families.from_counts([[0, 0], [0, 0]]), "sum to 0"),
        (lambda: families.random_rational(2, 2, 0, support="some"), "support must be 'full' or 'any'"),
        (lambda: families.random_rational(2, 2, 0, max_denominator=0), "max_denominator must be >= 1"),
    ],
)
def test_bad_parameters(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_oversized_family_is_refused(monkeypatch):
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "10000")
    with pytest.raises(ValueError, match=r"5\^5 outcomes.*over the memory cap"):
        families.random_rational(5, 5, seed=0)
    # a family with a symmetry is not refused: it becomes the structured law
    assert not isinstance(families.mds_code(5, 2, 5), JointLaw)


# --- make() and the registry ---------------------------------------------------------------


def test_registry_lists_every_family():
    assert set(families.FAMILIES) == {
        "iid", "markov_chain", "hmm", "repeated_symbol", "parity", "noisy_repetition", "mds_code",
        "ising", "mixture", "dirichlet", "from_counts", "random_rational",
    }


def test_make_parses_string_parameters():
    assert families.make("parity", L="4") == families.parity(4)
    assert families.make("noisy_repetition", L="3", eta="1/10") == families.noisy_repetition(3, Fraction(1, 10))
    assert not families.make("noisy_repetition", L="3", eta="0.1").exact
    mc = families.make("markov_chain", L="3", transition='[["1/2", "1/2"], [0, 1]]', initial="[1, 0]")
    assert mc == families.markov_chain(3, [["1/2", "1/2"], [0, 1]], initial=[1, 0])
    assert families.make("markov_chain", L="2", transition='[[0, 1], [1, 0]]', initial="none").support_size == 2
    d = families.make("dirichlet", L="2", V="2", alpha="0.5", seed="3", exact="true", max_denominator="50")
    assert d == families.dirichlet(2, 2, 0.5, 3, exact=True, max_denominator=50)
    r = families.make("random_rational", L="2", V="3", seed="1", support="any")
    assert r == families.random_rational(2, 3, 1, support="any")
    ising = families.make("ising", L="3", J="0.5", h="0", edges="[[0, 2]]")
    assert ising == families.ising(3, 0.5, 0.0, edges=[(0, 2)])
    mix = families.make(
        "mixture",
        laws='[{"family": "parity", "L": 3}, {"family": "repeated_symbol", "L": 3, "V": 2}]',
        weights='["1/2", "1/2"]',
    )
    assert mix == families.mixture([families.parity(3), families.repeated_symbol(3, 2)], ["1/2", "1/2"])
    assert families.make("from_counts", counts="[[1, 1], [1, 1]]").array[0, 0] == Fraction(1, 4)
    # values may also be passed already parsed
    assert families.make("repeated_symbol", L=3, V=3) == families.repeated_symbol(3, 3)


@pytest.mark.parametrize(
    "name, params, match",
    [
        ("nope", {}, "unknown family 'nope'; choose one of"),
        ("parity", {"L": "3", "W": "2"}, "takes no parameter W; its parameters are L, V"),
        ("mds_code", {"L": "3"}, "needs parameter\\(s\\) k, q"),
        ("mixture", {"laws": "[1, 2]", "weights": "[1, 0]"}, "mixture needs laws="),
        ("parity", {"L": "[1"}, "cannot parse the JSON"),
        ("noisy_repetition", {"L": "3", "eta": "1/0"}, "cannot parse"),
        ("noisy_repetition", {"L": "3", "eta": "abc"}, "eta .* must be a number"),
    ],
)
def test_make_errors(name, params, match):
    with pytest.raises(ValueError, match=match):
        families.make(name, **params)


def test_profile_of_every_registered_family_is_finite():
    laws = [
        families.make("iid", L="3", marginal='["1/4", "3/4"]'),
        families.make("hmm", L="3", transition="[[1, 0], [0, 1]]", emission='[["1/2", "1/2"], [0, 1]]',
                      initial='["1/2", "1/2"]'),
        families.make("ising", L="3", J="1", h="0.2"),
        families.make("dirichlet", L="3", V="2", alpha="1", seed="0"),
    ]
    for law in laws:
        g = entropy_profile(law)
        assert all(math.isfinite(float(x)) for x in g)


# --- lengths the lattice cannot hold: the families return the structured law -----------------
def test_long_families_return_structured_laws_with_the_closed_forms():
    import math

    import exactdlm as ed
    from exactdlm import structured

    L = 4096
    par = families.parity(L)
    assert isinstance(par, structured.StructuredLaw)
    assert float(ed.total_correlation(par)) == pytest.approx(math.log(2), rel=1e-12)
    assert float(ed.dual_total_correlation(par)) == pytest.approx((L - 1) * math.log(2), rel=1e-10)
    rep = families.repeated_symbol(L, 3)
    sizes = ed.schedules.balanced(L, 64)  # first block 64: EKL = (s_1 - 1) log V (docs/theory.md §6)
    assert float(ed.expected_kl(rep, sizes)) == pytest.approx(63 * math.log(3), rel=1e-10)
    mds = families.mds_code(L, 100, 4099)
    assert float(ed.total_correlation(mds)) == pytest.approx((L - 100) * math.log(4099), rel=1e-10)
    chain = families.markov_chain(L, [["9/10", "1/10"], ["1/5", "4/5"]])
    assert isinstance(chain, structured.MarkovChain)
    assert isinstance(families.noisy_repetition(L, "1/10"), structured.StructuredLaw)
    # below the cap the same call still gives the dense law
    assert isinstance(families.markov_chain(6, [["9/10", "1/10"], ["1/5", "4/5"]]), JointLaw)


def test_long_family_equals_the_dense_one_where_both_exist(monkeypatch):
    import exactdlm as ed

    dense = families.markov_chain(8, [["9/10", "1/10"], ["1/5", "4/5"]])
    all_sizes = [(1,) * 8, (3, 5), (2, 2, 4), (8,)]
    want = [float(ed.expected_kl(dense, sizes)) for sizes in all_sizes]
    want_opt, want_mi = ed.optimal_schedule(dense, 3)[0], float(ed.mi_sum(dense))
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", "1000")  # force the structured path at L = 8
    long = families.markov_chain(8, [["9/10", "1/10"], ["1/5", "4/5"]])
    assert not isinstance(long, JointLaw)
    for sizes, w in zip(all_sizes, want):
        assert float(ed.expected_kl(long, sizes)) == pytest.approx(w, abs=1e-12)
    assert ed.optimal_schedule(long, 3)[0] == want_opt
    assert float(ed.mi_sum(long)) == pytest.approx(want_mi, abs=1e-12)
