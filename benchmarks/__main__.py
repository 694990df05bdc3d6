"""Run the benchmark cases and record medians (see ``benchmarks/__init__.py``)."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def _modules(only_module):
    for path in sorted(HERE.glob("bench_*.py")):
        if only_module and only_module not in path.stem:
            continue
        yield importlib.import_module(f"benchmarks.{path.stem}")


def _time(case, repeat):
    if case.setup:
        case.setup()
    case.fn()  # warm-up: JIT compiles and caches are not timed
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        case.fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


#: optional packages the benchmark baselines need, and the extra that installs them
EXTRAS = {"dit": "test"}


def main(argv=None) -> int:
    try:
        for name in EXTRAS:  # before any case runs
            importlib.import_module(name)
        return _main(argv)
    except ModuleNotFoundError as exc:
        if exc.name not in EXTRAS:
            raise
        sys.stderr.write(f"python -m benchmarks: error: the baselines need {exc.name}, which is not installed; "
                         f"install it with pip install 'exactdlm[{EXTRAS[exc.name]}]'\n")
        return 2


def _main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks")
    ap.add_argument("--module", help="only bench_*.py files whose name contains this")
    ap.add_argument("--only", help="only cases whose name contains this")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-save", action="store_true")
    args = ap.parse_args(argv)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    machine = f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    medians = {}
    print(f"{'case':58s} {'median s':>10s} {'vs baseline':>14s}  goal")
    for mod in _modules(args.module):
        for case in mod.cases():
            if args.only and args.only not in case.name:
                continue
            med, times = _time(case, case.repeat or args.repeat)
            medians[case.name] = med
            ratio = ""
            base = medians.get(case.baseline) or results.get(case.baseline, {}).get("median_s")
            if case.baseline and base:
                ratio = f"{base / med:,.1f}x faster"
            print(f"{case.name:58s} {med:10.4f} {ratio:>14s}  {case.goal}", flush=True)
            results[case.name] = {
                "median_s": med,
                "runs": len(times),
                "baseline": case.baseline,
                "speedup_vs_baseline": (base / med) if (case.baseline and base) else None,
                "goal": case.goal,
                "machine": machine,
                "date": time.strftime("%Y-%m-%d"),
                **case.info,
            }
    if not args.no_save:
        RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
