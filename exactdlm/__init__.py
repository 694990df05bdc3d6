"""exactdlm: exact laws of masked diffusion samplers and certified checks of the theorems about them.

The public API, re-exported; nothing else lives here. Sizes are in reveal order, logs natural.
"""

from .exact import LogForm
from .info import (
    conditional_tc,
    dual_total_correlation,
    entropy_profile,
    info_curve,
    joint_entropy,
    mi_sum,
    optimal_schedule,
    subset_entropies,
    total_correlation,
)
from .laws import JointLaw, as_law
from .sampler import expected_kl, expected_kl_enumerated

__all__ = [
    "JointLaw",
    "LogForm",
    "as_law",
    "conditional_tc",
    "dual_total_correlation",
    "entropy_profile",
    "expected_kl",
    "expected_kl_enumerated",
    "info_curve",
    "joint_entropy",
    "mi_sum",
    "optimal_schedule",
    "subset_entropies",
    "total_correlation",
]

__version__ = "0.1.0"
