"""What to run: the law-dependent optimal schedule and the spec strings that name every decoding procedure.

Sits above the engine, the adaptive rules and the structured laws (it asks them for curves
and laws); below claims, search and the command line.

* ``optimal`` -- :func:`optimal_schedule`, the minimal-EKL ``K``-step schedule of a law;
* ``specs``   -- :func:`parse_schedule_spec` and :class:`AdaptiveSpec`.
"""

from .optimal import optimal, optimal_schedule
from .specs import ADAPTIVE_RULES, AdaptiveSpec, parse_schedule_spec

__all__ = ["ADAPTIVE_RULES", "AdaptiveSpec", "optimal", "optimal_schedule", "parse_schedule_spec"]
