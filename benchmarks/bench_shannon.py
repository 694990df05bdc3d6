"""The Shannon LP (docs/theory.md §8a): time against L in the full space (2^L - 1 variables) and
against the block count with symmetry (orbit spaces, ∏ (b_k + 1) - 1 variables).

* full space, L = 3..10 (L = 11 measured once: 238 s, so the scan stops at 6): ``EKL((1, L-1)) <= TC`` written with subset measures in the full space
  (``TC`` as ``Σ_i H(X_i) - H(X)`` from single positions), decided by the LP with its exact
  certificate (rows ``L + C(L,2) 2^(L-2)``);
* block symmetry: ``EKL(SemiAR) <= TC`` with 2 blocks at L = 64, 128, 256 and 4 blocks at L = 32, 64
  (two steps per block) — the band certificate; and, as the baseline at L = 128 with 2 blocks, the
  whole orbit LP by HiGHS' dual simplex (how long the symmetric LP takes without the band);
* the form itself (building the semi-AR EKL in orbit coordinates) at L = 256.
"""

from __future__ import annotations

from functools import lru_cache

from benchmarks import Case
import exactdlm as ed
from exactdlm.schedules import SemiAR
from exactdlm.structured.shannon import EntropicLaw
from exactdlm.structured.shannon.lp import _decide_full, decide_nonnegative


@lru_cache(maxsize=None)
def full_form(L: int):
    s = EntropicLaw(L)
    tc = sum((ed.entropy(s, [i]) for i in range(L)), 0) - ed.entropy(s, list(range(L)))
    return tc - ed.expected_kl(s, (1, L - 1))


@lru_cache(maxsize=None)
def sar_form(L: int, B: int):
    s = EntropicLaw(L)
    return ed.total_correlation(s) - ed.expected_kl(s, SemiAR([L // B] * B, 2))


def _proof(fn):
    def run():
        res = fn()
        assert res.outcome == "proof", res.outcome
        return res
    return run


def cases():
    for L in (3, 4, 5, 6, 7, 8, 9, 10):
        yield Case(f"shannon: full space L={L} ({2**L - 1} variables)",
                   _proof(lambda L=L: decide_nonnegative(full_form(L))), setup=lambda L=L: full_form(L),
                   repeat=3 if L < 10 else 1)
    for L, B in ((64, 2), (128, 2), (256, 2), (32, 4), (64, 4)):
        n = (L // B + 1) ** B - 1
        yield Case(f"shannon: semi-AR {B} blocks L={L} ({n} orbit variables), band certificate",
                   _proof(lambda L=L, B=B: decide_nonnegative(sar_form(L, B))), setup=lambda L=L, B=B: sar_form(L, B),
                   repeat=3)
    yield Case("shannon: semi-AR 2 blocks L=128, whole orbit LP (baseline)",
               _proof(lambda: _decide_full(sar_form(128, 2))), setup=lambda: sar_form(128, 2), repeat=1)
    yield Case("shannon: semi-AR 2 blocks L=128, band certificate",
               _proof(lambda: decide_nonnegative(sar_form(128, 2))), setup=lambda: sar_form(128, 2), repeat=3,
               baseline="shannon: semi-AR 2 blocks L=128, whole orbit LP (baseline)")
    yield Case("shannon: building the semi-AR EKL form, 2 blocks L=256",
               lambda: ed.expected_kl(EntropicLaw(256), SemiAR([128, 128], 2)), repeat=3)
