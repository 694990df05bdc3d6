"""Spec strings: one name for every decoding procedure, as the command line and users write them.

``parse_schedule_spec("balanced:4", L)`` returns what the engine runs: a tuple of sizes, a
chain schedule (:mod:`exactdlm.schedules`) or a :class:`~exactdlm.schedules.DecodingRule`
that computes its own law (value-adaptive rules, :mod:`exactdlm.adaptive`). This module
knows every schedule kind, so it sits above the adaptive rules and the optimal DP.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..adaptive import adaptive_law, sample_then_select_law
from ..schedules import (
    BernoulliReveal,
    CutPoints,
    DecodingRule,
    SemiAR,
    balanced,
    cosine,
    floor_last,
    geometric_dtc,
    geometric_tc,
    linear,
    loglinear,
    two_sided,
    validate_sizes,
)
from .optimal import optimal

ADAPTIVE_RULES = ("confidence", "margin", "entropy", "threshold", "select")


@dataclass(frozen=True)
class AdaptiveSpec(DecodingRule):
    """A value-adaptive rule: ``rule`` in :data:`ADAPTIVE_RULES`, ``sizes`` (fixed) or ``tau``."""

    rule: str
    sizes: tuple | None = None
    tau: object = None

    def law(self, p, predictor=None):
        if self.rule == "select":
            return sample_then_select_law(p, self.sizes, predictor)
        return adaptive_law(p, self.rule, sizes=self.sizes, tau=self.tau, predictor=predictor)


_SPEC_HELP = (
    "sizes:2,1,1 | balanced:K | floor_last:K | cosine:K | linear:K | loglinear:K | "
    "geometric_dtc:RHO | geometric_tc:RHO | two_sided:RHO | optimal:K | bernoulli:K | "
    "bernoulli:R1,R2,.. | cutpoints:K[:uniform|tc|dtc] | semiar:BLOCK/K | confidence:K | "
    "margin:K | entropy:K | threshold:TAU | select:K"
)


def _int_arg(name, arg):
    try:
        return int(arg)
    except (TypeError, ValueError):
        raise ValueError(f"schedule {name}: expected an integer, got {arg!r}; e.g. {name}:4") from None


def parse_schedule_spec(spec: str, L: int, law=None):
    """Read a CLI schedule string; returns a tuple of sizes, a chain schedule or an :class:`AdaptiveSpec`.

    Forms: ``{_SPEC_HELP}``. ``optimal:K`` needs ``law``.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"schedule spec must be a non-empty string like 'balanced:4'; forms: {_SPEC_HELP}")
    name, _, arg = spec.strip().partition(":")
    name = name.strip().lower()
    fixed_k = {"balanced": balanced, "floor_last": floor_last, "cosine": cosine, "linear": linear,
               "loglinear": loglinear}
    rho_rules = {"geometric_dtc": geometric_dtc, "geometric_tc": geometric_tc, "two_sided": two_sided}
    if name in fixed_k:
        return fixed_k[name](L, _int_arg(name, arg))
    if name in rho_rules:
        return rho_rules[name](L, _spec_number(name, arg))
    if name == "sizes":
        return validate_sizes([_int_arg(name, x) for x in arg.split(",")], L)
    if name == "optimal":
        if law is None:
            raise ValueError("schedule optimal:K needs the law; pass law=...")
        return optimal(law, _int_arg(name, arg))
    if name == "bernoulli":
        if any(c in arg for c in "./,") :
            return BernoulliReveal(L, [Fraction(x.strip()) for x in arg.split(",")])
        return BernoulliReveal.mdlm(L, _int_arg(name, arg))
    if name == "cutpoints":
        k, _, w = arg.partition(":")
        return CutPoints(L, _int_arg(name, k), w or "uniform")
    if name == "semiar":
        bl, _, k = arg.partition("/")
        return SemiAR(_int_arg(name, bl), _int_arg(name, k or "1"), L=L)
    if name in ("confidence", "margin", "entropy", "select"):
        return AdaptiveSpec(name, balanced(L, _int_arg(name, arg)))
    if name == "threshold":
        return AdaptiveSpec(name, None, _spec_number(name, arg))
    raise ValueError(f"unknown schedule {spec!r}; forms: {_SPEC_HELP}")


def _spec_number(name, arg):
    try:
        return Fraction(arg.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"schedule {name}: expected a number like 0.5 or 1/2, got {arg!r}") from None


parse_schedule_spec.__doc__ = parse_schedule_spec.__doc__.replace("{_SPEC_HELP}", _SPEC_HELP)
