"""Counterexample search internals: objective, cases, shrinking steps, minimality, refute()
on claims defined in the test (in-process), determinism, budgets."""

import time
from fractions import Fraction

import numpy as np
import pytest

import exactdlm as ed
from exactdlm.arith import compare_sides
from exactdlm.laws import JointLaw
from exactdlm.search import refute, report_json
from exactdlm.search.cases import GRID_CASES, case_stage, make_case, run_case
from exactdlm.search.shrink import (
    _candidates,
    common_denominator,
    complexity,
    delete_symbol,
    drop_outcome,
    drop_position,
    merge_steps,
    merge_symbol,
    round_to_denominator,
    shrink,
)
from exactdlm.search.space import GRID, grid_law, objective, schedules_for, seeded_rng
from exactdlm.strategies import exact_from_weights


class Claim:
    """A duck-typed claim: id, kind, sides(law, sizes)."""

    def __init__(self, cid, fn, kind="le"):
        self.id, self.sides, self.kind = cid, fn, kind


def _false_09(law, sizes):
    """EKL <= 0.9 (s_max - 1)/L sum_i I(X_i; X_-i): false (SH-1 is tight on repeated symbols)."""
    return ed.expected_kl(law, sizes), ed.mi_sum(law) * Fraction(9, 10) * Fraction(max(sizes) - 1, law.L)


FALSE_09 = Claim("ekl-0.9-smax", _false_09)
EKL_TC = Claim("ekl-tc", lambda law, sizes: (ed.expected_kl(law, sizes), ed.total_correlation(law)))
E3 = Claim("E3-eq", lambda law, sizes: (ed.expected_kl(law, sizes), _e3(law, sizes)), kind="eq")


def _e3(law, sizes):
    Ibar = ed.info_curve(law)
    t, total = 0, ed.total_correlation(law)
    for s in sizes:
        total = total - Ibar[t] * s
        t += s
    return total


def _violated(claim, law, sizes):
    lhs, rhs = claim.sides(law, sizes)
    c = compare_sides(lhs, rhs, claim.kind)
    return c.outcome == "violated" and c.certified


# --- objective and cases -------------------------------------------------------------------
@pytest.mark.parametrize(
    "lhs, rhs, kind, positive",
    [(2.0, 1.0, "le", True), (1.0, 2.0, "le", False), (1.0, 1.0, "le", False), (0.1, 0.0, "le", True),
     (-0.1, 0.0, "le", False), (1.0, 2.0, "ge", True), (2.0, 1.0, "ge", False), (1.0, 1.5, "eq", True),
     (1.0, 1.0, "eq", False), (0.5, -1.0, "le", True)],
)
def test_objective_sign(lhs, rhs, kind, positive):
    assert (objective(lhs, rhs, kind) > 0) == positive


def test_case_stages_cycle_and_cover_grid():
    stages = [case_stage(i)[0] for i in range(8)]
    assert stages == ["grid", "random", "local", "hypothesis"] * 2
    grid_subs = [case_stage(i)[1] for i in range(4 * GRID_CASES) if case_stage(i)[0] == "grid"]
    assert grid_subs == list(range(GRID_CASES))
    assert case_stage(4 * GRID_CASES)[0] == "random"
    assert GRID_CASES * 2 >= len(GRID)


def test_grid_laws_are_exact():
    for spec in GRID[::7]:
        law = grid_law(spec)
        assert law.exact and sum(law.array.reshape(-1)) == 1


def test_schedules_for():
    assert len(schedules_for(4)) == 8
    big = schedules_for(7, seeded_rng(1))
    assert (7,) in big and (1,) * 7 in big and len(set(big)) == len(big)
    assert all(sum(s) == 7 for s in big)


@pytest.mark.parametrize("index", range(4))
def test_case_is_deterministic(index):
    a = run_case(EKL_TC, make_case(EKL_TC.id, index, 3))
    b = run_case(EKL_TC, make_case(EKL_TC.id, index, 3))
    a.pop("seconds"), b.pop("seconds")
    assert a == b and a["examples"] > 0 and a["violation"] is None and a["error"] is None


def test_case_records_claim_errors():
    def boom(law, sizes):
        raise RuntimeError("no such law")

    rec = run_case(Claim("boom", boom), make_case("boom", 1, 0))
    assert rec["error"] == "RuntimeError: no such law" and rec["violation"] is None


def test_case_rejects_wrong_shape():
    with pytest.raises(ValueError, match="must return a pair"):
        run_case(Claim("shape", lambda law, sizes: 1.0), make_case("shape", 1, 0))


# --- reduction steps -----------------------------------------------------------------------
LAW = exact_from_weights(list(range(1, 28)), 3, 3)  # full support, L = 3, V = 3


def test_drop_position_is_the_marginal():
    law, sizes = drop_position(LAW, (2, 1), 1, 0)
    assert sizes == (1, 1) and law.L == 2
    assert np.all(law.array == LAW.marginal([0, 2]))
    assert drop_position(LAW, (1, 2), 0, 0)[1] == (2,)


def test_merge_and_delete_symbol():
    m = merge_symbol(LAW, 2, 0)
    assert m.V == 2 and sum(m.array.reshape(-1)) == 1
    # P(all three are 0 after merging 2 into 0) = P(each of x_0..x_2 in {0, 2})
    expect = sum(LAW.array[i, j, k] for i in (0, 2) for j in (0, 2) for k in (0, 2))
    assert m.array[0, 0, 0] == expect
    d = delete_symbol(LAW, 1)
    sub = LAW.array[np.ix_([0, 2], [0, 2], [0, 2])]
    assert d.V == 2 and d.array[1, 0, 1] == sub[1, 0, 1] / sub.sum()
    point = exact_from_weights([0, 0, 0, 1], 2, 2)
    assert delete_symbol(point, 1) is None


def test_drop_outcome_and_round():
    law = drop_outcome(LAW, 0)
    assert law.array[0, 0, 0] == 0 and law.support_size == 26 and sum(law.array.reshape(-1)) == 1
    r = round_to_denominator(LAW, 10)
    vals = r.array.reshape(-1)
    assert sum(vals) == 1 and all((10 * x).denominator == 1 for x in vals)
    assert common_denominator(r) <= 10 < common_denominator(LAW)
    # rounding never adds support
    sparse = exact_from_weights([5, 0, 0, 3], 2, 2)
    assert round_to_denominator(sparse, 3).array[0, 1] == 0


def test_merge_steps():
    assert merge_steps((1, 2, 3), 1) == (1, 5)


def test_every_candidate_is_strictly_simpler():
    sizes = (1, 2)
    before = complexity(LAW, sizes)
    n = 0
    for _name, make in _candidates(LAW, sizes):
        out = make()
        if out is None or out[0] is None:
            continue
        n += 1
        assert complexity(*out) < before
    assert n > 50


# --- shrinking -------------------------------------------------------------------------------
def _start_violation():
    """A deliberately big violation of FALSE_09: L = 4, V = 3, full support, sizes (3, 1)."""
    rng = np.random.default_rng(5)
    for _ in range(200):
        w = rng.integers(1, 4, size=81)
        w[[0, 40, 80]] += 2000  # near a repeated symbol
        law = exact_from_weights(w, 4, 3)
        if _violated(FALSE_09, law, (3, 1)):
            return law, (3, 1)
    raise AssertionError("no starting violation")


def test_shrink_gives_a_minimal_certified_violation():
    law, sizes = _start_violation()
    small, ssizes, log = shrink(FALSE_09, law, sizes)
    assert _violated(FALSE_09, small, ssizes)
    assert complexity(small, ssizes) < complexity(law, sizes) and log
    # minimality, checked independently of the screen: every single step, decided exactly
    for _name, make in _candidates(small, ssizes):
        out = make()
        if out is None or out[0] is None:
            continue
        assert not _violated(FALSE_09, *out)
    # the smallest violation there is: the repeated bit, one step of size 2
    assert (small.L, small.V, ssizes) == (2, 2, (2,))
    assert list(small.array.reshape(-1)) == [Fraction(1, 2), 0, 0, Fraction(1, 2)]


def test_shrink_needs_a_violation():
    with pytest.raises(ValueError, match="certified violation"):
        shrink(EKL_TC, LAW, (1, 2))


# --- refute (in-process) --------------------------------------------------------------------
def test_refute_finds_and_shrinks_reproducibly():
    t0 = time.monotonic()
    a = refute([FALSE_09], seed=7, time_budget=60)
    b = refute([FALSE_09], seed=7, time_budget=60)
    assert time.monotonic() - t0 < 60
    ra, rb = a[0], b[0]
    assert ra.found and rb.found
    assert ra.counterexample["law"] == rb.counterexample["law"]
    assert ra.counterexample["sizes"] == rb.counterexample["sizes"] == [2]
    assert ra.examples_tried == rb.examples_tried >= 1
    cert = ra.counterexample
    assert cert["certified"] and cert["outcome"] == "violated" and cert["kind"] == "le"
    law = JointLaw.from_json(cert["law"])
    assert _violated(FALSE_09, law, tuple(cert["sizes"]))
    assert cert["lhs"] == "log(2)" and cert["rhs"] == "9/10*log(2)"
    lo, hi = (float(x) for x in cert["lhs_interval"].strip("[]").split(","))
    assert lo <= np.log(2) <= hi
    out = report_json(a)["claims"][0]
    assert set(out) >= {"id", "found", "examples_tried", "seconds", "counterexample"}
    assert set(out["counterexample"]) >= {"law", "sizes", "lhs", "rhs", "snippet"}


def test_refute_finds_nothing_for_true_claims():
    res = refute([EKL_TC, E3], seed=1, max_cases=12, time_budget=None)
    for r in res:
        assert not r.found and r.counterexample is None and r.error is None
        assert r.cases == 12 and r.examples_tried > 100
    assert res[0].worst_ratio is not None and abs(res[0].worst_ratio - 1.0) < 1e-9  # one step: EKL = TC
    assert res[1].worst_ratio is not None and res[1].worst_ratio < 1e-12  # eq: max |lhs - rhs|


def test_refute_reports_a_raising_claim():
    def boom(law, sizes):
        raise ZeroDivisionError("oops")

    (r,) = refute([Claim("boom", boom)], seed=0, max_cases=3, time_budget=None)
    assert not r.found and r.error == "ZeroDivisionError: oops" and r.cases == 1


def test_refute_not_searchable():
    class Exists:
        id = "exists-claim"
        sides = None

    (r,) = refute([Exists()], seed=0, max_cases=3, time_budget=None)
    assert not r.found and r.examples_tried == 0 and "not searchable" in r.note


@pytest.mark.parametrize(
    "kwargs, match",
    [({"time_budget": 0}, "time budget"), ({"time_budget": -1.0}, "time budget"),
     ({"time_budget": float("nan")}, "time budget"), ({"time_budget": None, "max_cases": 0}, "case budget"),
     ({"time_budget": None, "max_cases": None}, "time budget"), ({"seed": -1}, "seed"),
     ({"jobs": 0}, "--jobs")],
)
def test_refute_bad_budgets(kwargs, match):
    with pytest.raises(ValueError, match=match):
        refute([EKL_TC], **kwargs)


def test_refute_duplicate_ids():
    with pytest.raises(ValueError, match="distinct"):
        refute([EKL_TC, EKL_TC], max_cases=1, time_budget=None)


# --- property runs (exactdlm verify --hypothesis N) ------------------------------------------
def test_run_hypothesis_verdicts():
    from exactdlm.search import run_hypothesis

    def boom(law, sizes):
        raise KeyError("k")

    class Exists:
        id = "exists"
        sides = None

    out = {e["id"]: e for e in run_hypothesis([FALSE_09, EKL_TC, E3, Claim("boom", boom), Exists()], 25, seed=2)}
    f = out[FALSE_09.id]
    assert f["verdict"] == "violated" and f["certified"]
    ce = f["counterexample"]
    assert _violated(FALSE_09, JointLaw.from_json(ce["law"]), tuple(ce["sizes"]))
    for cid in (EKL_TC.id, E3.id):
        assert out[cid]["verdict"] == "holds" and out[cid]["certified"] and out[cid]["examples"] == 25
    assert out[EKL_TC.id]["worst_ratio"] <= 1.0 + 1e-12 and out[EKL_TC.id]["min_slack"] >= -1e-12
    assert out["boom"]["verdict"] == "error" and "KeyError" in out["boom"]["error"]
    assert out["exists"]["verdict"] == "not-applicable" and out["exists"]["reason"]
    again = {e["id"]: e for e in run_hypothesis([FALSE_09], 25, seed=2)}
    assert again[FALSE_09.id]["counterexample"] == ce  # reproducible from the seed


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_run_hypothesis_bad_n(n):
    from exactdlm.search import run_hypothesis

    with pytest.raises(ValueError, match="positive number of examples"):
        run_hypothesis([EKL_TC], n)


def test_check_claim_public_helper():
    from exactdlm.search import check_claim

    law = exact_from_weights([1, 0, 0, 1], 2, 2)
    (v,) = check_claim(FALSE_09, law, (2,))
    assert v.outcome == "violated" and v.certified and v.sizes == (2,)
    (v,) = check_claim(EKL_TC, law, (1, 1))
    assert v.outcome == "holds" and v.certified


def test_a_violation_past_unfinished_cases_is_still_reported():
    from exactdlm.search.refute import _result_from_records

    hit = run_case(FALSE_09, make_case(FALSE_09.id, 0, 7))  # the grid finds the repeated bit at once
    assert hit["violation"] is not None
    hit = dict(hit, index=5)
    res = _result_from_records(FALSE_09, {5: hit}, 0.0, (), do_shrink=False)
    assert res.found and "resume" in res.note
    assert _violated(FALSE_09, JointLaw.from_json(res.counterexample["law"]), tuple(res.counterexample["sizes"]))


def test_format_hypothesis_table():
    from exactdlm.search import format_hypothesis, run_hypothesis

    text = format_hypothesis(run_hypothesis([FALSE_09, EKL_TC], 10, seed=1))
    lines = text.splitlines()
    assert lines[1].split()[:3] == ["claim", "examples", "verdict"]
    first = lines[2].split()
    assert first[0] == FALSE_09.id and first[2] == "violated" and int(first[1]) >= 1
    assert lines[3].split()[:3] == [EKL_TC.id, "10", "holds"]
    assert lines[-1].startswith(f"counterexample to {FALSE_09.id}: L=")
