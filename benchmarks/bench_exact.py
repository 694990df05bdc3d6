"""Benchmarks of the exact sampler law (issue 14) against the ``Fraction`` DP.

Law: ``families.random_rational(L, 2, seed=0)`` (integer weights 1..12), sizes
``(L//2, L - L//2)``. Baseline: the ``Fraction`` DP (``engine="fraction"``, the pure-Python twins
of the kernels on ``Fraction`` object arrays). Ours: the multimodular DP (``engine="auto"``,
``exactdlm.engine.multimodular``). ``mixture_kl`` includes building the exact ``LogForm``
``KL(p || q)``.

Goals (issue 14): >= 10x the Fraction DP at L = 10 for ``sampler_law`` and ``mixture_kl``;
exact ``mixture_kl`` at L = 12 under 10 s, at L = 13 under 2 minutes; L = 14 measured. The
Fraction DP at L = 12 (about 2 minutes, run once after a warm-up run) gives the L = 12 ratio.
Run with the time cap off: ``EXACTDLM_TIME_CAP=0 python -m benchmarks --module exact [--only NAME]``.
"""

from __future__ import annotations

from benchmarks import Case
from exactdlm import families
from exactdlm.engine import cost
from exactdlm.engine.dp import DPEngine
from exactdlm.engine.sampler import mixture_kl, sampler_law
from exactdlm.schedules import as_schedule


def _sizes(L: int):
    return (L // 2, L - L // 2)


def _estimate(p, sizes, arithmetic) -> dict:
    """The time guard's estimate of the run (``engine.cost``), recorded beside the median."""
    eng = DPEngine(p, None)
    secs, detail, _ = cost.sampler_seconds(eng, as_schedule(sizes, p.L), arithmetic)
    return {"estimate_s": round(secs, 4), "estimate": detail}


def cases():
    laws = {}

    def law(L):
        if L not in laws:
            laws[L] = families.random_rational(L, 2, seed=0)
        return laws[L]

    L = 10
    for what, fn in (("sampler_law", sampler_law), ("mixture_kl", mixture_kl)):
        base = f"exact {what} L=10 V=2 (5,5): Fraction DP"
        yield Case(base, lambda fn=fn: fn(law(L), _sizes(L), engine="fraction"), repeat=3,
                   info=_estimate(law(L), _sizes(L), "fraction"))
        yield Case(f"exact {what} L=10 V=2 (5,5): multimodular", lambda fn=fn: fn(law(L), _sizes(L)),
                   baseline=base, goal=">= 10x the Fraction DP", info=_estimate(law(L), _sizes(L), "modular"))
    base12 = "exact mixture_kl L=12 V=2 (6, 6): Fraction DP"
    yield Case(base12, lambda: mixture_kl(law(12), _sizes(12), engine="fraction"), repeat=1,
               info=_estimate(law(12), _sizes(12), "fraction"))
    for L, goal, rep in ((12, "< 10 s", 3), (13, "< 120 s", 1), (14, "measured", 1)):
        yield Case(f"exact mixture_kl L={L} V=2 {_sizes(L)}: multimodular",
                   lambda L=L: mixture_kl(law(L), _sizes(L)), goal=goal, repeat=rep,
                   baseline=base12 if L == 12 else None, info=_estimate(law(L), _sizes(L), "modular"))
