"""Claims linear in the subset entropies, decided for every law by the Shannon LP (docs/theory.md §8a).

Layer: inside ``structured`` (beside the profile cone, ``structured/cone.py``); imports arith,
laws, schedules, the engine and the cone, nothing above.

* :mod:`.space`: orbit coordinates of block-symmetric entropy vectors (``∏ (b_k + 1)`` of them);
* :mod:`.form`: :class:`EntropyForm`, an exact linear form over those coordinates;
* :mod:`.law`: :class:`EntropicLaw`, the symbolic law whose quantities are forms;
* :mod:`.elemental`: the elemental inequalities (symmetrized over the blocks) and their names;
* :mod:`.lp`: the Shannon LP (scipy HiGHS) and its exact rational certificate;
* :mod:`.laws`: counterexample laws for a violating polymatroid (linear codes over GF(2), GF(3)).
"""

from .form import EntropyForm
from .law import EntropicLaw
from .space import Space, space

__all__ = ["EntropicLaw", "EntropyForm", "Space", "space"]
