"""The Shannon LP with an exact certificate (docs/theory.md §8a).

To decide ``D = const + Σ_a f_a h(a) >= 0`` for every law of length ``L``:

1. **LP** (scipy's HiGHS, dual simplex: a basic optimal solution, so both the primal vertex and
   the duals are exact solutions of square subsystems): minimize ``f·h`` over the Shannon cone
   cut by ``h(N) <= 1`` (``E h >= 0``, ``E`` the elemental rows of :mod:`.elemental`). The
   polytope is the convex hull of ``0`` and the extreme rays scaled to ``h(N) = 1``.
2. **Proof.** If the minimum is 0, the duals ``λ >= 0`` of the elemental rows give ``f = Σ λ_e e``.
   They are rationalised (continued fractions, growing denominators) and the identity is checked
   in exact rationals; if rounding breaks it, the equality system ``E_S^T λ_S = f`` on the
   support ``S`` is solved exactly (sympy over QQ) and checked again, ``λ_S >= 0`` included. A
   verified certificate proves ``f·h >= 0`` on Γ_L, hence (with ``const >= 0``) ``D >= 0`` for
   every law over every alphabet; it is printed as a sum of named elemental inequalities.
3. **No proof.** If the minimum is negative, the LP vertex ``h*`` is a polymatroid (an extreme
   ray) with ``f·h* < 0``; it is rationalised and re-checked exactly (every elemental row ``>= 0``,
   ``f·h* < 0``), so "not Shannon-type" is itself certified. Whether a *law* violates ``D`` is
   a separate question (:mod:`.laws`); for ``L <= 3`` Γ_3 is the closure of the entropic region.

Numerics never decide: ``holds`` needs the exact certificate; anything else is reported as
what it is (``no-proof`` with an exact polymatroid, or ``lp-failed``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .elemental import matrix, row_name, row_terms
from .form import EntropyForm

#: denominators tried when rationalising LP values
_DENOMS = (1, 2, 6, 12, 60, 840, 10**4, 10**6, 10**9)


@dataclass
class LPResult:
    """What the LP decided for ``f·h >= 0`` on Γ_L (the constant is the caller's)."""

    outcome: str  # "proof", "no-proof", "lp-failed"
    space: object
    certificate: list = field(default_factory=list)  # [(Fraction weight, kind)]
    vertex: dict | None = None  # {index: Fraction}: a polymatroid with f·h < 0 (no-proof)
    value: Fraction | None = None  # f·vertex
    exact_vertex: bool = False
    variables: int = 0
    rows: int = 0
    seconds: float = 0.0
    method: str = ""

    def proof_lines(self) -> list[str]:
        return [f"{_w(w)}{row_name(self.space, k)}" for w, k in self.certificate]

    def to_json(self) -> dict:
        out = {"outcome": self.outcome, "space": list(self.space.blocks), "variables": self.variables,
               "rows": self.rows, "seconds": round(self.seconds, 4), "method": self.method}
        if self.certificate:
            out["certificate"] = [{"weight": str(w), "inequality": row_name(self.space, k)} for w, k in self.certificate]
        if self.vertex is not None:
            out["polymatroid"] = {self.space.name(self.space.counts(i)): str(v) for i, v in sorted(self.vertex.items())}
            out["value"] = str(self.value)
            out["polymatroid_exact"] = self.exact_vertex
        return out


def _w(w: Fraction) -> str:
    return "" if w == 1 else f"{w} · "


def _rational(x: float) -> Fraction:
    for d in _DENOMS:
        q = Fraction(x).limit_denominator(d)
        if abs(float(q) - x) <= 1e-9 * max(1.0, abs(x)):
            return q
    return Fraction(x).limit_denominator(10**12)


def _combination(sp, cert) -> dict:
    acc: dict = {}
    for w, k in cert:
        for i, c in row_terms(sp, k).items():
            acc[i] = acc.get(i, 0) + w * c
    return {i: v for i, v in acc.items() if v}


def check_certificate(form: EntropyForm, cert) -> bool:
    """Exactly: every weight ``> 0`` and ``Σ w_e e = f`` (coefficient by coefficient)."""
    if any(w <= 0 for w, _ in cert):
        return False
    return _combination(form.space, cert) == form.fractions()


def is_polymatroid(sp, h: dict) -> bool:
    """Exactly: every elemental row ``>= 0`` at ``h`` (``{index: Fraction}``)."""
    from .elemental import elemental_rows

    R, C, V, kinds = elemental_rows(sp)
    hv = np.zeros(sp.size, dtype=object)
    hv[:] = 0
    for i, v in h.items():
        hv[i] = v
    acc = np.zeros(len(kinds), dtype=object)
    acc[:] = 0
    np.add.at(acc, R, V.astype(object) * hv[C])
    return all(x >= 0 for x in acc)


#: spaces with more coordinates than this first look for a certificate on a band around the form
BAND_COORDS = 3000


def decide_nonnegative(form: EntropyForm) -> LPResult:
    """Is ``f·h >= 0`` on the Shannon cone (``form``'s constant ignored)? See the module docstring.

    Large spaces (more than :data:`BAND_COORDS` coordinates) first try certificates on a band:
    the elemental rows whose coordinates all lie within a growing neighbourhood ``U`` of the
    form's support (any nonnegative combination of genuine rows is a proof, wherever it is
    found); the feasibility LP ``Σ_{e ⊆ U} λ_e e = f, λ >= 0`` is small there. Only when no
    band certificate exists is the whole LP solved (interior point, for the vertex)."""
    if form.space.size > BAND_COORDS and np.any(form.num):
        got = _banded(form)
        if got.outcome == "proof":
            return got
        full = _decide_full(form, method="highs-ipm")
        full.seconds += got.seconds
        return full
    return _decide_full(form)


def _banded(form: EntropyForm) -> LPResult:
    from scipy.optimize import linprog

    from .elemental import elemental_rows

    sp = form.space
    t0 = time.perf_counter()
    R, C, V, kinds = elemental_rows(sp)
    counts = sp.all_counts()
    blocks = np.array(sp.blocks)
    B = len(sp.blocks)
    steps = []
    for p in range(B):
        e = np.zeros(B, dtype=np.int64)
        e[p] = 1
        steps += [e, -e]
        for q in range(p + 1, B):
            for sp_ in (1, -1):
                for sq in (1, -1):
                    d = np.zeros(B, dtype=np.int64)
                    d[p], d[q] = sp_, sq
                    steps.append(d)
    inU = np.zeros(sp.size, dtype=bool)
    inU[np.flatnonzero(form.num)] = True
    inU[0] = True
    radix = np.array(sp.radix, dtype=np.int64)
    f = {i: float(v) for i, v in form.fractions().items()}
    out = LPResult("lp-failed", sp, variables=sp.size - 1, rows=len(kinds), method="HiGHS, band certificate")

    def dilate(mask, times):
        for _ in range(times):
            base = counts[mask]
            new = [base]
            for d in steps:
                c = base + d
                ok = np.all((c >= 0) & (c <= blocks), axis=1)
                new.append(c[ok])
            mask = mask.copy()
            mask[np.concatenate(new) @ radix] = True
        return mask

    supp = counts[inU]
    lo, hi = supp.min(axis=0), supp.max(axis=0)
    box = np.all((counts >= lo) & (counts <= hi), axis=1)
    box[0] = True
    # bands tried in turn: the support's neighbourhood, its bounding box, then growing neighbourhoods
    # the semi-AR staircase: earlier blocks full, the current one partly revealed
    stair = np.zeros(sp.size, dtype=bool)
    for k in range(B):
        for t in range(sp.blocks[k] + 1):
            stair[sum(sp.radix[j] * sp.blocks[j] for j in range(k)) + t * sp.radix[k]] = True
    stages = [dilate(inU, 1), dilate(inU, 2), dilate(inU | stair, 1), dilate(inU | stair, 2)]
    if box.sum() <= sp.size // 3:
        stages.append(dilate(box, 1))
    r = 4
    while True:
        stages.append(dilate(inU, r))
        if stages[-1].sum() > sp.size // 3 or stages[-1].all():
            break
        r *= 2
    tried = set()
    for mask in stages:
        coords = np.flatnonzero(mask[1:]) + 1
        if len(coords) > sp.size // 3 + 1 or len(coords) in tried:
            continue
        tried.add(len(coords))
        outside = np.bincount(R, weights=~mask[C], minlength=len(kinds))
        rows = np.flatnonzero(outside == 0)
        if not len(rows):
            continue
        from scipy.sparse import csr_matrix

        pos = np.full(sp.size, -1, dtype=np.int64)
        pos[coords] = np.arange(len(coords))
        rmap = np.full(len(kinds), -1, dtype=np.int64)
        rmap[rows] = np.arange(len(rows))
        keep = (rmap[R] >= 0) & (C != 0)
        A = csr_matrix((V[keep].astype(float), (pos[C[keep]], rmap[R[keep]])), shape=(len(coords), len(rows)))
        b = np.zeros(len(coords))
        for i, v in f.items():
            b[pos[i]] = v
        res = linprog(np.ones(len(rows)), A_eq=A, b_eq=b, bounds=(0, None), method="highs-ds")
        if res.status != 0:
            continue
        lam = res.x
        support = np.flatnonzero(lam > 1e-11)
        cert = [(_rational(float(lam[i])), kinds[rows[i]]) for i in support]
        cert = [(w, k) for w, k in cert if w != 0]
        where = f" on {len(coords)} of {sp.size - 1} coordinates"
        if check_certificate(form, cert):
            out.outcome, out.certificate = "proof", cert
            out.method += where + ", rationalised"
            break
        exact = _exact_on_support(form, [kinds[rows[i]] for i in support])
        if exact is not None:
            out.outcome, out.certificate = "proof", exact
            out.method += where + ", exact re-solve on the support"
            break
    out.seconds = time.perf_counter() - t0
    return out


def _decide_full(form: EntropyForm, method: str = "highs-ds") -> LPResult:
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    sp = form.space
    t0 = time.perf_counter()
    if not np.any(form.num):
        return LPResult("proof", sp, [], variables=sp.size - 1, rows=0, seconds=0.0, method="zero form")
    E, kinds = matrix(sp)
    n = sp.size - 1
    f = np.array([float(Fraction(int(x), form.den)) for x in form.num[1:]])
    scale = max(1.0, float(np.abs(f).max()))
    norm = csr_matrix(([1.0], ([0], [sp.top - 1])), shape=(1, n))
    A = vstack([-E.astype(float), norm]).tocsr()
    b = np.zeros(A.shape[0])
    b[-1] = 1.0
    res = linprog(f / scale, A_ub=A, b_ub=b, bounds=(None, None), method=method)
    out = LPResult("lp-failed", sp, variables=n, rows=len(kinds),
                   method="HiGHS " + ("dual simplex" if method == "highs-ds" else "interior point"))
    if res.status != 0:
        out.seconds = time.perf_counter() - t0
        return out
    if res.fun >= -1e-9:
        lam = -res.ineqlin.marginals[:-1] * scale
        support = np.flatnonzero(lam > 1e-11)
        cert = [(_rational(float(lam[i])), kinds[i]) for i in support]
        cert = [(w, k) for w, k in cert if w != 0]
        if check_certificate(form, cert):
            out.outcome, out.certificate = "proof", cert
            out.method += ", rationalised duals"
        else:
            exact = _exact_on_support(form, [kinds[i] for i in support])
            if exact is not None:
                out.outcome, out.certificate = "proof", exact
                out.method += ", exact re-solve on the support"
    if out.outcome != "proof" and res.fun < -1e-9:
        x = res.x
        vert = {i + 1: _rational(float(x[i])) for i in np.flatnonzero(np.abs(x) > 1e-12)}
        out.vertex = vert
        out.value = form.value_at(_dense(sp, vert))
        out.exact_vertex = out.value < 0 and is_polymatroid(sp, vert)
        out.outcome = "no-proof"
    out.seconds = time.perf_counter() - t0
    return out


def _dense(sp, h: dict) -> list:
    v = [Fraction(0)] * sp.size
    for i, x in h.items():
        v[i] = x
    return v


def _exact_on_support(form: EntropyForm, kinds) -> list | None:
    """Solve ``Σ_{e in S} λ_e e = f`` exactly (sympy over QQ); the certificate if ``λ >= 0``."""
    if not kinds or len(kinds) > 3000:
        return None
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    sp = form.space
    fr = form.fractions()
    terms = [row_terms(sp, k) for k in kinds]
    coords = sorted(set(fr) | {i for t in terms for i in t})
    pos = {i: r for r, i in enumerate(coords)}
    rows = [[QQ(0)] * (len(kinds) + 1) for _ in coords]
    for j, t in enumerate(terms):
        for i, c in t.items():
            rows[pos[i]][j] = QQ(c)
    for i, v in fr.items():
        rows[pos[i]][-1] = QQ(v.numerator, v.denominator)
    M = DomainMatrix(rows, (len(coords), len(kinds) + 1), QQ)
    R, pivots = M.rref()
    if len(kinds) in pivots:
        return None  # inconsistent
    dense = R.to_Matrix()
    lam = [Fraction(0)] * len(kinds)
    for r, c in enumerate(pivots):
        v = dense[r, len(kinds)]
        lam[c] = Fraction(int(v.p), int(v.q))
    cert = [(w, k) for w, k in zip(lam, kinds) if w != 0]
    return cert if check_certificate(form, cert) else None


__all__ = ["LPResult", "check_certificate", "decide_nonnegative", "is_polymatroid"]
