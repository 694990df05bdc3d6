"""A false claim whose violations the quick suite holds none of: only the directed search finds one (tests/test_verify_search.py)."""

import numpy as np
import exactdlm as ed
from exactdlm.claims import claim

@claim(id="hidden", statement="KL(p||q) <= -1 on peaked three-bit laws (false; the quick suite holds none)", source="user")
def hidden(law, sizes):
    top = float(np.max(law.float_array()))
    if law.L == 3 and law.V == 2 and 0.5 < top < 0.95 and len(sizes) == 1:
        return ed.mixture_kl(law, sizes), -1
    return 0, 1
