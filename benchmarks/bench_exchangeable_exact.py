"""Exact paths of exchangeable laws (issue 14): the integer arithmetic of
``structured.count_exact`` against its ``Fraction`` twin (``engine="fraction"``).

* the exact profile (``entropy_profile(exact=True)``) of noisy repetition (eta = 1/10) and of
  the 5-component mixture of the large suite, L = 64, 128, 256;
* the exact mixture KL (count DP) of noisy repetition with two balanced steps at L = 64, 128
  (the rationals of ``Q`` have ~22,000 and ~176,000 bits), and with the optimal 4-step schedule
  at L = 256 (~32,000 bits); ``estimate_s`` records the time guard's estimate next to it.

Every timed call builds a fresh law (no cache). Baseline of each integer case: the ``Fraction``
twin on the same law and schedule.
"""

from __future__ import annotations

from fractions import Fraction as F

from benchmarks import Case
from exactdlm.schedules import balanced
import exactdlm.structured as S
from exactdlm.structured import count_exact, sizes

MIX_W = [F(1, 5)] * 5
MIX_TH = [[1 - F(k, 6), F(k, 6)] for k in range(1, 6)]
LAWS = {"noisy_repetition": lambda L: S.noisy_repetition(L, F(1, 10)),
        "mixture5": lambda L: S.exchangeable_mixture(L, MIX_W, MIX_TH)}


def _profile(name, L, engine):
    return LAWS[name](L)._exact_profile(engine=engine)


def _kl(L, sizes_, engine):
    return S.noisy_repetition(L, F(1, 10)).mixture_kl(sizes_, exact=True, engine=engine)


def _estimate(L, sizes_):
    law = S.noisy_repetition(L, F(1, 10))
    return count_exact.count_dp_seconds(law._integer_counts(), sizes.size_chain(sizes_, L))[0]


def cases():
    for name in LAWS:
        for L in (64, 128, 256):
            twin = f"exchangeable exact: profile {name} L={L} (Fraction twin)"
            if L < 256:
                yield Case(twin, lambda name=name, L=L: _profile(name, L, "fraction"), repeat=1 if L > 64 else 3,
                           info={"L": L, "engine": "fraction"})
            yield Case(f"exchangeable exact: profile {name} L={L} (integers)",
                       lambda name=name, L=L: _profile(name, L, "integer"), baseline=twin if L < 256 else None,
                       goal="<= 1 s at L=256" if L == 256 else "", repeat=3, info={"L": L, "engine": "integer"})
    for L in (64, 128):
        sz = balanced(L, 2)
        twin = f"exchangeable exact: mixture KL noisy_repetition L={L} balanced:2 (Fraction twin)"
        yield Case(twin, lambda L=L, sz=sz: _kl(L, sz, "fraction"), repeat=1 if L > 64 else 3,
                   info={"L": L, "sizes": "balanced:2", "engine": "fraction"})
        yield Case(f"exchangeable exact: mixture KL noisy_repetition L={L} balanced:2 (integers)",
                   lambda L=L, sz=sz: _kl(L, sz, "integer"), baseline=twin, repeat=1 if L > 64 else 3,
                   info={"L": L, "sizes": "balanced:2", "engine": "integer", "estimate_s": _estimate(L, sz)})
    opt4 = S.noisy_repetition(256, F(1, 10)).optimal_schedule(4)[0]
    yield Case("exchangeable exact: mixture KL noisy_repetition L=256 optimal:4 (integers)",
               lambda: _kl(256, opt4, "integer"), goal="<= 2 s", repeat=3,
               info={"L": 256, "sizes": list(opt4), "engine": "integer", "estimate_s": _estimate(256, opt4)})
