"""The 2026 presets (issue 21): exact output laws, medians; the calibration of their time guard.

``python -m benchmarks --module presets_2026``. One exact random rational law per shape (seeded);
each case names the guard's estimate ``SECONDS_PER_EXPANSION × bound`` in its info, so the
recorded medians show how far above the real time the estimate sits.
"""

from __future__ import annotations

from benchmarks import Case
from exactdlm.adaptive.entropy_sum import SECONDS_PER_EXPANSION
from exactdlm.decoding import output_law
from exactdlm.laws import families

SHAPES = ((5, 3), (6, 2))


def cases():
    for L, V in SHAPES:
        law = families.random_rational(L, V, seed=0)
        bound = L * (2 * V + 1) ** L
        for spec, factor in (("eb:gamma=1", 1), ("caili:eps=1", 2), ("fastdllm:factor=1,T=1", 1),
                             ("fastdllm_dream:rule=entropy,steps=3,T=1", 2), (f"dus:block={L},T=1", 1)):
            yield Case(f"{spec} L={L} V={V}", lambda law=law, spec=spec: output_law(law, spec),
                       info={"L": L, "V": V, "estimate_s": bound * factor * SECONDS_PER_EXPANSION})
    law = families.random_rational(5, 2, seed=0)
    for sampler in ("cap,eta=0.1", "loop,eta=0.1,t_on=0.6,t_off=0.2,alpha_on=0.7"):
        yield Case(f"remdm:steps=8,sampler={sampler} L=5 V=2",
                   lambda s=sampler: output_law(law, f"remdm:steps=8,sampler={s}"),
                   info={"L": 5, "V": 2, "estimate_s": 8 * 3**10 * SECONDS_PER_EXPANSION})
