"""The ``exactdlm`` command line: the top layer. It may import anything; nothing in the package imports it.

Each subcommand lives in its own module of this package defining
``NAME`` (str), ``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> int``.
Bad usage and bad input (``ValueError``) print one line on stderr and exit 2, with rationals
as ``3/7``; every output path (``--json``, ``--jsonl``) is checked for writability before any
work. A closed stdout (``exactdlm verify --list | head``) ends the program quietly with exit
status 1 (Python's convention for a broken pipe).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import re
import sys

from .. import cli as commands
from ._checks import check_output_paths

_FRACTION = re.compile(r"Fraction\((-?\d+), (\d+)\)")


def _one_line(exc) -> str:
    """An error as one line, rationals as ``p/q`` (not ``Fraction(p, q)``)."""
    msg = " ".join(str(exc).split())
    return _FRACTION.sub(lambda m: m.group(1) if m.group(2) == "1" else f"{m.group(1)}/{m.group(2)}", msg)


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the exit flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a descriptor (captured)
        pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, no usage dump
        sys.stderr.write(f"exactdlm: error: {message}\n")
        raise SystemExit(2)


def _command_modules():
    mods = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "NAME") and hasattr(mod, "run"):
            mods.append(mod)
    return mods


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="exactdlm", description="Exact laws and certified checks for masked diffusion samplers.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        check_output_paths(args)
        code = int(args._run(args) or 0)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return 1
    except ValueError as exc:
        sys.stderr.write(f"exactdlm {args.command}: error: {_one_line(exc)}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("exactdlm: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
