"""Markov ground truths at real sizes: a user's transition matrix from a file, and the shipped
English character chain (issue 22; docs/theory.md §3, "Markov ground truths").

* :func:`transition_from_counts` turns a bigram count table into an exact rational transition
  matrix ``P(u, v) = (n_uv + lam) / (n_u + V lam)`` (``lam`` = additive smoothing, a rational).
* :func:`load_transition` reads a ``.npy`` (a ``V x V`` float or integer array) or a ``.json``
  file (a list of rows, or an object with ``"transition"`` and optionally ``"initial"``, or with
  ``"counts"``). Float matrices are read as the exact binary rationals they hold, each row
  divided by its exact sum, so every quantity downstream can be exact or certified; rows that
  are off by more than ``1e-9`` from summing to 1 are refused (a ValueError naming the row).
* :func:`english_bigram` is the shipped ground truth: 27 symbols (``a..z`` then space),
  character bigram counts of the King James Bible (public domain; the text is not shipped,
  ``exactdlm/structured/data/build_english_bigram.py`` rebuilds the counts from Debian's ``bible-kjv-text``),
  text8-style normalisation as in the peer study (Tang et al., ICML 2026).

Every matrix goes through :func:`check_transition`: square, ``2 <= V <= MAX_V``, entries
``>= 0``, no zero rows, rows summing to 1; the ValueError is one line naming what to fix.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np

from ._numerics import to_fraction
from .markov import MAX_V, MarkovChain

DATA = Path(__file__).resolve().parent / "data"
ENGLISH_FILE = DATA / "english_bigram_kjv.json"
#: tolerance on a float row's sum before it is renormalised exactly
ROW_SUM_TOL = 1e-9


def _fraction(x, what: str) -> Fraction:
    """An exact matrix entry: rationals and ``"p/q"`` strings as :func:`._numerics.to_fraction`
    reads them, floats as their exact binary value (a float row is renormalised later)."""
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise ValueError(f"{what} must be finite, got {x!r}")
        return Fraction(float(x))
    return to_fraction(x, what)


def check_transition(m, V: int | None = None, what: str = "transition") -> list:
    """``m`` as an exact row-stochastic matrix (list of lists of Fractions), or a ValueError.

    Exact entries must have rows summing to 1 exactly; float rows within ``ROW_SUM_TOL`` of 1 are
    divided by their exact sum. ``V`` (optional) is the expected size.
    """
    if isinstance(m, np.ndarray):
        if m.ndim != 2:
            raise ValueError(f"{what} must be a 2-d V x V matrix, got an array of shape {m.shape}")
        m = m.tolist()
    try:
        rows = [list(r) for r in m]
    except TypeError:
        raise ValueError(f"{what} must be a V x V matrix (a list of rows), got {type(m).__name__}") from None
    n = len(rows)
    if n < 2 or any(len(r) != n for r in rows):
        raise ValueError(f"{what} must be a square V x V matrix with V >= 2, got {n} rows of lengths "
                         f"{sorted({len(r) for r in rows})}")
    if n > MAX_V:
        raise ValueError(f"{what} has V={n} symbols; Markov ground truths take V <= {MAX_V}")
    if V is not None and n != V:
        raise ValueError(f"{what} is {n} x {n} but the alphabet has V={V} symbols; give a {V} x {V} matrix")
    out = []
    for i, r in enumerate(rows):
        floats = any(isinstance(x, (float, np.floating)) for x in r)
        vals = [_fraction(x, f"{what}[{i}][{j}]") for j, x in enumerate(r)]
        if any(x < 0 for x in vals):
            j = next(j for j, x in enumerate(vals) if x < 0)
            raise ValueError(f"{what}[{i}][{j}] = {float(vals[j]):g} is negative; transition probabilities must be >= 0")
        s = sum(vals, Fraction(0))
        if s == 0:
            raise ValueError(f"row {i} of {what} is all zeros; every symbol needs a next-symbol law "
                             f"(smooth the counts or drop the symbol)")
        if s != 1:
            if not floats or abs(float(s) - 1.0) > ROW_SUM_TOL:
                raise ValueError(f"row {i} of {what} sums to {float(s):.12g}, not 1; the matrix must be "
                                 f"row-stochastic (divide each row by its sum)")
            vals = [x / s for x in vals]
        out.append(vals)
    return out


def transition_from_counts(counts, smoothing=1) -> list:
    """``P(u, v) = (n_uv + lam) / (n_u + V lam)``, exact; a zero row with ``lam = 0`` is refused."""
    lam = _fraction(smoothing, "smoothing")
    if lam < 0:
        raise ValueError(f"smoothing must be >= 0, got {smoothing!r}")
    rows = [list(r) for r in counts]
    V = len(rows)
    if V < 2 or any(len(r) != V for r in rows):
        raise ValueError(f"counts must be a square V x V table with V >= 2, got {V} rows")
    P = []
    for i, r in enumerate(rows):
        c = [_fraction(x, f"counts[{i}]") for x in r]
        if any(x < 0 or x.denominator != 1 for x in c):
            raise ValueError(f"counts[{i}] must hold non-negative integers, got {r}")
        tot = sum(c, Fraction(0)) + V * lam
        if tot == 0:
            raise ValueError(f"symbol {i} never occurs before another (row {i} of the counts is empty); "
                             f"pass smoothing > 0")
        P.append([(x + lam) / tot for x in c])
    return P


def load_transition(path, V: int | None = None):
    """``(P, initial)`` from a ``.npy`` or ``.json`` file; ``initial`` is None (stationary) unless given.

    JSON forms: ``[[...], ...]``; ``{"transition": [[...]], "initial": [...]}``;
    ``{"counts": [[...]], "smoothing": 1}`` (smoothing defaults to 1).
    """
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"transition file {str(path)!r} not found; give a .npy or .json path")
    initial = None
    if p.suffix.lower() == ".npy":
        try:
            arr = np.load(p, allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise ValueError(f"cannot read {p.name} as a .npy array ({exc}); save it with numpy.save") from None
        if arr.dtype.kind not in "fiu":
            raise ValueError(f"{p.name} holds a {arr.dtype} array; give a real (float or integer) V x V matrix")
        P = check_transition(arr, V)
    elif p.suffix.lower() == ".json":
        try:
            doc = json.loads(p.read_text())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(f"{p.name} is not valid JSON ({exc})") from None
        if isinstance(doc, dict):
            if "counts" in doc:
                P = transition_from_counts(doc["counts"], doc.get("smoothing", 1))
                P = check_transition(P, V)
            elif "transition" in doc:
                P = check_transition(doc["transition"], V)
            else:
                raise ValueError(f"{p.name}: a JSON object needs a 'transition' or a 'counts' key")
            if doc.get("initial") is not None:
                initial = [_fraction(x, "initial entry") for x in doc["initial"]]
                if len(initial) != len(P):
                    raise ValueError(f"{p.name}: initial has {len(initial)} entries, the matrix V={len(P)}")
        else:
            P = check_transition(doc, V)
    else:
        raise ValueError(f"transition file {p.name!r} must end in .npy or .json")
    return P, initial


def chain_from_file(path, L: int, V: int | None = None) -> MarkovChain:
    """A structured :class:`MarkovChain` of length ``L`` from :func:`load_transition`."""
    P, initial = load_transition(path, V)
    return MarkovChain(L, P, initial)


def english_counts() -> dict:
    """The shipped count table (``alphabet``, ``counts``, ``source``, ...)."""
    return json.loads(ENGLISH_FILE.read_text())


def english_bigram(L: int, smoothing=1) -> MarkovChain:
    """The 27-symbol English character chain (KJV counts, additive ``smoothing``), stationary start."""
    doc = english_counts()
    chain = MarkovChain(L, transition_from_counts(doc["counts"], smoothing))
    chain.symbols = list(doc["alphabet"])
    return chain
