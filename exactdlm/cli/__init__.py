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

from ..laws.budget import parse_cap
from ._checks import check_caps, check_output_paths

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


def _run_options() -> argparse.ArgumentParser:
    """Options of every command, accepted before or after its name (``laws.budget``)."""
    opts = argparse.ArgumentParser(add_help=False)
    opts.add_argument("--max-seconds", type=str, default=argparse.SUPPRESS, metavar="N",
                      help="refuse computations estimated over N seconds (default: EXACTDLM_TIME_CAP or 300; 0 = no cap)")
    bar = opts.add_mutually_exclusive_group()
    bar.add_argument("--quiet", action="store_true", default=argparse.SUPPRESS, help="never show a progress bar")
    bar.add_argument("--progress", action="store_true", default=argparse.SUPPRESS,
                     help="show progress bars on stderr even when it is not a terminal")
    return opts


def _run_environment(args) -> dict:
    """The environment settings (``laws.budget``) the run options ask for."""
    env = {}
    if getattr(args, "max_seconds", None) is not None:
        env["EXACTDLM_TIME_CAP"] = repr(parse_cap(args.max_seconds, "--max-seconds"))
    if getattr(args, "quiet", False):
        env["EXACTDLM_PROGRESS"] = "0"
    elif getattr(args, "progress", False):
        env["EXACTDLM_PROGRESS"] = "1"
    return env


def build_parser() -> argparse.ArgumentParser:
    opts = _run_options()
    parser = _Parser(prog="exactdlm", description="Exact laws and certified checks for masked diffusion samplers.",
                     parents=[opts])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for mod in _command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP, parents=[opts])
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    saved = {}
    try:
        check_output_paths(args)
        for key, value in _run_environment(args).items():  # for this run only
            saved[key] = os.environ.get(key)
            os.environ[key] = value
        check_caps()
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
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
