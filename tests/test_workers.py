"""``kill -9`` of ``refute --jobs N`` / ``verify --jobs N`` leaves no orphaned worker (issue 23)."""

import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads the process table from /proc")


def _children(pid: int) -> set[int]:
    """Every live process whose parent is ``pid`` (from /proc)."""
    out = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(int(name))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("argv", [
    ["refute", "--jobs", "2", "--time", "120", "--no-shrink"],
    ["verify", "--suite", "quick", "--jobs", "2"],
], ids=["refute", "verify"])
def test_kill_9_of_the_parent_leaves_no_worker(argv):
    env = dict(os.environ, EXACTDLM_PROGRESS="0")
    parent = subprocess.Popen([sys.executable, "-m", "exactdlm", *argv], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        kids: set[int] = set()
        while time.monotonic() < deadline and len(kids) < 3:  # two workers and the resource tracker
            time.sleep(0.2)
            kids |= _children(parent.pid)
            assert parent.poll() is None, "the run ended before its workers could be seen"
        assert len(kids) >= 2, f"no workers seen: {kids}"
        time.sleep(1.0)  # the workers are past their start-up
        kids |= _children(parent.pid)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and any(_alive(k) for k in kids):
            time.sleep(0.2)
        left = [k for k in kids if _alive(k)]
        assert not left, f"orphans after kill -9 of the parent: {left}"
    finally:
        if parent.poll() is None:
            parent.kill()
        for k in _children(parent.pid):
            os.kill(k, signal.SIGKILL)
