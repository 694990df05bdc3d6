"""``exactdlm notebooks``: regenerate every notebook figure from a clone of the repository.

Each ``notebooks/<name>.py`` (jupytext py:percent; ``_*.py`` are helpers) is run as a script
with the current Python, from the ``notebooks/`` directory found under the current directory.
It writes its PNG figures and a ``<name>.json`` of the headline numbers it printed to
``notebooks/figures/`` (or ``--figures DIR``). ``--small`` sets ``SMALL=1``: the reduced
sizes the tests use (the whole set in about a minute). Exit 0 when every notebook ran, 1 when
one failed (its last lines of stderr are shown), 2 on bad usage.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

NAME = "notebooks"
HELP = "regenerate the notebook figures (run from a clone: needs ./notebooks)"


def add_arguments(parser) -> None:
    parser.add_argument("--small", action="store_true", help="reduced sizes (SMALL=1), as in the tests")
    parser.add_argument("--only", metavar="NAME", action="append", default=[],
                        help="run only this notebook (file name without .py; repeatable)")
    parser.add_argument("--figures", metavar="DIR", help="write figures and JSON here instead of notebooks/figures")
    parser.add_argument("--list", action="store_true", help="list the notebooks and exit")


def find_notebooks(root: Path | None = None) -> tuple[Path, list[str]]:
    """The ``notebooks/`` directory under ``root`` (default: the current directory) and its
    notebook names, in file-name order."""
    root = Path.cwd() if root is None else Path(root)
    nb_dir = root / "notebooks"
    if not (nb_dir / "_common.py").is_file():
        raise ValueError(
            f"no notebooks/ directory (with _common.py) under {root}; run `exactdlm notebooks` from the "
            "root of a clone of the exactdlm repository (git clone, then cd into it)"
        )
    names = sorted(p.stem for p in nb_dir.glob("*.py") if not p.name.startswith("_"))
    return nb_dir, names


def _select(names: list[str], only: list[str]) -> list[str]:
    if not only:
        return names
    chosen = []
    for item in only:
        name = item[:-3] if item.endswith(".py") else item
        if name not in names:
            raise ValueError(f"--only {item!r} is not a notebook; choose from {', '.join(names)}")
        if name not in chosen:
            chosen.append(name)
    return chosen


def _check_extras() -> None:
    import importlib.util

    missing = [m for m in ("matplotlib",) if importlib.util.find_spec(m) is None]
    if missing:
        raise ValueError(
            f"the notebooks need {', '.join(missing)}, which is not installed; install the extra with "
            "pip install 'exactdlm[notebooks]'"
        )


def run(args) -> int:
    nb_dir, names = find_notebooks()
    if args.list:
        print("\n".join(names))
        return 0
    chosen = _select(names, args.only)
    _check_extras()
    env = dict(os.environ, MPLBACKEND="Agg")
    if args.small:
        env["SMALL"] = "1"
    else:
        env.pop("SMALL", None)
    if args.figures:
        fig_dir = Path(args.figures).resolve()
        try:
            fig_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"cannot create --figures {args.figures!r}: {exc.strerror}; give a writable directory") from None
        env["EXACTDLM_FIGURES_DIR"] = str(fig_dir)
    else:
        env.pop("EXACTDLM_FIGURES_DIR", None)
        fig_dir = nb_dir / "figures"
    failed = []
    for name in chosen:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, f"{name}.py"], cwd=nb_dir, env=env, capture_output=True, text=True)
        took = time.perf_counter() - start
        if proc.returncode == 0:
            print(f"{name}: ok ({took:.1f} s)")
        else:
            failed.append(name)
            tail = "\n    ".join(proc.stderr.strip().splitlines()[-8:])
            print(f"{name}: FAILED (exit {proc.returncode}, {took:.1f} s)\n    {tail}")
        sys.stdout.flush()
    print(f"figures in {fig_dir}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0
