"""Named laws on ``[V]^L`` (docs/theory.md §1, §6), each returned as a :class:`~exactdlm.laws.JointLaw`.

A family is **exact** (``Fraction`` entries) whenever its parameters are rational: ints,
``Fraction``s, integer strings or ``"p/q"`` strings. A ``float`` parameter (or a decimal
string like ``"0.1"``) makes a float law; write ``"1/10"`` for the exact value.
``ising`` is always float (it has ``exp``).

``FAMILIES`` maps a name to its constructor; ``make(name, **params)`` builds one from
parameters given as strings (the CLI's ``--param k=v``): ints, ``"1/10"`` fractions, floats,
JSON lists for vectors and matrices (strings inside JSON are read as fractions).
"""

from __future__ import annotations

import inspect
import json
import math
from fractions import Fraction
from itertools import product
from numbers import Rational

import numpy as np

from .joint import EXACT_ENTRY_BYTES, FLOAT_SUM_TOL, JointLaw, as_law, check_fits, lattice_bytes, memory_cap, power_bytes

# ----------------------------------------------------------------------------------------
# parameter handling
# ----------------------------------------------------------------------------------------


def _number(x, what: str):
    """A parameter as ``Fraction`` (rational input) or ``float`` (float input)."""
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{what} must be a number, got the boolean {x!r}")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    if isinstance(x, Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, str):
        parsed = _parse_value(x)
        if isinstance(parsed, str) or parsed is None or isinstance(parsed, (bool, list, dict)):
            raise ValueError(f"{what} must be a number like 3, '1/10' or 0.1, got {x!r}")
        return _number(parsed, what)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if not math.isfinite(x):
            raise ValueError(f"{what} must be finite, got {x!r}")
        return x
    if hasattr(x, "p") and hasattr(x, "q"):  # sympy Rational
        return Fraction(int(x.p), int(x.q))
    raise ValueError(f"{what} must be a number (int, Fraction, 'p/q' string or float), got {type(x).__name__} {x!r}")


def _int(x, what: str, lo: int | None = None) -> int:
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{what} must be an integer, got {x!r}")
    try:
        v = _number(x, what)
    except ValueError:
        raise ValueError(f"{what} must be an integer, got {x!r}") from None
    if v != int(v):
        raise ValueError(f"{what} must be an integer, got {x!r}")
    v = int(v)
    if lo is not None and v < lo:
        raise ValueError(f"{what} must be >= {lo}, got {v}")
    return v


def _all_exact(values) -> bool:
    return all(isinstance(v, Fraction) for v in values)


def _array(values, exact: bool, shape) -> np.ndarray:
    """An object array of ``Fraction`` (exact) or a float64 array, reshaped."""
    flat = list(values)
    if exact:
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(shape)
    return np.array([float(v) for v in flat], dtype=np.float64).reshape(shape)


def _vector(v, what: str, length: int | None = None) -> tuple[np.ndarray, bool]:
    """A probability vector: entries >= 0 summing to 1 (exactly, or within FLOAT_SUM_TOL)."""
    if isinstance(v, str):
        v = _parse_value(v)
    try:
        items = list(v)
    except TypeError:
        raise ValueError(f"{what} must be a list of probabilities, got {v!r}") from None
    vals = [_number(x, f"{what} entry") for x in items]
    if length is not None and len(vals) != length:
        raise ValueError(f"{what} must have {length} entries, got {len(vals)}")
    if any(x < 0 for x in vals):
        raise ValueError(f"{what} has negative entries {items}; probabilities must be >= 0")
    exact = _all_exact(vals)
    total = sum(vals, Fraction(0)) if exact else math.fsum(float(x) for x in vals)
    if (exact and total != 1) or (not exact and abs(total - 1.0) > FLOAT_SUM_TOL):
        raise ValueError(f"{what} sums to {total}, not 1; give probabilities that sum to 1")
    return _array(vals, exact, (len(vals),)), exact


def _stochastic(m, what: str, rows: int | None = None, cols: int | None = None) -> tuple[np.ndarray, bool]:
    """A row-stochastic matrix (each row a probability vector)."""
    if isinstance(m, str):
        m = _parse_value(m)
    if isinstance(m, np.ndarray):
        m = m.tolist()
    try:
        raw = [list(r) for r in m]
    except TypeError:
        raise ValueError(f"{what} must be a matrix (a list of rows), got {m!r}") from None
    if not raw or (rows is not None and len(raw) != rows):
        raise ValueError(f"{what} must have {rows if rows is not None else 'at least one'} rows, got {len(raw)}")
    ncol = cols if cols is not None else len(raw[0])
    out_rows, exact = [], True
    for i, r in enumerate(raw):
        vec, ex = _vector(r, f"row {i} of {what}", ncol)
        out_rows.append(list(vec))
        exact = exact and ex
    return _array((x for r in out_rows for x in r), exact, (len(raw), ncol)), exact


def _check_L(L) -> int:
    return _int(L, "L (the number of positions)", lo=1)


def _check_V(V) -> int:
    return _int(V, "V (the vocabulary size)", lo=2)


def _law(arr: np.ndarray) -> JointLaw:
    return JointLaw(arr)


def _lattice_too_big(L: int, V: int) -> bool:
    """True when the masked lattice ``(V+1)^L`` (two float64 copies) is over the memory cap."""
    return lattice_bytes(L, V, copies=2) > memory_cap()


#: long forms: name -> builder of the same law without a ``(V,)*L`` array. Filled by
#: :mod:`exactdlm.structured` when it is imported (it always is: ``exactdlm/__init__`` imports
#: it), so this layer never imports the one above it.
LONG_FORMS: dict = {}


def register_long_form(name: str, builder) -> None:
    """Let the families return ``builder(*args)`` for lengths the masked lattice cannot hold."""
    LONG_FORMS[name] = builder


def _structured(name: str, *args):
    """The same law as a structured law (no ``(V,)*L`` array): for lengths the lattice cannot
    hold, the families that have a symmetry return it (docs/theory.md §7)."""
    builder = LONG_FORMS.get(name)
    if builder is None:  # only if exactdlm.structured was never imported
        raise ValueError(f"{name}: the lattice does not fit and no structured form is registered; "
                         "import exactdlm.structured first")
    return builder(*args)


def _check_outcomes(L: int, V: int, exact: bool) -> None:
    check_fits(power_bytes(V, L, EXACT_ENTRY_BYTES if exact else 8), f"a law with L={L}, V={V} ({V}^{L} outcomes)")


# ----------------------------------------------------------------------------------------
# product and chain laws
# ----------------------------------------------------------------------------------------


def iid(L, marginal) -> JointLaw:
    """Independent positions with a common law: ``p(x) = prod_i m(x_i)``, ``V = len(m)``.

    docs/theory.md §6: ``Ī ≡ 0`` and EKL = 0 for every schedule.
    """
    L = _check_L(L)
    m, exact = _vector(marginal, "marginal")
    V = len(m)
    if V < 2:
        raise ValueError(f"marginal must have V >= 2 entries, got {V}")
    if _lattice_too_big(L, V):
        return _structured("exchangeable_mixture", L, [1], [list(m)])
    _check_outcomes(L, V, exact)
    arr = m
    for _ in range(L - 1):
        arr = np.multiply.outer(arr, m)
    return _law(arr)


def _stationary(P: np.ndarray, exact: bool) -> np.ndarray:
    """The unique ``pi`` with ``pi P = pi``, ``sum pi = 1``; error if it is not unique."""
    V = P.shape[0]
    # rows of the system A pi = b: (P^T - I) pi = 0 and 1.pi = 1
    A = [[(P[j, i] - (1 if i == j else 0)) for j in range(V)] for i in range(V)] + [[1] * V]
    b = [0] * V + [1]
    if not exact:
        Af, bf = np.array(A, dtype=float), np.array(b, dtype=float)
        if np.linalg.matrix_rank(Af, tol=1e-10) < V:
            raise ValueError("the transition matrix has no unique stationary law (it is reducible); pass initial=")
        pi = np.linalg.lstsq(Af, bf, rcond=None)[0]
        pi = np.clip(pi, 0.0, None)
        return pi / pi.sum()
    # exact Gauss-Jordan elimination over the rationals
    rows = [[Fraction(x) for x in r] + [Fraction(bb)] for r, bb in zip(A, b)]
    piv_row = 0
    pivots = []
    for col in range(V):
        pr = next((r for r in range(piv_row, len(rows)) if rows[r][col] != 0), None)
        if pr is None:
            continue
        rows[piv_row], rows[pr] = rows[pr], rows[piv_row]
        pv = rows[piv_row][col]
        rows[piv_row] = [x / pv for x in rows[piv_row]]
        for r in range(len(rows)):
            if r != piv_row and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [x - f * y for x, y in zip(rows[r], rows[piv_row])]
        pivots.append(col)
        piv_row += 1
    if len(pivots) < V:
        raise ValueError("the transition matrix has no unique stationary law (it is reducible); pass initial=")
    pi = [Fraction(0)] * V
    for r, col in enumerate(pivots):
        pi[col] = rows[r][V]
    return _array(pi, True, (V,))


def markov_chain(L, transition, initial=None) -> JointLaw:
    """Markov chain ``p(x) = pi(x_0) prod_{i>=1} P(x_{i-1}, x_i)``; ``V`` = size of ``P``.

    ``initial=None`` takes the stationary law of ``P`` (exact for a rational ``P``; a
    ``ValueError`` if it is not unique).
    """
    L = _check_L(L)
    P, exact = _stochastic(transition, "transition")
    V = P.shape[0]
    if P.shape != (V, V) or V < 2:
        raise ValueError(f"transition must be a square V x V matrix with V >= 2, got shape {P.shape}")
    if initial is None:
        pi = _stationary(P, exact)
    else:
        pi, ex0 = _vector(initial, "initial", V)
        if exact != ex0:  # mixed rational/float parameters: a float law
            exact = False
    if not exact:
        P, pi = P.astype(float), pi.astype(float)
    if _lattice_too_big(L, V):
        return _structured("markov_chain", L, P.tolist(), None if initial is None else pi.tolist())
    _check_outcomes(L, V, exact)
    arr = pi
    for _ in range(L - 1):
        arr = arr[..., :, None] * P  # P broadcasts over the leading axes: P(x_last, x_new)
    return _law(arr)


def hmm(L, transition, emission, initial=None) -> JointLaw:
    """Hidden Markov chain: ``p(x) = sum_h pi(h_0) E(h_0, x_0) prod_{i>=1} P(h_{i-1}, h_i) E(h_i, x_i)``.

    ``transition`` is ``H x H``, ``emission`` is ``H x V`` (the observed vocabulary is its
    columns); ``initial=None`` takes the stationary law of the hidden chain.
    """
    L = _check_L(L)
    P, ex_p = _stochastic(transition, "transition")
    H = P.shape[0]
    if P.shape != (H, H):
        raise ValueError(f"transition must be a square H x H matrix, got shape {P.shape}")
    E, ex_e = _stochastic(emission, "emission", rows=H)
    V = E.shape[1]
    if V < 2:
        raise ValueError(f"emission must have V >= 2 columns (the observed vocabulary), got {V}")
    exact = ex_p and ex_e
    if initial is None:
        pi = _stationary(P, ex_p)
    else:
        pi, ex0 = _vector(initial, "initial", H)
        exact = exact and ex0
    if not exact:
        P, E, pi = P.astype(float), E.astype(float), np.asarray(pi).astype(float)
    _check_outcomes(L, V, exact)
    # forward array A[x_0..x_i, h_i] (flattened outcomes first)
    A = (pi[:, None] * E).T  # (V, H): x_0, h_0
    for _ in range(L - 1):
        B = A.dot(P)  # (n, H): sum over h_{i-1}
        A = (B[:, None, :] * E.T[None, :, :]).reshape(-1, H)  # (n*V, H)
    return _law(A.sum(axis=1).reshape((V,) * L))


# ----------------------------------------------------------------------------------------
# structured laws with closed forms (docs/theory.md §6)
# ----------------------------------------------------------------------------------------


def repeated_symbol(L, V) -> JointLaw:
    """Uniform on the ``V`` constant strings: ``p(v, v, ..., v) = 1/V``.

    docs/theory.md §6: ``Ī = (0, log V, ..., log V)``, ``TC = (L-1) log V``, ``DTC = log V``.
    """
    L, V = _check_L(L), _check_V(V)
    if _lattice_too_big(L, V):
        return _structured("repeated_symbol", L, V)
    _check_outcomes(L, V, True)
    arr = _array([Fraction(0)] * V**L, True, (V,) * L)
    for v in range(V):
        arr[(v,) * L] = Fraction(1, V)
    return _law(arr)


def parity(L, V=2) -> JointLaw:
    """Uniform on the ``V^(L-1)`` strings with ``sum_i x_i = 0 (mod V)``.

    docs/theory.md §6 (V = 2: L-1 fair bits and their XOR): ``Ī = (0, ..., 0, log V)``,
    ``TC = log V``, ``DTC = (L-1) log V``.
    """
    L, V = _check_L(L), _check_V(V)
    if L < 2:
        raise ValueError("parity needs L >= 2 (at L = 1 it is the point mass on 0); use L >= 2")
    if _lattice_too_big(L, V):
        return _structured("parity", L, V)
    _check_outcomes(L, V, True)
    idx = np.indices((V,) * L).sum(axis=0) % V == 0
    arr = _array([Fraction(0)] * V**L, True, (V,) * L)
    arr[idx] = Fraction(1, V ** (L - 1))
    return _law(arr)


def noisy_repetition(L, eta) -> JointLaw:
    """``U`` a fair bit, ``X_i = U xor W_i``, ``W_i`` iid Bernoulli(``eta``):
    ``p(x) = ½[eta^w (1-eta)^(L-w) + eta^(L-w) (1-eta)^w]``, ``w`` = number of ones. ``V = 2``.
    """
    L = _check_L(L)
    eta = _number(eta, "eta (the flip probability)")
    if not 0 <= eta <= 1:
        raise ValueError(f"eta must lie in [0, 1], got {eta}")
    if _lattice_too_big(L, 2):
        return _structured("noisy_repetition", L, eta)
    exact = isinstance(eta, Fraction)
    _check_outcomes(L, 2, exact)
    one = Fraction(1) if exact else 1.0
    half = Fraction(1, 2) if exact else 0.5
    w = np.indices((2,) * L).sum(axis=0).reshape(-1)
    by_w = [half * (eta**k * (one - eta) ** (L - k) + eta ** (L - k) * (one - eta) ** k) for k in range(L + 1)]
    return _law(_array((by_w[k] for k in w), exact, (2,) * L))


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    return all(n % d for d in range(2, math.isqrt(n) + 1))


def mds_code(L, k, q) -> JointLaw:
    """Uniform on the Reed–Solomon code ``[L, k]_q``: the evaluations at ``0..L-1`` of the
    ``q^k`` polynomials of degree ``< k`` over ``GF(q)``. ``q`` prime ``>= L``, ``V = q``.

    docs/theory.md §6: ``Ī(t) = log q [t >= k]``, ``TC = (L-k) log q``, ``DTC = k log q``.
    """
    L = _check_L(L)
    q = _int(q, "q (the field size)", lo=2)
    k = _int(k, "k (the code dimension)")
    if not _is_prime(q):
        raise ValueError(f"q must be prime (the field GF(q)), got q={q}")
    if q < L:
        raise ValueError(f"q must be >= L to have L distinct evaluation points, got q={q} < L={L}")
    if not 1 <= k <= L:
        raise ValueError(f"k must lie in 1..L={L}, got k={k}")
    if _lattice_too_big(L, q):
        return _structured("mds_code", L, k, q)
    _check_outcomes(L, q, True)
    arr = _array([Fraction(0)] * q**L, True, (q,) * L)
    mass = Fraction(1, q**k)
    for coeffs in product(range(q), repeat=k):
        word = tuple(sum(c * pow(x, e, q) for e, c in enumerate(coeffs)) % q for x in range(L))
        arr[word] = mass
    return _law(arr)


def ising(L, J, h, edges=None) -> JointLaw:
    """Ising law ``p(x) ∝ exp(J sum_{(i,j) in edges} s_i s_j + h sum_i s_i)``, ``s = 2x - 1``.

    ``edges`` defaults to the chain ``(0,1), ..., (L-2,L-1)``. Always a float law.
    """
    L = _check_L(L)
    J, h = float(_number(J, "J")), float(_number(h, "h"))
    if edges is None:
        edges = [(i, i + 1) for i in range(L - 1)]
    elif isinstance(edges, str):
        edges = _parse_value(edges)
    pairs = []
    for e in edges:
        try:
            i, j = (int(_int(x, "an edge end")) for x in e)
        except (TypeError, ValueError):
            raise ValueError(f"edges must be pairs of positions like [[0,1],[1,2]], got {edges!r}") from None
        if not (0 <= i < L and 0 <= j < L) or i == j:
            raise ValueError(f"edge ({i}, {j}) must join two distinct positions in 0..{L - 1}")
        pairs.append((i, j))
    _check_outcomes(L, 2, False)
    s = 2.0 * np.indices((2,) * L).astype(float) - 1.0
    energy = h * s.sum(axis=0)
    for i, j in pairs:
        energy = energy + J * s[i] * s[j]
    w = np.exp(energy - energy.max())
    return JointLaw(w / w.sum(), normalize=True)


# ----------------------------------------------------------------------------------------
# combinations and random laws
# ----------------------------------------------------------------------------------------


def mixture(laws, weights) -> JointLaw:
    """``p = sum_m w_m p_m`` over laws of one shape; exact when all laws and weights are."""
    laws = [as_law(p) for p in laws]
    if not laws:
        raise ValueError("mixture needs at least one law")
    w, exact_w = _vector(weights, "weights", len(laws))
    shape = laws[0].array.shape
    if any(p.array.shape != shape for p in laws):
        raise ValueError(f"mixture laws must share one shape (V,)*L, got {[p.array.shape for p in laws]}")
    if exact_w and all(p.exact for p in laws):
        total = laws[0].array * w[0]
        for p, wm in zip(laws[1:], w[1:]):
            total = total + p.array * wm
        return _law(total)
    total = sum(float(wm) * p.float_array() for p, wm in zip(laws, w))
    return JointLaw(total, normalize=True)


def _rng(seed) -> np.random.Generator:
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(int(seed))


def dirichlet(L, V, alpha, seed, exact=False, max_denominator=1000) -> JointLaw:
    """One draw of ``Dirichlet(alpha)`` over the ``V^L`` outcomes (seeded, reproducible).

    ``alpha`` is a positive scalar (symmetric) or a list of ``V^L`` positive numbers.
    ``exact=True`` rounds each probability to the nearest fraction with denominator
    ``<= max_denominator`` and renormalizes exactly.
    """
    L, V = _check_L(L), _check_V(V)
    n = V**L
    _check_outcomes(L, V, bool(exact))
    if isinstance(alpha, str):
        alpha = _parse_value(alpha)
    if np.ndim(alpha) == 0:
        a = np.full(n, float(_number(alpha, "alpha")))
    else:
        a = np.array([float(_number(x, "alpha entry")) for x in alpha])
        if a.shape != (n,):
            raise ValueError(f"alpha must be a scalar or have V^L = {n} entries, got {a.size}")
    if not np.all(a > 0):
        raise ValueError(f"alpha must be positive, got {alpha!r}")
    draw = _rng(seed).dirichlet(a)
    if not exact:
        return JointLaw(draw.reshape((V,) * L), normalize=True)
    md = _int(max_denominator, "max_denominator", lo=1)
    fr = [Fraction(float(x)).limit_denominator(md) for x in draw]
    total = sum(fr, Fraction(0))
    if total == 0:
        raise ValueError(f"every probability rounds to 0 at max_denominator={md}; raise max_denominator")
    return _law(_array((x / total for x in fr), True, (V,) * L))


def from_counts(counts) -> JointLaw:
    """The exact law ``p(x) = counts[x] / sum(counts)`` of a non-negative integer array ``(V,)*L``."""
    if isinstance(counts, str):
        counts = _parse_value(counts)
    a = np.asarray(counts, dtype=object)
    flat = a.reshape(-1)
    vals = []
    for c in flat:
        if isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, np.integer)):
            if isinstance(c, (float, np.floating)) and float(c).is_integer():
                c = int(c)
            else:
                raise ValueError(f"counts must be non-negative integers, got {c!r}")
        if c < 0:
            raise ValueError(f"counts must be non-negative integers, got {c!r}")
        vals.append(int(c))
    total = sum(vals)
    if total == 0:
        raise ValueError("counts sum to 0; at least one outcome needs a positive count")
    return _law(_array((Fraction(c, total) for c in vals), True, a.shape))


def random_rational(L, V, seed, max_denominator=12, support="full") -> JointLaw:
    """A seeded random exact law: ``p(x) = w(x) / sum_y w(y)`` with integer weights.

    ``support="full"``: every ``w(x)`` uniform on ``1..max_denominator`` (full support).
    ``support="any"``: each outcome is left out (``w = 0``) with probability ½, else
    ``w`` uniform on ``1..max_denominator``; at least one outcome is kept. Small weights keep
    the exact arithmetic of every quantity fast. Same arguments, same law.
    """
    L, V = _check_L(L), _check_V(V)
    md = _int(max_denominator, "max_denominator", lo=1)
    if support not in ("full", "any"):
        raise ValueError(f"support must be 'full' or 'any', got {support!r}")
    _check_outcomes(L, V, True)
    rng = _rng(seed)
    n = V**L
    w = rng.integers(1, md + 1, size=n)
    if support == "any":
        keep = rng.random(n) < 0.5
        if not keep.any():
            keep[rng.integers(n)] = True
        w = np.where(keep, w, 0)
    total = int(w.sum())
    return _law(_array((Fraction(int(x), total) for x in w), True, (V,) * L))


# ----------------------------------------------------------------------------------------
# registry for the command line
# ----------------------------------------------------------------------------------------

FAMILIES = {
    "iid": iid,
    "markov_chain": markov_chain,
    "hmm": hmm,
    "repeated_symbol": repeated_symbol,
    "parity": parity,
    "noisy_repetition": noisy_repetition,
    "mds_code": mds_code,
    "ising": ising,
    "mixture": mixture,
    "dirichlet": dirichlet,
    "from_counts": from_counts,
    "random_rational": random_rational,
}


def _json_value(v):
    """Strings inside JSON stay strings (read later as fractions); numbers keep their type."""
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    return v


def _parse_value(text):
    """A CLI parameter string: int, fraction ``p/q``, float, JSON list/object, true/false/none."""
    if not isinstance(text, str):
        return text
    s = text.strip()
    low = s.lower()
    if low in ("none", "null"):
        return None
    if low in ("true", "false"):
        return low == "true"
    if s[:1] in "[{":
        try:
            return _json_value(json.loads(s))
        except json.JSONDecodeError as exc:
            raise ValueError(f"cannot parse the JSON value {s!r}: {exc.msg}") from None
    try:
        return int(s)
    except ValueError:
        pass
    if "/" in s:
        try:
            return Fraction(s)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"cannot parse {s!r} as a fraction p/q") from None
    try:
        return float(s)
    except ValueError:
        return s  # plain words (e.g. support=full)


def make(name: str, **params) -> JointLaw:
    """Build family ``name`` from ``params`` (values may be strings, parsed by ``_parse_value``).

    ``mixture`` takes ``laws`` as a list of ``{"family": name, <params>}`` objects.
    """
    if name not in FAMILIES:
        raise ValueError(f"unknown family {name!r}; choose one of {', '.join(sorted(FAMILIES))}")
    fn = FAMILIES[name]
    sig = inspect.signature(fn)
    unknown = sorted(set(params) - set(sig.parameters))
    if unknown:
        raise ValueError(
            f"family {name!r} takes no parameter {', '.join(unknown)}; its parameters are "
            f"{', '.join(sig.parameters)}"
        )
    values = {k: _parse_value(v) for k, v in params.items()}
    missing = [
        k for k, prm in sig.parameters.items() if prm.default is inspect.Parameter.empty and k not in values
    ]
    if missing:
        raise ValueError(f"family {name!r} needs parameter(s) {', '.join(missing)} (give them as k=v)")
    if name == "mixture":
        laws = values["laws"]
        if not isinstance(laws, list) or not all(isinstance(d, dict) and "family" in d for d in laws):
            raise ValueError('mixture needs laws=[{"family": NAME, ...params}, ...] (a JSON list of objects)')
        values["laws"] = [make(d["family"], **{k: v for k, v in d.items() if k != "family"}) for d in laws]
    return fn(**values)
