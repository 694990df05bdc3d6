"""``exactdlm refute`` end to end: false claims of our own are refuted with certified, shrunk,
reproducible counterexamples; catalogue claims are not; resume after a killed worker;
Dask; every kind of bad input gives one line and exit 2."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from exactdlm.cli import main
from exactdlm.laws import JointLaw

FALSE_CLAIMS = '''
from fractions import Fraction

import exactdlm as ed
from exactdlm.claims import claim
from exactdlm.engine.sampler import expected_kl, mixture_kl


@claim(id="ekl-0.9-smax", statement="EKL <= 0.9 (s_max - 1)/L sum_i I(X_i; X_-i)", source="user")
def ekl_09(law, sizes):
    return expected_kl(law, sizes), ed.mi_sum(law) * Fraction(9, 10) * Fraction(max(sizes) - 1, law.L)


@claim(id="kl-half-ekl", statement="KL(p || q) >= EKL / 2", source="user", kind="ge")
def kl_half(law, sizes):
    return mixture_kl(law, sizes), expected_kl(law, sizes) / 2
'''

SLOW_TRUE_CLAIMS = '''
import time

import exactdlm as ed
from exactdlm.claims import claim


@claim(id="slow-ekl-tc", statement="EKL <= TC (slowly)", source="user")
def slow(law, sizes):
    time.sleep(0.004)
    return ed.expected_kl(law, sizes), ed.total_correlation(law)
'''


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def _cli(args, capsys):
    code = main(["refute", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _claims_in(path):
    from exactdlm.claims import load_claims_file

    return {c.id: c for c in load_claims_file(path)}


# --- refuting false claims ------------------------------------------------------------------
def test_refute_false_claims_certified_shrunk_reproducible(tmp_path, capsys):
    path = _write(tmp_path, "false_claims.py", FALSE_CLAIMS)
    out_json = tmp_path / "out.json"
    t0 = time.monotonic()
    code, out, err = _cli(["--claims", path, "--seed", "3", "--time", "60", "--json", str(out_json)], capsys)
    assert time.monotonic() - t0 < 60
    assert code == 1, err
    assert "VIOLATED" in out and "reproduce with" in out
    data = json.loads(out_json.read_text())
    entries = {e["id"]: e for e in data["claims"]}
    assert set(entries) == {"ekl-0.9-smax", "kl-half-ekl"}
    claims = _claims_in(path)
    from exactdlm.arith import compare_sides

    for cid, e in entries.items():
        assert set(e) >= {"id", "found", "examples_tried", "seconds", "counterexample"}
        assert e["found"] is True and e["examples_tried"] >= 1
        ce = e["counterexample"]
        assert set(ce) >= {"law", "sizes", "lhs", "rhs", "snippet", "lhs_interval", "rhs_interval"}
        law, sizes = JointLaw.from_json(ce["law"]), tuple(ce["sizes"])
        assert law.exact
        lhs, rhs = claims[cid].sides(law, sizes)  # re-check from the JSON, independently of the search
        verdict = compare_sides(lhs, rhs, claims[cid].kind)
        assert verdict.outcome == "violated" and verdict.certified
        assert verdict.lhs_exact == ce["lhs"] and verdict.rhs_exact == ce["rhs"]
        exec(compile(ce["snippet"], f"<snippet {cid}>", "exec"), {})  # the snippet asserts the violation
    # shrunk: the smallest violation of the 0.9 bound is the repeated bit revealed at once
    small = entries["ekl-0.9-smax"]["counterexample"]
    assert small["sizes"] == [2] and small["law"]["L"] == 2 and small["law"]["V"] == 2
    kl = entries["kl-half-ekl"]["counterexample"]
    assert kl["law"]["V"] == 2 and kl["law"]["L"] <= 3

    # reproducible from the seed (and independent of the number of jobs)
    code2, _, _ = _cli(["--claims", path, "--seed", "3", "--time", "60", "--jobs", "2",
                        "--json", str(tmp_path / "again.json")], capsys)
    again = {e["id"]: e for e in json.loads((tmp_path / "again.json").read_text())["claims"]}
    assert code2 == 1
    for cid in entries:
        for key in ("law", "sizes", "lhs", "rhs"):
            assert again[cid]["counterexample"][key] == entries[cid]["counterexample"][key]
        assert again[cid]["examples_tried"] == entries[cid]["examples_tried"]


def test_refute_finds_nothing_for_catalogue_claims(capsys, tmp_path):
    ids = ["E1", "E3", "SH-1", "LC-T1", "MIX", "G-DTC"]
    out_json = tmp_path / "cat.json"
    code, out, err = _cli(["--only", *ids, "--cases", "6", "--seed", "11", "--json", str(out_json)], capsys)
    assert code == 0, err + out
    data = {e["id"]: e for e in json.loads(out_json.read_text())["claims"]}
    for cid in ids:
        assert data[cid]["found"] is False and data[cid]["counterexample"] is None and data[cid]["error"] is None
        assert data[cid]["cases"] == 6 and data[cid]["examples_tried"] > 0
    assert data["SH-1"]["worst_ratio"] <= 1.0 + 1e-9  # float ratio of a tight, certified bound


def test_refute_reports_unsearchable_catalogue_claims(capsys):
    code, out, _ = _cli(["--only", "LC-T2", "--cases", "1"], capsys)
    assert code == 0 and "not searchable" in out


# --- resume after a killed worker -------------------------------------------------------------
def _children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append((int(entry), cmd))
    return out


def _case_keys(path):
    keys = set()
    for line in open(path):
        rec = json.loads(line)
        if rec["type"] == "case":
            keys.add((rec["claim"], rec["index"]))
    return keys


def _claim_records(path):
    return {r["id"]: r for r in map(json.loads, open(path)) if r["type"] == "claim"}


@pytest.mark.slow
def test_resume_after_killed_worker_gives_the_same_cases(tmp_path):
    path = _write(tmp_path, "slow_claims.py", SLOW_TRUE_CLAIMS)
    args = ["--claims", path, "--cases", "16", "--seed", "2"]
    exe = [sys.executable, "-m", "exactdlm", "refute"]
    env = dict(os.environ)

    full = tmp_path / "full.jsonl"
    done = subprocess.run(exe + args + ["--jsonl", str(full)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr

    killed = tmp_path / "killed.jsonl"
    proc = subprocess.Popen(exe + args + ["--jobs", "2", "--jsonl", str(killed)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if killed.exists() and len(_case_keys(killed)) >= 3:
                break
            time.sleep(0.05)
        workers = [pid for pid, cmd in _children(proc.pid) if "spawn_main" in cmd]
        assert workers, "no worker process to kill"
        os.kill(workers[0], signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 2, err
    assert "worker process died" in err and "--resume" in err
    partial = _case_keys(killed)
    assert 3 <= len(partial) < 16 and not _claim_records(killed)

    resumed = subprocess.run(exe + args + ["--jobs", "2", "--resume", str(killed)], capture_output=True, text=True,
                             env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert _case_keys(killed) == _case_keys(full) == {("slow-ekl-tc", i) for i in range(16)}
    a, b = _claim_records(killed)["slow-ekl-tc"], _claim_records(full)["slow-ekl-tc"]
    for key in ("found", "examples_tried", "cases", "worst_ratio", "counterexample"):
        assert a[key] == b[key]
    # a third run on the finished file does no work and reports the same
    again = subprocess.run(exe + args + ["--resume", str(killed)], capture_output=True, text=True, env=env,
                           timeout=300)
    assert again.returncode == 0 and _case_keys(killed) == _case_keys(full)


def test_resume_with_another_seed_is_refused(tmp_path, capsys):
    path = _write(tmp_path, "false_claims.py", FALSE_CLAIMS)
    log = tmp_path / "run.jsonl"
    code, _, _ = _cli(["--claims", path, "--only", "ekl-0.9-smax", "--cases", "2", "--jsonl", str(log)], capsys)
    assert code == 1
    code, _, err = _cli(["--claims", path, "--only", "ekl-0.9-smax", "--cases", "2", "--seed", "5",
                         "--resume", str(log)], capsys)
    assert code == 2 and "seed 0" in err and len(err.strip().splitlines()) == 1


def test_resumed_claim_is_not_searched_again(tmp_path, capsys):
    path = _write(tmp_path, "false_claims.py", FALSE_CLAIMS)
    log = tmp_path / "run.jsonl"
    code, out1, _ = _cli(["--claims", path, "--only", "ekl-0.9-smax", "--cases", "3", "--jsonl", str(log)], capsys)
    lines = log.read_text().splitlines()
    code2, out2, _ = _cli(["--claims", path, "--only", "ekl-0.9-smax", "--cases", "3", "--resume", str(log)], capsys)
    assert code == code2 == 1
    assert log.read_text().splitlines()[:len(lines)] == lines
    assert [json.loads(x)["type"] for x in log.read_text().splitlines()[len(lines):]] == []
    assert out1.splitlines()[1].split()[:3] == out2.splitlines()[1].split()[:3]


# --- Dask -------------------------------------------------------------------------------------
def test_refute_through_a_dask_local_cluster(tmp_path):
    from distributed import LocalCluster

    from exactdlm.search import refute

    path = _write(tmp_path, "false_claims.py", FALSE_CLAIMS)
    claims = [_claims_in(path)["ekl-0.9-smax"]]
    inline = refute(claims, seed=4, time_budget=None, max_cases=8, claims_files=[path])
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = refute(claims, seed=4, time_budget=None, max_cases=8, claims_files=[path],
                        dask=cluster.scheduler_address)
    assert remote[0].found and inline[0].found
    assert remote[0].counterexample["law"] == inline[0].counterexample["law"]
    assert remote[0].examples_tried == inline[0].examples_tried


# --- bad input --------------------------------------------------------------------------------
def _one_line_exit_2(code, err, *needles):
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    for n in needles:
        assert n in err


def test_bad_claims_files(tmp_path, capsys):
    broken = _write(tmp_path, "broken.py", "def f(:\n")
    _one_line_exit_2(*_cli(["--claims", broken, "--cases", "1"], capsys)[::2], "broken.py")
    empty = _write(tmp_path, "empty.py", "x = 1\n")
    _one_line_exit_2(*_cli(["--claims", empty, "--cases", "1"], capsys)[::2], "defines no claims")
    shape = _write(tmp_path, "shape.py", (
        "from exactdlm.claims import claim\n"
        "@claim(id='scalar', statement='returns one number', source='user')\n"
        "def scalar(law, sizes):\n    return 1.0\n"))
    _one_line_exit_2(*_cli(["--claims", shape, "--cases", "1"], capsys)[::2], "scalar", "pair")
    _one_line_exit_2(*_cli(["--claims", str(tmp_path / "missing.py"), "--cases", "1"], capsys)[::2], "missing.py")


def test_raising_claim_is_an_error_not_a_crash(tmp_path, capsys):
    raising = _write(tmp_path, "raising.py", (
        "from exactdlm.claims import claim\n"
        "@claim(id='raises', statement='raises', source='user')\n"
        "def raises(law, sizes):\n    raise RuntimeError('no')\n"))
    code, out, _ = _cli(["--claims", raising, "--cases", "2", "--json", str(tmp_path / "r.json")], capsys)
    assert code == 1 and "error: RuntimeError: no" in out  # an erring claim fails the run
    entry = json.loads((tmp_path / "r.json").read_text())["claims"][0]
    assert entry["error"] == "RuntimeError: no" and entry["found"] is False


@pytest.mark.parametrize(
    "args, needle",
    [(["--time", "0"], "--time"), (["--time", "-3"], "--time"), (["--cases", "0"], "--cases"),
     (["--cases", "-1"], "--cases"), (["--jobs", "0"], "--jobs"), (["--only", "NOT-A-CLAIM"], "unknown claim ids"),
     (["--seed", "-1", "--cases", "1"], "seed")],
)
def test_bad_budgets_and_ids(args, needle, capsys):
    _one_line_exit_2(*_cli(args, capsys)[::2], needle)


def test_unreachable_dask_address(capsys, tmp_path):
    path = _write(tmp_path, "false_claims.py", FALSE_CLAIMS)
    t0 = time.monotonic()
    code, _, err = _cli(["--claims", path, "--cases", "1", "--dask", "tcp://127.0.0.1:9", "--dask-timeout", "1"],
                        capsys)
    _one_line_exit_2(code, err, "Dask scheduler", "tcp://127.0.0.1:9")
    assert time.monotonic() - t0 < 20


def test_corrupt_resume_file(tmp_path, capsys):
    path = _write(tmp_path, "false_claims.py", FALSE_CLAIMS)
    bad = tmp_path / "bad.jsonl"
    text = '{"type": "run", "seed": 0, "version": 1}\n{"type": "case"\n{"type": "claim", "id": "x"}\n'
    bad.write_text(text)
    code, _, err = _cli(["--claims", path, "--cases", "1", "--resume", str(bad)], capsys)
    _one_line_exit_2(code, err, "line 2")
    assert bad.read_text() == text  # the rest is kept
    code, _, err = _cli(["--claims", path, "--cases", "1", "--resume", str(tmp_path / "none.jsonl")], capsys)
    _one_line_exit_2(code, err, "does not exist")


def test_json_to_stdout_and_several_claims_files(tmp_path, capsys):
    a = _write(tmp_path, "a.py", FALSE_CLAIMS)
    b = _write(tmp_path, "b.py", SLOW_TRUE_CLAIMS.replace("time.sleep(0.004)", "pass"))
    code, out, err = _cli(["--claims", a, b, "--only", "ekl-0.9-smax", "slow-ekl-tc", "--cases", "2",
                           "--json", "-"], capsys)
    assert code == 1
    data = json.loads(out)  # stdout holds only the JSON
    assert [e["id"] for e in data["claims"]] == ["ekl-0.9-smax", "slow-ekl-tc"]
    assert "VIOLATED" in err and "reproduce with" in err


def test_unwritable_json(tmp_path, capsys):
    a = _write(tmp_path, "a.py", FALSE_CLAIMS)
    code, _, err = _cli(["--claims", a, "--only", "ekl-0.9-smax", "--cases", "1", "--json",
                         str(tmp_path / "no" / "dir" / "x.json")], capsys)
    _one_line_exit_2(code, err, "--json", "does not exist")


# --- exactdlm verify --hypothesis N (the property run on top of the suite) ----------------------
def test_verify_hypothesis_flag(tmp_path, capsys):
    path = _write(tmp_path, "false_claims.py", FALSE_CLAIMS)
    out_json = tmp_path / "v.json"
    code = main(["verify", "--suite", "quick", "--claims", path, "--only", "ekl-0.9-smax", "E1",
                 "--hypothesis", "12", "--seed", "1", "--no-figures", "--json", str(out_json)])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "property run (hypothesis examples" in out
    hyp = {h["id"]: h for h in json.loads(out_json.read_text())["hypothesis"]}
    # hypothesis draws at most 12 examples; an example counts when the claim made a comparison on it
    # (a drawn case outside the claim's hypotheses makes none), so most but not always all count
    assert hyp["E1"]["verdict"] == "holds" and hyp["E1"]["certified"] and 6 <= hyp["E1"]["examples"] <= 12
    bad = hyp["ekl-0.9-smax"]
    assert bad["verdict"] == "violated" and bad["certified"]
    from exactdlm.arith import compare_sides

    law, sizes = JointLaw.from_json(bad["counterexample"]["law"]), tuple(bad["counterexample"]["sizes"])
    verdict = compare_sides(*_claims_in(path)["ekl-0.9-smax"].sides(law, sizes), "le")
    assert verdict.outcome == "violated" and verdict.certified


def test_verify_hypothesis_needs_a_positive_count(capsys):
    code = main(["verify", "--only", "E1", "--hypothesis", "0"])
    _one_line_exit_2(code, capsys.readouterr().err, "--hypothesis")
