"""Claims about masked diffusion samplers: the catalogue (docs/theory.md §4-§5) and user claims.

Layer: questions asked of the engine. May import everything below it (arith, laws, schedules,
engine, adaptive, structured, decoding, suites); only search, the CLI and the public API import it.

A :class:`Claim` is data (id, statement, formula, provenance, hypotheses, quantifier) plus
the comparisons that test it. The comparisons come in one of four shapes:

* ``sides(law, sizes) -> (lhs, rhs)``: the user form, ``lhs <= rhs`` (``kind="le"``),
  ``>=`` (``"ge"``) or ``==`` (``"eq"``), checked on every law and schedule of a suite;
* ``schedule_checks(ctx, sizes)``: catalogue form of the same, yielding :class:`Check`
  objects from a shared per-case context (profile computed once per law);
* ``case_checks(ctx)``: the claim picks its own schedules (a named family, a grid of rho);
* ``global_checks(suite) -> (checks, figures)``: existence and limit claims, checked on a
  witness or a sequence the claim builds itself.

Catalogue claims may set ``global_kind="exact"`` (their global checks are complete for what
they state: exact witnesses, arithmetic on schedules) and ``profile_only=True`` (their per-law
comparisons depend on the law only through its profile, so where the profile cone decided them
— docs/theory.md §8 — the suite's laws of those lengths are not computed again).

A claim whose available statement is incomplete carries ``incomplete="reason"`` and is
reported as such, never checked. ``requires`` lists ``module:attribute`` names the claim
needs; when one is missing the verdict is ``not-applicable`` with the reason.

User claims::

    from exactdlm.claims import claim
    import exactdlm as ed

    @claim(id="my-bound", statement="EKL <= TC / 2", source="user")
    def my_bound(law, sizes):
        return ed.expected_kl(law, sizes), ed.total_correlation(law) / 2

``load_claims_file(path)`` imports such a file and returns the claims it defines.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from ..laws.joint import input_file_problem

KINDS = ("le", "ge", "eq")
QUANTIFIERS = ("each law and schedule", "named schedule family", "exists", "limit")
PROVENANCE_KINDS = ("first-hand", "secondary", "derived", "user")
VERDICTS = ("holds", "violated", "undecided", "not-applicable", "incomplete", "error", "consistent-float")
#: what a verdict covers: decided for every law (profile cone), sampled on the suite's laws, both, or
#: shown on explicit witnesses (existence parts checked exactly on the laws they name)
SCOPES = ("all laws", "suite", "mixed", "witness")
GLOBAL_KINDS = ("sampled", "exact")
CATALOGUE_MODULES = ("ccl", "derived", "lc", "lz", "sar", "zc")
#: the 2026 statements of issue 21 (one module per source)
CATALOGUE_MODULES += ("dhw", "pbench", "fastdllm", "feng", "demask")
CATALOGUE_MODULES += ("eb", "caili")  # the 2026 samplers' guarantees (issue 21)
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$")


class ClaimError(ValueError):
    """A claim that cannot be checked as written (bad definition, bad file, wrong shape)."""


@dataclass(frozen=True)
class Provenance:
    """Where a statement comes from: the paper, the theorem, and how we know it."""

    paper: str = ""
    theorem: str = ""
    kind: str = "user"

    def __post_init__(self):
        if self.kind not in PROVENANCE_KINDS:
            raise ClaimError(f"provenance kind must be one of {PROVENANCE_KINDS}, got {self.kind!r}")

    def __str__(self):
        head = " ".join(x for x in (self.paper, self.theorem) if x)
        return f"{head} [{self.kind}]" if head else f"[{self.kind}]"

    def to_json(self) -> dict:
        return {"paper": self.paper, "theorem": self.theorem, "kind": self.kind}


@dataclass
class Check:
    """One comparison ``lhs <kind> rhs``.

    ``sizes`` and ``law`` say where it was made (``law=None``: the suite case's law);
    ``label`` names the part of the claim; ``note`` holds JSON-able parameters (rho, K, ...);
    ``figures`` maps a figure name to ``("min" | "max" | "sum", value)`` to be aggregated over
    the suite (e.g. the smallest ratio seen); ``rated=False`` keeps an auxiliary comparison
    (a step count, a schedule's constant) out of the claim's worst ratio. ``float_atol``: the
    absolute tolerance of a float comparison (default: the case's, from the size of the
    quantities; exact sides ignore it).
    """

    lhs: Any
    rhs: Any
    kind: str = "le"
    sizes: tuple | None = None
    label: str = ""
    law: Any = None
    note: dict | None = None
    figures: dict | None = None
    rated: bool = True
    float_atol: float | None = None


@dataclass
class Claim:
    """A statement to check; see the module docstring for the four shapes of comparison."""

    id: str
    statement: str
    formula: str = ""
    source: str = "user"
    provenance: Provenance = field(default_factory=Provenance)
    hypotheses: str = "every law and every schedule of the suite"
    quantifier: str = "each law and schedule"
    kind: str = "le"
    sides: Callable | None = None
    applies: Callable | None = None
    schedule_checks: Callable | None = None
    case_checks: Callable | None = None
    global_checks: Callable | None = None
    incomplete: str | None = None
    requires: tuple = ()
    origin: str = "catalogue"
    global_kind: str = "sampled"
    profile_only: bool = False

    def __post_init__(self):
        where = f"claim {self.id!r}" + (f" in {self.origin}" if self.origin != "catalogue" else "")
        if not isinstance(self.id, str) or not _ID_RE.match(self.id):
            raise ClaimError(
                f"claim id must be a non-empty string of letters, digits and _.:+- (no spaces), got {self.id!r}"
            )
        if not isinstance(self.statement, str) or not self.statement.strip():
            raise ClaimError(f"{where}: statement must be a non-empty string, e.g. 'EKL <= TC / 2'")
        if self.kind not in KINDS:
            raise ClaimError(f"{where}: kind must be one of {KINDS} (lhs <= rhs, lhs >= rhs, lhs == rhs), got {self.kind!r}")
        if self.global_kind not in GLOBAL_KINDS:
            raise ClaimError(f"{where}: global_kind must be one of {GLOBAL_KINDS}, got {self.global_kind!r}")
        if self.quantifier not in QUANTIFIERS:
            raise ClaimError(f"{where}: quantifier must be one of {QUANTIFIERS}, got {self.quantifier!r}")
        if isinstance(self.provenance, str):
            self.provenance = Provenance(paper=self.provenance, kind="user" if self.source == "user" else "derived")
        shapes = [f for f in (self.sides, self.schedule_checks, self.case_checks, self.global_checks) if f is not None]
        if self.incomplete is None and not shapes:
            raise ClaimError(f"{where}: give sides(law, sizes), or mark it incomplete with the reason")
        for name in ("sides", "applies", "schedule_checks", "case_checks", "global_checks"):
            f = getattr(self, name)
            if f is not None and not callable(f):
                raise ClaimError(f"{where}: {name} must be callable, got {type(f).__name__}")

    @property
    def per_schedule(self) -> bool:
        return self.sides is not None or self.schedule_checks is not None

    def missing_requirement(self) -> str | None:
        """The first ``module:attribute`` in ``requires`` that this build lacks, else None."""
        for req in self.requires:
            mod, _, attr = req.partition(":")
            try:
                m = importlib.import_module(mod)
            except ImportError:
                return req
            if attr and not hasattr(m, attr):
                return req
        return None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "statement": self.statement,
            "formula": self.formula,
            "source": self.source,
            "provenance": self.provenance.to_json(),
            "hypotheses": self.hypotheses,
            "quantifier": self.quantifier,
            "kind": self.kind,
            "origin": self.origin,
        }


# ----------------------------------------------------------------------------------------
# registry
# ----------------------------------------------------------------------------------------
_CATALOGUE: dict[str, Claim] = {}
_USER: dict[str, Claim] = {}
_COLLECTORS: list[list[Claim]] = []
_LOADED = False


def register_catalogue(c: Claim) -> Claim:
    """Add a catalogue claim (used by the catalogue modules)."""
    if c.id in _CATALOGUE:
        raise ClaimError(f"catalogue claim id {c.id!r} is registered twice")
    _CATALOGUE[c.id] = c
    return c


def _register_user(c: Claim) -> None:
    if c.id in catalogue_ids():
        raise ClaimError(f"{c.origin}: claim id {c.id!r} is taken by the catalogue; choose another id")
    if _COLLECTORS:
        if any(o.id == c.id for o in _COLLECTORS[-1]):
            raise ClaimError(f"{c.origin}: claim id {c.id!r} is defined twice in this file")
        _COLLECTORS[-1].append(c)
    else:
        _USER[c.id] = c  # redefining in a session replaces the earlier claim


def claim(id, statement, source="user", *, kind="le", formula="", provenance=None, paper="", theorem="",
          hypotheses="every law and every schedule of the suite", applies=None):
    """Decorator registering ``fn(law, sizes) -> (lhs, rhs)`` as a claim ``lhs <kind> rhs``.

    ``kind``: ``"le"`` (default), ``"ge"`` or ``"eq"``. ``applies(law, sizes) -> bool``
    restricts the laws and schedules it speaks of. Returns ``fn`` with ``fn.claim`` set.
    """

    def deco(fn):
        if not callable(fn):
            raise ClaimError(f"@claim(id={id!r}) must decorate a function (law, sizes) -> (lhs, rhs)")
        origin = _origin_of(fn)
        prov = provenance
        if prov is None:
            pkind = source if source in PROVENANCE_KINDS else ("user" if source == "user" else "secondary")
            prov = Provenance(paper=paper, theorem=theorem, kind=pkind)
        c = Claim(id=id, statement=statement, formula=formula, source=source, provenance=prov,
                  hypotheses=hypotheses, kind=kind, sides=fn, applies=applies, origin=origin)
        _register_user(c)
        fn.claim = c
        return fn

    return deco


def _origin_of(fn) -> str:
    code = getattr(fn, "__code__", None)
    return code.co_filename if code is not None else "user"


def load_catalogue() -> None:
    """Import the catalogue modules (each registers its claims) once."""
    global _LOADED
    if _LOADED:
        return
    for name in CATALOGUE_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    _LOADED = True


def catalogue() -> list[Claim]:
    """The catalogue claims, in the order of docs/theory.md (identities E1-E7, then the bounds of §5)."""
    load_catalogue()
    return sorted(_CATALOGUE.values(), key=lambda c: _ORDER.get(c.id, len(_ORDER)))


def catalogue_ids() -> list[str]:
    load_catalogue()
    return list(_CATALOGUE)


def user_claims() -> list[Claim]:
    """Claims registered by ``@claim`` outside any claims file (e.g. in a notebook)."""
    return list(_USER.values())


def get(claim_id: str) -> Claim:
    load_catalogue()
    if claim_id in _CATALOGUE:
        return _CATALOGUE[claim_id]
    if claim_id in _USER:
        return _USER[claim_id]
    raise ClaimError(f"unknown claim id {claim_id!r}; valid ids: {', '.join(catalogue_ids())}")


_ORDER = {cid: i for i, cid in enumerate(
    ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "SAR", "SAR-TC", "LC-T1", "LC-C1", "LC-T2", "LC-tight", "SH-1", "CCL-1.9",
     "G-DTC", "G-TC", "G-MIN", "WC", "IMP", "ZC-TC", "ZC-DTC", "LZ-sqrt", "MIX"])}
#: the 2026 statements (issue 21), after the others
_ORDER.update({cid: len(_ORDER) + i for i, cid in enumerate(
    ["DHW-Deff", "DHW-sup", "PB-1", "PB-T", "PB-mono", "FD-T1", "FD-T1-tight", "FENG-TER", "FENG-SER",
     "DEMASK-sub", "LC-T2-r1", "LC-T2-r2", "LC-T2-r3"])})
#: the 2026 samplers' guarantees (issue 21: EB-sampler, Cai–Li), after those
_ORDER.update({cid: len(_ORDER) + i for i, cid in enumerate(["EB-step", "EB-KL", "CL-step", "CL-KL", "CL-iter"])})


# ----------------------------------------------------------------------------------------
# user claims files
# ----------------------------------------------------------------------------------------
_FILE_MODULES: dict[str, list[Claim]] = {}


def load_claims_file(path) -> list[Claim]:
    """Import a Python file of ``@claim`` functions and return its claims (in definition order).

    Raises :class:`ClaimError` (a ``ValueError``) in one line naming the file when it is
    missing, does not import, or defines no claims. A file loaded twice is imported once.
    """
    path = os.path.abspath(os.fspath(path))
    if path in _FILE_MODULES:
        return list(_FILE_MODULES[path])
    problem = input_file_problem(path, missing="not found")
    if problem:
        raise ClaimError(f"claims file {path}: {problem}; pass the path of a .py file defining @claim functions")
    if not path.endswith(".py"):
        raise ClaimError(f"claims file {path}: not a .py file; claims are Python functions decorated with @claim")
    load_catalogue()
    modname = f"exactdlm_user_claims_{len(_FILE_MODULES)}_{abs(hash(path)) % 10**8}"
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    _COLLECTORS.append([])
    try:
        sys.modules[modname] = module
        spec.loader.exec_module(module)
    except ClaimError as exc:
        sys.modules.pop(modname, None)
        raise ClaimError(f"claims file {path}: {exc}") from None
    except BaseException as exc:  # noqa: BLE001 - any failure of user code is reported in one line
        sys.modules.pop(modname, None)
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise ClaimError(f"claims file {path}: does not import: {_describe(exc, path)}") from None
    finally:
        found = _COLLECTORS.pop()
    for c in found:
        c.origin = path
    if not found:
        raise ClaimError(
            f"claims file {path} defines no claims; decorate a function (law, sizes) -> (lhs, rhs) "
            "with @claim(id=..., statement=..., source='user') from exactdlm.claims"
        )
    _FILE_MODULES[path] = found
    return list(found)


def _describe(exc: BaseException, path: str) -> str:
    """``Type: message (line N)``, the line taken from the innermost frame in ``path``."""
    msg = " ".join(str(exc).split())
    line = None
    if isinstance(exc, SyntaxError) and exc.lineno:
        line = exc.lineno
        msg = exc.msg
    else:
        for fr in traceback.extract_tb(exc.__traceback__):
            if os.path.abspath(fr.filename) == path:
                line = fr.lineno
    where = f" (line {line})" if line else ""
    return f"{type(exc).__name__}: {msg}{where}" if msg else f"{type(exc).__name__}{where}"


def describe_error(exc: BaseException, claim_obj: Claim) -> str:
    """One line for an exception raised inside a claim, with the line in the claim's file."""
    origin = claim_obj.origin if os.path.isfile(claim_obj.origin) else ""
    return _describe(exc, os.path.abspath(origin)) if origin else _describe(exc, "")


def verify(suite="quick", *, files=(), only=None, claims=None, jobs: int = 1, max_prec: int = 4096, progress=None):
    """Check claims on a suite and return the report (``runner.Report``; ``report.results``,
    ``report.to_json()``, ``exactdlm.claims.report.render(report)`` for the table).

    ``claims``: Claim objects (default: the catalogue plus the claims of ``files``); ``only``:
    restrict to these ids; ``suite``: a suite name or a ``suites.Suite``.
    """
    from ..suites import get_suite
    from . import runner

    if claims is None:
        claims = catalogue() + [c for f in files for c in load_claims_file(f)]
    claims = list(claims)
    if only is not None:
        ids = [c.id for c in claims]
        unknown = [i for i in only if i not in ids]
        if unknown:
            raise ClaimError(f"unknown claim id(s) {', '.join(unknown)}; valid ids: {', '.join(ids)}")
        claims = [c for c in claims if c.id in set(only)]
    s = get_suite(suite) if isinstance(suite, str) else suite
    return runner.run(claims, s, jobs=jobs, max_prec=max_prec, progress=progress)


__all__ = [
    "KINDS",
    "QUANTIFIERS",
    "SCOPES",
    "VERDICTS",
    "Check",
    "Claim",
    "ClaimError",
    "Provenance",
    "catalogue",
    "catalogue_ids",
    "claim",
    "get",
    "load_catalogue",
    "load_claims_file",
    "register_catalogue",
    "user_claims",
    "verify",
    "min_of",
    "sqrt_of_product",
    "NotInFragment",
]


def __getattr__(name):  # the helpers import arith/structured; load them on first use
    if name in ("min_of", "sqrt_of_product"):
        from . import helpers

        return getattr(helpers, name)
    if name == "NotInFragment":
        from ..structured.cone import NotInFragment

        return NotInFragment
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
