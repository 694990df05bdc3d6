"""Worker processes that exit when their parent dies (``verify --jobs N``, ``refute --jobs N``).

A pool's workers are spawned children; when the parent is killed (``kill -9``) nothing tells
them, and they (and multiprocessing's resource tracker, which lives while they hold its pipe)
would run on. :func:`watch_parent`, called first in each worker, ends the worker at once when
its parent goes: on Linux through ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, and everywhere through a
daemon thread that polls the parent's pid every :data:`POLL_SECONDS`.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

#: seconds between two checks of the parent's pid
POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


def _death_signal() -> None:
    """Ask Linux to send SIGKILL to this process when its parent exits (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no libc or no prctl: the polling thread still watches
        pass


def watch_parent(parent: int | None = None) -> None:
    """End this process when ``parent`` (default: the current parent) is gone."""
    parent = os.getppid() if parent is None else parent
    _death_signal()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def poll():
        while True:
            time.sleep(POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=poll, name="exactdlm-parent-watch", daemon=True).start()
