"""Foundation benchmarks: subset entropies and the entropy profile against dit, absolute
profile times, and TC + DTC against dit (the direct L+1-marginal path and the lattice path).

dit is the independent baseline: it computes each subset's entropy (or TC, DTC) from its
own Distribution, built once outside the timed region (its construction time is reported
as a separate case). Laws are seeded Dirichlet(1) draws over all outcomes.
"""

from __future__ import annotations

import os
from itertools import product

from benchmarks import Case
from exactdlm.laws import families
from exactdlm.engine.info import dual_total_correlation, entropy_profile, subset_entropies, total_correlation


def _law(L, V, seed=0):
    return families.dirichlet(L, V, 1.0, seed)


def _dit(law):
    import dit

    V, L = law.V, law.L
    symbols = "0123456789"[:V]
    outcomes = ["".join(x) for x in product(symbols, repeat=L)]
    return dit.Distribution(outcomes, law.array.reshape(-1))


def _dit_all_subsets(d, L):
    from dit.multivariate import entropy

    return [entropy(d, [j for j in range(L) if m >> j & 1]) for m in range(1, 1 << L)]


def _dit_tc_dtc(d):
    from dit.multivariate import dual_total_correlation as dtc
    from dit.multivariate import total_correlation as tc

    return tc(d), dtc(d)


def _profile_tc_dtc(law):
    g = entropy_profile(law)
    L = law.L
    return L * g[1] - g[L], L * g[L - 1] - (L - 1) * g[L]


def cases():
    laws = {}

    def law(L, V):
        if (L, V) not in laws:
            laws[(L, V)] = _law(L, V)
        return laws[(L, V)]

    dists = {}

    def dist(L, V):
        if (L, V) not in dists:
            dists[(L, V)] = _dit(law(L, V))
        return dists[(L, V)]

    # --- all subset entropies: dit (one call per subset) vs the lattice pass ----------
    for L, rep in ((10, 3), (12, 1)):
        base = f"foundation/dit: every subset entropy, L={L} V=2"
        yield Case(base, lambda L=L: _dit_all_subsets(dist(L, 2), L), repeat=rep,
                   setup=lambda L=L: dist(L, 2),
                   info={"note": "dit Distribution built outside the timing; repeat=1 at L=12 (~25 s a run)"
                         if L == 12 else "dit Distribution built outside the timing"})
        yield Case(f"foundation/subset_entropies L={L} V=2", lambda L=L: subset_entropies(law(L, 2)),
                   baseline=base, goal=">= 100x faster than dit at L=12")
        yield Case(f"foundation/entropy_profile L={L} V=2", lambda L=L: entropy_profile(law(L, 2)),
                   baseline=base, goal=">= 100x faster than dit at L=12")

    # --- absolute profile times (the machine's load is recorded: its 2 cores are shared) ---
    for L, V in ((16, 2), (10, 3)):
        yield Case(f"foundation/entropy_profile L={L} V={V}", lambda L=L, V=V: entropy_profile(law(L, V)),
                   goal="<= 1 s", setup=lambda L=L, V=V: law(L, V),
                   info={"load_avg_1min_at_start": os.getloadavg()[0]})

    # --- TC + DTC: dit vs the direct path (L+1 marginals) vs the lattice path -----------
    yield Case("foundation/dit: build Distribution, L=16 V=2", lambda: _dit(law(16, 2)), repeat=3)
    for L, rep in ((16, 5), (20, 3)):
        base = f"foundation/dit: TC + DTC, 2^{L} outcomes"
        yield Case(base, lambda L=L: _dit_tc_dtc(dist(L, 2)), repeat=rep, setup=lambda L=L: dist(L, 2),
                   info={"note": "dit Distribution built outside the timing"})
        yield Case(f"foundation/TC + DTC direct, 2^{L} outcomes",
                   lambda L=L: (total_correlation(law(L, 2)), dual_total_correlation(law(L, 2))),
                   baseline=base, goal="faster than dit")
    yield Case("foundation/TC + DTC via the lattice profile, 2^16 outcomes",
               lambda: _profile_tc_dtc(law(16, 2)), baseline="foundation/dit: TC + DTC, 2^16 outcomes",
               info={"note": "at 2^20 outcomes the lattice (3^20 states, 28 GB) does not fit: direct path only"})

    # --- exact arithmetic (rational laws): what a certified check pays --------------------
    for L, V in ((6, 2), (4, 3)):
        ex = families.random_rational(L, V, seed=0)
        yield Case(f"foundation/entropy_profile exact L={L} V={V}", lambda ex=ex: entropy_profile(ex), repeat=3)
        yield Case(f"foundation/TC + DTC exact L={L} V={V}",
                   lambda ex=ex: (total_correlation(ex), dual_total_correlation(ex)), repeat=3)


if __name__ == "__main__":  # pragma: no cover
    for c in cases():
        print(c.name)
