"""``exactdlm refute`` decides each claim for every law at short lengths before its search
(issue 20, item 5): the cone and the Shannon LP give certified counterexamples re-checked on their
laws, or a decided range; a claim raising in the decision is an error."""

import json

from exactdlm.arith import compare_sides
from exactdlm.claims import load_claims_file
from exactdlm.cli import main
from exactdlm.laws import JointLaw

CLAIMS = '''
from fractions import Fraction

import exactdlm as ed
from exactdlm.claims import claim


def three(law, sizes):
    return law.L == 3


@claim(id="cmi-le-mi", statement="I(X0;X2|X1) <= I(X0;X2)", applies=three, source="user")
def cmi_le_mi(law, sizes):
    return ed.mutual_information(law, [0], [2], [1]), ed.mutual_information(law, [0], [2])


@claim(id="cmi-ge-0", statement="I(X0;X1|X2) >= 0", kind="ge", applies=three, source="user")
def cmi_ge_0(law, sizes):
    return ed.mutual_information(law, [0], [1], [2]), 0


@claim(id="tc-le-dtc", statement="TC <= 0.99 DTC", source="user")
def tc_le_dtc(law, sizes):
    return ed.total_correlation(law), ed.dual_total_correlation(law) * Fraction(99, 100)


@claim(id="boom", statement="raises at L >= 3", source="user")
def boom(law, sizes):
    if law.L >= 3:
        raise ZeroDivisionError("boom at L >= 3")
    return ed.total_correlation(law), ed.total_correlation(law)
'''


def _run(tmp_path, capsys, *only, budget=("--time", "5")):
    path = tmp_path / "claims.py"
    path.write_text(CLAIMS)
    out = tmp_path / "out.json"
    code = main(["refute", "--claims", str(path), "--only", *only, *budget, "--json", str(out)])
    capsys.readouterr()
    return code, {e["id"]: e for e in json.loads(out.read_text())["claims"]}, \
        {c.id: c for c in load_claims_file(str(path))}


def _violated_on_its_law(claim, cx):
    law = JointLaw.from_json(cx["law"])
    assert law.exact
    lhs, rhs = claim.sides(law, tuple(cx["sizes"]))
    v = compare_sides(lhs, rhs, claim.kind)
    assert v.outcome == "violated" and v.certified
    assert (v.lhs_exact, v.rhs_exact) == (cx["lhs"], cx["rhs"])
    return law


def test_false_cmi_claim_is_refuted_by_the_shannon_stage_with_an_xor_law(tmp_path, capsys):
    code, res, claims = _run(tmp_path, capsys, "cmi-le-mi")
    e = res["cmi-le-mi"]
    assert code == 1 and e["found"] and e["error"] is None and e["cases"] == 0  # not searched
    cx = e["counterexample"]
    assert cx["stage"] == "shannon" and cx["certified"] and cx["decided"]["recheck"]["outcome"] == "violated"
    law = _violated_on_its_law(claims["cmi-le-mi"], cx)
    # XOR type: uniform on the even-parity words of length 3 (X_2 = X_0 xor X_1)
    even = {"0 0 0", "0 1 1", "1 0 1", "1 1 0"}
    assert law.L == 3 and law.V == 2 and cx["support"] == {x: "1/4" for x in even}
    assert cx["lhs"] == "log(2)" and cx["rhs"] == "0"
    exec(compile(cx["snippet"], "<snippet>", "exec"), {})


def test_true_shannon_claim_reports_its_decided_range_and_is_still_searched(tmp_path, capsys):
    code, res, _ = _run(tmp_path, capsys, "cmi-ge-0", budget=("--cases", "4"))
    e = res["cmi-ge-0"]
    assert code == 0 and not e["found"] and e["counterexample"] is None and e["error"] is None
    assert "no counterexample at L=3..5: decided for every law (Shannon proof)" in e["note"]
    assert e["cases"] > 0  # the law search went on


def test_a_claim_raising_in_the_decision_is_an_error(tmp_path, capsys):
    code, res, _ = _run(tmp_path, capsys, "boom")
    e = res["boom"]
    assert code == 1 and not e["found"]
    assert e["error"] == "ZeroDivisionError: boom at L >= 3" and e["cases"] == 0
    assert "decision stage, on the profile cone at L=3" in e["note"]


def test_false_profile_claim_is_refuted_by_the_cone_stage(tmp_path, capsys):
    code, res, claims = _run(tmp_path, capsys, "tc-le-dtc")
    e = res["tc-le-dtc"]
    assert code == 1 and e["found"] and e["cases"] == 0
    cx = e["counterexample"]
    assert cx["stage"] == "cone" and cx["certified"] and cx["decided"]["recheck"]["outcome"] == "violated"
    _violated_on_its_law(claims["tc-le-dtc"], cx)


def test_no_decide_leaves_the_search_alone(tmp_path, capsys):
    path = tmp_path / "claims.py"
    path.write_text(CLAIMS)
    out = tmp_path / "out.json"
    main(["refute", "--claims", str(path), "--only", "tc-le-dtc", "--cases", "40", "--no-decide",
          "--json", str(out)])
    capsys.readouterr()
    (e,) = json.loads(out.read_text())["claims"]
    assert e["cases"] > 0 and (e["counterexample"] is None or "stage" not in e["counterexample"])


def test_a_claim_raising_on_the_entropic_law_is_an_error(tmp_path, capsys):
    path = tmp_path / "c.py"
    path.write_text(
        "import exactdlm as ed\nfrom exactdlm.claims import claim\n"
        "@claim(id='cmi-boom', statement='I(X0;X1|X2) >= 0, raising at L >= 4', kind='ge', source='user',\n"
        "       applies=lambda law, sizes: law.L >= 3)\n"
        "def f(law, sizes):\n"
        "    if law.L >= 4:\n        raise KeyError('boom at L >= 4')\n"
        "    return ed.mutual_information(law, [0], [1], [2]), 0\n")
    out = tmp_path / "out.json"
    code = main(["refute", "--claims", str(path), "--time", "5", "--json", str(out)])
    capsys.readouterr()
    (e,) = json.loads(out.read_text())["claims"]
    assert code == 1 and not e["found"] and e["cases"] == 0
    assert e["error"] == "KeyError: 'boom at L >= 4'"
    assert "at L=4 on the Shannon LP's entropic law" in e["note"]


def test_resume_reuses_the_decided_results_and_the_header_records_the_stage(tmp_path, capsys):
    path = tmp_path / "claims.py"
    path.write_text(CLAIMS)
    log = tmp_path / "run.jsonl"
    args = ["refute", "--claims", str(path), "--only", "tc-le-dtc", "cmi-ge-0", "--cases", "2"]
    assert main([*args, "--jsonl", str(log), "--json", str(tmp_path / "a.json")]) == 1
    lines = log.read_text().splitlines()
    head = json.loads(lines[0])
    assert head["type"] == "run" and head["settings"]["decide"] == 5
    claims = {r["id"]: r for r in map(json.loads, lines) if r["type"] == "claim"}
    assert claims["tc-le-dtc"]["counterexample"]["stage"] == "cone" and claims["tc-le-dtc"]["cases"] == 0
    assert "decided for every law" in claims["cmi-ge-0"]["note"] and claims["cmi-ge-0"]["cases"] == 2
    assert main([*args, "--resume", str(log), "--json", str(tmp_path / "b.json")]) == 1
    capsys.readouterr()
    assert log.read_text().splitlines() == lines  # nothing redone
    a, b = (json.loads((tmp_path / n).read_text()) for n in ("a.json", "b.json"))
    for x, y in zip(a["claims"], b["claims"]):
        assert {k: v for k, v in x.items() if k != "seconds"} == {k: v for k, v in y.items() if k != "seconds"}
