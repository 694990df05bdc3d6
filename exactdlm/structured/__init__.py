"""Structured laws: exact quantities at lengths the masked lattice cannot hold (docs/theory.md §6-§7).

Layer: beside the adaptive rules, above the engine. May import arith, laws, schedules and the
engine; it registers its long forms with ``laws.families`` on import (see docs/architecture.md).

Laws whose symmetry makes ``H(X_A)`` cheap:

* **exchangeable** laws (``exchangeable.py``): mixtures of i.i.d. laws, noisy repetition,
  any count law, uniform on a weight class; the sampler's mixture law by a DP on counts;
* **repeated symbol** and **sum mod V / parity** (``closed.py``): docs/theory.md §6 closed forms,
  also available through the count engine (``as_exchangeable()``);
* **Markov chains** (``markov.py``): ``g`` and ``Ī`` from the gaps of the revealed set;
* **MDS / Reed–Solomon codes** (``mds.py``): closed forms, mixture law included;
* the **profile cone** (``cone.py``): a symbolic law standing for every law of length L at once,
  on which profile claims are decided exactly (docs/theory.md §8).

Every law follows the protocol of ``base.StructuredLaw`` (``.L``, ``.V``,
``entropy_profile()``, ``info_curve()``, ``expected_kl(sizes)``, ``mixture_kl(sizes)``, ...),
so ``exactdlm.engine.info`` and ``exactdlm.engine.sampler.expected_kl`` accept them unchanged.
Random-size schedules: ``exactdlm.schedules.BernoulliReveal`` and ``CutPoints`` (any object
with ``L, rates`` or ``L, K, w`` works; see ``sizes.py``).
"""

from .base import StructuredLaw
from .closed import RepeatedSymbol, SumModV, parity, repeated_symbol
from .cone import NotInFragment, ProfileCone
from .exchangeable import (
    Exchangeable,
    exchangeable_from_counts,
    exchangeable_mixture,
    noisy_repetition,
    weight_class,
)
from .exchangeable import from_joint as exchangeable_from_joint
from .markov import MarkovChain, markov_chain
from .markov import from_joint as markov_from_joint
from .mds import MDSCode, mds_code, next_prime
from .sizes import expected_N

from ..laws import families as _families

for _name, _builder in (("exchangeable_mixture", exchangeable_mixture), ("markov_chain", markov_chain),
                        ("repeated_symbol", repeated_symbol), ("parity", parity),
                        ("noisy_repetition", noisy_repetition), ("mds_code", mds_code)):
    _families.register_long_form(_name, _builder)

__all__ = [
    "Exchangeable",
    "MDSCode",
    "MarkovChain",
    "NotInFragment",
    "ProfileCone",
    "RepeatedSymbol",
    "StructuredLaw",
    "SumModV",
    "exchangeable_from_counts",
    "exchangeable_from_joint",
    "exchangeable_mixture",
    "expected_N",
    "markov_chain",
    "markov_from_joint",
    "mds_code",
    "next_prime",
    "noisy_repetition",
    "parity",
    "repeated_symbol",
    "weight_class",
]
