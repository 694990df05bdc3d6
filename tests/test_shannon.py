"""The Shannon decision (exactdlm/structured/shannon, claims/shannon_decided; docs/theory.md §8a).

* every entropy-linear form of the symbolic law, evaluated at a real law's subset entropies,
  equals the engine's exact value on that law (forms are the quantities, not look-alikes);
* the issue's "done when" statements get the promised verdicts, counterexamples re-checked;
* certificates are checked exactly and a perturbed one is refused; false variants are refuted;
* psitip (an independent prover) agrees on its own documented examples, on every Shannon
  verdict of the quick suite's claims at L <= 5, and the LP re-decides the cone's verdicts.
"""

from __future__ import annotations

from fractions import Fraction
import pytest

import exactdlm as ed
from exactdlm.arith import compare_sides
from exactdlm.claims import load_claims_file
from exactdlm.claims.decided import ConeContext, per_law_checks
from exactdlm.claims.shannon_decided import ShannonContext, _difference, decide_form
from exactdlm.laws import families as fam
from exactdlm.schedules import CutPoints, Partition, SemiAR
from exactdlm.structured.cone import NotInFragment, decide
from exactdlm.structured.shannon import EntropicLaw, EntropyForm
from exactdlm.structured.shannon.lp import check_certificate, decide_nonnegative
from exactdlm.structured.shannon.space import space
from exactdlm.suites import get_suite

I = ed.mutual_information


def _orbit_values(law, sp):
    """``h(a)`` of a real law in the coordinates of ``sp``: exact orbit averages of ``H(X_A)``."""
    from exactdlm.engine.info import subset_entropies

    H = subset_entropies(law)
    L = sp.L
    sums = {}
    for m in range(1 << L):
        a = [0] * len(sp.blocks)
        for j in range(L):
            if m >> j & 1:
                a[sp.block_of(j)] += 1
        i = sp.index(a)
        sums[i] = H[m] if i not in sums else sums[i] + H[m]
    return {i: v / sp.orbit_size(sp.counts(i)) for i, v in sums.items()}


def _value(form, law):
    if not isinstance(form, EntropyForm):
        return form
    h = _orbit_values(law, form.space)
    total = form.const
    for i, c in form.fractions().items():
        total = h[i] * c + total
    return total


def _same(x, y):
    return compare_sides(x, y, "eq").outcome == "holds"


@pytest.fixture(scope="module")
def laws():
    return [fam.random_rational(3, 2, seed, max_denominator=7) for seed in (1, 2)] + \
        [fam.random_rational(4, 2, 5, max_denominator=5)]


def test_forms_equal_the_engine_on_real_laws(laws):
    for p in laws:
        L = p.L
        sym = EntropicLaw(L)
        cases = [
            (lambda q: ed.entropy(q, [0, 1], [2])),
            (lambda q: I(q, [0], [2], [1])),
            (lambda q: ed.total_correlation(q)),
            (lambda q: ed.dual_total_correlation(q)),
            (lambda q: ed.total_correlation(q, [[0], [1, 2]], [])),
            (lambda q: ed.coinformation(q, [[0], [1], [2]])),
            (lambda q: ed.o_information(q)),
            (lambda q: ed.mi_sum(q)),
            (lambda q: ed.expected_kl(q, (1, L - 1))),
            (lambda q: ed.expected_kl(q, Partition([[L - 1], list(range(L - 1))]))),
            (lambda q: ed.expected_kl(q, SemiAR([1, L - 1], 2))),
            (lambda q: ed.expected_kl(q, CutPoints(L, 2))),
        ]
        for f in cases:
            assert _same(_value(f(sym), p), f(p))


def test_semi_ar_orbit_form_equals_the_mask_chain():
    p = fam.random_rational(4, 2, 11, max_denominator=5)
    sched = SemiAR([2, 2], 2)
    form = ed.expected_kl(EntropicLaw(4), sched)
    assert form.space == space((2, 2))  # block-symmetric: 9 coordinates, not 16
    assert _same(_value(form, p), ed.expected_kl(p, sched))


def test_outside_the_fragment_raises():
    sym = EntropicLaw(3)
    with pytest.raises(NotInFragment):
        ed.mixture_kl(sym, (1, 2))
    with pytest.raises(NotInFragment):
        float(ed.entropy(sym, [0]))
    with pytest.raises(NotInFragment):
        ed.entropy(sym, [0]) * ed.entropy(sym, [1])


def _decide(D, kind="ge"):
    if kind == "le":
        D = -D
    return decide_form(D, "eq" if kind == "eq" else "ge")


def test_done_when_statements():
    s3, s4 = EntropicLaw(3), EntropicLaw(4)
    # I(X0;X2|X1) <= I(X0;X2): violated by XOR, exact and re-built as a law
    d = _decide(I(s3, [0], [2]) - I(s3, [0], [2], [1]))
    assert d.outcome == "violated"
    law = d.law.to_joint()
    assert _same(I(law, [0], [2], [1]), ed.entropy(fam.iid(1, [Fraction(1, 2)] * 2)))  # log 2
    assert _same(I(law, [0], [2]), 0)
    # true statements: holds with a certificate that checks exactly
    for D in (ed.entropy(s4, [0, 1], [2, 3]), I(s3, [0], [1], [2])):
        d = _decide(D)
        assert d.outcome == "holds" and check_certificate(d.form, d.lp.certificate)
    chain = ed.entropy(s3, [0, 1, 2]) - ed.entropy(s3, [0]) - ed.entropy(s3, [1], [0]) - ed.entropy(s3, [2], [0, 1])
    assert _decide(chain, "eq").outcome == "holds"
    # Zhang–Yeung at L = 4: neither proven nor violated
    zy = I(s4, [0], [1]) + I(s4, [0], [2, 3]) + 3 * I(s4, [2], [3], [0]) + I(s4, [2], [3], [1]) - 2 * I(s4, [2], [3])
    d = _decide(zy)
    assert d.outcome == "undecided" and d.lp.exact_vertex and "not Shannon-type" in d.reason


def test_semi_ar_decided_at_256_with_two_blocks():
    q = EntropicLaw(256)
    D = ed.total_correlation(q) - ed.expected_kl(q, SemiAR([128, 128], 2))
    res = decide_nonnegative(D)
    assert res.outcome == "proof" and check_certificate(D, res.certificate)
    assert res.variables == 129 * 129 - 1


def test_a_perturbed_certificate_is_refused():
    s = EntropicLaw(3)
    D = ed.entropy(s, [0, 1], [2])
    res = decide_nonnegative(D)
    w, k = res.certificate[0]
    assert check_certificate(D, res.certificate)
    assert not check_certificate(D, [(w * Fraction(101, 100), k)] + res.certificate[1:])
    assert not check_certificate(D, res.certificate[1:])


def test_false_variants_are_refuted():
    s = EntropicLaw(4)
    # a constant 1% off: I(X0;X1|X2) >= H(X0)/100 fails on a single uniform bit at position 0
    d = _decide(I(s, [0], [1], [2]) - ed.entropy(s, [0]) / 100)
    assert d.outcome == "violated"
    law = d.law.to_joint()
    assert compare_sides(I(law, [0], [1], [2]), ed.entropy(law, [0]) / 100, "ge").outcome == "violated"
    # semi-AR EKL <= 0.99 TC: two independent blocks make EKL = TC with one step per block
    D = ed.total_correlation(s) * Fraction(99, 100) - ed.expected_kl(s, SemiAR([2, 2], 1))
    d = _decide(D)
    assert d.outcome == "violated"
    law = d.law.to_joint()
    assert compare_sides(ed.expected_kl(law, SemiAR([2, 2], 1)), ed.total_correlation(law) * Fraction(99, 100),
                         "le").outcome == "violated"
    # a hypothesis dropped: the chain rule with a term missing is not an identity
    s3 = EntropicLaw(3)
    wrong = ed.entropy(s3, [0, 1, 2]) - ed.entropy(s3, [0]) - ed.entropy(s3, [1], [0])
    assert _decide(wrong, "eq").outcome == "violated"


def test_subset_measures_on_structured_laws():
    from exactdlm import structured as S
    from exactdlm.engine.info import SubsetsNeedArray

    small = S.noisy_repetition(4, "1/10")
    assert _same(I(small, [0], [1], [2]), I(small.to_joint(), [0], [1], [2]))
    with pytest.raises(SubsetsNeedArray, match="2\\^40"):
        I(S.noisy_repetition(40, "1/10"), [0], [1], [2])


def test_verify_runs_user_claims_and_catalogue_semi_ar(tmp_path):
    path = tmp_path / "claims.py"
    path.write_text(
        "import exactdlm as ed\nfrom exactdlm.claims import claim\n"
        "three = lambda law, sizes: law.L >= 3\n"
        "@claim(id='t-cmi', statement='I(X0;X2|X1) <= I(X0;X2)', applies=three)\n"
        "def a(law, sizes):\n    return ed.mutual_information(law, [0], [2], [1]), ed.mutual_information(law, [0], [2])\n"
        "@claim(id='t-h', statement='H(X0,X1|X2) >= 0', kind='ge', applies=three)\n"
        "def b(law, sizes):\n    return ed.entropy(law, [0, 1], [2]), 0\n")
    cs = load_claims_file(str(path))
    rep = ed.verify("quick", claims=cs + [ed.claims.get("SAR"), ed.claims.get("SAR-TC")])
    by = {r.claim.id: r for r in rep.results}
    assert by["t-cmi"].verdict == "violated" and by["t-cmi"].certified
    # the Shannon scan's own counterexample: the XOR law (a binary code), re-run through the claim
    from exactdlm.claims.shannon_decided import run_claim

    cx = run_claim(cs[0], get_suite("quick")).counterexample
    assert cx["certified"] and cx["recheck"]["outcome"] == "violated" and cx["case"] == "Shannon cone L=3"
    assert sorted(cx["law"]["p"]) == ["0"] * 4 + ["1/4"] * 4
    for cid in ("t-h", "SAR", "SAR-TC"):
        r = by[cid]
        assert (r.verdict, r.scope, r.decided["method"]) == ("holds", "all laws", "Shannon proof"), cid
    assert 64 in by["SAR-TC"].decided["also_lengths"]
    proofs = by["SAR-TC"].decided["proofs"]  # the printed certificates, with the LP's size
    assert proofs and all(p["certificate"] and p["lp"]["variables"] > 0 for p in proofs)


# ----------------------------------------------------------------------------------------
# psitip, the independent prover
# ----------------------------------------------------------------------------------------
psitip = pytest.importorskip("psitip", reason="install with: pip install --no-deps psitip")


def _psitip_expr(form: EntropyForm):
    L = form.L
    X = psitip.rv_array("X", 0, L)
    full = form.refined(space((1,) * L))
    expr = None
    for m, c in full.fractions().items():
        joint = None
        for j in range(L):
            if m >> j & 1:
                joint = X[j] if joint is None else joint + X[j]
        term = psitip.H(joint) * float(c)
        expr = term if expr is None else expr + term
    return expr


def _psitip_says(D: EntropyForm, kind: str) -> bool:
    expr = _psitip_expr(D)
    if expr is None:
        return D.const >= 0 if kind != "eq" else D.const == 0
    return bool(expr == 0) if kind == "eq" else bool(expr >= 0)


def test_psitip_documented_example_and_ours():
    X, Y, Z = psitip.rv("X", "Y", "Z")
    assert bool(psitip.H(X) + psitip.I(Y & Z | X) >= psitip.I(Y & Z))  # psitip README: True
    s = EntropicLaw(3)
    ours = ed.entropy(s, [0]) + I(s, [1], [2], [0]) - I(s, [1], [2])
    assert decide_form(ours, "ge").outcome == "holds"
    assert _psitip_says(ours, "ge")


def test_psitip_agrees_on_the_done_when_cases():
    s3, s4 = EntropicLaw(3), EntropicLaw(4)
    cases = [
        (I(s3, [0], [2]) - I(s3, [0], [2], [1]), "ge"),
        (ed.entropy(s4, [0, 1], [2, 3]), "ge"),
        (I(s3, [0], [1], [2]), "ge"),
        (ed.entropy(s3, [0, 1, 2]) - ed.entropy(s3, [0]) - ed.entropy(s3, [1], [0]) - ed.entropy(s3, [2], [0, 1]), "eq"),
        (I(s4, [0], [1]) + I(s4, [0], [2, 3]) + 3 * I(s4, [2], [3], [0]) + I(s4, [2], [3], [1]) - 2 * I(s4, [2], [3]),
         "ge"),
    ]
    for D, kind in cases:
        assert (decide_form(D, kind).outcome == "holds") == _psitip_says(D, kind)


QUICK_SHANNON = ("E2", "E3", "E4", "E7", "SAR", "SAR-TC")


def test_psitip_agrees_on_every_shannon_verdict_of_the_quick_suite():
    suite = get_suite("quick")
    seen = {}
    for cid in QUICK_SHANNON:
        c = ed.claims.get(cid)
        for L in range(2, 6):
            for check in per_law_checks(c, ShannonContext(L, suite)):
                D, kind = _difference(check)
                if D is None:
                    continue
                key = (D.space.blocks, D.num.tobytes(), D.den, D.const, kind)
                if key not in seen:
                    seen[key] = (D, kind)
    assert len(seen) >= 10  # identities collapse to the zero form; the inequalities stay distinct
    for D, kind in seen.values():
        assert (decide_form(D, kind).outcome == "holds") == _psitip_says(D, kind)


def test_lp_re_decides_the_cone():
    """The cone's verdicts at L <= 6 (rays) and the Shannon LP's (elemental inequalities) agree,
    claim by claim and check by check, for the catalogue's profile claims and false variants."""
    suite = get_suite("quick")
    n = 0
    for cid in ("LC-C1", "G-TC", "G-DTC", "WC", "SH-1"):
        c = ed.claims.get(cid)
        for L in range(2, 7):
            cone = list(per_law_checks(c, ConeContext(L, suite)))
            try:
                ent = list(per_law_checks(c, ShannonContext(L, suite)))
            except NotInFragment:
                continue
            for a, b in zip(cone, ent):
                assert (a.label, a.sizes, a.kind) == (b.label, b.sizes, b.kind)
                try:
                    ray = decide(a.lhs, a.rhs, a.kind, L, ratio=False).holds
                except NotInFragment:
                    continue
                D, kind = _difference(b)
                if D is None:
                    continue
                assert ray == (decide_form(D, kind).outcome == "holds"), (cid, L, a.sizes, a.label)
                n += 1
    # false variants: TC <= 0.99 DTC at L = 3, 4 fails on both
    for L in (3, 4):
        s = EntropicLaw(L)
        D = ed.dual_total_correlation(s) * Fraction(99, 100) - ed.total_correlation(s)
        from exactdlm.structured.cone import ProfileCone

        P = ProfileCone(L)
        ray = decide(P.total_correlation(), P.dual_total_correlation() * Fraction(99, 100), "le", L, ratio=False).holds
        assert ray is False and decide_form(D, "ge").outcome == "violated"
    assert n >= 30


def test_entropy_combination_is_the_sum_of_subset_entropy_forms():
    """``EntropicLaw.entropy_combination`` builds ``Σ c_A H(X_A)`` in one space; its twin is the sum of
    the ``subset_entropy`` forms (each refined as it is added). Also a 1/3 off coefficient is caught."""
    from fractions import Fraction

    from exactdlm.structured.shannon import EntropicLaw

    law = EntropicLaw(5)
    coefs = {frozenset({0, 3}): 2, frozenset({1}): -1, frozenset({0, 1, 3}): Fraction(1, 3), frozenset(): 7,
             frozenset(range(5)): -4, frozenset({2, 4}): 1}
    twin = 0
    for A, c in coefs.items():
        twin = twin + law.subset_entropy(A) * c
    got = law.entropy_combination(coefs)
    assert (got - twin).is_zero()
    assert got.space.blocks == (1, 1, 1, 1, 1)  # the sets are not runs: singletons
    assert not (law.entropy_combination({**coefs, frozenset({1}): Fraction(-2, 3)}) - twin).is_zero()
    assert law.entropy_combination({frozenset({0, 1}): 1}).space.blocks == (2, 3)  # a run: two blocks
    with pytest.raises(ValueError, match="positions"):
        law.entropy_combination({frozenset({5}): 1})
