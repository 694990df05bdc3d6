"""Shared helpers for the notebooks (one place for them): sizes, the figures directory, the
headline-number record and the log-log slope fit.

* ``SMALL``: true when the environment variable ``SMALL`` is set to anything but ``""``/``"0"``;
  every notebook shrinks its sizes with :func:`pick` so the whole set runs in CI time.
* Figures go to ``$EXACTDLM_FIGURES_DIR`` when it is set (the tests use a fresh directory so
  they never overwrite the committed figures), else to ``notebooks/figures/``.
* :func:`record` writes ``<figures dir>/<notebook>.json``: the headline numbers a notebook
  prints, with what the tests need to recompute them from the engine.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules and not os.environ.get("DISPLAY"):
    matplotlib.use("Agg")  # headless: scripts, CI, ``exactdlm notebooks``

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

SMALL = os.environ.get("SMALL", "") not in ("", "0")
FIG_DIR = Path(os.environ.get("EXACTDLM_FIGURES_DIR") or Path(__file__).resolve().parent / "figures")
FIG_DIR.mkdir(parents=True, exist_ok=True)

plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 110, "axes.grid": True, "grid.alpha": 0.3})


def pick(full, small):
    """``small`` when ``SMALL`` is set, else ``full``."""
    return small if SMALL else full


def save(fig, name: str) -> Path:
    """Save ``fig`` as ``<figures dir>/<name>.png`` and return the path."""
    path = FIG_DIR / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path)
    print(f"saved {path}")
    return path


def _plain(x):
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    return x


def record(notebook: str, data: dict) -> Path:
    """Write the headline numbers of ``notebook`` to ``<figures dir>/<notebook>.json``."""
    path = FIG_DIR / f"{notebook}.json"
    payload = {"notebook": notebook, "small": SMALL, **_plain(data)}
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
    print(f"saved {path}")
    return path


def loglog_slope(xs, ys) -> float:
    """Least-squares slope of ``log y`` against ``log x`` (points with ``y > 0``)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if y > 0]
    if len(pts) < 2:
        raise ValueError("a slope needs at least two points with y > 0")
    X, Y = np.array(pts).T
    return float(np.polyfit(X, Y, 1)[0])


def linear_fit(xs, ys) -> tuple[float, float]:
    """Least-squares ``(slope, intercept)`` of ``y`` against ``x``."""
    a, b = np.polyfit(np.asarray(xs, float), np.asarray(ys, float), 1)
    return float(a), float(b)
