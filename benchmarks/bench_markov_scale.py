"""Markov ground truths at real sizes (issue 22): the shipped English chain (V = 27) at L = 1024.

Every timed call builds a fresh chain (exact stationary law, ``I(d)`` enclosures not cached).
Goals from the issue: sequence-level ``E_S KL`` at L = 1024, V = 27, T = 64 in <= 30 s; one
fixed partition's transition metrics in <= 2 s. No baseline computes these at this size (the
lattice holds V^L outcomes); the float ``MarkovChain.expected_kl`` (no certificate) is timed
beside the certified enclosure.
"""

from __future__ import annotations

import numpy as np

from benchmarks import Case
from exactdlm.cli import main
from exactdlm.decoding.markov_rules import random_order_schedule, sequence_ekl
from exactdlm.structured.markov_io import english_bigram
from exactdlm.structured.markov_pairs import sample_partition
from exactdlm.structured.transition_metrics import mixture_metrics, partition_metrics

L, T = 1024, 64


def _certified(rule="llada", block=None):
    chain = english_bigram(L)
    return sequence_ekl(chain, random_order_schedule(rule, L, T, block))


def _float_ekl():
    chain = english_bigram(L)
    return chain.expected_kl(random_order_schedule("llada", L, T))


def _partition():
    chain = english_bigram(L)
    part = sample_partition(random_order_schedule("llada", L, T), L, np.random.default_rng(0))
    return partition_metrics(chain, part)


def _command():
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return main(["markov", "--quiet"])


def cases():
    tag = {"engine": "structured markov", "L": L, "V": 27, "T": T}
    yield Case("markov scale: certified seq KL, LLaDA counts, L=1024 V=27 T=64", _certified,
               goal="<= 30 s", info=tag)
    yield Case("markov scale: float seq KL (no certificate), L=1024 V=27 T=64", _float_ekl, info=tag)
    yield Case("markov scale: certified seq KL, semi-AR blocks of 32, L=1024 T=64",
               lambda: _certified(block=32), goal="<= 30 s", info=tag)
    yield Case("markov scale: seq KL, Dream counts, L=1024 T=64", lambda: _certified("dream"), goal="<= 30 s", info=tag)
    yield Case("markov scale: certified seq KL, MDLM reveal times, L=1024 T=64", lambda: _certified("mdlm"),
               goal="<= 30 s", info=tag)
    yield Case("markov scale: transition metrics, one fixed partition, L=1024 V=27 T=64", _partition,
               goal="<= 2 s", info=tag)
    yield Case("markov scale: transition metrics, mixture over 8 partitions, L=1024 T=64",
               lambda: mixture_metrics(english_bigram(L), random_order_schedule("llada", L, T), 8), repeat=3, info=tag)
    yield Case("markov scale: exactdlm markov (defaults: T=8..1024, 8 partitions, floor N=512)", _command,
               repeat=1, info=tag)
