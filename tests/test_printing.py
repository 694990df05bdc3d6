"""Exact values print in canonical form by default, the raw form on request (issue 15)."""

import json

from exactdlm import families, total_correlation
from exactdlm.cli import main


def test_api_values_print_canonical():
    tc = total_correlation(families.parity(3))
    assert tc.to_str(raw=True) == "-3*log(2) + 2*log(4)"  # as computed from the counts
    assert str(tc) == f"{tc}" == "log(2)"
    assert format(tc, "raw") == "-3*log(2) + 2*log(4)"


def test_info_prints_canonical_and_raw_on_request(capsys):
    assert main(["info", "--family", "parity", "--L", "3"]) == 0
    out = capsys.readouterr().out
    assert "exact: log(2)" in out and "2*log(4)" not in out
    assert main(["info", "--family", "parity", "--L", "3", "--raw"]) == 0
    assert "exact: -3*log(2) + 2*log(4)" in capsys.readouterr().out
    assert main(["info", "--family", "parity", "--L", "3", "--json"]) == 0
    forms = json.loads(capsys.readouterr().out)["exact_forms"]
    assert forms["TC"] == "log(2)" and forms["H"] == "2*log(2)"
