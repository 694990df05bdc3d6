"""Claims decided for every law by the Shannon LP: the entropy-linear ones the cone could not
decide (docs/theory.md §8a).

After the profile cone (:mod:`.decided`), every per-law claim the cone decided at no length is
run on :class:`~exactdlm.structured.shannon.EntropicLaw` (a :class:`ShannonContext`) at each
length of :func:`shannon_lengths`: first every ``L`` up to a small length (the full space of
``2^L`` subset entropies), then longer lengths where the claim's quantities are
block-symmetric (orbit spaces: semi-AR blocks, sets that are runs of positions). Each
comparison ``lhs <kind> rhs`` becomes ``D = const + f·h``:

* ``==``: holds for every law iff ``D`` is the zero form (the entropic region has full
  dimension, so a non-zero form is non-zero on some law; a linear law is searched for it);
* ``<=`` / ``>=``: holds iff ``const >= 0`` and the Shannon LP proves ``f·h >= 0`` with an exact
  certificate (:mod:`~exactdlm.structured.shannon.lp`) — printed by ``verify --proof``.
  Without a proof a violating linear law is searched (:mod:`~exactdlm.structured.shannon.laws`)
  and, when found, built and re-checked on the claim exactly (``violated``); otherwise the claim
  is ``undecided: not Shannon-type`` (for ``L <= 3`` this cannot happen: Γ_3 is the closure of the
  entropic region and its extreme rays are binary linear laws).

A comparison decided here covers the same comparison (label, sizes) on every suite law of
that length, as the cone's do. The scan of a claim stops at the first length where it leaves
the entropy-linear fragment, is violated or undecided, or when its time budget is spent.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction

from ..arith import LogForm, compare_sides
from ..structured.cone import NotInFragment, recording_floats
from ..structured.shannon import EntropicLaw, EntropyForm
from ..structured.shannon.form import lift
from ..structured.shannon.space import space as make_space
from . import Check, Claim
from .decided import ConeContext, ConeOutcome, _recheck, check_key, per_law_checks

#: lengths decided in the full space of subset entropies, and the longer (orbit) lengths, by suite
SHANNON_LENGTHS = {
    "quick": (5, (8, 16, 32, 64)),
    "default": (6, (8, 16, 32, 64, 128, 256)),
    "full": (6, (8, 16, 32, 64, 128, 256)),
    "large": (6, (8, 16, 32, 64, 128, 256)),
}
#: seconds of LP work per claim before the scan stops (the lengths decided so far stand)
CLAIM_BUDGET = 30.0
#: certificates kept per claim for printing (all are checked)
KEEP_PROOFS = 12
#: the full space is used for the LP (readable proofs) up to this length
FULL_LP_L = 6
#: Ī and TC "from their definitions" (sums over subsets) are built to this length
DEFINITION_L = 10
METHOD = "Shannon proof"


def shannon_lengths(suite) -> list:
    """The lengths decided for ``suite``: its ``shannon_lengths`` ``(small, longer)`` if it has one,
    else by name; none for a suite without a decided range (``cone_max_L = 0``)."""
    got = getattr(suite, "shannon_lengths", None)
    if got is None:
        if not getattr(suite, "cone_max_L", 0):
            return []
        got = SHANNON_LENGTHS.get(suite.name, (5, ()))
    small, longer = got
    return list(range(1, small + 1)) + [L for L in longer if L > small]


class ShannonContext(ConeContext):
    """The case-context interface on the entropic symbolic law: quantities are
    :class:`EntropyForm` s, subset entropies included; output laws and the mixture KL raise
    :class:`NotInFragment`."""

    def __init__(self, L: int, suite, schedules=None):
        super().__init__(L, suite, schedules)
        self.law = EntropicLaw(self.L)
        self.case.name = f"Shannon cone L={self.L}"

    def costly(self, sizes):
        return False  # output-law checks need a law: they stay on the suite's laws

    def block_rise(self, sizes):
        from .derived import plain_block_rise  # the cone's O(L) form does not apply to entropy forms

        return plain_block_rise(self, sizes)

    @property
    def subset_H(self):
        return _LazySubsets(self.law)

    @property
    def Ibar_def(self):
        from .common import ibar_definition

        if "Ibar_def" not in self._cache:
            if self.L > DEFINITION_L:
                raise NotInFragment(f"Ī from its definition lists 2^{self.L} subsets (done to L={DEFINITION_L})")
            self._cache["Ibar_def"] = ibar_definition(self.subset_H, self.L, False)  # forms start from 0.0
        return self._cache["Ibar_def"]

    @property
    def tc_def(self):
        if "tc_def" not in self._cache:
            if self.L > DEFINITION_L:  # Σ_i H(X_i) = L g(1) by the definition of g: the symmetric form
                self._cache["tc_def"] = self.tc
                return self.tc
            H = self.law.subset_entropy
            total = -H(range(self.L))
            for i in range(self.L):
                total = total + H([i])
            self._cache["tc_def"] = total
        return self._cache["tc_def"]


class _LazySubsets:
    """``subset_H[mask]``: ``H(X_A)`` as a form, on demand."""

    def __init__(self, law):
        self.law = law

    def __getitem__(self, m):
        m = int(m)
        S = [j for j in range(self.law.L) if m >> j & 1]
        return self.law.subset_entropy(S) if S else 0

    def __len__(self):
        return 1 << self.law.L


# ----------------------------------------------------------------------------------------
# one comparison
# ----------------------------------------------------------------------------------------
@dataclass
class Decision:
    outcome: str  # "holds", "violated", "undecided"
    how: str = ""
    lp: object = None
    law: object = None  # LinearLaw
    copies: int = 1
    reason: str = ""
    form: object = None  # the form decided (in the full space up to FULL_LP_L)


def _difference(check: Check):
    """``D`` with the claim equivalent to ``D >= 0`` (``le``/``ge``) or ``D == 0`` (``eq``)."""
    lhs, rhs = check.lhs, check.rhs
    kind = {"lt": "le", "gt": "ge"}.get(check.kind, check.kind)
    forms = [x for x in (lhs, rhs) if isinstance(x, EntropyForm)]
    if not forms:
        return None, kind
    sp = forms[0].space
    lhs, rhs = lift(_plain(lhs), sp), lift(_plain(rhs), sp)
    return (rhs - lhs if kind == "le" else lhs - rhs), kind


def _plain(x):
    if isinstance(x, LogForm):
        raise NotInFragment("a side mixing an entropy form with logarithms of numbers")
    return x


def _key(D: EntropyForm, kind: str):
    return (D.space.blocks, D.num.tobytes(), str(D.num.dtype), D.den, D.const, kind)


def decide_form(D: EntropyForm, kind: str, cache: dict | None = None) -> Decision:
    """Decide ``D >= 0`` (``kind`` ``le``/``ge``, already oriented) or ``D == 0`` (``eq``) for every law."""
    from ..structured.shannon.laws import find_law
    from ..structured.shannon.lp import decide_nonnegative

    if D.L <= FULL_LP_L and not D.space.full:
        D = D.refined(make_space((1,) * D.L))
    key = _key(D, kind)
    if cache is not None and key in cache:
        return cache[key]
    if kind == "eq":
        if D.is_zero():
            out = Decision("holds", "identity: the coefficient vectors of the two sides agree")
        elif not any(D.num.tolist()):
            out = Decision("violated", "the constant terms differ", reason="point mass")
        else:
            law = find_law(D, "nonzero")
            out = Decision("violated", "the coefficient vectors differ", law=law) if law is not None else \
                Decision("undecided", reason=f"the sides differ as forms in the subset entropies at L={D.L} (so "
                         "some law separates them), but no linear law doing so was found")
    elif D.const < 0:
        out = Decision("violated", "the constant term is negative", reason="point mass")
    else:
        res = decide_nonnegative(D)
        if res.outcome == "proof":
            out = Decision("holds", "Shannon-type: a nonnegative combination of elemental inequalities", lp=res)
        else:
            law = find_law(D, "neg")
            if law is not None:
                v = law.value(D)  # per log q per copy, < 0
                n = 1
                if D.const > 0:
                    n = max(1, math.floor(float(D.const) / (-float(v) * math.log(law.q))) + 1)
                law.copies = n
                out = Decision("violated", "a linear law violates it", lp=res, law=law, copies=n)
            elif res.outcome == "no-proof":
                poly = "an exact polymatroid violates it" if res.exact_vertex else "the LP's vertex violates it"
                out = Decision("undecided", lp=res, reason=f"not Shannon-type at L={D.L} ({poly}: value {res.value}); "
                               "no linear law violating it was found")
            else:
                out = Decision("undecided", lp=res, reason=f"the Shannon LP failed at L={D.L} ({res.method})")
    out.form = D
    if cache is not None:
        cache[key] = out
    return out


# ----------------------------------------------------------------------------------------
# a claim over the lengths
# ----------------------------------------------------------------------------------------
@dataclass
class ShannonOutcome(ConeOutcome):
    """What the Shannon LP decided for one claim (a :class:`ConeOutcome` the runner reads as such)."""

    method: str = METHOD
    also: list = field(default_factory=list)  # decided lengths past the contiguous range
    proofs: list = field(default_factory=list)
    undecided: str | None = None
    lp: list = field(default_factory=list)
    identities: int = 0
    certificates: int = 0
    #: the claim's own code raised on the entropic law (``{"L", "exception"}``); the scan stopped there.
    #: verify lets the suite's laws show it; ``refute`` re-runs the claim on a real law to report it
    raised: dict | None = None

    def decided_lengths_text(self) -> str:
        if not self.lengths:
            return ""
        a, b = self.lengths
        head = f"L={a}..{b}" if a != b else f"L={a}"
        return head + "".join(f", {x}" for x in self.also)

    def to_json(self) -> dict:
        out = super().to_json()
        out.update({"method": self.method, "also_lengths": list(self.also), "proofs": self.proofs,
                    "undecided": self.undecided, "identities": self.identities,
                    "certificates": self.certificates, "lp": self.lp,
                    "rests_on": "the elemental inequalities of the Shannon cone (exact rational certificates)"})
        return out


def _sides_text(check: Check) -> str:
    rel = {"le": "<=", "ge": ">=", "eq": "==", "lt": "<", "gt": ">"}[check.kind]
    return f"{_form_text(check.lhs)} {rel} {_form_text(check.rhs)}"


def _form_text(x) -> str:
    return x.to_str(8) if isinstance(x, EntropyForm) else str(x)


def run_claim(c: Claim, suite, max_prec: int = 4096, budget: float = CLAIM_BUDGET, start: int = 1) -> ShannonOutcome:
    """Decide ``c`` on the entropic law at every length of :func:`shannon_lengths` from ``start``."""
    out = ShannonOutcome()
    cache: dict = {}
    covered = set()
    shown: set = set()
    t0 = time.perf_counter()
    for L in [x for x in shannon_lengths(suite) if x >= start]:
        if time.perf_counter() - t0 > budget:
            out.stopped = f"L={L}: the Shannon scan's time budget ({budget:g} s) was spent"
            break
        ctx = ShannonContext(L, suite)
        try:
            with recording_floats() as floats:
                checks = list(per_law_checks(c, ctx))
                decisions = []
                for check in checks:
                    D, kind = _difference(check)
                    if D is None:  # both sides plain numbers (an auxiliary check): exact comparison
                        cmp = compare_sides(check.lhs, check.rhs, kind, max_prec=max_prec)
                        d = Decision("holds" if cmp.outcome == "holds" else "violated" if cmp.outcome == "violated"
                                     else "undecided", "numbers", reason=cmp.outcome)
                    else:
                        d = decide_form(D, kind, cache)
                    decisions.append((check, D, kind, d))
                    if d.outcome != "holds":
                        break
        except NotInFragment as exc:
            out.stopped = f"L={L}: {exc}"
            break
        except Exception as exc:  # noqa: BLE001 - the claim's own error shows on the laws
            out.stopped = f"L={L}: {type(exc).__name__}: {exc}"
            out.raised = {"L": L, "exception": f"{type(exc).__name__}: {exc}"}
            break
        if not checks:  # vacuous at this length (hypotheses): inside a decided range it extends it
            if out.lengths is not None and L == out.lengths[1] + 1 and not out.also:
                out.lengths = (out.lengths[0], L)
            continue
        for x in floats:
            if x not in out.floats:
                out.floats.append(x)
        bad = next(((ch, D, kind, d) for ch, D, kind, d in decisions if d.outcome != "holds"), None)
        out.checks += len(decisions)
        if bad is not None:
            check, D, kind, d = bad
            if d.outcome == "violated":
                out.counterexample = _counterexample(c, check, D, d, ctx, max_prec)
                out.stopped = f"violated at L={L}"
            else:
                out.undecided = f"undecided at L={L} ({check.label or 'comparison'}" + \
                    (f", sizes {tuple(check.sizes)}" if check.sizes else "") + f"): {d.reason}"
                out.stopped = out.undecided
                if d.lp is not None:
                    out.lp.append({"L": L, **d.lp.to_json()})
            break
        for check, D, kind, d in decisions:
            covered.add(check_key(L, check))
            if d.lp is not None:
                out.certificates += 1
                pk = _key(d.form, kind)
                if len(out.proofs) < KEEP_PROOFS and pk not in shown:
                    shown.add(pk)
                    out.proofs.append({"L": L, "check": check.label or None,
                                       "sizes": list(check.sizes) if check.sizes else None,
                                       "claim": f"{d.form.to_str(10)} >= 0", "method": d.lp.method,
                                       "lp": {"variables": d.lp.variables, "rows": d.lp.rows,
                                              "seconds": round(d.lp.seconds, 4)},
                                       "certificate": [{"weight": str(w), "inequality": line}
                                                       for (w, _), line in zip(d.lp.certificate, d.lp.proof_lines())]})
            elif d.how.startswith("identity"):
                out.identities += 1
        lps = [d.lp for _, _, _, d in decisions if d.lp is not None]
        if lps:
            out.lp.append({"L": L, "space": list(lps[-1].space.blocks), "lps": len(lps),
                           "max_variables": max(x.variables for x in lps), "max_rows": max(x.rows for x in lps),
                           "seconds": round(sum(x.seconds for x in lps), 4)})
        if out.lengths is None:
            out.lengths = (L, L)
        elif L == out.lengths[1] + 1 and not out.also:
            out.lengths = (out.lengths[0], L)
        else:
            out.also.append(L)
    out.covered = frozenset(covered)
    out.seconds = time.perf_counter() - t0
    return out


def _counterexample(c: Claim, check: Check, D, d: Decision, ctx, max_prec: int) -> dict:
    """The law behind a violation, both sides on it exactly, re-checked on the claim."""
    L = ctx.L
    out = {"law": None, "sizes": list(check.sizes) if check.sizes is not None else None,
           "relation": {"le": "<=", "ge": ">=", "eq": "==", "lt": "<", "gt": ">"}[check.kind],
           "case": f"Shannon cone L={L}", "check": check.label or None, "decided": True, "certified": False,
           "claim_form": _sides_text(check)}
    if check.note:
        out["note"] = check.note
    law = None
    if d.reason == "point mass":
        from ..laws import families as fam

        law = fam.iid(L, [Fraction(1), Fraction(0)]) if 2**L <= 4096 else None
        out["linear_law"] = {"family": "point mass", "L": L}
        lhs_v, rhs_v = _const(check.lhs), _const(check.rhs)
    else:
        lin = d.law
        out["linear_law"] = lin.to_json()
        law = lin.to_joint()
        q, n = lin.q, lin.copies
        lhs_v = _on_rank(check.lhs, lin, q, n)
        rhs_v = _on_rank(check.rhs, lin, q, n)
    base = {"lt": "le", "gt": "ge"}.get(check.kind, check.kind)
    cmp = compare_sides(lhs_v, rhs_v, base, max_prec=max_prec)
    out.update({"lhs": cmp.lhs_exact or repr(float(cmp.lhs)), "rhs": cmp.rhs_exact or repr(float(cmp.rhs)),
                "lhs_value": cmp.lhs, "rhs_value": cmp.rhs, "lhs_interval": cmp.lhs_interval,
                "rhs_interval": cmp.rhs_interval})
    on_ranks = cmp.outcome == "violated" and cmp.certified
    if law is not None:
        out["law"] = law.to_json()
        out["recheck"] = _recheck(c, check, law, ctx, max_prec)
        # certified only when the claim itself, run on the built law, is violated there exactly
        rc = out["recheck"] or {}
        out["certified"] = on_ranks and rc.get("outcome") == "violated" and bool(rc.get("certified"))
    else:
        out["recheck"] = {"outcome": "not rechecked", "reason": "the law is too large to build densely; the sides "
                          "are exact on its entropy vector (rank function times log q)"}
        out["certified"] = on_ranks
    return out


def _const(x):
    if isinstance(x, EntropyForm):
        return x.const
    return x


def _on_rank(x, lin, q: int, n: int):
    """A side at the linear law: ``const + n log q · f·rank`` exactly."""
    if not isinstance(x, EntropyForm):
        return x
    f = x.refined(lin.space) if x.space != lin.space else x
    v = f.value_at(lin.rank) * n
    return LogForm.log(Fraction(q), v) + f.const


def run_shannon(claims, suite, cone: dict, max_prec: int = 4096) -> dict:
    """The runner's hook: ``cone`` with a :class:`ShannonOutcome` for every per-law claim the
    cone did not decide to the end (no counterexample, scan stopped): the Shannon scan starts at
    the first length the cone did not decide, and the two ranges are joined."""
    out = dict(cone)
    for c in claims:
        if not (c.per_schedule or c.case_checks is not None):
            continue
        prev = cone.get(c.id)
        if prev is not None and (prev.counterexample is not None or getattr(prev, "error", None) is not None
                                 or (prev.lengths is not None and not prev.stopped)):
            continue  # violated, raised (an error verdict), or decided to the end by the cone
        start = prev.lengths[1] + 1 if prev is not None and prev.lengths else 1
        res = run_claim(c, suite, max_prec, start=start)
        if res.lengths is None and res.counterexample is None and res.undecided is None:
            if prev is not None:
                prev.seconds += res.seconds
            continue
        if prev is not None and prev.lengths:
            res = _joined(prev, res)
        out[c.id] = res
    return out


def _joined(prev: ConeOutcome, res: ShannonOutcome) -> ShannonOutcome:
    """The cone's range followed by the Shannon scan's."""
    res.method = "cone + Shannon proof"
    res.checks += prev.checks
    res.seconds += prev.seconds
    res.covered = frozenset(prev.covered) | frozenset(res.covered)
    res.worst_ratio, res.worst_at = prev.worst_ratio, prev.worst_at
    for x in prev.floats:
        if x not in res.floats:
            res.floats.append(x)
    if res.lengths is None:
        res.lengths = prev.lengths
    elif res.lengths[0] == prev.lengths[1] + 1:
        res.lengths = (prev.lengths[0], res.lengths[1])
    else:
        res.also = [x for x in range(res.lengths[0], res.lengths[1] + 1)] + res.also
        res.lengths = prev.lengths
    return res


def proof_text(result) -> str:
    """The printed proofs of a claim decided by the Shannon LP (``verify --proof``)."""
    dec = result.decided or {}
    if METHOD not in (dec.get("method") or ""):
        return ""
    lines = [f"proof of {result.claim.id} for every law ({dec.get('certificates', 0)} certificate(s), "
             f"{dec.get('identities', 0)} identit(ies) of coefficient vectors):"]
    for p in dec.get("proofs") or []:
        where = f"L={p['L']}" + (f", sizes {tuple(p['sizes'])}" if p.get("sizes") else "") + \
            (f", {p['check']}" if p.get("check") else "")
        lines.append(f"  [{where}] {p['claim']}")
        lines.append(f"    = sum of {len(p['certificate'])} elemental inequalities ({p['method']}; LP "
                     f"{p['lp']['variables']} variables, {p['lp']['rows']} rows, {p['lp']['seconds']} s):")
        for term in p["certificate"][:40]:
            w = "" if term["weight"] == "1" else f"{term['weight']} · "
            lines.append(f"      {w}[{term['inequality']}]")
        if len(p["certificate"]) > 40:
            lines.append(f"      ... {len(p['certificate']) - 40} more (all in the JSON)")
    return "\n".join(lines)


__all__ = ["ShannonContext", "ShannonOutcome", "decide_form", "proof_text", "run_claim", "run_shannon",
           "shannon_lengths"]
