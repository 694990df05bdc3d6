"""Checks every subcommand gets from ``main`` before it does any work.

``check_output_paths``: each output file named on the command line (``--json OUT``,
``--jsonl FILE``; ``-`` is stdout) must be writable *before* a run that may take minutes:
an existing file writable and not a directory, a new file's directory existing and writable.
Nothing is created here (``--jsonl`` is opened and locked by the run itself).
"""

from __future__ import annotations

import os
import sys

#: argument names whose string value is a path the command will write
OUTPUT_ARGS = ("json", "jsonl")


def check_writable(path: str, flag: str) -> None:
    """Raise a ``ValueError`` naming ``flag`` when ``path`` cannot be written."""
    if os.path.isdir(path):
        raise ValueError(f"{flag} {path!r} is a directory; give a file name")
    if os.path.exists(path):
        if not os.access(path, os.W_OK):
            raise ValueError(f"{flag} {path!r} is not writable; give a file you can write")
        return
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ValueError(f"{flag} {path!r}: the directory {parent!r} does not exist; create it or give another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"{flag} {path!r}: the directory {parent!r} is not writable; give another path")


def write_output(path: str, text: str, flag: str = "--json") -> None:
    """Write ``text`` (plus a newline) to ``path``, ``-`` meaning stdout; a failure is a ``ValueError``."""
    if path == "-":
        sys.stdout.write(text + "\n")
        return
    try:
        with open(path, "w") as fh:
            fh.write(text + "\n")
    except OSError as exc:
        raise ValueError(f"cannot write {flag} {path}: {exc.strerror}") from None


def check_caps() -> None:
    """Read the time and memory caps once before any work: a bad ``EXACTDLM_TIME_CAP`` or
    ``EXACTDLM_MEMORY_CAP`` is then one error line even for a command that never reaches a guard."""
    from ..laws.budget import time_cap
    from ..laws.joint import memory_cap

    time_cap()
    memory_cap()


def check_output_paths(args) -> None:
    for name in OUTPUT_ARGS:
        value = getattr(args, name, None)
        if isinstance(value, str) and value != "-":
            check_writable(value, "--" + name)
