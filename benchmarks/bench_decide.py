"""Certified decisions on the forms of an L=6, V=3 random rational law (weights 1..1000).

Forms: ``EKL = expected_kl(law, (2,2,2))`` (about 3100 terms), ``TC`` (529 terms), the (E3)
difference ``EKL - (TC - sum_k s_k Ī(t_{k-1}))`` (zero, and already empty after merging equal
arguments), a chain-rule zero in disguise ``H(X) - [H(X_0) + H(X_{1..5} | X_0)]`` (1153
terms over different arguments), and ``EKL - q`` with ``q`` a 200-bit rational
approximation (nonzero, |value| < 2^-190: needs 256 bits); and a hard zero, E1 against
per-pattern enumeration on an L=4, V=3 law with weights up to 10^6, whose cofactors above
the primes below 1024 share many primes. "cold" cases clear the log and
factorization caches on every run. The baseline evaluates EKL term by term with
``mpmath.iv`` at 64 bits, as ``LogForm.interval`` did before the fixed-point enclosures.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import mpmath
import numpy as np

from benchmarks import Case
from exactdlm.arith import coprime, fixed
from exactdlm.arith import canonical, certified_sign, compare_sides, log_form_is_zero
from exactdlm.arith import LogForm
from exactdlm.engine.info import info_curve, joint_entropy, total_correlation
from exactdlm.laws.joint import exact_array
from exactdlm.engine.sampler import expected_kl, expected_kl_enumerated

SIZES = (2, 2, 2)


@lru_cache(maxsize=None)
def forms():
    rng = np.random.default_rng(0)
    w = rng.integers(1, 1001, size=3**6)
    tot = int(w.sum())
    law = exact_array([Fraction(int(x), tot) for x in w], (3,) * 6)
    ekl, tc, ibar = expected_kl(law, SIZES), total_correlation(law), info_curve(law)
    e3 = tc - sum((ibar[t] * s for s, t in zip(SIZES, (0, 2, 4))), LogForm())
    h = joint_entropy(law)
    p0 = law.sum(axis=tuple(range(1, 6)))
    chain = LogForm()
    for x0 in range(3):
        chain._add_term(p0[x0], -p0[x0])
    for idx in np.ndindex(law.shape):
        chain._add_term(law[idx] / p0[idx[0]], -law[idx])
    q = Fraction(round(ekl.exact_value(260) * 2**200), 2**200)
    return {"ekl": ekl, "tc": tc, "e3_diff": ekl - e3, "chain_diff": h - chain, "h": h, "chain": chain, "tiny": ekl - q}


@lru_cache(maxsize=None)
def tangled():
    """E1 against per-pattern enumeration, L=4 V=3, weights up to 10^6, sizes (1,3): the
    pattern laws' numerators and denominators share many primes above 1024."""
    rng = np.random.default_rng(5)
    w = rng.integers(1, 10**6, size=3**4)
    law = exact_array([Fraction(int(x), int(w.sum())) for x in w], (3,) * 4)
    return expected_kl(law, (1, 3)) - expected_kl_enumerated(law, (1, 3))


def _cold(fn):
    def run():
        fixed.log_fixed.cache_clear()
        coprime._split_small.cache_clear()
        return fn()

    return run


def _iv_termwise(form, prec=64):
    iv = mpmath.iv
    old, iv.prec = iv.prec, prec
    try:
        total = iv.mpf(0)
        for r, c in form.terms.items():
            total += iv.mpf(c.numerator) / c.denominator * (iv.log(r.numerator) - iv.log(r.denominator))
        return total
    finally:
        iv.prec = old


def _check(value, expect):
    def run():
        out = value()
        assert out == expect, (out, expect)
        return out

    return run


def cases():
    f = forms
    yield Case("decide: mpmath.iv termwise EKL (baseline)", lambda: _iv_termwise(f()["ekl"]),
               goal="reference: per-term iv logs", repeat=3)
    yield Case("decide: certified_sign EKL (~3100 terms)", _check(lambda: certified_sign(f()["ekl"]), 1),
               baseline="decide: mpmath.iv termwise EKL (baseline)", goal="decided at 64 bits")
    yield Case("decide: certified_sign EKL cold caches", _cold(_check(lambda: certified_sign(f()["ekl"]), 1)),
               baseline="decide: mpmath.iv termwise EKL (baseline)", goal="no cached logs")
    yield Case("decide: log_form_is_zero E3 difference (merged)", _check(lambda: log_form_is_zero(f()["e3_diff"]), True),
               goal="trivially empty")
    yield Case("decide: log_form_is_zero chain-rule zero (1153 terms)",
               _check(lambda: log_form_is_zero(f()["chain_diff"]), True), goal="coprime base, warm")
    yield Case("decide: log_form_is_zero chain-rule zero cold",
               _cold(_check(lambda: log_form_is_zero(f()["chain_diff"]), True)), goal="coprime base, cold")
    yield Case("decide: log_form_is_zero E1 - enumeration (tangled, L=4 V=3)",
               _cold(_check(lambda: log_form_is_zero(tangled()), True)), goal="~600 tangled cofactors, cold")
    yield Case("decide: certified_sign chain-rule zero", _check(lambda: certified_sign(f()["chain_diff"]), 0),
               goal="exact 0")
    yield Case("decide: certified_sign EKL - 200-bit rational", _check(lambda: certified_sign(f()["tiny"]) in (1, -1), True),
               goal="refined to 256 bits")
    yield Case("decide: canonical EKL", lambda: canonical(f()["ekl"]), goal="printing")
    yield Case("decide: compare_sides EKL <= TC", _check(lambda: compare_sides(f()["ekl"], f()["tc"]).outcome, "holds"),
               goal="full verdict with canonical strings")
    yield Case("decide: compare_sides H == chain (eq)", _check(lambda: compare_sides(f()["h"], f()["chain"], "eq").outcome, "holds"),
               goal="full verdict, exact zero")
