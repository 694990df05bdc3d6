"""Value-adaptive rules and sample-then-select: exact output laws (float), medians.

``python -m benchmarks --module adaptive``. One random float law per shape (seeded); the
rules run with unit steps (the deepest decision tree) and threshold tau = 0.6.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from benchmarks import Case
from exactdlm.adaptive import adaptive_chain_rule, adaptive_law, sample_then_select_law
from exactdlm.laws.joint import exact_array

SHAPES = ((8, 2), (6, 3))


def _law(L: int, V: int) -> np.ndarray:
    p = np.random.default_rng(1000 * L + V).random((V,) * L)
    return p / p.sum()


def cases():
    for L, V in SHAPES:
        p = _law(L, V)
        for rule in ("confidence", "margin", "entropy"):
            yield Case(
                f"adaptive_law {rule} unit steps L={L} V={V}",
                lambda p=p, rule=rule, L=L: adaptive_law(p, rule, (1,) * L),
                info={"L": L, "V": V, "rule": rule},
            )
        yield Case(
            f"adaptive_law threshold tau=0.6 L={L} V={V}",
            lambda p=p: adaptive_law(p, "threshold", tau=0.6),
            info={"L": L, "V": V, "rule": "threshold"},
        )
        yield Case(
            f"sample_then_select_law unit steps L={L} V={V}",
            lambda p=p, L=L: sample_then_select_law(p, (1,) * L),
            repeat=3,
            info={"L": L, "V": V, "rule": "select"},
        )
    # exact (Fraction) mode: a random rational law with small integer weights
    L, V = 6, 3
    w = np.random.default_rng(7).integers(0, 5, V**L)
    w[0] += 1
    pe = exact_array([Fraction(int(x), int(w.sum())) for x in w], (V,) * L)
    yield Case(
        f"adaptive_law confidence unit steps L={L} V={V} exact",
        lambda: adaptive_law(pe, "confidence", (1,) * L),
        repeat=3,
        info={"L": L, "V": V, "rule": "confidence", "exact": True},
    )
    yield Case(
        f"adaptive_chain_rule (E5 right side) entropy sizes (2,2,2) L={L} V={V} exact",
        lambda: adaptive_chain_rule(pe, "entropy", (2, 2, 2)),
        repeat=3,
        info={"L": L, "V": V, "rule": "entropy", "exact": True},
    )
