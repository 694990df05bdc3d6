"""Spec strings: one name for every decoding procedure, as the command line and users write them.

``parse_schedule_spec("balanced:4", L)`` returns what the engine runs: a tuple of sizes, a
chain schedule (:mod:`exactdlm.schedules`) or a :class:`~exactdlm.schedules.DecodingRule`
that computes its own law (value-adaptive rules, :mod:`exactdlm.adaptive`). This module
knows every schedule kind, so it sits above the adaptive rules and the optimal DP.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from ..adaptive import adaptive_law, sample_then_select_law
from ..adaptive.dream import ALGS as DREAM_ALGS, DEFAULT_EPS as DREAM_EPS, Dream
from ..adaptive.fastdllm import MODELS as FASTDLLM_MODELS, FastDLLM
from ..adaptive.llada import REMASK as LLADA_REMASK, LLaDA
from ..adaptive.mdlm import NOISES as MDLM_NOISES, SAMPLERS as MDLM_SAMPLERS, MDLM
from ..adaptive.steplaw import check_ties
from ..adaptive.dus import SCHEDULERS as DUS_SCHEDULERS, DUS
from ..adaptive.eb import EB, CaiLi
from ..adaptive.entropy_sum import ORDERS as CAILI_ORDERS
from ..adaptive.fastdllm_factor import FastDLLMFactor
from ..adaptive.fastdllm_dream import RULES as FD_RULES, FastDLLMDream
from ..adaptive.remdm import DEFAULTS as REMDM_DEFAULTS, SAMPLERS as REMDM_SAMPLERS, ReMDM
from ..engine.sampler import sampler_law
from ..laws import as_law
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
    "margin:K | entropy:K | threshold:TAU | select:K | "
    "llada:steps=S[,block=B,T=t,remask=low_confidence|random] | "
    "dream:steps=S[,alg=origin|maskgit_plus|topk_margin|entropy,T=t,alg_temp=a,eps=e] | "
    "fastdllm:threshold=TAU[,block=B,T=t,model=llada|dream] | "
    "mdlm:steps=S[,noise=loglinear|cosine,sampler=ddpm|ddpm_cache]"
    " | fastdllm:factor=F[,block=B,T=t] | eb:gamma=G[,T=t,block=B] | caili:eps=E[,order=random|entropy,T=t] | "
    "dus:block=B[,base=b,skip=s,scheduler=dilated|binary,T=t] | "
    "remdm:steps=S[,sampler=loop|cap|rescale|conf|mdlm,eta=e,t_on=a,t_off=b,alpha_on=c] | "
    "fastdllm_dream:steps=S[,rule=threshold|entropy,threshold=TAU,block=B,T=t,alg_temp=a,top_p=p,top_k=k]"
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
    if name in PRESETS:
        return parse_preset(name, arg, L)
    raise ValueError(f"unknown schedule {spec!r}; forms: {_SPEC_HELP}")


def _spec_number(name, arg):
    try:
        return Fraction(arg.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"schedule {name}: expected a number like 0.5 or 1/2, got {arg!r}") from None


parse_schedule_spec.__doc__ = parse_schedule_spec.__doc__.replace("{_SPEC_HELP}", _SPEC_HELP)


# ----------------------------------------------------------------------------------------
# the production presets: name:key=value[,key=value]*
# ----------------------------------------------------------------------------------------
_INT, _NUM = "integer", "number"
#: per preset: key -> (kind or tuple of choices, default; ``None`` = required, ``"L"`` = the length,
#: ``"auto"``: MDLM's default ``ddpm_cache``, or ``ddpm`` where the cache cannot run (cosine noise))
PRESETS = {
    "llada": {"steps": (_INT, None), "block": (_INT, "L"), "T": (_NUM, Fraction(0)),
              "remask": (LLADA_REMASK, "low_confidence")},
    "dream": {"steps": (_INT, None), "alg": (DREAM_ALGS, "origin"), "T": (_NUM, Fraction(0)),
              "alg_temp": (_NUM, Fraction(0)), "eps": (_NUM, DREAM_EPS)},
    "fastdllm": {"threshold": (_NUM, None), "block": (_INT, "L"), "T": (_NUM, Fraction(0)),
                 "model": (FASTDLLM_MODELS, "llada")},
    "mdlm": {"steps": (_INT, None), "noise": (MDLM_NOISES, "loglinear"), "sampler": (MDLM_SAMPLERS, "auto")},
}
_PRESET_CLASSES = {"llada": LLaDA, "dream": Dream, "fastdllm": FastDLLM, "mdlm": MDLM}
# the 2026 presets (issue 21): Fast-dLLM's factor rule (``fastdllm:factor=...``), EB, Cai–Li, DUS
PRESETS["fastdllm_factor"] = {"factor": (_NUM, None), "block": (_INT, "L"), "T": (_NUM, Fraction(0))}
PRESETS["eb"] = {"gamma": (_NUM, None), "T": (_NUM, Fraction(1)), "block": (_INT, "L")}
PRESETS["caili"] = {"eps": (_NUM, None), "order": (CAILI_ORDERS, "random"), "T": (_NUM, Fraction(1))}
PRESETS["dus"] = {"block": (_INT, None), "base": (_INT, 2), "skip": (_INT, 1), "scheduler": (DUS_SCHEDULERS, "dilated"),
                  "T": (_NUM, Fraction(0))}
PRESETS["dream"]["linspace"] = (("fma", "scalar"), "fma")  # torch.linspace's CPU kernel: FMA builds or the scalar one
PRESETS["dream"]["top_p"] = (_NUM, Fraction(1))  # sample_tokens' nucleus truncation (1 = off)
PRESETS["dream"]["top_k"] = (_INT, 0)  # sample_tokens' top-k truncation (0 = off)
PRESETS["fastdllm_dream"] = {"steps": (_INT, None), "rule": (FD_RULES, "threshold"), "threshold": (_NUM, Fraction(9, 10)),
                             "block": (_INT, "L"), "T": (_NUM, Fraction(0)), "alg_temp": (_NUM, Fraction(0)),
                             "top_p": (_NUM, Fraction(1)), "top_k": (_INT, 0)}
PRESETS["remdm"] = {"steps": (_INT, None), "sampler": (REMDM_SAMPLERS, "loop"),
                    **{k: (_NUM, v) for k, v in REMDM_DEFAULTS.items()}}
_PRESET_CLASSES.update({"fastdllm_dream": FastDLLMDream, "fastdllm_factor": FastDLLMFactor, "eb": EB, "caili": CaiLi, "dus": DUS, "remdm": ReMDM})
#: other spellings of a key, as the real code names the argument (LLaDA's ``remasking=``)
_KEY_ALIASES = {"llada": {"remasking": "remask"}}


def _preset_value(name, key, kind, text):
    if isinstance(kind, tuple):
        if text not in kind:
            raise ValueError(f"{name}: {key} must be one of {', '.join(kind)}, got {text!r}")
        return text
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        example = "an integer like 4" if kind == _INT else "a number like 0.5 or 1/2"
        raise ValueError(f"{name}: {key} must be {example}, got {text!r}") from None
    if kind == _INT:
        if value.denominator != 1:
            raise ValueError(f"{name}: {key} must be an integer, got {text!r}")
        return int(value)
    return value


def parse_preset(name: str, arg: str, L: int, ties: str = "uniform"):
    """``name:key=value[,key=value]*`` as a preset rule (keys in any order, numbers exact rationals).

    Unknown, duplicate or missing required keys are a ``ValueError`` naming the key.
    """
    if name == "fastdllm" and any(x.partition("=")[0].strip() == "factor" for x in arg.split(",")):
        if any(x.partition("=")[0].strip() == "threshold" for x in arg.split(",")):
            raise ValueError("fastdllm: give threshold or factor, not both (Fast-dLLM uses factor when it is set)")
        name = "fastdllm_factor"
    keys = PRESETS[name]
    given: dict = {}
    for item in [x.strip() for x in arg.split(",")] if arg.strip() else []:
        key, eq, text = item.partition("=")
        key, text = key.strip(), text.strip()
        key = _KEY_ALIASES.get(name, {}).get(key, key)
        if not eq or not key or not text:
            raise ValueError(f"{name}: expected key=value, got {item!r}; e.g. {_example(name)}")
        if key not in keys:
            raise ValueError(f"{name}: unknown key {key!r}; keys: {', '.join(keys)}")
        if key in given:
            raise ValueError(f"{name}: key {key!r} given twice")
        given[key] = _preset_value(name, key, keys[key][0], text)
    values = {}
    for key, (_, default) in keys.items():
        if key in given:
            values[key] = given[key]
        elif default == "L":
            values[key] = L
        elif default is None:
            raise ValueError(f"{name}: missing required key {key!r}; e.g. {_example(name)}")
        else:
            values[key] = default
    if values.get("sampler") == "auto":
        values["sampler"] = "ddpm_cache" if values["noise"] == "loglinear" else "ddpm"
    return _PRESET_CLASSES[name](L=L, ties=check_ties(ties), **values)


def _example(name: str) -> str:
    return {"llada": "llada:steps=4,block=2,T=0", "dream": "dream:steps=4,alg=entropy",
            "fastdllm": "fastdllm:threshold=0.9,block=2", "mdlm": "mdlm:steps=4,noise=cosine",
            "fastdllm_factor": "fastdllm:factor=1,block=2", "eb": "eb:gamma=0.5", "caili": "caili:eps=0.5",
            "dus": "dus:block=4", "fastdllm_dream": "fastdllm_dream:steps=2,threshold=0.9", "remdm": "remdm:steps=8,sampler=cap,eta=0.1"}[name]


def output_law(p, spec, predictor=None, ties: str = "uniform"):
    """The exact output law ``(V,)*L`` of any decoding procedure (docs/theory.md §2, §2a).

    ``spec``: a spec string (see :func:`parse_schedule_spec`), a tuple of sizes, a chain
    schedule or a :class:`~exactdlm.schedules.DecodingRule`. ``ties`` applies to the
    production presets (``llada``, ``dream``, ``fastdllm``, ``mdlm``): exact ties between
    positions broken ``"uniform"``-ly at random or to the ``"lowest"`` index; the other rules
    keep their lowest-index policy. Fractions when every probability involved is rational,
    float64 otherwise.
    """
    law = as_law(p)
    rule = parse_schedule_spec(spec, law.L, law) if isinstance(spec, str) else spec
    return sampler_law(law, with_ties(rule, ties), predictor)


def is_preset(rule) -> bool:
    return isinstance(rule, tuple(_PRESET_CLASSES.values()))


def with_ties(rule, ties: str):
    """``rule`` with the tie policy ``ties`` when it is a preset; any other rule unchanged."""
    check_ties(ties)
    return replace(rule, ties=ties) if is_preset(rule) and rule.ties != ties else rule
