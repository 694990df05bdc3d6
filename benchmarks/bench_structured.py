"""Structured-engine benchmarks (issue 8): EKL of a Markov chain and of an exchangeable law
as L grows to 4096, the exchangeable mixture law (count DP) at L = 4096 with K = 64, the
optimal-schedule DP, and the structured part of the ``large`` suite.

Every timed call builds a fresh law, so the times include the profile / layers (no cache).
Baselines: the lattice engine on the same law at L = 16 (``info.entropy_profile`` +
``sampler.expected_kl`` on the ``(2,)*16`` array) and the pure-Python optimal-schedule DP of
``decoding.optimal_schedule`` at L = 256.
"""

from __future__ import annotations

from fractions import Fraction as F

from benchmarks import Case
from exactdlm.laws import families
from exactdlm.engine import info, sampler
from exactdlm.schedules import balanced
import exactdlm.structured as S
from exactdlm.structured import suite
from exactdlm.decoding import optimal_schedule

P2 = [[F(9, 10), F(1, 10)], [F(1, 5), F(4, 5)]]
ETA = F(1, 10)
LENGTHS = (256, 1024, 4096)


def _markov_ekl(L):
    law = S.markov_chain(L, P2)
    return law.expected_kl(balanced(L, 64 if L >= 64 else 2))


def _exch_ekl(L):
    law = S.noisy_repetition(L, ETA)
    return law.expected_kl(balanced(L, 64 if L >= 64 else 2))


def _mixture(L, K):
    law = S.noisy_repetition(L, ETA)
    return law.mixture_kl(balanced(L, K))


def _lattice_ekl_16(make):
    joint = make()
    return sampler.expected_kl(joint, balanced(16, 2))


def _suite_part():
    """What the structured layer does for ``verify --suite large``: build the cases (with the
    optimal schedules), evaluate every named schedule's EKL and TC/DTC/ΣI of every law, and
    the mixture KL where a structured algorithm exists (exchangeable laws, closed forms)."""
    total = 0.0
    for case in suite.large_suite():
        law = case["law"]
        total += law.total_correlation() + law.dual_total_correlation() + law.mi_sum()
        for s in case["schedules"]:
            total += law.expected_kl(s)
        for r in case["random_schedules"].values():
            total += law.expected_kl(r)
        if not isinstance(law, S.MarkovChain):
            for s in case["schedules"][:4]:
                total += law.mixture_kl(s)
    return total


def cases():
    info_tag = {"engine": "structured"}
    yield Case("structured lattice baseline: EKL markov_chain L=16 (lattice)",
               lambda: _lattice_ekl_16(lambda: families.markov_chain(16, [[0.9, 0.1], [0.2, 0.8]])),
               repeat=3, info={"L": 16})
    yield Case("structured: EKL markov_chain L=16", lambda: _markov_ekl(16),
               baseline="structured lattice baseline: EKL markov_chain L=16 (lattice)", info={"L": 16, **info_tag})
    for L in LENGTHS:
        yield Case(f"structured: EKL markov_chain L={L}", lambda L=L: _markov_ekl(L),
                   goal="<= 1 s at L=4096" if L == 4096 else "", info={"L": L, **info_tag})
    yield Case("structured lattice baseline: EKL noisy_repetition L=16 (lattice)",
               lambda: _lattice_ekl_16(lambda: families.noisy_repetition(16, 0.1)), repeat=3, info={"L": 16})
    yield Case("structured: EKL noisy_repetition L=16", lambda: _exch_ekl(16),
               baseline="structured lattice baseline: EKL noisy_repetition L=16 (lattice)", info={"L": 16, **info_tag})
    for L in LENGTHS:
        yield Case(f"structured: EKL noisy_repetition L={L}", lambda L=L: _exch_ekl(L),
                   goal="<= 1 s at L=4096" if L == 4096 else "", info={"L": L, **info_tag})
    for L in LENGTHS:
        yield Case(f"structured: mixture law noisy_repetition L={L} K=64", lambda L=L: _mixture(L, 64),
                   goal="<= 10 s at L=4096" if L == 4096 else "", info={"L": L, "K": 64, **info_tag})
    yield Case("structured: mixture law noisy_repetition L=4096 K=1024", lambda: _mixture(4096, 1024),
               repeat=3, info={"L": 4096, "K": 1024, **info_tag})
    yield Case("structured baseline: optimal schedule m=16 L=256 (decoding.optimal_schedule, Python)",
               lambda: optimal_schedule(S.markov_chain(256, P2), 16), repeat=1, info={"L": 256, "m": 16})
    yield Case("structured: optimal schedule m=16 L=256 (numba DP)", lambda: S.markov_chain(256, P2).optimal_schedule(16),
               baseline="structured baseline: optimal schedule m=16 L=256 (decoding.optimal_schedule, Python)",
               info={"L": 256, "m": 16, **info_tag})
    yield Case("structured: optimal schedule m=32 L=4096 (numba DP)", lambda: S.markov_chain(4096, P2).optimal_schedule(32),
               repeat=3, info={"L": 4096, "m": 32, **info_tag})
    yield Case("structured: large suite, structured part (laws, schedules, EKL, mixture KL)", _suite_part,
               goal="<= 600 s", repeat=1, info=info_tag)
    yield Case("structured: figures at L in (64, 256, 1024, 4096)", lambda: suite.figures(), goal="", repeat=1,
               info=info_tag)
