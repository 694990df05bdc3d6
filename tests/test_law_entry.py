"""Validation where a law, a file or an output path enters, and the messages (issue 23)."""

import json
import math
import os

import numpy as np
import pytest

import exactdlm as ed
from exactdlm.adaptive import LLaDA, MDLM, Dream, FastDLLM
from exactdlm.cli import main
from exactdlm.laws import JointLaw


def _err(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


# ----------------------------------------------------------------------------------------
# law JSON: types and size before allocation
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("data, words", [
    ({"L": 1e12, "V": 2, "p": []}, "'L' must be an integer >= 1, got float"),
    ({"L": 20000, "V": 2, "p": []}, "L=20000, V=2 (2^20000 outcomes) needs"),
    ({"L": 2.7, "V": 2, "p": [0.25] * 4}, "'L' must be an integer >= 1, got float 2.7"),
    ({"L": 2.0, "V": 2, "p": [0.25] * 4}, "'L' must be an integer >= 1, got float 2.0"),
    ({"L": True, "V": 2, "p": [0.5, 0.5]}, "'L' must be an integer >= 1, got bool True"),
    ({"L": 1, "V": "2", "p": [0.5, 0.5]}, "'V' must be an integer >= 2, got str"),
    ({"L": 1, "V": 2, "p": [0.5, 0.5], "exact": "yes"}, "'exact' must be true or false"),
    ({"L": 1, "V": 2, "p": [True, False]}, "entries of 'p' must be numbers"),
    ({"L": 0, "V": 2, "p": []}, "needs L >= 1"),
    ([1, 2], "needs keys 'L', 'V' and 'p'"),
])
def test_law_json_fields_typed_and_sized(data, words, tmp_path, capsys):
    with pytest.raises(ValueError) as info:
        JointLaw.from_json(data)
    assert words in str(info.value)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data))
    assert main(["info", "--law", str(f)]) == 2
    assert words in _err(capsys)


def test_good_law_json_still_reads(tmp_path):
    law = ed.families.noisy_repetition(3, "1/10")
    f = tmp_path / "ok.json"
    law.save(str(f))
    assert JointLaw.load(str(f)) == law


# ----------------------------------------------------------------------------------------
# files that are not laws / claims
# ----------------------------------------------------------------------------------------
def test_garbage_npz_names_the_problem_not_allow_pickle(tmp_path, capsys):
    g = tmp_path / "g.npz"
    g.write_bytes(os.urandom(300))
    one = tmp_path / "one.npz"
    with open(one, "wb") as fh:
        np.save(fh, np.ones(4))
    for f, words in ((g, "not a .npz archive of a saved law"), (one, "holds a single numpy array (.npy)")):
        with pytest.raises(ValueError) as info:
            JointLaw.load(str(f))
        assert words in str(info.value) and "allow_pickle" not in str(info.value)
        assert main(["info", "--law", str(f)]) == 2
        assert "allow_pickle" not in _err(capsys)


def test_directory_and_fifo_are_named(tmp_path, capsys):
    d = tmp_path / "d.json"
    d.mkdir()
    fifo = tmp_path / "f.json"
    os.mkfifo(fifo)
    cdir = tmp_path / "c.py"
    cdir.mkdir()
    cfifo = tmp_path / "cf.py"
    os.mkfifo(cfifo)
    for argv, words in ((["info", "--law", str(d)], "is a directory"),
                        (["info", "--law", str(fifo)], "is not a regular file (a FIFO"),
                        (["refute", "--claims", str(cdir)], "is a directory"),
                        (["refute", "--claims", str(cfifo)], "is not a regular file (a FIFO")):
        assert main(argv) == 2
        line = _err(capsys)
        assert words in line and "not found" not in line


# ----------------------------------------------------------------------------------------
# to_dit validates like every entry point, and is exported
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("arr, words", [
    (np.array([0.5, np.nan]), "non-finite"),
    (np.array([1.5, -0.5]), "negative"),
    (np.array([0.5, 0.6]), "sums to"),
    (np.ones((2, 3)) / 6, "cubic"),
])
def test_to_dit_validates(arr, words):
    pytest.importorskip("dit")
    assert "to_dit" in ed.__all__
    with pytest.raises(ValueError, match=words):
        ed.to_dit(arr)
    with pytest.raises(ValueError, match="symbols must give 2 symbols"):
        ed.to_dit(np.array([0.5, 0.5]), symbols=5)


# ----------------------------------------------------------------------------------------
# preset classes: NaN and friends named
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, words", [
    (lambda: LLaDA(L=4, steps=4, block=4, T=math.nan), "llada: T must be a finite number"),
    (lambda: Dream(L=4, steps=4, eps=math.nan), "dream: eps must be a finite number"),
    (lambda: Dream(L=4, steps=4, alg="entropy", alg_temp=math.inf), "dream: alg_temp must be a finite number"),
    (lambda: Dream(L=4, steps=4, eps=1), "eps must lie in (0, 1)"),
    (lambda: FastDLLM(L=4, threshold=math.nan, block=4), "fastdllm: threshold must be a finite number"),
    (lambda: FastDLLM(L=4, threshold=2, block=4), "threshold must lie in [0, 1]"),
    (lambda: LLaDA(L=4, steps=4.0, block=4), "llada: steps must be an integer >= 1"),
    (lambda: MDLM(L=4, steps=True), "mdlm: steps must be an integer >= 1"),
    (lambda: LLaDA(L=math.nan, steps=4, block=4), "llada: L must be an integer"),
    (lambda: LLaDA(L=4, steps=4, block=4, T="x"), "llada: T must be a finite number"),
    (lambda: FastDLLM(L=4, threshold=0.5, block=4, T=10**400), "fastdllm: T must lie in [0, 1000000], got about 10^400"),
    (lambda: Dream(L=4, steps=4, alg="entropy", alg_temp=10**7), "dream: alg_temp must lie in [0, 1000000]"),
])
def test_preset_constructors_name_the_bad_value(make, words):
    with pytest.raises(ValueError) as info:
        make()
    assert words in str(info.value) and "integer ratio" not in str(info.value)


# ----------------------------------------------------------------------------------------
# output paths and JSON output
# ----------------------------------------------------------------------------------------
@pytest.mark.skipif(os.geteuid() != 0, reason="root: os.access says /proc is writable, opening it does not")
def test_json_into_proc_fails_before_work(capsys, tmp_path):
    mark = tmp_path / "ran"
    f = tmp_path / "claims.py"
    f.write_text("from exactdlm.claims import claim\n\n@claim(id='m', statement='x', source='user')\n"
                 f"def m(law, sizes):\n    open({str(mark)!r}, 'w').close()\n    return 0, 1\n")
    assert main(["verify", "--claims", str(f), "--suite", "quick", "--json", "/proc/x"]) == 2
    assert "cannot be written" in _err(capsys) and not mark.exists()


def test_check_leaves_no_file_behind(tmp_path, capsys):
    out = tmp_path / "new.json"
    assert main(["refute", "--only", "E1", "--cases", "1", "--time", "0", "--json", str(out)]) == 2
    capsys.readouterr()
    assert not out.exists()  # the open that checked it removed what it created


def test_jsonl_dash_refused_like_a_file_is_needed(capsys):
    assert main(["refute", "--only", "E1", "--cases", "1", "--jsonl", "-"]) == 2
    line = _err(capsys)
    assert "--jsonl needs a file" in line and "--json -" in line


def test_jsonl_dev_null_no_traceback(capsys):
    assert main(["refute", "--only", "E1", "--cases", "1", "--jsonl", os.devnull]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err


def _strict(text):
    def refuse(name):
        raise AssertionError(f"bare {name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def test_json_output_never_writes_infinity(capsys, tmp_path):
    args = ["law", "--family", "noisy_repetition", "--L", "4", "--param", "eta=1/5", "--schedule",
            "llada:steps=4,block=2", "--json"]
    assert main(args) == 0
    data = _strict(capsys.readouterr().out)
    assert data["kl_pq"] == "inf" and isinstance(data["kl_qp"], float)
    from exactdlm.cli._checks import json_text

    assert _strict(json_text({"a": [math.inf, -math.inf, math.nan, 1.5], "b": np.float64("inf")})) == {
        "a": ["inf", "-inf", "nan", 1.5], "b": "inf"}


def test_violated_claim_scope_names_the_failing_length(tmp_path, capsys):
    """A violated claim's scope column says where it fails (the cone: at L = 2 with five copies
    of a repeated symbol, TC = 5 log 2 > 3), not only where it held."""
    f = tmp_path / "tc3.py"
    f.write_text("from exactdlm.claims import claim\nimport exactdlm as ed\n\n"
                 "@claim(id='u-tc3', statement='TC <= 3 nats', source='user')\n"
                 "def u(law, sizes):\n    return ed.total_correlation(law), 3\n")
    assert main(["verify", "--claims", str(f), "--only", "u-tc3", "--suite", "quick"]) == 1
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("u-tc3"))
    assert "violated" in row and "fails at L=2 (held L=1..1)" in row and "all laws" not in row
