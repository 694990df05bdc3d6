"""Value-adaptive rules and sample-then-select (exactdlm.adaptive): exact laws, (E5), twins."""

from __future__ import annotations

import functools
import math
from fractions import Fraction as F
from itertools import product

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.adaptive import select as adaptive_select
from exactdlm.adaptive import (
    RULES,
    Policy,
    adaptive_chain_rule,
    adaptive_kl,
    adaptive_law,
    compare_policies,
    sample_then_select_kl,
    sample_then_select_law,
)
from exactdlm.arith import LogForm
from exactdlm.laws import JointLaw
from exactdlm.laws.joint import exact_array
from exactdlm.engine.lattice import Lattice
from exactdlm.schedules import compositions

SIZED = RULES[:3]
TAUS = (F(1, 4), F(1, 2), F(3, 5), F(2, 3), F(1))


# ----------------------------------------------------------------------------------------
# laws
# ----------------------------------------------------------------------------------------
def rational_law(weights, V, L):
    w = [int(x) for x in weights]
    total = sum(w)
    return exact_array([F(x, total) for x in w], (V,) * L)


@st.composite
def exact_laws(draw, max_L=4, max_V=3, zeros=True):
    V = draw(st.integers(2, max_V))
    L = draw(st.integers(2, max_L))
    low = 0 if zeros else 1
    w = draw(st.lists(st.integers(low, 4), min_size=V**L, max_size=V**L))
    if sum(w) == 0:
        w[0] = 1
    return rational_law(w, V, L)


def product_law(*rows):
    """Independent positions with the given exact marginal rows."""
    L, V = len(rows), len(rows[0])
    vals = [math.prod((r[x] for r, x in zip(rows, xs)), start=F(1)) for xs in product(range(V), repeat=L)]
    return exact_array(vals, (V,) * L)


def to_float(a):
    return np.array([float(x) for x in a.reshape(-1)]).reshape(a.shape)


def assert_close(a, b, tol=1e-12):
    a, b = to_float(np.asarray(a, dtype=object)), to_float(np.asarray(b, dtype=object))
    assert np.max(np.abs(a - b)) <= tol


# ----------------------------------------------------------------------------------------
# independent twins: follow each sequence's path / every draw, straight from the array
# ----------------------------------------------------------------------------------------
def twin_cond(a, j, R):
    V, L = a.shape[0], a.ndim
    idx = tuple(R.get(i, slice(None)) for i in range(L))
    den = a[idx].sum() if len(R) < L else a[idx]
    if den == 0:
        return [F(1, V)] * V
    out = []
    for v in range(V):
        idx_v = tuple(v if i == j else R.get(i, slice(None)) for i in range(L))
        sub = a[idx_v]
        out.append((sub.sum() if isinstance(sub, np.ndarray) else sub) / den)
    return out


def twin_score(rule, row):
    if rule in ("confidence", "threshold"):
        return max(row)
    if rule == "margin":
        s = sorted(row, reverse=True)
        return s[0] - s[1]
    with mpmath.workdps(60):
        return sum(mpmath.mpf(x.numerator) / x.denominator * mpmath.log(mpmath.mpf(x.numerator) / x.denominator)
                   for x in row if x > 0)


def twin_order(masked, scores):
    """Largest score first, lowest index among ties (entropies tie within 1e-45)."""

    def cmp(i, j):
        d = scores[j] - scores[i]
        tie = abs(d) <= mpmath.mpf("1e-45") if isinstance(d, mpmath.mpf) else d == 0
        if tie:
            return i - j
        return 1 if d > 0 else -1

    return sorted(masked, key=functools.cmp_to_key(cmp))


def twin_rows(p, pred):
    """The predictor's rows as a function ``(j, R) -> row``: p's, another law's, or ``pred`` itself."""
    if callable(pred):
        return pred
    pa = p if pred is None else pred
    return lambda j, R: twin_cond(pa, j, R)


def twin_adaptive(p, rule, sizes=None, tau=None, pred=None):
    a, L, V = p, p.ndim, p.shape[0]
    row_of = twin_rows(p, pred)
    out = np.empty(a.shape, dtype=object)
    for x in product(range(V), repeat=L):
        R, prob, k = {}, F(1), 0
        while len(R) < L:
            masked = [j for j in range(L) if j not in R]
            rows = {j: row_of(j, R) for j in masked}
            scores = {j: twin_score(rule, rows[j]) for j in masked}
            order = twin_order(masked, scores)
            if rule == "threshold":
                S = [j for j in masked if scores[j] >= tau] or order[:1]
            else:
                S = order[: sizes[k]]
            for j in S:
                prob *= rows[j][x[j]]
            R.update({j: x[j] for j in S})
            k += 1
        out[x] = prob
    return out


def twin_select(p, sizes, pred=None):
    L, V = p.ndim, p.shape[0]
    row_of = twin_rows(p, pred)
    out = np.empty(p.shape, dtype=object)
    out[...] = F(0)

    def rec(R, prob, k):
        if k == len(sizes):
            out[tuple(R[j] for j in range(L))] += prob
            return
        masked = [j for j in range(L) if j not in R]
        rows = {j: row_of(j, R) for j in masked}
        for y in product(range(V), repeat=len(masked)):
            pr = math.prod((rows[j][v] for j, v in zip(masked, y)), start=F(1))
            if pr == 0:
                continue
            drawn = dict(zip(masked, y))
            kept = twin_order(masked, {j: rows[j][drawn[j]] for j in masked})[: sizes[k]]
            rec({**R, **{j: drawn[j] for j in kept}}, prob * pr, k + 1)

    rec({}, F(1), 0)
    return out


# ----------------------------------------------------------------------------------------
# (E5) and exactness
# ----------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(data=st.data(), rule=st.sampled_from(SIZED))
def test_e5_chain_rule_exact_sized_rules(data, rule):
    p = data.draw(exact_laws())
    L = p.ndim
    sizes = data.draw(st.sampled_from(list(compositions(L))))
    lhs = adaptive_kl(p, rule, sizes)
    rhs = adaptive_chain_rule(p, rule, sizes)
    assert isinstance(lhs, LogForm) and isinstance(rhs, LogForm)
    assert lhs == rhs


@settings(max_examples=20, deadline=None)
@given(p=exact_laws(), tau=st.sampled_from(TAUS))
def test_e5_chain_rule_exact_threshold(p, tau):
    assert adaptive_kl(p, "threshold", tau=tau) == adaptive_chain_rule(p, "threshold", tau=tau)


def test_e5_is_not_trivial_and_rules_differ():
    """A law where the three sized rules give three different laws and nonzero KLs
    (0.0881, 0.0931, 0.0715), each equal to its own chain rule."""
    p = rational_law([1, 5, 3, 0, 1, 4, 3, 2, 1, 0, 4, 4, 3, 6, 6, 1, 4, 4, 1, 2, 3, 5, 2, 5, 4, 1, 2], 3, 3)
    kls = {}
    for rule in SIZED:
        kls[rule] = adaptive_kl(p, rule, (1, 2))
        assert kls[rule] == adaptive_chain_rule(p, rule, (1, 2))
        assert float(kls[rule]) > 0.05
    assert kls["entropy"] < kls["confidence"] < kls["margin"]
    laws = [adaptive_law(p, rule, (1, 2)) for rule in SIZED]
    assert not any(np.array_equal(laws[i], laws[j]) for i, j in ((0, 1), (0, 2), (1, 2)))


@settings(max_examples=15, deadline=None)
@given(data=st.data(), rule=st.sampled_from(RULES))
def test_law_sums_to_one_exactly_and_matches_twin(data, rule):
    p = data.draw(exact_laws(max_L=3))
    L = p.ndim
    if rule == "threshold":
        kw = {"tau": data.draw(st.sampled_from(TAUS))}
    else:
        kw = {"sizes": data.draw(st.sampled_from(list(compositions(L))))}
    q = adaptive_law(p, rule, **kw)
    assert q.dtype == object and all(isinstance(x, F) for x in q.reshape(-1))
    assert sum(q.reshape(-1)) == 1
    assert np.array_equal(q, twin_adaptive(p, rule, **kw))


@settings(max_examples=10, deadline=None)
@given(data=st.data(), rule=st.sampled_from(SIZED))
def test_learned_predictor_law_matches_twin_and_kl_splits(data, rule):
    """With a learned predictor (another law's conditionals): the twin, and the chain rule of
    KL along the decision tree: KL(p||q̂) = (E5 right side) + E_p sum_k sum_{j in S_k} KL(p_j || p̂_j)."""
    p = data.draw(exact_laws(max_L=3))
    L, V = p.ndim, p.shape[0]
    w = data.draw(st.lists(st.integers(1, 4), min_size=V**L, max_size=V**L))
    pred = rational_law(w, V, L)
    sizes = data.draw(st.sampled_from(list(compositions(L))))
    q = adaptive_law(p, rule, sizes, predictor=pred)
    assert np.array_equal(q, twin_adaptive(p, rule, sizes, pred=pred))
    learn = LogForm()
    lat_p, lat_h = Lattice(p), Lattice(pred)
    policy = Policy(JointLaw(p), rule, sizes, predictor=pred)
    stack = [(V,) * L]
    while stack:
        state = stack.pop()
        R = {j: d for j, d in enumerate(state) if d < V}
        mass = lat_p.prob(R)
        if mass == 0 or len(R) == L:
            continue
        S, _ = policy.block(state)
        for j in S:
            pj, hj = lat_p.conditional(j, R), lat_h.conditional(j, R)
            for v in range(V):
                if pj[v] > 0:
                    learn = learn + LogForm.log(pj[v] / hj[v], mass * pj[v])
        for vals in product(range(V), repeat=len(S)):
            child = list(state)
            for j, v in zip(S, vals):
                child[j] = v
            stack.append(tuple(child))
    assert adaptive_kl(p, rule, sizes, predictor=pred) == adaptive_chain_rule(p, rule, sizes, predictor=pred) + learn


@settings(max_examples=10, deadline=None)
@given(p=exact_laws(), rule=st.sampled_from(SIZED))
def test_unit_steps_reproduce_p_exactly(p, rule):
    L = p.ndim
    assert np.array_equal(adaptive_law(p, rule, (1,) * L), p)
    assert adaptive_kl(p, rule, (1,) * L) == 0


@settings(max_examples=10, deadline=None)
@given(p=exact_laws())
def test_threshold_one_reveals_only_determined_tokens_and_reproduces_p(p):
    """tau = 1 reveals together only tokens that are certain given x_R (plus one), so q = p."""
    assert np.array_equal(adaptive_law(p, "threshold", tau=1), p)


@settings(max_examples=10, deadline=None)
@given(p=exact_laws(max_V=2), data=st.data())
def test_binary_rules_coincide(p, data):
    """For V = 2 margin = 2 conf - 1 and entropy decreases in conf: all three rules agree."""
    sizes = data.draw(st.sampled_from(list(compositions(p.ndim))))
    laws = [adaptive_law(p, rule, sizes) for rule in SIZED]
    assert np.array_equal(laws[0], laws[1]) and np.array_equal(laws[0], laws[2])


def test_one_step_is_product_of_marginals():
    p = rational_law([3, 1, 0, 2, 2, 1, 4, 1], 2, 3)
    lat = Lattice(p)
    marg = [lat.conditional(j, {}) for j in range(3)]
    prod = np.empty(p.shape, dtype=object)
    for x in product(range(2), repeat=3):
        prod[x] = marg[0][x[0]] * marg[1][x[1]] * marg[2][x[2]]
    for rule in SIZED:
        assert np.array_equal(adaptive_law(p, rule, (3,)), prod)
    assert np.array_equal(sample_then_select_law(p, (3,)), prod)


# ----------------------------------------------------------------------------------------
# float mode
# ----------------------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(data=st.data(), rule=st.sampled_from(RULES))
def test_float_matches_exact(data, rule):
    """Float runs agree with exact ones to 1e-12, ties included (small integer weights tie often)."""
    p = data.draw(exact_laws())
    L = p.ndim
    if rule == "threshold":
        kw = {"tau": data.draw(st.sampled_from(TAUS))}
    else:
        kw = {"sizes": data.draw(st.sampled_from(list(compositions(L))))}
    pf = to_float(p)
    qf = adaptive_law(pf, rule, **kw)
    assert qf.dtype == np.float64
    assert_close(qf, adaptive_law(p, rule, **kw))
    kf, ke = adaptive_kl(pf, rule, **kw), adaptive_kl(p, rule, **kw)
    assert isinstance(kf, float) and abs(kf - float(ke)) <= 1e-12
    cf = adaptive_chain_rule(pf, rule, **kw)
    assert abs(cf - float(adaptive_chain_rule(p, rule, **kw))) <= 1e-12
    assert abs(cf - kf) <= 1e-12


def test_float_threshold_reads_tau_as_decimal():
    """tau = 0.6 as a float means 3/5 exactly: a confidence of exactly 3/5 passes in both modes."""
    p = product_law([F(3, 5), F(2, 5)], [F(3, 5), F(2, 5)])
    policy = Policy(JointLaw(p), "threshold", tau=0.6)
    assert policy.block((2, 2))[0] == [0, 1]
    policy_f = Policy(JointLaw(to_float(p)), "threshold", tau=0.6)
    assert policy_f.block((2, 2))[0] == [0, 1]
    for tau in (np.float64(0.6), np.float32(0.6), "3/5", F(3, 5)):
        assert Policy(JointLaw(p), "threshold", tau=tau).block((2, 2))[0] == [0, 1]
    assert Policy(JointLaw(p), "threshold", tau=np.float64(0.61)).block((2, 2))[0] == [0]


# ----------------------------------------------------------------------------------------
# scores and ties
# ----------------------------------------------------------------------------------------
A, B, C = [F(1, 2), F(1, 2), F(0)], [F(2, 5), F(3, 10), F(3, 10)], [F(3, 5), F(1, 5), F(1, 5)]


@pytest.mark.parametrize(
    "rows, expected",
    [
        ((A, B), {"confidence": [0], "margin": [1], "entropy": [0]}),
        ((C, A), {"confidence": [0], "margin": [0], "entropy": [1]}),
        ((B, C, A), {"confidence": [1], "margin": [1], "entropy": [2]}),
    ],
)
def test_rules_pick_by_their_scores(rows, expected):
    p = product_law(*rows)
    root = (3,) * len(rows)
    sizes = (1, len(rows) - 1)
    for exact in (True, False):
        law = JointLaw(p if exact else to_float(p))
        for rule, block in expected.items():
            assert Policy(law, rule, sizes).block(root)[0] == block


def test_ties_go_to_lowest_index():
    U = [F(1, 3)] * 3
    p = product_law(U, [F(1, 4), F(1, 2), F(1, 4)], [F(1, 2), F(1, 4), F(1, 4)], [F(1, 4), F(1, 4), F(1, 2)])
    for exact in (True, False):
        law = JointLaw(p if exact else to_float(p))
        for rule in SIZED:  # positions 1, 2, 3 tie under every rule; 0 is worst
            assert Policy(law, rule, (1, 3)).block((3,) * 4)[0] == [1]
            assert Policy(law, rule, (2, 2)).block((3,) * 4)[0] == [1, 2]
        assert Policy(law, "threshold", tau=F(9, 10)).block((3,) * 4)[0] == [1]
        assert Policy(law, "threshold", tau=F(1, 2)).block((3,) * 4)[0] == [1, 2, 3]


def test_exact_entropy_tie_between_different_rows():
    """(1/2, 1/8, 1/8, 1/8, 1/8) and (1/4, 1/4, 1/4, 1/4, 0) both have entropy 2 log 2,
    written over different logs: the tie must be found exactly and go to the lower index."""
    a = [F(1, 2)] + [F(1, 8)] * 4
    b = [F(1, 4)] * 4 + [F(0)]
    c = [F(1, 5)] * 5
    for rows, first in (((c, b, a), 1), ((c, a, b), 1), ((a, b, c), 0), ((b, a, c), 0)):
        p = product_law(*rows)
        assert Policy(JointLaw(p), "entropy", (1, 2)).block((5, 5, 5))[0] == [first]
        assert Policy(JointLaw(to_float(p)), "entropy", (1, 2)).block((5, 5, 5))[0] == [first]


def test_object_predictor_equals_law_predictor():
    p = rational_law(list(range(1, 10)), 3, 2)
    pred = rational_law([2, 1, 1, 3, 1, 2, 1, 1, 4], 3, 2)

    class Obj:
        def __init__(self, law):
            self.lat = Lattice(law)

        def conditional(self, j, revealed):
            return self.lat.conditional(j, revealed)

    for rule in SIZED:
        assert np.array_equal(adaptive_law(p, rule, (1, 1), predictor=Obj(pred)),
                              adaptive_law(p, rule, (1, 1), predictor=pred))
    assert np.array_equal(sample_then_select_law(p, (1, 1), predictor=Obj(pred)),
                          sample_then_select_law(p, (1, 1), predictor=JointLaw(pred)))


# ----------------------------------------------------------------------------------------
# sample-then-select
# ----------------------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_select_matches_twin_and_sums_to_one(data):
    p = data.draw(exact_laws(max_L=3))
    sizes = data.draw(st.sampled_from(list(compositions(p.ndim))))
    q = sample_then_select_law(p, sizes)
    assert sum(q.reshape(-1)) == 1
    assert np.array_equal(q, twin_select(p, sizes))
    assert_close(sample_then_select_law(to_float(p), sizes), q)
    assert abs(sample_then_select_kl(to_float(p), sizes) - float(sample_then_select_kl(p, sizes))) <= 1e-12


def test_select_with_learned_predictor_matches_twin():
    p = rational_law([3, 1, 0, 2, 2, 1, 4, 1], 2, 3)
    pred = rational_law([1, 2, 3, 1, 1, 1, 2, 2], 2, 3)
    for sizes in ((1, 1, 1), (2, 1), (1, 2)):
        assert np.array_equal(sample_then_select_law(p, sizes, predictor=pred), twin_select(p, sizes, pred=pred))


def test_select_unit_steps_do_not_reproduce_even_independent_p():
    """Two iid Bernoulli(7/10) bits: the kept token is biased to its mode.
    q(1,1) = 7/10 * 7/10 (position 0 keeps a 1, position 1 fresh)
           + 3/10 * 7/10 * 7/10 (position 1 keeps a 1 over a drawn 0, position 0 redrawn) = 637/1000."""
    p = product_law([F(3, 10), F(7, 10)], [F(3, 10), F(7, 10)])
    q = sample_then_select_law(p, (1, 1))
    assert q[1, 1] == F(637, 1000) and p[1, 1] == F(49, 100)
    kl = sample_then_select_kl(p, (1, 1))
    assert kl != 0 and float(kl) > 0.05
    assert adaptive_kl(p, "confidence", (1, 1)) == 0


@settings(max_examples=10, deadline=None)
@given(p=exact_laws(max_L=3, zeros=False))
def test_e5_fails_for_select(p):
    """With unit steps every block is a single token, so the right side of (E5) is 0 for any
    policy; sample-then-select's KL is not 0 unless p is special (checked on the exhibit below)."""
    L = p.ndim
    assert adaptive_chain_rule(p, "confidence", (1,) * L) == 0
    q = sample_then_select_law(p, (1,) * L)
    assert (sample_then_select_kl(p, (1,) * L) == 0) == np.array_equal(q, p)


def test_e5_fails_for_select_exhibit():
    p = rational_law([4, 1, 1, 2], 2, 2)
    kl = sample_then_select_kl(p, (1, 1))
    assert adaptive_chain_rule(p, "confidence", (1, 1)) == 0
    assert kl != 0 and float(kl.interval(64).a) > 0


def test_compare_policies_reports_every_rule_and_select():
    p = rational_law([1, 5, 3, 0, 1, 4, 3, 2, 1, 0, 4, 4, 3, 6, 6, 1, 4, 4, 1, 2, 3, 5, 2, 5, 4, 1, 2], 3, 3)
    out = compare_policies(p, (1, 2), tau=F(1, 2))
    assert set(out) == {"confidence", "margin", "entropy", "threshold", "select"}
    for rule in SIZED:
        assert out[rule] == adaptive_kl(p, rule, (1, 2))
    assert out["threshold"] == adaptive_kl(p, "threshold", tau=F(1, 2))
    assert out["select"] == sample_then_select_kl(p, (1, 2))


# ----------------------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------------------
P = rational_law([1, 2, 3, 4], 2, 2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"rule": "greedy", "sizes": (1, 1)}, "unknown rule"),
        ({"rule": "threshold", "tau": 0}, r"tau must lie in \(0, 1\]"),
        ({"rule": "threshold", "tau": 1.5}, r"tau must lie in \(0, 1\]"),
        ({"rule": "threshold", "tau": -0.2}, r"tau must lie in \(0, 1\]"),
        ({"rule": "threshold", "tau": "high"}, "tau must be a number"),
        ({"rule": "threshold", "tau": True}, "tau must be a number"),
        ({"rule": "threshold"}, "needs tau"),
        ({"rule": "threshold", "tau": 0.5, "sizes": (1, 1)}, "picks its own block sizes"),
        ({"rule": "confidence", "sizes": (1, 1), "tau": 0.5}, "tau applies only"),
        ({"rule": "margin"}, "needs sizes"),
        ({"rule": "entropy", "sizes": (1, 2)}, "sum to 3, not L=2"),
        ({"rule": "entropy", "sizes": (2, 0)}, "positive"),
        ({"rule": "confidence", "sizes": (1, 1), "predictor": np.full((2, 2, 2), 1 / 8)}, "shape"),
        ({"rule": "confidence", "sizes": (1, 1), "predictor": "exact"}, "predictor"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        adaptive_law(P, **kwargs)


class _BadPredictor:
    def __init__(self, row):
        self.row = row

    def conditional(self, j, revealed):
        return np.array(self.row)


@pytest.mark.parametrize(
    "row, match",
    [([0.5, 0.25, 0.25], "has shape"), ([0.7, 0.7], "not a distribution"), ([1.5, -0.5], "not a distribution")],
)
def test_bad_predictor_rows(row, match):
    with pytest.raises(ValueError, match=match):
        adaptive_law(P, "confidence", (1, 1), predictor=_BadPredictor(row))
    with pytest.raises(ValueError, match=match):
        sample_then_select_law(P, (1, 1), predictor=_BadPredictor(row))


def test_select_refuses_large_enumeration_with_estimate():
    p = np.full((2,) * 12, 1 / 4096)
    with pytest.raises(ValueError, match=r"enumerates about 16,773,120 draws, over the cap"):
        sample_then_select_law(p, (1,) * 12)
    with pytest.raises(ValueError, match="sum to"):
        sample_then_select_law(P, (1,))


def test_select_cap_is_the_module_constant(monkeypatch):
    monkeypatch.setattr(adaptive_select, "SELECT_DRAW_CAP", 10)
    with pytest.raises(ValueError, match="enumerates about 12 draws"):
        sample_then_select_law(P, (1, 1))
    assert sum(sample_then_select_law(P, (2,)).reshape(-1)) == 1


def test_select_lands_far_from_context_rules_on_noisy_repetition():
    """Noisy repeated bit (L=5, eta=1/10), unit steps: every context rule is exact (KL 0),
    sample-then-select keeps the most probable drawn tokens: KL above 1 nat (1.049)."""
    from exactdlm.laws import families

    p = np.asarray(families.noisy_repetition(5, F(1, 10)))
    out = compare_policies(p, (1,) * 5, tau=F(9, 10))
    for rule in RULES:
        assert out[rule] == 0
    assert float(out["select"]) > 1


def test_exact_law_with_float_predictor_runs_in_float():
    p = rational_law([3, 1, 0, 2, 2, 1, 4, 1], 2, 3)
    pred = rational_law([1, 2, 3, 1, 1, 1, 2, 2], 2, 3)
    for rule in SIZED:
        qf = adaptive_law(p, rule, (1, 2), predictor=to_float(pred))
        assert qf.dtype == np.float64
        assert_close(qf, adaptive_law(p, rule, (1, 2), predictor=pred))
        kf = adaptive_kl(p, rule, (1, 2), predictor=to_float(pred))
        assert isinstance(kf, float) and abs(kf - float(adaptive_kl(p, rule, (1, 2), predictor=pred))) <= 1e-12
    qs = sample_then_select_law(to_float(p), (1, 2), predictor=pred)
    assert qs.dtype == np.float64
    assert_close(qs, sample_then_select_law(p, (1, 2), predictor=pred))


# ----------------------------------------------------------------------------------------
# the sampler's predictor objects (exactdlm.engine.predictors)
# ----------------------------------------------------------------------------------------
def test_predictor_objects_from_the_sampler_module():
    """ExactPredictor = None; mix_uniform against a twin of its rows; a conditional table of
    the same rows gives the same law; the KL split holds; a predictor for another shape is refused."""
    from exactdlm.engine.predictors import as_predictor, mix_uniform, temperature

    p = rational_law([5, 1, 0, 2, 3, 3, 1, 0, 4], 3, 2)
    lam = F(1, 4)

    def mixed(j, R):
        return [(1 - lam) * x + lam / 3 for x in twin_cond(p, j, R)]

    for rule in SIZED:
        for sizes in ((1, 1), (2,)):
            assert np.array_equal(adaptive_law(p, rule, sizes, predictor=as_predictor(None, p)), adaptive_law(p, rule, sizes))
            q = adaptive_law(p, rule, sizes, predictor=mix_uniform(lam))
            assert q.dtype == object and np.array_equal(q, twin_adaptive(p, rule, sizes, pred=mixed))
            assert np.array_equal(sample_then_select_law(p, sizes, predictor=mix_uniform(lam)),
                                  twin_select(p, sizes, pred=mixed))
    q = adaptive_law(p, "threshold", tau=F(1, 2), predictor=temperature(F(1, 2)))
    assert q.dtype == object and sum(q.reshape(-1)) == 1
    table = np.empty((16, 2, 3), dtype=object)
    table[...] = F(1, 3)
    for idx in range(16):
        digits = (idx // 4, idx % 4)
        R = {i: d for i, d in enumerate(digits) if d < 3}
        for j in range(2):
            if j not in R:
                table[idx, j] = mixed(j, R)
    assert np.array_equal(adaptive_law(p, "entropy", (1, 1), predictor=table),
                          adaptive_law(p, "entropy", (1, 1), predictor=mix_uniform(lam)))
    with pytest.raises(ValueError, match="built for L=2, V=3"):
        adaptive_law(rational_law(range(1, 9), 2, 3), "confidence", (1, 1, 1), predictor=as_predictor(None, p))
