"""Exact numbers: log-forms, their exact zero test and certified signs (docs/theory.md §7).

The bottom layer of the package, beside nothing: it imports only the standard library, numpy
and mpmath, and every other layer may import it. Modules, from the bottom:

* ``fixed``   -- fixed-point enclosures of integer log-forms ``C + sum A_n log n``;
* ``coprime`` -- coprime bases, the exact zero test and the certified sign on integer forms;
* ``logform`` -- :class:`LogForm`, ``const + sum c_r log r`` with rational ``const, c_r, r``;
* ``outward`` -- float intervals with outward rounding (certified enclosures at float speed);
* ``decide``  -- ``certified_sign``, ``canonical`` and ``compare_sides`` on exact values,
  intervals and floats (the verdict of one comparison, :class:`Comparison`).
"""

from .decide import Comparison, canonical, certified_sign, compare_sides, format_bounds
from .logform import LogForm, _set_canonical, compare, is_zero, log_form_is_zero, to_logform

_set_canonical(canonical)  # str(LogForm) prints the canonical form (logform sits below decide)

__all__ = [
    "Comparison",
    "LogForm",
    "canonical",
    "certified_sign",
    "compare",
    "compare_sides",
    "format_bounds",
    "is_zero",
    "log_form_is_zero",
    "to_logform",
]
