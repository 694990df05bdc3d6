"""The sampler's layered DP over masks (docs/theory.md §7), shared by every arithmetic.

``W(R, x_R)`` = probability that after some step the revealed set is ``R`` with values ``x_R``;
a step of size ``s`` from ``R`` moves mass to ``(R ∪ S, x_{R∪S})`` with weight
``prob / C(m, s) · prod_{j in S} p̂(x_j | x_R)``. :class:`DPEngine` walks the schedule's chain
(layers by number of revealed tokens, chain states alongside) and keeps only the live layers;
the arithmetic is its ``mode``: float64 numba kernels, or their pure-Python twins on
``Fraction`` arrays (the exact reference). ``engine.multimodular`` subclasses it to run the
numba kernels on residues modulo primes.
"""

from __future__ import annotations

import heapq
from fractions import Fraction
from math import comb

import numpy as np

from ._kernels import sampler as ks
from ..laws import budget
from ..laws.joint import EXACT_ENTRY_BYTES, check_fits
from .predictors import as_predictor


class DPEngine:
    """Layout tables, marginals and predictor data of one (law, predictor) pair."""

    def __init__(self, law, predictor):
        self.law = law
        self.L, self.V = law.L, law.V
        self.pred = as_predictor(predictor, law)
        self.exact = law.exact and self.pred.exact
        self.layer_masks, self.block_off, self.layer_start = ks.layout(self.L, self.V)
        self.masks_all = np.concatenate(self.layer_masks)
        self.mask_start = np.zeros(self.L + 2, dtype=np.int64)
        self.mask_start[1:] = np.cumsum([len(m) for m in self.layer_masks])
        self._M = {}
        self._filters = {}
        self._pool, self._buf_size, self._scratch = [], 0, None
        self.bar = budget.NoBar()  # the caller may set a progress bar

    # --- memory ---------------------------------------------------------------------
    def item_bytes(self) -> int:
        return EXACT_ENTRY_BYTES if self.exact else 8

    def layer_size(self, t: int) -> int:
        return comb(self.L, t) * self.V**t

    def plan(self, sched) -> tuple[int, int]:
        """``(most DP arrays alive at once, largest layer)`` by simulating the chain without arrays."""
        live, peak, biggest = {(0, sched.start())}, 1, 1
        heap = [(0, sched.start())]
        while heap:
            key = heapq.heappop(heap)
            if key[0] == self.L:
                live.discard(key)
                continue
            for mv in sched.moves(*key):
                k2 = (mv.t, mv.state)
                if k2 not in live and mv.t < self.L:
                    live.add(k2)
                    heapq.heappush(heap, k2)
                    biggest = max(biggest, self.layer_size(mv.t))
            peak = max(peak, len(live))
            live.discard(key)
        return peak, biggest

    def chain_moves(self, sched) -> list:
        """Every ``(t, state, move)`` of the chain reachable from the start (no arrays)."""
        seen, out = {(0, sched.start())}, []
        heap = [(0, sched.start())]
        while heap:
            key = heapq.heappop(heap)
            if key[0] == self.L:
                continue
            for mv in sched.moves(*key):
                if mv.prob == 0:
                    continue
                out.append((key[0], key[1], mv))
                k2 = (mv.t, mv.state)
                if k2 not in seen:
                    seen.add(k2)
                    heapq.heappush(heap, k2)
        return out

    def move_work(self, t: int, mv) -> int:
        """Multiply-adds of one move per prime / per float lane: child states times the patterns
        feeding each (``C(L, t+s) V^(t+s) C(t+s, s)`` for an unrestricted step)."""
        if mv.size == 0:
            return self.layer_size(t)
        children = len(self.dst_masks(mv.t, mv.allowed, mv.required))
        cand = mv.t if mv.allowed is None else min(mv.t, bin(mv.allowed | (mv.required or 0)).count("1"))
        return children * self.V**mv.t * comb(cand, mv.size)

    def check_memory(self, sched, what: str) -> tuple[int, int]:
        """Refuse a run whose marginals + DP buffers exceed the memory cap; returns :meth:`plan`."""
        lattice = (self.V + 1) ** self.L
        copies = 1 + (self.pred.base is not None and self.pred.base is not self.law)
        peak, biggest = self.plan(sched)
        table = lattice * self.L * self.V if self.pred.table is not None else 0
        buffers = (peak + 1) * biggest + 2 * self.V**self.L  # live layers + scratch, output
        check_fits((copies * lattice + buffers + table) * self.item_bytes(), what)
        return peak, biggest

    # --- marginals ------------------------------------------------------------------
    def marginals(self, law) -> np.ndarray:
        """``p(x_R)`` of ``law`` in the mask-block layout (Fractions in exact mode)."""
        key = id(law)
        if key not in self._M:
            L, V = self.L, self.V
            n = int(self.layer_start[L + 1])
            args = (L, V, self.masks_all, self.mask_start, self.block_off, self.layer_start)
            if self.exact:
                out = np.empty(n, dtype=object)
                ks.block_marginals_py(list(law.array.reshape(-1)), *args, out)
            else:
                arr = law.float_array().reshape(-1)
                out = ks.block_marginals(np.ascontiguousarray(arr), *args, np.empty(n))
            self._M[key] = (law, out)
        return self._M[key][1]

    def marginals_float(self, flat) -> np.ndarray:
        """The layout marginals of a flat float array over ``[V]^L`` (any nonnegative weights)."""
        args = (self.L, self.V, self.masks_all, self.mask_start, self.block_off, self.layer_start)
        out = np.empty(int(self.layer_start[self.L + 1]))
        return ks.block_marginals(np.ascontiguousarray(flat, dtype=np.float64), *args, out)

    def predictor_data(self):
        """``(code, Mp, Tab, params, seed)`` for the kernels."""
        pred = self.pred
        if pred.table is not None:
            Mp = np.zeros(1) if not self.exact else np.zeros(1, dtype=object)
            Tab = pred.layout_table(self.exact)
        else:
            Mp = self.marginals(pred.base)
            Tab = np.zeros(1)
        return pred.code, Mp, Tab, pred.kernel_params(self.exact), pred.seed

    def dst_masks(self, t: int, allowed, required: int) -> np.ndarray:
        if allowed is None and not required:
            return self.layer_masks[t]
        key = (t, allowed, required)
        if key not in self._filters:
            m = self.layer_masks[t]
            full = (1 << self.L) - 1
            ok = (m & required) == required
            if allowed is not None:
                ok &= (m & (full & ~(required | allowed))) == 0
            self._filters[key] = m[ok]
        return self._filters[key]

    # --- the run --------------------------------------------------------------------
    def zeros(self, n: int) -> np.ndarray:
        """A zero array of length ``n``: Fractions in exact mode, else a view of a pooled float
        buffer (reusing buffers avoids paying the first-touch page faults at every step)."""
        if self.exact:
            out = np.empty(n, dtype=object)
            out[:] = [Fraction(0)] * n
            return out
        if n <= self._buf_size and self._pool:
            buf = self._pool.pop()
        else:
            buf = np.empty(max(n, self._buf_size))
        out = buf[:n]
        out[:] = 0.0
        return out

    def release(self, arr) -> None:
        if not self.exact:
            base = arr.base if arr.base is not None else arr
            if len(base) >= self._buf_size:
                self._pool.append(base)

    def set_one(self, arr) -> None:
        arr[0] = Fraction(1) if self.exact else 1.0

    def add_scaled(self, dst, src, prob) -> None:
        """``dst += prob * src`` (``prob`` a rational of the schedule)."""
        dst += (Fraction(prob) if self.exact else float(prob)) * src

    def _final(self) -> np.ndarray:
        return self.zeros(self.V**self.L) if self.exact else np.zeros(self.V**self.L)

    def step(self, src, dst, t: int, mv, data) -> None:
        code, Mp, Tab, params, seed = data
        s = mv.size
        scale = (Fraction(mv.prob) if self.exact else float(mv.prob)) / comb(mv.m, s)
        masks = self.dst_masks(mv.t, mv.allowed, mv.required)
        allowed = (1 << self.L) - 1 if mv.allowed is None else int(mv.allowed)
        if len(masks) == 0:
            return
        L, V, bo, ls = self.L, self.V, self.block_off, self.layer_start
        src_masks = self.layer_masks[t]
        if self.exact:
            if code == ks.RATIO and s == 1:
                ks.unit_step_ratio_py(src, dst, Mp, src_masks, masks, allowed, scale, bo, ls, t, L, V)
            else:
                ks.block_step_py(src, dst, Mp, Tab, params, seed, code, masks, allowed, s, scale, bo, ls, t, L, V)
        elif code == ks.RATIO and s == 1:
            ks.unit_step_ratio(src, dst, Mp, src_masks, masks, allowed, scale, bo, ls, t, L, V, self._scratch)
        else:
            ks.block_step(src, dst, Mp, Tab, params, seed, code, masks, allowed, s, scale, bo, ls, t, L, V)

    def run(self, sched) -> np.ndarray:
        """The output law (flat, C order over ``[V]^L``) of a chain schedule."""
        L = self.L
        _, self._buf_size = self.check_memory(sched, f"the sampler DP with L={L}, V={self.V}")
        self._pool = []
        data = self.predictor_data()
        self._scratch = np.empty(0 if self.exact else self._buf_size)
        start = (0, sched.start())
        W = {start: self.zeros(1)}
        self.set_one(W[start])
        heap = [start]
        q = self._final()
        while heap:
            key = heapq.heappop(heap)
            t = key[0]
            src = W.pop(key)
            if t == L:
                self.add_scaled(q, src, 1)
                continue
            for mv in sched.moves(*key):
                if mv.prob == 0:
                    continue
                k2 = (mv.t, mv.state)
                if k2 not in W:
                    W[k2] = self.zeros(self.layer_size(mv.t)) if mv.t < L else self._final()
                    heapq.heappush(heap, k2)
                if mv.size == 0:
                    self.add_scaled(W[k2], src, mv.prob)
                else:
                    self.step(src, W[k2], t, mv, data)
                    self.bar.update(self.move_work(t, mv))
            self.release(src)
        self._pool, self._scratch = [], None
        return q
