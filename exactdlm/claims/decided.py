"""Claims decided for every law: run a claim on the profile cone at each length (docs/theory.md §8).

For each length ``L`` of the suite's decided range the claim's comparisons are computed on
:class:`~exactdlm.structured.cone.ProfileCone` (a :class:`ConeContext` for catalogue claims,
the cone itself for user ``sides``), and each is decided on the ``L`` rays
(:func:`~exactdlm.structured.cone.decide`): ``holds`` there means *every law of length L,
over any alphabet*. The schedules are every composition up to ``L = ALL_COMPOSITIONS_L`` and
the named schedules (balanced, geometric, two-sided) beyond. The scan stops at the first
length where the claim leaves the fragment (:class:`NotInFragment`), and at the first violated
ray, whose MDS law is built, its sides computed exactly (``log q`` times the ray values) and
re-checked on the real law where it can be built.

The identities (E1)-(E4) define EKL on the cone, so a decided verdict rests on (E2)/(E4),
which stay checked on laws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from ..arith import LogForm, compare_sides
from ..structured.cone import NotInFragment, ProfileCone, decide, decide_all, ray_law_description, recording_floats
from . import Check, Claim

#: every composition of L is decided up to this length; named schedules beyond
ALL_COMPOSITIONS_L = 12
#: dense counterexample laws up to this many outcomes
DENSE_CELLS = 4096
RESTS_ON = "(E2)/(E4): EKL on the cone is defined through them; they are checked on laws"


def cone_schedules(L: int, suite) -> tuple:
    from ..suites import all_compositions, named_schedules

    if L <= ALL_COMPOSITIONS_L:
        return all_compositions(L)
    return named_schedules(L, getattr(suite, "rhos", None) or (Fraction(1), Fraction(1, 2), Fraction(1, 4)))


@dataclass
class ConeCase:
    name: str
    schedules: tuple


class ConeContext:
    """The :class:`~exactdlm.claims.context.CaseContext` interface on the profile cone: quantities are
    :class:`ConeForm` s; what needs a law raises :class:`NotInFragment`."""

    symbolic = True
    lattice = False
    exact = True
    accurate = False
    float_atol = None

    def __init__(self, L: int, suite, schedules=None):
        self.L = int(L)
        self.suite = suite
        self.law = ProfileCone(self.L)
        self.case = ConeCase(f"profile cone L={self.L}", tuple(schedules if schedules is not None
                                                                 else cone_schedules(self.L, suite)))
        self._cache: dict = {}

    @property
    def name(self) -> str:
        return self.case.name

    @property
    def V(self):
        return self.law.V  # raises NotInFragment

    def _get(self, key, fn):
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    @property
    def g(self):
        return self._get("g", self.law.entropy_profile)

    @property
    def Ibar(self):
        return self._get("Ibar", self.law.info_curve)

    @property
    def tc(self):
        return self._get("tc", self.law.total_correlation)

    @property
    def dtc(self):
        return self._get("dtc", self.law.dual_total_correlation)

    @property
    def mi(self):
        return self._get("mi", self.law.mi_sum)

    @property
    def H(self):
        return self._get("H", self.law.joint_entropy)

    def zero(self):
        return 0 * self.mi

    def num(self, q):
        return Fraction(q)

    def ekl(self, sizes):
        key = tuple(sizes)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = self.law.expected_kl(tuple(int(s) for s in sizes))
        return got

    def block_rise(self, sizes):
        """``Σ_k (s_k - 1)[Ī(t_k - 1) - Ī(t_{k-1})]`` (SH-1's middle term): on ray ``r_j`` it is
        ``s_k - 1`` for the block with ``t_{k-1} < j <= t_k - 1``."""
        from ..structured.cone import ConeForm, block_rises

        return ConeForm(self.L, block_rises(sizes))

    def _law_only(self, what):
        raise NotInFragment(f"{what} needs the law (checked on laws)")

    def costly(self, sizes):
        self._law_only("a check on output laws")

    def mixture_kl(self, sizes):
        self._law_only("the mixture KL")

    @property
    def Ibar_def(self):
        self._law_only("Ī from its definition")

    @property
    def tc_def(self):
        self._law_only("TC from the marginals")

    @property
    def subset_H(self):
        self._law_only("subset entropies")


def per_law_checks(c: Claim, ctx, at: dict | None = None):
    """The claim's comparisons on one case (a law, or the cone): ``sides`` on every schedule,
    ``schedule_checks`` on every schedule, then ``case_checks``. ``at["sizes"]`` follows the
    schedule being evaluated (``None`` in ``case_checks``), so an exception can name it."""
    at = {} if at is None else at
    if c.sides is not None:
        for sizes in ctx.case.schedules:
            at["sizes"] = tuple(sizes)
            if c.applies is not None and not c.applies(ctx.law, sizes):
                continue
            got = c.sides(ctx.law, sizes)
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                from . import ClaimError

                what = f"a {type(got).__name__} of length {len(got)}" if isinstance(got, (tuple, list)) \
                    else type(got).__name__
                raise ClaimError(f"{c.origin}: claim {c.id!r} returned {what}; sides(law, sizes) must return a "
                                 "pair (lhs, rhs)")
            yield Check(got[0], got[1], c.kind, tuple(sizes))
    elif c.schedule_checks is not None:
        for sizes in ctx.case.schedules:
            at["sizes"] = tuple(sizes)
            yield from c.schedule_checks(ctx, tuple(sizes))
    if c.case_checks is not None:
        at["sizes"] = None
        yield from c.case_checks(ctx)


def check_key(L: int, check: Check) -> tuple:
    return (int(L), check.label, tuple(check.sizes) if check.sizes is not None else None, check.kind)


@dataclass
class ConeOutcome:
    """What the cone decided for one claim.

    ``stopped``/``stopped_at``: where and why the scan ended before the suite's range (the claim
    left the fragment, needs a law, or was violated). ``error``: the claim's own code raised on
    the cone (``{"L", "sizes", "exception"}``): the claim's verdict is then ``error``, never a
    ``holds`` over the lengths before. ``trivial``: the decided lengths where every comparison
    was vacuous (its smaller side is 0 for every law), with ``trivial_why``. ``schedules``: the
    schedule families decided (text)."""

    lengths: tuple | None = None  # (min, max) inclusive, decided
    checks: int = 0
    covered: set = field(default_factory=set)
    worst_ratio: object = None  # exact (Fraction) or float (sqrt sides)
    worst_at: dict | None = None
    counterexample: dict | None = None
    stopped: str | None = None
    floats: list = field(default_factory=list)
    seconds: float = 0.0
    error: dict | None = None
    stopped_at: int | None = None
    trivial: list = field(default_factory=list)
    trivial_why: str | None = None
    schedules: str | None = None

    def trivial_span(self):
        """``(a, b)`` when the trivial lengths are the whole range ``a..b`` with ``b >= 2`` (``L = 1`` alone,
        where every EKL is 0, is not reported); else None."""
        t = sorted(self.trivial)
        if not t or t[-1] < 2 or t[-1] - t[0] + 1 != len(t):
            return None
        return (t[0], t[-1])

    def to_json(self) -> dict:
        span = self.trivial_span()
        return {"lengths": list(self.lengths) if self.lengths else None, "checks": self.checks,
                "worst_ratio": str(self.worst_ratio) if self.worst_ratio is not None else None,
                "worst_at": self.worst_at, "stopped": self.stopped, "stopped_at": self.stopped_at,
                "error": self.error, "schedules": self.schedules,
                "trivial": {"lengths": list(span), "why": self.trivial_why} if span else None,
                "rests_on": RESTS_ON,
                "floats_read": [{"float": x, "read_as": str(q)} for x, q in self.floats]}


def cone_lengths(suite) -> range:
    top = int(getattr(suite, "cone_max_L", 0) or 0)
    return range(1, top + 1)


def _group(kind):
    return {"lt": "le", "gt": "ge"}.get(kind, kind)


def schedule_families(c: Claim, top: int) -> str:
    """The schedules the cone decides ``c`` on, for lengths up to ``top``."""
    if c.sides is None and c.schedule_checks is None:
        return "the claim's own schedules (its hypotheses)"
    head = f"every schedule (composition of L) at L <= {min(top, ALL_COMPOSITIONS_L)}"
    if top <= ALL_COMPOSITIONS_L:
        return head
    return head + f"; named schedules (balanced, geometric, two-sided) at L = {ALL_COMPOSITIONS_L + 1}..{top}"


def run_cone(claims, suite, max_prec: int = 4096) -> dict:
    """``{claim id: ConeOutcome}`` for the per-law claims, every length of ``cone_lengths(suite)``."""
    import time

    active = [c for c in claims if c.per_schedule or c.case_checks is not None]
    out = {c.id: ConeOutcome() for c in active}
    live = list(active)
    for L in cone_lengths(suite):
        if not live:
            break
        ctx = ConeContext(L, suite)
        for c in list(live):
            res = out[c.id]
            t0 = time.perf_counter()
            done = _one_length(c, ctx, res, max_prec)
            res.seconds += time.perf_counter() - t0
            if not done:
                res.stopped_at = L
                live.remove(c)
    for c in active:
        res = out[c.id]
        res.covered = frozenset(res.covered)
        if res.lengths:
            res.schedules = schedule_families(c, res.lengths[1])
    return out


def _vacuous(check: Check) -> bool:
    """The smaller side is identically 0 on the cone (every law): the comparison cannot fail for a
    nonnegative larger side, and says nothing (e.g. EKL of unit steps)."""
    from ..structured.cone import ConeForm

    small = check.rhs if _group(check.kind) == "ge" else check.lhs if _group(check.kind) == "le" else None
    if isinstance(small, ConeForm):
        return small.const == 0 and not any(int(v) for v in small.num)
    return small is not None and not isinstance(small, bool) and isinstance(small, (int, Fraction)) and small == 0


def _one_length(c: Claim, ctx: ConeContext, res: ConeOutcome, max_prec: int) -> bool:
    """Decide ``c`` at ``ctx.L``; False when the scan stops (outside the fragment, violated, or the
    claim's code raised: ``res.error``)."""
    L = ctx.L
    keys, best, best_at, n = [], res.worst_ratio, res.worst_at, 0
    at: dict = {"sizes": None}
    try:
        with recording_floats() as floats:
            checks = list(per_law_checks(c, ctx, at))
            at["sizes"] = None
            if not checks:  # vacuous at this length (e.g. L = 1 for claims about L >= 2), or law-only
                if res.checks == 0 and L >= 3:
                    res.stopped = f"L={L}: no comparison on the cone (the claim needs a law)"
                    return False
                return True
            g = _group(c.kind)
            rated = [ch.rated and _group(ch.kind) == g for ch in checks]
            bad, r, ri, ray = decide_all([(ch.lhs, ch.rhs, ch.kind) for ch in checks], L, rated,
                                         g if g in ("le", "ge") else "none")
            n = len(checks) if bad is None else bad + 1
            if bad is not None:
                check = checks[bad]
                at["sizes"] = tuple(check.sizes) if check.sizes is not None else None
                d = decide(check.lhs, check.rhs, check.kind, L, ratio=False)
                res.counterexample = cone_counterexample(c, check, d, ctx, max_prec)
                res.stopped = f"violated at L={L}"
                res.checks += n
                return False
            keys = [check_key(L, ch) for ch in checks]
            if r is not None and (best is None or (r > best if g != "ge" else r < best)):
                check = checks[ri]
                best = r
                best_at = {"L": L, "sizes": list(check.sizes) if check.sizes else None,
                           "check": check.label or None, "law": ray_law_description(L, ray)}
            if all(_vacuous(ch) for ch in checks):
                res.trivial.append(L)
                whys = {(ch.note or {}).get("trivial") for ch in checks}
                why = whys.pop() if len(whys) == 1 and None not in whys else "the smaller side is 0 for every law"
                res.trivial_why = why if res.trivial_why in (None, why) else "the smaller side is 0 for every law"
    except NotInFragment as exc:
        res.stopped = f"L={L}: {exc}"
        return False
    except Exception as exc:  # noqa: BLE001 - the claim's own code raised: an error, never a holds
        from . import describe_error

        res.error = {"L": L, "sizes": list(at["sizes"]) if at.get("sizes") is not None else None,
                     "exception": describe_error(exc, c)}
        res.stopped = f"L={L}: the claim raised {type(exc).__name__}: {exc}"
        return False
    for x in floats:
        if x not in res.floats:
            res.floats.append(x)
    res.covered.update(keys)
    res.checks += n
    res.worst_ratio, res.worst_at = best, best_at
    _extend_lengths(res, L, decided=True)
    return True


def _extend_lengths(res: ConeOutcome, L: int, decided: bool) -> None:
    if decided:
        res.lengths = (res.lengths[0], L) if res.lengths else (L, L)


# ----------------------------------------------------------------------------------------
# counterexamples on rays
# ----------------------------------------------------------------------------------------
def _dense_ray_law(L: int, k: int | None, q: int):
    """A dense exact law with profile ``log q · r_k`` (``k = None``: a point mass), or None if too big."""
    from ..laws import families as fam

    if k is None:
        return fam.iid(L, [Fraction(1), Fraction(0)]) if 2**L <= DENSE_CELLS else None
    if q**L > DENSE_CELLS:
        return None
    if q == 2:
        if k == 0:
            return fam.iid(L, [Fraction(1, 2), Fraction(1, 2)])
        if k == 1:
            return fam.repeated_symbol(L, 2)
        return fam.parity(L, 2)
    return fam.mds_code(L, k, q)


def _structured_ray_law(L: int, k: int | None, q: int):
    from .. import structured as S

    if k is None or k == 0:
        return None
    if q == 2:
        return S.repeated_symbol(L, 2) if k == 1 else S.parity(L, 2)
    return S.mds_code(L, k, q)


def _side_value(const: Fraction, ray, n: int, q: int):
    """``const + n · ray · log q`` exactly (LogForm), a certified interval when the ray value is an
    enclosure (``mpmath.iv``), or a float when it is irrational."""
    if isinstance(ray, float):
        return float(const) + n * ray * math.log(q)
    if _is_interval(ray):
        import mpmath

        c = mpmath.iv.mpf(Fraction(const).numerator) / Fraction(const).denominator
        return c + n * ray * mpmath.iv.log(q)
    return LogForm.log(Fraction(q), Fraction(ray) * n) + const


def _is_interval(x) -> bool:
    import mpmath

    return isinstance(x, mpmath.iv.mpf)


def _mid(x) -> float:
    return float(x.mid) if _is_interval(x) else float(x)


def cone_counterexample(c: Claim, check: Check, d, ctx, max_prec: int) -> dict:
    """The law behind a failing ray (or a point mass), both sides exact, re-checked on the law."""
    L, k = ctx.L, d.ray
    if k is None:
        q, n = None, 0
        lhs, rhs = d.lhs_const, d.rhs_const
    else:
        q = 2 if k in (0, 1, L - 1) else _prime_at_least(L)
        D_ray = _mid(d.rhs_ray) - _mid(d.lhs_ray)
        if _group(check.kind) == "ge":
            D_ray = -D_ray
        D_const = float(d.rhs_const - d.lhs_const) * (-1 if _group(check.kind) == "ge" else 1)
        n = 1
        if D_const > 0 and D_ray < 0:
            n = max(1, math.floor(D_const / (-D_ray * math.log(q))) + 1)
        lhs, rhs = _side_value(d.lhs_const, d.lhs_ray, n, q), _side_value(d.rhs_const, d.rhs_ray, n, q)
        for _ in range(4):  # guard the float estimate of the number of copies
            if compare_sides(lhs, rhs, _group(check.kind) if check.kind != "eq" else "eq").outcome == "violated":
                break
            n *= 2
            lhs, rhs = _side_value(d.lhs_const, d.lhs_ray, n, q), _side_value(d.rhs_const, d.rhs_ray, n, q)
    kind = check.kind
    base = {"lt": "le", "gt": "ge"}.get(kind, kind)
    cmp = compare_sides(lhs, rhs, base, max_prec=max_prec)
    if kind in ("lt", "gt") and cmp.outcome == "holds" and cmp.slack == 0:
        certified = True  # a tie violates the strict claim
    else:
        certified = cmp.outcome == "violated" and cmp.certified
    desc = ray_law_description(L, k, q)
    outcomes = 1 if k is None else q ** L
    if n > 1:
        desc["copies"] = n
        desc["profile"] = f"{n} log {q} · r_{k}"
    out = {
        "law": None, "ray_law": desc, "sizes": list(check.sizes) if check.sizes is not None else None,
        "lhs": _text(cmp.lhs_exact, cmp.lhs), "rhs": _text(cmp.rhs_exact, cmp.rhs),
        "relation": {"le": "<=", "ge": ">=", "eq": "==", "lt": "<", "gt": ">"}[kind],
        "lhs_value": cmp.lhs, "rhs_value": cmp.rhs, "lhs_interval": cmp.lhs_interval,
        "rhs_interval": cmp.rhs_interval, "certified": certified,
        "case": f"profile cone L={L}, ray r_{k}" if k is not None else f"profile cone L={L}, point mass",
        "check": check.label or None, "decided": True, "stage": "cone", "L": L, "outcomes": outcomes,
        "ray": {"k": k, "lhs": str(d.lhs_ray) if k is not None else None,
                "rhs": str(d.rhs_ray) if k is not None else None,
                "lhs_const": str(d.lhs_const), "rhs_const": str(d.rhs_const)},
    }
    if check.note:
        out["note"] = check.note
    try:
        dense = _dense_ray_law(L, k, q) if n <= 1 else None
        if dense is not None:
            out["law"] = dense.to_json()
        law = dense if dense is not None else (_structured_ray_law(L, k, q) if n <= 1 else None)
    except (ValueError, TypeError) as exc:  # the ray decision stands; say why no law was built
        out["recheck"] = {"outcome": "not rechecked", "reason": f"{type(exc).__name__}: {exc}"}
        return out
    out["recheck"] = _recheck(c, check, law, ctx, max_prec)
    _gate(out)
    return out


def _gate(out: dict) -> None:
    """The re-check on the real law gates the certificate (issue 19): ``certified`` needs the law to
    agree (violated); a float law value that holds leaves the counterexample uncertified; an exact
    law value that holds is a disagreement — a bug of the cone, reported
    by the runner as ``error`` with both computations —, and a claim that raised on the law is an
    error too. With no law built (too many outcomes, ``n`` copies) the ray decision stands alone
    and the re-check says so."""
    rc = out.get("recheck")
    if rc is None:
        out["recheck"] = {"outcome": "not rechecked", "reason": "no law of this size is built (more than "
                          f"{DENSE_CELLS} outcomes and no structured form, or several copies)"}
        return
    outcome = rc["outcome"]
    if outcome == "violated":  # agreement (a float re-check of a long structured law agrees too: the
        return                 # certificate is the exact ray sides, the re-check confirms them)
    if outcome == "holds" and not rc.get("certified"):  # a float law value cannot confirm it
        out["certified"] = False
        rc["reason"] = "the law's float computation does not confirm the violation"
    elif outcome == "holds":
        out["certified"] = False
        out["disagreement"] = (f"the cone says violated (lhs {out['lhs']}, rhs {out['rhs']}) but the law's own "
                               f"computation holds (lhs {rc['lhs']}, rhs {rc['rhs']})")
    elif outcome == "error":
        out["certified"] = False
        out["disagreement"] = f"the claim raised on the ray's law: {rc['reason']}"
    elif outcome == "undecided":
        out["certified"] = False


def _prime_at_least(n: int) -> int:
    from ..structured.cone import smallest_prime_at_least

    return smallest_prime_at_least(n)


def _text(exact, value):
    return exact if exact is not None else repr(float(value))


def _recheck(c: Claim, check: Check, law, ctx, max_prec: int) -> dict | None:
    """Run the claim on the real law and compare the same comparison exactly."""
    if law is None:
        return None
    from ..suites import SuiteCase
    from .context import CaseContext

    sizes = tuple(check.sizes) if check.sizes is not None else None
    case = SuiteCase(f"ray law L={ctx.L}", "ray", {}, (sizes,) if sizes else tuple(ctx.case.schedules[:1]),
                     lambda: law, None, law)
    try:
        real = CaseContext(case, ctx.suite)
        for got in per_law_checks(c, real):
            if got.label == check.label and (got.sizes is None or sizes is None or tuple(got.sizes) == sizes) \
                    and got.kind == check.kind:
                base = {"lt": "le", "gt": "ge"}.get(check.kind, check.kind)
                cmp = compare_sides(got.lhs, got.rhs, base, max_prec=max_prec)
                viol = cmp.outcome == "violated" or (check.kind in ("lt", "gt") and cmp.slack == 0)
                return {"outcome": "violated" if viol else cmp.outcome, "certified": cmp.certified,
                        "lhs": _text(cmp.lhs_exact, cmp.lhs), "rhs": _text(cmp.rhs_exact, cmp.rhs)}
    except NotInFragment as exc:
        return {"outcome": "not rechecked", "reason": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:  # noqa: BLE001 - the claim's own code raised on a real law: an error (_gate)
        return {"outcome": "error", "reason": f"{type(exc).__name__}: {exc}"}
    return {"outcome": "not rechecked", "reason": "the comparison does not arise on the law"}
