"""The directed search before ``holds`` (exactdlm.search.adversary): sampled claims get a refute search."""

from __future__ import annotations

import json
import pathlib

import pytest

from exactdlm.cli import main

HIDDEN = str(pathlib.Path(__file__).parent / "data" / "hidden_violation.py")


def _verify(tmp_path, *argv):
    out = tmp_path / "r.json"
    code = main(["verify", "--suite", "quick", "--no-figures", "--json", str(out), *argv])
    return code, json.loads(out.read_text())


def _claim(data, cid):
    return next(c for c in data["claims"] if c["id"] == cid)


def test_suite_alone_misses_the_hidden_violation(tmp_path, capsys):
    code, data = _verify(tmp_path, "--claims", HIDDEN, "--only", "hidden", "--search-seconds", "0")
    c = _claim(data, "hidden")
    assert code == 0 and c["verdict"] == "holds" and c["scope"] == "suite" and c["search"] is None


def test_directed_search_turns_holds_into_a_certified_violation(tmp_path, capsys):
    code, data = _verify(tmp_path, "--claims", HIDDEN, "--only", "hidden", "--search-seconds", "5")
    c = _claim(data, "hidden")
    assert code == 1
    assert c["verdict"] == "violated" and c["certified"] and c["search"]["found"]
    assert c["search"]["laws"] >= 1
    text = capsys.readouterr().out
    assert "found by the directed search" in text and "is violated (certified)" in text


def test_a_true_sampled_claim_keeps_holds_and_records_the_search(tmp_path, capsys):
    code, data = _verify(tmp_path, "--only", "MIX", "--search-seconds", "1")
    c = _claim(data, "MIX")
    assert code == 0 and c["verdict"] == "holds"
    assert c["search"]["laws"] > 0 and not c["search"]["found"]
    assert "directed search of the sampled claims" in capsys.readouterr().out


def test_decided_claims_are_not_searched(tmp_path, capsys):
    code, data = _verify(tmp_path, "--only", "SH-1", "--search-seconds", "1")
    c = _claim(data, "SH-1")
    assert c["scope"] == "all laws" and c["search"] is None


@pytest.mark.parametrize("bad", ["-1", "nan"])
def test_bad_search_seconds_is_one_line_exit_2(bad, capsys):
    assert main(["verify", "--suite", "quick", "--only", "MIX", "--search-seconds", bad]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "search-seconds" in err[0]
