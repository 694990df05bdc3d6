"""Every numba kernel of the package, one module per engine, each kernel with a pure-Python
twin (``*_py``) that the tests compare it with. Imports only numpy, numba and, for the exact
twins, :mod:`exactdlm.arith`.

Numbers in, numbers out: no classes, constants passed as arguments, ``cache=True``.
The kernels are split by engine (``lattice``, ``marginals``, ``sampler``, ``structured``) only to keep
each file short; import them from here. A kernel may be a thin Python driver over
numba loops (``lattice_sum_passes``); its twin is still pure Python.

Lattice layout (docs/theory.md §7): a state of the masked lattice is a digit string
``d_0 ... d_{L-1}`` with ``d_j in 0..V`` and ``d_j = V`` meaning "position j masked".
Its flat index is ``sum_j d_j (V+1)^(L-1-j)`` (C order over shape ``(V+1,)*L``); the
revealed set of a state is the bitmask with bit ``j`` set when ``d_j < V``.
"""

from .lattice import (
    lattice_entropies,
    lattice_entropies_py,
    lattice_sum_passes,
    lattice_sum_passes_py,
    subset_entropy_pass,
    subset_entropy_pass_py,
)
from .marginals import (
    entropy_flat,
    entropy_flat_py,
    leave_one_out_entropies,
    leave_one_out_entropies_py,
    site_marginals,
    site_marginals_py,
)
