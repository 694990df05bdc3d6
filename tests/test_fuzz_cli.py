"""Fuzz the command line and the public functions with what a researcher might type (issue 15).

Every draw: exit status 0, 1 or 2, no traceback, at most one error line. argv lists are
built from the real subcommands, options and spec strings mixed with bad values (unknown
names, negative and huge numbers, malformed specs, missing files, unwritable paths); each
draw is kept cheap (quick suite, one case, small L). The public functions, given bad
arrays and arguments, return or raise a ``ValueError`` with a message, never another type.
"""

import contextlib
import io
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exactdlm as ed
from exactdlm.cli import main

FUZZ = settings(max_examples=80, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    good = d / "law.json"
    ed.families.parity(3).save(str(good))
    (d / "p5.json").write_text('{"L": 1, "V": 2, "p": 5}')
    (d / "corrupt.json").write_text('{"L": 2, "V"')
    (d / "law.txt").write_text("not a law")
    (d / "claims.py").write_text(
        "from exactdlm.claims import claim\nimport exactdlm as ed\n\n"
        "@claim(id='u-tc', statement='EKL <= TC', source='user')\n"
        "def u(law, sizes):\n    return ed.expected_kl(law, sizes), ed.total_correlation(law)\n\n"
        "@claim(id='u-false', statement='TC <= 0 (false)', source='user')\n"
        "def f(law, sizes):\n    return ed.total_correlation(law), 0\n")
    (d / "broken.py").write_text("def f(:\n")
    return {
        "law": str(good), "p5": str(d / "p5.json"), "corrupt": str(d / "corrupt.json"),
        "txt": str(d / "law.txt"), "missing": str(d / "missing.json"), "dir": str(d),
        "claims": str(d / "claims.py"), "broken": str(d / "broken.py"),
        "out": str(d / "out.json"), "unwritable": "/nonexistent/dir/out.json",
    }


NUMBERS = ["-1", "0", "1", "2", "3", "1000000000", "99999999999999999999", "x", "3.5", "1/2", "nan", "-inf"]
SPECS = ["balanced:2", "balanced:0", "balanced:99", "balanced:x", "sizes:1,2", "sizes:3", "sizes:a", "sizes:",
         "sizes:-1,4", "floor_last:2", "cosine:2", "geometric_dtc:0.5", "geometric_tc:2", "two_sided:1/2",
         "optimal:2", "bernoulli:2", "bernoulli:3/2", "bernoulli:0.5,0.5,0.5", "cutpoints:2:zz", "cutpoints:2:tc",
         "semiar:7/2", "semiar:4/9", "semiar:2/1", "semiar:0/2", "semiar:x", "confidence:2", "margin:1",
         "entropy:9", "threshold:0.5", "threshold:x", "select:2", "nosuch:2", "", ":", "balanced"]
PREDICTORS = ["temperature:2", "temperature:-1", "mix:1/2", "mix:2", "noisy:0.1", "noisy:x:1", "law:{missing}",
              "law:{law}", "nosuch", ""]
FAMILIES = ["parity", "iid", "markov_chain", "repeated_symbol", "noisy_repetition", "mds_code", "ising",
            "random_rational", "dirichlet", "nosuch"]
PARAMS = ["eta=1/10", "eta=2", "eta=x", "V=3", "q=2", "k=1", "seed=1", "marginal=[\"1/2\",\"1/2\"]",
          "marginal=[1,2]", "transition=[[1]]", "=", "noeq", "beta=1/2", "L=2"]
CLAIM_IDS = ["E1", "SH-1", "LC-T1", "LC-T2", "NOT-A-CLAIM", "u-tc", "u-false"]


def _mostly(good, bad):
    """A value drawn from ``good`` about two times in three, else from ``bad``."""
    return st.one_of(st.sampled_from(good), st.sampled_from(good), st.sampled_from(bad))


def _opt(name, values):
    values = values if isinstance(values, st.SearchStrategy) else st.sampled_from(values)
    return st.lists(st.tuples(st.just(name), values), max_size=1).map(lambda xs: [a for pair in xs for a in pair])


def _law_args():
    fam = st.tuples(st.just("--family"), _mostly(["parity", "repeated_symbol"], FAMILIES)).map(list)
    lawfile = st.tuples(st.just("--law"), _mostly(["{law}"], ["{p5}", "{corrupt}", "{txt}", "{missing}", "{dir}"])
                        ).map(list)
    return st.tuples(
        st.one_of(fam, fam, lawfile, st.just([])),
        st.tuples(st.just("--L"), _mostly(["2", "3"], ["1", "-1", "0", "x", "1000000000", "99999999999999999999"])
                  ).map(list) | _opt("--L", ["2"]),
        _opt("--V", _mostly(["2"], ["3", "1", "-2", "100000"])),
        st.one_of(st.just([]), st.just([]), st.lists(st.sampled_from(PARAMS), min_size=1, max_size=2).map(
            lambda ps: ["--param", *ps])),
    ).map(lambda t: [a for part in t for a in part])


def _argv():
    verify = st.tuples(
        st.just(["verify"]),
        st.one_of(st.just(["--list"]), st.just(["--suite", "quick", "--only", "E1"]),
                  st.tuples(st.just("--only"), st.sampled_from(CLAIM_IDS)).map(lambda t: ["--list", *t]),
                  st.just(["--suite", "nosuch"]), st.just(["--claims", "{broken}", "--list"]),
                  st.just(["--claims", "{missing}", "--list"])),
        _opt("--json", ["-", "{out}", "{unwritable}", "{dir}"]),
        st.one_of(st.just([]), st.just([]), _opt("--dps", ["-3", "0", "x", "30"])),
        st.one_of(st.just([]), st.just([]), _opt("--jobs", ["0", "-1", "x"])),
    )
    refute = st.tuples(
        st.just(["refute"]),
        st.tuples(st.just("--only"), _mostly(["E1", "SH-1", "u-tc", "u-false", "LC-T2"], CLAIM_IDS)).map(list),
        st.just(["--claims", "{claims}"]) | st.just([]),
        _mostly([["--cases", "1"]], [["--cases", "0"], ["--cases", "-1"], ["--cases", "x"], ["--time", "0"],
                                     ["--time", "-3"], ["--time", "nan"], ["--time", "inf"],
                                     ["--cases", "1", "--time", "1"]]),
        _opt("--seed", ["-1", "0", "3", "x"]),
        st.one_of(st.just([]), st.just([]), _opt("--jobs", ["0", "-1", "x"])),
        st.one_of(st.just([]), st.just([]), _opt("--dask", ["notanaddress", "foo://a:1", "tcp://:99999"])),
        st.one_of(st.just([]), _opt("--jsonl", ["{unwritable}", "{dir}", "{fresh}"])),
        st.one_of(st.just([]), _opt("--resume", ["{missing}", "{law}", "{corrupt}", "{dir}"])),
        _opt("--json", ["-", "{unwritable}", "{dir}", "{out}"]),
        st.sampled_from([[], ["--no-shrink"]]),
    )
    info = st.tuples(st.just(["info"]), _law_args(), st.sampled_from([[], ["--json"], ["--raw"]]))
    law = st.tuples(st.just(["law"]), _law_args(), st.tuples(st.just("--schedule"), st.sampled_from(SPECS)).map(list),
                    st.one_of(st.just([]), _opt("--predictor", PREDICTORS)),
                    st.sampled_from([[], ["--json"]]))
    misc = st.sampled_from([[], ["nosuch"], ["--version"], ["notebooks", "--list"], ["notebooks", "--only", "nosuch"],
                            ["verify", "--hypothesis", "-1"], ["verify", "--hypothesis", "x"],
                            ["refute", "--time"], ["info", "--L"], ["law"]])
    return st.one_of(verify, refute, info, law, misc.map(lambda x: (x,))).map(
        lambda t: [a for part in t for a in part])


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


_FRESH = iter(range(10**9))


def _filled(argv, files):
    fresh = dict(files, fresh=f"{files['dir']}/run{next(_FRESH)}.jsonl")  # a new run file per draw
    return [a.format(**fresh) if "{" in a else a for a in argv]


@FUZZ
@given(_argv())
def test_command_line_never_crashes(files, raw):
    argv = _filled(raw, files)
    code, out, err = _run(argv)
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    errors = [line for line in err.splitlines() if "error" in line.lower()]
    assert len(errors) <= 1, (argv, err)
    if code == 2 and argv and argv[0] in ("info", "law", "refute", "verify") and "--help" not in argv:
        assert len(errors) == 1 or "usage" in err, (argv, err)  # a refusal says why


def test_every_option_value_pool_reaches_the_parser(files):
    """The pools hold good values too: a draw of them succeeds (the fuzz is not all refusals)."""
    for argv in (["info", "--family", "parity", "--L", "3"], ["law", "--family", "parity", "--L", "3", "--schedule",
                 "semiar:2/1"], ["verify", "--list", "--only", "E1"], ["info", "--law", "{law}", "--raw"],
                 ["refute", "--only", "u-tc", "--claims", "{claims}", "--cases", "1", "--json", "{out}"]):
        code, out, err = _run(_filled(argv, files))
        assert code == 0, (argv, err)
    assert json.loads(open(files["out"]).read())["claims"][0]["id"] == "u-tc"
    code, out, err = _run(_filled(["refute", "--only", "u-false", "--claims", "{claims}", "--cases", "1"], files))
    assert code == 1 and "VIOLATED" in out, err


# --- public functions with bad arrays -------------------------------------------------------
BAD_ARRAYS = st.one_of(
    st.sampled_from([None, {}, {"p": 1}, "0.5", 0.5, 3, [], [[0.5], [0.25, 0.25]], [0.5, "x"], b"ab",
                     np.array([]), np.zeros((0, 0)), np.array([1.0]), np.array([0.5 + 0j, 0.5]),
                     np.array(["0.5", "0.5"]), np.array([True, False]), np.array([0.5, None], dtype=object),
                     np.array([0.5, 0.5], dtype=object), np.full((2, 3), 1 / 6), np.full((2, 2), 0.3),
                     np.array([np.nan, 1.0]), np.array([np.inf, -np.inf]), np.array([-0.5, 1.5]),
                     np.array([Fraction(1, 3), Fraction(1, 3)], dtype=object), np.zeros((2, 2)),
                     np.full((2, 2, 2), 1 / 8), np.full((2, 2), 1 / 4, dtype=np.float16)]),
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=1, max_size=9).map(np.array),
)
SIZES = st.sampled_from([(1, 1), (2,), "14", "", None, (0, 2), (-1, 3), (1.5, 0.5), (True, True), 3, (1, 1, 1),
                         (10**30,), ("a",)])
POSITIONS = st.sampled_from([None, [0], [0, 1], [5], [-1], "01", [[0], []], [True], [0.5], {}, 7, [[0, 1], 2]])

FUNCTIONS = [
    lambda p, s, r: ed.as_law(p),
    lambda p, s, r: ed.sampler_law(p, s),
    lambda p, s, r: ed.expected_kl(p, s),
    lambda p, s, r: ed.mixture_kl(p, s),
    lambda p, s, r: ed.kl(p, p),
    lambda p, s, r: ed.tv(p, np.full((2, 2), 1 / 4)),
    lambda p, s, r: ed.chi2(p, p),
    lambda p, s, r: ed.entropy_profile(p),
    lambda p, s, r: ed.info_curve(p),
    lambda p, s, r: ed.total_correlation(p, r),
    lambda p, s, r: ed.dual_total_correlation(p, r, r),
    lambda p, s, r: ed.mi_sum(p),
    lambda p, s, r: ed.joint_entropy(p),
    lambda p, s, r: ed.subset_entropies(p),
    lambda p, s, r: ed.entropy(p, r, base=s if isinstance(s, (int, str)) else 2),
    lambda p, s, r: ed.mutual_information(p, r, [0]),
    lambda p, s, r: ed.coinformation(p, r if r is not None else [0, 1]),
    lambda p, s, r: ed.o_information(p, r),
    lambda p, s, r: ed.optimal_schedule(p, s if isinstance(s, int) else 2),
]


@settings(max_examples=150, deadline=None, database=None)
@given(BAD_ARRAYS, SIZES, POSITIONS, st.sampled_from(range(len(FUNCTIONS))))
def test_public_functions_raise_value_error_only(p, sizes, rvs, which):
    try:
        FUNCTIONS[which](p, sizes, rvs)
    except ValueError as exc:
        assert str(exc).strip(), "a ValueError needs a message"


GOOD = st.sampled_from([np.full((2, 2), 1 / 4), ed.families.parity(3), ed.families.parity(2).to_float()])


@settings(max_examples=80, deadline=None, database=None)
@given(GOOD, SIZES, POSITIONS, st.sampled_from(range(len(FUNCTIONS))))
def test_public_functions_good_laws_bad_arguments(p, sizes, rvs, which):
    try:
        out = FUNCTIONS[which](p, sizes, rvs)
    except ValueError as exc:
        assert str(exc).strip()
        return
    if isinstance(out, float):
        assert not math.isnan(out)


# --- issue 23: preset specs with every key, caps of every bad kind, law files of wrong types ---
from exactdlm.decoding.specs import PRESETS  # noqa: E402

#: values every preset key is drawn from besides its good ones: huge, NaN, negative, fractional...
BAD_VALUES = ["1000000000", "99999999999999999999", "150000", "nan", "NaN", "inf", "-inf", "-1", "0", "1/2",
              "2.5", "1e400", "x", "1/0", "true"]
GOOD_VALUES = {"steps": ["1", "2", "4", "6"], "block": ["1", "2"], "T": ["0", "1", "1/2"], "alg_temp": ["0", "1/2"],
               "eps": ["1/1000", "1/10"], "threshold": ["1/2", "0.9", "1"]}
GOOD_VALUES.update({"gamma": ["0", "1/2", "1"], "factor": ["1", "1/2"], "base": ["2", "3"], "skip": ["1", "2"],
                    "top_p": ["1", "0.9"], "top_k": ["0", "2"], "eta": ["0", "1/10"], "t_on": ["0.55", "0.7"],
                    "t_off": ["0.05", "0.2"], "alpha_on": ["0.9", "0.6"]})  # issue 21's presets
BAD_CAPS = ["nan", "inf", "-inf", "-1", "x", "1e400", "", "0x1"]
#: law files whose fields have wrong types or sizes
BAD_LAW_FILES = {"l_float": {"L": 2.7, "V": 2, "p": [0.25] * 4}, "l_bool": {"L": True, "V": 2, "p": [0.5, 0.5]},
                 "l_huge": {"L": 1e12, "V": 2, "p": []}, "l_big": {"L": 20000, "V": 2, "p": []},
                 "v_str": {"L": 1, "V": "2", "p": [0.5, 0.5]}, "p_bool": {"L": 1, "V": 2, "p": [True, False]},
                 "p_dict": {"L": 1, "V": 2, "p": {"0": 1}}, "exact_str": {"L": 1, "V": 2, "p": [0.5, 0.5], "exact": "no"},
                 "neg": {"L": 1, "V": 2, "p": [1.5, -0.5]}, "nan": {"L": 1, "V": 2, "p": ["nan", "1/2"]},
                 "list": [1, 2, 3], "null": None}


def _preset_spec():
    def one(name):
        keys = PRESETS[name]
        items = []
        for key, (kind, default) in keys.items():
            good = list(kind) if isinstance(kind, tuple) else GOOD_VALUES[key]
            value = _mostly(good, BAD_VALUES + (["nosuch"] if isinstance(kind, tuple) else []))
            required = default is None
            items.append(st.tuples(st.just(key), value) if required else
                         st.one_of(st.none(), st.tuples(st.just(key), value)))
        return st.tuples(*items).map(
            lambda kv: name + ":" + ",".join(f"{k}={v}" for k, v in (x for x in kv if x is not None)))

    return st.sampled_from(sorted(PRESETS)).flatmap(one)


@pytest.fixture(scope="module")
def law_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("badlaws")
    out = {}
    for name, data in BAD_LAW_FILES.items():
        (d / f"{name}.json").write_text(json.dumps(data))
        out[name] = str(d / f"{name}.json")
    return out


@contextlib.contextmanager
def _environ(env):
    """The environment variables ``env`` set for the block, restored after (hypothesis tests cannot
    take pytest's function-scoped monkeypatch)."""
    import os

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_capped(argv, env):
    with _environ(env):
        return _run(argv)


def _check_draw(argv, code, err):
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    errors = [line for line in err.splitlines() if "error" in line.lower()]
    assert len(errors) <= 1, (argv, err)
    if code == 2:
        assert len(errors) == 1, (argv, err)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(_preset_spec(), st.sampled_from(["2", "3", "4"]), st.sampled_from(["", "--json"]),
       st.sampled_from([None, "1", "0"] + BAD_CAPS))
def test_preset_specs_every_key_every_bad_value(spec, L, js, cap):
    """Each draw ends quickly (the time cap is 2 s for the draw: a guard that misses a long run
    makes this test slow), with exit 0/1/2, no traceback, at most one error line."""
    argv = ["law", "--family", "noisy_repetition", "--L", L, "--param", "eta=1/10", "--schedule", spec]
    argv += [js] if js else []
    argv += [f"--max-seconds={cap}"] if cap not in (None, "0", "1") else []
    code, out, err = _run_capped(argv, {"EXACTDLM_TIME_CAP": "2" if cap in (None, "0") else "1"})
    _check_draw(argv, code, err)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["EXACTDLM_TIME_CAP", "EXACTDLM_MEMORY_CAP", "--max-seconds"]), st.sampled_from(BAD_CAPS),
       st.sampled_from([["info", "--family", "parity", "--L", "2"], ["verify", "--list"],
                        ["law", "--family", "parity", "--L", "2", "--schedule", "llada:steps=2"],
                        ["refute", "--only", "E1", "--cases", "1"]]),
       st.sampled_from(list(BAD_LAW_FILES) + [None]))
def test_caps_of_every_bad_kind_and_bad_law_files(law_files, where, cap, argv, bad_law):
    argv = list(argv)
    if bad_law and argv[0] in ("info", "law"):
        argv[1:5] = ["--law", law_files[bad_law]]
    env = {}
    if where == "--max-seconds":
        argv = [f"--max-seconds={cap}", *argv]
    else:
        env[where] = cap
    code, out, err = _run_capped(argv, env)
    _check_draw(argv, code, err)
    if cap.strip() not in ("",) or where == "--max-seconds":
        assert code == 2 and where in err, (argv, where, cap, err)


PRESET_CLASS_VALUES = st.sampled_from([math.nan, math.inf, -math.inf, -1, 0, 0.5, 2.7, 10**12, True, None, "x",
                                       "1/2", Fraction(1, 2), 1, 4, np.float64("nan"), np.int64(2)])


@settings(max_examples=80, deadline=None, database=None)
@given(st.sampled_from(["LLaDA", "Dream", "FastDLLM", "MDLM"]), st.sampled_from(["L", "steps", "block", "T", "alg_temp",
                                                                                  "eps", "threshold"]),
       PRESET_CLASS_VALUES)
def test_preset_classes_bad_values_are_value_errors(cls, key, value):
    import dataclasses

    from exactdlm import adaptive

    klass = getattr(adaptive, cls)
    base = {"LLaDA": dict(L=2, steps=2, block=2), "Dream": dict(L=2, steps=2), "FastDLLM": dict(L=2, threshold=Fraction(1, 2), block=2),
            "MDLM": dict(L=2, steps=2)}[cls]
    if key not in {f.name for f in dataclasses.fields(klass)}:
        return
    kwargs = dict(base, **{key: value})
    try:
        rule = klass(**kwargs)
    except ValueError as exc:
        assert str(exc).strip() and "integer ratio" not in str(exc)
        return
    with _environ({"EXACTDLM_TIME_CAP": "2"}):
        try:
            rule.law(ed.families.noisy_repetition(rule.L, Fraction(1, 10)))
        except ValueError as exc:
            assert str(exc).strip()


@settings(max_examples=60, deadline=None, database=None)
@given(st.sampled_from(list(BAD_LAW_FILES.values())))
def test_law_json_wrong_types_are_value_errors(data):
    with pytest.raises(ValueError) as info:
        ed.JointLaw.from_json(data)
    assert str(info.value).strip()


@settings(max_examples=60, deadline=None, database=None)
@given(_preset_spec(), st.sampled_from([2, 3, 4]), st.sampled_from(["uniform", "lowest", "nosuch"]))
def test_output_law_preset_specs_value_errors_only(spec, L, ties):
    """The API twin of the command-line draw: a law or a ValueError (time cap 2 s per draw)."""
    with _environ({"EXACTDLM_TIME_CAP": "2"}):
        try:
            q = ed.output_law(ed.families.noisy_repetition(L, Fraction(1, 10)), spec, ties=ties)
            assert q.shape == (2,) * L and abs(float(sum(q.reshape(-1))) - 1) < 1e-9
        except ValueError as exc:
            assert str(exc).strip()
