"""``exactdlm info``: table and JSON output against the library, exact marks, law files, errors."""

import json
import math

import pytest

from exactdlm.laws import families
from exactdlm.cli import main
from exactdlm.engine.info import (
    dual_total_correlation,
    entropy_profile,
    info_curve,
    joint_entropy,
    mi_sum,
    total_correlation,
)


def _run(capsys, *argv):
    rc = main(["info", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _json(capsys, *argv):
    rc, out, err = _run(capsys, *argv, "--json")
    assert rc == 0, err
    return json.loads(out)


def _check_values(data, law):
    assert (data["L"], data["V"], data["exact"], data["support"]) == (law.L, law.V, law.exact, law.support_size)
    for key, fn in (("H", joint_entropy), ("TC", total_correlation), ("DTC", dual_total_correlation),
                    ("mi_sum", mi_sum)):
        assert abs(data[key] - float(fn(law))) <= 1e-12
    assert all(abs(a - float(b)) <= 1e-12 for a, b in zip(data["g"], entropy_profile(law), strict=True))
    assert all(abs(a - float(b)) <= 1e-12 for a, b in zip(data["Ibar"], info_curve(law), strict=True))


def test_json_of_an_exact_family(capsys):
    data = _json(capsys, "--family", "repeated_symbol", "--L", "4", "--V", "3")
    _check_values(data, families.repeated_symbol(4, 3))
    assert data["source"] == {"family": "repeated_symbol", "params": {"L": "4", "V": "3"}}
    forms = data["exact_forms"]
    assert forms["TC"] == "3*log(3)" and forms["DTC"] == "log(3)" and forms["H"] == "log(3)"
    assert forms["Ibar"] == ["0", "log(3)", "log(3)", "log(3)"]
    assert abs(data["TC"] - 3 * math.log(3)) < 1e-15


def test_json_with_params(capsys):
    data = _json(capsys, "--family", "noisy_repetition", "--L", "4", "--param", "eta=1/10")
    _check_values(data, families.noisy_repetition(4, "1/10"))
    data = _json(capsys, "--family", "markov_chain", "--L", "3", "--param",
                 'transition=[["1/2","1/2"],["1/4","3/4"]]', "--param", "initial=[1,0]")
    _check_values(data, families.markov_chain(3, [["1/2", "1/2"], ["1/4", "3/4"]], initial=[1, 0]))
    data = _json(capsys, "--family", "ising", "--L", "4", "--param", "J=0.5", "h=0.1")
    assert data["exact"] is False and "exact_forms" not in data
    _check_values(data, families.ising(4, 0.5, 0.1))


def test_table_marks_exact_values(capsys):
    rc, out, _ = _run(capsys, "--family", "parity", "--L", "3")
    assert rc == 0
    assert "exact" in out.splitlines()[0]
    tc_line = next(line for line in out.splitlines() if line.strip().startswith("TC"))
    assert "exact: log(2)" in tc_line and "0.69314718056" in tc_line
    assert "Ī(t)" in out and "g(t)" in out
    rc, out, _ = _run(capsys, "--family", "ising", "--L", "3", "--param", "J=1", "h=0")
    assert rc == 0 and "exact:" not in out


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_law_file(capsys, tmp_path, suffix):
    law = families.random_rational(3, 2, seed=5, support="any")
    path = tmp_path / f"law{suffix}"
    law.save(path)
    data = _json(capsys, "--law", str(path))
    _check_values(data, law)
    assert data["source"] == {"law_file": str(path)}


def test_lattice_too_big_skips_the_profile(capsys, monkeypatch):
    monkeypatch.setenv("EXACTDLM_MEMORY_CAP", str(8 * 3**8 - 1))  # the law fits, its lattice does not
    data = _json(capsys, "--family", "dirichlet", "--L", "8", "--V", "2", "--param", "alpha=1", "seed=0")
    assert "g" not in data and "Ibar" not in data and "over the memory cap" in data["skipped"]["g, Ī"]
    monkeypatch.delenv("EXACTDLM_MEMORY_CAP")
    law = families.dirichlet(8, 2, 1.0, 0)
    assert abs(data["TC"] - float(total_correlation(law))) <= 1e-12


@pytest.mark.parametrize(
    "argv, match",
    [
        ([], "give a law"),
        (["--family", "nope", "--L", "3"], "unknown family 'nope'"),
        (["--family", "parity", "--L", "3", "--param", "W=2"], "takes no parameter W"),
        (["--family", "parity", "--L", "3", "--param", "oops"], "not of the form k=v"),
        (["--family", "parity"], "needs parameter"),
        (["--family", "parity", "--L", "1"], "parity needs L >= 2"),
        (["--family", "mds_code", "--L", "3", "--V", "4", "--param", "k=2", "q=3"], "the law has V=3 but --V 4"),
        (["--family", "parity", "--L", "3", "--param", "L=3"], "give L once"),
        (["--law", "/nonexistent/law.json"], "does not exist"),
        (["--family", "noisy_repetition", "--L", "3", "--param", "eta=2"], "eta must lie in"),
    ],
)
def test_bad_usage_is_one_line_exit_2(capsys, argv, match):
    rc, out, err = _run(capsys, *argv)
    assert rc == 2 and out == ""
    assert err.startswith("exactdlm info: error: ") and err.count("\n") == 1
    assert match in err


def test_family_and_law_are_exclusive(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["info", "--family", "parity", "--law", "x.json"])
    assert exc.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_info_on_a_length_the_lattice_cannot_hold_uses_the_structured_law(capsys):
    import math

    from exactdlm.cli import main

    rc = main(["info", "--family", "parity", "--L", "40", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and out["structured"] == "SumModV" and out["support"] is None
    assert out["TC"] == pytest.approx(math.log(2), rel=1e-12)  # docs/theory.md §6: parity TC = log 2
    assert out["DTC"] == pytest.approx(39 * math.log(2), rel=1e-12)
    assert len(out["g"]) == 41 and len(out["Ibar"]) == 40
