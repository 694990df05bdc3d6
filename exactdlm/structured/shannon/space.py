"""Orbit coordinates of entropy vectors: block-symmetric subset entropies (docs/theory.md §8a).

Split the positions ``0..L-1`` into contiguous blocks of sizes ``b = (b_1, ..., b_B)``. The
group ``S_{b_1} × ... × S_{b_B}`` (permutations inside each block) acts on subsets; the orbit
of ``A`` is its *count vector* ``a = (|A ∩ block_k|)_k``. For an entropy vector ``H`` the orbit
coordinate is the average over the orbit,

    h(a) = mean_{A : count(A) = a} H(X_A),      a ∈ ∏_k {0..b_k},

so a space has ``∏ (b_k + 1)`` coordinates (``h(0) = 0``). With every block of size 1 the
coordinates are the ``2^L`` subset entropies themselves (index = bitmask), with one block
they are the entropy profile ``g(t)``. A form that is linear in ``H`` and invariant under the
group is a linear form in ``h``; a linear form in the ``h`` of a coarser space is one in the
``h`` of a finer space (:func:`refinement`): ``h_P(a) = Σ_{c ↦ a} w(c) h_Q(c)`` with
``w(c) = ∏_j C(q_j, c_j) / ∏_i C(p_i, a_i)`` (the share of the ``P``-orbit in the ``Q``-orbit).

Index of ``a``: ``Σ_k a_k ∏_{j<k} (b_j + 1)`` (mixed radix), the bitmask when all ``b_k = 1``.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from math import comb, prod

import numpy as np

#: most coordinates a space may have (a form is a dense vector over them)
MAX_COORDS = 1 << 17


class Space:
    """The orbit space of a contiguous block partition ``blocks`` of ``range(L)``."""

    __slots__ = ("blocks", "L", "radix", "size", "offsets")

    def __init__(self, blocks):
        blocks = tuple(int(b) for b in blocks)
        if not blocks or min(blocks) < 1:
            raise ValueError(f"blocks must be positive integers, got {blocks}")
        self.blocks = blocks
        self.L = sum(blocks)
        r, acc = [], 1
        for b in blocks:
            r.append(acc)
            acc *= b + 1
        self.radix = tuple(r)
        self.size = acc
        self.offsets = tuple(int(x) for x in np.concatenate([[0], np.cumsum(blocks)[:-1]]))
        if self.size > MAX_COORDS:
            raise SpaceTooLarge(f"{self.size:,} orbit coordinates for blocks {_short(blocks)} (cap {MAX_COORDS:,})")

    # value semantics (spaces are cached and compared by their blocks)
    def __eq__(self, other):
        return isinstance(other, Space) and other.blocks == self.blocks

    def __hash__(self):
        return hash(self.blocks)

    def __repr__(self):
        return f"Space({_short(self.blocks)})"

    @property
    def full(self) -> bool:
        """Every block a single position: the coordinates are the subset entropies."""
        return all(b == 1 for b in self.blocks)

    def index(self, a) -> int:
        return sum(int(x) * r for x, r in zip(a, self.radix))

    def counts(self, i: int) -> tuple:
        out = []
        for b in self.blocks:
            out.append(i % (b + 1))
            i //= b + 1
        return tuple(out)

    @property
    def top(self) -> int:
        """Index of the whole set."""
        return self.size - 1

    def all_counts(self) -> np.ndarray:
        """``(size, B)`` int array: the count vector of every index."""
        return _all_counts(self.blocks)

    def orbit_size(self, a) -> int:
        return prod(comb(b, x) for b, x in zip(self.blocks, a))

    def block_of(self, pos: int) -> int:
        for k, o in enumerate(self.offsets):
            if o <= pos < o + self.blocks[k]:
                return k
        raise ValueError(f"position {pos} outside 0..{self.L - 1}")

    def counts_of_set(self, S) -> tuple | None:
        """The count vector of a set of positions, or None if it is not a union of whole blocks
        (then ``H(X_S)`` is not a coordinate of this space)."""
        a = [0] * len(self.blocks)
        for p in S:
            a[self.block_of(int(p))] += 1
        for k, x in enumerate(a):
            if x not in (0, self.blocks[k]):
                return None
        return tuple(a)

    def name(self, a) -> str:
        """Printable name of the coordinate ``h(a)``."""
        if self.full:
            S = [k for k, x in enumerate(a) if x]
            return "H(" + ",".join(f"X_{k}" for k in S) + ")" if S else "H()"
        if len(self.blocks) == 1:
            return f"g({a[0]})"
        return "h(" + ",".join(str(x) for x in a) + ")"


class SpaceTooLarge(ValueError):
    """A space with more coordinates than :data:`MAX_COORDS`."""


def _short(blocks) -> str:
    if len(blocks) > 8 and len(set(blocks)) == 1:
        return f"{len(blocks)}×{blocks[0]}"
    return "(" + ",".join(str(b) for b in blocks) + ")"


@lru_cache(maxsize=64)
def _all_counts(blocks) -> np.ndarray:
    idx = np.arange(prod(b + 1 for b in blocks), dtype=np.int64)
    cols = []
    for b in blocks:
        cols.append(idx % (b + 1))
        idx = idx // (b + 1)
    arr = np.stack(cols, axis=1)
    arr.setflags(write=False)
    return arr


@lru_cache(maxsize=256)
def space(blocks) -> Space:
    return Space(tuple(blocks))


def cuts(blocks) -> frozenset:
    return frozenset(int(x) for x in np.cumsum(blocks)[:-1])


def meet(*spaces) -> Space:
    """The coarsest space finer than all of ``spaces`` (union of their cut points)."""
    L = spaces[0].L
    if any(s.L != L for s in spaces):
        raise ValueError(f"entropy forms of two lengths ({', '.join(str(s.L) for s in spaces)})")
    cut = sorted(set().union(*[cuts(s.blocks) for s in spaces]))
    edges = [0] + cut + [L]
    return space(tuple(b - a for a, b in zip(edges, edges[1:])))


def space_for_sets(L: int, sets) -> Space:
    """The coarsest contiguous space in which every set of ``sets`` is a union of blocks."""
    cut = set()
    for S in sets:
        member = [False] * L
        for p in S:
            member[int(p)] = True
        cut |= {k for k in range(1, L) if member[k] != member[k - 1]}
    edges = [0] + sorted(cut) + [L]
    return space(tuple(b - a for a, b in zip(edges, edges[1:])))


@lru_cache(maxsize=64)
def refinement(coarse: Space, fine: Space):
    """``(parent, weight)``: for every fine index ``c`` the coarse index of its orbit and the
    rational share ``w(c)`` with ``h_P(a) = Σ_{c ↦ a} w(c) h_Q(c)``."""
    if coarse == fine:
        return None
    if not cuts(coarse.blocks) <= cuts(fine.blocks):
        raise ValueError(f"{fine} does not refine {coarse}")
    # which coarse block each fine block lies in
    owner, k, acc = [], 0, 0
    for b in fine.blocks:
        if acc >= coarse.offsets[k] + coarse.blocks[k]:
            k += 1
        owner.append(k)
        acc += b
    C = fine.all_counts()
    parent_counts = np.zeros((fine.size, len(coarse.blocks)), dtype=np.int64)
    for j, k in enumerate(owner):
        parent_counts[:, k] += C[:, j]
    parent = parent_counts @ np.array(coarse.radix, dtype=np.int64)
    weight = []
    for c, a in zip(C.tolist(), parent_counts.tolist()):
        num = prod(comb(b, x) for b, x in zip(fine.blocks, c))
        den = prod(comb(b, x) for b, x in zip(coarse.blocks, a))
        weight.append(Fraction(num, den))
    return parent, weight


__all__ = ["MAX_COORDS", "Space", "SpaceTooLarge", "meet", "refinement", "space", "space_for_sets"]
