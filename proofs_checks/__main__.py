"""``python -m proofs_checks [--json OUT] [--only THEME ...]``: the table of constants and closed forms.

Runs every theme's derivations (the same functions the tests assert) and prints one row per
checked constant or closed form: id (docs/theory.md row), constant, claimed, derived, 50-digit
value, status. Exit status 1 when a row is FAILED, else 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import lru_cache

from . import closed_forms, geometric, lc_constants, lz, worst_case, zc
from . import deff
from .table import format_table, write_json

THEMES = {
    "closed_forms": closed_forms,
    "lc": lc_constants,
    "geometric": geometric,
    "wc": worst_case,
    "zc": zc,
    "lz": lz,
}
THEMES["deff"] = deff  # DHW-Deff / DHW-sup (issue 21)


@lru_cache(maxsize=None)
def _theme_rows(name: str) -> tuple:
    return tuple(THEMES[name].rows())


def collect(themes=None) -> list[dict]:
    """The table rows of the given themes (all by default), in a fixed order."""
    names = list(THEMES) if themes is None else list(themes)
    unknown = [n for n in names if n not in THEMES]
    if unknown:
        raise ValueError(f"unknown theme(s) {unknown}; choose from {list(THEMES)}")
    names = [n for n in THEMES if n in names]
    return [dict(r) for n in names for r in _theme_rows(n)]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m proofs_checks",
        description="Check the constants and closed forms of docs/theory.md §5-§6 (sympy, exact sweeps, "
        "50-digit mpmath) and print one table: constant, claimed, derived, 50-digit value, status.")
    add_arguments(p)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", metavar="OUT", help="also write the table as JSON to OUT")
    p.add_argument("--only", metavar="THEME", nargs="+", choices=list(THEMES),
                   help=f"run only these themes ({', '.join(THEMES)})")


def run(json_out=None, only=None, stream=None) -> int:
    stream = stream or sys.stdout
    start = time.perf_counter()
    rows = collect(only)
    stream.write(format_table(rows) + "\n")
    stream.write(f"({len(rows)} rows in {time.perf_counter() - start:.1f} s)\n")
    if json_out:
        write_json(rows, json_out)
        stream.write(f"wrote {json_out}\n")
    return 1 if any(r["status"] == "FAILED" for r in rows) else 0


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return run(args.json, args.only)


if __name__ == "__main__":
    sys.exit(main())
