"""``exactdlm markov``: is a random-order sampler correct on a Markov ground truth, at L = 1024?
(issue 22; docs/theory.md §3, "Markov ground truths at real sizes").

For the shipped English character chain (27 symbols, KJV bigram counts; ``--transition FILE``
for your own ``.npy``/``.json`` matrix) and a random-remasking rule with the step counts of
LLaDA, Dream or MDLM, prints per step count ``T``:

* the sequence-level error ``E_S KL(p || q_S)`` (a certified enclosure; a float only for
  Bernoulli schedules beyond L = 1024);
* the population transition-KL and TV rates, unigram L1 and NLL per token of the sampler's
  output (the peer study's metrics at ``N -> infinity``): over every reveal pattern when the
  lattice holds the law (``V^L <= 2^14``), else estimated over sampled partitions (each exact, no
  token noise) with a 95% interval;

and the finite-sample floor of the peer's estimator for a perfect sampler with ``--samples N``
sequences (Monte Carlo) beside its chi-square asymptote.
"""

from __future__ import annotations

import math

from ..decoding.markov_rules import RULES, random_order_schedule, sequence_ekl
from ..structured.markov_certified import CertifiedValue
from ..structured.markov_io import chain_from_file, english_bigram
from ..structured.transition_metrics import (check_floor_time, finite_sample_floor, mixture_metrics,
                                               mixture_metrics_exact)
from ._checks import json_text

NAME = "markov"
#: largest V^L for which the transition metrics of the mixture are summed over every pattern
EXACT_MIXTURE_OUTCOMES = 1 << 14
HELP = "exact sequence KL and transition metrics of random remasking on a Markov chain (default: English, L=1024)"


def add_arguments(parser) -> None:
    parser.add_argument("--transition", metavar="FILE", default=None,
                        help="a V x V transition matrix (.npy, or .json: rows | {transition, initial} | {counts, smoothing}); "
                             "default: the shipped 27-symbol English chain")
    parser.add_argument("--smoothing", default="1", metavar="LAM",
                        help="additive smoothing of the shipped English counts (default 1)")
    parser.add_argument("--L", type=int, default=1024, help="sequence length (default 1024)")
    parser.add_argument("--steps", default=None, metavar="T1,T2,..",
                        help="step counts (default 8,16,...,L: powers of two up to L)")
    parser.add_argument("--rule", choices=RULES, default="llada",
                        help="step counts of: llada (get_num_transfer_tokens), dream (int(m(1-s/t))), "
                             "dream_origin (reveal w.p. 1-s/t), mdlm (log-linear reveal times); positions random")
    parser.add_argument("--block", type=int, default=None, help="llada: semi-AR block length (default L)")
    parser.add_argument("--partitions", type=int, default=8,
                        help="sampled partitions per step count for the transition metrics (default 8; 0 = skip)")
    parser.add_argument("--samples", type=int, default=512,
                        help="N of the peer's estimator for the finite-sample floor (default 512; 0 = skip)")
    parser.add_argument("--floor-reps", type=int, default=16, help="Monte-Carlo repetitions of the floor (default 16)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def _steps(text, L):
    if text is None:
        out, T = [], 8
        while T < L:
            out.append(T)
            T *= 2
        return out + [L]
    try:
        vals = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"--steps must be integers separated by commas, got {text!r}") from None
    if not vals or any(not 1 <= v <= L for v in vals):
        raise ValueError(f"--steps must lie in 1..L={L}, got {text!r}")
    return vals


def run(args) -> int:
    L = args.L
    if L < 2:
        raise ValueError(f"--L must be >= 2 (transition metrics need a bigram), got {L}")
    if args.transition:
        chain = chain_from_file(args.transition, L)
        name = args.transition
    else:
        chain = english_bigram(L, args.smoothing)
        name = f"English characters (KJV bigram counts, smoothing {args.smoothing})"
    if args.partitions < 0 or args.samples < 0 or args.floor_reps < 2:
        raise ValueError("--partitions and --samples must be >= 0 and --floor-reps >= 2")
    if args.samples:  # the floor's estimate before the metrics' work, not after it
        check_floor_time(chain, args.samples, args.floor_reps)
    rows = []
    for T in _steps(args.steps, L):
        sched = random_order_schedule(args.rule, L, T, args.block)
        ekl = sequence_ekl(chain, sched)
        row = {"T": T}
        if isinstance(ekl, CertifiedValue):
            row.update(seq_kl=ekl.value, seq_kl_bound=ekl.error, seq_kl_certified=True)
        else:
            row.update(seq_kl=ekl, seq_kl_bound=None, seq_kl_certified=False)
        if args.partitions == 1:
            raise ValueError("--partitions must be >= 2 (for an interval) or 0")
        if args.partitions and chain.V ** L <= EXACT_MIXTURE_OUTCOMES:  # exact where affordable
            vals = mixture_metrics_exact(chain, sched)
            row.update(vals)
            row.update({k + "_ci": [v, v] for k, v in vals.items()})
            row["metrics_label"] = "over every reveal pattern (the lattice's output law; no sampling)"
        elif args.partitions:
            est = mixture_metrics(chain, sched, args.partitions, seed=args.seed + T, desc=f"T={T}")
            row.update({k: v for k, v in est.values.items()})
            row.update({k + "_ci": list(v) for k, v in est.ci.items()})
            row["metrics_label"] = est.label
        rows.append(row)
    out = {"chain": name, "V": chain.V, "L": L, "rule": args.rule, "block": args.block or L, "rows": rows}
    import numpy as np

    P = np.array(chain.P, dtype=float)
    mu = np.array(chain.mu, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["entropy_rate"] = float(-np.nansum(mu[:, None] * np.where(P > 0, P * np.log(P), 0.0)))
    if args.samples:
        fl = finite_sample_floor(chain, args.samples, args.floor_reps, args.seed)
        out["floor"] = {"N": args.samples, "reps": args.floor_reps, **{k: v for k, v in fl.items() if k != "seconds"}}
    if args.json:
        print(json_text(out, indent=1))  # non-finite floats as "inf" strings, never bare Infinity
        return 0
    print(f"chain: {name}  (V={chain.V}, L={L}, {'stationary' if chain.stationary else 'given'} start)")
    print(f"rule: {args.rule} step counts, positions uniformly random (random remasking)"
          + (f", semi-AR blocks of {args.block}" if args.block and args.block < L else ""))
    print(f"entropy rate of the chain: {out['entropy_rate']:.6f} nats/token")
    print("nats; seq KL = E_S KL(p || q_S) (± certified bound, or float); transition metrics: population values "
          "(N -> inf) of the peer's estimator")
    if args.partitions:
        print(f"transition metrics {rows[0]['metrics_label']}")
    head = f"{'T':>5s} {'seq KL':>24s}"
    if args.partitions:
        head += f" {'trans-KL rate [95% CI]':>34s} {'TV rate':>9s} {'unigram L1':>10s} {'NLL/token':>9s}"
    print(head)
    for r in rows:
        seq = f"{r['seq_kl']:.10g}" + (f" ± {r['seq_kl_bound']:.1g}" if r["seq_kl_certified"] else " (float)")
        line = f"{r['T']:5d} {seq:>24s}"
        if args.partitions:
            lo, hi = r["transition_kl_rate_ci"]
            kl = r["transition_kl_rate"]
            txt = "inf" if math.isinf(kl) else f"{kl:.3e} [{max(lo, 0):.2e}, {hi:.2e}]"
            line += f" {txt:>34s} {r['transition_tv_rate']:9.5f} {r['unigram_l1']:10.2e} {r['nll_per_token']:9.5f}"
        print(line)
    if args.samples:
        f = out["floor"]
        m, se = f["transition_kl_rate"]
        print(f"finite-sample floor of the peer's KL-rate estimator, N={args.samples} perfect samples: "
              f"{m:.3e} ± {se:.1e} (Monte Carlo, {args.floor_reps} reps; chi-square asymptote "
              f"{f['asymptotic_kl']:.3e}); TV rate {f['transition_tv_rate'][0]:.4f}, unigram L1 {f['unigram_l1'][0]:.2e}")
    return 0
