"""Run files of ``exactdlm refute`` (issue 15): locked while written, a header that records
seed, claims (hashed) and settings, and ``--resume`` that refuses any mismatch by name."""

import json
import os
import subprocess
import sys

import pytest

from exactdlm.cli import main
from exactdlm.search.refute import claim_fingerprint
from exactdlm.search.sweep import JsonlLog

CLAIMS = '''
from fractions import Fraction

import exactdlm as ed
from exactdlm.claims import claim


@claim(id="ekl-tc", statement="EKL <= TC", source="user")
def ekl_tc(law, sizes):
    return ed.expected_kl(law, sizes), ed.total_correlation(law)


@claim(id="ekl-2tc", statement="EKL <= 2 TC", source="user")
def ekl_2tc(law, sizes):
    return ed.expected_kl(law, sizes), ed.total_correlation(law) * 2
'''


def _write(tmp_path, text=CLAIMS, name="claims.py"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def _cli(args, capsys):
    code = main(["refute", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(code, err, *words):
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for w in words:
        assert w in err, err


def test_second_writer_is_refused_with_the_holders_pid(tmp_path):
    path = tmp_path / "run.jsonl"
    first = JsonlLog(path)
    with pytest.raises(ValueError, match=f"being written by process {os.getpid()}"):
        JsonlLog(path)
    first.close()
    assert not os.path.exists(str(path) + ".pid")  # the pid note goes with the lock
    JsonlLog(path).close()  # free again


def test_cli_refuses_a_file_another_process_writes(tmp_path, capsys):
    path = tmp_path / "run.jsonl"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from exactdlm.search.sweep import JsonlLog; "
         f"log = JsonlLog({str(path)!r}); print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        assert holder.stdout.readline().strip() == "locked"
        claims = _write(tmp_path)
        code, _, err = _cli(["--claims", claims, "--cases", "1", "--jsonl", str(path)], capsys)
        _one_line(code, err, f"process {holder.pid}", "being written")
    finally:
        holder.kill()
        holder.wait()
    code, _, err = _cli(["--claims", claims, "--cases", "1", "--jsonl", str(path)], capsys)
    assert code == 0, err  # a killed holder's lock is gone with it


def test_header_records_seed_claims_and_settings(tmp_path, capsys):
    claims, log = _write(tmp_path), tmp_path / "run.jsonl"
    code, _, err = _cli(["--claims", claims, "--cases", "2", "--seed", "4", "--jsonl", str(log)], capsys)
    assert code == 0, err
    head = json.loads(log.read_text().splitlines()[0])
    assert head["type"] == "run" and head["seed"] == 4 and head["version"] == 2
    assert set(head["claims"]) == {"ekl-tc", "ekl-2tc"} and all(len(h) == 16 for h in head["claims"].values())
    assert head["settings"]["shrink"] is True and head["settings"]["max_cases"] == 2


def test_resume_refuses_a_changed_claim_source(tmp_path, capsys):
    claims, log = _write(tmp_path), tmp_path / "run.jsonl"
    assert _cli(["--claims", claims, "--cases", "2", "--jsonl", str(log)], capsys)[0] == 0
    before = log.read_text()
    _write(tmp_path, CLAIMS.replace("total_correlation(law) * 2", "total_correlation(law) * 3"))
    code, _, err = _cli(["--claims", claims, "--cases", "2", "--resume", str(log)], capsys)
    _one_line(code, err, "source changed: ekl-2tc")
    assert "ekl-tc," not in err and log.read_text() == before
    _write(tmp_path)  # back as it was: resumes
    assert _cli(["--claims", claims, "--cases", "3", "--resume", str(log)], capsys)[0] == 0


def test_resume_names_every_difference(tmp_path, capsys):
    claims, log = _write(tmp_path), tmp_path / "run.jsonl"
    assert _cli(["--claims", claims, "--cases", "1", "--jsonl", str(log)], capsys)[0] == 0
    code, _, err = _cli(["--claims", claims, "--only", "ekl-tc", "--cases", "1", "--seed", "3", "--no-shrink",
                         "--resume", str(log)], capsys)
    _one_line(code, err, "seed 0 (this run: 3)", "claims of the file not in this run: ekl-2tc",
              "shrink True (this run: False)", "--seed 0")


def test_resume_refuses_a_file_without_header_or_with_two(tmp_path, capsys):
    claims, log = _write(tmp_path), tmp_path / "run.jsonl"
    log.write_text('{"type": "case", "claim": "ekl-tc", "index": 0, "examples": 1}\n')
    code, _, err = _cli(["--claims", claims, "--cases", "1", "--resume", str(log)], capsys)
    _one_line(code, err, "no header")
    assert _cli(["--claims", claims, "--cases", "1", "--jsonl", str(tmp_path / "a.jsonl")], capsys)[0] == 0
    assert _cli(["--claims", claims, "--cases", "1", "--seed", "1", "--jsonl", str(tmp_path / "b.jsonl")],
                capsys)[0] == 0
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text((tmp_path / "a.jsonl").read_text() + (tmp_path / "b.jsonl").read_text())
    code, _, err = _cli(["--claims", claims, "--cases", "1", "--resume", str(mixed)], capsys)
    _one_line(code, err, "2 different runs")


def test_a_used_jsonl_file_is_not_appended_to(tmp_path, capsys):
    claims, log = _write(tmp_path), tmp_path / "run.jsonl"
    assert _cli(["--claims", claims, "--cases", "1", "--jsonl", str(log)], capsys)[0] == 0
    before = log.read_text()
    code, _, err = _cli(["--claims", claims, "--cases", "1", "--jsonl", str(log)], capsys)
    _one_line(code, err, "already holds the records", "--resume")
    assert log.read_text() == before


def test_fingerprints_are_stable_across_processes():
    from exactdlm.claims import catalogue

    here = {c.id: claim_fingerprint(c) for c in catalogue()}
    code = ("import json; from exactdlm.claims import catalogue; from exactdlm.search.refute import "
            "claim_fingerprint; print(json.dumps({c.id: claim_fingerprint(c) for c in catalogue()}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
                         timeout=120)
    assert json.loads(out.stdout) == here
    assert len(set(here.values())) == len(here)  # every claim its own hash


def test_resume_never_cuts_a_file_that_is_not_a_run_file(tmp_path, capsys):
    from exactdlm import families

    claims, law = _write(tmp_path), tmp_path / "law.json"
    families.parity(3).save(str(law))  # one JSON line, no final newline
    before = law.read_text()
    code, _, err = _cli(["--claims", claims, "--cases", "1", "--resume", str(law)], capsys)
    _one_line(code, err, "not the JSONL file of a run")
    assert law.read_text() == before


INF_CLAIM = '''
from fractions import Fraction

from exactdlm.claims import claim


@claim(id="huge-ge-small", statement="10^308 >= 1/1000", kind="ge", source="user")
def huge_ge_small(law, sizes):
    return Fraction(10**308), Fraction(1, 1000)  # holds; its float ratio overflows to inf
'''


def _strict_json(line):
    def no_constant(name):
        raise AssertionError(f"bare {name} in a run file line (not JSON): {line}")

    return json.loads(line, parse_constant=no_constant)


def test_an_infinite_ratio_is_written_as_json_and_resumes(tmp_path, capsys):
    """Issue 23: the claim record's worst ratio (inf: 10^308 / 10^-3 overflows) is the string "inf",
    as in the --json output, never the bare Infinity; the file resumes, and so does an old file
    that holds the bare Infinity."""
    import math

    from exactdlm.claims import load_claims_file
    from exactdlm.search.refute import refute

    claims, log = _write(tmp_path, INF_CLAIM), tmp_path / "run.jsonl"
    code, out, err = _cli(["--claims", claims, "--cases", "2", "--jsonl", str(log)], capsys)
    assert code == 0, err
    lines = log.read_text().splitlines()
    recs = [_strict_json(line) for line in lines]
    (claim_rec,) = [r for r in recs if r["type"] == "claim"]
    assert claim_rec["worst_ratio"] == "inf" and not claim_rec["found"]
    assert "Infinity" not in log.read_text()

    cl = load_claims_file(claims)
    (res,) = refute(cl, max_cases=2, resume=str(log), claims_files=(claims,), progress=False)
    assert res.worst_ratio == math.inf and not res.found and res.examples_tried == claim_rec["examples_tried"]
    assert log.read_text().splitlines() == lines  # everything was reused: nothing appended

    old = tmp_path / "old.jsonl"  # as written before the fix
    old.write_text("\n".join(line.replace('"worst_ratio": "inf"}', '"worst_ratio": Infinity}') for line in lines) + "\n")
    assert "Infinity" in old.read_text()
    (res_old,) = refute(cl, max_cases=2, resume=str(old), claims_files=(claims,), progress=False)
    assert res_old.worst_ratio == math.inf and res_old.to_json() == res.to_json()
    code, out, err = _cli(["--claims", claims, "--cases", "2", "--resume", str(old), "--json", "-"], capsys)
    assert code == 0, err
    assert '"worst_ratio": "inf"' in out and "Infinity" not in out


def test_jsonl_log_writes_non_finite_floats_as_strings(tmp_path):
    from exactdlm.search.sweep import read_records

    path = tmp_path / "run.jsonl"
    log = JsonlLog(path)
    log.write({"type": "case", "a": float("inf"), "b": [float("-inf"), 1.5], "c": {"d": float("nan")}})
    log.close()
    (line,) = path.read_text().splitlines()
    assert _strict_json(line) == {"type": "case", "a": "inf", "b": ["-inf", 1.5], "c": {"d": "nan"}}
    assert read_records(path) == [_strict_json(line)]
