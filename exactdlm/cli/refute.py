"""``exactdlm refute``: search for certified counterexamples to claims (issue 6).

Which claims: the claims of the ``--claims`` files when given, else every catalogue claim the
search can attack; ``--only ID ...`` picks ids among both. Exit 0 when no violation was found
and no claim raised, 1 when a violation was found or a claim raised (a NaN side counts as
raising), 2 on bad usage.
"""

from __future__ import annotations

import math
import sys
from ._checks import json_text, write_output

NAME = "refute"
HELP = "search for the smallest exact law and schedule that break a claim, with a certificate"


def add_arguments(p) -> None:
    p.add_argument("--claims", metavar="FILE.py", action="extend", nargs="+", default=[],
                   help="Python files of @claim functions; without it the catalogue is searched")
    p.add_argument("--only", metavar="ID", nargs="+", default=None, help="search only these claim ids")
    p.add_argument("--seed", type=int, default=0, help="seed of the search (default 0)")
    p.add_argument("--time", type=float, default=None, metavar="SECONDS",
                   help="total time budget shared by the claims (default 60 s unless --cases is given)")
    p.add_argument("--cases", type=int, default=None, metavar="N",
                   help="at most N cases per claim (a budget independent of the machine's speed)")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="send cases to this Dask scheduler (e.g. tcp://host:8786) instead of local workers")
    p.add_argument("--dask-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="how long to wait for the Dask scheduler (default 10 s)")
    p.add_argument("--jsonl", metavar="FILE", default=None,
                   help="write every finished case to this new JSONL file (locked while the run writes it)")
    p.add_argument("--resume", metavar="FILE", default=None,
                   help="reuse the finished cases of this JSONL file and append to it; its header must match "
                        "this run (seed, claims and their source, --no-shrink)")
    p.add_argument("--json", metavar="OUT", default=None,
                   help="write the results as JSON to OUT ('-' for stdout; the table then goes to stderr)")
    p.add_argument("--no-shrink", action="store_true", help="report counterexamples as found, unshrunk")
    p.add_argument("--no-decide", action="store_true",
                   help="skip the decision stage (cone, Shannon LP at L <= 5) that runs before the law search")


def _select(args):
    from ..claims import catalogue, load_claims_file

    file_claims = []
    for f in args.claims:
        file_claims.extend(load_claims_file(f))
    cat = catalogue()
    if args.only is None:
        return file_claims if args.claims else [c for c in cat if _searchable(c)]
    by_id = {c.id: c for c in cat}
    by_id.update({c.id: c for c in file_claims})
    unknown = [i for i in args.only if i not in by_id]
    if unknown:
        raise ValueError(f"unknown claim ids {unknown}; valid ids: {', '.join(by_id)}")
    return [by_id[i] for i in dict.fromkeys(args.only)]


def _searchable(c) -> bool:
    from ..search.targets import searchable

    return searchable(c)


def _fmt_ratio(r) -> str:
    return "-" if r is None else f"{float(r):.4g}"


def table(results) -> str:
    rows = [("claim", "found", "examples", "cases", "seconds", "worst ratio", "note")]
    for r in results:
        note = r.error and f"error: {r.error}" or r.note or ""
        rows.append((r.id, "VIOLATED" if r.found else "no", str(r.examples_tried), str(r.cases),
                     f"{r.seconds:.1f}", _fmt_ratio(r.worst_ratio), note))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    return "\n".join(line.rstrip() for line in lines)


#: seconds a case takes at the least (a small law, one schedule, both sides): the floor of the
#: estimate of a search bounded by --cases alone
CASE_SECONDS = 0.005


def _check_search_time(time_budget, cases, n_claims: int) -> None:
    """The search's time before it starts (``laws.budget.check_time``): its ``--time`` budget,
    or at least ``--cases`` cases per claim at :data:`CASE_SECONDS` each."""
    from ..laws.budget import check_time

    if time_budget is not None:
        check_time(time_budget, f"the search with --time {time_budget:g}", "give a smaller --time")
    else:
        check_time(CASE_SECONDS * cases * n_claims,
                   f"the search of {n_claims} claims with --cases {cases:,} (at least {CASE_SECONDS} s a case)",
                   "give fewer --cases or a --time budget")


def run(args) -> int:
    from ..search import refute, report_json
    from ..search.cert import format_certificate

    if args.time is not None and not (math.isfinite(args.time) and args.time > 0):
        raise ValueError(f"--time must be a positive finite number of seconds, got {args.time}")
    if not (math.isfinite(args.dask_timeout) and args.dask_timeout > 0):
        raise ValueError(f"--dask-timeout must be a positive finite number of seconds, got {args.dask_timeout}")
    if args.cases is not None and args.cases <= 0:
        raise ValueError(f"--cases must be a positive integer, got {args.cases}")
    if args.jobs < 1:
        raise ValueError(f"--jobs must be a positive integer, got {args.jobs}")
    time_budget = args.time if args.time is not None else (None if args.cases is not None else 60.0)
    claims = _select(args)
    if not claims:
        raise ValueError("no claims to search; pass --claims FILE.py or --only ID")
    _check_search_time(time_budget, args.cases, len(claims))
    results = refute(claims, seed=args.seed, time_budget=time_budget, max_cases=args.cases, jobs=args.jobs,
                     dask=args.dask, dask_timeout=args.dask_timeout, jsonl=args.jsonl, resume=args.resume,
                     claims_files=args.claims, shrink=not args.no_shrink,
                     decide=not args.no_decide)
    out = sys.stderr if args.json == "-" else sys.stdout
    print(table(results), file=out)
    for r in results:
        if r.found:
            print(file=out)
            print(format_certificate(r.id, r.counterexample), file=out)
            print("  reproduce with:", file=out)
            print("    " + r.counterexample["snippet"].rstrip().replace("\n", "\n    "), file=out)
    if args.json:
        write_output(args.json, json_text(report_json(results), indent=2))
    sys.stdout.flush()
    return 1 if any(r.found or r.error for r in results) else 0
