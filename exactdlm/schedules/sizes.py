"""Fixed schedules: step sizes in reveal order and the named rules that make them (docs/theory.md §1, §5).

A fixed schedule of length ``L`` is a tuple of positive integers ``(s_1, ..., s_K)`` summing to
``L``; ``s_1`` tokens are revealed first. Cumulative counts ``t_k = s_1 + ... + s_k``.
Every named rule below returns such a tuple. Rules that need the law (``optimal:K``) sit
above the engine, in :mod:`exactdlm.decoding`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from math import factorial, prod
from numbers import Rational

import numpy as np


# ----------------------------------------------------------------------------------------
# fixed sizes
# ----------------------------------------------------------------------------------------
def validate_sizes(sizes, L: int) -> tuple[int, ...]:
    """``sizes`` as a tuple of ints, checked to be positive and to sum to ``L``."""
    if isinstance(sizes, (str, bytes)):
        raise ValueError(
            f"sizes must be a sequence of positive integers, got the string {sizes!r} (read one character "
            f"at a time it would mean {tuple(sizes)}); pass e.g. (1, 4), or the spec 'sizes:1,4' on the CLI"
        )
    try:
        out = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        raise ValueError(f"sizes must be a sequence of positive integers, got {sizes!r}") from None
    if any(isinstance(s, (bool, np.bool_)) for s in sizes) or any(
        float(s) != int(s) for s in sizes
    ):
        raise ValueError(f"sizes must be integers, got {sizes!r}")
    if not out:
        raise ValueError(f"sizes must not be empty; give step sizes summing to L={L}")
    if any(s <= 0 for s in out):
        raise ValueError(f"sizes must all be positive, got {out}; drop the empty steps")
    if sum(out) != L:
        raise ValueError(f"sizes {out} sum to {sum(out)}, not L={L}; step sizes must sum to the length")
    return out


def cumulative(sizes) -> tuple[int, ...]:
    """``(t_0 = 0, t_1, ..., t_K = L)``."""
    t, out = 0, [0]
    for s in sizes:
        t += int(s)
        out.append(t)
    return tuple(out)


def pattern_count(sizes) -> int:
    """Number of ordered partitions with these sizes: ``L! / prod s_k!``."""
    return factorial(sum(sizes)) // prod(factorial(s) for s in sizes)


def sizes_from_cuts(cuts) -> tuple[int, ...]:
    """Sizes from ``L-1`` booleans: ``cuts[i]`` starts a new step after the ``(i+1)``-th token."""
    sizes, run = [], 1
    for c in cuts:
        if c:
            sizes.append(run)
            run = 1
        else:
            run += 1
    sizes.append(run)
    return tuple(sizes)


def compositions(L: int):
    """Every schedule of ``L`` (all ``2^(L-1)`` compositions), in lexicographic order."""
    if L < 1:
        raise ValueError(f"L must be >= 1, got {L}")
    for cuts in range(1 << (L - 1)):
        yield sizes_from_cuts(cuts >> i & 1 for i in range(L - 1))


def _check_L(L) -> int:
    if isinstance(L, bool) or not isinstance(L, (int, np.integer)) or L < 1:
        raise ValueError(f"L must be a positive integer, got {L!r}")
    return int(L)


def _check_K(L: int, K) -> int:
    L = _check_L(L)
    if isinstance(K, bool) or not isinstance(K, (int, np.integer)) or not 1 <= K <= L:
        raise ValueError(f"the number of steps K must be an integer in 1..L={L}, got {K!r}")
    return int(K)


def _rational(x, what: str) -> Fraction:
    """A float read by its decimal repr (``0.1`` is ``1/10``), or an exact rational."""
    if isinstance(x, bool):
        raise ValueError(f"{what} must be a number, got {x!r}")
    try:
        if isinstance(x, float):
            if not math.isfinite(x):
                raise ValueError
            return Fraction(repr(x))
        if isinstance(x, (Rational, int, np.integer, str)):
            return Fraction(x if not isinstance(x, np.integer) else int(x))
        if isinstance(x, np.floating):
            return Fraction(repr(float(x)))
    except (TypeError, ValueError, ZeroDivisionError):
        pass
    raise ValueError(f"{what} must be a finite number, got {x!r}")


def _check_rho(rho) -> Fraction:
    r = _rational(rho, "rho")
    if not 0 < r <= 1:
        raise ValueError(f"rho must lie in (0, 1], got {rho!r}; it is the target fraction of DTC/TC")
    return r


def balanced(L: int, K: int) -> tuple[int, ...]:
    """``K`` sizes in ``{floor(L/K), ceil(L/K)}``, the remainder on the first steps (the counts of
    LLaDA's ``get_num_transfer_tokens`` within one block; its full sampler is the ``llada:`` preset)."""
    K = _check_K(L, K)
    q, r = divmod(int(L), K)
    return (q + 1,) * r + (q,) * (K - r)


def floor_last(L: int, K: int) -> tuple[int, ...]:
    """``K-1`` steps of ``floor(L/K)``, the remainder on the last step.

    Not Dream's rule: Dream reveals ``int(m(1 - s/t))`` in float32 on its ``eps = 1e-3``
    timesteps (``(0, 1, ..., 1, 2)`` for ``K = L``; :func:`exactdlm.adaptive.dream.transfer_counts`,
    the ``dream:`` preset).
    """
    K = _check_K(L, K)
    q = int(L) // K
    return (q,) * (K - 1) + (int(L) - q * (K - 1),)


_EPS_MDLM = 1e-3
_SIGMA_MIN, _SIGMA_MAX = 1e-4, 20.0


def _masked_fraction(kind: str, u: float) -> float:
    """MDLM's move-chance ``μ(u)`` (fraction masked at diffusion time ``u``)."""
    if kind == "loglinear":
        return (1 - _EPS_MDLM) * u
    if kind == "cosine":
        return 1 - _EPS_MDLM - (1 - _EPS_MDLM) * math.cos(math.pi * u / 2)
    return 1 - math.exp(-(_SIGMA_MIN + u * (_SIGMA_MAX - _SIGMA_MIN)))  # linear in sigma


def _from_noise(kind: str, L: int, K: int) -> tuple[int, ...]:
    K = _check_K(L, K)
    L = int(L)
    t, out = 0, []
    for k in range(1, K + 1):
        target = L if k == K else math.floor(L * (1 - _masked_fraction(kind, 1 - k / K)) + 0.5)
        nxt = min(L - (K - k), max(t + 1, target))
        out.append(nxt - t)
        t = nxt
    return tuple(out)


def cosine(L: int, K: int) -> tuple[int, ...]:
    """Fixed sizes from MDLM's cosine noise ``μ(u) = 1 - ε - (1-ε) cos(πu/2)``, ``ε = 1e-3``, at ``u_k = 1 - k/K``.

    MDLM itself never rounds to fixed sizes: it reveals each token with a time-dependent
    probability (the ``mdlm:`` preset); this is the deterministic schedule with the same
    expected profile.

    Rounding rule (shared by :func:`linear`, :func:`loglinear`): the revealed count after step
    ``k`` is ``t_k = min(L-(K-k), max(t_{k-1}+1, floor(L(1 - μ(u_k)) + 1/2)))``, ``t_K = L``:
    round half up, then clamp so that every one of the ``K`` steps reveals at least one token.
    """
    return _from_noise("cosine", L, K)


def linear(L: int, K: int) -> tuple[int, ...]:
    """MDLM linear noise ``σ(u) = σ_min + u (σ_max - σ_min)``, ``μ = 1 - exp(-σ)``
    (``σ_min = 1e-4``, ``σ_max = 20``); rounding as in :func:`cosine`."""
    return _from_noise("linear", L, K)


def loglinear(L: int, K: int) -> tuple[int, ...]:
    """MDLM log-linear noise ``σ(u) = -log(1 - (1-ε)u)``, i.e. ``μ(u) = (1-ε) u``, ``ε = 1e-3``;
    rounding as in :func:`cosine`."""
    return _from_noise("loglinear", L, K)


def geometric_dtc(L: int, rho) -> tuple[int, ...]:
    """G-DTC (docs/theory.md §5): from ``a`` revealed go to ``b = min(L, max(a+1, floor((1+ρ)(a+1))))``.

    Guarantees ``N_j <= ρ j`` hence ``EKL <= ρ DTC``. ``ρ`` is read exactly (floats by repr).
    """
    L, r = _check_L(L), _check_rho(rho)
    a, out = 0, []
    while a < L:
        b = min(L, max(a + 1, math.floor((1 + r) * (a + 1))))
        out.append(b - a)
        a = b
    return tuple(out)


def geometric_tc(L: int, rho) -> tuple[int, ...]:
    """G-TC (docs/theory.md §5): from ``a`` revealed take ``s = 1 + floor(ρ (L - a - 1))``: ``EKL <= ρ TC``."""
    L, r = _check_L(L), _check_rho(rho)
    a, out = 0, []
    while a < L:
        s = 1 + math.floor(r * (L - a - 1))
        out.append(s)
        a += s
    return tuple(out)


def two_sided(L: int, rho) -> tuple[int, ...]:
    """G-MIN (docs/theory.md §5): grow each step while ``t_k - j <= ρ j (L-j)/L`` for every ``j`` in it.

    Then ``N_j <= ρ j(L-j)/L <= ρ min(j, L-j)`` and ``EKL <= ρ min(TC, DTC)``.
    """
    L, r = _check_L(L), _check_rho(rho)
    a, out = 0, []
    while a < L:
        b = a + 1
        while b < L and all(b + 1 - j <= r * j * (L - j) / L for j in range(a + 1, b + 2)):
            b += 1
        out.append(b - a)
        a = b
    return tuple(out)
