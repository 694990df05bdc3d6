"""Statements a few percent from true ones (tests/data/false_variants.py) are refuted, certified, on the
default suite; their true neighbours hold for every law (docs/theory.md §8, §10)."""

from __future__ import annotations

import pathlib
from fractions import Fraction

import pytest

import exactdlm as ed
from exactdlm.arith import compare_sides
from exactdlm.claims import Claim, catalogue, load_claims_file
from exactdlm.claims import runner
from exactdlm.claims.decided import run_cone
from exactdlm.laws.joint import JointLaw
from exactdlm.suites import get_suite

FILE = pathlib.Path(__file__).parent / "data" / "false_variants.py"
#: variants that need a law (value-adaptive rules, learned predictors, output laws): refuted on the suite
LAW_ONLY = {"fv-E5", "fv-E6", "fv-MIX-0.97", "fv-MIX-floor"}
#: refuted by the Shannon scan (docs/theory.md §8a): entropy-linear, not profile claims
SHANNON = {"fv-SAR", "fv-SAR-TC"}
LAW_ONLY |= {"fv-PB-1-1.01", "fv-PB-T-1.01", "fv-PB-mono-strict", "fv-FD-T1-1.01", "fv-FD-T1-no-n", "fv-FD-T1-tight-0.99",
             "fv-FENG-SER-1.01", "fv-DEMASK-sub-0.49", "fv-DEMASK-assumption"}
LAW_ONLY |= {"fv-EB-step-0.99", "fv-EB-KL-0.99", "fv-CL-step-0.99", "fv-CL-KL-0.99", "fv-CL-iter-0.99"}  # issue 21
ISSUE = {"fv-LC-C1-0.99", "fv-LC-C1-two-steps-0.95", "fv-DTC-40TC"}


@pytest.fixture(scope="module")
def variants():
    return load_claims_file(FILE)


def test_every_catalogue_claim_has_a_false_variant(variants):
    named = " ".join(c.statement + " " + c.id for c in variants)
    missing = [c.id for c in catalogue() if c.incomplete is None and c.id != "LZ-sqrt" and c.id not in named]
    assert not missing
    assert ISSUE <= {c.id for c in variants}


def _balanced(sizes):
    L, K = sum(sizes), len(sizes)
    return set(sizes) <= {L // K, -(-L // K)}


def true_neighbours():
    F = Fraction
    return [
        Claim(id="tn-LC-C1", statement="balanced sizes: K EKL <= Σ I", origin="test",
              sides=lambda p, s: ((len(s) * ed.expected_kl(p, s), ed.mi_sum(p)) if _balanced(s) else (0, 0))),
        Claim(id="tn-TC-DTC", statement="TC <= (L-1) DTC", origin="test",
              sides=lambda p, s: (ed.total_correlation(p), (p.L - 1) * ed.dual_total_correlation(p))),
        Claim(id="tn-SH-1", statement="EKL <= (s_max-1)/L Σ I", origin="test",
              sides=lambda p, s: (ed.expected_kl(p, s), F(max(s) - 1, p.L) * ed.mi_sum(p))),
    ]


def test_profile_variants_refuted_on_the_rays_with_a_law_that_rechecks(variants):
    """The cone part of the default suite (every L to 1024): each profile variant fails on a ray, and the
    ray's law, built and run through the claim, violates it exactly."""
    fragment = [c for c in variants if c.id not in LAW_ONLY | SHANNON]
    out = run_cone(fragment, get_suite("default"))
    for c in fragment:
        cx = out[c.id].counterexample
        assert cx is not None, (c.id, out[c.id].stopped)
        assert cx["certified"], c.id
        assert cx["ray_law"]["family"] in ("mds_code", "repeated_symbol", "parity", "iid uniform", "point mass")
        if cx.get("recheck") is not None:
            assert cx["recheck"]["outcome"] in ("violated", "not rechecked"), (c.id, cx["recheck"])
        if cx["law"] is not None:  # the dense law `exactdlm law --law` accepts
            assert JointLaw.from_json(cx["law"]).L == cx["ray_law"]["L"]
    # the issue's three: each first fails beyond the suite's lengths (L <= 8)
    assert all(out[i].counterexample["ray_law"]["L"] > 8 for i in ISSUE)
    rechecked = [c.id for c in fragment if (out[c.id].counterexample.get("recheck") or {}).get("outcome") == "violated"]
    assert len(rechecked) >= len(fragment) - 2


def test_semi_ar_variants_refuted_by_the_shannon_scan_with_a_law_that_rechecks(variants):
    from exactdlm.claims.shannon_decided import run_claim

    for c in variants:
        if c.id in SHANNON:
            res = run_claim(c, get_suite("quick"))
            cx = res.counterexample
            assert cx is not None and cx["certified"], (c.id, res.stopped)
            assert cx["recheck"]["outcome"] == "violated" and cx["law"] is not None


def test_true_neighbours_hold_for_every_law_to_1024():
    out = run_cone(true_neighbours(), get_suite("default"))
    for cid, res in out.items():
        assert res.counterexample is None and res.lengths == (1, 1024), (cid, res.stopped)
    assert out["tn-TC-DTC"].worst_ratio == 1  # attained by the repeated symbol


def test_law_only_variants_refuted_on_the_quick_suite(variants):
    rep = runner.run([c for c in variants if c.id in LAW_ONLY], get_suite("quick"))
    for r in rep.results:
        assert r.verdict == "violated" and r.certified and r.scope == "suite", (r.claim.id, r.verdict)
        cx = r.counterexample
        assert compare_sides(cx["lhs_value"], cx["rhs_value"], {"<=": "le", ">=": "ge", "==": "eq"}[cx["relation"]]).outcome \
            in ("violated", "undecided")


@pytest.mark.slow
def test_default_suite_refutes_every_variant_and_keeps_true_neighbours(variants):
    rep = runner.run(list(variants) + true_neighbours(), get_suite("default"))
    for r in rep.results:
        if r.claim.id.startswith("tn-"):
            assert (r.verdict, r.scope, r.lengths) == ("holds", "all laws", (1, 1024)), r.claim.id
        else:
            assert r.verdict == "violated" and r.certified, (r.claim.id, r.verdict, r.reason)
