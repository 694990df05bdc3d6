"""Text rendering of a verification report: the verdict table, counterexamples, figures."""

from __future__ import annotations

import json
import math
import re

_ROW_KEYS = 4  # columns of a sequence figure shown in the text report (all of them go to the JSON)
_COLUMNS = ("claim", "source", "cases", "verdict", "scope", "certified", "worst ratio", "min slack")


def _num(x) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    if x == 0:
        return "0"
    return f"{x:.4g}"


def _certified(r) -> str:
    if r.verdict in ("incomplete", "not-applicable", "error") or r.cases == 0:
        return "-"
    if r.verdict == "violated":
        return "yes" if r.certified else "no (float)"
    if r.certified:
        return "yes"
    if r.uncertified == r.cases:
        return "no (float)"
    return f"{r.cases - r.uncertified}/{r.cases}"


def scope_text(r) -> str:
    """What the verdict covers, from its parts (``runner.scope_parts``): ``all laws L=1..1024`` (the
    profile cone), ``trivial L=1..12`` (decided, but every comparison vacuous), ``rays L=2..1024``
    (global checks decided on the rays), ``+ 66 laws`` (suite laws sampled one by one),
    ``witness``; e.g. ``all laws L=1..1024 + 65 laws``, ``suite (143 laws)``."""
    if r.verdict in ("incomplete", "not-applicable"):
        return "-"
    if r.verdict == "violated" and r.counterexample:  # where it fails, not where it held
        return _fails_at(r)
    parts = getattr(r, "parts", None) or []
    if not parts:
        return _legacy_scope(r)
    out = []
    for p in parts:
        if p["part"] == "decided":
            lo, hi = p["lengths"]
            t = p.get("trivial")
            if t and tuple(t["lengths"]) == (lo, hi):
                out.append(f"trivial L={lo}..{hi}")
            else:
                out.append(f"all laws L={lo}..{hi}")
        elif p["part"] == "rays":
            out.append(f"rays L={p['lengths'][0]}..{p['lengths'][1]}")
    decided = bool(out)
    for p in parts:
        if p["part"] == "sampled" and p["laws"]:
            out.append(f"{p['laws']} laws")
    if any(p["part"] == "witness" for p in parts) and not any(p["part"] == "sampled" and p["laws"] for p in parts):
        out.append("witness")
    if not decided:
        sampled = next((p for p in parts if p["part"] == "sampled" and p["laws"]), None)
        if sampled is not None:
            return f"suite ({sampled['laws']} laws)" + (" + witness" if "witness" in out else "")
        return "witness" if "witness" in out else "suite"
    return " + ".join(out)


def _fails_at(r) -> str:
    """``fails at L=6 (held L=1..5)``: the counterexample's length and the decided lengths before it."""
    cx = r.counterexample
    found = re.search(r"\bL=(\d+)", str(cx.get("case", ""))) or re.search(r'"L": (\d+)', json.dumps(cx.get("law")))
    if not found:
        return "counterexample"
    held = [p["lengths"] for p in getattr(r, "parts", None) or [] if p["part"] == "decided"] or (
        [r.lengths] if r.lengths else [])
    return f"fails at L={found.group(1)}" + (f" (held L={held[0][0]}..{held[0][1]})" if held else "")


def _legacy_scope(r) -> str:
    span = f" L={r.lengths[0]}..{r.lengths[1]}" if r.lengths else ""
    if r.scope == "all laws":
        return f"all laws{span}"
    if r.scope == "mixed":
        return f"mixed{span} + {r.laws} laws"
    if r.scope == "suite":
        return f"suite ({r.laws} laws)" if r.laws else "suite"
    return r.scope


def decided_ranges(report) -> str:
    """The run line's per-claim decided ranges: ``L=1..1024: LC-C1, SH-1; L=2..1024: ZC-TC, ZC-DTC``."""
    groups: dict = {}
    for r in report.results:
        for p in getattr(r, "parts", None) or []:
            if p["part"] == "decided":
                t = p.get("trivial")
                key = f"L={p['lengths'][0]}..{p['lengths'][1]}" + (
                    " (trivial)" if t and t["lengths"] == p["lengths"] else "")
                groups.setdefault(key, []).append(r.claim.id)
    return "; ".join(f"{k}: {', '.join(v)}" for k, v in groups.items())


def table(report) -> str:
    """The verdict table, one row per claim, with a header naming the suite."""
    rows = [_COLUMNS]
    for r in report.results:
        rows.append((r.claim.id, r.claim.source, str(r.cases) if r.cases else "-", r.verdict, scope_text(r),
                     _certified(r), _num(r.worst_ratio), _num(r.min_slack)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    right = {2, 6, 7}

    def fmt(row):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    lines = [fmt(rows[0]), fmt(tuple("-" * w for w in widths))] + [fmt(r) for r in rows[1:]]
    return "\n".join(lines)


def summary(report) -> str:
    counts = {}
    for r in report.results:
        counts[r.verdict] = counts.get(r.verdict, 0) + 1
    parts = ", ".join(f"{n} {v}" for v, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    ranges = decided_ranges(report)
    cone = (f"; decided for every law ({report.cone_seconds:.1f} s on the profile cone, suite range "
            f"L = {report.cone_lengths[0]}..{report.cone_lengths[1]}): {ranges}" if report.cone_lengths and ranges
            else "")
    return (f"suite {report.suite}: {report.n_cases} laws, {len(report.results)} claims ({parts}); "
            f"{report.seconds:.1f} s with {report.jobs} job(s){cone}")


def counterexample(r) -> str:
    """The first counterexample of a violated claim: the exact law (JSON form), the sizes, both sides."""
    cx = r.counterexample
    tag = "certified" if cx.get("certified") else "float, uncertified"
    lines = [f"counterexample to {r.claim.id} ({tag}): {r.claim.statement}"]
    if cx.get("stage"):
        lines.append(f"  found by: the {cx['stage']} (strongest of {r.certified_violations} certified and "
                     f"{r.uncertified_violations} uncertified violation(s) seen)")
    if cx.get("check"):
        lines.append(f"  check: {cx['check']}")
    if cx.get("case"):
        lines.append(f"  case:  {cx['case']}")
    if cx.get("ray_law") is not None:
        rl = cx["ray_law"]
        what = ", ".join(f"{k}={v}" for k, v in rl.items() if k != "family")
        lines.append(f"  for every law of this length; decided on the rays, counterexample: {rl['family']} ({what})")
        if cx.get("ray"):
            ray = cx["ray"]
            lines.append(f"  on the ray (per unit log q): lhs = {ray['lhs']}, rhs = {ray['rhs']}"
                         + (f"; constants {ray['lhs_const']}, {ray['rhs_const']}" if ray["lhs_const"] != "0"
                            or ray["rhs_const"] != "0" else ""))
    if cx.get("law") is not None:
        lines.append(f"  law:   {json.dumps(cx['law'], separators=(',', ':'))}")
    if cx.get("sizes") is not None:
        lines.append(f"  sizes: {tuple(cx['sizes'])}")
    if cx.get("note"):
        lines.append(f"  with:  {json.dumps(cx['note'])}")
    for side in ("lhs", "rhs"):
        iv = cx.get(f"{side}_interval")
        lines.append(f"  {side} = {cx[side]}" + (f"  in {iv}" if iv else "") + f"  (≈ {cx[f'{side}_value']:.12g})")
    lines.append(f"  violates: lhs {cx['relation']} rhs")
    rc = cx.get("recheck")
    if rc:
        lines.append(f"  re-checked on the law: {rc['outcome']}" + (f" ({rc['reason']})" if rc.get("reason") else ""))
    return "\n".join(lines)


def _figure_value(v) -> str:
    if isinstance(v, dict) and "value" in v:
        where = v.get("where") or {}
        at = f" (at {where.get('case')})" if where.get("case") and v.get("op") in ("min", "max") else ""
        return f"{_num(v['value']) if isinstance(v['value'], float) else v['value']}{at}"
    if isinstance(v, float):
        return _num(v)
    if isinstance(v, list):  # a sequence (LZ-sqrt): the first few columns of each row
        return "; ".join(" ".join(f"{k}={_num(x) if isinstance(x, float) else x}" for k, x in list(row.items())[:_ROW_KEYS])
                         if isinstance(row, dict) else str(row) for row in v)
    if isinstance(v, dict):
        return ", ".join(f"{k}={_num(x) if isinstance(x, float) else x}" for k, x in v.items())
    return str(v)


def figures(report) -> str:
    lines = []
    for r in report.results:
        for name, v in r.figures.items():
            lines.append(f"  {r.claim.id}: {name}: {_figure_value(v)}")
    return "\n".join(["figures:"] + lines) if lines else ""


def notes(report) -> str:
    """Reasons for verdicts other than holds/violated (incomplete, not applicable, errors, undecided,
    consistent-float), and the floats a decided claim read as decimals."""
    lines = [f"  {r.claim.id} ({r.verdict}): {r.reason}" for r in report.results
             if r.verdict in ("incomplete", "not-applicable", "error", "undecided", "consistent-float") and r.reason]
    for r in report.results:
        for p in getattr(r, "parts", None) or []:
            if p["part"] == "decided" and p.get("trivial"):
                t = p["trivial"]
                lines.append(f"  {r.claim.id}: trivial at L={t['lengths'][0]}..{t['lengths'][1]}: {t['why']}")
            if p["part"] == "stopped" and r.verdict not in ("violated", "error") and r.lengths:
                lines.append(f"  {r.claim.id}: decided part stopped: {p['why']}")
    for r in report.results:
        floats = (r.decided or {}).get("floats_read") or []
        if floats:
            read = ", ".join(f"{f['float']!r} as {f['read_as']}" for f in floats)
            lines.append(f"  {r.claim.id}: float coefficients read as the decimals they print: {read}")
    return "\n".join(["notes:"] + lines) if lines else ""


def render(report, *, show_figures: bool = True) -> str:
    parts = [table(report), "", summary(report)]
    for r in report.results:
        if r.verdict == "violated" and r.counterexample:
            parts += ["", counterexample(r)]
    extra = notes(report)
    if extra:
        parts += ["", extra]
    if show_figures:
        fig = figures(report)
        if fig:
            parts += ["", fig]
    return "\n".join(parts)
