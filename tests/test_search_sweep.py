"""Sweep machinery: executors (inline, local processes, Dask), JSONL log, resume reading, progress."""

import io
import json
import math
import time

import pytest

from exactdlm.search.sweep import (
    DaskExecutor,
    InlineExecutor,
    JsonlLog,
    LocalExecutor,
    Progress,
    make_executor,
    read_records,
)


def test_inline_executor_runs_in_order_and_stops():
    ex = InlineExecutor()
    assert list(ex.run(math.factorial, range(5))) == [(i, math.factorial(i)) for i in range(5)]
    calls = []
    out = list(ex.run(math.factorial, range(10), should_stop=lambda: len(calls.append(1) or calls) > 3))
    assert len(out) == 3


def test_local_executor_two_workers():
    ex = LocalExecutor(2)
    try:
        out = dict(ex.run(math.factorial, range(12)))
        assert out == {i: math.factorial(i) for i in range(12)}
        assert len(ex.worker_pids()) == 2
    finally:
        ex.close()


def test_local_executor_stop_leaves_no_case_half_done():
    ex = LocalExecutor(2)
    try:
        got = []
        for case, res in ex.run(math.factorial, range(1000), should_stop=lambda: len(got) >= 5):
            got.append((case, res))
        # submission stopped; every case that was in flight still finished and was yielded
        assert 5 <= len(got) <= 5 + 4
        assert all(res == math.factorial(case) for case, res in got)
    finally:
        ex.close()


def test_make_executor():
    assert isinstance(make_executor(1), InlineExecutor)
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError, match="--jobs"):
            make_executor(bad)


# --- Dask ------------------------------------------------------------------------------------


def test_dask_executor_on_a_local_cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        ex = DaskExecutor(cluster.scheduler_address, timeout=10)
        try:
            assert ex.workers == 1
            out = dict(ex.run(math.factorial, range(8)))
            assert out == {i: math.factorial(i) for i in range(8)}
        finally:
            ex.close()


def test_dask_unreachable_address_fails_fast():
    t0 = time.monotonic()
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1.0)
    assert time.monotonic() - t0 < 15


# --- JSONL ----------------------------------------------------------------------------------
def test_jsonl_log_appends_and_reads_back(tmp_path):
    path = tmp_path / "run.jsonl"
    log = JsonlLog(path)
    log.write({"type": "case", "index": 0})
    log.write({"type": "case", "index": 1})
    log.close()
    log = JsonlLog(path)  # reopening appends
    log.write({"type": "case", "index": 2})
    log.close()
    assert [r["index"] for r in read_records(path)] == [0, 1, 2]
    assert path.read_text().count("\n") == 3


def test_read_records_drops_an_interrupted_last_line(tmp_path, capsys):
    path = tmp_path / "run.jsonl"
    path.write_text('{"type": "case", "index": 0}\n{"type": "case", "ind')
    recs = read_records(path)
    assert recs == [{"type": "case", "index": 0}]
    assert path.read_text() == '{"type": "case", "index": 0}\n'  # ready for appends
    assert "line 2" in capsys.readouterr().err


def test_read_records_corrupt_line_names_it_and_keeps_the_file(tmp_path):
    path = tmp_path / "run.jsonl"
    text = '{"type": "run", "seed": 0}\n{"type": "case", "index": 0}\nnot json\n{"type": "case", "index": 1}\n'
    path.write_text(text)
    with pytest.raises(ValueError, match="line 3 is not valid JSON"):
        read_records(path)
    assert path.read_text() == text
    path.write_text('{"type": "run"}\n[1, 2]\n')
    with pytest.raises(ValueError, match="line 2 is not a result record"):
        read_records(path)
    path.write_bytes(b'{"type": "run"}\n\xff\xfe\n')
    with pytest.raises(ValueError, match="line 2"):
        read_records(path)


def test_read_records_missing_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_records(tmp_path / "nope.jsonl")


def test_read_records_skips_blank_lines(tmp_path):
    path = tmp_path / "run.jsonl"
    path.write_text('{"type": "a"}\n\n{"type": "b"}\n')
    assert [r["type"] for r in read_records(path)] == ["a", "b"]


# --- progress --------------------------------------------------------------------------------
class _Tty(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self._tty = tty

    def isatty(self):
        return self._tty


def test_progress_only_on_a_terminal():
    quiet = _Tty(False)
    p = Progress(stream=quiet)
    p.update("working", force=True)
    p.done()
    assert quiet.getvalue() == ""
    loud = _Tty(True)
    p = Progress(stream=loud)
    p.update("working 1", force=True)
    p.update("working 2", force=True)
    p.done()
    out = loud.getvalue()
    assert "\rworking 1" in out and "\rworking 2" in out and out.endswith("\r")


def test_records_are_json_lines(tmp_path):
    path = tmp_path / "x.jsonl"
    log = JsonlLog(path)
    log.write({"type": "case", "b": 1, "a": [1, 2]})
    log.close()
    assert json.loads(path.read_text()) == {"type": "case", "a": [1, 2], "b": 1}
