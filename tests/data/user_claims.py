"""Worked example of user claims (the README's): check them with

    exactdlm verify --suite quick --claims tests/data/user_claims.py --only ekl-le-tc e3-restated my-bound

``my-bound`` is false on purpose: a one-step schedule has EKL = TC (E7), above TC / 2, so
``verify`` reports it violated with an exact counterexample and exits 1.
"""

import exactdlm as ed
from exactdlm.claims import claim


@claim(id="my-bound", statement="EKL <= TC / 2", source="user")
def my_bound(law, sizes):  # law has .L and .V
    return ed.expected_kl(law, sizes), ed.total_correlation(law) / 2  # lhs <= rhs


@claim(id="ekl-le-tc", statement="EKL <= TC for every schedule", source="user")
def ekl_le_tc(law, sizes):
    return ed.expected_kl(law, sizes), ed.total_correlation(law)


@claim(id="e3-restated", statement="EKL = TC - sum_k s_k Ī(t_{k-1})", source="user", kind="eq")
def e3_restated(law, sizes):
    Ibar = ed.info_curve(law)
    rhs, t = ed.total_correlation(law), 0
    for s in sizes:
        rhs = rhs - Ibar[t] * s
        t += s
    return ed.expected_kl(law, sizes), rhs
