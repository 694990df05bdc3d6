"""The 2026 statements (docs/theory.md §5, issue 21): hand-worked cases for DHW, ParallelBench, Fast-dLLM,
Feng et al., DEMASK and the LC-T2 readings, each able to fail."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction as F

import mpmath
import numpy as np
import pytest

import exactdlm as ed
from exactdlm.arith import LogForm, compare_sides
from exactdlm.claims import Claim, get
from exactdlm.claims import dhw, demask, fastdllm, feng, lc, pbench
from exactdlm.claims.decided import run_cone
from exactdlm.engine import deff as D
from exactdlm.laws import families as fam

LOG2 = LogForm.log(2)


@dataclass
class _Suite:
    cone_max_L: int = 40
    rhos: tuple = (F(1), F(1, 2))


# ---------------------------------------------------------------------------- DHW
def test_grid_bounds_enclose_the_rational_enclosures():
    for L in (2, 7, 33):
        lo, hi = D.ray_bounds(L)
        glo, ghi, den = D.grid_bounds(L)
        for k in range(L):
            assert F(int(glo[k]), den) <= lo[k] <= hi[k] <= F(int(ghi[k]), den)
            assert hi[k] <= min(k, L - k) if k else hi[k] == 0


def test_deff_of_a_law_is_its_profile_against_the_ray_values():
    """D_eff = Σ_k ΔĪ(k) d_k: on the repeated bit it is d_1 log 2; on a Markov law the interval contains the
    closed form evaluated in mpmath from the law's exact Ī."""
    got = dhw.deff_of(fam.repeated_symbol(4, 2))
    with mpmath.workdps(40):
        assert got.a <= D.ray_value_mp(4, 1) * mpmath.log(2) <= got.b
    law = fam.markov_chain(5, [[F(3, 4), F(1, 4)], [F(1, 3), F(2, 3)]])
    I = ed.info_curve(law)
    iv = dhw.deff_of(law)
    with mpmath.workdps(40):
        ref = mpmath.fsum((I[k].mpf(40) - I[k - 1].mpf(40)) * D.ray_value_mp(5, k) for k in range(1, 5))
        assert iv.a <= ref <= iv.b and iv.b - iv.a < 1e-12
    tc, dtc = ed.total_correlation(law), ed.dual_total_correlation(law)
    assert compare_sides(iv, tc, "le").outcome == "holds" and compare_sides(iv, dtc, "le").outcome == "holds"


def test_dhw_decided_on_the_cone_and_its_lower_side_refutes_0_99():
    c = get("DHW-Deff")
    out = run_cone([c], _Suite(cone_max_L=20))
    assert out["DHW-Deff"].counterexample is None and out["DHW-Deff"].lengths == (2, 20)
    r = out["DHW-Deff"].worst_ratio  # the upper enclosure of d_1 on the 2^-20 grid at L = 20: 1 - 1.1e-4 rounded up
    assert 1 - F(12, 10**5) < r < 1 - F(10, 10**5)
    false = Claim(id="t-dhw-099", statement="D_eff <= 0.99 min(TC, DTC)", origin="test",
                  sides=lambda p, s: (dhw.deff_of(p, "lower"), F(99, 100) * ed.dual_total_correlation(p)))
    cx = run_cone([false], _Suite(cone_max_L=20))["t-dhw-099"].counterexample
    assert cx["certified"] and cx["ray_law"]["family"] == "repeated_symbol" and cx["ray_law"]["L"] == 11


def test_deff_of_an_exact_structured_law_is_certified():
    from exactdlm import structured as st

    iv = dhw.deff_of(st.repeated_symbol(12, 2))  # through its exact view: an interval, not a float
    with mpmath.workdps(40):
        assert iv.a <= D.ray_value_mp(12, 1) * mpmath.log(2) <= iv.b
    assert isinstance(dhw.deff_of(st.markov_chain(10, [[0.9, 0.1], [0.2, 0.8]])), float)


def test_deff_of_refuses_a_bad_side():
    with pytest.raises(ValueError, match="side"):
        dhw.deff_of(fam.parity(3, 2), side="middle")


# ---------------------------------------------------------------------------- ParallelBench
def test_lt_by_hand_on_parity():
    """Parity of 3 bits: revealing one bit then the other two together costs I(X_1; X_2 | X_0) = log 2;
    two bits first (independent) then the last costs 0."""
    p = fam.parity(3, 2)
    from exactdlm.engine.info import subset_entropies

    H = subset_entropies(p)
    assert compare_sides(pbench.lt_value(H, ((0,), (1, 2)), 3), LOG2, "eq").outcome == "holds"
    assert compare_sides(pbench.lt_value(H, ((0, 1), (2,)), 3), 0, "eq").outcome == "holds"
    assert compare_sides(pbench.lt_value(H, ((0, 1, 2),), 3), ed.total_correlation(p), "eq").outcome == "holds"


def test_kl_of_a_partition_is_lt_and_a_model_pays_more():
    p = fam.random_rational(4, 2, seed=3)
    from exactdlm.engine.info import subset_entropies

    H = subset_entropies(p)
    part = ((2, 0), (3, 1))
    exact = pbench._kl_of(p, part)
    assert compare_sides(exact, pbench.lt_value(H, part, 4), "eq").outcome == "holds"
    model = pbench._kl_of(p, part, pbench._learned())
    cmp = compare_sides(model, exact, "ge")
    assert cmp.outcome == "holds" and cmp.slack > 0


def test_optimal_costs_on_the_repeated_symbol():
    p = fam.repeated_symbol(3, 2)
    from exactdlm.engine.info import subset_entropies

    opt = pbench.optimal_costs(subset_entropies(p), 3)
    assert compare_sides(opt[1][0], 2 * LOG2, "eq").outcome == "holds"
    assert compare_sides(opt[2][0], 0, "eq").outcome == "holds" and len(opt[2][1]) == 2
    assert len(pbench.ordered_partitions(4)) == 75  # the Fubini number


def test_pb_claims_decided_for_every_law_by_the_shannon_scan():
    """PB-1 and PB-T's exact-conditional equalities are identities of forms on the entropic law (the
    mask chain of the partition against TC / L_T from the cost vector); PB-mono's split inequalities
    are Shannon proofs to L = 4, where it stops (every ordered partition listed)."""
    from exactdlm.claims.shannon_decided import run_claim
    from exactdlm.suites import get_suite

    quick = get_suite("quick")  # full space to L = 5, then 8, 16, 32, 64
    r1, rT, rm = (run_claim(get(c), quick) for c in ("PB-1", "PB-T", "PB-mono"))
    assert r1.lengths == (1, 5) and r1.also == [8, 16, 32, 64] and r1.identities >= 8
    assert rT.lengths == (2, 5) and rT.also == [8, 16] and "mask chain" in rT.stopped
    assert rm.lengths == (2, 4) and rm.certificates > 0 and "ordered partition" in rm.stopped
    assert all(r.counterexample is None and r.undecided is None for r in (r1, rT, rm))


def _scaled(cid, factor, label_part):
    """``cid`` with the right side of its comparisons labelled ``label_part`` times ``factor``."""
    import dataclasses

    base = get(cid)

    def checks(ctx):
        for ch in base.case_checks(ctx):
            if label_part in (ch.label or ""):
                ch = dataclasses.replace(ch, rhs=ch.rhs * factor)
            yield ch

    return Claim(id=f"{cid}-x{float(factor)}", origin="test", statement=f"{cid} with a side times {factor}", kind=base.kind,
                 case_checks=checks)


def test_pb_variants_refuted_by_the_shannon_scan():
    """1% off, the identities fail for some law: the scan finds it, builds it and rechecks it exactly."""
    from exactdlm.claims.shannon_decided import run_claim
    from exactdlm.suites import get_suite

    for c in (_scaled("PB-1", F(101, 100), "exact conditionals"),
              _scaled("PB-T", F(99, 100), "exact conditionals")):
        res = run_claim(c, get_suite("quick"))
        cx = res.counterexample
        assert cx is not None and cx["certified"], (c.id, res.stopped)
        assert cx["recheck"]["outcome"] == "violated", (c.id, cx["recheck"])


# ---------------------------------------------------------------------------- Fast-dLLM
def test_fast_dllm_tight_family_either_side_of_the_boundary():
    for n in (1, 2, 3):
        inside = fastdllm.greedy_checks(fastdllm.tight_family(n, 2, F(99, 100) / (n + 1)), "in")
        assert inside and all(c.kind == "lt" and c.lhs < c.rhs for c in inside)
        if n >= 2:  # (n = 1: a > 1/2 moves the argmax to the other value, where the hypothesis holds again)
            past = fastdllm.tight_family(n, 2, F(101, 100) / (n + 1))
            assert fastdllm.greedy_checks(past, "past") == []  # the hypothesis fails there (miss = a > 1/(n+1))
            loose = fastdllm.greedy_checks(past, "C=1.02", C=F(102, 100))
            assert any(not c.lhs < c.rhs for c in loose)  # the joint argmax is no longer x*


def test_fast_dllm_sequential_check_reads_conditionals():
    """A law inside the hypothesis whose second position's conditional argmax given x*_0 is x*_1."""
    arr = np.array([[F(8, 10), F(1, 10)], [F(1, 20), F(1, 20)]], dtype=object)
    checks = fastdllm.greedy_checks(arr, "hand")
    assert len(checks) == 1 + 2 * 2  # the joint, then two orders of two positions each
    assert all(c.lhs < c.rhs for c in checks)


# ---------------------------------------------------------------------------- Feng et al.
def test_first_step_clean_by_hand():
    assert feng.first_step_clean(2, 2) == F(8, 9)
    assert feng.first_step_clean(3, 3) == F(22, 27)
    assert feng.first_step_clean(3, 2) == F(25, 27)
    assert feng.first_step_clean(5, 1) == 1
    assert feng.first_step_clean(200, 100, 1 / 3) < feng.first_step_clean(100, 50, 1 / 3)
    for L, s in ((3, 2), (30, 7), (40, 40)):  # the float DP against its exact twin
        assert abs(feng.first_step_clean(L, s, 1 / 3) - float(feng.first_step_clean(L, s))) < 1e-12


def test_one_step_ser_is_exactly_the_bound():
    from exactdlm.engine.sampler import sampler_law

    for L in (2, 3, 4):
        p = fam.markov_chain(L, feng.GOLDEN)
        assert feng.ser(p, sampler_law(p, (L,))) == 1 - feng.first_step_clean(L, L)
        assert feng.ser(p, sampler_law(p, (1,) * L)) == 0


# ---------------------------------------------------------------------------- DEMASK
def test_demask_parity_and_independent():
    assert demask.block_and_pairs(fam.parity(3, 2).array) == (F(1, 2), 0)
    assert demask.block_and_pairs(fam.parity(4, 3).array) == (F(2, 3), 0)
    assert demask.block_and_pairs(fam.iid(3, [F(1, 3), F(2, 3)]).array) == (0, 0)
    b, s = demask.block_and_pairs(fam.repeated_symbol(3, 2).array)
    assert b == F(3, 4) and s == 3 * F(1, 2)  # each pair: TV((1/2, 0, 0, 1/2), uniform) = 1/2


# ---------------------------------------------------------------------------- LC-T2 readings
def test_lc_t2_reading_sizes():
    assert [lc.lc_t2_m(8, 2, 1, j) for j in lc.lc_t2_j_range(8)] == [2, 4, 7]
    assert [lc.lc_t2_m(8, 2, 2, j) for j in lc.lc_t2_j_range(8)] == [7, 7, 7]
    assert [lc.lc_t2_m(8, 8, 2, j) for j in lc.lc_t2_j_range(8)] == [2, 4, 7]
    assert [lc.lc_t2_m(8, 2, 3, j) for j in lc.lc_t2_j_range(8)] == [6, 7, 7]
    assert lc.lc_t2_schedule(7, 3) == (3, 3, 1)


def test_lc_t2_readings_refuted_by_mds_witnesses_and_lc_t2_stays_incomplete():
    for r in (1, 2, 3):
        checks, _ = get(f"LC-T2-r{r}").global_checks(None)
        assert len(checks) == sum(L - 2 for L in lc.LC_T2_WITNESS_L)
        for c in checks:  # EKL = 0 exactly, the reading's right side > 0
            assert compare_sides(c.lhs, 0, "eq").outcome == "holds"
            assert compare_sides(c.rhs, 0, "ge").outcome == "holds" and compare_sides(c.rhs, 0, "eq").outcome != "holds"
        # the reading itself, as a claim on every law, fails on the cone at L = 3 (parity, sizes (2, 1))
        reading = Claim(id=f"t-lc-t2-r{r}", statement="the reading", origin="test", kind="ge",
                        sides=lambda p, s, r=r: ((ed.expected_kl(p, s), lc.lc_t2_rhs(ed.info_curve(p), p.L, max(s), r))
                                                 if max(s) >= 2 and tuple(s) == lc.lc_t2_schedule(p.L, max(s)) else (0, 0)))
        cx = run_cone([reading], _Suite(cone_max_L=8))[f"t-lc-t2-r{r}"].counterexample
        assert cx["certified"] and cx["ray_law"]["family"] == "parity" and cx["sizes"] == [2, 1]
    assert get("LC-T2").incomplete
