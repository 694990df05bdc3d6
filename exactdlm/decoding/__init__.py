"""What to run: the law-dependent optimal schedule and the spec strings that name every decoding procedure.

Sits above the engine, the adaptive rules and the structured laws (it asks them for curves
and laws); below claims, search and the command line.

* ``optimal`` -- :func:`optimal_schedule`, the minimal-EKL ``K``-step schedule of a law;
* ``specs``   -- :func:`parse_schedule_spec`, :class:`AdaptiveSpec`, the production presets'
  grammar (:func:`parse_preset`) and :func:`output_law`.
"""

from .optimal import optimal, optimal_schedule
from .specs import ADAPTIVE_RULES, PRESETS, AdaptiveSpec, is_preset, output_law, parse_preset, parse_schedule_spec, with_ties

__all__ = ["ADAPTIVE_RULES", "PRESETS", "AdaptiveSpec", "optimal", "optimal_schedule", "output_law",
           "is_preset", "parse_preset", "parse_schedule_spec", "with_ties"]
