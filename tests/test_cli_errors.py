"""Exit codes and early checks of the command line (issue 15): refute exits 1 on a raising or
NaN claim, output paths are checked before any work, a closed stdout ends quietly, bad Dask
addresses and missing extras are one line, messages show rationals as p/q."""

import io
import os
import subprocess
import sys
import time

import pytest

from exactdlm.cli import main

MARKED = '''
import os
from exactdlm.claims import claim
import exactdlm as ed

MARK = {mark!r}


@claim(id="marked", statement="EKL <= TC, leaving a mark when evaluated", source="user")
def marked(law, sizes):
    open(MARK, "a").close()
    return ed.expected_kl(law, sizes), ed.total_correlation(law)
'''

BAD = '''
from exactdlm.claims import claim


@claim(id="raises", statement="a claim that raises", source="user")
def raises(law, sizes):
    raise RuntimeError("boom")


@claim(id="nan", statement="a claim whose left side is NaN", source="user")
def nan(law, sizes):
    return float("nan"), 1.0


@claim(id="fine", statement="0 <= 1", source="user")
def fine(law, sizes):
    return 0, 1
'''


def _run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_2(code, err, *words):
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for w in words:
        assert w in err, err


@pytest.mark.parametrize("only, code", [(["fine"], 0), (["raises"], 1), (["nan"], 1), (["fine", "raises"], 1)])
def test_refute_exits_1_when_a_claim_errs(tmp_path, capsys, only, code):
    f = tmp_path / "bad.py"
    f.write_text(BAD)
    got, out, err = _run(["refute", "--claims", str(f), "--only", *only, "--cases", "2"], capsys)
    assert got == code, out + err
    if "nan" in only:
        assert "NaN" in out


@pytest.mark.parametrize("command, flag", [("refute", "--json"), ("refute", "--jsonl"), ("verify", "--json")])
def test_unwritable_output_refused_before_any_work(tmp_path, capsys, command, flag):
    mark = tmp_path / "evaluated"
    f = tmp_path / "claims.py"
    f.write_text(MARKED.format(mark=str(mark)))
    for bad, words in ((str(tmp_path / "no" / "dir" / "x.out"), "does not exist"), (str(tmp_path), "directory")):
        extra = ["--cases", "1"] if command == "refute" else ["--suite", "quick"]
        code, _, err = _run([command, "--claims", str(f), *extra, flag, bad], capsys)
        _one_line_2(code, err, flag, words)
        assert not mark.exists()  # refused before the claim was ever evaluated


def test_read_only_output_file(tmp_path, capsys, monkeypatch):
    ro = tmp_path / "ro.json"
    ro.write_text("{}")
    # the path is opened to check it (root may write anything, so a refused open is simulated)
    real_open = os.open

    def refusing_open(path, flags, *a):
        if os.fspath(path) == str(ro):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *a)

    monkeypatch.setattr(os, "open", refusing_open)
    code, _, err = _run(["refute", "--only", "E1", "--cases", "1", "--json", str(ro)], capsys)
    _one_line_2(code, err, "cannot be written (Permission denied)")


def test_closed_stdout_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "exactdlm", "verify", "--list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ))
    proc.stdout.close()  # like `| head` that has already exited
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert proc.returncode == 1 and err == "", err


def test_broken_pipe_in_process(monkeypatch, capsys):
    class Closed(io.StringIO):
        def write(self, s):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", Closed())
    code = main(["verify", "--list"])
    assert code == 1
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("address", ["notanaddress", "foo://a:1", "tcp://:99999", "tcp://host"])
def test_bad_dask_address_one_line_fast(capsys, address):
    t0 = time.monotonic()
    code, _, err = _run(["refute", "--only", "E1", "--cases", "1", "--dask", address], capsys)
    _one_line_2(code, err, address, "tcp://host:8786")
    assert time.monotonic() - t0 < 10


def test_bad_dask_address_no_traceback_at_exit():
    proc = subprocess.run([sys.executable, "-m", "exactdlm", "refute", "--only", "E1", "--cases", "1",
                           "--dask", "notanaddress"], capture_output=True, text=True, env=dict(os.environ),
                          timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_notebooks_without_matplotlib_names_the_extra(monkeypatch, capsys, tmp_path):
    import importlib.util

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "_common.py").write_text("")
    (tmp_path / "notebooks" / "demo.py").write_text("print(1)\n")
    monkeypatch.chdir(tmp_path)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "matplotlib" else real(name, *a))
    code, _, err = _run(["notebooks"], capsys)
    _one_line_2(code, err, "matplotlib", "exactdlm[notebooks]")


def test_benchmarks_without_dit_names_the_extra():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = "import sys; sys.modules['dit'] = None\nfrom benchmarks.__main__ import main\nsys.exit(main(['--no-save']))"
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root,
                          timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "dit" in proc.stderr and "exactdlm[test]" in proc.stderr and "Traceback" not in proc.stderr


def test_info_law_file_with_a_number_for_p(tmp_path, capsys):
    f = tmp_path / "F.json"
    f.write_text('{"L": 1, "V": 2, "p": 5}')
    code, _, err = _run(["info", "--law", str(f)], capsys)
    _one_line_2(code, err, "flat list")


def test_messages_print_rationals_as_p_over_q(capsys):
    code, _, err = _run(["law", "--family", "parity", "--L", "3", "--schedule", "bernoulli:3/2"], capsys)
    _one_line_2(code, err, "got 3/2")
    assert "Fraction" not in err


def test_fraction_reprs_in_any_message_are_rewritten(capsys, monkeypatch):
    from fractions import Fraction

    from exactdlm.cli import refute

    def boom(args):
        raise ValueError(f"values {[Fraction(3, 7), Fraction(-1, 2), Fraction(0)]!r} out of range")

    monkeypatch.setattr(refute, "run", boom)
    code, _, err = _run(["refute", "--only", "E1"], capsys)
    _one_line_2(code, err, "[3/7, -1/2, 0]")
