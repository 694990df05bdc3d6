"""Counterexample search: ``exactdlm refute`` and ``exactdlm verify --hypothesis`` (issue 6).

For each claim with ``sides(law, sizes)`` the search runs the deterministic sequence of
cases of :mod:`exactdlm.search.cases` (family grid, random rational laws, local search on the
simplex, hypothesis with ``target()``) until a certified violation turns up, the time budget
runs out or ``max_cases`` cases are done. A violation is then shrunk
(:mod:`exactdlm.search.shrink`) and certified (:mod:`exactdlm.search.cert`).

Determinism: case ``i`` of a claim is fixed by ``(seed, claim id, i)``; the counterexample
reported is the one of the *lowest-index* violating case, found after every earlier case has
finished, so for a given seed the result does not depend on timing or on the number of jobs
as long as it is found within the budget (only how many cases fit in the time can vary).

Time: ``time_budget`` seconds are shared by the claims searched; each gets the remaining
time divided by the claims still to search (time a claim leaves unused passes on). Shrinking
runs to completion after the search of its claim.

Run files. A ``jsonl`` file starts with a header record ``{"type": "run", ...}`` holding the
record version, the seed, the claims (id -> a hash of their definition's source, see
:func:`claim_fingerprint`) and the search settings. ``resume`` refuses a file without a
header, with more than one, or whose version, seed, claims or ``shrink`` setting differ
from this run's, naming each difference; the budgets (time, cases, jobs) may differ, since
case ``i`` is fixed by the seed, the claim and ``i`` alone. A new ``jsonl`` file must be empty
or absent (a run is continued with ``resume``), so the records of two runs never mix; a file
is locked while a run writes it (:class:`~exactdlm.search.sweep.RunFileLock`).
Every record is JSON: a non-finite float (an infinite worst ratio) is written as ``"inf"``,
``"-inf"`` or ``"nan"`` (:func:`~exactdlm.search.sweep.finite_floats`, the ``--json`` convention);
files of older versions holding the bare ``Infinity`` still resume.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import math
import os
import re
import time
from dataclasses import dataclass, field

from .cases import make_case, run_case
from .targets import ClaimShapeError, check_claim, claim_id, searchable, unsearchable_reason
from .sweep import JsonlLog, Progress, RunFileLock, WorkerLost, make_executor, read_records

RECORD_VERSION = 2

#: header settings a resumed run must share (the budgets may change)
_MATCHED_SETTINGS = ("shrink",)
_CLAIM_PARTS = ("sides", "applies", "schedule_checks", "case_checks", "global_checks")


def _source_text(fn) -> str:
    """Source of a callable, stable across processes (no memory addresses)."""
    if isinstance(fn, functools.partial):
        return _source_text(fn.func) + repr(fn.args) + repr(sorted(fn.keywords.items()))
    try:
        text = inspect.getsource(fn)
    except (OSError, TypeError):
        code = getattr(fn, "__code__", None)
        text = (code.co_code.hex() + repr(code.co_consts)) if code is not None else getattr(
            fn, "__qualname__", type(fn).__qualname__)
    cells = getattr(fn, "__closure__", None) or ()
    for cell in cells:  # a factory's functions share one source: their captured values differ
        try:
            v = cell.cell_contents
        except ValueError:
            continue
        if isinstance(v, (int, float, str, tuple, frozenset)) or type(v).__name__ == "Fraction":
            text += "|" + repr(v)
    return re.sub(r" at 0x[0-9a-f]+", "", text)


def claim_fingerprint(claim) -> str:
    """A short hash of a claim's definition: its id, kind, statement and the source of its
    functions (``sides``, ``applies``, the check functions; a bare function's own source)."""
    parts = [claim_id(claim), str(getattr(claim, "kind", "le")), str(getattr(claim, "statement", ""))]
    fns = [getattr(claim, a) for a in _CLAIM_PARTS if callable(getattr(claim, a, None))]
    if not fns and callable(claim):
        fns = [claim]
    parts += [_source_text(f) for f in fns]
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()[:16]


def run_header(claims, *, seed, shrink, time_budget, max_cases, jobs, dask, decide=None) -> dict:
    """The header record of a run file (see the module docstring). ``decide``: the last length of
    the decision stage (None when it is off); informational, since the stage is deterministic and
    its results are not case records (older files without it resume as before)."""
    return {"type": "run", "version": RECORD_VERSION, "seed": seed,
            "claims": {claim_id(c): claim_fingerprint(c) for c in claims},
            "settings": {"shrink": bool(shrink), "time_budget": time_budget, "max_cases": max_cases,
                         "jobs": jobs, "dask": dask is not None, "decide": decide},
            "pid": os.getpid()}


def header_differences(old: dict, new: dict) -> list[str]:
    """What differs between the header ``old`` of a run file and this run's ``new``."""
    diffs = []
    for key in ("version", "seed"):
        if old.get(key) != new[key]:
            diffs.append(f"{key} {old.get(key)} (this run: {new[key]})")
    oc, nc = old.get("claims"), new["claims"]
    if not isinstance(oc, dict):
        diffs.append("no claims recorded (written by an older exactdlm)")
    else:
        added, missing = [c for c in nc if c not in oc], [c for c in oc if c not in nc]
        changed = [c for c in nc if c in oc and oc[c] != nc[c]]
        if added:
            diffs.append(f"claims not in the file: {', '.join(added)}")
        if missing:
            diffs.append(f"claims of the file not in this run: {', '.join(missing)}")
        if changed:
            diffs.append(f"claims whose source changed: {', '.join(changed)}")
    os_, ns = old.get("settings") or {}, new["settings"]
    for key in _MATCHED_SETTINGS:
        if os_.get(key) != ns[key]:
            diffs.append(f"{key} {os_.get(key)} (this run: {ns[key]})")
    return diffs


# ----------------------------------------------------------------------------------------
# claims: the catalogue and user files, resolvable by id in worker processes
# ----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _claims_table(files: tuple) -> dict:
    from .. import claims as C

    table = {c.id: c for c in C.catalogue()}
    for f in files:
        for c in C.load_claims_file(f):
            table[c.id] = c
    return table


def _claim_file(claim, files: tuple):
    """The user file that defines ``claim`` (None for catalogue claims)."""
    origin = getattr(claim, "origin", None)
    if isinstance(origin, str) and os.path.isfile(origin):
        return origin
    from .. import claims as C

    for f in reversed(files):
        if any(c.id == claim_id(claim) for c in C.load_claims_file(f)):
            return f
    return None


def _run_task(task: dict) -> dict:
    """Worker entry point: resolve the claim by id, run the case."""
    try:
        claim = _claims_table(tuple(task["files"]))[task["case"]["claim"]]
    except Exception as exc:  # noqa: BLE001 - reported in one line by the main process
        raise ValueError(f"a worker could not load claim {task['case']['claim']!r}: "
                         f"{type(exc).__name__}: {exc}") from None
    return run_case(claim, task["case"])


# ----------------------------------------------------------------------------------------
# results
# ----------------------------------------------------------------------------------------
@dataclass
class ClaimResult:
    """What the search found for one claim."""

    id: str
    found: bool
    examples_tried: int
    seconds: float
    cases: int = 0
    worst_ratio: float | None = None
    counterexample: dict | None = None
    note: str | None = None
    error: str | None = None
    uncertified: int = 0
    undecided: int = 0
    shrink_steps: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "found": self.found,
            "examples_tried": self.examples_tried,
            "seconds": round(self.seconds, 3),
            "cases": self.cases,
            "worst_ratio": self.worst_ratio,
            "counterexample": self.counterexample,
            "note": self.note,
            "error": self.error,
            "uncertified": self.uncertified,
            "undecided": self.undecided,
            "shrink_steps": self.shrink_steps,
        }

    @classmethod
    def from_json(cls, d: dict) -> "ClaimResult":
        keys = cls.__dataclass_fields__
        d = {k: v for k, v in d.items() if k in keys}
        if isinstance(d.get("worst_ratio"), str):  # "inf" / "-inf" / "nan" (sweep.finite_floats); old files: a float
            d["worst_ratio"] = float(d["worst_ratio"])
        return cls(**d)


def report_json(results) -> dict:
    """``{"claims": [...]}`` as in the issue (plus cases, worst ratio, notes)."""
    return {"claims": [r.to_json() for r in results]}


def _worst(recs, kind_is_ge: bool):
    vals = [float(r["worst_ratio"]) for r in recs if r.get("worst_ratio") is not None]  # "inf" reads too
    if not vals:
        return None
    return min(vals) if kind_is_ge else max(vals)


# ----------------------------------------------------------------------------------------
# the search
# ----------------------------------------------------------------------------------------
def _check_budgets(time_budget, max_cases):
    if time_budget is None and max_cases is None:
        raise ValueError("give a time budget (--time SECONDS) or a case budget (--cases N)")
    if time_budget is not None:
        if isinstance(time_budget, bool) or not isinstance(time_budget, (int, float)) or not (time_budget > 0) \
                or not math.isfinite(time_budget):
            raise ValueError(f"the time budget must be a positive number of seconds, got {time_budget!r}")
    if max_cases is not None:
        if isinstance(max_cases, bool) or not isinstance(max_cases, int) or max_cases <= 0:
            raise ValueError(f"the case budget must be a positive integer, got {max_cases!r}")


def _first_violation(recs: dict):
    hits = [i for i, r in recs.items() if r.get("violation")]
    return min(hits) if hits else None


def _first_error(recs: dict):
    errs = [i for i, r in recs.items() if r.get("error")]
    return min(errs) if errs else None


def _search_one(claim, *, seed, deadline, max_cases, executor, files, inline, log, recs, progress):
    cid = claim_id(claim)

    def stop_at():
        v = _first_violation(recs)
        e = _first_error(recs)
        cands = [x for x in (v, e) if x is not None]
        return min(cands) if cands else None

    def tasks():
        i = 0
        while True:
            if max_cases is not None and i >= max_cases:
                return
            s = stop_at()
            if s is not None and i > s:
                return
            if i not in recs:
                case = make_case(cid, i, seed)
                yield case if inline else {"case": case, "files": list(files)}
            i += 1

    def should_stop():
        return deadline is not None and time.monotonic() > deadline

    fn = (lambda case: run_case(claim, case)) if inline else _run_task
    for task, rec in executor.run(fn, tasks(), should_stop):
        recs[rec["index"]] = rec
        if log is not None:
            log.write(rec)
        progress.update(
            f"refute {cid}: {len(recs)} cases, {sum(r['examples'] for r in recs.values())} examples"
            + (" - violation found" if _first_violation(recs) is not None else "")
        )


def _result_from_records(claim, recs: dict, seconds: float, files, do_shrink: bool) -> ClaimResult:
    from ..laws import JointLaw
    from .cert import certificate
    from .shrink import shrink

    cid = claim_id(claim)
    kind_ge = getattr(claim, "kind", "le") in ("ge", "gt")
    v, e = _first_violation(recs), _first_error(recs)
    done_before = lambda k: all(i in recs for i in range(k))  # noqa: E731
    res = ClaimResult(id=cid, found=False, examples_tried=0, seconds=seconds, cases=len(recs),
                      uncertified=sum(r.get("uncertified", 0) for r in recs.values()),
                      undecided=sum(r.get("undecided", 0) for r in recs.values()))
    # cases before the first hit that never ran (time ran out on a resumed run with gaps):
    # the hit is reported, but it may not be the canonical lowest-index one
    gaps = lambda k: "" if done_before(k) else "; earlier cases did not run: resume for the canonical result"  # noqa: E731
    before = lambda k: [recs[i] for i in range(k) if i in recs]  # noqa: E731
    if e is not None and (v is None or e < v):
        res.error = recs[e]["error"]
        res.examples_tried = sum(r["examples"] for r in before(e + 1))
        res.worst_ratio = _worst(before(e + 1), kind_ge)
        res.note = f"the claim raised on case {e}; search stopped" + gaps(e)
        return res
    if v is not None:
        viol = recs[v]["violation"]
        res.found = True
        res.examples_tried = sum(r["examples"] for r in before(v)) + viol["examples_before"] + 1
        res.worst_ratio = _worst(before(v + 1), kind_ge)
        law = JointLaw.from_json(viol["law"])
        sizes = None if viol["sizes"] is None else tuple(viol["sizes"])
        if do_shrink:
            law, sizes, steps = shrink(claim, law, sizes)
            res.shrink_steps = [[name, list(cx)] for name, cx in steps]
        res.counterexample = certificate(claim, law, sizes, claims_file=_claim_file(claim, files))
        res.counterexample["found_by"] = viol.get("origin")
        res.note = f"found in case {v} ({recs[v]['stage']})" + gaps(v)
        return res
    res.examples_tried = sum(r["examples"] for r in recs.values())
    res.worst_ratio = _worst(list(recs.values()), kind_ge)
    return res


def refute(claims, *, seed: int = 0, time_budget: float | None = 60.0, max_cases: int | None = None,
           jobs: int = 1, dask: str | None = None, dask_timeout: float = 10.0, jsonl=None, resume=None,
           claims_files=(), shrink: bool = True, progress: bool | None = None,
           decide: bool = True) -> list[ClaimResult]:
    """Search for certified counterexamples to each claim (see the module docstring).

    ``claims``: claim objects (``id``, ``kind``, ``sides``; e.g. from :mod:`exactdlm.claims`).
    ``claims_files``: the user files they came from (worker processes load claims by id from
    the catalogue and these files, so ``jobs > 1`` and ``dask`` need every claim in one of
    them). ``jsonl``: append every finished case to this file; ``resume``: a JSONL file of an
    earlier run with the same seed, whose finished cases and claims are reused (new records
    are appended to it unless ``jsonl`` names another file). ``decide``: first decide each
    per-law claim for every law at short lengths (:mod:`exactdlm.search.decided`): a confirmed
    counterexample from the cone or the Shannon LP is reported (``stage``) and that claim is not
    searched; a decided range is stated in the note and the search goes on.
    """
    _check_budgets(time_budget, max_cases)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    claims = list(claims)
    files = tuple(os.path.abspath(os.fspath(f)) for f in claims_files)
    ids = [claim_id(c) for c in claims]
    if len(set(ids)) != len(ids):
        raise ValueError(f"claim ids must be distinct, got {ids}")

    from .decided import DECIDE_L

    header = run_header(claims, seed=seed, shrink=shrink, time_budget=time_budget, max_cases=max_cases,
                        jobs=jobs, dask=dask, decide=DECIDE_L if decide else None)
    out_path = jsonl if jsonl is not None else resume
    if resume is not None and not os.path.exists(os.fspath(resume)):
        read_records(resume)  # the message of a missing file
    log = JsonlLog(out_path) if out_path is not None else None  # locked from here on
    locks = [log] if log is not None else []
    try:
        if resume is not None and (log is None or os.path.abspath(os.fspath(resume)) != os.path.abspath(log.path)):
            locks.append(RunFileLock(resume, "r"))
        head = None
        if resume is None and log is not None and not log.is_empty():
            raise ValueError(
                f"--jsonl file {log.path!r} already holds the records of a run; continue it with --resume "
                f"{log.path}, or give a new file"
            )
        records = read_records(resume) if resume is not None else []
        if resume is not None:
            head = _resume_header(records, header, os.fspath(resume))
        if log is not None and resume is not None and os.path.abspath(os.fspath(resume)) != os.path.abspath(log.path) \
                and not log.is_empty():
            raise ValueError(f"--jsonl file {log.path!r} is not empty; give a new file to copy the resumed run to")
    except BaseException:
        for lk in locks:
            lk.close()
        raise
    done = {r["id"]: r for r in records if r["type"] == "claim" and "id" in r}
    case_recs: dict[str, dict[int, dict]] = {}
    for r in records:
        if r["type"] == "case":
            case_recs.setdefault(r["claim"], {})[int(r["index"])] = r

    inline = dask is None and jobs == 1
    try:
        executor = make_executor(jobs, dask, dask_timeout)
    except BaseException:
        for lk in locks:
            lk.close()
        raise
    if not inline:
        table = _claims_table(files)
        missing = [cid for cid in ids if cid not in table]
        if missing:
            executor.close()
            for lk in locks:
                lk.close()
            raise ValueError(
                f"claims {missing} are neither in the catalogue nor in the claims files, so worker "
                "processes cannot load them; put them in a file passed with --claims, or use --jobs 1"
            )

    prog = Progress(progress)
    results = []
    try:
        if log is not None and log.is_empty():
            log.write(head if head is not None else header)
        start = time.monotonic()
        total_deadline = None if time_budget is None else start + time_budget
        remaining = sum(1 for c in claims if claim_id(c) not in done and searchable(c))
        for claim in claims:
            cid = claim_id(claim)
            if cid in done:
                results.append(ClaimResult.from_json(done[cid]))
                continue
            t0 = time.monotonic()
            dec = _decided(claim, files, prog) if decide else None
            if dec is not None and dec.found or dec is not None and dec.error:
                if searchable(claim):
                    remaining -= 1
                dec.seconds = time.monotonic() - t0
                res = dec
            elif not searchable(claim):
                res = ClaimResult(id=cid, found=False, examples_tried=0, seconds=time.monotonic() - t0,
                                  note=f"not searchable: {unsearchable_reason(claim)}")
                if dec is not None and dec.note:
                    res.note = f"{dec.note}; {res.note}"
            else:
                deadline = None
                if total_deadline is not None:
                    deadline = t0 + max(0.0, total_deadline - t0) / max(1, remaining)
                remaining -= 1
                recs = case_recs.setdefault(cid, {})
                _search_one(claim, seed=seed, deadline=deadline, max_cases=max_cases, executor=executor,
                            files=files, inline=inline, log=log, recs=recs, progress=prog)
                res = _result_from_records(claim, recs, time.monotonic() - t0, files, shrink)
                if dec is not None and dec.note:
                    res.note = dec.note + (f"; {res.note}" if res.note else "")
            results.append(res)
            if log is not None:
                log.write({"type": "claim", **res.to_json()})
    except WorkerLost as exc:
        where = f"; the finished cases are in {out_path}: rerun with --resume {out_path}" if out_path else ""
        raise ValueError(f"a worker process died ({exc}){where}") from None
    finally:
        prog.done()
        executor.close()
        for lk in locks:
            lk.close()
    return results


def _decided(claim, files, prog) -> ClaimResult | None:
    """The decision stage's result for ``claim`` (:mod:`exactdlm.search.decided`) as a
    :class:`ClaimResult`: found (a confirmed, certified counterexample of the cone or the Shannon LP,
    ``stage`` in it), an error (the claim raised), or only a note (a decided range, or why a
    violation could not be confirmed); None when nothing was decided."""
    from .cert import certificate
    from .decided import decide_claim
    from .targets import per_schedule

    cid = claim_id(claim)
    prog.update(f"refute {cid}: deciding for every law at short lengths (cone, Shannon LP)")
    d = decide_claim(claim)
    if d.outcome == "error":
        _check_shape_at(claim, d.error_L)  # a claim of the wrong shape is bad input (exit 2), not an error verdict
        return ClaimResult(id=cid, found=False, examples_tried=0, seconds=d.seconds, error=d.error,
                           note=f"the claim raised in the decision stage, {d.where}; not searched")
    if d.outcome == "counterexample":
        # not shrunk: the decision scans L upward, so its law is at the smallest violating length and
        # is an extremal law (a cone ray's MDS law, a linear code such as XOR), which shrinking would
        # trade for a less telling law of the same size
        law, sizes, steps = d.law, (d.sizes if per_schedule(claim) else None), []
        cert = certificate(claim, law, sizes, claims_file=_claim_file(claim, files))
        if cert["outcome"] == "violated" and cert["certified"]:
            cx = d.counterexample
            cert["stage"] = d.stage
            cert["found_by"] = f"decided: {cx.get('case')}"
            cert["decided"] = {k: cx[k] for k in ("case", "L", "ray_law", "linear_law", "claim_form", "recheck",
                                                  "lhs", "rhs") if k in cx}
            cert["decided"]["law"] = cx.get("law")
            L = cx.get("L") or cert["law"]["L"]
            return ClaimResult(id=cid, found=True, examples_tried=1, seconds=d.seconds, counterexample=cert,
                               shrink_steps=steps,
                               note=f"decided by the {d.stage} stage at L={L} (re-checked on the law); not searched")
        d.note = f"the {d.stage} stage's law did not give a certified certificate ({cert['outcome']}); searching laws"
    if d.note is None:
        return None
    return ClaimResult(id=cid, found=False, examples_tried=0, seconds=d.seconds, note=d.note)


def _check_shape_at(claim, L) -> None:
    """Raise :class:`ClaimShapeError` when ``claim`` returns something other than a pair on the
    uniform binary law of length ``L`` (the search's own check); any other exception is the
    decision stage's error verdict and is left to it."""
    from fractions import Fraction

    from ..laws import families as fam
    from .targets import LawTarget, items, per_schedule

    if L is None:
        return
    law = fam.iid(int(L), [Fraction(1, 2), Fraction(1, 2)])
    try:
        list(items(claim, LawTarget(law), (int(L),) if per_schedule(claim) else None))
    except ClaimShapeError:
        raise
    except Exception:  # noqa: BLE001 - the claim's own error: reported by the decision stage
        pass


def _resume_header(records, header: dict, path: str) -> dict:
    """The header of a resumed run file, checked against this run's (module docstring)."""
    heads = [r for r in records if r["type"] == "run"]
    if not heads:
        raise ValueError(
            f"resume file {path!r} has no header record (seed, claims, settings), so it cannot be checked "
            "against this run; start a new file with --jsonl"
        )
    strip = lambda h: {k: v for k, v in h.items() if k not in ("pid", "type") and k != "settings"} | {  # noqa: E731
        "settings": {k: (h.get("settings") or {}).get(k) for k in _MATCHED_SETTINGS}}
    if any(strip(h) != strip(heads[0]) for h in heads[1:]):
        raise ValueError(
            f"resume file {path!r} holds the records of {len(heads)} different runs (several headers); "
            "it cannot be resumed: start a new file with --jsonl"
        )
    diffs = header_differences(heads[0], header)
    if diffs:
        seed_hint = f"; pass --seed {heads[0].get('seed')} to resume it" if any(d.startswith("seed") for d in diffs) else ""
        raise ValueError(
            f"resume file {path!r} was written by another run: {'; '.join(diffs)}{seed_hint}"
        )
    return heads[0]


# ----------------------------------------------------------------------------------------
# property runs for `exactdlm verify --hypothesis N`
# ----------------------------------------------------------------------------------------
def hypothesis_pairs(max_L: int = 4):
    """The ``(law, sizes)`` strategy of property runs: exact laws (full and sparse support)
    and the structured families, every composition of ``L``."""
    from hypothesis import strategies as st

    from .. import strategies as eds

    law_strategy = st.one_of(
        eds.laws(L=(1, max_L), V=(2, 3), support="full", max_denominator=12),
        eds.laws(L=(1, max_L), V=(2, 3), support="any", max_denominator=6),
        eds.structured_laws(families=("iid", "repeated_symbol", "parity", "noisy_repetition", "markov_chain",
                                      "hmm", "mds_code", "mixture"), L=(2, max_L)),
    )
    return eds.laws_and_schedules(law_strategy=law_strategy)


def run_hypothesis(claims, n: int, seed: int = 0, max_L: int = 4) -> list[dict]:
    """Run ``n`` hypothesis examples per claim, every comparison decided by ``compare_sides``
    (certified on the exact laws the strategies draw). Returns one dict per claim:
    ``{"id", "examples", "verdict", "certified", "worst_ratio", "min_slack", "counterexample",
    "error", "reason"}``; verdict ``holds`` / ``violated`` / ``undecided`` / ``error`` /
    ``not-applicable`` (nothing to search, or no example the claim applies to).

    Claims whose sides are per law and schedule see each drawn ``(law, sizes)``; claims that
    pick their own schedules see each drawn law."""
    from hypothesis import HealthCheck, Phase, given, settings, target

    from hypothesis import seed as hseed
    from ..laws import JointLaw
    from .targets import LawTarget, _objective, decide, items, per_schedule, to_float

    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        raise ValueError(f"--hypothesis needs a positive number of examples, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    pairs = hypothesis_pairs(max_L)
    out = []
    for claim in claims:
        entry = {"id": claim_id(claim), "examples": 0, "verdict": "not-applicable", "certified": False,
                 "worst_ratio": None, "min_slack": None, "counterexample": None, "error": None,
                 "reason": unsearchable_reason(claim)}
        out.append(entry)
        if entry["reason"] is not None:
            continue
        with_sizes = per_schedule(claim)
        state = {"certified_all": True, "undecided": 0}

        @hseed(seed)
        @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate, Phase.target],
                  suppress_health_check=list(HealthCheck))
        @given(pairs)
        def prop(pair):
            if entry["counterexample"] is not None or entry["error"] is not None:
                return
            law, sizes = pair
            sizes = sizes if with_sizes else None
            try:
                decided = [(it, *decide(it.lhs, it.rhs, it.kind)) for it in items(claim, LawTarget(law), sizes)]
            except ClaimShapeError:
                raise
            except Exception as exc:  # a raising claim: verdict error, the run goes on
                entry["error"] = f"{type(exc).__name__}: {exc}"
                return
            if not decided:
                return
            entry["examples"] += 1
            target(max(-1e6, min(1e6, max(_objective(to_float(it.lhs), to_float(it.rhs), it.kind)
                                          for it, _, _ in decided))), label="objective")
            for it, outcome, cmp in decided:
                state["certified_all"] &= bool(cmp.certified)
                if it.kind == claim.kind and cmp.ratio is not None and it.kind != "eq":
                    w = entry["worst_ratio"]
                    if w is None or (cmp.ratio < w if it.kind == "ge" else cmp.ratio > w):
                        entry["worst_ratio"] = cmp.ratio
                if entry["min_slack"] is None or cmp.slack < entry["min_slack"]:
                    entry["min_slack"] = cmp.slack
                if outcome == "undecided":
                    state["undecided"] += 1
                if outcome == "violated" and entry["counterexample"] is None:
                    entry["counterexample"] = {
                        "law": JointLaw.to_json(law), "sizes": None if it.sizes is None else list(it.sizes),
                        "lhs": cmp.lhs_exact or repr(cmp.lhs), "rhs": cmp.rhs_exact or repr(cmp.rhs),
                        "check": it.label or None, "certified": bool(cmp.certified)}

        prop()
        if entry["error"] is not None:
            entry["verdict"] = "error"
        elif entry["counterexample"] is not None:
            entry["verdict"] = "violated"
            entry["certified"] = entry["counterexample"]["certified"]
        elif entry["examples"] == 0:
            entry["reason"] = "no drawn example met the claim's hypotheses"
        elif state["undecided"]:
            entry["verdict"] = "undecided"
        else:
            entry["verdict"] = "holds"
            entry["certified"] = state["certified_all"]
    return out


def format_hypothesis(results) -> str:
    """The table of :func:`run_hypothesis` results (one line per claim), then each violation."""

    def num(x):
        return "-" if x is None else f"{float(x) + 0.0:.4g}"  # + 0.0: no "-0"

    rows = [("claim", "examples", "verdict", "certified", "worst ratio", "min slack", "note")]
    for e in results:
        note = f"error: {e['error']}" if e.get("error") else (e.get("reason") or "")
        rows.append((e["id"], str(e["examples"]), e["verdict"], "yes" if e["certified"] else "no",
                     num(e["worst_ratio"]), num(e["min_slack"]), note))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["property run (hypothesis examples, exactdlm.strategies):"]
    lines += [("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1]).rstrip() for r in rows]
    for e in results:
        ce = e.get("counterexample")
        if ce:
            law = ce["law"]
            lines.append(f"counterexample to {e['id']}: L={law['L']}, V={law['V']}, sizes={ce['sizes']}, "
                         f"p={law['p']}; lhs = {ce['lhs']}, rhs = {ce['rhs']}")
    return "\n".join(lines)


__all__ = ["ClaimResult", "check_claim", "format_hypothesis", "hypothesis_pairs", "refute", "report_json",
           "run_hypothesis"]
