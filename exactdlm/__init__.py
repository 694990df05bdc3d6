"""exactdlm: exact laws of masked diffusion samplers and certified checks of the theorems about them.

The public API, re-exported; nothing else lives here. Sizes are in reveal order, logs natural.
Exact (rational) laws give exact values (:class:`LogForm`); float laws give floats.
"""

import sys as _sys

from . import schedules, structured
from .laws import families
from .adaptive import (
    RULES as ADAPTIVE_RULES,
    adaptive_chain_rule,
    adaptive_kl,
    adaptive_law,
    sample_then_select_kl,
    sample_then_select_law,
)
from .arith import Comparison, LogForm, canonical, certified_sign, compare_sides, log_form_is_zero
from .engine.divergence import chi2, kl, tv
from .engine.measures import coinformation, entropy, mutual_information, o_information
from .engine.info import (
    conditional_tc,
    dual_total_correlation,
    entropy_profile,
    info_curve,
    joint_entropy,
    mi_sum,
    subset_entropies,
    total_correlation,
)
from .decoding import optimal_schedule, output_law
from .laws import JointLaw, as_law
from .laws.dit_export import to_dit
from .engine.lattice import Lattice
from .engine.predictors import as_predictor, mix_uniform, noisy, temperature
from .engine.sampler import (
    epsilon_train,
    expected_kl,
    expected_kl_enumerated,
    learning_error,
    mixture_kl,
    pattern_law,
    sampler_law,
)

# the claims layer sits above the engine: imported last
from . import suites  # noqa: E402
from .claims import Claim, claim, load_claims_file, verify  # noqa: E402

__all__ = [
    "ADAPTIVE_RULES",
    "Claim",
    "Comparison",
    "JointLaw",
    "Lattice",
    "LogForm",
    "adaptive_chain_rule",
    "output_law",
    "adaptive_kl",
    "adaptive_law",
    "as_law",
    "as_predictor",
    "canonical",
    "certified_sign",
    "chi2",
    "claim",
    "coinformation",
    "compare_sides",
    "conditional_tc",
    "dual_total_correlation",
    "entropy",
    "entropy_profile",
    "epsilon_train",
    "expected_kl",
    "expected_kl_enumerated",
    "families",
    "info_curve",
    "joint_entropy",
    "kl",
    "learning_error",
    "load_claims_file",
    "log_form_is_zero",
    "mi_sum",
    "mix_uniform",
    "mixture_kl",
    "mutual_information",
    "noisy",
    "o_information",
    "optimal_schedule",
    "pattern_law",
    "sample_then_select_kl",
    "sample_then_select_law",
    "sampler_law",
    "schedules",
    "structured",
    "subset_entropies",
    "suites",
    "temperature",
    "to_dit",
    "total_correlation",
    "tv",
    "verify",
]

__version__ = "0.1.0"

# ``import exactdlm.families`` and ``from exactdlm.families import ...`` keep working: the
# families live in the laws layer (``exactdlm.laws.families``).
_sys.modules.setdefault(__name__ + ".families", families)
