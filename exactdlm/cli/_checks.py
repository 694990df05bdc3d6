"""Checks every subcommand gets from ``main`` before it does any work, and its JSON output.

``check_output_paths``: each output file named on the command line (``--json OUT``,
``--jsonl FILE``) must be writable *before* a run that may take minutes. It is checked by
opening it for appending (permissions alone say nothing for root, or on ``/proc``); a file
this check created is removed again. ``--json -`` is stdout; ``--jsonl -`` is refused (the
JSONL run file is locked and read back by ``--resume``, so it must be a file).

``json_text``: JSON as the commands write it. Non-finite floats (an infinite KL) are written
as the strings ``"inf"``, ``"-inf"`` and ``"nan"``, never as the bare ``Infinity`` that is
not JSON.
"""

from __future__ import annotations

import errno
import json
import os
import sys

from ..search.sweep import finite_floats as _finite

#: argument names whose string value is a path the command will write
OUTPUT_ARGS = ("json", "jsonl")


def check_writable(path: str, flag: str) -> None:
    """Raise a ``ValueError`` naming ``flag`` when ``path`` cannot be opened for writing."""
    if os.path.isdir(path):
        raise ValueError(f"{flag} {path!r} is a directory; give a file name")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ValueError(f"{flag} {path!r}: the directory {parent!r} does not exist; create it or give another path")
    existed = os.path.lexists(path)
    try:  # non-blocking: a FIFO without a reader fails at once instead of hanging
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o666)
    except OSError as exc:
        why = "a FIFO with no reader" if exc.errno == errno.ENXIO else exc.strerror
        raise ValueError(f"{flag} {path!r} cannot be written ({why}); give a file you can write") from None
    os.close(fd)
    if not existed:
        try:
            os.unlink(path)
        except OSError:
            pass


def json_text(obj, **kwargs) -> str:
    """``json.dumps`` with non-finite floats as strings (see the module docstring); objects JSON
    cannot hold are written with ``str``."""
    return json.dumps(_finite(obj), allow_nan=False, default=lambda o: _finite(_plain(o)), **kwargs)


def _plain(o):
    """A value JSON cannot hold as itself: numpy numbers as Python numbers, anything else as text."""
    if hasattr(o, "item") and callable(o.item):
        try:
            return o.item()
        except (TypeError, ValueError):
            pass
    return str(o)


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
        if name == "jsonl" and value == "-":
            raise ValueError("--jsonl needs a file (the run file is locked and read back by --resume); "
                             "'-' is not one: give a path, or use --json - for the results on stdout")
        if isinstance(value, str) and value != "-":
            check_writable(value, "--" + name)
