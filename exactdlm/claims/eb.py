"""The EB-sampler's guarantees (Ben-Hamu et al., arXiv 2505.24857; docs/theory.md §5, §9).

The EB-sampler (``eb:gamma=γ``, :mod:`exactdlm.adaptive.eb`) reveals at state ``x_R`` the
ascending-entropy prefix ``S`` with ``sum_{j in S} H_j - max_{j in S} H_j <= γ``
(``H_j = H(X_j | x_R)``). Since ``H(X_S | x_R) >= max_{j in S} H_j``,

    condTC(X_S | x_R) = sum_{j in S} H_j - H(X_S | x_R) <= γ                          [EB-step]

and, with the exact predictor at ``T = 1``, the per-policy chain rule (E5, Wen, Liang & Lu) gives

    KL(p || q_EB) = E_p sum_t condTC_t <= γ · E_p[#steps]                             [EB-KL]

(with ``ties="lowest"`` the policy is deterministic and the first relation is (E5) itself; with
uniformly broken ties ``q`` is a mixture of such policies and convexity gives ``<=``).

Both are checked exactly on the suite's lattice laws with at most :data:`EB_MAX_CELLS`
outcomes, for ``γ`` in :data:`EB_GAMMAS`; the report's figures say how tight they are: the
largest ``max condTC / γ`` and the largest ``KL / (γ E[#steps])`` met.
"""

from __future__ import annotations

from fractions import Fraction

from . import Check, Claim, Provenance, register_catalogue

#: laws with more outcomes are skipped (the walk is over revealed states, the condTC over the array)
EB_MAX_CELLS = 32
EB_GAMMAS = (Fraction(1, 2),)
PAPER = "Ben-Hamu et al., arXiv 2505.24857"
PROV_STEP = Provenance(paper=PAPER, theorem="entropy-bounded unmasking; H(X_S) >= max_j H(X_j)", kind="derived")
PROV_KL = Provenance(paper=PAPER, theorem="with (E5) of Wen, Liang & Lu, arXiv 2608.25505", kind="derived")
HYP = (f"lattice laws with V^L <= {EB_MAX_CELLS}, the exact predictor at T = 1, gamma in "
       f"{{{', '.join(str(g) for g in EB_GAMMAS)}}}; ties to the lowest index and uniformly broken")


def cached_chain(ctx, thr, order: str, ties: str) -> dict:
    """``entropy_sum_chain`` of the case's law, computed once per case (the claims share it)."""
    from ..adaptive.entropy_sum import entropy_sum_chain

    memo = ctx.__dict__.setdefault("_entropy_sum_chains", {})
    key = (Fraction(thr), order, ties)
    if key not in memo:
        memo[key] = entropy_sum_chain(ctx.law.base, thr, order, ties=ties)
    return memo[key]


def applies(ctx) -> bool:
    return bool(ctx.lattice) and ctx.V**ctx.L <= EB_MAX_CELLS


def _ratio(a, b):
    fb = float(b)
    return float(a) / fb if fb > 1e-12 else None


def _step_checks(ctx):
    if not applies(ctx):
        return
    for gamma in EB_GAMMAS:
        chain = cached_chain(ctx, gamma, "entropy", "uniform")
        r = _ratio(chain["max_tc"], gamma)
        yield Check(chain["max_tc"], gamma, "le", None, f"max condTC over EB steps, gamma={gamma}",
                    note={"gamma": str(gamma)}, figures={"largest max condTC / gamma": ("max", r)} if r is not None else None)


def _kl_checks(ctx):
    from ..adaptive.core import kl
    from ..adaptive.eb import EB
    if not applies(ctx):
        return
    p = ctx.law.base
    exact = p.exact
    for gamma in EB_GAMMAS:
        for ties in ("lowest", "uniform"):
            q = EB(ctx.L, gamma, Fraction(1), ctx.L, ties).law(p)
            div = kl(p.array if exact else p.float_array(), q, exact)
            chain = cached_chain(ctx, gamma, "entropy", ties)
            bound = chain["steps"] * gamma
            note = {"gamma": str(gamma), "ties": ties}
            if ties == "lowest":
                yield Check(div, chain["tc_sum"], "eq", None, f"(E5) for EB, gamma={gamma}", note=note, rated=False)
            r = _ratio(div, bound)
            yield Check(div, bound, "le", None, f"KL <= gamma E[#steps], gamma={gamma}, ties={ties}", note=note,
                        figures={"largest KL / (gamma E[#steps])": ("max", r)} if r is not None else None)


def tight_witness(V: int = 6):
    """``L = 2``: ``X_2`` uniform on ``[V]``, ``X_1 = [X_2 = 0]``. At ``γ = 1/2`` EB reveals both at
    once (``H(X_1) = h(1/V) <= γ``) and ``condTC = KL = h(1/V)``: ratio ``h(1/6)/γ = 0.901`` at
    ``V = 6``, tending to 1 as ``h(1/V)`` approaches ``γ`` — the constant 1 of EB-step and EB-KL
    cannot be lowered."""
    import numpy as np

    from ..laws import JointLaw

    a = np.empty((V, V), dtype=object)
    a[...] = Fraction(0)
    for x2 in range(V):
        a[1 if x2 == 0 else 0, x2] = Fraction(1, V)
    return JointLaw(a)


def _witness(kind: str):
    def global_checks(suite):
        from ..adaptive.core import kl
        from ..adaptive.eb import EB
        from ..adaptive.entropy_sum import entropy_sum_chain

        law, gamma = tight_witness(), EB_GAMMAS[0]
        chain = entropy_sum_chain(law, gamma, "entropy", "lowest")
        label = "witness: X_1 = [X_2 = 0], X_2 uniform on 6 values (tightness)"
        if kind == "step":
            lhs, rhs = chain["max_tc"], gamma
        else:
            lhs, rhs = kl(law.array, EB(2, gamma, Fraction(1), 2, "lowest").law(law), True), chain["steps"] * gamma
        return [Check(lhs, rhs, "le", None, label, law=law)], {"witness ratio (tightness)": float(lhs) / float(rhs)}
    return global_checks


register_catalogue(Claim(
    id="EB-step", source="derived", provenance=PROV_STEP, kind="le",
    statement="every step of the EB-sampler reveals a block whose conditional total correlation is at most gamma",
    formula="condTC(X_S | x_R) <= sum_{j in S} H_j - max_{j in S} H_j <= gamma",
    hypotheses=HYP + "; plus a witness of tightness", quantifier="each law and schedule", case_checks=_step_checks,
    global_checks=_witness("step"),
    requires=("exactdlm.adaptive.entropy_sum:entropy_sum_chain",)))

register_catalogue(Claim(
    id="EB-KL", source="derived", provenance=PROV_KL, kind="le",
    statement="with exact conditionals the EB-sampler's output law is within gamma times the expected number of steps "
              "of p in KL (and equals the expected sum of the steps' conditional TC for a deterministic tie rule)",
    formula="KL(p || q_EB) = E_p sum_t condTC_t <= gamma · E_p[#steps]",
    hypotheses=HYP + "; plus a witness of tightness", quantifier="each law and schedule", case_checks=_kl_checks,
    global_checks=_witness("kl"),
    requires=("exactdlm.adaptive.eb:EB",)))
