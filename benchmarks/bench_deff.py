"""D_eff on the rays (exactdlm.engine.deff, docs/theory.md §5 [DHW-Deff]): certified enclosures of
``d_k`` for every ray of one length, against the closed form evaluated in ``mpmath`` ray by ray
(the baseline: ``k[Σ c^i/i - Σ F(j-1)/j]`` at the precision the cancellation needs)."""

from __future__ import annotations

from benchmarks import Case
from exactdlm.engine import deff as D


def _fresh(L):
    def run():
        D.gap_bounds.cache_clear()
        D._ROWS.__init__()
        return D.grid_bounds(L)
    return run


def _mp_all(L, ks):
    def run():
        return [D.ray_value_mp(L, k, dps=20) for k in ks]
    return run


def cases():
    ks = list(range(1, 128, 8))
    yield Case("deff: mpmath closed form, 16 rays of L=128 (baseline)", _mp_all(128, ks), repeat=3)
    yield Case("deff: outward enclosures, all 127 rays of L=128 (cold)", _fresh(128),
               baseline="deff: mpmath closed form, 16 rays of L=128 (baseline)", goal="the whole cone scan in < 1 s")
    yield Case("deff: outward enclosures, all rays of L=1024 (cold: Pascal rows from L=1)", _fresh(1024), repeat=3)
