"""Exchangeable laws on ``[V]^L`` (issue 8; docs/theory.md §3, §7) through the law of their counts.

A law is exchangeable when permuting positions leaves it unchanged; then
``p(x) = P_L(n(x)) / mult(L; n(x))`` with ``n(x)`` the symbol counts and ``P_L`` the law of
the counts. Everything follows from the count laws ``P_t`` of the first ``t`` positions:

* ``H(X_A)`` depends only on ``|A| = t``: ``g(t) = H_t = -sum_n P_t(n) log(P_t(n)/mult(t; n))``;
* ``Ī(t) = I(X_{t+1}; X_1..X_t) = sum_n P_t(n) KL(p(.|n) || p_1)`` with the exact conditional
  ``p(x_{t+1} = v | n) = P_{t+1}(n + e_v) (n_v + 1) / ((t + 1) P_t(n))``;
* ``P_{t-1}(n) = sum_v P_t(n + e_v) (n_v + 1)/t`` (thinning), or a closed form for a mixture of
  i.i.d. laws ``P_t(n) = sum_m w_m mult(t; n) prod_v theta_mv^n_v``.

**The sampler's mixture law** is exchangeable too, and the exact conditionals depend only on
the revealed counts; a step of size ``s`` adds ``Multinomial(s, p(.|n))`` counts (every new
token drawn from the same context). The count DP pushes the law of (revealed count, counts)
along the schedule's size chain (``sizes.size_chain``: fixed sizes, Bernoulli reveal, cut
points) and gives ``Q``, the count law of ``q``; then ``KL(p||q) = KL(P_L || Q)`` and
``TV(p, q) = TV(P_L, Q)`` because both laws are uniform within a count class.

Cost (``D = V - 1``, layer ``t`` has ``C(t+D, D)`` count vectors, stored on a ``(t+1)^D`` grid):
profile and curve ``O(sum_t (t+1)^D · V)`` (binary: O(L^2)); mixture law for fixed sizes
``sum_k (t_{k-1}+1)^D C(s_k+D, D)`` (binary, K balanced steps: about L^2/2); random sizes
multiply by the number of chain transitions (Bernoulli: O(K L^4), cut points: O(K^2 L^4)).

Exact paths (rational parameters, L <= 256): ``count_exact`` keeps every layer as integers over
one denominator, builds the profile's LogForm terms directly and runs the count DP over one
common denominator per chain state (docs/theory.md §7, "Exact count laws of exchangeable laws
in integers"); ``engine="fraction"`` runs the ``Fraction`` twins of ``_kernels.structured``.
Both estimate their time first and are refused over the time cap: the rationals of ``Q`` have
``~L^3`` bits for schedules with a few large steps (1.4 million at L = 256 with two steps).
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import product

import mpmath
import numpy as np

from ..engine._kernels import structured as K
from ..arith import LogForm
from ..laws import JointLaw, as_law
from ..laws.budget import check_time
from ..laws.joint import check_fits, exact_array
from . import sizes as _sizes
from ._numerics import check_length, log_factorials, parse_distribution, parse_prob
from .base import StructuredLaw
from .count_exact import IntegerCounts, count_dp_seconds, count_law, count_law_integers, cutpoint_seconds, profile_seconds

#: most count-grid cells the float engine holds at once (all layers / all DP states)
MAX_GRID_CELLS = 40_000_000
#: most elementary updates the count DP may do (about 1e8 per second)
MAX_DP_OPS = 5_000_000_000


#: largest L of the exact paths (integer arithmetic, ``count_exact``; each run is also guarded by
#: its time estimate)
EXACT_COUNT_MAX_L = 256
#: the exact engines: integer arithmetic over common denominators, or the ``Fraction`` twin
EXACT_ENGINES = ("integer", "fraction")


def _check_engine(engine):
    if engine not in EXACT_ENGINES:
        raise ValueError(f"engine must be one of {EXACT_ENGINES}, got {engine!r}")


#: below this many grid cells the layer passes run on one thread (thread start-up and
#: contention with other processes cost more than the work)
PARALLEL_MIN_CELLS = 200_000


def _chunks(cells: int) -> int:
    """Number of interleaved chunks for the parallel layer passes."""
    import numba

    return 1 if cells < PARALLEL_MIN_CELLS else max(1, 4 * numba.get_num_threads())


def _grid_size(t, V):
    return (t + 1) ** (V - 1)


def _grid_index(n, t):
    """Flat grid index of a composition ``n`` (tuple of V counts) of ``t``."""
    idx, pw = 0, 1
    for v in range(1, len(n)):
        idx += n[v] * pw
        pw *= t + 1
    return idx


def _grid_compositions(t, V):
    """``[(index, composition)]`` of layer ``t``."""
    out = []
    for n in K.compositions_of(t, V):
        out.append((_grid_index(n, t), n))
    return out


def _log_fraction(x: Fraction) -> float:
    if x <= 0:
        return -math.inf
    return math.log(x.numerator) - math.log(x.denominator)


class Exchangeable(StructuredLaw):
    """An exchangeable law given by a mixture of i.i.d. laws or by its count law ``P_L``.

    Use the constructors (:func:`exchangeable_mixture`, :func:`noisy_repetition`,
    :func:`exchangeable_from_counts`, :func:`weight_class`, :func:`from_joint`) rather than this class.
    """

    family = "exchangeable"

    def __init__(self, L, V, *, mixture=None, top=None, top_log=None, family=None, params=None):
        super().__init__()
        self.L = check_length(L, "exchangeable law")
        self.V = int(V)
        if self.V < 2:
            raise ValueError(f"V must be >= 2, got {V}")
        if (mixture is None) == (top is None and top_log is None):
            raise ValueError("give exactly one of mixture=(weights, thetas) or a count law top=")
        self.family = family or self.family
        self.params = dict(params or {"L": self.L, "V": self.V})
        self._mixture = mixture  # (weights list, thetas list of lists); Fractions if exact
        self._top = top  # dict composition -> probability (Fraction or float)
        self._top_log = top_log  # float array over the layer-L grid (optional, for huge L)
        if mixture is not None:
            w, th = mixture
            self.exact = all(isinstance(x, Fraction) for x in list(w) + [y for r in th for y in r])
        else:
            self.exact = top is not None and all(isinstance(x, Fraction) for x in top.values())
        self._logfact = log_factorials(self.L + 1)
        cells = _grid_size(self.L, self.V)
        if cells > MAX_GRID_CELLS:
            raise ValueError(
                f"exchangeable law with V={self.V} at L={self.L}: a count layer has (L+1)^(V-1) = {cells:,} "
                f"cells, over {MAX_GRID_CELLS:,}; use a smaller L (V-ary count laws cost O(L^(V-1)) per layer)"
            )

    # --- count layers (float, log space) ------------------------------------------------
    def _log_mixture_params(self):
        w, th = self._mixture
        logw = np.array([_log_fraction(Fraction(x)) if isinstance(x, Fraction) else (math.log(x) if x > 0 else -math.inf) for x in w])
        logth = np.array(
            [[_log_fraction(x) if isinstance(x, Fraction) else (math.log(x) if x > 0 else -math.inf) for x in row] for row in th]
        )
        return logw, logth.reshape(len(w), self.V)

    def _top_log_grid(self) -> np.ndarray:
        if self._top_log is not None:
            return np.asarray(self._top_log, dtype=float)
        out = np.full(_grid_size(self.L, self.V), -math.inf)
        for n, p in self._top.items():
            out[_grid_index(n, self.L)] = _log_fraction(p) if isinstance(p, Fraction) else (math.log(p) if p > 0 else -math.inf)
        return out

    def _flat_layers(self):
        """Every ``log P_t``, t = 0..L, flat with offsets (``offs[t]:offs[t+1]`` is layer t).

        Mixture of i.i.d. laws: the closed form, all layers in parallel; a count law: thinning
        down from ``P_L``.
        """
        if "layers" not in self._cache:
            L, V = self.L, self.V
            offs = np.zeros(L + 2, dtype=np.int64)
            for t in range(L + 1):
                offs[t + 1] = offs[t] + _grid_size(t, V)
            cells = int(offs[-1])
            if cells > MAX_GRID_CELLS:
                raise ValueError(
                    f"all count layers of this exchangeable law (L={L}, V={V}) need {cells:,} cells, over "
                    f"{MAX_GRID_CELLS:,}; use a smaller L (V-ary layers cost O(L^(V-1)) each)"
                )
            check_fits(8 * cells, f"all count layers of an exchangeable law (L={L}, V={V})")
            if self._mixture is not None:
                logw, logth = self._log_mixture_params()
                nch = _chunks(cells)
                if nch == 1:
                    flat = K.exch_mixture_all_layers_serial(L, V, logw, logth, self._logfact, offs)
                else:
                    flat = K.exch_mixture_all_layers(L, V, logw, logth, self._logfact, offs, nch)
            else:
                flat = np.empty(cells)
                lay = self._top_log_grid()
                flat[offs[L]:offs[L + 1]] = lay
                for t in range(L, 0, -1):
                    lay = K.exch_thin(lay, t, V)
                    flat[offs[t - 1]:offs[t]] = lay
            flat.flags.writeable = False
            self._cache["layers"] = (flat, offs)
        return self._cache["layers"]

    def log_layer(self, t: int) -> np.ndarray:
        """``log P_t`` on the layer-``t`` grid (for V = 2: index = number of ones)."""
        if not 0 <= t <= self.L:
            raise ValueError(f"t must lie in 0..L={self.L}, got {t}")
        flat, offs = self._flat_layers()
        return flat[offs[t]:offs[t + 1]].copy()

    def _float_curves(self):
        flat, offs = self._flat_layers()
        logint = np.log(np.maximum(np.arange(self.L + 2, dtype=float), 1.0))
        nch = _chunks(len(flat))
        if nch == 1:
            g, Ib = K.exch_curves_serial(flat, offs, self.L, self.V, self._logfact, logint)
        else:
            g, Ib = K.exch_curves(flat, offs, self.L, self.V, self._logfact, logint, nch)
        return g, Ib

    # --- exact path ------------------------------------------------------------------------
    def _integer_counts(self) -> IntegerCounts:
        if "integer_counts" not in self._cache:
            if self._mixture is not None:
                self._cache["integer_counts"] = IntegerCounts(self.L, self.V, mixture=self._mixture)
            else:
                self._cache["integer_counts"] = IntegerCounts(self.L, self.V, top=self._top)
        return self._cache["integer_counts"]

    def exact_count_law(self) -> dict:
        """``P_L`` as a dict composition -> Fraction (rational parameters)."""
        self._exact_checked("exact_count_law")
        if "exact_top" in self._cache:
            return self._cache["exact_top"]
        if self._top is not None:
            top = {n: p for n, p in self._top.items() if p != 0}
        else:
            self._exact_limit("exact count law", EXACT_COUNT_MAX_L)
            top = self._integer_counts().fractions(self.L)
        self._cache["exact_top"] = top
        return top

    def exact_layers(self, engine: str = "integer"):
        """Every ``P_t`` as a dict composition -> Fraction (``engine="fraction"``: the thinning twin)."""
        self._exact_checked("exact_layers")
        self._exact_limit("exact layers", EXACT_COUNT_MAX_L)
        _check_engine(engine)
        key = ("exact_layers", engine)
        if key not in self._cache:
            if engine == "fraction":
                self._cache[key] = K.exch_layers_py(self.exact_count_law(), self.L, self.V)
            else:
                counts = self._integer_counts()
                self._cache[key] = [counts.fractions(t) for t in range(self.L + 1)]
        return self._cache[key]

    def _exact_profile(self, engine: str = "integer"):
        _check_engine(engine)
        self._exact_limit("the exact profile", EXACT_COUNT_MAX_L)
        if engine == "fraction":
            g, _ = K.exch_curves_py(self.exact_layers("fraction"), self.L, self.V)
            out = np.empty(self.L + 1, dtype=object)
            out[:] = g
            return out
        secs, detail = profile_seconds(self.L, self.V, self._exact_bits())
        check_time(secs, f"the exact profile of this exchangeable law (L={self.L}, V={self.V}; {detail})",
                   "use floats (exact=False) or a smaller L")
        return self._integer_counts().profile()

    def _exact_bits(self) -> int:
        """Bits of the largest layer denominator ``Z_t`` (mixtures: ``W c^L``)."""
        counts = self._integer_counts()
        if counts.kind == "mixture":
            return (counts.W * counts.c**self.L).bit_length()
        return counts.layer(self.L)[1].bit_length() + int(math.lgamma(self.L + 1) / math.log(2)) + 1

    # --- mpmath reference ------------------------------------------------------------------
    def _layer_mp(self, t):
        """``P_t`` as {composition: mpf} at the working precision."""
        V = self.V
        if self._mixture is not None:
            w, th = self._mixture
            wm = [mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mpmath.mpf(x) for x in w]
            thm = [[mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mpmath.mpf(x) for x in r] for r in th]
            out = {}
            for n in K.compositions_of(t, V):
                mult = K._multinomial(t, n)
                p = mpmath.fsum(a * mpmath.fprod(r[v] ** n[v] for v in range(V)) for a, r in zip(wm, thm))
                if p != 0:
                    out[n] = p * mult
            return out
        if self._top is None:
            raise ValueError("the mpmath reference needs the count law P_L as exact or float values (top=)")
        Ct = math.comb(self.L, t)
        out = {}
        for N, P in self._top.items():
            if P == 0:
                continue
            Pm = mpmath.mpf(P.numerator) / P.denominator if isinstance(P, Fraction) else mpmath.mpf(P)
            ranges = [range(0, min(N[v], t) + 1) for v in range(1, V)]
            for rest in product(*ranges):
                n0 = t - sum(rest)
                if n0 < 0 or n0 > N[0]:
                    continue
                n = (n0,) + tuple(rest)
                ways = math.prod(math.comb(N[v], n[v]) for v in range(V))
                if ways:
                    out[n] = out.get(n, mpmath.mpf(0)) + Pm * mpmath.mpf(ways) / Ct
        return out

    def _mixture_entropy_mp(self, t):
        """``H_t`` of a mixture of i.i.d. laws: ``-sum_n mult(t; n) s(n) log s(n)`` with the
        per-sequence probability ``s(n) = sum_m w_m prod_v theta_mv^n_v`` (powers tabulated)."""
        w, th = self._mixture
        V = self.V
        conv = (lambda x: mpmath.mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else mpmath.mpf(x))
        wm = [conv(x) for x in w]
        pw = []
        for row in th:
            tab = []
            for v in range(V):
                b, col, acc = conv(row[v]), [], mpmath.mpf(1)
                for _ in range(t + 1):
                    col.append(acc)
                    acc = acc * b
                tab.append(col)
            pw.append(tab)
        fact = [1] * (t + 1)
        for i in range(1, t + 1):
            fact[i] = fact[i - 1] * i
        H = mpmath.mpf(0)
        for n in K.compositions_of(t, V):
            s = mpmath.fsum(a * mpmath.fprod(tab[v][n[v]] for v in range(V)) for a, tab in zip(wm, pw))
            if s > 0:
                mult = fact[t]
                for c in n:
                    mult //= fact[c]
                H -= mpmath.mpf(mult) * s * mpmath.log(s)
        return H

    def _profile_mp(self, ts, dps):
        vals = []
        for t in ts:
            if t == 0:
                vals.append(mpmath.mpf(0))
                continue
            if self._mixture is not None:
                vals.append(self._mixture_entropy_mp(t))
                continue
            H = mpmath.mpf(0)
            for n, p in self._layer_mp(t).items():
                if p > 0:
                    H -= p * (mpmath.log(p) - mpmath.log(K._multinomial(t, n)))
            vals.append(H)
        return vals

    # --- array form ------------------------------------------------------------------------
    def _joint(self) -> JointLaw:
        L, V = self.L, self.V
        idx = np.indices((V,) * L)
        comp = [tuple(int(c) for c in row) for row in
                np.stack([(idx == v).sum(axis=0).reshape(-1) for v in range(V)], axis=1)]
        if self.exact:
            top = self.exact_count_law()
            vals = [top.get(n, Fraction(0)) / K._multinomial(L, n) for n in comp]
            return JointLaw(exact_array(vals, (V,) * L))
        top = self.log_layer(L)
        vals = [math.exp(top[_grid_index(n, L)] - math.lgamma(L + 1) + sum(math.lgamma(k + 1) for k in n)) for n in comp]
        return JointLaw(np.array(vals).reshape((V,) * L), normalize=True)

    def count_law(self, log: bool = False) -> np.ndarray:
        """``P_L`` (or ``log P_L``) on the layer-L grid (V = 2: index = number of ones)."""
        lay = self.log_layer(self.L)
        return lay.copy() if log else np.exp(lay)

    # --- the sampler's mixture law -------------------------------------------------------
    def _float_dp(self, schedule):
        """``log Q`` on the layer-L grid: the count law of the sampler's mixture law."""
        L, V = self.L, self.V
        chain = _sizes.size_chain(schedule, L)
        st = np.array(chain.state_t, dtype=np.int64)
        src_ts = sorted({chain.state_t[a] for a, b, _ in chain.transitions if chain.state_t[b] > chain.state_t[a]})
        s_set = sorted({chain.state_t[b] - chain.state_t[a] for a, b, _ in chain.transitions})
        # cost and memory estimates before any allocation
        ops = 0
        for a, b, _ in chain.transitions:
            t, s = chain.state_t[a], chain.state_t[b] - chain.state_t[a]
            ops += _grid_size(t, V) * math.comb(s + V - 1, V - 1)
        if ops > MAX_DP_OPS:
            raise ValueError(
                f"the count DP for this schedule at L={L}, V={V} needs about {ops:,} updates "
                f"(over {MAX_DP_OPS:,}); use fewer / smaller steps or a smaller L"
            )
        cells = sum(_grid_size(t, V) for t in chain.state_t)
        check_fits(8 * (cells + sum(_grid_size(t, V) * V for t in src_ts)), f"the count DP at L={L}, V={V}")
        if cells > MAX_GRID_CELLS:
            raise ValueError(f"the count DP holds {cells:,} grid cells (over {MAX_GRID_CELLS:,}); use a smaller L or fewer steps")
        w_off = np.zeros(len(st) + 1, dtype=np.int64)
        for i, t in enumerate(chain.state_t):
            w_off[i + 1] = w_off[i] + _grid_size(t, V)
        W = np.full(int(w_off[-1]), -math.inf)
        W[w_off[chain.start]] = 0.0
        # conditionals at each source count t
        pi_off = np.full(L + 1, -1, dtype=np.int64)
        blocks, off = [], 0
        need = set(src_ts) | {t + 1 for t in src_ts}
        lay_cache = {t: self.log_layer(t) for t in need}
        for t in src_ts:
            lc = K.exch_log_conditionals(lay_cache[t], lay_cache[t + 1], t, V)
            pi_off[t] = off
            blocks.append(lc.reshape(-1))
            off += lc.size
        pi_flat = np.concatenate(blocks) if blocks else np.zeros(1)
        comp_rows, comp_logc = [], []
        comp_off = np.zeros(L + 1, dtype=np.int64)
        comp_cnt = np.zeros(L + 1, dtype=np.int64)
        for s in s_set:
            comp_off[s] = len(comp_rows)
            rows = list(K.compositions_of(s, V))
            comp_cnt[s] = len(rows)
            for m in rows:
                comp_rows.append(m)
                comp_logc.append(self._logfact[s] - sum(self._logfact[x] for x in m))
        comp_data = np.array(comp_rows, dtype=np.int64).reshape(-1, V)
        tr = chain.transitions
        tr_src = np.array([a for a, _, _ in tr], dtype=np.int64)
        tr_dst = np.array([b for _, b, _ in tr], dtype=np.int64)
        tr_logw = np.array([_log_fraction(w) if isinstance(w, Fraction) else (math.log(w) if w > 0 else -math.inf) for _, _, w in tr])
        W = K.exch_count_dp(V, st, w_off, tr_src, tr_dst, tr_logw, pi_flat, pi_off,
                            comp_data, np.array(comp_logc), comp_off, comp_cnt, W)
        return W[w_off[chain.end]:w_off[chain.end + 1]].copy()

    def _exact_dp(self, schedule, engine: str = "integer", integers: bool = False):
        """The exact count law ``Q`` (dict composition -> Fraction), or with ``integers`` its
        integer form ``(D, factors, N)`` (``count_exact.count_law_integers``; integer engine)."""
        self._exact_checked("the exact count DP")
        self._exact_limit("the exact count DP", EXACT_COUNT_MAX_L)
        _check_engine(engine)
        kind, params = _sizes.describe(schedule, self.L)
        if kind == "cutpoints":  # the chain alone has O(K^2 L^2) transitions: estimate before building it
            secs, detail = cutpoint_seconds(self.L, self.V, params[0], self._exact_bits())
            check_time(secs, f"the exact count DP of {params[0]} cut points at L={self.L} ({detail})",
                       "use floats (exact=False), fewer cut points or a smaller L")
        chain = _sizes.size_chain(schedule, self.L)
        if not chain.exact:
            raise ValueError("the exact count DP needs rational rates / cut-point weights (Fractions)")
        if engine == "fraction":
            return K.exch_count_dp_py(self.exact_layers("fraction"), self.V, chain.state_t, chain.transitions,
                                      chain.start, chain.end)
        counts = self._integer_counts()
        secs, detail = count_dp_seconds(counts, chain)
        check_time(secs, f"the exact count DP at L={self.L}, V={self.V} ({detail})",
                   "use floats (exact=False), a schedule with fewer large steps, or a smaller L")
        return count_law_integers(counts, chain) if integers else count_law(counts, chain)

    def sampler_count_law(self, sizes, exact: bool = False, log: bool = False, engine: str = "integer"):
        """Law ``Q`` of the symbol counts under the sampler (exact predictor) with this schedule.

        Float: an array on the layer-L grid (``log Q`` if ``log``); V = 2: index = number of
        ones. Exact: a dict composition -> Fraction (``engine``: ``"integer"``, the integer DP of
        ``count_exact``, or ``"fraction"``, its ``Fraction`` twin). ``sizes``: fixed sizes,
        Bernoulli reveal or cut points (see ``exactdlm.structured.sizes``).
        """
        if exact:
            return self._exact_dp(sizes, engine)
        lq = self._float_dp(sizes)
        return lq if log else np.exp(lq)

    def sampler_law(self, sizes, exact: bool = False, engine: str = "integer") -> np.ndarray:
        """The mixture output law ``q`` as a ``(V,)*L`` array (small L): ``q(x) = Q(n(x))/mult``."""
        L, V = self.L, self.V
        if V**L > (1 << 22):
            raise ValueError(f"sampler_law materializes V^L = {V}^{L} outcomes; use sampler_count_law at this L")
        idx = np.indices((V,) * L)
        comps = np.stack([(idx == v).sum(axis=0).reshape(-1) for v in range(V)], axis=1)
        if exact:
            Q = self._exact_dp(sizes, engine)
            vals = [Q.get(tuple(int(c) for c in n), Fraction(0)) / K._multinomial(L, tuple(int(c) for c in n)) for n in comps]
            return exact_array(vals, (V,) * L)
        lq = self._float_dp(sizes)
        vals = [math.exp(lq[_grid_index(tuple(int(c) for c in n), L)] - self._logfact[L] + sum(self._logfact[int(c)] for c in n)) for n in comps]
        return np.array(vals).reshape((V,) * L)

    def mixture_kl(self, sizes, exact: bool = False, engine: str = "integer"):
        """``KL(p || q) = sum_n P_L(n) log(P_L(n) / Q(n))`` (``inf`` if ``Q = 0 < P_L``)."""
        if exact:
            P = self.exact_count_law()
            Q = self._exact_dp(sizes, engine)
            form = LogForm()
            for n, p in P.items():
                if p == 0:
                    continue
                qn = Q.get(n, 0)
                if qn == 0:
                    return math.inf
                form._add_term(p / qn, p)
            return form
        lp = self.log_layer(self.L)
        lq = self._float_dp(sizes)
        mask = lp > -math.inf
        if np.any(lq[mask] == -math.inf):
            return math.inf
        return math.fsum(np.exp(lp[mask]) * (lp[mask] - lq[mask]))

    def tv(self, sizes, exact: bool = False, engine: str = "integer"):
        """``TV(p, q) = ½ sum_n |P_L(n) - Q(n)|``."""
        if exact and engine == "integer":  # in integers: one gcd at the end, not one per term
            D, _, N = self._exact_dp(sizes, engine, integers=True)
            U, Z = self._integer_counts().layer(self.L)
            num = sum(abs(U.get(n, 0) * D - N.get(n, 0) * Z) for n in set(U) | set(N))
            return Fraction(num, 2 * D * Z)
        if exact:
            P = self.exact_count_law()
            Q = self._exact_dp(sizes, engine)
            keys = set(P) | set(Q)
            return sum((abs(P.get(n, 0) - Q.get(n, 0)) for n in keys), Fraction(0)) / 2
        P = np.exp(self.log_layer(self.L))
        Q = np.exp(self._float_dp(sizes))
        return 0.5 * math.fsum(np.abs(P - Q))


# ----------------------------------------------------------------------------------------
# constructors
# ----------------------------------------------------------------------------------------
def exchangeable_mixture(L, weights, thetas) -> Exchangeable:
    """Mixture of i.i.d. laws: ``p(x) = sum_m w_m prod_i theta_m(x_i)``; ``V = len(theta_m)``.

    Exact (Fraction) when every weight and probability is rational.
    """
    w = parse_distribution(weights, "mixture weights")
    try:
        rows = [list(r) for r in thetas]
    except TypeError:
        raise ValueError("thetas must be a list of probability vectors (one per mixture component)") from None
    if len(rows) != len(w):
        raise ValueError(f"thetas has {len(rows)} components but weights has {len(w)}; give one theta per weight")
    exact = isinstance(w, list) and all(
        all(isinstance(x, str) or isinstance(x, (int, Fraction)) for x in r) for r in rows
    )
    th = [parse_distribution(r, f"theta[{m}]", exact=exact) for m, r in enumerate(rows)]
    V = len(th[0])
    if any(len(r) != V for r in th):
        raise ValueError("every theta must have the same length V")
    if V < 2:
        raise ValueError(f"thetas need V >= 2 symbols, got {V}")
    if not exact:
        w = [float(x) for x in w]
        th = [[float(x) for x in r] for r in th]
    return Exchangeable(L, V, mixture=(list(w), [list(r) for r in th]), family="exchangeable_mixture",
                        params={"L": int(L), "weights": [str(x) for x in w], "thetas": [[str(x) for x in r] for r in th]})


def noisy_repetition(L, eta) -> Exchangeable:
    """``U`` a fair bit, ``X_i = U xor W_i``, ``W_i`` i.i.d. Bernoulli(eta) (docs/theory.md §6); V = 2.

    The mixture ``½ Bern(eta)^L + ½ Bern(1-eta)^L``.
    """
    e = parse_prob(eta, "eta (the flip probability)")
    half = Fraction(1, 2) if isinstance(e, Fraction) else 0.5
    law = exchangeable_mixture(L, [half, half], [[1 - e, e], [e, 1 - e]])
    law.family = "noisy_repetition"
    law.params = {"L": law.L, "eta": str(e)}
    return law


def exchangeable_from_counts(L, count_pmf, V: int = 2) -> Exchangeable:
    """The exchangeable law with count law ``count_pmf``.

    ``V = 2``: a sequence of length ``L+1``, ``count_pmf[k] = P(k ones)``. Any V: a dict
    ``{composition (n_0, ..., n_{V-1}) of L: probability}``. Rational entries give an exact law.
    """
    L = check_length(L, "exchangeable law")
    if isinstance(count_pmf, dict):
        items = {}
        for n, p in count_pmf.items():
            n = tuple(int(c) for c in n)
            if len(n) != V or sum(n) != L or min(n) < 0:
                raise ValueError(f"count vector {n} is not a composition of L={L} into V={V} parts")
            items[n] = p
        keys = list(items)
        vals = parse_distribution([items[k] for k in keys], "count law")
        top = dict(zip(keys, vals))
    else:
        if V != 2:
            raise ValueError("a count pmf given as a sequence is for V = 2; pass a dict {composition: prob} for V > 2")
        vals = parse_distribution(count_pmf, "count law P(k ones)")
        if len(vals) != L + 1:
            raise ValueError(f"count law must have L+1 = {L + 1} entries (k = 0..L ones), got {len(vals)}")
        top = {(L - k, k): v for k, v in enumerate(vals)}
    top = {n: (p if isinstance(p, Fraction) else float(p)) for n, p in top.items()}
    return Exchangeable(L, V, top=top, family="exchangeable", params={"L": L, "V": V})


def weight_class(L, w: int) -> Exchangeable:
    """Uniform on the binary strings of length ``L`` with exactly ``w`` ones."""
    L = check_length(L, "weight class")
    if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or not 0 <= w <= L:
        raise ValueError(f"w must be an integer in 0..L={L}, got {w!r}")
    law = Exchangeable(L, 2, top={(L - int(w), int(w)): Fraction(1)}, family="weight_class",
                       params={"L": L, "w": int(w)})
    return law


def from_joint(p, tol: float = 1e-12) -> Exchangeable:
    """The exchangeable law of a ``(V,)*L`` array, after checking that it is exchangeable.

    Checks invariance under every adjacent transposition (they generate all permutations):
    exactly for exact laws, within ``tol`` for float laws; a ValueError names the first
    failing pair of positions.
    """
    law = as_law(p)
    a, L, V = law.array, law.L, law.V
    for i in range(L - 1):
        b = np.swapaxes(a, i, i + 1)
        same = bool(np.all(a == b)) if law.exact else bool(np.max(np.abs(a - b)) <= tol)
        if not same:
            raise ValueError(
                f"the law is not exchangeable: swapping positions {i} and {i + 1} changes it; "
                "use the lattice engine (or a Markov / MDS structured law) for it"
            )
    top = {}
    for n in K.compositions_of(L, V):
        x = tuple(v for v in range(V) for _ in range(n[v]))
        top[n] = a[x] * K._multinomial(L, n)
    if not law.exact:
        top = {n: float(v) for n, v in top.items()}
    out = Exchangeable(L, V, top=top, family="exchangeable", params={"L": L, "V": V})
    return out
