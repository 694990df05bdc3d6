"""Value-adaptive decoding: rules that choose which positions to reveal from the values seen (docs/theory.md §2a, §4 (E5)).

Above the engine (it reads the engine's conditionals and lattice), below the spec strings,
claims and search. Modules:

* ``core``   -- exact conditionals of a law or predictor, scores, ties (lowest index), output arrays;
* ``policy`` -- deterministic value-adaptive policies (confidence, margin, entropy, threshold)
  and their exact law, KL and (E5) chain rule;
* ``select`` -- sample-then-select: draw every masked token, keep the most confident ones;
* ``steplaw`` -- the exact law of a step-by-step decoder (score, pick positions, draw), ties
  uniform or lowest-index, shared by the production presets:
* ``llada``, ``dream``, ``fastdllm``, ``mdlm`` -- those samplers exactly as their code decides
  (docs/theory.md §2a).
"""

from .policy import RULES, Policy, adaptive_chain_rule, adaptive_kl, adaptive_law, compare_policies
from .select import SELECT_DRAW_CAP, sample_then_select_kl, sample_then_select_law, select_draw_estimate
from .dream import Dream
from .fastdllm import FastDLLM
from .llada import LLaDA
from .mdlm import MDLM
from .steplaw import PRESET_WORK_CAP

__all__ = [
    "MDLM", "PRESET_WORK_CAP", "Dream", "FastDLLM", "LLaDA",
    "RULES", "Policy", "SELECT_DRAW_CAP", "adaptive_chain_rule", "adaptive_kl", "adaptive_law",
    "compare_policies", "sample_then_select_kl", "sample_then_select_law", "select_draw_estimate",
]
