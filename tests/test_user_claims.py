"""User claims: the README's worked example file, counterexamples that re-check, bad claims files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import exactdlm as ed
from exactdlm.claims import ClaimError, catalogue, load_claims_file
from exactdlm.claims import runner
from exactdlm.cli import main
from exactdlm.arith import compare_sides
from exactdlm.laws import JointLaw
from exactdlm.suites import get_suite

EXAMPLE = Path(__file__).parent / "data" / "user_claims.py"


def test_example_file_defines_its_three_claims():
    claims = load_claims_file(EXAMPLE)
    assert [c.id for c in claims] == ["my-bound", "ekl-le-tc", "e3-restated"]
    assert [c.kind for c in claims] == ["le", "le", "eq"]
    assert all(c.source == "user" and c.provenance.kind == "user" for c in claims)
    assert all(c.origin == str(EXAMPLE.resolve()) for c in claims)
    assert load_claims_file(EXAMPLE) == claims  # a file is imported once


@pytest.fixture(scope="module")
def example_report():
    return runner.run(load_claims_file(EXAMPLE), get_suite("quick"))


def test_example_verdicts(example_report):
    res = {r.claim.id: r for r in example_report.results}
    assert res["ekl-le-tc"].verdict == "holds" and res["ekl-le-tc"].certified
    assert res["e3-restated"].verdict == "holds" and res["e3-restated"].certified
    assert res["my-bound"].verdict == "violated" and res["my-bound"].certified


def test_false_user_claim_counterexample_rechecks_from_its_json(example_report):
    r = next(r for r in example_report.results if r.claim.id == "my-bound")
    cx = json.loads(json.dumps(r.counterexample))  # through JSON, as a user would read it
    law = JointLaw.from_json(cx["law"])
    assert law.exact
    lhs, rhs = ed.expected_kl(law, cx["sizes"]), ed.total_correlation(law) / 2
    again = compare_sides(lhs, rhs, "le")
    assert again.outcome == "violated" and again.certified
    assert (again.lhs_exact, again.rhs_exact) == (cx["lhs"], cx["rhs"])
    assert cx["lhs_value"] > cx["rhs_value"] and cx["relation"] == "<="


def test_readme_command_on_the_example(tmp_path, capsys):
    out = tmp_path / "report.json"
    code = main(["verify", "--suite", "quick", "--claims", str(EXAMPLE), "--only", "ekl-le-tc", "e3-restated",
                 "my-bound", "--json", str(out)])
    assert code == 1  # my-bound is violated
    text = capsys.readouterr().out
    assert "counterexample to my-bound (certified)" in text and "law:" in text and "sizes:" in text
    data = json.loads(out.read_text())
    assert [c["id"] for c in data["claims"]] == ["my-bound", "ekl-le-tc", "e3-restated"]  # definition order
    assert [c["verdict"] for c in data["claims"]] == ["violated", "holds", "holds"]


def test_only_the_true_example_claims_exit_zero(capsys):
    assert main(["verify", "--suite", "quick", "--claims", str(EXAMPLE), "--only", "ekl-le-tc"]) == 0


# ----------------------------------------------------------------------------------------
# bad claims files
# ----------------------------------------------------------------------------------------
def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


HEADER = "from exactdlm.claims import claim\nimport exactdlm as ed\n"


@pytest.mark.parametrize("name, text, message", [
    ("syntax.py", "def f(:\n", r"does not import: SyntaxError: .*\(line 1\)"),
    ("imports.py", "import no_such_module_xyz\n", "does not import: ModuleNotFoundError: No module named 'no_such_module_xyz'"),
    ("raises.py", HEADER + "x = 1\nraise RuntimeError('boom')\n", r"does not import: RuntimeError: boom \(line 4\)"),
    ("empty.py", "x = 1\n", "defines no claims; decorate"),
    ("taken.py", HEADER + "@claim(id='E1', statement='s')\ndef f(law, sizes):\n    return 0, 0\n",
     "claim id 'E1' is taken by the catalogue"),
    ("twice.py", HEADER + "@claim(id='a', statement='s')\ndef f(law, sizes):\n    return 0, 0\n"
                          "@claim(id='a', statement='s')\ndef g(law, sizes):\n    return 0, 0\n", "defined twice"),
    ("badkind.py", HEADER + "@claim(id='a', statement='s', kind='<=')\ndef f(law, sizes):\n    return 0, 0\n",
     "kind must be one of"),
])
def test_bad_claims_files_give_one_line_naming_the_file(tmp_path, name, text, message):
    path = _write(tmp_path, name, text)
    with pytest.raises(ClaimError, match=message) as info:
        load_claims_file(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_missing_and_non_python_files(tmp_path):
    with pytest.raises(ClaimError, match="not found"):
        load_claims_file(tmp_path / "nope.py")
    txt = _write(tmp_path, "claims.txt", "x")
    with pytest.raises(ClaimError, match="not a .py file"):
        load_claims_file(txt)


def test_wrong_shape_exits_2_naming_file_and_claim(tmp_path, capsys):
    path = _write(tmp_path, "shape.py", HEADER + "@claim(id='shape', statement='s')\ndef f(law, sizes):\n"
                                                 "    return ed.expected_kl(law, sizes)\n")
    assert main(["verify", "--suite", "quick", "--claims", str(path), "--only", "shape"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err and "'shape'" in err and "pair (lhs, rhs)" in err


def test_raising_claim_is_an_error_verdict_and_the_run_goes_on(tmp_path, capsys):
    path = _write(tmp_path, "boom.py", HEADER + "@claim(id='boom', statement='s')\ndef f(law, sizes):\n"
                                                "    if law.L == 3:\n        raise KeyError('L=3')\n    return 0, 1\n"
                                                "@claim(id='fine', statement='s')\ndef g(law, sizes):\n    return 0, 1\n")
    out = Path(path).with_suffix(".json")
    assert main(["verify", "--suite", "quick", "--claims", str(path), "--only", "boom", "fine", "--json", str(out)]) == 1
    data = {c["id"]: c for c in json.loads(out.read_text())["claims"]}
    assert data["boom"]["verdict"] == "error" and "KeyError" in data["boom"]["reason"] and "line 6" in data["boom"]["reason"]
    assert data["fine"]["verdict"] == "holds"
    assert data["boom"]["cases"] > 0  # the other lengths were still checked


def test_decorator_outside_a_file_registers_a_session_claim():
    from exactdlm.claims import claim, user_claims

    @claim(id="session-claim", statement="0 <= TC", source="user")
    def session(law, sizes):
        return 0, ed.total_correlation(law)

    assert session.claim in user_claims() and session.claim not in catalogue()
    assert session(ed.as_law([[0.25, 0.25], [0.25, 0.25]]), (2,))[0] == 0
