"""``exactdlm info``: the information quantities of one law (docs/theory.md §3), in nats.

Prints H(X), the entropy profile g, the information curve Ī, TC, DTC and the MI sum
``Σ_i I(X_i; X_{-i})``. For an exact (rational) law every value is an exact log-form: the
float shown is its value and ``exact:`` gives the form over a coprime base (``--raw``: the
form as computed, before that reduction). The law is a
named family (``--family NAME --L N [--V N] --param k=v ...``) or a saved law (``--law FILE``).
"""

from __future__ import annotations

import inspect
import sys

from ..laws import families
from ..arith import LogForm
from ..engine.info import (
    dual_total_correlation,
    entropy_profile,
    info_curve,
    joint_entropy,
    mi_sum,
    total_correlation,
)
from ..laws.joint import EXACT_ENTRY_BYTES, lattice_bytes, memory_cap
from ..laws import JointLaw
from ._checks import json_text

NAME = "info"
HELP = "information quantities of a law: H(X), g, Ī, TC, DTC and Σ I (nats)"


def add_law_arguments(parser) -> None:
    """``--family``/``--law``, ``--L``, ``--V``, ``--param``: the law a command works on (see ``build_law``)."""
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--family", help=f"a named law: {', '.join(sorted(families.FAMILIES))}")
    src.add_argument("--law", metavar="FILE", help="a law saved as .json or .npz (JointLaw.save)")
    parser.add_argument("--L", type=int, help="number of positions (for --family)")
    parser.add_argument("--V", type=int, help="vocabulary size (for --family; checked if the family fixes it)")
    parser.add_argument(
        "--param", metavar="K=V", action="extend", nargs="+", default=[],
        help="family parameter, e.g. eta=1/10 or transition='[[\"1/2\",\"1/2\"],[0,1]]' (repeatable)",
    )


def add_arguments(parser) -> None:
    add_law_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--raw", action="store_true",
                        help="print exact forms as computed, not reduced to the canonical form")


def _parse_params(items) -> dict[str, str]:
    params = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--param {item!r} is not of the form k=v (e.g. --param eta=1/10)")
        params[key.strip()] = value
    return params


def build_law(args) -> tuple[JointLaw, dict]:
    """The law named by the arguments and a description of where it came from."""
    params = _parse_params(args.param)
    if args.law:
        if params or args.family:
            raise ValueError("--param goes with --family, not with --law")
        law = JointLaw.load(args.law)
        source = {"law_file": args.law}
    elif args.family:
        if args.family not in families.FAMILIES:
            raise ValueError(f"unknown family {args.family!r}; choose one of {', '.join(sorted(families.FAMILIES))}")
        sig = inspect.signature(families.FAMILIES[args.family]).parameters
        for key, value in (("L", args.L), ("V", args.V)):
            if key in params and value is not None:
                raise ValueError(f"give {key} once: --{key} or --param {key}=..., not both")
            if value is not None and key in sig:
                params[key] = str(value)
        law = families.make(args.family, **params)
        source = {"family": args.family, "params": params}
    else:
        raise ValueError("give a law: --family NAME (with --L, --V, --param k=v) or --law FILE")
    for key, value in (("L", args.L), ("V", args.V)):
        if value is not None and getattr(law, key) != value:
            raise ValueError(
                f"the law has {key}={getattr(law, key)} but --{key} {value} was given; "
                f"drop --{key} (this family sets {key} from its parameters) or change the parameters"
            )
    return law, source


def _lattice_fits(law: JointLaw) -> bool:
    if not isinstance(law, JointLaw):
        return True  # a structured law computes g and Ī through its symmetry, without the lattice
    item = EXACT_ENTRY_BYTES if law.exact else 8
    return lattice_bytes(law.L, law.V, itemsize=item) <= memory_cap()


def _exact_str(x, raw: bool = False) -> str:
    return x.to_str(raw=raw)  # canonical unless raw


def compute(law: JointLaw, raw: bool = False) -> dict:
    """Every quantity as floats, plus exact forms (strings; canonical unless ``raw``) when the law is exact."""
    values = {
        "H": joint_entropy(law),
        "TC": total_correlation(law),
        "DTC": dual_total_correlation(law),
        "mi_sum": mi_sum(law),
    }
    if _lattice_fits(law):
        values["g"] = list(entropy_profile(law))
        values["Ibar"] = list(info_curve(law))
    structured = not isinstance(law, JointLaw)
    out = {"L": law.L, "V": law.V, "exact": law.exact and not structured,
           "support": None if structured else law.support_size}
    if structured:
        out["structured"] = type(law).__name__
    for key, v in values.items():
        out[key] = [float(x) for x in v] if isinstance(v, list) else float(v)
    if "g" not in values:
        out["skipped"] = {
            "g, Ī": f"the masked lattice (V+1)^L = {(law.V + 1) ** law.L:,} states is over the memory cap"
        }
    if out["exact"]:
        out["exact_forms"] = {
            key: ([_exact_str(x, raw) for x in v] if isinstance(v, list) else _exact_str(v, raw))
            for key, v in values.items()
            if isinstance(v, LogForm) or (isinstance(v, list) and all(isinstance(x, LogForm) for x in v))
        }
    return out


_LABELS = [("H", "H(X)"), ("TC", "TC"), ("DTC", "DTC"), ("mi_sum", "Σ I(X_i;X_-i)")]


def _fmt(x: float) -> str:
    return f"{x:.12g}"


def run(args) -> int:
    law, source = build_law(args)
    out = compute(law, raw=getattr(args, "raw", False))
    if args.json:
        print(json_text({"source": source, **out}, indent=1))
        return 0
    kind = "exact" if out["exact"] else "float"
    name = source.get("family") or source.get("law_file")
    extras = " ".join(f"{k}={v}" for k, v in source.get("params", {}).items() if k not in ("L", "V"))
    shape = f"support {out['support']}" if out["support"] is not None else f"structured: {out['structured']}"
    print(f"law: {name} {extras}".rstrip() + f"  (L={law.L}, V={law.V}, {kind}, {shape})")
    print("nats" + ("; every value exact (exact: its log-form)" if out["exact"] else ""))
    forms = out.get("exact_forms", {})
    for key, label in _LABELS:
        line = f"  {label:15s} {_fmt(out[key]):>20s}"
        if key in forms:
            line += f"   exact: {forms[key]}"
        print(line)
    for key, label in (("g", "g(t)"), ("Ibar", "Ī(t)")):
        if key in out:
            print(f"  {label:15s} " + ", ".join(_fmt(x) for x in out[key]))
    for what, why in out.get("skipped", {}).items():
        print(f"  {what}: skipped ({why})", file=sys.stdout)
    if forms.get("g"):
        print("  (exact forms of g and Ī: --json)")
    return 0
