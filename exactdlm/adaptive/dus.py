"""DUS, the dilated unmasking scheduler, exactly as its code decides (docs/theory.md §2a).

Modelled on ``omerlux/DUS``, ``generate.py``: ``generate_scheduled`` with ``scheduler='dilated'``
(or ``'binary'``), ``dilated_unmask_levels``, ``binary_search_levels`` and ``merge_last_level``;
the network replaced by the predictor's conditionals, no prompt, no guidance.

* The ``L`` positions are cut into blocks of ``B`` (``assert gen_length % block_length == 0``),
  filled left to right; the ``steps`` argument is not used.
* :func:`dilated_levels` (``dilated_unmask_levels`` with ``skip_exp``): the stride starts at
  ``B // base^skip`` and is divided by ``base`` (integer division) while ``>= 1``; each round
  reveals the not yet revealed offsets that are multiples of the stride; a last round takes
  what is left. :func:`binary_levels` (``binary_search_levels``): midpoints first, recursively.
  ``merge_last_level`` then folds the last level into the one before when it is smaller.
  ``B = 8``, base 2: ``{0,4}, {2,6}, {1,3,5,7}``; ``B = 5``: ``{0,2,4}, {1,3}`` merged to one step.
* Each level is one step: every position of the level takes the token ``argmax`` of the
  Gumbel-perturbed logits (``add_gumbel_noise``: a draw from ``p̂^{1/T}``, the argmax at ``T = 0``),
  all from the same network call. The schedule does not look at values: the law is that of a
  fixed ordered partition of the positions.
* ``remasking``: the code's default ``'low_confidence'`` (threshold 0.3) masks again, after every
  level but the last, the level's positions whose confidence is below the threshold, and never
  visits them again (the loop only writes the current level's positions): its output keeps mask
  tokens with positive probability and has no law on ``[V]^L``. The preset is
  ``remasking='none'``, the value-independent scheduler the DUS paper describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..schedules import DecodingRule
from .steplaw import (
    MAX_TEMPERATURE, StepEngine, check_block, check_number, check_ties, check_work, law_for, pick_then_draw, run_chain,
)

SCHEDULERS = ("dilated", "binary")


def dilated_levels(start: int, end: int, base: int = 2, skip: int = 1) -> list[list[int]]:
    """``dilated_unmask_levels(start, end, base, skip_exp)``: positions ``start..end`` coarse to fine."""
    if base < 1 or skip < 1:
        raise ValueError(f"dus: base and skip must be >= 1, got base={base}, skip={skip}")
    if base == 1:
        return [list(range(start, end + 1))]
    stride = (end - start + 1) // base**skip
    levels, seen = [], set()
    while stride >= 1:
        level = [i for i in range(start, end + 1) if (i - start) % stride == 0 and i not in seen]
        if level:
            levels.append(level)
            seen.update(level)
        stride //= base
    rest = [i for i in range(start, end + 1) if i not in seen]
    if rest:
        levels.append(rest)
    return levels


def binary_levels(start: int, end: int) -> list[list[int]]:
    """``binary_search_levels``: the midpoint ``(start + end) // 2`` on level 0, its halves below."""
    out: list[list[int]] = []

    def walk(a, b, depth):
        if a > b:
            return
        if len(out) <= depth:
            out.append([])
        mid = (a + b) // 2
        out[depth].append(mid)
        walk(a, mid - 1, depth + 1)
        walk(mid + 1, b, depth + 1)

    walk(start, end, 0)
    return out


def merge_last(levels: list[list[int]]) -> list[list[int]]:
    """``merge_last_level``: the last level joins the one before when it is smaller."""
    levels = [list(x) for x in levels]
    if len(levels) >= 2 and len(levels[-1]) < len(levels[-2]):
        levels[-2].extend(levels.pop())
    return levels


@dataclass(frozen=True)
class DUS(DecodingRule):
    """``dus:block=B[,base=b,skip=s,scheduler=dilated|binary,T=t]`` on ``L`` positions."""

    L: int
    block: int
    base: int = 2
    skip: int = 1
    scheduler: str = "dilated"
    T: Fraction = Fraction(0)
    ties: str = "uniform"  # no position ties arise; kept for a uniform interface

    def __post_init__(self):
        check_block("dus", self.L, self.block, "DUS asserts gen_length % block_length == 0")
        if self.scheduler not in SCHEDULERS:
            raise ValueError(f"dus: scheduler must be dilated or binary, got {self.scheduler!r}")
        if not (isinstance(self.base, int) and self.base >= 1 and isinstance(self.skip, int) and self.skip >= 1):
            raise ValueError(f"dus: base and skip must be integers >= 1, got base={self.base!r}, skip={self.skip!r}")
        if self.base > self.L or self.skip > 64:  # the stride B // base^skip is 0 beyond: one level of leftovers
            raise ValueError(f"dus: base must be at most L={self.L} and skip at most 64 (past them every stride is 0), "
                             f"got base={self.base}, skip={self.skip}")
        check_number("dus", "T", self.T, 0, MAX_TEMPERATURE)
        check_ties(self.ties)

    def levels(self) -> list[list[int]]:
        """Every step's positions, blocks left to right."""
        out = []
        for b in range(self.L // self.block):
            a, e = b * self.block, (b + 1) * self.block - 1
            lv = dilated_levels(a, e, self.base, self.skip) if self.scheduler == "dilated" else binary_levels(a, e)
            out += merge_last(lv)
        return out

    def law(self, p, predictor=None):
        from ..laws.budget import check_time
        from .entropy_sum import SECONDS_PER_EXPANSION

        law = law_for("dus", self.L, p)
        L, V = law.L, law.V
        levels = self.levels()
        check_work("dus", L, V, len(levels))
        check_time(len(levels) * (2 * V + 1) ** L * SECONDS_PER_EXPANSION, f"dus on L={L}, V={V}", "use a smaller L or V")
        eng = StepEngine(law, predictor, self.T, self.ties)

        def step(state, i):
            level = [j for j in levels[i] if state[j] == V]
            draws = {j: eng.draws(eng.tempered(eng.row(state, j))) for j in level}
            for child, pr in pick_then_draw(state, [(frozenset(level), eng.one)], draws):
                yield child, i + 1, pr

        return run_chain(L, V, eng.exact, step)
