"""Issue 19: no ``holds`` (and no certified ``violated``) that an exception, a failed re-check or an
untested formula produced. Each test breaks something on purpose and expects ``error`` or
``violated``, never ``holds``."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import exactdlm as ed
from exactdlm.arith import LogForm, compare_sides
from exactdlm.claims import Claim, get, load_claims_file, runner
from exactdlm.claims import report as rpt
from exactdlm.claims.rho_pieces import PieceMismatch, pieces, verify_piece
from exactdlm.cli import main
from exactdlm.engine import info
from exactdlm.laws import families
from exactdlm.schedules import theorem_rules as rules
from exactdlm.structured import cone as C
from exactdlm.suites import Suite, SuiteCase, all_compositions, get_suite, named_schedules

DATA = Path(__file__).parent / "data"
RAISES = '''
import exactdlm as ed
from exactdlm.claims import claim

@claim(id="raises-at-5", statement="EKL <= TC, but the code raises at L >= 5")
def raises(law, sizes):
    if law.L >= 5:
        raise ValueError("boom at L >= 5")
    return ed.expected_kl(law, sizes), ed.total_correlation(law)
'''


@pytest.fixture(scope="module")
def raises_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("claims") / "raises.py"
    path.write_text(RAISES)
    return path


# ----------------------------------------------------------------------------------------
# 1. an exception on the cone is an error, never a holds
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("suite", ["quick", "default", "full"])
def test_a_claim_raising_at_L5_is_an_error_naming_length_schedule_and_exception(raises_file, suite):
    (r,) = runner.run(load_claims_file(raises_file), get_suite(suite)).results
    assert r.verdict == "error" and not r.certified
    assert "L=5" in r.reason and "ValueError: boom at L >= 5" in r.reason and "sizes (" in r.reason
    data = r.to_json()
    assert data["decided"]["error"]["L"] == 5 and data["decided"]["error"]["sizes"] is not None
    assert data["counts"]["errors"] >= 1


def test_the_raising_claim_exits_1_with_the_error_in_table_and_json(raises_file, tmp_path, capsys):
    out = tmp_path / "r.json"
    code = main(["verify", "--suite", "quick", "--claims", str(raises_file), "--only", "raises-at-5", "--json", str(out)])
    text = capsys.readouterr().out
    assert code == 1
    row = next(line for line in text.splitlines() if line.startswith("raises-at-5"))
    assert " error " in row
    assert "raised on the profile cone at L=5" in text
    c = json.loads(out.read_text())["claims"][0]
    assert c["verdict"] == "error" and "L=5" in c["reason"]


def test_leaving_the_fragment_still_ends_the_scan_and_the_scope_says_where():
    (r,) = runner.run([get("CCL-1.9")], get_suite("quick")).results
    stop = next(p for p in r.parts if p["part"] == "stopped")
    assert stop["L"] == 13 and "optimal_schedule" in stop["why"]
    assert r.verdict == "holds"
    assert "decided part stopped: L=13" in rpt.notes(runner.Report("quick", [r], 0, 0, 1, 0))


# ----------------------------------------------------------------------------------------
# 2. the re-check on the ray's law gates the certificate
# ----------------------------------------------------------------------------------------
def _tiny_suite(cone_max_L=8):
    laws = [families.repeated_symbol(3, 2), families.parity(3, 2)]
    cases = [SuiteCase(f"law{i}", "x", {"L": p.L}, all_compositions(p.L), lambda p=p: p, None, p)
             for i, p in enumerate(laws)]
    return Suite("tiny", "test", cases, cone_max_L=cone_max_L)


def _user(cid, fn, kind="le"):
    return Claim(id=cid, statement=cid, sides=fn, kind=kind, origin="test")


def test_a_cone_counterexample_the_law_refutes_is_an_error_with_both_computations(monkeypatch):
    """A true claim (EKL <= TC) with the cone's TC under-stated on ray r_1: the cone says violated,
    the repeated-symbol law's own computation holds; the verdict is error, never a certified violated."""
    orig = C.ProfileCone.total_correlation

    def low(self):
        f = orig(self)
        num = f.num.copy()
        if self.L >= 2:
            num[1] -= 1
        return C.ConeForm(self.L, num, f.den, f.const)

    monkeypatch.setattr(C.ProfileCone, "total_correlation", low)
    c = _user("ekl-le-tc", lambda p, s: (ed.expected_kl(p, s), ed.total_correlation(p)))
    (r,) = runner.run([c], _tiny_suite()).results
    assert r.verdict == "error" and not r.certified
    assert "disagree" in r.reason and "law's own computation holds" in r.reason
    cx = r.counterexample
    assert cx["recheck"]["outcome"] == "holds" and cx["lhs"] and cx["recheck"]["lhs"]  # both computations


def test_an_agreeing_recheck_keeps_the_certificate():
    false = _user("dtc-le-5tc", lambda p, s: (ed.dual_total_correlation(p), 5 * ed.total_correlation(p)))
    (r,) = runner.run([false], _tiny_suite(cone_max_L=8)).results
    assert r.verdict == "violated" and r.certified and r.counterexample["recheck"]["outcome"] == "violated"


# ----------------------------------------------------------------------------------------
# 3. the cone checked independently on laws
# ----------------------------------------------------------------------------------------
def test_a_wrong_ray_value_is_caught_by_the_independent_check_at_the_default_suite(monkeypatch):
    """TC over-stated by one unit on ray r_2: EKL <= rho TC still holds on the rays, so without the
    check G-TC would read `holds, all laws`; the sampled laws' TC differs from the form."""
    orig = C.ProfileCone.total_correlation

    def high(self):
        f = orig(self)
        num = f.num.copy()
        if self.L >= 3:
            num[2] += 1
        return C.ConeForm(self.L, num, f.den, f.const)

    monkeypatch.setattr(C.ProfileCone, "total_correlation", high)
    (r,) = runner.run([get("G-TC")], get_suite("default")).results
    assert r.verdict == "error" and "independent check of the cone" in r.reason
    assert r.cone_check["discrepancy"]["side"] == "rhs"


def test_a_ray_value_wrong_only_on_long_lengths_is_caught_too(monkeypatch):
    """TC over-stated on ray r_15 at L >= 20 only: the suite's short laws cannot see it; the
    structured Markov chain at L = 32 of the independent check does."""
    orig = C.ProfileCone.total_correlation

    def high(self):
        f = orig(self)
        num = f.num.copy()
        if self.L >= 20:
            num[15] += 1
        return C.ConeForm(self.L, num, f.den, f.const)

    monkeypatch.setattr(C.ProfileCone, "total_correlation", high)
    (r,) = runner.run([get("G-TC")], get_suite("default")).results
    assert r.verdict == "error" and r.cone_check["discrepancy"]["L"] == 32


def test_the_independent_check_runs_and_agrees_on_the_true_catalogue():
    (r,) = runner.run([get("SH-1")], get_suite("quick")).results
    assert r.verdict == "holds" and r.cone_check["comparisons"] > 0 and r.cone_check["quantities"] > 0
    assert len(r.cone_check["laws"]) >= 4 and r.cone_check["discrepancy"] is None
    assert any(p["part"] == "cross-checked" for p in r.parts)


def _ray_law(L, k):
    """The dense exact law with profile log q · r_k (binary for k = 0, 1, L-1), or the structured
    Reed–Solomon law where the dense one would be too big (q^L > 3125)."""
    from exactdlm import structured as S

    if k == 0:
        return families.iid(L, [Fraction(1, 2), Fraction(1, 2)]), 2
    if k == 1:
        return families.repeated_symbol(L, 2), 2
    if k == L - 1:
        return families.parity(L, 2), 2
    q = C.smallest_prime_at_least(L)
    if q**L <= 3125:
        return families.mds_code(L, k, q), q
    return S.mds_code(L, k, q), q


def _schedules(L):
    return all_compositions(L) if L <= 6 else named_schedules(L)


@pytest.mark.parametrize("L", range(2, 11))
def test_every_cone_quantity_is_the_engine_value_on_every_ray_law(L):
    """On the law of each ray (log q · r_k): g, Ī, TC, DTC, Σ I, H and EKL (compositions to L = 6,
    named schedules beyond; i.i.d. random cut points) equal log q times the ray value, exactly."""
    from exactdlm.claims.context import as_case_law
    from exactdlm.schedules import CutPoints

    cone = C.ProfileCone(L)
    g, I = cone.entropy_profile(), cone.info_curve()
    forms = [(f"g({t})", g[t]) for t in range(L + 1)] + [(f"I({t})", I[t]) for t in range(L)] + [
        ("TC", cone.total_correlation()), ("DTC", cone.dual_total_correlation()), ("MI", cone.mi_sum()),
        ("H", cone.joint_entropy())]
    for k in range(L):
        raw, q = _ray_law(L, k)
        law = as_case_law(raw)
        lq = LogForm.log(q)
        eg, eI = info.entropy_profile(law), info.info_curve(law)
        values = [eg[t] for t in range(L + 1)] + [eI[t] for t in range(L)] + [
            info.total_correlation(law), info.dual_total_correlation(law), info.mi_sum(law), eg[L]]
        for (name, form), value in zip(forms, values):
            assert compare_sides(lq * form.ray(k), value, "eq").outcome == "holds", (L, k, name)
        scheds = list(_schedules(L)) + ([CutPoints(L, 3, "tc")] if L >= 2 else [])
        for sizes in scheds:
            got = ed.expected_kl(law, sizes)
            assert compare_sides(lq * ed.expected_kl(cone, sizes).ray(k), got, "eq").outcome == "holds", (L, k, sizes)


def test_cone_forms_at_random_laws_profiles_are_the_engine_values():
    """Random exact laws (L = 2..5): every quantity is its cone form at the law's profile coordinates."""
    import random

    from exactdlm.claims.cone_check import form_at, profile_coordinates
    from exactdlm.claims.context import CaseContext

    rnd = random.Random(19)
    for L in (2, 3, 4, 5):
        for V in (2, 3) if L <= 4 else (2,):
            w = [Fraction(rnd.randint(1, 9)) for _ in range(V**L)]
            law = ed.JointLaw.from_json({"L": L, "V": V, "exact": True, "p": [str(x / sum(w)) for x in w]})
            ctx = CaseContext(SuiteCase("r", "r", {"L": L}, (), lambda: law, None, law))
            coords = profile_coordinates(ctx)
            cone = C.ProfileCone(L)
            pairs = [(cone.total_correlation(), ctx.tc), (cone.dual_total_correlation(), ctx.dtc),
                     (cone.mi_sum(), ctx.mi), (cone.joint_entropy(), ctx.H)]
            pairs += [(cone.entropy_profile()[t], ctx.g[t]) for t in range(L + 1)]
            pairs += [(cone.expected_kl(s), ed.expected_kl(law, s)) for s in all_compositions(L)]
            for form, value in pairs:
                assert compare_sides(form_at(form, coords), value, "eq").outcome == "holds", (L, V)


# ----------------------------------------------------------------------------------------
# 4. every rho: the rule itself is evaluated on every piece
# ----------------------------------------------------------------------------------------
def _shifted_geometric_tc(L, rho):
    """geometric_tc with its floor moved by 1/100: differs from the library's rule only for rho in
    [s/n - 1/100, s/n), e.g. at L = 2 on [0.99, 1)."""
    r, a, out = Fraction(rho), 0, []
    while a < L:
        x = r * (L - a - 1) + Fraction(1, 100)
        s = min(L - a, 1 + x.numerator // x.denominator)
        out.append(s)
        a += s
    return tuple(out)


def test_the_true_rules_agree_with_their_break_formulas_on_every_piece():
    for rule in ("geometric_tc", "geometric_dtc", "two_sided"):
        for L in range(1, 33):
            assert pieces(rule, L)  # verify=True: raises on any disagreement


def test_a_rule_changed_inside_a_piece_is_caught():
    with pytest.raises(PieceMismatch, match="rho=4095/4096"):
        for lo, hi, sizes in pieces("geometric_tc", 2, verify=False):
            verify_piece("geometric_tc", 2, lo, hi, sizes, _shifted_geometric_tc)


def test_a_shifted_floor_makes_the_every_rho_claim_an_error(monkeypatch):
    monkeypatch.setattr(rules, "geometric_tc", _shifted_geometric_tc)
    (r,) = runner.run([get("G-TC")], get_suite("quick")).results
    assert r.verdict == "error" and "PieceMismatch" in r.reason and "L=2" in r.reason


# ----------------------------------------------------------------------------------------
# 5. the strongest counterexample wins; 6. every stage's counterexample in the JSON
# ----------------------------------------------------------------------------------------
MIXED = '''
import exactdlm as ed
from exactdlm.claims import claim

@claim(id="float-then-exact", statement="violated in floats at L = 2, exactly at L = 3")
def fte(law, sizes):
    law.float_array()  # keeps the claim off the cone
    if law.L == 2:
        return 1.0, 0.5  # a float violation, first in task order
    if law.L == 3 and law.V == 2:
        return 1, 0  # an exact one
    return 0, 1
'''


def test_a_certified_counterexample_beats_an_earlier_float_one(tmp_path):
    path = tmp_path / "mixed.py"
    path.write_text(MIXED)
    (r,) = runner.run(load_claims_file(path), get_suite("quick")).results
    assert r.verdict == "violated" and r.certified
    assert r.counterexample["certified"] and r.counterexample["L"] == 3
    counts = r.to_json()["counts"]
    assert counts["certified_violations"] > 0 and counts["uncertified_violations"] > 0


def test_the_search_counterexample_is_in_the_json_with_the_suite_fields(tmp_path, capsys):
    out = tmp_path / "r.json"
    code = main(["verify", "--suite", "quick", "--claims", str(DATA / "hidden_violation.py"), str(DATA / "user_claims.py"),
                 "--only", "hidden", "my-bound", "--search-cases", "8", "--json", str(out), "--no-figures"])
    assert code == 1
    data = {c["id"]: c for c in json.loads(out.read_text())["claims"]}
    cx = data["hidden"]["counterexample"]
    assert cx is not None and cx["stage"] == "search" and cx["certified"]
    suite_fields = set(data["my-bound"]["counterexample"]) - {"note", "recheck", "ray_law", "ray", "decided", "disagreement"}
    assert suite_fields <= set(cx), suite_fields - set(cx)
    assert data["hidden"]["counts"]["certified_violations"] == 1
    assert data["hidden"]["worst_ratio"] is not None  # the search's ratio counts


# ----------------------------------------------------------------------------------------
# 7. scopes that say what was decided
# ----------------------------------------------------------------------------------------
def test_ccl19_scope_reports_its_trivial_part_and_the_rays(capsys):
    rep = runner.run([get("CCL-1.9"), get("SH-1")], get_suite("quick"))
    ccl, sh = rep.results
    assert rpt.scope_text(ccl).startswith("trivial L=1..12") and "rays L=2..64" in rpt.scope_text(ccl)
    trivial = next(p for p in ccl.parts if p["part"] == "decided")["trivial"]
    assert trivial["lengths"] == [1, 12] and "budget >= L" in trivial["why"]
    assert rpt.scope_text(sh) == "all laws (cone) L=1..64"  # the method named (issue 20)
    line = rpt.summary(rep)
    assert "L=1..12 (trivial): CCL-1.9" in line and "L=1..64: SH-1" in line


# ----------------------------------------------------------------------------------------
# 8. deterministic search: the same laws on a quiet and on a loaded machine
# ----------------------------------------------------------------------------------------
def _search_run(tmp_path, name):
    out = tmp_path / f"{name}.json"
    main(["verify", "--suite", "quick", "--claims", str(DATA / "hidden_violation.py"), "--only", "hidden",
          "--search-cases", "8", "--seed", "0", "--json", str(out), "--no-figures"])
    data = json.loads(out.read_text())["claims"]
    return [(c["id"], c["verdict"], json.dumps(c["counterexample"], sort_keys=True),
             c["search"]["laws"], c["search"]["cases"], c["search"]["cut_short"]) for c in data]


def test_same_seed_same_verdicts_and_counterexamples_under_a_cpu_hog(tmp_path, capsys):
    quiet = _search_run(tmp_path, "quiet")
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        loaded = _search_run(tmp_path, "loaded")
    finally:
        for h in hogs:
            h.kill()
            h.wait()
    assert quiet == loaded
    assert [v for _, v, *_ in quiet] == ["violated"]
    assert all(not cut for *_, cut in quiet)


CHEAP = '''
from exactdlm.claims import claim

@claim(id="cheap-true", statement="0 <= 1 on every law (sampled: it reads the outcomes)")
def cheap(law, sizes):
    law.float_array()
    return 0, 1
'''


def test_a_search_cut_short_by_the_cap_is_reported(tmp_path, capsys):
    out = tmp_path / "r.json"
    path = tmp_path / "cheap.py"
    path.write_text(CHEAP)
    main(["verify", "--suite", "quick", "--claims", str(path), "--only", "cheap-true", "--search-cases", "100000",
          "--search-seconds", "0.5", "--json", str(out), "--no-figures"])
    c = json.loads(out.read_text())["claims"][0]
    assert c["search"]["cut_short"] and c["search"]["cases"] < 100000
    assert "CUT SHORT" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["-1", "2.5", "x"])
def test_bad_search_cases_is_one_line_exit_2(bad, capsys):
    try:
        code = main(["verify", "--suite", "quick", "--only", "MIX", "--search-cases", bad])
    except SystemExit as exc:  # argparse's own type check
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "search-cases" in err[0]


# ----------------------------------------------------------------------------------------
# 10. --strict
# ----------------------------------------------------------------------------------------
def test_strict_fails_a_float_only_verdict(capsys):
    assert main(["verify", "--suite", "quick", "--only", "LZ-sqrt", "--no-figures"]) == 0
    assert main(["verify", "--suite", "quick", "--only", "LZ-sqrt", "--no-figures", "--strict"]) == 1
    assert "--strict: not every verdict is certified" in capsys.readouterr().out
    assert main(["verify", "--suite", "quick", "--only", "SH-1", "--no-figures", "--strict"]) == 0


# ----------------------------------------------------------------------------------------
# 9. ZC decided on the cone past the exact sums: certified enclosures of E[N_k] on each ray
# ----------------------------------------------------------------------------------------
def _zc_variant(cid, c):
    """ZC-TC / ZC-DTC with the constant times ``c``: false only past L = 64 for c = 0.485 (TC) and
    0.85 (DTC), where the exact sums on the cone stopped before."""
    from exactdlm.claims import Check

    base = get(cid)

    def checks(ctx):
        for ch in base.case_checks(ctx):
            yield Check(ch.lhs, ch.rhs * c, ch.kind, ch.sizes, ch.label, note=ch.note)

    return Claim(id=f"{cid}-times-c", statement=f"{cid} with its constant times {c}", kind="le", case_checks=checks,
                 origin="test", profile_only=True)


def test_zc_variants_false_only_past_64_are_refuted_certified_with_a_law_that_rechecks():
    import dataclasses

    from exactdlm.claims.decided import run_cone

    suite = dataclasses.replace(get_suite("default"), cone_max_L=200)
    out = run_cone([_zc_variant("ZC-TC", Fraction(97, 200)), _zc_variant("ZC-DTC", Fraction(17, 20)),
                    get("ZC-DTC")], suite)
    tc, dtc, true = out["ZC-TC-times-c"], out["ZC-DTC-times-c"], out["ZC-DTC"]
    assert tc.counterexample["L"] == 182 and tc.counterexample["certified"]
    assert dtc.counterexample["L"] == 80 and dtc.counterexample["certified"]
    for cx in (tc.counterexample, dtc.counterexample):
        assert cx["recheck"]["outcome"] == "violated" and cx["recheck"]["certified"]  # the MDS law, exactly
    assert true.lengths == (2, 200) and true.counterexample is None and true.error is None


def test_zc_scope_is_every_law_to_1024_at_the_default_suite():
    from exactdlm.claims.decided import run_cone

    out = run_cone([get("ZC-TC"), get("ZC-DTC")], get_suite("default"))
    for cid in ("ZC-TC", "ZC-DTC"):
        assert out[cid].lengths == (2, 1024) and out[cid].stopped is None, (cid, out[cid].stopped)
    r = runner._result(get("ZC-TC"), runner._Acc("le"), get_suite("default"), out["ZC-TC"])
    assert rpt.scope_text(r) == "all laws (cone) L=2..1024"


def test_enclosures_of_E_N_contain_the_exact_values():
    for L, K in ((2, 2), (7, 3), (40, 9), (130, 9), (100, 41), (64, 60)):
        for kind in ("tc", "dtc", "uniform"):
            lo, hi = rules.expected_N_cuts_bounds_kind(L, K, kind)
            exact = rules.expected_N_cuts(L, K, rules.cut_pmf(L, kind))
            assert all(Fraction(float(a)) <= x <= Fraction(float(b)) for a, b, x in zip(lo, hi, exact)), (L, K, kind)
            assert all(b - a <= 1e-12 * max(b, 1.0) for a, b in zip(lo, hi)), (L, K, kind)


def test_an_enclosure_too_wide_to_decide_leaves_the_fragment():
    L = 3
    wide = C.ConeEnclosure(L, [0.0, 0.9, 0.0], [0.0, 1.1, 0.0])
    tc = C.ProfileCone(L).total_correlation()  # 2 on r_1: holds
    assert C.decide(wide, tc, "le", L).holds
    with pytest.raises(C.NotInFragment, match="too wide"):
        C.decide(wide, tc * Fraction(1, 2), "le", L)  # 1 on r_1, inside [0.9, 1.1]
    d = C.decide(wide, tc * Fraction(2, 5), "le", L)  # 0.8 < 0.9: certainly violated
    assert not d.holds and d.ray == 1
