"""Certified structured laws past L = 64 (issue 14 item 4; docs/theory.md §7 "Atoms").

* Markov exact profile: the regrouped ``J(d)`` over atoms (``MarkovChain.entropy_profile(exact=True)``)
  against the plain formula it replaced (``exact_profile_plain``: J summed over every pair of
  positions), at L = 256 for the large suite's V = 2 and V = 3 chains.
* The claims' work on an exact profile (built outside the timing): every named schedule's
  EKL by (E2), TC, and the certified sign of ``EKL - TC``, on the profile as atoms (what the
  claims' exact view does, atomizing included) against the same on the plain log-forms (what
  it did before; Markov: the plain formula's forms), for the large suite's noisy-repetition
  and Markov laws at L = 64 and 256.
* Exact cut-point ``E[N_j]`` over integers against the Fraction loop it replaced.

The profile cases build a fresh law in every timed call (no cached profile).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from benchmarks import Case
from exactdlm.arith import LogForm, certified_sign
from exactdlm.engine.info import ekl_from_profile
from exactdlm.schedules import theorem_rules as rules
from exactdlm.structured import markov_chain, noisy_repetition
from exactdlm.structured.suite import _TRANSITION, _TRANSITION3, named_schedules
from proofs_checks.zc import expected_N as _en_cuts_fraction  # the plain Fraction loop


def _chain(L, V):
    return markov_chain(L, _TRANSITION if V == 2 else _TRANSITION3)


_PROFILES: dict = {}


def _profile(name, make, L, plain: bool):
    """Build (once, outside the timing) the exact profile the claims start from: the plain
    log-forms (Markov: ``exact_profile_plain``) or the law's own."""
    key = (name, L, plain)
    if key not in _PROFILES:
        law = make(L)
        g = law.exact_profile_plain() if plain and hasattr(law, "exact_profile_plain") else law.entropy_profile(exact=True)
        _PROFILES[key] = (law, g)
    return _PROFILES[key]


def _claims_work(name, make, L, atoms: bool):
    law, g = _profile(name, make, L, not atoms)
    if atoms:
        g = np.array([LogForm.atom(x) for x in g], dtype=object)
    tc = g[1] * L - g[L]
    signs = 0
    for sizes in named_schedules(law)[1]:
        signs += certified_sign(ekl_from_profile(g, sizes) - tc)
    return signs


def _en_cuts_integer(L, K, w):
    rules._expected_N_cuts.cache_clear()
    return rules.expected_N_cuts(L, K, w)


def cases():
    for V in (2, 3):
        base = f"exact Markov profile L=256 V={V}, plain formula"
        yield Case(base, lambda V=V: _chain(256, V).exact_profile_plain(), repeat=1)
        yield Case(f"exact Markov profile L=256 V={V}, regrouped over atoms",
                   lambda V=V: _chain(256, V).entropy_profile(exact=True), baseline=base, goal="seconds at L=256")
    yield Case("exact Markov profile L=1024 V=3, regrouped over atoms", lambda: _chain(1024, 3).entropy_profile(exact=True),
               repeat=1)
    laws = {"noisy repetition": lambda L: noisy_repetition(L, Fraction(1, 10)), "Markov V=3": lambda L: _chain(L, 3)}
    for name, make in laws.items():
        for L in (64, 256):
            base = f"claims' work on {name} L={L}: plain log-forms"
            yield Case(base, lambda name=name, make=make, L=L: _claims_work(name, make, L, False), repeat=1,
                       setup=lambda name=name, make=make, L=L: _profile(name, make, L, True))
            yield Case(f"claims' work on {name} L={L}: profile as atoms",
                       lambda name=name, make=make, L=L: _claims_work(name, make, L, True), baseline=base,
                       setup=lambda name=name, make=make, L=L: _profile(name, make, L, False))
    w = rules.cut_pmf(256, "tc")
    base = "E[N_j] cut points L=256 K=16, Fraction loop"
    yield Case(base, lambda: _en_cuts_fraction(256, 16, w), repeat=1)
    yield Case("E[N_j] cut points L=256 K=16, integers", lambda: _en_cuts_integer(256, 16, w), baseline=base)
    base = "E[N_j] enclosures L=1024 K=36, direct O(L^2) outward sums"
    yield Case(base, lambda: _en_bounds_direct(1024, 36), repeat=1)
    yield Case("E[N_j] enclosures L=1024 K=36, binomial form O(eL) (issue 19: ZC on the cone to 1024)",
               lambda: _en_bounds_kind(1024, 36), baseline=base, goal="milliseconds per (L, K)")
    yield Case("E[N_j] enclosures at every L = 65..1024 for ZC-TC and ZC-DTC's K", _en_bounds_scan, repeat=1,
               goal="seconds for the whole cone range")


def _en_bounds_direct(L, K):
    from exactdlm.arith import outward as ow

    T, cum = rules._kind_prefix(L, "dtc")
    f = np.array([n / T for n in cum])
    return rules._expected_N_cuts_bounds_direct(L, K, (ow.down(f), ow.up(f)))


def _en_bounds_kind(L, K):
    rules._expected_N_cuts_bounds_kind.cache_clear()
    rules._TABLES.clear()
    return rules.expected_N_cuts_bounds_kind(L, K, "dtc")


def _en_bounds_scan():
    from exactdlm.claims.zc import dtc_step_grid

    rules._expected_N_cuts_bounds_kind.cache_clear()
    rules._TABLES.clear()
    for L in range(65, 1025):
        grid = dtc_step_grid(L, (2, 3, 5))
        for K in (2, 3, 5):
            rules.expected_N_cuts_bounds_kind(L, K, "tc", 5)
        for K in grid:
            rules.expected_N_cuts_bounds_kind(L, K, "dtc", max(grid))
