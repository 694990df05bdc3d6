"""Benchmark harness: ``python -m benchmarks [--only SUBSTR] [--repeat N] [--no-save]``.

Each ``benchmarks/bench_*.py`` defines ``cases()`` yielding :class:`Case` objects. A case
with ``baseline="other case name"`` is reported as the ratio ``baseline median / median``
(how many times faster). Medians are merged by case name into ``benchmarks/results.json``
together with the machine they were measured on. Timing lives here, never in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Case:
    name: str
    fn: Callable[[], object]
    baseline: str | None = None
    goal: str = ""
    repeat: int | None = None
    setup: Callable[[], object] | None = None
    info: dict = field(default_factory=dict)
