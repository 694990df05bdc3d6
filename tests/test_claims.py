"""The claims catalogue: ids, records, rules, the runner's verdicts, and every claim on the quick suite."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactdlm.laws import families
from exactdlm import schedules
from exactdlm.claims import (
    PROVENANCE_KINDS,
    QUANTIFIERS,
    Check,
    Claim,
    ClaimError,
    Provenance,
    catalogue,
    catalogue_ids,
    get,
)
from exactdlm.schedules import theorem_rules as rules
from exactdlm.claims import runner
from exactdlm.arith import compare_sides
from exactdlm.arith import LogForm
from exactdlm.engine.sampler import expected_kl
from exactdlm.suites import Suite, SuiteCase, all_compositions, get_suite

THEORY_IDS = ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "SAR", "SAR-TC", "LC-T1", "LC-C1", "LC-T2", "LC-tight", "SH-1", "CCL-1.9",
              "G-DTC", "G-TC", "G-MIN", "WC", "IMP", "ZC-TC", "ZC-DTC", "LZ-sqrt", "MIX"]
#: the 2026 statements (issue 21), after the others in catalogue order
IDS_2026 = ["DHW-Deff", "DHW-sup", "PB-1", "PB-T", "PB-mono", "FD-T1", "FD-T1-tight", "FENG-TER", "FENG-SER",
            "DEMASK-sub", "LC-T2-r1", "LC-T2-r2", "LC-T2-r3"]
#: the 2026 samplers' guarantees (issue 21), after those
IDS_SAMPLERS_2026 = ["EB-step", "EB-KL", "CL-step", "CL-KL", "CL-iter"]


# ----------------------------------------------------------------------------------------
# the catalogue's records
# ----------------------------------------------------------------------------------------
def test_catalogue_has_exactly_the_theory_ids_in_order():
    assert [c.id for c in catalogue()] == THEORY_IDS + IDS_2026 + IDS_SAMPLERS_2026
    assert sorted(catalogue_ids()) == sorted(THEORY_IDS + IDS_2026 + IDS_SAMPLERS_2026)


@pytest.mark.parametrize("cid", IDS_2026)
def test_2026_claims_record_provenance_with_arxiv_ids(cid):
    c = get(cid)
    assert c.statement.strip() and c.formula.strip() and c.hypotheses.strip() and c.quantifier in QUANTIFIERS
    assert c.source in ("DHW", "PB", "FD", "FENG", "DEMASK", "LC")
    assert c.provenance.kind in ("secondary", "derived") and "arXiv" in c.provenance.paper


@pytest.mark.parametrize("cid", THEORY_IDS + IDS_SAMPLERS_2026)
def test_every_claim_records_statement_provenance_hypotheses_quantifier(cid):
    c = get(cid)
    assert c.statement.strip() and c.formula.strip() and c.hypotheses.strip()
    assert c.provenance.kind in PROVENANCE_KINDS and c.provenance.paper
    assert c.quantifier in QUANTIFIERS
    assert c.source in ("LC", "ZC", "CCL", "LZ", "WLL", "derived")
    js = c.to_json()
    assert js["id"] == cid and js["provenance"]["kind"] == c.provenance.kind


def test_secondary_and_existence_claims_are_labelled():
    assert get("LC-T1").provenance.kind == "secondary"
    assert get("CCL-1.9").provenance.kind == "secondary"
    assert get("SH-1").provenance.kind == "derived"
    assert get("LC-tight").quantifier == "exists" and get("IMP").quantifier == "exists"
    assert get("LZ-sqrt").quantifier == "limit"
    assert get("LC-T2").incomplete and "W_j" in get("LC-T2").incomplete


def test_get_unknown_id_lists_valid_ids():
    with pytest.raises(ClaimError, match="unknown claim id 'nope'.*E1"):
        get("nope")


@pytest.mark.parametrize("kwargs, message", [
    ({"id": "has space", "statement": "s", "sides": lambda law, s: (0, 0)}, "no spaces"),
    ({"id": "x", "statement": " ", "sides": lambda law, s: (0, 0)}, "statement must be a non-empty string"),
    ({"id": "x", "statement": "s", "kind": "lt", "sides": lambda law, s: (0, 0)}, "kind must be one of"),
    ({"id": "x", "statement": "s"}, "give sides"),
    ({"id": "x", "statement": "s", "quantifier": "sometimes", "sides": lambda law, s: (0, 0)}, "quantifier"),
    ({"id": "x", "statement": "s", "sides": 3}, "sides must be callable"),
])
def test_bad_claim_definitions_are_refused_with_the_fix(kwargs, message):
    with pytest.raises(ClaimError, match=message):
        Claim(**kwargs)


def test_bad_provenance_kind_is_refused():
    with pytest.raises(ClaimError, match="provenance kind"):
        Provenance("paper", "Thm 1", "rumour")


# ----------------------------------------------------------------------------------------
# the rules the claims are stated with
# ----------------------------------------------------------------------------------------
RHOS = [Fraction(1), Fraction(1, 2), Fraction(1, 3), Fraction(1, 4), Fraction(3, 10)]


@pytest.mark.parametrize("name", ["geometric_dtc", "geometric_tc", "two_sided"])
def test_library_schedule_constructors_follow_the_stated_rules(name):
    ours, lib = getattr(rules, name), getattr(schedules, name)
    for L in range(1, 40):
        for rho in RHOS:
            assert tuple(lib(L, rho)) == ours(L, rho), (L, rho)


def test_two_sided_rule_is_the_maximal_block_obeying_the_inequality():
    for L in range(1, 25):
        for rho in RHOS:
            sizes = rules.two_sided(L, rho)
            a = 0
            for s in sizes:
                b = a + s
                assert all(b - j <= rho * j * (L - j) / L for j in range(a + 1, b + 1))
                if b < L:  # one more token would break it
                    assert not all(b + 1 - j <= rho * j * (L - j) / L for j in range(a + 1, b + 2))
                a = b


def test_step_bound_is_the_ceiling_of_the_log_ratio():
    for L in range(1, 200, 7):
        for rho in RHOS:
            K = rules.steps_bound_dtc(L, rho)
            x = math.log(L + 1) / math.log(1 + rho)
            if abs(x - round(x)) > 1e-9:
                assert K == math.ceil(x)
            assert len(rules.geometric_dtc(L, rho)) <= K


def test_worst_case_constants_on_hand_examples():
    assert rules.wc_dtc((1, 1, 1)) == 0 and rules.wc_tc((1, 1, 1)) == 0
    assert rules.wc_dtc((2, 3)) == 1 and rules.wc_dtc((1, 3)) == Fraction(2, 2)
    assert rules.wc_dtc((1, 1, 4)) == Fraction(3, 3) and rules.wc_dtc((2, 1, 3)) == 1
    assert rules.wc_tc((1, 3)) == Fraction(2, 2) and rules.wc_tc((2, 2)) == 1 and rules.wc_tc((3, 1)) == Fraction(2, 3)
    assert rules.wc_tc((4,)) == 1


def test_wc_dtc_is_the_max_over_steps():
    for sizes in all_compositions(6):
        t = schedules.cumulative(sizes)
        assert rules.wc_dtc(sizes) == max(Fraction(s - 1, t[k] + 1) for k, s in enumerate(sizes))


def test_lc_constant_is_the_next_power_of_two_minus_one():
    assert [rules.lc_constant(s) for s in range(1, 10)] == [0, 1, 3, 3, 7, 7, 7, 7, 15]


def test_N_counts_definition():
    assert rules.N_counts((2, 1, 3)) == [1, 0, 0, 2, 1]
    assert rules.N_counts((5,)) == [4, 3, 2, 1]
    assert rules.N_counts((1,) * 4) == [0, 0, 0]


@pytest.mark.parametrize("kind", ["uniform", "tc", "dtc"])
def test_expected_N_formula_matches_enumeration_and_the_library(kind):
    for L in (2, 3, 5, 6):
        for K in (1, 2, 3, 4):
            w = rules.cut_pmf(L, kind)
            law = rules.cut_law(L, K, w)
            assert sum(law.values()) == 1
            enum = [sum(p * rules.N_counts(s)[j] for s, p in law.items()) for j in range(L - 1)]
            assert rules.expected_N_cuts(L, K, w) == enum
            assert list(schedules.expected_N(schedules.CutPoints(L, K, kind))) == enum


def test_balanced_sizes():
    assert rules.balanced(7, 3) == (3, 2, 2) and rules.balanced(7, 3, large_first=False) == (2, 2, 3)
    with pytest.raises(ValueError, match="K must lie in 1..L"):
        rules.balanced(3, 4)


def test_bad_rho_and_pmf_input():
    with pytest.raises(ValueError, match="rho must be positive"):
        rules.geometric_dtc(4, 0)
    with pytest.raises(ValueError, match="unknown cut pmf"):
        rules.cut_pmf(4, "zipf")
    with pytest.raises(ValueError, match="L >= 2"):
        rules.cut_pmf(1, "uniform")


# ----------------------------------------------------------------------------------------
# the runner on small hand-made suites
# ----------------------------------------------------------------------------------------
def _mini_suite(laws, name="mini"):
    cases = []
    for i, (label, law) in enumerate(laws):
        cases.append(SuiteCase(label, "test", {}, all_compositions(law.L), lambda law=law: law, i))
    return Suite(name, "test suite", cases, witness_L=3, lz_lengths=(16, 32), ccl_lengths=(32,))


@pytest.fixture(scope="module")
def mini():
    return _mini_suite([("rr L=3", families.random_rational(3, 2, 3)),
                        ("noisy L=3", families.noisy_repetition(3, Fraction(1, 10))),
                        ("markov L=3 V=3", families.markov_chain(3, [[Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)],
                                                                     [Fraction(1, 5), Fraction(3, 5), Fraction(1, 5)],
                                                                     [Fraction(1, 3), Fraction(1, 3), Fraction(1, 3)]]))])


def _user(cid, sides, kind="le"):
    return Claim(id=cid, statement=cid, source="user", provenance=Provenance(kind="user"), kind=kind, sides=sides,
                 origin="test")


def test_a_false_claim_is_violated_with_a_certified_counterexample_that_rechecks(mini):
    from exactdlm.engine import info
    from exactdlm.laws import JointLaw

    c = _user("half-tc", lambda law, s: (expected_kl(law, s), info.total_correlation(law) / 2))
    res = runner.run([c], mini).results[0]
    assert res.verdict == "violated" and res.certified and res.violated >= 1
    cx = res.counterexample
    law = JointLaw.from_json(cx["law"])
    lhs, rhs = expected_kl(law, cx["sizes"]), info.total_correlation(law) / 2
    again = compare_sides(lhs, rhs, "le")
    assert again.outcome == "violated" and again.certified
    assert again.lhs_exact == cx["lhs"] and again.rhs_exact == cx["rhs"]
    assert res.worst_ratio == pytest.approx(2.0)  # one step: EKL = TC


def test_a_true_claim_holds_certified_with_ratio_and_slack(mini):
    from exactdlm.engine import info

    c = _user("le-tc", lambda law, s: (expected_kl(law, s), info.total_correlation(law)))
    res = runner.run([c], mini).results[0]
    n = sum(len(case.schedules) for case in mini.cases)
    assert (res.verdict, res.certified, res.cases) == ("holds", True, n)
    assert res.worst_ratio == pytest.approx(1.0) and res.min_slack == pytest.approx(0.0, abs=1e-15)


def test_a_float_side_gives_an_uncertified_verdict(mini):
    c = _user("float", lambda law, s: (float(expected_kl(law, s)), 10.0))
    res = runner.run([c], mini).results[0]
    assert res.verdict == "consistent-float" and not res.certified and res.uncertified == res.cases


def test_a_raising_claim_gets_verdict_error_and_the_run_goes_on(mini):
    bad = _user("raises", lambda law, s: (1 // 0, 0))
    good = _user("fine", lambda law, s: (0, 1))
    rep = runner.run([bad, good], mini)
    assert [r.verdict for r in rep.results] == ["error", "holds"]
    assert "ZeroDivisionError" in rep.results[0].reason and rep.failed and not rep.violated


@pytest.mark.parametrize("sides, message", [
    (lambda law, s: 3, "returned int; sides"),
    (lambda law, s: (1, 2, 3), "a tuple of length 3"),
    (lambda law, s: ("a", 1), "lhs of type str"),
    (lambda law, s: (1, True), "rhs of type bool"),
])
def test_a_claim_returning_the_wrong_shape_stops_the_run(mini, sides, message):
    with pytest.raises(ClaimError, match=message):
        runner.run([_user("shape", sides)], mini)


def test_undecided_at_the_maximum_precision_then_decided_with_more():
    tiny = LogForm.log(Fraction(2**1020 + 1, 2**1020))  # about 2^-1020 > 0
    c = Claim(id="tiny", statement="tiny <= 0", source="user", kind="le",
              global_checks=lambda suite: ([Check(tiny, 0, "le")], {}), origin="test")
    suite = _mini_suite([("rr", families.random_rational(2, 2, 0))])
    low = runner.run([c], suite, max_prec=512).results[0]
    assert low.verdict == "undecided" and "raise --dps" in low.reason
    high = runner.run([c], suite, max_prec=4096).results[0]
    assert high.verdict == "violated" and high.certified


def test_strict_kinds_are_the_complement():
    two, three = LogForm.log(2), LogForm.log(3)
    for lhs, rhs, kind, expect in [(three, two, "gt", "holds"), (two, two, "gt", "violated"),
                                   (two, three, "lt", "holds"), (two, two, "lt", "violated"),
                                   (three, two, "lt", "violated")]:
        _cmp, outcome, slack = runner.compare(Check(lhs, rhs, kind), 4096)
        assert outcome == expect, (lhs, rhs, kind)
        assert (slack > 0) == (expect == "holds")


def _random_form(draw_terms):
    form = LogForm()
    for r, c in draw_terms:
        form = form + LogForm.log(r, c)
    return form


_terms = st.lists(st.tuples(st.fractions(min_value=Fraction(1, 30), max_value=50, max_denominator=30),
                            st.fractions(min_value=-5, max_value=5, max_denominator=7)), max_size=5)


@settings(max_examples=60, deadline=None)
@given(_terms, _terms, st.sampled_from(["le", "ge", "eq"]), st.booleans())
def test_fast_path_agrees_with_compare_sides_and_100_digit_mpmath(a, b, kind, same):
    lhs = _random_form(a)
    rhs = lhs + 0 if same else _random_form(b)
    cmp, outcome, slack = runner.compare(Check(lhs, rhs, kind), 4096)
    ref = compare_sides(lhs, rhs, kind)
    assert outcome == ref.outcome and cmp.certified == ref.certified
    with mpmath.workdps(100):
        d = lhs.mpf(100) - rhs.mpf(100)
        if abs(d) > mpmath.mpf(10) ** -80:  # mpmath decides; it must agree
            assert outcome == ("holds" if {"le": d < 0, "ge": d > 0, "eq": False}[kind] else "violated")
    assert slack == pytest.approx(ref.slack, abs=1e-12)


def test_jobs_do_not_change_the_report(mini):
    from pathlib import Path

    from exactdlm.claims import load_claims_file

    example = Path(__file__).parent / "data" / "user_claims.py"
    claims = [get("E3"), get("SH-1"), get("IMP")] + load_claims_file(example)
    one = runner.run(claims, mini, jobs=1).to_json()
    two = runner.run(claims, mini, jobs=2).to_json()

    def strip(js):
        for c in js["claims"]:
            c.pop("seconds")
        js.pop("run")
        return js

    assert strip(one) == strip(two)
    assert [c["verdict"] for c in one["claims"]] == ["holds", "holds", "holds", "violated", "holds", "holds"]


def test_jobs_need_claims_a_worker_can_load(mini):
    c = _user("session", lambda law, s: (0, 1))
    with pytest.raises(ValueError, match="not from the catalogue or a claims file"):
        runner.run([c], mini, jobs=2)


def test_requirements_missing_gives_not_applicable(mini):
    c = Claim(id="needs", statement="s", sides=lambda law, s: (0, 1), requires=("exactdlm.engine.sampler:no_such_function",),
              origin="test")
    res = runner.run([c], mini).results[0]
    assert res.verdict == "not-applicable" and "no_such_function" in res.reason


def test_no_applicable_case_gives_not_applicable(mini):
    c = Claim(id="never", statement="s", sides=lambda law, s: (0, 1), applies=lambda law, s: False, origin="test")
    res = runner.run([c], mini).results[0]
    assert res.verdict == "not-applicable" and res.cases == 0


# ----------------------------------------------------------------------------------------
# witnesses
# ----------------------------------------------------------------------------------------
def test_mds_witness_values_match_the_closed_forms():
    from exactdlm.claims.common import mds_profile
    from exactdlm.engine.info import ekl_from_profile

    for L, k, q in ((4, 2, 5), (7, 3, 7)):  # lattice and structured witnesses
        g = mds_profile(L, k, q)
        for sizes in ((L,), (1,) * L, (k, L - k), (1, L - 1)):
            t = schedules.cumulative(sizes)
            expect = next(((t[i + 1] - k) for i in range(len(sizes)) if t[i] < k < t[i + 1]), 0)
            assert ekl_from_profile(g, sizes) == LogForm.log(q, expect)


# ----------------------------------------------------------------------------------------
# the whole catalogue on the quick suite
# ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quick_report():
    return runner.run(catalogue(), get_suite("quick"))


@pytest.mark.slow
def test_every_catalogue_claim_holds_on_the_quick_suite(quick_report):
    verdicts = {r.claim.id: r.verdict for r in quick_report.results}
    assert verdicts.pop("LC-T2") == "incomplete"
    assert verdicts.pop("LZ-sqrt") == "consistent-float"  # a float limit sequence: evidence, not a proof
    assert set(verdicts.values()) == {"holds"}, {k: v for k, v in verdicts.items() if v != "holds"}
    for r in quick_report.results:
        if r.claim.id == "LZ-sqrt":
            assert not r.certified  # a float limit sequence is never certified
        elif r.claim.id != "LC-T2":
            assert r.certified and r.cases > 0, r.claim.id


@pytest.mark.slow
def test_quick_suite_figures(quick_report):
    res = {r.claim.id: r for r in quick_report.results}
    # decided on the profile cone: the worst ratio is the exact sup over all laws of EKL / ((4/K) MI), so the
    # constant all laws need is 4 times it, at most SH-1's 1 (and close to it: the repeated symbol)
    r = res["LC-C1"]
    assert r.scope == "all laws" and 0.9 < 4 * r.worst_ratio <= 1
    assert r.decided["worst_at"]["law"]["family"] in ("repeated_symbol", "mds_code")
    ex = res["MIX"].figures["example (noisy repeated bit L=5, eta=1/10, sizes (1,4))"]
    assert ex["EKL"] == pytest.approx(0.2900, abs=5e-5) and ex["KL(p||q)"] == pytest.approx(0.0448, abs=5e-5)
    assert res["MIX"].figures["smallest KL(p||q)/EKL"]["value"] < 0.5


def test_verify_convenience_with_only_and_unknown_ids():
    from exactdlm.claims import verify

    rep = verify("quick", only=["G-TC", "IMP"])
    assert [r.claim.id for r in rep.results] == ["G-TC", "IMP"] and not rep.failed
    with pytest.raises(ClaimError, match="unknown claim id"):
        verify("quick", only=["nope"])


def test_float_structured_laws_at_large_L_hold_without_float_noise():
    from exactdlm import structured
    from exactdlm.suites import named_schedules

    laws = [("noisy 512", structured.noisy_repetition(512, 0.1)),
            ("markov 64", structured.markov_chain(64, [[0.75, 0.25], [1 / 3, 2 / 3]]))]
    cases = [SuiteCase(n, "structured", {}, named_schedules(law.L), lambda law=law: law) for n, law in laws]
    suite = Suite("float-structured", "test", cases, witness_L=3)
    rep = runner.run([get(i) for i in ("E2", "E3", "E4", "SH-1", "WC", "LC-T1", "E7", "MIX")], suite)
    for r in rep.results:
        assert r.verdict == "consistent-float" and not r.certified and r.cases > 0, (r.claim.id, r.verdict, r.reason)
    e7 = next(r for r in rep.results if r.claim.id == "E7")
    assert e7.cases < sum(len(c.schedules) for c in cases)  # no mixture law for the long Markov chain: skipped
