"""The time guard's estimates against measured runs (issue 23): every preset, every algorithm.

``python -m benchmarks --module guard`` records each run's median with the guard's estimate
(``estimate_s`` in ``results.json``); ``python -m benchmarks.bench_guard`` runs each case
and prints the estimate, the fastest of up to three measured runs and their ratio (goal: within 3x either way).
The laws have full support (the estimates count every state a full-support law reaches).
Measured 2026-12-06 (``python -m benchmarks --module guard --repeat 3``, load 4.3-5.0 on the
shared 2 cores): estimate/median between 0.33 (Fast-dLLM float, L = 8) and 2.04 (Dream
``maskgit_plus`` at T = 1/2); run to run the medians themselves moved by up to 2x.
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction

from benchmarks import Case
from exactdlm.decoding import parse_schedule_spec
from exactdlm.laws import families


def _laws():
    return {
        "rr": lambda L, V: families.random_rational(L, V, seed=3),
        "nr": lambda L, V: families.noisy_repetition(L, Fraction(1, 10)),
        "float": lambda L, V: families.dirichlet(L, V, 1.0, seed=2),
    }


#: (spec, law kind, L, V)
CASES = (
    ("llada:steps=6,T=1", "rr", 6, 2),
    ("llada:steps=4,block=2,T=1", "rr", 4, 3),
    ("llada:steps=6,T=1,remask=random", "rr", 6, 2),
    ("llada:steps=200000,block=2,T=0", "nr", 4, 2),
    ("llada:steps=8,T=1", "float", 8, 2),
    ("dream:steps=6,alg=maskgit_plus,T=1/2", "rr", 5, 3),
    ("dream:steps=6,alg=entropy,T=1", "rr", 5, 2),
    ("dream:steps=6,alg=topk_margin,T=1", "rr", 6, 2),
    ("dream:steps=20000,alg=topk_margin,T=1", "rr", 4, 2),
    ("dream:steps=4,alg=maskgit_plus,T=1,alg_temp=1", "float", 5, 2),
    ("dream:steps=300,alg=origin", "nr", 2, 2),
    ("dream:steps=1000,alg=origin", "nr", 2, 2),
    ("dream:steps=40,alg=origin,T=1", "rr", 3, 2),
    ("mdlm:steps=20000", "nr", 2, 2),
    ("mdlm:steps=200", "rr", 4, 2),
    ("mdlm:steps=200,noise=cosine", "rr", 4, 2),
    ("fastdllm:threshold=0.5,T=1", "rr", 6, 2),
    ("fastdllm:threshold=0.5,block=2,T=1,model=dream", "rr", 6, 3),
    ("fastdllm:threshold=0.9,T=1", "float", 8, 2),
)


def _setup(spec, kind, L, V):
    law = _laws()[kind](L, V)
    rule = parse_schedule_spec(spec, L, law)
    return law, rule


def cases():
    for spec, kind, L, V in CASES:
        law, rule = _setup(spec, kind, L, V)
        yield Case(f"guard {spec} {kind} L={L} V={V}", lambda law=law, rule=rule: rule.law(law),
                   goal="estimate within 3x", info={"estimate_s": rule.work(law), "spec": spec, "L": L, "V": V})


def main() -> int:
    print(f"{'case':58s} {'estimate s':>10s} {'actual s':>9s} {'est/actual':>10s}")
    worst = 1.0
    for spec, kind, L, V in CASES:
        law, rule = _setup(spec, kind, L, V)
        est = rule.work(law)
        runs = []
        for _ in range(3):  # the fastest of three: the machine is shared
            t0 = time.perf_counter()
            rule.law(law)
            runs.append(time.perf_counter() - t0)
            if runs[-1] > 2:
                break
        actual = min(runs)
        ratio = est / actual
        worst = max(worst, ratio, 1 / ratio)
        print(f"{spec + ' ' + kind + f' L={L} V={V}':58s} {est:10.3g} {actual:9.3g} {ratio:10.2f}", flush=True)
    print(f"worst factor: {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
