"""Cai & Li's entropy-sum rule (arXiv 2603.22248): what follows from the rule itself (docs/theory.md §5, §9).

Cai & Li prove (abstract; the full text was not at hand) that the rule "continue unmasking
tokens within each iteration until the cumulative entropy exceeds a threshold" reaches
``KL <= ε`` with ``E[#iterations] = Õ(H(X)/ε)``. The constants and the exact threshold are not
available, so the theorem itself is not checked: its figure ``E_p[#iterations]·ε/H(X)`` is
reported across the suite as evidence (the Õ constant is unknown). What the rule implies by
itself, for the reading of :mod:`exactdlm.adaptive.eb` (``caili:eps=ε``, a uniformly random
order each iteration, the crossing token revealed, exact conditionals at ``T = 1``):

* [CL-step] each iteration's block has ``condTC(X_S | x_R) <= ε``: the positions revealed
  before the last one sum to ``<= ε``, and ``condTC <= sum_S H_j - max_S H_j``;
* [CL-KL] ``KL(p || q) <= E Σ_t condTC_t <= ε · E[#iterations]`` (E5 for each fixed draw of the
  orders, then convexity of KL over the mixture);
* [CL-iter] ``ε (E[#iterations] - 1) <= E Σ_t Σ_{j in S_t} H_j = H(X) + E Σ_t condTC_t``: every
  iteration but the last reveals entropy ``> ε``, and the revealed entropies sum to ``H(X)`` plus
  the dependence they ignore (chain rule along the adaptive path; checked as an identity too).
  With CL-KL: ``E[#iterations] <= 1 + (H(X) + KL-side)/ε`` — the ``H(X)/ε`` shape of the theorem,
  with constant 1 up to the conditional-TC term, for this reading.

Expectations are over ``x ~ p`` and the rule's orders; checked exactly on the suite's lattice
laws with at most :data:`CL_MAX_CELLS` outcomes, for ``ε`` in :data:`CL_EPS`.
"""

from __future__ import annotations

from fractions import Fraction

from . import Check, Claim, Provenance, register_catalogue

CL_MAX_CELLS = 32
CL_EPS = (Fraction(1, 2),)
PAPER = "Cai & Li, arXiv 2603.22248"
PROV = Provenance(paper=PAPER, theorem="entropy-sum rule (abstract); consequences derived here", kind="derived")
HYP = (f"lattice laws with V^L <= {CL_MAX_CELLS}, exact predictor at T = 1, eps in "
       f"{{{', '.join(str(e) for e in CL_EPS)}}}; a uniformly random order each iteration (the reading of caili:eps=...)")


def applies(ctx) -> bool:
    return bool(ctx.lattice) and ctx.V**ctx.L <= CL_MAX_CELLS


def _chain(ctx, eps):
    from .eb import cached_chain

    return cached_chain(ctx, eps, "random", "uniform")


def _step(ctx):
    if not applies(ctx):
        return
    for eps in CL_EPS:
        c = _chain(ctx, eps)
        yield Check(c["max_tc"], eps, "le", None, f"max condTC over iterations, eps={eps}", note={"eps": str(eps)},
                    figures={"largest max condTC / eps": ("max", float(c["max_tc"]) / float(eps))})


def _kl(ctx):
    from ..adaptive.core import kl
    from ..adaptive.eb import CaiLi

    if not applies(ctx):
        return
    p = ctx.law.base
    for eps in CL_EPS:
        c = _chain(ctx, eps)
        q = CaiLi(ctx.L, eps, "random", Fraction(1), "uniform").law(p)
        div = kl(p.array if p.exact else p.float_array(), q, p.exact)
        note = {"eps": str(eps)}
        yield Check(div, c["tc_sum"], "le", None, f"KL <= E sum condTC, eps={eps}", note=note, rated=False)
        bound = c["steps"] * eps
        fb = float(bound)
        yield Check(div, bound, "le", None, f"KL <= eps E[#iterations], eps={eps}", note=note,
                    figures={"largest KL / (eps E[#iterations])": ("max", float(div) / fb)} if fb > 1e-12 else None)


def _iter(ctx):
    if not applies(ctx):
        return
    H = ctx.H
    for eps in CL_EPS:
        c = _chain(ctx, eps)
        note = {"eps": str(eps)}
        yield Check(c["revealed"], H + c["tc_sum"], "eq", None, f"revealed entropy = H(X) + E sum condTC, eps={eps}",
                    note=note, rated=False)
        figures = {}
        fH = float(H)
        if fH > 1e-12:
            figures = {"largest E[#iterations] eps / H(X)": ("max", float(c["steps"]) * float(eps) / fH),
                       "smallest E[#iterations] eps / H(X)": ("min", float(c["steps"]) * float(eps) / fH)}
        yield Check((c["steps"] - 1) * eps, c["revealed"], "le", None,
                    f"eps (E[#iterations] - 1) <= H(X) + E sum condTC, eps={eps}", note=note, figures=figures or None)


register_catalogue(Claim(
    id="CL-step", source="derived", provenance=PROV, kind="le",
    statement="each iteration of the Cai-Li entropy-sum rule reveals a block with conditional total correlation at most eps",
    formula="condTC(X_S | x_R) <= eps", hypotheses=HYP, case_checks=_step,
    requires=("exactdlm.adaptive.entropy_sum:entropy_sum_chain",)))

register_catalogue(Claim(
    id="CL-KL", source="derived", provenance=PROV, kind="le",
    statement="the Cai-Li rule's output law is within eps times the expected number of iterations of p in KL "
              "(the KL <= eps half of their theorem, in the form the rule itself gives; their threshold choice is unknown)",
    formula="KL(p || q_CL) <= E sum_t condTC_t <= eps · E[#iterations]", hypotheses=HYP, case_checks=_kl,
    requires=("exactdlm.adaptive.eb:CaiLi",)))

register_catalogue(Claim(
    id="CL-iter", source="derived", provenance=PROV, kind="le",
    statement="the Cai-Li rule needs at most 1 + (H(X) + E sum condTC)/eps iterations on average; "
              "E[#iterations]·eps/H(X) is reported as evidence for their Õ(H(X)/eps) (whose constant is unknown)",
    formula="eps (E[#iterations] - 1) <= E sum_t sum_{j in S_t} H_j = H(X) + E sum_t condTC_t",
    hypotheses=HYP, case_checks=_iter, requires=("exactdlm.adaptive.eb:CaiLi",)))
