"""``exactdlm verify``: check every claim of the catalogue (and user claims) on a built-in suite.

Every per-law claim is first tried on the profile cone (docs/theory.md §8): where it goes
through, it is decided for every law of each length of the suite's range, exactly. Prints a
table (claim id, source, cases, verdict, scope — ``all laws L=1..1024``, ``mixed ... + N laws``,
``suite (N laws)``, ``witness`` —, certified, worst ratio lhs/rhs, minimum slack), the first
counterexample of each violated claim (for a ray: its MDS / repeated-symbol / parity law, both
sides exact, and a dense law ``exactdlm law --law`` reads), the reasons behind verdicts other
than holds (including the floats read as decimals), and the claims' figures. Exit status: 0 when
no claim is violated or raised (``consistent-float`` included), 1 when one is (with ``--strict``:
also when any verdict is not certified), 2 for bad usage (one line on stderr).
"""

from __future__ import annotations

import math
import os
import sys

from ._checks import json_text, write_output
from ..claims import ClaimError, catalogue, catalogue_ids, load_claims_file
from ..claims import report as rpt
from ..claims import runner
from ..search.adversary import (DEFAULT_CASES, DEFAULT_SECONDS, FALLBACK_CASES, check_cases, check_seconds,
                                search_lines, search_sampled)
from ..suites import DEFAULT_SUITE, SUITES, get_suite

NAME = "verify"
HELP = "check the claims catalogue (and your own claims) on a suite of laws and schedules, with certified verdicts"

#: default maximum precision of the certified comparisons, in bits (about 1233 decimal digits)
DEFAULT_MAX_PREC = 4096


def add_arguments(parser) -> None:
    parser.add_argument("--suite", choices=SUITES, default=DEFAULT_SUITE,
                        help=f"built-in suite of laws and schedules (default {DEFAULT_SUITE})")
    parser.add_argument("--claims", metavar="FILE.py", action="extend", nargs="+", default=[],
                        help="Python files of @exactdlm.claims.claim functions to check too")
    parser.add_argument("--only", metavar="ID", action="extend", nargs="+", default=[],
                        help="check only these claim ids (catalogue or user)")
    parser.add_argument("--json", metavar="OUT", help="write the report as JSON to OUT ('-' for stdout)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument("--dps", type=int, default=None, metavar="N",
                        help="maximum decimal digits of the certified comparisons before a verdict is "
                             f"'undecided' (default {math.ceil(DEFAULT_MAX_PREC * math.log10(2))})")
    parser.add_argument("--list", action="store_true", help="list the claims (id, source, statement) and exit")
    parser.add_argument("--no-figures", action="store_true", help="do not print the claims' figures")
    parser.add_argument("--hypothesis", type=int, default=None, metavar="N",
                        help="also run N hypothesis examples per claim over exactdlm.strategies (certified)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the --hypothesis run and the directed search (default 0)")
    parser.add_argument("--search-cases", type=int, default=None, metavar="N",
                        help="search cases (seeded batches of candidate laws, the same on every machine) of the "
                             "directed refute search per sampled claim before its 'holds' stands (default by suite: "
                             + ", ".join(f"{k} {v}" for k, v in DEFAULT_CASES.items()) + "; 0 turns it off)")
    parser.add_argument("--search-seconds", type=float, default=None, metavar="S",
                        help="outer time cap of the directed search per claim; a search it cuts short is reported "
                             "(default by suite: " + ", ".join(f"{k} {v:g}" for k, v in DEFAULT_SECONDS.items())
                             + f"; 0 turns the search off; given alone on a suite without search: {FALLBACK_CASES} cases)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 unless every verdict is certified (consistent-float, undecided, uncertified "
                             "counterexamples and cut-short searches fail the run)")


def _max_prec(dps) -> int:
    if dps is None:
        return DEFAULT_MAX_PREC
    if dps < 20:
        raise ValueError(f"--dps must be at least 20 decimal digits, got {dps}")
    return max(64, math.ceil(dps * math.log2(10)))


def select_claims(files, only) -> list:
    """Catalogue plus the claims of ``files``, restricted to ``only`` (unknown ids: ValueError)."""
    claims = list(catalogue())
    for path in dict.fromkeys(os.path.abspath(f) for f in files):  # a file named twice is loaded once
        claims += load_claims_file(path)
    ids = [c.id for c in claims]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ClaimError(f"claim id(s) {', '.join(dup)} defined in more than one claims file; rename one")
    if only:
        unknown = [i for i in only if i not in ids]
        if unknown:
            raise ClaimError(f"unknown claim id(s) {', '.join(unknown)} in --only; valid ids: {', '.join(ids)}")
        claims = [c for c in claims if c.id in set(only)]
    return claims


def _progress():
    if not sys.stderr.isatty():
        return None

    def show(done, total):
        width = 30
        fill = int(width * done / total) if total else width
        sys.stderr.write(f"\rverifying [{'#' * fill}{'.' * (width - fill)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\r" + " " * (width + 30) + "\r")
        sys.stderr.flush()

    return show


def run(args) -> int:
    if args.jobs < 1:
        raise ValueError(f"--jobs must be a positive integer, got {args.jobs}")
    max_prec = _max_prec(args.dps)
    claims = select_claims(args.claims, args.only)
    if args.list:
        for c in claims:
            print(f"{c.id:10s} {c.source:8s} {c.statement}")
        return 0
    suite = get_suite(args.suite)
    if args.hypothesis is not None and args.hypothesis <= 0:
        raise ValueError(f"--hypothesis needs a positive number of examples, got {args.hypothesis}")
    cases, seconds = search_budget(args)
    report = runner.run(claims, suite, jobs=args.jobs, max_prec=max_prec, progress=_progress())
    search_sampled(report, cases=cases, seconds=seconds, seed=args.seed)
    out = sys.stderr if args.json == "-" else sys.stdout  # JSON on stdout: the table goes to stderr
    print(rpt.render(report, show_figures=not args.no_figures), file=out)
    searched = search_lines(report)
    if searched:
        print("\n" + searched, file=out)
    for r in report.results:
        if r.verdict == "violated" and r.search and r.search["found"]:
            print("\n" + r.reason, file=out)
    hyp = None
    if args.hypothesis is not None:  # property run on top of the suite (exactdlm.search)
        from ..search import format_hypothesis, run_hypothesis

        hyp = run_hypothesis(claims, args.hypothesis, seed=args.seed)
        print("\n" + format_hypothesis(hyp), file=out)
    if args.json:
        data = report.to_json()
        if hyp is not None:
            data["hypothesis"] = hyp
        write_output(args.json, json_text(data, indent=1))
    hyp_failed = hyp is not None and any(h["verdict"] in ("violated", "error") for h in hyp)
    if args.strict:
        weak = strict_failures(report)
        if weak:
            print("\n--strict: not every verdict is certified:\n" + "\n".join(f"  {w}" for w in weak), file=out)
            return 1
    return 1 if report.failed or hyp_failed else 0


#: verdicts that pass --strict when certified (incomplete: a claim the catalogue cannot state yet)
_STRICT_OK = ("holds", "not-applicable", "incomplete")


def strict_failures(report) -> list[str]:
    """Why ``--strict`` fails the run: one line per claim whose verdict is not certified (a float
    comparison, an undecided one, an uncertified counterexample, an error, a cut-short search)."""
    out = []
    for r in report.results:
        if r.verdict == "violated" and r.certified:
            out.append(f"{r.claim.id}: violated (certified)")
        elif r.verdict not in _STRICT_OK:
            out.append(f"{r.claim.id}: {r.verdict}" + (" (uncertified)" if r.verdict == "violated" else ""))
        elif r.verdict == "holds" and not r.certified:
            out.append(f"{r.claim.id}: holds but not certified")
        elif r.search and r.search.get("cut_short"):
            out.append(f"{r.claim.id}: its directed search was cut short by the time cap")
    return out


def search_budget(args) -> tuple[int, float]:
    """``(cases, seconds)`` of the directed search from ``--search-cases``/``--search-seconds`` and the suite."""
    seconds = check_seconds(DEFAULT_SECONDS.get(args.suite, 60.0) if args.search_seconds is None else args.search_seconds)
    if args.search_seconds is not None and seconds == 0:
        return 0, 0.0  # --search-seconds 0 turns the search off
    if args.search_cases is not None:
        return check_cases(args.search_cases), seconds
    cases = DEFAULT_CASES.get(args.suite, 0)
    if cases == 0 and args.search_seconds is not None:
        cases = FALLBACK_CASES
    return cases, seconds


__all__ = ["NAME", "HELP", "add_arguments", "run", "select_claims", "catalogue_ids"]
