"""Joint laws over ``[V]^L`` (docs/theory.md §1).

A :class:`JointLaw` holds a probability array of shape ``(V,)*L`` in C order,
entry ``p[x_0, ..., x_{L-1}]``. It comes in two forms:

* **float**: a ``float64`` array, validated to sum to 1 within ``FLOAT_SUM_TOL``;
* **exact**: an ``object`` array of :class:`fractions.Fraction`, summing to 1 exactly.
  Every quantity of an exact law is computed in exact arithmetic (see ``exact.py``).

``np.asarray(law)`` gives the stored array. Every public function of the package
accepts a law, a bare array or a ``dit.Distribution`` (``as_law``; see ``dit_interop``: the
symbols of each position are kept in ``law.symbols``). A 1-d array is a law on one
position: dit's flat ``d.pmf`` is not a law on ``[V]^L``, pass the Distribution itself.
Complex, string and non-rational object arrays are refused (numpy would silently drop an
imaginary part or parse strings as numbers).
"""

from __future__ import annotations

import json
import math
import os
from fractions import Fraction
from numbers import Rational

import numpy as np

FLOAT_SUM_TOL = 1e-12

#: bytes the package may allocate for one lattice-sized computation; override with the
#: environment variable ``EXACTDLM_MEMORY_CAP`` (bytes).
DEFAULT_MEMORY_CAP = 12 * 2**30


def memory_cap() -> int:
    """The allocation cap in bytes (``EXACTDLM_MEMORY_CAP`` or 12 GiB)."""
    from .budget import parse_cap

    raw = os.environ.get("EXACTDLM_MEMORY_CAP")
    if raw is None or raw.strip() == "":
        return DEFAULT_MEMORY_CAP
    return int(parse_cap(raw, "EXACTDLM_MEMORY_CAP", "bytes (like 8e9; unset: 12 GiB)", zero_disables=False))


#: rough bytes of one ``Fraction`` entry of an exact array (object pointer + Fraction + two ints)
EXACT_ENTRY_BYTES = 120


#: seconds per entry to validate an exact law (``Fraction`` conversion and the exact sum;
#: measured 2.3 us at 2^18 entries) and to read one from JSON (5.6 us with the parse), for the
#: time guard (``laws.budget.check_time``)
EXACT_ENTRY_SECONDS, JSON_ENTRY_SECONDS = 2.3e-6, 5.6e-6

#: above this many bytes an estimate is a float (``(V+1)**L`` itself would take minutes at L = 10^9)
_EXACT_ESTIMATE_LIMIT = 2**80


def lattice_bytes(L: int, V: int, copies: float = 1.0, itemsize: int = 8) -> int | float:
    """Bytes of ``copies`` float64 arrays over the masked lattice ``(V+1)^L`` (a float, possibly
    ``inf``, when that is beyond ``2^80``: the estimate only has to exceed the cap)."""
    return power_bytes(V + 1, L, copies * itemsize)


def power_bytes(base: int, L: int, scale: float) -> int | float:
    """``scale * base**L`` without computing a huge power: exact up to ``2^80``, else a float."""
    L, base = int(L), int(base)
    if L * math.log2(max(base, 2)) + math.log2(max(scale, 1)) > math.log2(_EXACT_ESTIMATE_LIMIT):
        try:
            return math.exp(L * math.log(base) + math.log(max(scale, 1)))
        except OverflowError:
            return math.inf
    return int(scale * base**L)


def _fmt_bytes(nbytes) -> str:
    if isinstance(nbytes, float):
        return "an unbounded number of bytes" if math.isinf(nbytes) else f"about {nbytes:.3g} bytes"
    return f"about {nbytes:,} bytes ({nbytes / 2**30:.2f} GiB)"


def check_fits(nbytes, what: str) -> None:
    """Refuse an allocation of ``nbytes`` above the memory cap, naming the estimate."""
    cap = memory_cap()
    if not nbytes <= cap:
        raise ValueError(
            f"{what} needs {_fmt_bytes(nbytes)}, over the memory cap "
            f"of {cap:,} bytes; use a smaller L or V, a structured law (exactdlm.structured), "
            f"or raise EXACTDLM_MEMORY_CAP"
        )


def input_file_problem(path: str, missing: str = "does not exist") -> str | None:
    """Why ``path`` cannot be read as an input file (``None`` when it is a regular file):
    missing, a directory, or a FIFO, socket or device (which would block or never end)."""
    if not os.path.exists(path):
        return missing
    if os.path.isdir(path):
        return "is a directory, not a file"
    if not os.path.isfile(path):
        return "is not a regular file (a FIFO, socket or device)"
    return None


def _json_int(data: dict, key: str, low: int, where: str = "law JSON") -> int:
    """``data[key]`` as an integer ``>= low``: an integer, not a float, a bool or a string."""
    x = data[key]
    if isinstance(x, bool) or not isinstance(x, int):
        raise ValueError(f"{where} key {key!r} must be an integer >= {low}, got {type(x).__name__} {x!r:.40}")
    if x < low:
        raise ValueError(f"{where} needs {key} >= {low}, got {key}={x}")
    return x


def _to_fraction(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"exact law entries must be rationals, got the bool {x!r}; pass 0 or 1")
    if isinstance(x, (int, np.integer, Rational)):
        return Fraction(int(x.numerator), int(x.denominator)) if isinstance(x, Rational) else Fraction(int(x))
    if isinstance(x, str):
        return Fraction(x)
    # sympy Rational and friends expose p, q
    if hasattr(x, "p") and hasattr(x, "q"):
        return Fraction(int(x.p), int(x.q))
    raise ValueError(
        f"exact law entries must be rationals (Fraction, int or 'p/q' strings), got {type(x).__name__} {x!r}; "
        "pass a float64 array for a float law"
    )


def is_dit_distribution(x) -> bool:
    """True for a ``dit.Distribution``, recognised by its class's module (dit is not imported)."""
    mod = type(x).__module__ or ""
    return (mod == "dit" or mod.startswith("dit.")) and hasattr(x, "outcomes") and hasattr(x, "pmf")


def _kind(x) -> str:
    """What ``x`` is, for a message: ``the scalar 0.5``, ``a dict``, ``None``."""
    if x is None:
        return "None"
    if isinstance(x, (int, float, complex, Rational, np.number)):
        return f"the scalar {x}"
    if isinstance(x, np.ndarray):
        return f"a scalar (0-d array) {x}"
    return f"a {type(x).__name__}"


def _input_array(x) -> np.ndarray:
    """``x`` as a numpy array, refusing what numpy would misread as probabilities."""
    if isinstance(x, (dict, set, str, bytes)) or x is None:
        raise ValueError(
            f"a law needs an array of shape (V,)*L, got {_kind(x)}; pass a numpy array, a JointLaw "
            "or a dit.Distribution"
        )
    a = x if isinstance(x, np.ndarray) else np.asarray(x)
    if a.dtype.kind == "c":
        raise ValueError(
            f"law entries are complex (dtype {a.dtype}); probabilities are real: pass p.real "
            "after checking the imaginary part is 0"
        )
    if a.dtype.kind in "USV":
        raise ValueError(
            f"law entries are strings or bytes (dtype {a.dtype}); pass numbers: np.asarray(p, dtype=float), "
            "or an object array of Fractions for an exact law (a dit Distribution goes in as it is)"
        )
    if a.dtype.kind == "b":
        raise ValueError("law entries are booleans; pass probabilities (floats or Fractions)")
    return a


def _is_exact_array(a: np.ndarray) -> bool:
    return a.dtype == object or np.issubdtype(a.dtype, np.integer)


class JointLaw:
    """A probability law on ``[V]^L``: float (``float64``) or exact (``Fraction`` entries).

    Attributes ``L`` (positions), ``V`` (vocabulary size), ``exact`` (bool).
    ``normalize=True`` rescales a non-negative array with positive total to sum to 1.
    """

    __slots__ = ("_array", "L", "V", "exact", "symbols", "__weakref__")

    def __init__(self, array, *, normalize: bool = False, symbols=None):
        if isinstance(array, JointLaw):
            symbols = array.symbols if symbols is None else symbols
            array = array._array
        elif is_dit_distribution(array):
            from .dit_interop import dit_to_array

            array, symbols = dit_to_array(array)
        a = _input_array(array)
        if a.ndim == 0:
            raise ValueError(
                f"a law needs an array of shape (V,)*L with L >= 1; got {_kind(array)}; "
                "pass e.g. np.full((2, 2), 1/4) or a dit.Distribution"
            )
        V, L = a.shape[0], a.ndim
        if any(n != V for n in a.shape):
            raise ValueError(
                f"a law's array must be cubic, shape (V,)*L, got shape {a.shape}; "
                "pad every position to the same vocabulary size"
            )
        if V < 2:
            raise ValueError(f"vocabulary size V must be >= 2, got V={V}")
        exact_input = _is_exact_array(a)
        # the law itself must fit; lattice-sized work checks its own estimate (lattice.py)
        check_fits(V**L * (EXACT_ENTRY_BYTES if exact_input else 8), f"a law with L={L}, V={V} ({V}^{L} outcomes)")
        if exact_input:
            from .budget import check_time

            check_time(EXACT_ENTRY_SECONDS * V**L, f"validating an exact law with L={L}, V={V} ({V}^{L} rationals)",
                       "pass a float64 array (a float law) or a smaller law")
        if exact_input:
            a = self._validate_exact(a, normalize)
            exact = True
        else:
            a = self._validate_float(a, normalize)
            exact = False
        a.flags.writeable = False
        self._array, self.L, self.V, self.exact = a, L, V, exact
        #: for a law from a dit Distribution, ``symbols[i][v]`` is the user's symbol at index ``v``
        #: of position ``i`` (``None`` for padding); else ``None``
        self.symbols = None if symbols is None else tuple(tuple(s) for s in symbols)

    @staticmethod
    def _validate_exact(a: np.ndarray, normalize: bool) -> np.ndarray:
        flat = [_to_fraction(x) for x in a.reshape(-1)]
        if any(x < 0 for x in flat):
            raise ValueError("law has negative entries; probabilities must be >= 0")
        total = sum(flat, Fraction(0))
        if normalize:
            if total <= 0:
                raise ValueError("cannot normalize a law whose entries sum to 0")
            flat = [x / total for x in flat]
        elif total != 1:
            raise ValueError(f"exact law sums to {total}, not 1; pass normalize=True to rescale")
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(a.shape)

    @staticmethod
    def _validate_float(a: np.ndarray, normalize: bool) -> np.ndarray:
        try:
            a = np.array(a, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"law entries must be numbers, got dtype {a.dtype}") from None
        if not np.all(np.isfinite(a)):
            raise ValueError("law has non-finite entries (nan or inf); every probability must be finite")
        if np.any(a < 0):
            raise ValueError("law has negative entries; probabilities must be >= 0")
        total = float(a.sum())
        if normalize:
            if total <= 0:
                raise ValueError("cannot normalize a law whose entries sum to 0")
            a = a / total
        elif abs(total - 1.0) > FLOAT_SUM_TOL:
            raise ValueError(
                f"law sums to {total!r}, not 1 (tolerance {FLOAT_SUM_TOL}); pass normalize=True to rescale"
            )
        return a

    # --- views -------------------------------------------------------------------------
    @property
    def array(self) -> np.ndarray:
        """The stored probability array, shape ``(V,)*L`` (read-only)."""
        return self._array

    def __array__(self, dtype=None, copy=None):
        if dtype is None:
            return self._array
        return self._array.astype(dtype)

    def float_array(self) -> np.ndarray:
        """The law as a ``float64`` array (a copy for exact laws)."""
        if self.exact:
            return np.array([float(x) for x in self._array.reshape(-1)]).reshape(self._array.shape)
        return self._array

    def to_float(self) -> "JointLaw":
        return self if not self.exact else JointLaw(self.float_array(), normalize=True, symbols=self.symbols)

    def to_exact(self, max_denominator: int | None = None) -> "JointLaw":
        """Exact form; floats are read as their exact binary value unless ``max_denominator`` is set."""
        if self.exact:
            return self
        conv = (lambda x: Fraction(x).limit_denominator(max_denominator)) if max_denominator else Fraction
        out = np.empty(self._array.size, dtype=object)
        out[:] = [conv(float(x)) for x in self._array.reshape(-1)]
        return JointLaw(out.reshape(self._array.shape), normalize=True, symbols=self.symbols)

    def as_counts(self) -> tuple[np.ndarray, int]:
        """``(n, W)`` with ``p = n / W``: integer counts over the least common denominator ``W``.

        ``n`` is an ``int64`` array when ``W < 2^62`` (every marginal sum then fits), else an
        object array of Python ints. Exact laws only: integer arithmetic is much faster than
        ``Fraction`` arithmetic, and every marginal of ``p`` is a marginal of ``n`` over ``W``.
        """
        if not self.exact:
            raise ValueError("as_counts needs an exact law; convert with to_exact(max_denominator=...)")
        flat = self._array.reshape(-1)
        W = math.lcm(*(x.denominator for x in flat))
        ints = [x.numerator * (W // x.denominator) for x in flat]
        if W < 2**62:
            return np.array(ints, dtype=np.int64).reshape(self._array.shape), W
        out = np.empty(len(ints), dtype=object)
        out[:] = ints
        return out.reshape(self._array.shape), W

    @property
    def support_size(self) -> int:
        return int(np.count_nonzero(self._array != 0))

    def marginal(self, positions) -> np.ndarray:
        """Marginal law of ``X_A``, axes in the order of ``positions`` (exact for exact laws)."""
        pos = [int(i) for i in positions]
        if len(set(pos)) != len(pos) or any(not 0 <= i < self.L for i in pos):
            raise ValueError(f"positions must be distinct integers in 0..{self.L - 1}, got {list(positions)}")
        others = tuple(i for i in range(self.L) if i not in pos)
        m = self._array.sum(axis=others) if others else self._array
        kept = [i for i in range(self.L) if i in pos]
        return np.transpose(m, [kept.index(i) for i in pos]) if pos else np.asarray(m)

    def __eq__(self, other):
        if not isinstance(other, JointLaw):
            return NotImplemented
        return self.exact == other.exact and self._array.shape == other._array.shape and bool(
            np.all(self._array == other._array)
        )

    __hash__ = None

    def __repr__(self):
        kind = "exact" if self.exact else "float"
        return f"JointLaw(L={self.L}, V={self.V}, {kind}, support={self.support_size})"

    # --- I/O -----------------------------------------------------------------------------
    def to_json(self) -> dict:
        """``{"L", "V", "exact", "p"}`` with ``p`` flat in C order; rationals as ``"p/q"`` strings."""
        flat = self._array.reshape(-1)
        p = [str(x) for x in flat] if self.exact else [float(x) for x in flat]
        return {"L": self.L, "V": self.V, "exact": self.exact, "p": p}

    @classmethod
    def from_json(cls, data) -> "JointLaw":
        """A law from its JSON form (:meth:`to_json`). ``L`` and ``V`` must be JSON integers
        (``2.7`` and ``true`` are refused, not rounded), and the size ``V^L`` must fit the
        memory cap before anything is allocated or ``V^L`` is even computed."""
        if isinstance(data, str):
            data = json.loads(data)
        if not isinstance(data, dict) or not all(k in data for k in ("L", "V", "p")):
            raise ValueError("law JSON needs keys 'L', 'V' and 'p' (flat list in C order)")
        L, V, p = _json_int(data, "L", 1), _json_int(data, "V", 2), data["p"]
        exact = data.get("exact", None)
        if exact is not None and not isinstance(exact, bool):
            raise ValueError(f"law JSON key 'exact' must be true or false, got {exact!r:.40}")
        check_fits(power_bytes(V, L, EXACT_ENTRY_BYTES if exact else 8), f"the law JSON's L={L}, V={V} ({V}^{L} outcomes)")
        n = V**L
        from .budget import check_time

        check_time(JSON_ENTRY_SECONDS * n, f"reading a law JSON with L={L}, V={V} ({n:,} entries)", "give a smaller law")
        if not isinstance(p, list):
            raise ValueError(
                f"law JSON key 'p' must be a flat list of V**L = {n} probabilities in C order, "
                f"got {type(p).__name__} {p!r:.40}"
            )
        if len(p) != n:
            raise ValueError(f"law JSON has {len(p)} entries, expected V**L = {n}")
        try:
            if exact if exact is not None else isinstance(p[0], str):
                arr = np.empty(len(p), dtype=object)
                arr[:] = [Fraction(str(x)) for x in p]
            else:
                if any(isinstance(x, (bool, str)) or x is None for x in p):
                    raise TypeError
                arr = np.asarray(p, dtype=np.float64)
        except (TypeError, ValueError, ZeroDivisionError):
            raise ValueError(
                "law JSON entries of 'p' must be numbers, or 'p/q' strings for an exact law; "
                f"got {p[:4]!r}{'...' if len(p) > 4 else ''}"
            ) from None
        return cls(arr.reshape((V,) * L))

    def save(self, path) -> None:
        """Save as ``.json`` (exact or float) or ``.npz`` (by the file suffix)."""
        path = os.fspath(path)
        if path.endswith(".json"):
            with open(path, "w") as fh:
                json.dump(self.to_json(), fh)
        elif path.endswith(".npz"):
            if self.exact:
                flat = self._array.reshape(-1)
                np.savez(path, L=self.L, V=self.V, exact=True,
                         num=np.array([str(x.numerator) for x in flat]),
                         den=np.array([str(x.denominator) for x in flat]))
            else:
                np.savez(path, L=self.L, V=self.V, exact=False, p=self._array)
        else:
            raise ValueError(f"unknown law file suffix in {path!r}; use .json or .npz")

    @classmethod
    def load(cls, path) -> "JointLaw":
        """Load a law saved by :meth:`save` (``.json`` or ``.npz``)."""
        path = os.fspath(path)
        if not (path.endswith(".json") or path.endswith(".npz")):
            raise ValueError(f"unknown law file suffix in {path!r}; use .json or .npz")
        problem = input_file_problem(path)
        if problem:
            raise ValueError(f"law file {path!r} {problem}; give the path of a saved .json or .npz law")
        if path.endswith(".json"):
            with open(path) as fh:
                try:
                    data = json.load(fh)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    why = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
                    raise ValueError(f"law file {path!r} is not valid JSON ({why}); save laws with JointLaw.save") from None
            return cls.from_json(data)
        import zipfile

        try:
            with np.load(path, allow_pickle=False) as z:
                L, V, exact = (z[k].item() if z[k].shape == () else None for k in ("L", "V", "exact"))
                where = f"law file {path!r}"
                L, V = _json_int({"L": _plain(L)}, "L", 1, where), _json_int({"V": _plain(V)}, "V", 2, where)
                check_fits(power_bytes(V, L, EXACT_ENTRY_BYTES if exact else 8), f"law file {path!r} with L={L}, V={V}")
                if bool(exact):
                    from .budget import check_time

                    check_time(JSON_ENTRY_SECONDS * V**L, f"reading the exact law file {path!r} ({V**L:,} rationals)",
                               "give a smaller law")
                    num, den = z["num"], z["den"]
                    if num.size != V**L or den.size != V**L:
                        raise ValueError(f"law file {path!r} holds {num.size} entries, expected V**L = {V**L}")
                    arr = np.empty(V**L, dtype=object)
                    arr[:] = [Fraction(int(n), int(d)) for n, d in zip(num, den)]
                    return cls(arr.reshape((V,) * L))
                p = np.asarray(z["p"])
        except (TypeError, AttributeError):  # np.load gave one array (a .npy file), not an archive
            raise ValueError(
                f"law file {path!r} holds a single numpy array (.npy), not a saved law archive; "
                "load it with np.load and pass the array, or save laws with JointLaw.save"
            ) from None
        except (KeyError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ValueError(
                f"law file {path!r} is not a saved law ({type(exc).__name__}: {exc}); save laws with JointLaw.save"
            ) from None
        except ValueError as exc:
            if "pickle" not in str(exc):
                raise
            raise ValueError(
                f"law file {path!r} is not a .npz archive of a saved law (numpy cannot read it as one); "
                "save laws with JointLaw.save"
            ) from None
        if p.shape != (V,) * L:
            raise ValueError(f"law file {path!r} holds an array of shape {p.shape}, expected {(V,) * L}")
        return cls(p)


def _plain(x):
    """A numpy scalar read from a file as the Python value it holds (``None`` stays ``None``)."""
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


def as_law(p) -> JointLaw:
    """``p`` as a :class:`JointLaw` (a law is returned unchanged; arrays and dit
    Distributions are validated and converted)."""
    return p if isinstance(p, JointLaw) else JointLaw(p)


def exact_array(values, shape) -> np.ndarray:
    """An object array of ``Fraction`` from an iterable of rationals, reshaped to ``shape``."""
    out = np.empty(int(np.prod(shape)), dtype=object)
    out[:] = [_to_fraction(v) for v in values]
    return out.reshape(shape)
