"""``exactdlm verify``: exit codes, the table, the JSON schema, bad usage."""

from __future__ import annotations

import json

import pytest

from exactdlm.claims import VERDICTS
from exactdlm.cli import main
from exactdlm.cli import verify
from exactdlm.suites import DEFAULT_SUITE, SUITES, get_suite

REQUIRED = {"id", "statement", "source", "provenance", "verdict", "certified", "cases", "worst_ratio", "min_slack",
            "counterexample"}


@pytest.fixture(scope="module")
def cheap_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("verify") / "out.json"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["verify", "--suite", "quick", "--only", "E2", "SH-1", "LC-T2", "IMP", "--json", str(out)])
    return code, buf.getvalue(), json.loads(out.read_text())


def test_exit_zero_and_table(cheap_run):
    code, text, _ = cheap_run
    assert code == 0
    header = text.splitlines()[0].split()
    assert header == ["claim", "source", "cases", "verdict", "scope", "certified", "worst", "ratio", "min", "slack"]
    rows = {line.split()[0]: line.split() for line in text.splitlines()[2:6]}
    # E2 is an identity of entropy-linear forms: decided by the Shannon scan (docs/theory.md §8a)
    assert rows["E2"][3:9] == ["holds", "all", "laws", "(Shannon", "proof)", "L=1..5,"] and rows["E2"][10] == "yes"
    assert rows["SH-1"][3:7] == ["holds", "all", "laws", "(cone)"] and rows["SH-1"][7] == "L=1..64"
    assert rows["LC-T2"][3] == "incomplete"
    assert "suite quick:" in text and "notes:" in text and "W_j" in text


def test_json_schema(cheap_run):
    _, _, data = cheap_run
    assert data["suite"] == "quick"
    assert [c["id"] for c in data["claims"]] == ["E2", "LC-T2", "SH-1", "IMP"]
    for c in data["claims"]:
        assert REQUIRED <= set(c)
        assert c["verdict"] in VERDICTS and isinstance(c["certified"], bool) and isinstance(c["cases"], int)
        assert c["counterexample"] is None
        assert set(c["provenance"]) == {"paper", "theorem", "kind"}
    e2 = data["claims"][0]
    assert e2["verdict"] == "holds" and e2["certified"] and e2["cases"] > 100 and e2["worst_ratio"] == 1.0
    lct2 = data["claims"][1]
    assert lct2["verdict"] == "incomplete" and lct2["cases"] == 0 and lct2["worst_ratio"] is None


def test_violated_exits_one_with_counterexample_json(tmp_path, capsys):
    path = tmp_path / "false.py"
    path.write_text("from exactdlm.claims import claim\nimport exactdlm as ed\n"
                    "@claim(id='ekl-zero', statement='EKL = 0', source='user', kind='eq')\n"
                    "def f(law, sizes):\n    return ed.expected_kl(law, sizes), 0\n")
    out = tmp_path / "r.json"
    assert main(["verify", "--suite", "quick", "--claims", str(path), "--only", "ekl-zero", "--json", str(out)]) == 1
    c = json.loads(out.read_text())["claims"][0]
    assert c["verdict"] == "violated" and c["certified"]
    cx = c["counterexample"]
    assert set(cx) >= {"law", "sizes", "lhs", "rhs"} and cx["rhs"] == "0"
    assert cx["law"]["exact"] and len(cx["law"]["p"]) == cx["law"]["V"] ** cx["law"]["L"]
    assert capsys.readouterr().err == ""  # no progress bar off a terminal


def test_json_to_stdout_moves_the_table_to_stderr(capsys):
    assert main(["verify", "--suite", "quick", "--only", "G-TC", "--json", "-"]) == 0
    cap = capsys.readouterr()
    data = json.loads(cap.out)
    assert data["claims"][0]["id"] == "G-TC" and "claim" in cap.err


@pytest.mark.parametrize("argv, message", [
    (["--only", "E2", "NOPE"], "unknown claim id(s) NOPE in --only; valid ids: E1, E2"),
    (["--claims", "/no/such/file.py"], "not found"),
    (["--jobs", "0"], "--jobs must be a positive integer"),
    (["--dps", "5"], "--dps must be at least 20"),
])
def test_bad_usage_exits_two_in_one_line(argv, message, capsys):
    assert main(["verify", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_unknown_suite_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["verify", "--suite", "huge"])
    assert e.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_list(capsys):
    assert main(["verify", "--list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("E1") and "LZ-sqrt" in out


def test_jobs_two_same_verdicts(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["verify", "--suite", "quick", "--only", "E3", "WC", "--json", str(a)]) == 0
    assert main(["verify", "--suite", "quick", "--only", "E3", "WC", "--jobs", "2", "--json", str(b)]) == 0
    ja, jb = json.loads(a.read_text()), json.loads(b.read_text())
    for x in (ja, jb):
        x.pop("run")
        for c in x["claims"]:
            c.pop("seconds")
    assert ja == jb


def test_default_suite_is_a_known_suite_and_documented():
    assert DEFAULT_SUITE in SUITES
    assert get_suite("quick").name == "quick"
    with pytest.raises(ValueError, match="unknown suite"):
        get_suite("nope")


def test_dps_sets_the_maximum_precision():
    assert verify._max_prec(None) == verify.DEFAULT_MAX_PREC
    assert verify._max_prec(100) == 333


def test_a_claims_file_named_twice_is_loaded_once(tmp_path):
    from pathlib import Path

    example = Path(__file__).parent / "data" / "user_claims.py"
    claims = verify.select_claims([str(example), str(example)], ["ekl-le-tc"])
    assert [c.id for c in claims] == ["ekl-le-tc"]
