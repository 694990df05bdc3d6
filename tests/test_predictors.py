"""Learned predictors: rows are distributions, exactness, conventions at zero contexts, the table
form, perturbations, the spec parser and bad input."""

from fractions import Fraction

import numpy as np
import pytest

from exactdlm.laws import families
from exactdlm.engine.lattice import Lattice, state_index
from exactdlm.laws import JointLaw
from exactdlm.laws.joint import exact_array
from exactdlm.engine.predictors import (
    ExactPredictor,
    LawPredictor,
    PerturbedPredictor,
    TablePredictor,
    as_predictor,
    mix_uniform,
    noisy,
    parse_predictor_spec,
    temperature,
)
from exactdlm.engine.sampler import sampler_law


def law(L=3, V=3, seed=1, support="any"):
    return families.random_rational(L, V, seed, max_denominator=7, support=support)


def contexts(L, V, j):
    """Every context (dict) not revealing j."""
    for d in np.ndindex(*(V + 1,) * L):
        if d[j] == V:
            yield {k: int(x) for k, x in enumerate(d) if x < V}


def all_rows(pred, L, V):
    for j in range(L):
        for ctx in contexts(L, V, j):
            yield j, ctx, pred.conditional(j, ctx)


@pytest.mark.parametrize(
    "make",
    [lambda p: None, lambda p: law(seed=9, support="full"), lambda p: temperature(Fraction(1, 3)),
     lambda p: mix_uniform(Fraction(1, 4)), lambda p: noisy(Fraction(1, 2), seed=3)],
    ids=["exact", "law", "temperature", "mix", "noisy"],
)
def test_rows_are_exact_distributions(make):
    p = law()
    pred = as_predictor(make(p), p)
    assert pred.exact
    for j, ctx, row in all_rows(pred, 3, 3):
        assert row.dtype == object and all(isinstance(x, Fraction) for x in row)
        assert all(x >= 0 for x in row) and sum(row) == 1


def test_exact_predictor_is_the_lattice_conditional():
    p = law()
    pred = as_predictor(None, p)
    lat = Lattice(p)
    for j, ctx, row in all_rows(pred, 3, 3):
        assert list(row) == list(lat.conditional(j, ctx))
        if lat.prob(ctx) == 0:
            assert all(x == Fraction(1, 3) for x in row)  # docs/theory.md §1 convention


def test_law_predictor_uses_its_own_conditionals():
    p = law(seed=1)
    hat = law(seed=2)
    pred = as_predictor(hat, p)
    assert isinstance(pred, LawPredictor)
    lat = Lattice(hat)
    for j, ctx, row in all_rows(pred, 3, 3):
        assert list(row) == list(lat.conditional(j, ctx))


def test_perturbations_by_hand():
    p = law()
    base = as_predictor(None, p)
    t1 = as_predictor(temperature(1), p)
    m0 = as_predictor(mix_uniform(0), p)
    t_half = as_predictor(temperature(Fraction(1, 2)), p)
    mix = as_predictor(mix_uniform(Fraction(1, 5)), p)
    for j, ctx, row in all_rows(base, 3, 3):
        assert list(t1.conditional(j, ctx)) == list(row)
        assert list(m0.conditional(j, ctx)) == list(row)
        sq = [x * x for x in row]
        assert list(t_half.conditional(j, ctx)) == [x / sum(sq) for x in sq]
        assert list(mix.conditional(j, ctx)) == [Fraction(4, 5) * x + Fraction(1, 15) for x in row]


def test_float_temperature_is_float_and_matches_power():
    p = law()
    pred = as_predictor(temperature(0.7), p)
    assert not pred.exact
    base = as_predictor(None, p)
    for j, ctx, row in all_rows(pred, 3, 3):
        b = np.array([float(x) for x in base.conditional(j, ctx)]) ** (1 / 0.7)
        np.testing.assert_allclose(row, b / b.sum(), rtol=1e-13)
    q = sampler_law(p, (1, 2), temperature(0.7))
    assert q.dtype == np.float64


def test_noisy_is_reproducible_and_seeded():
    p = law()
    a, b, c = (as_predictor(noisy(Fraction(1, 2), s), p) for s in (4, 4, 5))
    rows_a = [tuple(r) for _, _, r in all_rows(a, 3, 3)]
    assert rows_a == [tuple(r) for _, _, r in all_rows(b, 3, 3)]
    assert rows_a != [tuple(r) for _, _, r in all_rows(c, 3, 3)]
    # multiplicative noise keeps zeros of the base row
    base = as_predictor(None, p)
    for j, ctx, row in all_rows(a, 3, 3):
        assert [x == 0 for x in row] == [x == 0 for x in base.conditional(j, ctx)]


def test_table_predictor_equals_its_source():
    """A table tabulated from another law's conditionals gives the same sampler law."""
    p = law(L=3, V=2, seed=3)
    hat = law(L=3, V=2, seed=4, support="full")
    src = as_predictor(hat, p)
    table = np.empty((3**3, 3, 2), dtype=object)
    table[...] = Fraction(0)
    for j in range(3):
        for ctx in contexts(3, 2, j):
            table[state_index(3, 2, ctx), j] = src.conditional(j, ctx)
    pred = as_predictor(table, p)
    assert isinstance(pred, TablePredictor) and pred.exact
    for sizes in [(1, 1, 1), (2, 1), (1, 2), (3,)]:
        assert bool(np.all(sampler_law(p, sizes, pred) == sampler_law(p, sizes, hat)))
    fpred = as_predictor(np.array(table, dtype=float), p)
    np.testing.assert_allclose(sampler_law(p.float_array(), (2, 1), fpred), np.array(sampler_law(p, (2, 1), hat), float),
                               atol=1e-15)


def test_object_with_conditional_is_tabulated():
    p = law(L=3, V=2, seed=5)

    class Half:
        def conditional(self, j, revealed):
            return np.array([Fraction(1, 2), Fraction(1, 2)], dtype=object)

    pred = as_predictor(Half(), p)
    assert isinstance(pred, TablePredictor) and pred.exact
    q = sampler_law(p, (2, 1), Half())
    assert all(x == Fraction(1, 8) for x in q.reshape(-1))


def test_predictor_reuse_and_shape_checks():
    p = law()
    pred = as_predictor(mix_uniform(0.1), p)
    assert as_predictor(pred, p) is pred
    assert isinstance(pred, PerturbedPredictor) and isinstance(as_predictor(None, p), ExactPredictor)
    with pytest.raises(ValueError, match="built for L=3"):
        as_predictor(pred, law(L=2, V=3))


@pytest.mark.parametrize(
    "bad,match",
    [(np.full((2, 2), 0.25), "joint law of shape"), ("exact", "string"), (object(), "not usable"),
     (np.full((3, 3, 3), 1 / 27.0 + 0.01), "sums to")],
)
def test_as_predictor_bad(bad, match):
    with pytest.raises(ValueError, match=match):
        as_predictor(bad, law())


def test_table_validation():
    L, V = 2, 2
    table = np.full((9, 2, 2), 0.5)
    as_predictor(table, np.full((2, 2), 0.25))  # fine
    table[state_index(L, V, {0: 1}), 1] = [0.7, 0.7]  # position 1 masked in this state
    with pytest.raises(ValueError, match="not a distribution"):
        as_predictor(table, np.full((2, 2), 0.25))
    table = np.full((9, 2, 2), 0.5)
    table[state_index(L, V, {0: 1}), 0] = [9.0, 9.0]  # position 0 revealed: ignored
    as_predictor(table, np.full((2, 2), 0.25))
    table[state_index(L, V, {}), 0] = [-0.5, 1.5]  # all masked
    with pytest.raises(ValueError, match="not a distribution"):
        as_predictor(table, np.full((2, 2), 0.25))
    exact = np.empty((9, 2, 2), dtype=object)
    exact[...] = Fraction(1, 2)
    exact[state_index(L, V, {0: 0}), 1] = [Fraction(1, 3), Fraction(1, 3)]
    with pytest.raises(ValueError, match="not a distribution"):
        as_predictor(exact, exact_array([Fraction(1, 4)] * 4, (2, 2)))
    with pytest.raises(ValueError, match="shape"):
        TablePredictor(np.full((9, 2, 3), 0.5), 2, 2)


def test_object_predictor_bad_rows():
    class Bad:
        def conditional(self, j, revealed):
            return np.array([0.9, 0.9])

    with pytest.raises(ValueError, match="not a distribution"):
        as_predictor(Bad(), np.full((2, 2), 0.25))

    class Wrong:
        def conditional(self, j, revealed):
            return np.array([1.0])

    with pytest.raises(ValueError, match="shape"):
        as_predictor(Wrong(), np.full((2, 2), 0.25))


def test_perturbation_bad_parameters():
    with pytest.raises(ValueError, match="positive"):
        temperature(0)
    with pytest.raises(ValueError, match="number"):
        temperature(float("inf"))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        mix_uniform(1.5)
    with pytest.raises(ValueError, match=">= 0"):
        noisy(-0.1)
    with pytest.raises(ValueError, match="seed"):
        noisy(0.1, seed=-1)
    with pytest.raises(ValueError, match="seed"):
        noisy(0.1, seed=1.5)


def test_conditional_bad_context():
    pred = as_predictor(None, law())
    with pytest.raises(ValueError, match="already revealed"):
        pred.conditional(0, {0: 1})
    with pytest.raises(ValueError, match="position j"):
        pred.conditional(5, {})
    with pytest.raises(ValueError, match="values 0..2"):
        pred.conditional(0, {1: 7})


def test_parse_predictor_spec(tmp_path):
    p = law()
    assert parse_predictor_spec(None) is None and parse_predictor_spec("exact") is None
    assert parse_predictor_spec("temperature:0.5") == temperature(Fraction(1, 2))
    assert parse_predictor_spec("mix:1/4") == mix_uniform(Fraction(1, 4))
    assert parse_predictor_spec("noisy:0.3:7") == noisy(Fraction(3, 10), 7)
    path = tmp_path / "hat.json"
    law(seed=8).save(path)
    loaded = parse_predictor_spec(f"law:{path}")
    assert isinstance(loaded, JointLaw) and loaded == law(seed=8)
    for bad, match in [("wat:1", "unknown predictor"), ("temperature:x", "number"), ("noisy:0.1:x", "seed"),
                       ("law:", "file path"), ("mix:2", r"\[0, 1\]")]:
        with pytest.raises(ValueError, match=match):
            parse_predictor_spec(bad, p)
