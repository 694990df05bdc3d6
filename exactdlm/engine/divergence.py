"""Divergences between two laws on ``[V]^L``: KL, total variation, chi-square (docs/theory.md §2).

* ``kl(p, q) = sum_x p(x) log(p(x)/q(x))`` (nats);
* ``tv(p, q) = 1/2 sum_x |p(x) - q(x)|``;
* ``chi2(p, q) = sum_x (p(x) - q(x))^2 / q(x)``;
* ``cross_entropy(q, p) = -sum_x q(x) log p(x)`` (``entropy(q)`` = ``cross_entropy(q, q)``) and
  the generative perplexity ``gen_ppl(p, q) = exp(cross_entropy(q, p) / L)``: the perplexity of
  the sampler's output ``q`` under the true law ``p`` (docs/theory.md §2a).

Both arguments are laws (``JointLaw`` or probability arrays of the same shape). When both are
exact (rational), ``kl`` is an exact :class:`~exactdlm.arith.LogForm` and ``tv``, ``chi2`` are
``Fraction``; otherwise floats. ``kl`` and ``chi2`` are ``inf`` (a float) where ``q = 0 < p``;
terms with ``p = q = 0`` count 0. Never NaN.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..arith import LogForm
from ..laws import as_law


def _pair(p, q):
    """The two laws' arrays, both exact (object) or both float64."""
    P, Q = as_law(p), as_law(q)
    if P.array.shape != Q.array.shape:
        raise ValueError(
            f"the two laws have shapes {P.array.shape} and {Q.array.shape}; compare laws over the same [V]^L"
        )
    if P.exact and Q.exact:
        return P.array.reshape(-1), Q.array.reshape(-1), True
    return P.float_array().reshape(-1), Q.float_array().reshape(-1), False


def kl_arrays(p_arr, q_arr, exact: bool):
    """``sum p log(p/q)`` over two raw arrays of the same size, not validated as laws (a float
    predictor's output may sum to 1 only within a tolerance): LogForm when ``exact`` (rational
    entries), float otherwise; ``inf`` where ``q = 0 < p``."""
    if exact:
        form = LogForm()
        for x, y in zip(np.asarray(p_arr).reshape(-1), np.asarray(q_arr).reshape(-1)):
            if x > 0:
                if y == 0:
                    return math.inf
                form._add_term(Fraction(x) / Fraction(y), Fraction(x))
        return form
    a = np.asarray(p_arr, dtype=float).reshape(-1)
    b = np.asarray(q_arr, dtype=float).reshape(-1)
    pos = a > 0
    if np.any(b[pos] <= 0):
        return math.inf
    return float(np.sum(a[pos] * (np.log(a[pos]) - np.log(b[pos]))))


def kl(p, q):
    """``KL(p || q)`` in nats: ``LogForm`` when both laws are exact, float otherwise; ``inf`` where ``q = 0 < p``."""
    return kl_arrays(*_pair(p, q))


def tv(p, q):
    """Total variation ``1/2 sum |p - q|``: ``Fraction`` when both laws are exact, float otherwise."""
    a, b, exact = _pair(p, q)
    if exact:
        return sum((abs(x - y) for x, y in zip(a, b)), Fraction(0)) / 2
    return float(0.5 * np.abs(a - b).sum())


def chi2(p, q):
    """``chi^2(p || q) = sum (p - q)^2 / q``: ``Fraction`` when exact; ``inf`` where ``q = 0 < p``."""
    a, b, exact = _pair(p, q)
    if exact:
        total = Fraction(0)
        for x, y in zip(a, b):
            if y == 0:
                if x > 0:
                    return math.inf
                continue
            total += (x - y) ** 2 / y
        return total
    pos_q = b > 0
    if np.any(a[~pos_q] > 0):
        return math.inf
    return float(np.sum((a[pos_q] - b[pos_q]) ** 2 / b[pos_q]))


def cross_entropy(q, p):
    """``-sum_x q(x) log p(x)`` in nats: ``LogForm`` when both are exact; ``inf`` where ``p = 0 < q``."""
    a, b, exact = _pair(q, p)
    if exact:
        form = LogForm()
        for x, y in zip(a, b):
            if x > 0:
                if y == 0:
                    return math.inf
                form._add_term(1 / Fraction(y), Fraction(x))
        return form
    pos = a > 0
    if np.any(b[pos] <= 0):
        return math.inf
    return float(-np.sum(a[pos] * np.log(b[pos])))


def entropy(q):
    """Shannon entropy ``H(q)`` in nats: ``LogForm`` when exact, float otherwise."""
    return cross_entropy(q, q)


def gen_ppl(p, q) -> float:
    """Generative perplexity ``exp(E_q[-log p] / L)`` of samples from ``q`` scored by the true law ``p``.

    A float (``inf`` when ``q`` puts mass where ``p = 0``).
    """
    ce = cross_entropy(q, p)
    return math.inf if ce == math.inf else math.exp(float(ce) / as_law(p).L)
