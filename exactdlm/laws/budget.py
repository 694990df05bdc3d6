"""The time guard beside the memory guard (``laws.joint.check_fits``), and the progress bar.

Every exact computation (and every long float one) estimates its running time before it starts
and calls :func:`check_time`; above the cap it is refused at once with :class:`ComputationTooLong`
(a ``ValueError``: one line and exit status 2 on the command line) naming the estimate and the
ways out. The cap is ``EXACTDLM_TIME_CAP`` seconds (default 300; ``0`` disables the guard); the
command line's ``--max-seconds N`` sets it for one run. Estimates are calibrated on this
project's benchmark machine (each estimator's docstring says how) and aim to be right within a
factor of about 3; a run refused near the cap may have fitted, so the message says how to raise it.

Allowed long runs show a progress bar (tqdm) on stderr, only when stderr is a terminal, unless
``EXACTDLM_PROGRESS`` is ``0`` (``--quiet``: never) or ``1`` (``--progress``: always).
"""

from __future__ import annotations

import math
import os
import sys

#: seconds; a computation estimated to take longer is refused (``EXACTDLM_TIME_CAP``, 0 disables)
DEFAULT_TIME_CAP = 300.0
#: runs estimated above this many seconds show a progress bar (on a terminal)
PROGRESS_AFTER = 2.0


class ComputationTooLong(ValueError):
    """A computation whose estimated running time exceeds the time cap."""

    def __init__(self, what: str, seconds: float, cap: float, fixes: str = ""):
        self.what, self.seconds, self.cap = what, seconds, cap
        way_out = f"{fixes}; " if fixes else ""
        took = f"about {_duration(seconds)}" if math.isfinite(seconds) else "an unbounded time"
        super().__init__(
            f"{what} would take {took}, over the time cap of {_duration(cap)}; "
            f"{way_out}or raise the cap (EXACTDLM_TIME_CAP=SECONDS, --max-seconds N on the command line, 0 = no cap)"
        )


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "an unbounded time"
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.3g} h"
    return f"{seconds / 86400:.3g} days"


def parse_cap(raw, name: str, unit: str = "seconds", zero_disables: bool = True) -> float:
    """A cap read from ``name`` (an environment variable or an option): a finite number ``>= 0``
    (``> 0`` when ``zero_disables`` is false: a cap of 0 would refuse everything).

    The one place caps are validated: ``nan`` (which would compare false with every estimate
    and switch the guard off), ``inf``, negative and non-numeric values are a ``ValueError``
    naming ``name`` and the fix (``0`` is the way to disable the time cap).
    """
    wanted = (f"a finite number of {unit} >= 0 (0 = no cap)" if zero_disables
              else f"a positive finite number of {unit}")
    if isinstance(raw, bool):
        raise ValueError(f"{name} must be {wanted}, got {raw!r}")
    try:
        cap = float(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {wanted}, got {raw!r}") from None
    if math.isnan(cap) or math.isinf(cap) or cap < 0 or (cap == 0 and not zero_disables):
        raise ValueError(f"{name} must be {wanted}, got {raw!r}")
    return cap


def time_cap() -> float:
    """The cap in seconds (``EXACTDLM_TIME_CAP`` or :data:`DEFAULT_TIME_CAP`; ``0`` = no cap)."""
    raw = os.environ.get("EXACTDLM_TIME_CAP")
    if raw is None or raw.strip() == "":
        return DEFAULT_TIME_CAP
    return parse_cap(raw, "EXACTDLM_TIME_CAP")


def check_time(seconds: float, what: str, fixes: str = "") -> None:
    """Refuse a computation estimated to take ``seconds`` when that is over the cap (a NaN
    estimate, from an overflowed count, is refused too)."""
    cap = time_cap()
    if cap and not seconds <= cap:
        raise ComputationTooLong(what, seconds, cap, fixes)


def progress_enabled(estimate: float) -> bool:
    """Whether a run estimated at ``estimate`` seconds shows a bar (see the module docstring)."""
    mode = os.environ.get("EXACTDLM_PROGRESS", "")
    if mode == "0":
        return False
    if mode == "1":
        return True
    return estimate >= PROGRESS_AFTER and sys.stderr.isatty()


class NoBar:
    """A progress bar that shows nothing."""

    def update(self, n=1):
        pass

    def close(self):
        pass


def progress(total: float, desc: str, estimate: float, unit: str = "it"):
    """A tqdm bar on stderr when :func:`progress_enabled`, else an object whose ``update`` and
    ``close`` do nothing."""
    if not progress_enabled(estimate):
        return NoBar()
    from tqdm import tqdm

    return tqdm(total=round(total) if total else None, desc=desc, unit=unit, file=sys.stderr, leave=False)
