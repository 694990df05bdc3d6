"""The EB-sampler and Cai–Li claims (issue 21): hand-worked chain values, and the catalogue verdicts."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np

import exactdlm as ed
from exactdlm.adaptive.core import kl
from exactdlm.adaptive.entropy_sum import entropy_sum_chain
from exactdlm.arith import LogForm
from exactdlm.claims import verify
from exactdlm.laws import JointLaw, families

IDS = ["EB-step", "EB-KL", "CL-step", "CL-KL", "CL-iter"]


def test_repeated_bit_hand_worked():
    """Repeated bit, L = 2: both entropies are log 2. γ = 1 >= log 2: one step reveals both, so
    q is uniform on {0,1}^2, KL = log 2 = condTC, E[#steps] = 1. γ = 1/2 < log 2: one at a time, q = p."""
    p = families.repeated_symbol(2, 2)
    c = entropy_sum_chain(p, F(1), "entropy", "lowest")
    assert c["steps"] == 1 and c["tc_sum"] == LogForm.log(2) and c["max_tc"] == LogForm.log(2)
    q = ed.output_law(p, "eb:gamma=1")
    assert (q == F(1, 4)).all()
    assert kl(p.array, q, True) == LogForm.log(2)
    c = entropy_sum_chain(p, F(1, 2), "entropy", "lowest")
    assert c["steps"] == 2 and c["tc_sum"] == 0
    assert (ed.output_law(p, "eb:gamma=1/2") == p.array).all()


def test_caili_random_order_hand_worked():
    """iid bits with P(1) = 1/4 and a deterministic third bit: entropies (h, h, 0) with h = H(1/4) = 0.562.
    ε = 1/2: in a random order the first pick of an h-position stops the iteration (h > 1/2); a first
    pick of the 0-position continues to one h-position."""
    a = np.zeros((2, 2, 2), dtype=object)
    a[...] = F(0)
    for x0 in range(2):
        for x1 in range(2):
            a[x0, x1, 0] = (F(1, 4) if x0 else F(3, 4)) * (F(1, 4) if x1 else F(3, 4))
    p = JointLaw(a)
    c = entropy_sum_chain(p, F(1, 2), "random", "uniform")
    # iteration 1: {h} w.p. 2/3 (then masked {h', z}: a z-first order (1/2) reveals both, else h' alone
    # then z), or {z, h} w.p. 1/3 (then h' alone). Steps: 2/3·(1/2·2 + 1/2·3) + 1/3·2 = 7/3
    assert c["steps"] == F(7, 3)
    assert c["tc_sum"] == 0  # independent positions: no step ignores any dependence
    assert c["revealed"] == ed.entropy(p)


def test_revealed_entropy_identity_on_a_dependent_law():
    p = families.noisy_repetition(3, F(1, 5))
    for order in ("entropy", "random"):
        c = entropy_sum_chain(p, F(1), order, "uniform")
        assert c["revealed"] == ed.entropy(p) + c["tc_sum"]
        assert c["max_tc"] <= 1 and c["tc_sum"] <= c["steps"]


def test_catalogue_claims_hold_on_the_quick_suite_with_figures():
    rep = verify("quick", only=IDS)
    by = {r.claim.id: r for r in rep.results}
    assert set(by) == set(IDS)
    for cid, r in by.items():
        assert r.verdict == "holds" and r.certified and r.scope == "suite", (cid, r.verdict, r.reason)
        assert r.claim.provenance.kind == "derived" and "arXiv" in r.claim.provenance.paper
    assert "largest KL / (gamma E[#steps])" in by["EB-KL"].figures
    assert "largest E[#iterations] eps / H(X)" in by["CL-iter"].figures


def test_eb_tightness_witness_hand_worked():
    """X_1 = [X_2 = 0], X_2 uniform on 6: H(X_1) = h(1/6) = 0.4506 <= 1/2, so EB reveals both at once;
    condTC = I(X_1; X_2) = h(1/6) and KL(p||q) = h(1/6) with one step."""
    import math

    from exactdlm.adaptive.eb import EB
    from exactdlm.claims.eb import tight_witness

    law = tight_witness()
    h = -(1 / 6) * math.log(1 / 6) - (5 / 6) * math.log(5 / 6)
    c = entropy_sum_chain(law, F(1, 2), "entropy", "lowest")
    assert c["steps"] == 1 and math.isclose(float(c["max_tc"]), h, rel_tol=1e-12)
    div = kl(law.array, EB(2, F(1, 2), F(1), 2, "lowest").law(law), True)
    assert div == c["tc_sum"] and math.isclose(float(div) / 0.5, 0.9011, abs_tol=1e-4)
