"""Certificates of counterexamples (issue 6).

A certificate holds the exact law (rationals, the law's JSON form), the sizes (reveal
order), both sides as exact log-forms (canonical form over a coprime base) and as certified
decimal enclosures, the verdict of :func:`exactdlm.decide.compare_sides`, and a short Python
snippet that reproduces the check with the public API. The snippet is checked: the tests
execute it and it asserts the certified violation.
"""

from __future__ import annotations

from .laws import JointLaw, as_law
from .search_cases import claim_id, claim_kind, to_float

_OP = {"le": "<=", "ge": ">=", "eq": "=="}


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
    """A self-contained script that recomputes both sides and asserts the certified violation."""
    kind = claim_kind(claim)
    law_json = JointLaw.to_json(law)
    return (
        f"# certified counterexample to claim {claim_id(claim)!r}: lhs {_OP[kind]} rhs fails\n"
        "from exactdlm.laws import JointLaw\n"
        "from exactdlm.decide import compare_sides\n"
        + claim_loader_code(claim, claims_file)
        + f"law = JointLaw.from_json({law_json!r})\n"
        f"sizes = {tuple(int(s) for s in sizes)!r}\n"
        "lhs, rhs = claim.sides(law, sizes)\n"
        f"verdict = compare_sides(lhs, rhs, {kind!r})\n"
        "print(verdict)\n"
        "assert verdict.outcome == 'violated' and verdict.certified\n"
    )


def certificate(claim, law, sizes, claims_file=None) -> dict:
    """The certificate of a counterexample (recomputed here from the claim, exactly)."""
    from .decide import compare_sides

    law = as_law(law)
    if not law.exact:
        raise ValueError("a certificate needs an exact (rational) law; convert with law.to_exact()")
    sizes = tuple(int(s) for s in sizes)
    kind = claim_kind(claim)
    lhs, rhs = claim.sides(law, sizes)
    cmp = compare_sides(lhs, rhs, kind)
    return {
        "law": JointLaw.to_json(law),
        "support": law_support(law),
        "sizes": list(sizes),
        "kind": kind,
        "lhs": cmp.lhs_exact if cmp.lhs_exact is not None else str(lhs),
        "rhs": cmp.rhs_exact if cmp.rhs_exact is not None else str(rhs),
        "lhs_interval": cmp.lhs_interval,
        "rhs_interval": cmp.rhs_interval,
        "lhs_float": to_float(lhs),
        "rhs_float": to_float(rhs),
        "outcome": cmp.outcome,
        "certified": bool(cmp.certified),
        "snippet": snippet(claim, law, sizes, claims_file),
    }


def format_certificate(cid: str, cert: dict) -> str:
    """Human-readable lines for the terminal."""
    lines = [f"counterexample to {cid}: L={cert['law']['L']}, V={cert['law']['V']}, sizes={tuple(cert['sizes'])}"]
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
