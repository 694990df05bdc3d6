"""``exactdlm proofs [--json OUT] [--only THEME ...]``: run ``proofs_checks`` from a clone.

``proofs_checks/`` (sympy and mpmath checks of the docs/theory.md §5-§6 constants) lives beside
the package in the repository, not inside it; this command runs its table when the current
directory is the root of a clone, and otherwise says how to get there.
"""

from __future__ import annotations

import importlib
import os
import sys

NAME = "proofs"
HELP = "check the constants and closed forms of docs/theory.md §5-§6 (sympy, 50-digit mpmath); run from a clone"

THEMES = ("closed_forms", "lc", "geometric", "wc", "zc", "lz")
THEMES += ("deff",)  # D_eff on the rays (issue 21)


def add_arguments(parser) -> None:
    parser.add_argument("--json", metavar="OUT", help="also write the table as JSON to OUT")
    parser.add_argument("--only", metavar="THEME", nargs="+", choices=THEMES,
                        help=f"run only these themes ({', '.join(THEMES)})")


def _import_from_cwd():
    cwd = os.getcwd()
    if not os.path.isfile(os.path.join(cwd, "proofs_checks", "__main__.py")):
        raise ValueError(
            f"proofs_checks/ is not in the current directory ({cwd}); run `exactdlm proofs` (or "
            "`python -m proofs_checks`) from the root of a clone of the exactdlm repository"
        )
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    mod = importlib.import_module("proofs_checks.__main__")
    where = os.path.dirname(os.path.abspath(mod.__file__))
    if os.path.dirname(where) != os.path.abspath(cwd):
        raise ValueError(
            f"imported proofs_checks from {where}, not from the current directory {cwd}; "
            "run from the root of the clone whose checks you mean"
        )
    return mod


def run(args) -> int:
    mod = _import_from_cwd()
    return mod.run(args.json, args.only)
