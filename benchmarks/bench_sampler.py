"""Benchmarks of the sampler DP (issue 3) against named baselines.

* ``pattern listing (numpy)``: the mixture law as the mean of ``q_S`` over all ordered
  partitions, each ``q_S`` a product of precomputed conditional arrays (numpy broadcasting);
* ``plain lattice DP (numba)``: the same DP on the flat C-order lattice with one pass over all
  ``(V+1)^L`` states per step (decode every state, keep those on the target layer, pull from
  their parents), serial;
* ours: ``exactdlm.engine.sampler.sampler_law`` (mask-block layout, layered, parallel for big steps).

Goals (issue 3): >= 1000x pattern listing at L=8 (V=2, unit steps); <= 1/4 of the plain DP at
L=14 V=2 unit steps; unit steps L=16 V=2 <= 1.5 s; every balanced K (1..16) at L=16 V=2 <= 15 s
in total; unit steps L=11 V=3 <= 5 s; peak memory <= 3x the lattice's float64 bytes (measured
as VmHWM growth in a subprocess, recorded in ``info``). Run:
``python -m benchmarks --module sampler [--only NAME] [--repeat N]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import combinations

import numpy as np
from numba import njit

from benchmarks import Case
from exactdlm.engine.lattice import marginal_lattice
from exactdlm.engine.sampler import ordered_partitions, sampler_law
from exactdlm.schedules import balanced


def _law(L: int, V: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = rng.random((V,) * L) ** 3
    return p / p.sum()


# ----------------------------------------------------------------------------------------
# baseline 1: pattern listing with numpy
# ----------------------------------------------------------------------------------------
def _conditional_arrays(p: np.ndarray):
    """``cond[(R, j)]`` = ``p(x_j | x_R)`` broadcast to ``(V,)*L`` (uniform where ``p(x_R) = 0``)."""
    L, V = p.ndim, p.shape[0]
    marg = {}
    for n in range(L + 1):
        for A in combinations(range(L), n):
            others = tuple(i for i in range(L) if i not in A)
            marg[A] = p.sum(axis=others, keepdims=True) if others else p
    cond = {}
    for n in range(L):
        for R in combinations(range(L), n):
            den = marg[R]
            for j in range(L):
                if j in R:
                    continue
                num = marg[tuple(sorted(R + (j,)))]
                with np.errstate(invalid="ignore", divide="ignore"):
                    cond[(R, j)] = np.where(den > 0, num / np.where(den > 0, den, 1.0), 1.0 / V)
    return cond


def pattern_listing(p: np.ndarray, sizes) -> np.ndarray:
    """The mixture law by listing every ordered partition (conditionals precomputed)."""
    L = p.ndim
    cond = _conditional_arrays(p)
    total = np.zeros(p.shape)
    count = 0
    for part in ordered_partitions(L, sizes):
        q = np.ones(p.shape)
        R: tuple = ()
        for block in part:
            for j in block:
                q = q * cond[(R, j)]
            R = tuple(sorted(R + block))
        total += q
        count += 1
    return total / count


# ----------------------------------------------------------------------------------------
# baseline 2: the plain lattice DP (one pass over every state per step)
# ----------------------------------------------------------------------------------------
@njit(cache=True)
def _plain_unit_steps(M, L, V):
    B = V + 1
    n = B**L
    W = np.zeros(n)
    W[n - 1] = 1.0  # all masked
    digits = np.zeros(L, dtype=np.int64)
    strides = np.array([B ** (L - 1 - j) for j in range(L)], dtype=np.int64)
    for t in range(L):
        Wn = np.zeros(n)
        for state in range(n):
            rem, count = state, 0
            for j in range(L - 1, -1, -1):
                digits[j] = rem % B
                rem //= B
                if digits[j] < V:
                    count += 1
            if count != t + 1:
                continue
            acc = 0.0
            for j in range(L):
                if digits[j] == V:
                    continue
                parent = state + (V - digits[j]) * strides[j]
                m = M[parent]
                if m > 0.0:
                    acc += W[parent] * M[state] / m
                else:
                    acc += W[parent] / V
            Wn[state] = acc / (L - t)
        W = Wn
    out = np.empty(V**L)
    k = 0
    for state in range(n):
        rem, full = state, True
        for j in range(L):
            if rem % B == V:
                full = False
            rem //= B
        if full:
            out[k] = W[state]
            k += 1
    return out


def plain_lattice_dp(p: np.ndarray) -> np.ndarray:
    L, V = p.ndim, p.shape[0]
    return _plain_unit_steps(marginal_lattice(p), L, V).reshape(p.shape)


# ----------------------------------------------------------------------------------------
# peak memory in a fresh process
# ----------------------------------------------------------------------------------------
_MEM_SCRIPT = r"""
import json, sys
import numpy as np
from exactdlm.engine.sampler import sampler_law
L, V, sizes = int(sys.argv[1]), int(sys.argv[2]), tuple(json.loads(sys.argv[3]))
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
rng = np.random.default_rng(0)
small = rng.random((V,) * 3); small /= small.sum()
sampler_law(small, (1, 2))  # load the kernels
p = rng.random((V,) * L) ** 3; p /= p.sum()
before = status("VmRSS")
q = sampler_law(p, sizes)
print(json.dumps({"peak_growth": status("VmHWM") - before, "lattice_bytes": 8 * (V + 1) ** L}))
"""


def peak_memory(L: int, V: int, sizes) -> dict:
    """Peak RSS growth of one ``sampler_law`` call (VmHWM - VmRSS before), against lattice bytes."""
    env = dict(os.environ)
    res = subprocess.run([sys.executable, "-c", _MEM_SCRIPT, str(L), str(V), json.dumps(list(sizes))],
                         capture_output=True, text=True, env=env, check=True)
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["ratio"] = out["peak_growth"] / out["lattice_bytes"]
    return out


def model_bytes(L: int, V: int) -> int:
    """Memory model of a unit-step run: marginals (lattice) + 3 layer buffers (two DP layers and
    the W/Mp scratch, each of the largest layer) + input and output (``V^L`` each)."""
    from math import comb

    biggest = max(comb(L, t) * V**t for t in range(L + 1))
    return 8 * ((V + 1) ** L + 3 * biggest + 2 * V**L)


def largest_L(V: int, budget: int = 24 * 2**30) -> int:
    L = 1
    while model_bytes(L + 1, V) <= budget:
        L += 1
    return L


# ----------------------------------------------------------------------------------------
# cases
# ----------------------------------------------------------------------------------------
def _all_balanced(p):
    L = p.ndim
    for K in range(1, L + 1):
        sampler_law(p, balanced(L, K))


def cases():
    for L in (6, 7, 8):
        p = _law(L, 2)
        base = f"sampler: pattern listing (numpy) L={L} V=2 unit steps"
        yield Case(base, lambda p=p, L=L: pattern_listing(p, (1,) * L), repeat=3 if L == 8 else None)
        yield Case(f"sampler: DP L={L} V=2 unit steps", lambda p=p, L=L: sampler_law(p, (1,) * L),
                   baseline=base, goal=">= 1000x pattern listing at L=8" if L == 8 else "")
    p14 = _law(14, 2)
    base = "sampler: plain lattice DP (numba, serial) L=14 V=2 unit steps"
    yield Case(base, lambda: plain_lattice_dp(p14), repeat=3)
    yield Case("sampler: DP L=14 V=2 unit steps", lambda: sampler_law(p14, (1,) * 14), baseline=base,
               goal="<= 1/4 of the plain DP (>= 4x)")
    for L in (10, 11, 12, 13, 15):
        pL = _law(L, 2)
        yield Case(f"sampler: DP L={L} V=2 unit steps", lambda pL=pL, L=L: sampler_law(pL, (1,) * L),
                   goal="growth with L")
    p16 = _law(16, 2)
    mem = {}
    if os.environ.get("EXACTDLM_BENCH_MEMORY", "1") != "0":
        mem = {"peak_memory_unit_L16_V2": peak_memory(16, 2, (1,) * 16),
               "peak_memory_balanced4_L16_V2": peak_memory(16, 2, balanced(16, 4)),
               "largest_L_24GiB": {"V=2": largest_L(2), "V=3": largest_L(3)}}
    yield Case("sampler: DP L=16 V=2 unit steps", lambda: sampler_law(p16, (1,) * 16), goal="<= 1.5 s",
               repeat=3, info=mem)
    yield Case("sampler: DP L=16 V=2 every balanced K=1..16", lambda: _all_balanced(p16),
               goal="<= 15 s total", repeat=1)
    for K in (2, 3, 4, 8):
        yield Case(f"sampler: DP L=16 V=2 balanced K={K}", lambda K=K: sampler_law(p16, balanced(16, K)),
                   repeat=1, goal="part of the K=1..16 total")
    p11 = _law(11, 3)
    yield Case("sampler: DP L=11 V=3 unit steps", lambda: sampler_law(p11, (1,) * 11), goal="<= 5 s")
