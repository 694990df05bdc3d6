"""Joint laws over ``[V]^L``: the law type, its validation and I/O, and the named families (docs/theory.md §1, §6).

The lowest layer above the numbers: it imports only :mod:`exactdlm.arith`. Modules:

* ``joint``    -- :class:`JointLaw` (float64 or exact ``Fraction`` arrays), validation,
  marginals, ``.npz``/JSON I/O, the memory cap;
* ``families`` -- named laws (iid, Markov, HMM, parity, MDS codes, ...). For lengths the
  masked lattice cannot hold, a family with a symmetry returns the structured law instead:
  :mod:`exactdlm.structured` registers those long forms here when it is imported (so this
  layer never imports the one above it).
"""

from .joint import JointLaw, as_law

__all__ = ["JointLaw", "as_law"]
