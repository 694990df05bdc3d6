"""Shared test set-up: hypothesis profiles and a warm-up of the numba kernels.

hypothesis loads its own ``ci`` profile when ``CI`` is set; we only register a ``dev``
profile on top and never override ``ci``. Kernels are compiled once per session before any
hypothesis test runs, so no example pays for a JIT compile.
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=25, suppress_health_check=[HealthCheck.too_slow])
if not os.environ.get("CI"):
    settings.load_profile(os.environ.get("EXACTDLM_HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session", autouse=True)
def warm_kernels():
    from exactdlm.engine.info import entropy_profile
    from exactdlm.engine.sampler import sampler_law

    rng = np.random.default_rng(0)
    for V, L in ((2, 3), (3, 2)):
        p = rng.random((V,) * L)
        p /= p.sum()
        entropy_profile(p)
        sampler_law(p, (1,) * L)
        sampler_law(p, (L,))
    yield
