"""The shipped hypothesis strategies: validity, shrinking toward simple cases, bad input,
and the user's property test of the module docstring (run as written there)."""

from fractions import Fraction
from math import lcm

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import exactdlm as ed
from exactdlm import strategies as eds
from exactdlm.laws import JointLaw
from exactdlm.schedules import validate_sizes

FIND = settings(database=None, max_examples=400)


def _entries(law):
    return list(law.array.reshape(-1))


# --- the documented example --------------------------------------------------------------
def test_docstring_example_runs_as_written():
    """Extract the example from the module docstring, execute it and run its test."""
    doc = eds.__doc__
    block = doc.split("certified comparisons of exact log-forms::", 1)[1].split("(``tests/", 1)[0]
    code = "\n".join(line[4:] if line.startswith("    ") else line for line in block.splitlines())
    assert "def test_ekl_at_most_tc" in code
    namespace = {}
    exec(compile(code, "<strategies docstring>", "exec"), namespace)
    namespace["test_ekl_at_most_tc"]()  # hypothesis runs its examples; an assertion would fail here


# --- exact laws ----------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(eds.laws(L=(1, 4), V=(2, 3), support="full", max_denominator=5))
def test_laws_full_support_exact_and_normalized(law):
    assert isinstance(law, JointLaw) and law.exact
    assert 1 <= law.L <= 4 and 2 <= law.V <= 3
    vals = _entries(law)
    assert sum(vals) == 1 and all(isinstance(x, Fraction) and x > 0 for x in vals)
    # entries are w / sum(w) with integer w in 1..5: the ratio of any two is at most 5
    assert max(vals) <= 5 * min(vals)
    assert lcm(*(x.denominator for x in vals)) <= 5 * law.V**law.L


@settings(max_examples=40, deadline=None)
@given(eds.laws(L=3, V=2, support="any", max_denominator=3))
def test_laws_any_support(law):
    assert law.L == 3 and law.V == 2 and law.exact
    vals = _entries(law)
    assert sum(vals) == 1 and all(x >= 0 for x in vals) and any(x > 0 for x in vals)


def test_laws_any_support_draws_zeros():
    law = find(eds.laws(L=2, V=2, support="any"), lambda law: 0 < law.support_size < 4, settings=FIND)
    assert law.support_size == 1  # shrinks to a point mass


def test_laws_shrink_to_small_L_V_and_denominators():
    law = find(eds.laws(L=(1, 4), V=(2, 3)), lambda law: float(ed.total_correlation(law)) > 0.01, settings=FIND)
    assert (law.L, law.V) == (2, 2)  # L = 1 has no correlation; nothing smaller works
    # weights shrink toward 1: all but one weight is 1
    vals = sorted(_entries(law))
    assert vals[0] == vals[1] == vals[2] and vals[3] > vals[0]


@settings(max_examples=5, deadline=None)
@given(eds.laws(L=5, V=3, max_cells=27))
def test_laws_respect_max_cells(law):
    assert (law.L, law.V) == (3, 3)


def test_exact_from_weights():
    law = eds.exact_from_weights([1, 0, 0, 3], 2, 2)
    assert _entries(law) == [Fraction(1, 4), 0, 0, Fraction(3, 4)]
    assert _entries(eds.exact_from_weights([0, 0], 1, 2)) == [1, 0]
    with pytest.raises(ValueError, match="V\\*\\*L"):
        eds.exact_from_weights([1, 2, 3], 2, 2)
    with pytest.raises(ValueError, match="non-negative"):
        eds.exact_from_weights([1, -1], 1, 2)


# --- float laws ----------------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(eds.float_laws(L=(1, 3), V=(2, 3)))
def test_float_laws(law):
    a = law.array
    assert not law.exact and a.dtype == np.float64
    assert abs(a.sum() - 1) <= 1e-12 and np.all(a > 0)


@settings(max_examples=20, deadline=None)
@given(eds.float_laws(L=2, V=2, support="any"))
def test_float_laws_any_support(law):
    assert np.all(law.array >= 0) and abs(law.array.sum() - 1) <= 1e-12


# --- structured laws -------------------------------------------------------------------------
@pytest.mark.parametrize("name", eds.STRUCTURED_FAMILIES)
def test_structured_family_draws(name):
    seen = []

    @settings(max_examples=8, deadline=None, database=None)
    @given(eds.structured_laws(families=(name,), L=(2, 3), V=(2, 3)))
    def run(law):
        assert 2 <= law.L <= 3
        vals = law.float_array().reshape(-1)
        assert abs(vals.sum() - 1) <= 1e-12 and np.all(vals >= 0)
        assert law.exact == (name != "ising")
        seen.append(law)

    run()
    assert seen
    law = seen[0]
    if name == "repeated_symbol":
        assert law.support_size == law.V
    if name == "parity":
        assert law.support_size == law.V ** (law.L - 1)
    if name in ("noisy_repetition", "ising"):
        assert law.V == 2
    if name == "mds_code":
        assert law.V in (2, 3, 5, 7) and law.V >= law.L


def test_structured_shrinks_to_small_laws():
    law = find(eds.structured_laws(), lambda law: float(ed.total_correlation(law)) > 0, settings=FIND)
    assert (law.L, law.V) == (2, 2) and law.exact


# --- schedules -------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(eds.schedules((1, 7)))
def test_schedules_are_compositions(sizes):
    assert validate_sizes(sizes, sum(sizes)) == sizes


def test_schedules_reach_every_composition():
    from exactdlm.schedules import compositions

    seen = set()

    @settings(max_examples=300, deadline=None, database=None)
    @given(eds.schedules(4))
    def run(sizes):
        seen.add(sizes)

    run()
    assert seen == set(compositions(4))


def test_schedules_shrink_to_one_step():
    assert find(eds.schedules(5), lambda s: True, settings=FIND) == (5,)
    assert len(find(eds.schedules(5), lambda s: len(s) >= 2, settings=FIND)) == 2


def test_sizes_from_cuts():
    assert eds.sizes_from_cuts([]) == (1,)
    assert eds.sizes_from_cuts([True, False, True]) == (1, 2, 1)


@settings(max_examples=30, deadline=None)
@given(eds.laws_and_schedules(L=(1, 4), V=2, schedule="compositions"))
def test_pairs_match(pair):
    law, sizes = pair
    assert sum(sizes) == law.L


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 7).flatmap(lambda L: st.tuples(st.just(L), eds.named_schedules(L))))
def test_named_schedules(pair):
    L, sizes = pair
    assert validate_sizes(sizes, L) == sizes


def test_named_schedules_reach_every_rule():
    from exactdlm import schedules as sch

    seen = set()

    @settings(max_examples=200, deadline=None, database=None)
    @given(st.data())
    def run(data):
        rule = data.draw(st.sampled_from(eds.NAMED_RULES))
        sizes = data.draw(eds.named_schedules(6, rules=(rule,)))
        # the drawn sizes are exactly what the rule gives for some parameter
        params = range(1, 7) if rule not in ("geometric_dtc", "geometric_tc", "two_sided") else [
            Fraction(a, b) for b in range(2, 9) for a in range(1, b + 1)]
        assert sizes in {tuple(getattr(sch, rule)(6, x)) for x in params}
        seen.add(rule)

    run()
    assert seen == set(eds.NAMED_RULES)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4).flatmap(lambda L: st.tuples(eds.laws(L=L, V=2), eds.random_size_schedules(L))))
def test_random_size_schedules_give_exact_laws(pair):
    from exactdlm.engine.sampler import sampler_law

    law, sched = pair
    assert sched.L == law.L
    q = sampler_law(law, sched)
    assert sum(q.reshape(-1)) == 1  # exact: rational weights and rates


RATIONAL_PREDICTORS = ("exact", "law", "mix_uniform")


@settings(max_examples=20, deadline=None)
@given(eds.laws(L=(1, 3), V=2).flatmap(lambda law: st.tuples(st.just(law), eds.schedules(law.L),
                                                              eds.predictors(law, kinds=RATIONAL_PREDICTORS))))
def test_rational_predictors_learning_error_is_nonnegative(triple):
    """(E6): EKL with a learned predictor = EKL + E_learn, E_learn >= 0 -- certified on exact laws."""
    from exactdlm.engine.sampler import expected_kl

    law, sizes, pred = triple
    assert expected_kl(law, sizes, pred) >= expected_kl(law, sizes)


@settings(max_examples=20, deadline=None)
@given(eds.float_laws(L=(1, 3), V=2).flatmap(lambda law: st.tuples(st.just(law), eds.schedules(law.L),
                                                                    eds.predictors(law))))
def test_predictors_on_float_laws(triple):
    from exactdlm.engine.sampler import expected_kl

    law, sizes, pred = triple
    assert float(expected_kl(law, sizes, pred)) >= float(expected_kl(law, sizes)) - 1e-12


@settings(max_examples=10, deadline=None)
@given(eds.adaptive_policies(3))
def test_adaptive_policies(policy):
    assert policy.rule in ("confidence", "margin", "entropy", "threshold")
    if policy.rule == "threshold":
        assert policy.sizes is None and 0 < policy.tau <= 1
    else:
        assert sum(policy.sizes) == 3
    law = eds.exact_from_weights([1, 2, 3, 4, 5, 6, 7, 8], 3, 2)
    q = policy.law(law)
    assert sum(q.reshape(-1)) == 1


# --- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: eds.laws(L=(3, 1)), "L range"),
        (lambda: eds.laws(L=0), "L range"),
        (lambda: eds.laws(V=1), "V range"),
        (lambda: eds.laws(L="3"), "L must be"),
        (lambda: eds.laws(L=True), "L must be"),
        (lambda: eds.laws(support="most"), "support must be"),
        (lambda: eds.laws(max_denominator=0), "max_denominator"),
        (lambda: eds.laws(max_cells=1), "max_cells"),
        (lambda: eds.float_laws(eps=0), "eps"),
        (lambda: eds.structured_laws(families=("iid", "nope")), "unknown families"),
        (lambda: eds.schedules(0), "L must be"),
        (lambda: eds.named_schedules(3, rules=("fast",)), "unknown schedule rules"),
        (lambda: eds.named_schedules(0), "positive int"),
        (lambda: eds.random_size_schedules(-1), "positive int"),
        (lambda: eds.adaptive_policies(3, rules=("greedy",)), "unknown adaptive rules"),
        (lambda: eds.predictors(eds.exact_from_weights([1, 1], 1, 2), kinds=("oracle",)), "unknown predictor"),
        (lambda: eds.laws_and_schedules(schedule="cosine"), "schedule must be"),
        (lambda: eds.laws_and_schedules(law_strategy=[1]), "law_strategy"),
    ],
)
def test_bad_input(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@settings(max_examples=5, deadline=None)
@given(eds.laws(L=st.just(3), V=st.sampled_from([3])))
def test_strategy_arguments_accept_strategies(law):
    assert (law.L, law.V) == (3, 3)
