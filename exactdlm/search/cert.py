"""Certificates of counterexamples (issue 6).

A certificate holds the exact law (rationals, the law's JSON form), the sizes (reveal
order), both sides as exact log-forms (canonical form over a coprime base) and as certified
decimal enclosures, the verdict of :func:`exactdlm.arith.decide.compare_sides`, and a short Python
snippet that reproduces the check with the public API. The snippet is checked: the tests
execute it and it asserts the certified violation.
"""

from __future__ import annotations

from ..laws import JointLaw, as_law
from .targets import LawTarget, claim_id, claim_kind, decide, items, to_float

_OP = {"le": "<=", "ge": ">=", "eq": "==", "lt": "<", "gt": ">"}


def law_support(law: JointLaw) -> dict[str, str]:
    """The nonzero entries as ``{"x_0 x_1 ...": "p/q"}`` (a table for a paper)."""
    import numpy as np

    out = {}
    for idx, x in np.ndenumerate(law.array):
        if x:
            out[" ".join(str(int(v)) for v in idx)] = str(x)
    return out


def claim_loader_code(claim, claims_file=None) -> str:
    """Python lines binding ``claim`` to the claim object through the public API."""
    cid = claim_id(claim)
    if claims_file is not None:
        return (
            "from exactdlm.claims import load_claims_file\n"
            f"claim = {{c.id: c for c in load_claims_file({str(claims_file)!r})}}[{cid!r}]\n"
        )
    return f"from exactdlm.claims import get\nclaim = get({cid!r})\n"


def snippet(claim, law: JointLaw, sizes, claims_file=None) -> str:
    """A self-contained script that recomputes the comparison and asserts the certified violation."""
    head = (
        f"# certified counterexample to claim {claim_id(claim)!r}\n"
        "from exactdlm.laws import JointLaw\n"
        + claim_loader_code(claim, claims_file)
        + f"law = JointLaw.from_json({JointLaw.to_json(law)!r})\n"
        f"sizes = {None if sizes is None else tuple(int(s) for s in sizes)!r}\n"
    )
    if callable(getattr(claim, "sides", None)):
        kind = claim_kind(claim)
        return head + (
            "from exactdlm.arith.decide import compare_sides\n"
            "lhs, rhs = claim.sides(law, sizes)\n"
            f"verdict = compare_sides(lhs, rhs, {kind!r})  # lhs {_OP[kind]} rhs?\n"
            "print(verdict)\n"
            "assert verdict.outcome == 'violated' and verdict.certified\n"
        )
    return head + (
        "from exactdlm.search import check_claim\n"
        "verdicts = check_claim(claim, law, sizes)  # every comparison the claim makes here\n"
        "for v in verdicts:\n"
        "    print(v.label, v.sizes, v.outcome, v.comparison)\n"
        "assert any(v.outcome == 'violated' and v.certified for v in verdicts)\n"
    )


def certificate(claim, law, sizes, claims_file=None) -> dict:
    """The certificate of a counterexample (recomputed here from the claim, exactly)."""
    law = as_law(law)
    if not law.exact:
        raise ValueError("a certificate needs an exact (rational) law; convert with law.to_exact()")
    sizes = None if sizes is None else tuple(int(s) for s in sizes)
    target = LawTarget(law)
    found = None
    for it in items(claim, target, sizes):
        outcome, cmp = decide(it.lhs, it.rhs, it.kind)
        if found is None or (outcome == "violated" and found[1] != "violated"):
            found = (it, outcome, cmp)
        if outcome == "violated" and cmp.certified:
            break
    if found is None:
        raise ValueError(f"claim {claim_id(claim)!r} makes no comparison on this law and schedule")
    it, outcome, cmp = found
    return {
        "law": JointLaw.to_json(law),
        "support": law_support(law),
        "sizes": None if sizes is None else list(sizes),
        "check_sizes": None if it.sizes is None else list(it.sizes),
        "check": it.label or None,
        "kind": it.kind,
        "lhs": cmp.lhs_exact if cmp.lhs_exact is not None else str(it.lhs),
        "rhs": cmp.rhs_exact if cmp.rhs_exact is not None else str(it.rhs),
        "lhs_interval": cmp.lhs_interval,
        "rhs_interval": cmp.rhs_interval,
        "lhs_float": to_float(it.lhs),
        "rhs_float": to_float(it.rhs),
        "outcome": outcome,
        "certified": bool(cmp.certified),
        "snippet": snippet(claim, law, sizes, claims_file),
    }


def format_certificate(cid: str, cert: dict) -> str:
    """Human-readable lines for the terminal."""
    sizes = cert["check_sizes"] if cert.get("check_sizes") is not None else cert["sizes"]
    where = f", sizes={tuple(sizes)}" if sizes is not None else ""
    check = f" [{cert['check']}]" if cert.get("check") else ""
    lines = [f"counterexample to {cid}{check}: L={cert['law']['L']}, V={cert['law']['V']}{where}"]
    for x, p in cert["support"].items():
        lines.append(f"  p({x}) = {p}")
    op = _OP[cert["kind"]]
    lines.append(f"  lhs = {cert['lhs']}")
    lines.append(f"      in {cert['lhs_interval']}" if cert.get("lhs_interval") else f"      ~ {cert['lhs_float']:.12g}")
    lines.append(f"  rhs = {cert['rhs']}")
    lines.append(f"      in {cert['rhs_interval']}" if cert.get("rhs_interval") else f"      ~ {cert['rhs_float']:.12g}")
    tag = "certified" if cert["certified"] else "NOT certified"
    lines.append(f"  lhs {op} rhs is {cert['outcome']} ({tag})")
    return "\n".join(lines)
