"""``exactdlm law``: the sampler's exact output law for one law and schedule (docs/theory.md §2, §4).

Prints the mixture KL ``KL(p || q)``, the reverse ``KL(q || p)``, the entropy ``H(q)`` and the
exact generative perplexity ``exp(E_q[-log p] / L)`` (the metrics that stay finite under greedy
decoding, docs/theory.md §2a), the expected KL ``E_S KL(p || q̂_S)`` (with a learned
predictor: EKL + E_learn of (E6)), the learning error, the total variation ``TV(p, q)`` and
the per-step breakdown of a fixed schedule (each step's share of (E1) and of E_learn); for
random sizes the exact ``E[N_j]`` of (E4); for value-adaptive rules the right side of (E5).
The law is a named family (``--family NAME --L N [--V N] --param k=v``) or a saved law
(``--law FILE``); the schedule a spec string (``balanced:4``, ``sizes:2,1,1``,
``geometric_dtc:0.5``, ``bernoulli:4``, ``cutpoints:4:tc``, ``semiar:4/2``, ``confidence:4``, ...)
or a production preset (``llada:steps=4,block=2``, ``dream:steps=4,alg=entropy,T=0.5``,
``fastdllm:threshold=0.9``, ``mdlm:steps=8,noise=cosine``); ``--ties`` sets how the presets
break exact ties between positions.
"""

from __future__ import annotations

import math

from ..engine import cost
from ..engine.divergence import entropy, gen_ppl, kl, tv
from ..arith import LogForm
from ..laws import JointLaw
from ..laws.budget import check_time
from ..laws.joint import check_fits, lattice_bytes
from ..engine.predictors import parse_predictor_spec
from ..engine.sampler import expected_kl, learning_error, sampler_law, step_breakdown
from ..decoding import AdaptiveSpec, is_preset, parse_schedule_spec, with_ties
from ..schedules import DecodingRule, Schedule, expected_N
from ._checks import json_text
from .info import add_law_arguments, build_law

NAME = "law"
HELP = "the sampler's exact output law for a law and a schedule: mixture KL, EKL, TV, per step"


def add_arguments(parser) -> None:
    add_law_arguments(parser)
    parser.add_argument(
        "--schedule", required=True, metavar="SPEC",
        help="sizes:2,1,1 | balanced:K | floor_last:K | cosine:K | linear:K | loglinear:K | geometric_dtc:RHO | "
        "geometric_tc:RHO | two_sided:RHO | optimal:K | bernoulli:K | cutpoints:K[:tc|dtc] | semiar:BLOCK/K | "
        "confidence:K | margin:K | entropy:K | threshold:TAU | select:K | "
        "llada:steps=S[,block=B,T=t,remask=low_confidence|random] | "
        "dream:steps=S[,alg=origin|maskgit_plus|topk_margin|entropy,T=t,alg_temp=a,eps=e] | "
        "fastdllm:threshold=TAU[,block=B,T=t,model=llada|dream] | mdlm:steps=S[,noise=loglinear|cosine,sampler=ddpm|ddpm_cache]",
    )
    parser.add_argument(
        "--ties", choices=("uniform", "lowest"), default="uniform",
        help="presets: exact ties between positions broken uniformly at random (default) or to the lowest index",
    )
    parser.add_argument(
        "--predictor", metavar="SPEC", default=None,
        help="exact (default) | temperature:T | mix:LAM | noisy:SCALE[:SEED] | law:FILE",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


#: exact metrics written as canonical forms of about ``V^L`` terms each (``KL(p||q)``,
#: ``KL(q||p)``, ``H(q)``), for the time estimate
METRIC_FORMS = 3


def _num(x):
    """A value as a float (``inf`` stays ``inf``) and, for exact values, its exact text."""
    if isinstance(x, LogForm):
        from ..arith import canonical

        return float(x), str(canonical(x))
    if hasattr(x, "numerator") and not isinstance(x, (int, float)):
        return float(x), str(x)
    return float(x), None


def _describe_preset(rule) -> str:
    """``LLaDA(L=4, steps=2, T=1/2, ...)``: the preset's settings, rationals as ``p/q``."""
    import dataclasses

    args = ", ".join(f"{f.name}={getattr(rule, f.name)}" if not isinstance(getattr(rule, f.name), str)
                     else f"{f.name}={getattr(rule, f.name)!r}" for f in dataclasses.fields(rule))
    return f"{type(rule).__name__}({args})"


def compute(law, schedule, predictor, q=None) -> dict:
    """Every reported quantity (floats; exact texts under ``exact_forms`` when exact); ``q``: the
    output law when already computed."""
    q = sampler_law(law, schedule, predictor) if q is None else q
    kl_pq = kl(law, q)
    values = {"mixture_kl": kl_pq, "kl_pq": kl_pq, "kl_qp": kl(q, law), "tv": tv(law, q),
              "entropy_q": entropy(q), "gen_ppl": gen_ppl(law, q)}
    out: dict = {"L": law.L, "V": law.V, "exact": q.dtype == object}
    if is_preset(schedule):
        out["schedule"] = {"preset": _describe_preset(schedule)}
    elif isinstance(schedule, AdaptiveSpec):
        out["schedule"] = {"rule": schedule.rule, "sizes": schedule.sizes,
                           "tau": None if schedule.tau is None else str(schedule.tau)}
        if schedule.rule != "select":
            from ..adaptive import adaptive_chain_rule

            values["chain_rule_E5"] = adaptive_chain_rule(law, schedule.rule, schedule.sizes, schedule.tau, predictor)
    else:
        values["ekl"] = expected_kl(law, schedule, predictor)
        if predictor is not None:
            values["learning_error"] = learning_error(law, schedule, predictor)
        if isinstance(schedule, Schedule):
            out["schedule"] = {"object": repr(schedule)}
            if schedule.uniform_positions:
                out["expected_N"] = [_num(x)[0] for x in expected_N(schedule)]
        else:
            out["schedule"] = {"sizes": list(schedule)}
            steps = []
            for row in step_breakdown(law, schedule, predictor):
                item = {"size": row["size"], "t": row["t"], "ekl": _num(row["ekl"])[0]}
                if "learn" in row:
                    item["learn"] = _num(row["learn"])[0]
                steps.append(item)
            out["steps"] = steps
    forms, seen = {}, {}
    for key, v in values.items():
        if id(v) not in seen:  # mixture_kl and kl_pq are one value: its canonical form is made once
            seen[id(v)] = _num(v)
        out[key], text = seen[id(v)]
        if text is not None:
            forms[key] = text
    if forms:
        out["exact_forms"] = forms
    return out


def _fmt(x) -> str:
    return "inf" if x == math.inf else f"{x:.12g}"


_LABELS = [
    ("mixture_kl", "KL(p || q)"),
    ("ekl", "E_S KL(p||q_S)"),
    ("learning_error", "E_learn"),
    ("kl_qp", "KL(q || p)"),
    ("tv", "TV(p, q)"),
    ("entropy_q", "H(q)"),
    ("gen_ppl", "gen. perplexity"),
    ("chain_rule_E5", "(E5) right side"),
]


def run(args) -> int:
    law, source = build_law(args)
    if not isinstance(law, JointLaw):
        # families give a structured law when the lattice does not fit; this command needs it
        check_fits(lattice_bytes(law.L, law.V, copies=2),
                   f"exactdlm law on {type(law).__name__} L={law.L}, V={law.V} (its masked lattice)")
        law = law.to_joint()
    schedule = with_ties(parse_schedule_spec(args.schedule, law.L, law), args.ties)
    predictor = parse_predictor_spec(args.predictor, law)
    if law.exact and not isinstance(schedule, (AdaptiveSpec, DecodingRule)):  # the exact KL text can dominate
        secs, detail = cost.exact_kl_text_seconds(law, schedule, predictor)
        secs *= METRIC_FORMS  # KL(p || q), KL(q || p) and H(q) share q's denominators
        check_time(secs, f"the exact metrics KL(p || q), KL(q || p), H(q) as canonical forms ({detail} each)",
                   "use a float law (--law FILE saved from a float array) or a smaller L")
    q = None
    if isinstance(schedule, (AdaptiveSpec, DecodingRule)):  # the rule guards its own law; then the texts
        q = sampler_law(law, schedule, predictor)
        secs, detail = cost.output_text_seconds(q, METRIC_FORMS)
        check_time(secs, f"the exact metrics of this rule's output law as canonical forms ({detail})",
                   "use a float law (--law FILE saved from a float array) or a smaller L")
    out = compute(law, schedule, predictor, q)
    if args.json:
        out_json = {"source": source, "schedule_spec": args.schedule, "predictor": args.predictor or "exact", **out}
        print(json_text(out_json, indent=1))
        return 0
    name = source.get("family") or source.get("law_file")
    kind = "exact" if law.exact else "float"
    print(f"law: {name}  (L={law.L}, V={law.V}, {kind})")
    print(f"schedule: {args.schedule} -> {out['schedule']}")
    print(f"predictor: {args.predictor or 'exact'}")
    print("nats" + ("; values exact (exact forms: --json)" if out["exact"] else ""))
    for key, label in _LABELS:
        if key in out:
            print(f"  {label:16s} {_fmt(out[key]):>20s}")
    if "steps" in out:
        head = f"  {'step':>4s} {'size':>4s} {'t':>4s} {'EKL share':>16s}"
        print(head + (f" {'E_learn share':>16s}" if predictor is not None else ""))
        for k, row in enumerate(out["steps"], 1):
            line = f"  {k:4d} {row['size']:4d} {row['t']:4d} {_fmt(row['ekl']):>16s}"
            if "learn" in row:
                line += f" {_fmt(row['learn']):>16s}"
            print(line)
    if "expected_N" in out:
        print("  E[N_j], j=1..L-1: " + ", ".join(_fmt(x) for x in out["expected_N"]))
    return 0
